"""GitHub Actions workflow commands: annotations on the pull request diff."""

from __future__ import annotations

from .base import CheckedFile

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def format_github(files: list[CheckedFile], color: bool = False) -> str:
    lines = []
    for f in files:
        for finding in f.report.findings:
            level = _LEVEL[str(finding.severity)]
            lines.append(
                f"::{level} file={_escape(f.path)},line={finding.line},col={finding.column},"
                f"title={_escape(finding.rule)}::{_escape(finding.message)}"
            )
    return "\n".join(lines)
