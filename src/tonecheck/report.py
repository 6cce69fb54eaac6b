"""The public result types: what a check returns and every front door presents."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """Ordered so that ``a >= b`` means "at least as serious"."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, name: str) -> Severity:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {name!r} (use error, warning or info)") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` (code points) with ``text``; start == end inserts, text == "" deletes."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Suggestion:
    """One way to fix a finding: a description and the edits that make it."""

    description: str
    edits: tuple[Edit, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"description": self.description, "edits": [e.to_dict() for e in self.edits]}


@dataclass(frozen=True)
class Finding:
    """A problem found in a draft. ``start``/``end`` are code-point offsets into the text."""

    rule: str
    severity: Severity
    message: str
    start: int
    end: int
    line: int = 1
    column: int = 1
    confidence: float = 1.0
    source: str = "rule"
    suggestions: tuple[Suggestion, ...] = ()
    why: str = ""
    evidence: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "confidence": round(self.confidence, 3),
            "source": self.source,
            "suggestions": [s.to_dict() for s in self.suggestions],
        }
        if self.evidence:
            data["evidence"] = list(self.evidence)
        return data


@dataclass
class Report:
    """All findings for one text, sorted by position."""

    text: str
    lang: str
    findings: list[Finding] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    register: str = "neutral"

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def at_or_above(self, threshold: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity >= threshold]

    @property
    def rules(self) -> list[str]:
        return sorted({f.rule for f in self.findings})

    def to_dict(self) -> dict[str, Any]:
        return {"lang": self.lang, "findings": [f.to_dict() for f in self.findings]}
