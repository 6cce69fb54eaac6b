"""Rewrites: apply the findings' suggestions to produce a revised draft.

One suggestion per finding (its first), chosen so that edits never overlap: a sentence
rewrite wins over word fixes inside it, and insertions at the same place keep the rule
order (reason and notice after the greeting; thanks and handover before the sign-off).
The phrasing of every edit comes from the rule files, in the draft's language and register.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .linter import Linter, default_linter
from .report import Edit, Finding, Report

# Where a part is inserted, the order the parts read best in.
_INSERT_ORDER = ("missing-reason", "missing-notice", "missing-thanks", "missing-handover")


@dataclass
class Rewrite:
    """The revised draft, the edits that made it (offsets into the original), and the report."""

    text: str
    edits: list[Edit] = field(default_factory=list)
    report: Report | None = None

    @property
    def changed(self) -> bool:
        return bool(self.edits)


def choose_edits(findings: list[Finding]) -> list[Edit]:
    """The first suggestion of each finding, dropping any that overlaps a wider one."""
    candidates = [(f, f.suggestions[0].edits) for f in findings if f.suggestions and f.suggestions[0].edits]
    # Widest first, so a sentence rewrite claims its sentence before word fixes inside it.
    candidates.sort(key=lambda c: -max(e.end - e.start for e in c[1]))
    taken: list[Edit] = []
    for _finding, edits in candidates:
        if all(_compatible(e, t) for e in edits for t in taken):
            taken.extend(edits)

    def order(e: Edit) -> tuple[int, int, int]:
        rank = next((i for i, f in enumerate(findings) if f.suggestions and e in f.suggestions[0].edits), 0)
        rule = findings[rank].rule if findings else ""
        return (e.start, e.end, _INSERT_ORDER.index(rule) if rule in _INSERT_ORDER else -1)

    return sorted(taken, key=order)


def _compatible(a: Edit, b: Edit) -> bool:
    if a.start == a.end or b.start == b.end:  # insertions only clash inside a replaced span
        point, other = (a, b) if a.start == a.end else (b, a)
        return not (other.start < point.start < other.end)
    return a.end <= b.start or b.end <= a.start


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (offsets into ``text``); insertions at one point keep order."""
    out = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(text[pos : e.start])
        out.append(e.text)
        pos = max(pos, e.end)
    out.append(text[pos:])
    return _tidy("".join(out))


def _tidy(text: str) -> str:
    """Mend what deletions leave behind: doubled spaces and spaces before punctuation."""
    text = re.sub(r"(?<=\S) {2,}(?=\S)", " ", text)
    text = re.sub(r" +([,.;:!?])", r"\1", text)
    text = re.sub(r"(?m)^[ \t]*[,;:]\s*", "", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text


def rewrite(text: str, *, linter: Linter | None = None, lang: str | None = None) -> Rewrite:
    """Check ``text`` and return the revised draft with every available fix applied."""
    linter = linter or default_linter()
    report = linter.check(text, lang)
    edits = choose_edits(report.findings)
    return Rewrite(text=apply_edits(text, edits) if edits else text, edits=edits, report=report)
