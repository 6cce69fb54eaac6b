"""Finding and loading rule folders: the built-in ones and the user's own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from ..errors import RuleFileError
from ..nlp import analyzer
from ..normalize import comma_below
from .compiled import CompiledRule, LanguageProfile, Tokenize, compile_profile, compile_rule
from .schema import RuleSpec, validate_rule
from .yamlio import load_yaml

PROFILE_FILE = "language.yml"
# Templates for composing a draft in another language (tonecheck.compose): not a rule.
COMPOSE_FILE = "compose.yml"


def builtin_rules_dir() -> Path:
    """The rules shipped with tonecheck: inside the wheel, or the repository's ``rules/``."""
    packaged = resources.files("tonecheck").joinpath("builtin_rules")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "rules"


@dataclass
class RuleSet:
    """Compiled rules and profiles per language."""

    rules: dict[str, list[CompiledRule]] = field(default_factory=dict)
    profiles: dict[str, LanguageProfile] = field(default_factory=dict)

    def for_lang(self, lang: str) -> list[CompiledRule]:
        return self.rules.get(lang, [])

    def specs(self) -> list[RuleSpec]:
        return [r.spec for rules in self.rules.values() for r in rules]

    def ids(self) -> set[str]:
        return {r.id for rules in self.rules.values() for r in rules}


# Pattern words shorter than this match by form only: lemmas of short function words
# out of context are unreliable ("o" -> "vrea").
MIN_LEMMA_KEY = 4
# Auxiliaries share a lemma with too many forms ("aveți" ~ "ați" ~ "am"): match them by form.
AUXILIARY_LEMMAS = frozenset({"avea", "fi", "vrea", "putea", "be", "have", "do", "will", "can"})


@cache
def _tokenizer(lang: str) -> Tokenize:
    """Pattern words as (folded form, folded lemma), so a pattern written in any form
    matches every inflection of its lemma."""
    a = analyzer(lang)

    @cache  # the rule files repeat their words: 14,500 calls, 4,200 texts
    def tokenize(text: str) -> list[tuple[str, str]]:
        out = []
        for t in a.tokenize(comma_below(text)):
            useful = len(t.fold) >= MIN_LEMMA_KEY and t.lemma != t.fold and t.lemma not in AUXILIARY_LEMMAS
            lemma = t.lemma if useful else ""
            out.append((t.fold, lemma))
        return out

    return tokenize


def load_rule_file(path: Path) -> RuleSpec:
    data, lines = load_yaml(path)
    return validate_rule(data, lines, path)


def load_rules(folders: Iterable[Path]) -> RuleSet:
    """Load every ``<folder>/<lang>/*.yml`` (or ``<folder>/*.yml``); later folders override
    earlier rules with the same id and language, so users can replace a built-in rule."""
    ruleset = RuleSet()
    by_key: dict[tuple[str, str], RuleSpec] = {}
    profiles: dict[str, tuple[object, dict, Path]] = {}  # type: ignore[type-arg]
    for folder in folders:
        if not folder.is_dir():
            raise RuleFileError(str(folder), None, "rule folder not found")
        for path in sorted(folder.glob("*.yml")) + sorted(folder.glob("*/*.yml")):
            if path.name == COMPOSE_FILE:
                continue
            if path.name == PROFILE_FILE:
                data, lines = load_yaml(path)
                lang = data.get("lang") if isinstance(data, dict) else None
                if lang not in ("ro", "en"):
                    raise RuleFileError(str(path), lines.get(("lang",), 1), "a language profile needs lang: ro or en")
                profiles[lang] = (data, lines, path)
                continue
            spec = load_rule_file(path)
            by_key[(spec.lang, spec.id)] = spec
    for lang, (data, lines, path) in profiles.items():
        ruleset.profiles[lang] = compile_profile(data, lines, path, _tokenizer(lang))
    for (lang, _id), spec in sorted(by_key.items()):
        if lang not in ruleset.profiles:
            raise RuleFileError(str(spec.path), None, f"no language profile ({PROFILE_FILE}) for '{lang}'")
        ruleset.rules.setdefault(lang, []).append(compile_rule(spec, _tokenizer(lang)))
    return ruleset
