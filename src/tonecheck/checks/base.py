"""The check interface and the registry that the linter assembles its pipeline from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..report import Finding, Severity

if TYPE_CHECKING:
    from ..analysis import Analysis
    from ..config import Config
    from ..rules.loader import RuleSet


@dataclass(frozen=True)
class CheckInfo:
    """What `tonecheck rules` lists and `tonecheck explain` prints for one rule id."""

    id: str
    title: str
    severity: Severity
    why: str
    langs: tuple[str, ...]
    message: str = ""
    flag_examples: tuple[str, ...] = ()
    pass_examples: tuple[str, ...] = ()
    source: str = "built-in"


@dataclass
class CheckContext:
    """What a check may use besides the analysis: the rules, config, model scores."""

    config: Config
    rules: RuleSet
    # Tone model probabilities per sentence (same order as Analysis.sentences), when on.
    model_scores: list[dict[str, float]] | None = None
    model_sentiments: list[dict[str, float]] | None = None  # negative / neutral / positive, same order
    model_thresholds: dict[str, float] = field(default_factory=dict)  # a sentence is evidence
    model_decision_thresholds: dict[str, float] = field(default_factory=dict)  # the model decides alone
    tone_model: Any = None  # the loaded ToneModel, for evidence (nearest corpus examples)
    notices: list[str] = field(default_factory=list)
    # False gives the model-only path (for evaluation): rule phrases are not matched.
    use_rules: bool = True
    # The send date: notice dates in suggestions are computed from it.
    today: dt.date = field(default_factory=dt.date.today)
    # Earlier messages of the conversation, oldest first (thread mode).
    thread: tuple[str, ...] = ()


class Check(Protocol):
    """A component of the pipeline. ``run`` returns findings with offsets into doc.text."""

    name: str

    def infos(self) -> list[CheckInfo]: ...

    def run(self, analysis: Analysis, ctx: CheckContext) -> list[Finding]: ...


CheckFactory = Callable[["Config", "RuleSet"], Check]
registry: dict[str, CheckFactory] = {}


def register(name: str) -> Callable[[CheckFactory], CheckFactory]:
    """Class decorator: make a check available to the linter under ``name``."""

    def wrap(factory: CheckFactory) -> CheckFactory:
        registry[name] = factory
        return factory

    return wrap
