"""The pipeline: a draft in, a :class:`Report` out. Every front door goes through here."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import tonecheck.checks.calendar
import tonecheck.checks.diacritics
import tonecheck.checks.grammar
import tonecheck.checks.register
import tonecheck.checks.thread
import tonecheck.checks.tone_rules  # noqa: F401  (importing registers the checks)

from .analysis import Analysis
from .checks.base import Check, CheckContext, CheckInfo, registry
from .config import Config, validate_rule_ids
from .document import Document
from .errors import GrammarUnavailable, ModelUnavailable
from .inputs import check_text
from .report import Finding, Report
from .rules.loader import RuleSet, builtin_rules_dir, load_rules

# Checks that always run; "grammar" joins when enabled.
BASE_CHECKS = ("tone-rules", "cedilla-diacritics", "missing-diacritics", "mixed-register", "calendar", "thread")
# Findings of these rules take precedence over a grammar finding on the same words.
_OVERRIDES_GRAMMAR = ("cedilla-diacritics", "missing-diacritics")


class Linter:
    """Loads rules (and, lazily, the tone model and grammar engines) once; checks many texts.

    Thread-safe: ``check`` may be called from several threads at once.
    """

    def __init__(self, config: Config | None = None, *, model: bool = True, grammar: bool = True,
                 on_notice: Callable[[str], None] | None = None, rules: bool = True, engine: str = "auto") -> None:
        """``engine``: the tone model's encoder engine, ``auto`` for a linter that checks
        many drafts, ``quick`` for one check (see ``tonecheck.tone.encoder.resolve_engine``)."""
        self.config = config or Config()
        self.rules: RuleSet = load_rules([builtin_rules_dir(), *self.config.rule_paths])
        self.use_model = model and self.config.model
        self.use_grammar = grammar and self.config.grammar
        self.use_rules = rules  # False: model-only tone checks, for evaluation
        self._on_notice = on_notice or (lambda msg: print(f"tonecheck: {msg}", file=sys.stderr))
        self._said: set[str] = set()
        self._notice_lock = threading.Lock()
        self._model_lock = threading.Lock()
        names = [*BASE_CHECKS, *(["grammar"] if self.use_grammar else [])]
        self.checks: list[Check] = [registry[n](self.config, self.rules) for n in names]
        self._model: Any = None
        self.engine = engine
        validate_rule_ids(self.config, {i.id for i in self.infos()})

    # -- information ----------------------------------------------------------------------

    def infos(self) -> list[CheckInfo]:
        infos = [i for c in self.checks for i in c.infos()]
        if not self.use_grammar:
            infos.append(registry["grammar"](self.config, self.rules).infos()[0])
        return sorted(infos, key=lambda i: i.id)

    def info(self, rule_id: str) -> CheckInfo | None:
        if rule_id.startswith("grammar:"):
            rule_id = "grammar:*"
        return next((i for i in self.infos() if i.id == rule_id), None)

    # -- checking -------------------------------------------------------------------------

    def check(self, text: str, lang: str | None = None, *, today: dt.date | None = None,
              thread: Sequence[str] = ()) -> Report:
        """Check one draft. ``lang``: "auto", "ro" or "en" (default: the config's);
        ``today``: the send date that dates in the draft are resolved against;
        ``thread``: earlier messages of the conversation (oldest first) when the draft is a reply."""
        check_text(text, self.config.max_bytes)
        lang = lang or self.config.language
        if lang not in ("auto", "ro", "en"):
            raise ValueError(f"lang must be auto, ro or en, not {lang!r}")
        doc = Document.from_text(text)
        analysis = Analysis.build(doc, lang, self.rules.profiles)
        ctx = self.context(analysis, today=today, thread=thread)
        findings: list[Finding] = []
        for check in self.checks:
            try:
                findings += check.run(analysis, ctx)
            except GrammarUnavailable as exc:
                self._notice(str(exc))
        findings = self._filter(analysis, _merge_overlapping(findings))
        return Report(text=text, lang=analysis.lang, findings=findings,
                      notices=ctx.notices, register=analysis.register)

    def context(self, analysis: Analysis, *, today: dt.date | None = None, thread: Sequence[str] = ()) -> CheckContext:
        """What the checks run with on this analysis: the rules, the send date, the thread,
        and the tone model's scores for the body sentences when the model is on."""
        ctx = CheckContext(self.config, self.rules, use_rules=self.use_rules, today=today or dt.date.today(),
                           thread=tuple(thread))
        self._add_model_scores(analysis, ctx)
        return ctx

    def _add_model_scores(self, analysis: Analysis, ctx: CheckContext) -> None:
        model = self.tone_model()
        if model is None:
            return
        # Only the body is read by the model-backed checks: the greeting, the sign-off and
        # the name under it cost encoder time and decide nothing.
        body = analysis.body
        size = 1 + max((info.sentence.index for info in analysis.sentences), default=-1)
        probs: list[dict[str, float]] = [{} for _ in range(size)]  # indexed by the document's sentence number
        sentiments: list[dict[str, float]] = [{} for _ in range(size)]
        for info, score in zip(body, model.score([info.text for info in body]), strict=True):
            probs[info.sentence.index] = score.probs
            sentiments[info.sentence.index] = score.sentiment
        ctx.model_scores = probs
        ctx.model_sentiments = sentiments
        ctx.model_thresholds = dict(model.thresholds)
        ctx.tone_model = model
        ctx.model_decision_thresholds = dict(getattr(model, "decision_thresholds", model.thresholds))

    def model_label(self, rule_id: str) -> str | None:
        """The tone model label that is evidence for ``rule_id``, if any."""
        return next((spec.model_label for spec in self.rules.specs() if spec.id == rule_id and spec.model_label), None)

    def tone_model(self) -> Any:
        """The loaded tone model, or None when it is off or cannot load (said once)."""
        if not self.use_model:
            return None
        failure = None
        with self._model_lock:
            if self._model is None and self.use_model:
                try:
                    from .tone import ToneModel  # type: ignore[attr-defined,unused-ignore]

                    self._model = ToneModel.load(self.engine)
                except (ModelUnavailable, ImportError) as exc:
                    failure = exc
                    self.use_model = False
            model = self._model
        if failure is not None:
            self._notice(f"tone model unavailable, checking with rules only: {failure}")
        return model

    def _notice(self, message: str) -> None:
        with self._notice_lock:
            if message in self._said:
                return
            self._said.add(message)
        self._on_notice(message)

    def _filter(self, analysis: Analysis, findings: list[Finding]) -> list[Finding]:
        """Config filters, ignores, precedence over grammar, and offsets in the user's text."""
        doc = analysis.doc
        cfg = self.config
        owned = {(f.start, f.end) for f in findings if f.rule in _OVERRIDES_GRAMMAR}
        out = []
        for f in findings:
            if not cfg.is_enabled(f.rule):
                continue
            if f.source == "grammar" and (f.start, f.end) in owned:
                continue
            sentence = doc.sentence_at(f.start)
            if sentence and any(i.hides(f.rule, sentence.text) for i in cfg.ignore):
                continue
            severity = cfg.severity.get(f.rule, f.severity)
            start, end = doc.to_source(f.start), doc.to_source(f.end)
            line, column = doc.line_col(start)
            suggestions = tuple(
                dataclasses.replace(s, edits=tuple(
                    dataclasses.replace(e, start=doc.to_source(e.start), end=doc.to_source(e.end))
                    for e in s.edits))
                for s in f.suggestions
            )
            out.append(dataclasses.replace(f, severity=severity, start=start, end=end, line=line,
                                           column=column, suggestions=suggestions))
        out.sort(key=lambda f: (f.start, f.end, f.rule))
        return out


def _merge_overlapping(findings: list[Finding]) -> list[Finding]:
    """One finding per problem: overlapping findings of one rule (from the phrases, the
    model or the thread) become the widest of them, with every source named."""
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.rule, f.start, -(f.end - f.start))):
        last = out[-1] if out else None
        if last is not None and last.rule == f.rule and f.start < last.end and f.end > last.start and f.start != f.end:
            sources = "+".join(sorted(set(last.source.split("+")) | set(f.source.split("+"))))
            out[-1] = dataclasses.replace(last, source=sources, confidence=max(last.confidence, f.confidence))
        else:
            out.append(f)
    return out


_default: Linter | None = None
_default_lock = threading.Lock()


def default_linter() -> Linter:
    global _default
    with _default_lock:
        if _default is None:
            _default = Linter()
        return _default


def check(text: str, lang: str = "auto", config: Config | None = None) -> Report:
    """Check a draft with the default configuration (or ``config``)."""
    linter = Linter(config) if config is not None else default_linter()
    return linter.check(text, lang)


def config_for(path: Path) -> Config:
    from .config import find_config, load_config

    found = find_config(path)
    return load_config(found) if found else Config()
