"""Reading drafts from files and bytes: encodings, limits, and one clear error each."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

# Legacy encodings of Romanian mail. Bytes 0x80-0x9F are printable only in windows-1250;
# ISO-8859-16 has the correct comma-below ș ț where the others have cedilla forms.
_LEGACY = ("windows-1250", "iso-8859-16", "iso-8859-2")
_ROMANIAN = set("ăâîșțşţĂÂÎȘȚŞŢ")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    notice: str | None = None


def decode(data: bytes, name: str = "input", max_bytes: int | None = None) -> Decoded:
    """Decode a draft; refuse binary data, empty text and undecodable bytes with InputError."""
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(f"{name}: {len(data):,} bytes is over the limit of {max_bytes:,} (set max-bytes to raise it)")
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data[3:], "utf-8", name), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _strict(data, "utf-16", name), "utf-16"
    elif b"\x00" in data:
        raise InputError(f"{name}: binary data, not a text draft")
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            encoding = _legacy_name(data)
            text = _legacy(data, encoding, name)
    if _looks_binary(text):
        raise InputError(f"{name}: binary data, not a text draft")
    if not text.strip():
        raise InputError(f"{name}: the draft is empty")
    notice = None
    if encoding not in ("utf-8", "utf-8-sig"):
        notice = f"{name}: decoded as {encoding}; save drafts as UTF-8 to avoid surprises"
    return Decoded(text, encoding, notice)


def read_file(path: Path, max_bytes: int | None = None) -> Decoded:
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a draft")
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise InputError(f"{path}: {size:,} bytes is over the limit of {max_bytes:,} (set max-bytes to raise it)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    return decode(data, str(path), max_bytes)


def check_text(text: str, max_bytes: int | None, name: str = "text") -> None:
    """The same limits for text handed to the API directly."""
    if not isinstance(text, str):
        raise InputError(f"{name}: expected text (str), got {type(text).__name__}")
    if not text.strip():
        raise InputError(f"{name}: the draft is empty")
    if max_bytes is not None and len(text) > max_bytes:
        raise InputError(f"{name}: {len(text):,} characters is over the limit of {max_bytes:,}")
    if _looks_binary(text):
        raise InputError(f"{name}: binary data, not a text draft")


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise InputError(f"{name}: not valid {encoding.upper()} text") from None


def _legacy_name(data: bytes) -> str:
    return "windows-1250" if any(0x80 <= b <= 0x9F for b in data) else "iso-8859-16"


def _legacy(data: bytes, encoding: str, name: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = ""
    high = [c for c in text if ord(c) > 0x7F]
    # Accept a legacy decoding only when its non-ASCII letters are mostly Romanian ones;
    # anything else would be silent mojibake.
    if not high or sum(c in _ROMANIAN for c in high) < 0.6 * len(high):
        raise InputError(f"{name}: not UTF-8 text (and not a Romanian legacy encoding); save it as UTF-8")
    return text


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f\v")
    return controls > max(2, len(sample) // 100)
