"""Batch mode: many messages in (JSON Lines or CSV), one JSON line of findings out per message.

Resumable (ids already in the output are skipped), a bad record becomes an output line
with its error instead of stopping the run, and ``workers`` processes each load the
rules and models once.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import Config
from .errors import InputError, TonecheckError

CHUNK = 16


@dataclass(frozen=True)
class BatchOptions:
    id_field: str = "id"
    text_field: str = "text"
    lang: str | None = None
    model: bool = True
    grammar: bool = False
    rewrite: bool = False


def read_records(path: Path, opts: BatchOptions) -> Iterator[dict[str, Any]]:
    """Records as dicts with the id and text fields; a malformed line yields an error record."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    with handle:
        if path.suffix.lower() == ".csv":
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or opts.text_field not in reader.fieldnames:
                raise InputError(f"{path}: no '{opts.text_field}' column (set --text-field)")
            for n, row in enumerate(reader, 1):
                yield {"id": row.get(opts.id_field) or f"row-{n}", "text": row.get(opts.text_field)}
            return
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise ValueError("not a JSON object")
                yield {"id": row.get(opts.id_field, f"line-{n}"), "text": row.get(opts.text_field)}
            except ValueError as exc:
                yield {"id": f"line-{n}", "text": None, "error": f"line {n}: invalid JSON ({exc})"}


_worker_linter: Any = None
_worker_opts: BatchOptions | None = None


def _init_worker(config: Config, opts: BatchOptions) -> None:
    global _worker_linter, _worker_opts
    from .linter import Linter

    _worker_linter = Linter(config, model=opts.model, grammar=opts.grammar, on_notice=lambda _m: None)
    _worker_opts = opts


def _check_chunk(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [check_record(_worker_linter, r, _worker_opts or BatchOptions()) for r in records]


def check_record(linter: Any, record: dict[str, Any], opts: BatchOptions) -> dict[str, Any]:
    """One output line: id, lang, findings (and rewrite); or id and error."""
    out: dict[str, Any] = {"id": record["id"]}
    if record.get("error"):
        return {**out, "error": record["error"]}
    text = record.get("text")
    if not isinstance(text, str):
        return {**out, "error": f"no text in field '{opts.text_field}'"}
    try:
        report = linter.check(text, opts.lang)
    except TonecheckError as exc:
        return {**out, "error": str(exc)}
    out.update(lang=report.lang, findings=[f.to_dict() for f in report.findings])
    if opts.rewrite:
        from .rewrite import apply_edits, choose_edits

        edits = choose_edits(report.findings)
        out["rewrite"] = apply_edits(text, edits) if edits else text
    return out


def done_ids(path: Path) -> set[str]:
    """Ids already in the output (a resumed run skips them); a torn last line is ignored."""
    if not path.exists():
        return set()
    ids = set()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                ids.add(str(json.loads(line)["id"]))
            except (ValueError, KeyError, TypeError):
                continue
    return ids


def run_batch(src: Path, dst: Path, config: Config, opts: BatchOptions, workers: int = 1,
              progress: Callable[[int, int, float], None] | None = None) -> dict[str, int]:
    """Check every record of ``src`` not yet in ``dst``; append results to ``dst``.

    Each result line is written whole and flushed, so an interrupted run leaves complete
    lines and resumes where it stopped.
    """
    skip = done_ids(dst)
    todo = [r for r in read_records(src, opts) if str(r["id"]) not in skip]
    stats = {"skipped": len(skip), "checked": 0, "errors": 0, "total": len(todo)}
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    start = time.perf_counter()
    dst.parent.mkdir(parents=True, exist_ok=True)
    with dst.open("a", encoding="utf-8") as out:
        if workers <= 1:
            _init_worker(config, opts)
            results: Iterator[list[dict[str, Any]]] = map(_check_chunk, chunks)
            pool = None
        else:
            pool = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(config, opts))
            results = pool.map(_check_chunk, chunks)
        try:
            for chunk in results:
                for row in chunk:
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    stats["checked"] += 1
                    stats["errors"] += "error" in row
                out.flush()
                os.fsync(out.fileno())
                if progress:
                    progress(stats["checked"], len(todo), time.perf_counter() - start)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
    return stats


def print_progress(done: int, total: int, elapsed: float) -> None:
    """A progress line with rate and ETA, redrawn in place on a terminal."""
    rate = done / elapsed if elapsed > 0 else 0.0
    eta = (total - done) / rate if rate > 0 else 0.0
    width = 30
    filled = int(width * done / total) if total else width
    line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}  {rate:.1f} msg/s  ETA {eta:.0f} s"
    end = "\n" if done >= total else ""
    if sys.stderr.isatty():
        print("\r" + line, end=end, file=sys.stderr, flush=True)
    elif done >= total:
        print(line, file=sys.stderr)
