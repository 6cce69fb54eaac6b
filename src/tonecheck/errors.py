"""Typed errors of the public API.

Every error a user can cause derives from :class:`TonecheckError`; the CLI prints its
message on one line and exits with code 2, the language server turns it into one
error diagnostic.
"""

from __future__ import annotations


class TonecheckError(Exception):
    """Base class of every error tonecheck raises on purpose."""


class InputError(TonecheckError):
    """The draft cannot be checked: empty, binary, undecodable, too large, unreadable."""


class RuleFileError(TonecheckError):
    """A rule file is broken. The message names the file, the line and the problem."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {problem}")


class ConfigError(TonecheckError):
    """A configuration file or option is invalid."""


class ModelUnavailable(TonecheckError):
    """The tone model cannot be loaded (not built, corrupt, or missing weights)."""


class GrammarUnavailable(TonecheckError):
    """The grammar engine cannot be loaded or reached."""
