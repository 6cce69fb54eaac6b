"""JSON: ``{"version": 1, "results": [{"path", "lang", "findings": [...]}]}`` (see README)."""

from __future__ import annotations

import json

from .base import CheckedFile

JSON_VERSION = 1


def format_json(files: list[CheckedFile], color: bool = False) -> str:
    results = [{"path": f.path, **f.report.to_dict()} for f in files]
    return json.dumps({"version": JSON_VERSION, "results": results}, ensure_ascii=False, indent=2)
