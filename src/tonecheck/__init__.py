"""tonecheck: check the tone of a message that ends a freelance collaboration.

    >>> import tonecheck
    >>> report = tonecheck.check("Cred că avem nevoie de o pauză.")
    >>> [f.rule for f in report.findings]  # doctest: +SKIP
    ['breakup-word', ...]

Use :class:`Linter` to load the rules and models once and check many texts.
"""

from .config import Config, load_config
from .errors import (
    ConfigError,
    GrammarUnavailable,
    InputError,
    ModelUnavailable,
    RuleFileError,
    TonecheckError,
)
from .linter import Linter, check
from .report import Edit, Finding, Report, Severity, Suggestion

__version__ = "0.1.0"

__all__ = [
    "Config", "ConfigError", "Edit", "Finding", "GrammarUnavailable", "InputError", "Linter",
    "ModelUnavailable", "Report", "RuleFileError", "Severity", "Suggestion", "TonecheckError",
    "check", "load_config", "__version__",
]

from .rewrite import Rewrite, rewrite  # noqa: E402  (needs the linter above)

__all__ += ["Rewrite", "rewrite"]
