"""Rule files compiled into matchers, and the per-language profile they share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import regex

from ..errors import RuleFileError
from ..nlp import Token
from ..normalize import fold
from .patterns import PatternError, PhraseIndex, Tokenize, compile_phrase
from .schema import MatchSpec, Replacement, RuleSpec

# Regexes from rule files run with a time bound, so a pathological pattern cannot hang a check.
REGEX_TIMEOUT_S = 0.05

# Builds the error for a bad pattern: (field, index in its list, problem).
Where = Callable[[str, int, str], RuleFileError]


@dataclass(frozen=True)
class Hit:
    """A match of a rule in one sentence: token range and document offsets."""

    start: int
    end: int
    replacement: Replacement | None = None
    negatable: bool = True  # phrase hits can sit under a negation; SHOUTING cannot


class Matcher:
    """Phrases and regexes of one :class:`MatchSpec`, ready to run on a sentence."""

    def __init__(self, spec: MatchSpec, tokenize: Tokenize, where: Where,
                 replacements: Sequence[Replacement] = ()) -> None:
        self.index = PhraseIndex()
        self.regexes: list[Any] = []
        self.cased: list[Any] = []
        self.cased_words_known = spec.cased_words_known
        for i, phrase in enumerate(spec.phrases):
            try:
                self.index.add(compile_phrase(phrase, tokenize), None)
            except PatternError as exc:
                raise where("phrases", i, str(exc)) from None
        for i, item in enumerate(replacements):
            try:
                self.index.add(compile_phrase(item.phrase, tokenize), item)
            except PatternError as exc:
                raise where("replacements", i, str(exc)) from None
        for i, pattern in enumerate(spec.regex):
            try:
                # Regexes see the folded text: lowercase, no diacritics.
                self.regexes.append(regex.compile(pattern, regex.IGNORECASE | regex.V1))
            except regex.error as exc:
                raise where("regex", i, f"bad regex: {exc}") from None
        for i, pattern in enumerate(spec.cased_regex):
            try:
                self.cased.append(regex.compile(pattern, regex.V1))
            except regex.error as exc:
                raise where("cased-regex", i, f"bad regex: {exc}") from None

    def find(self, tokens: Sequence[Token], folded_text: str, offset: int, text: str = "") -> list[Hit]:
        """Hits in one sentence: its tokens, its folded text and (for cased regexes) its text."""
        hits = []
        for first, end, payload in self.index.find(tokens):
            repl = payload if isinstance(payload, Replacement) else None
            hits.append(Hit(tokens[first].start, tokens[end - 1].end, repl))
        for patterns, subject, negatable in ((self.regexes, folded_text, True), (self.cased, text, False)):
            for rx in patterns:
                try:
                    for m in rx.finditer(subject, timeout=REGEX_TIMEOUT_S):
                        start, end = offset + m.start(), offset + m.end()
                        if end > start and (negatable or self._cased_words_ok(tokens, start, end)):
                            hits.append(Hit(start, end, negatable=negatable))
                except TimeoutError:
                    continue  # a runaway user regex counts as no match; it never hangs a check
        return hits

    def _cased_words_ok(self, tokens: Sequence[Token], start: int, end: int) -> bool:
        if not self.cased_words_known:
            return True
        # Pieces of two letters or less ("I", "'M", "UX") say nothing either way; a run
        # counts when most of its words are real ("NU MAI ACCEPT NICIO MODIFICARE").
        words = [t for t in tokens if t.start < end and start < t.end and sum(c.isalpha() for c in t.text) > 2]
        known = sum(t.known for t in words)
        return known > 0 and 2 * known >= len(words)

    def __bool__(self) -> bool:
        return bool(self.index) or bool(self.regexes) or bool(self.cased)


@dataclass
class CompiledRule:
    spec: RuleSpec
    matcher: Matcher
    unless: Matcher
    model_unless: Matcher  # sentences the tone model alone may not flag for this rule
    implied: Matcher  # with spec.implied_by_rule: which of that rule's sentences count here

    @property
    def id(self) -> str:
        return self.spec.id


def compile_rule(spec: RuleSpec, tokenize: Tokenize) -> CompiledRule:
    def where(section: str) -> Where:
        def make(field_name: str, index: int, problem: str) -> RuleFileError:
            key = (field_name, index) if field_name == "replacements" else (section, field_name, index)
            return RuleFileError(str(spec.path), spec.line_of(*key) or spec.line_of(section), problem)

        return make

    matcher = Matcher(spec.match, tokenize, where("match"), spec.replacements)
    unless = Matcher(spec.unless, tokenize, where("unless"))
    return CompiledRule(spec, matcher, unless, Matcher(spec.model_unless, tokenize, where("model")),
                        Matcher(spec.implied_by, tokenize, where("implied-by")))


@dataclass
class LanguageProfile:
    """What a language needs beyond rules: negation cues, greetings, sign-offs, register."""

    lang: str
    negation_cues: frozenset[str]
    negation_window: int
    clause_breaks: frozenset[str]
    greeting: Matcher
    signoff: Matcher
    formal: Matcher
    informal: Matcher
    path: Path
    # Forms of address per register ("formal"/"informal"), each mapped to its
    # counterpart in the other register; empty for languages without a T-V distinction.
    address: dict[str, dict[str, str]] = field(default_factory=dict)

    @cached_property
    def address_by_fold(self) -> dict[str, tuple[str, str]]:
        """The forms of address by their folded spelling ("dumneavoastra", "iti"), each with
        its register and the other register's form, folded; the first form listed wins.
        "vă" is left out: folded it is "va", which is also the future "va fi"."""
        index: dict[str, tuple[str, str]] = {}
        for reg, words in self.address.items():
            for form, swap in words.items():
                if form != "vă":
                    index.setdefault(fold(form), (reg, fold(swap)))
        return index
    # Words that make a date an end date ("last day", "până"), and that promise to finish
    # the current work first (which makes a short notice fine).
    end_cues: Matcher | None = None
    finishing: Matcher | None = None
    # Thread mode: an announced decision to end, and a reply that takes it back.
    decision: Matcher | None = None
    retract: Matcher | None = None


def compile_profile(data: Any, lines: dict[tuple[Any, ...], int], path: Path, tokenize: Tokenize) -> LanguageProfile:
    from .schema import _Validator

    v = _Validator(path, lines)
    allowed = {"lang", "negation", "clause-breaks", "greeting", "signoff", "register", "address", "end-cues",
               "finishing", "decision", "retract"}
    data = v.mapping(data, ("profile",), allowed) if isinstance(data, dict) else None
    if data is None:
        raise RuleFileError(str(path), 1, "a language profile must be a mapping")
    lang = v.string(data, "lang", ())
    neg = v.mapping(data.get("negation"), ("negation",), {"cues", "window"})
    reg = v.mapping(data.get("register"), ("register",), {"formal", "informal"})

    def matcher(key: tuple[str, ...], value: Any) -> Matcher:
        phrases = v.strings(value, key)

        def where(_field: str, i: int, problem: str) -> RuleFileError:
            return RuleFileError(str(path), lines.get((*key, i)), problem)

        return Matcher(MatchSpec(phrases=phrases), tokenize, where)

    address = v.mapping(data.get("address"), ("address",), {"formal", "informal"})
    for register, words in address.items():
        if not isinstance(words, dict) or not all(isinstance(k, str) and isinstance(w, str) for k, w in words.items()):
            raise v.fail(("address", register), f"address.{register} must map each word to its other-register form")
    window = neg.get("window", 4)
    if not isinstance(window, int) or window < 1:
        raise v.fail(("negation", "window"), "window must be a positive number of tokens")
    return LanguageProfile(
        lang=lang,
        negation_cues=frozenset(v.strings(neg.get("cues"), ("negation", "cues"))),
        negation_window=window,
        clause_breaks=frozenset(v.strings(data.get("clause-breaks"), ("clause-breaks",))),
        greeting=matcher(("greeting",), data.get("greeting")),
        signoff=matcher(("signoff",), data.get("signoff")),
        formal=matcher(("register", "formal"), reg.get("formal")),
        informal=matcher(("register", "informal"), reg.get("informal")),
        path=path,
        address={r: {k.lower(): w for k, w in words.items()} for r, words in address.items()},
        end_cues=matcher(("end-cues",), data.get("end-cues")),
        finishing=matcher(("finishing",), data.get("finishing")),
        decision=matcher(("decision",), data.get("decision")),
        retract=matcher(("retract",), data.get("retract")),
    )
