"""SARIF 2.1.0, as GitHub code scanning accepts it."""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from .base import CheckedFile

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def format_sarif(files: list[CheckedFile], color: bool = False) -> str:
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for f in files:
        text = f.report.text
        for finding in f.report.findings:
            if finding.rule not in rules:
                rules[finding.rule] = {
                    "id": finding.rule,
                    "shortDescription": {"text": finding.rule},
                    "fullDescription": {"text": finding.why or finding.rule},
                    "defaultConfiguration": {"level": _LEVEL[str(finding.severity)]},
                }
            end_line, end_col = _line_col(text, finding.end)
            results.append({
                "ruleId": finding.rule,
                "level": _LEVEL[str(finding.severity)],
                "message": {"text": finding.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path},
                        "region": {
                            "startLine": finding.line, "startColumn": finding.column,
                            "endLine": end_line, "endColumn": end_col,
                            "charOffset": finding.start, "charLength": finding.end - finding.start,
                        },
                    }
                }],
                "properties": {"confidence": finding.confidence, "source": finding.source},
            })
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "tonecheck", "version": __version__,
                "informationUri": "https://pypi.org/project/tonecheck/",
                "rules": list(rules.values()),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset].replace("\r\n", "\n").replace("\r", "\n")
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1) + 1
