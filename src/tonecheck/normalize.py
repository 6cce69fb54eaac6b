"""Character-level normalisation shared by analysis and matching.

Every function here maps one code point to exactly one code point, so offsets in a
normalised string are offsets in the text it came from.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

#: Romanian letters written with a cedilla (legacy encodings) and their correct forms.
CEDILLA_TO_COMMA = {"ş": "ș", "ţ": "ț", "Ş": "Ș", "Ţ": "Ț"}

# Typographic variants folded for matching, one code point each.
_PUNCT_FOLD = {"’": "'", "‘": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'}

ROMANIAN_DIACRITICS = frozenset("ăâîșțşţĂÂÎȘȚŞŢ")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    ch = _PUNCT_FOLD.get(ch, ch)
    lower = ch.lower()
    if len(lower) != 1:  # e.g. "İ".lower() is two code points: keep one-to-one
        lower = ch
    base = unicodedata.normalize("NFD", lower)[0]
    return base


def fold(text: str) -> str:
    """Lowercase, strip diacritics, unify quotes: "Mulţumesc" -> "multumesc".

    Same length as the input, so spans carry over.
    """
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in text)


def comma_below(text: str) -> str:
    """Replace cedilla ş ţ Ş Ţ with the correct comma-below letters."""
    if not any(c in CEDILLA_TO_COMMA for c in text):
        return text
    return "".join(CEDILLA_TO_COMMA.get(c, c) for c in text)


def has_romanian_diacritics(text: str) -> bool:
    return any(c in ROMANIAN_DIACRITICS for c in text)


def replace_lone_surrogates(text: str) -> str:
    """Half an emoji (a lone UTF-16 surrogate, which editors can hold) becomes U+FFFD,
    one code point for one, so analysis never chokes on it and offsets stay put."""
    if not any("\ud800" <= c <= "\udfff" for c in text):
        return text
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)


def nfc_with_map(text: str) -> tuple[str, list[int] | None]:
    """NFC-normalise ``text``; return it with a map from each output index to an input index.

    The map is ``None`` when the text was already NFC (the common case), meaning identity.
    The map has one extra entry at the end, for the end-of-text offset.
    """
    if unicodedata.is_normalized("NFC", text):
        return text, None
    out: list[str] = []
    origin: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        piece = unicodedata.normalize("NFC", text[i:j])
        out.append(piece)
        origin.extend([i] * len(piece))
        i = j
    origin.append(n)
    return "".join(out), origin
