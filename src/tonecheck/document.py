"""A draft as tonecheck sees it: normalised text, sentences, and every kind of offset.

All spans inside tonecheck are code-point offsets into ``Document.text`` (the NFC form of
what the user gave). :meth:`Document.to_source` maps them back to the user's own text,
and the ``utf16``/``line_col`` helpers serve the editor and the formatters. This is the
one place that converts between offset kinds.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property

from .normalize import comma_below, fold, nfc_with_map, replace_lone_surrogates

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# A sentence ends at . ! ? … (possibly repeated, possibly followed by a closing quote or
# bracket) when whitespace follows.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”»)\]]*(?=\s)")
# Abbreviations that end with a dot but not a sentence (folded, without the dot).
_ABBREVIATIONS = frozenset(
    "dvs d-voastra dl dna d-na d-l dr ing prof nr str etc ex mr mrs ms dr st vs e.g i.e approx jan feb"
    " mar apr jun jul aug sep sept oct nov dec ian febr iun iul tel art cca pag p".split()
)
_CLOCK = frozenset({"a.m", "p.m"})  # a sentence end only before a capital
_BULLET = re.compile(r"^\s*(?:[-*•·–]|\d+[.)])\s+")


@dataclass(frozen=True)
class Sentence:
    """A sentence (or a line that stands alone, like a greeting) of the document."""

    index: int
    start: int
    end: int
    text: str


@dataclass
class Document:
    """The checked text with its offset views. Build with :meth:`Document.from_text`."""

    source: str
    text: str
    _origin: list[int] | None = field(repr=False, default=None)

    @classmethod
    def from_text(cls, source: str) -> Document:
        text, origin = nfc_with_map(replace_lone_surrogates(source))
        return cls(source=source, text=text, _origin=origin)

    # -- views used for matching ------------------------------------------------------

    @cached_property
    def folded(self) -> str:
        """Lowercase, diacritics-free, same length as :attr:`text`."""
        return fold(comma_below(self.text))

    # -- offsets ------------------------------------------------------------------------

    def to_source(self, offset: int) -> int:
        """Map a code-point offset in :attr:`text` to one in :attr:`source`."""
        if self._origin is None:
            return offset
        return self._origin[min(max(offset, 0), len(self._origin) - 1)]

    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        starts.extend(m.end() for m in _LINE_BREAK.finditer(self.source))
        return starts

    def line_col(self, source_offset: int) -> tuple[int, int]:
        """1-based line and code-point column of an offset into :attr:`source`."""
        line = bisect.bisect_right(self._line_starts, source_offset) - 1
        return line + 1, source_offset - self._line_starts[line] + 1

    def utf16_position(self, source_offset: int) -> tuple[int, int]:
        """0-based line and UTF-16 character of an offset into :attr:`source` (LSP positions)."""
        line = bisect.bisect_right(self._line_starts, source_offset) - 1
        start = self._line_starts[line]
        segment = self.source[start:source_offset]
        return line, utf16_len(segment)

    def offset_from_utf16(self, line: int, character: int) -> int:
        """Inverse of :meth:`utf16_position`: LSP position -> offset into :attr:`source`."""
        if line >= len(self._line_starts):
            return len(self.source)
        start = self._line_starts[line]
        end = self._line_starts[line + 1] if line + 1 < len(self._line_starts) else len(self.source)
        units = 0
        for i in range(start, end):
            if units >= character:
                return i
            units += 2 if ord(self.source[i]) > 0xFFFF else 1
        return end

    # -- structure ------------------------------------------------------------------------

    @cached_property
    def sentences(self) -> list[Sentence]:
        return split_sentences(self.text)

    def sentence_at(self, offset: int) -> Sentence | None:
        starts = [s.start for s in self.sentences]
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and self.sentences[i].start <= offset <= self.sentences[i].end:
            return self.sentences[i]
        return None


def utf16_len(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _line_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the non-blank lines, with hard-wrapped lines joined back together."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in [*_LINE_BREAK.finditer(text), None]:
        end = m.start() if m else len(text)
        line = text[pos:end]
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            s, e = pos + lead, pos + lead + len(stripped)
            if spans and _continues(text[spans[-1][0] : spans[-1][1]], stripped):
                spans[-1] = (spans[-1][0], e)
            else:
                spans.append((s, e))
        pos = m.end() if m else len(text)
    return spans


def _continues(previous: str, line: str) -> bool:
    """A line continues the previous one when that one has no closing punctuation and
    this one starts in lowercase (a hard-wrapped e-mail paragraph), and it is no bullet."""
    return (
        previous[-1].isalnum()
        and line[0].islower()
        and not _BULLET.match(line)
    )


def split_sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    for line_start, line_end in _line_spans(text):
        pos = line_start
        for m in _SENTENCE_END.finditer(text, line_start, line_end):
            if m.group().startswith(".") and len(m.group()) == 1 and _is_abbreviation(text, m.start()):
                continue
            _append(out, text, pos, m.end())
            pos = m.end()
        _append(out, text, pos, line_end)
    return out


def _is_abbreviation(text: str, dot: int) -> bool:
    i = dot
    while i > 0 and (text[i - 1].isalpha() or text[i - 1] in ".-"):
        i -= 1
    word = fold(text[i:dot]).strip(".")
    if word in _CLOCK:  # "at 7 a.m. pings" runs on; "until 5 p.m. Then" ends
        return text[dot + 1 : dot + 3].lstrip()[:1].islower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _append(out: list[Sentence], text: str, start: int, end: int) -> None:
    segment = text[start:end]
    stripped = segment.strip()
    if not stripped:
        return
    s = start + (len(segment) - len(segment.lstrip()))
    e = s + len(stripped)
    out.append(Sentence(index=len(out), start=s, end=e, text=stripped))
