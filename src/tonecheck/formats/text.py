"""Human output: the line, a marker under the span, the message and the first fix."""

from __future__ import annotations

from .base import CheckedFile

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def format_text(files: list[CheckedFile], color: bool = False) -> str:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    out = []
    totals = {"error": 0, "warning": 0, "info": 0}
    for f in files:
        lines = f.report.text.splitlines()
        for finding in f.report.findings:
            sev = str(finding.severity)
            totals[sev] += 1
            out.append(f"{paint(_BOLD, f.path)}:{finding.line}:{finding.column}: "
                       f"{paint(_COLORS[sev], sev)} {paint(_BOLD, finding.rule)} {finding.message}")
            if 0 < finding.line <= len(lines):
                line = lines[finding.line - 1].expandtabs(1)
                width = max(1, min(finding.end - finding.start, len(line) - finding.column + 1))
                out.append(f"  {line}")
                out.append("  " + " " * (finding.column - 1) + paint(_COLORS[sev], "^" * width))
            if finding.suggestions:
                out.append("  " + paint(_DIM, "fix: ") + finding.suggestions[0].description)
            if finding.source == "model" and finding.evidence:  # the model alone: say why
                out.extend("  " + paint(_DIM, line) for line in finding.evidence)
        for notice in f.report.notices:
            out.append(paint(_DIM, f"{f.path}: {notice}"))
    summary = ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in totals.items())
    checked = f"{len(files)} file{'s' if len(files) != 1 else ''}"
    out.append(f"{checked} checked: {summary}" if any(totals.values()) else f"{checked} checked: no findings")
    return "\n".join(out)
