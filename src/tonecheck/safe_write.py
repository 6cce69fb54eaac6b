"""Writing a user's file so that nothing is lost: the original kept, the write atomic."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str, *, keep_original: bool = True, encoding: str = "utf-8") -> Path | None:
    """Replace ``path`` with ``text`` in one step; keep the old file as ``<path>.orig``.

    The new content goes to a temporary file in the same folder, is flushed to disk, then
    renamed over the original, so an interrupted run leaves either the old or the new
    file, never half of one. Returns the backup path, if one was made.
    """
    backup = None
    if keep_original and path.exists():
        backup = path.with_name(path.name + ".orig")
        shutil.copy2(path, backup)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return backup
