"""Output formats for the CLI. Each takes the checked files and returns the text to print."""

from __future__ import annotations

from collections.abc import Callable

from .base import CheckedFile
from .github import format_github
from .json_format import format_json
from .sarif import format_sarif
from .text import format_text

Formatter = Callable[[list[CheckedFile], bool], str]

FORMATTERS: dict[str, Formatter] = {
    "text": format_text,
    "json": format_json,
    "sarif": format_sarif,
    "github": format_github,
}

__all__ = ["FORMATTERS", "CheckedFile", "Formatter"]
