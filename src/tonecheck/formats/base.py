from __future__ import annotations

from dataclasses import dataclass

from ..report import Report


@dataclass
class CheckedFile:
    """A report with the path it came from ("-" for standard input)."""

    path: str
    report: Report
