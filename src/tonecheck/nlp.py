"""Tokens and lemmas per language, with a diacritics-folded form of each.

spaCy's rule-based tokenizers (``spacy.blank``) and lookup lemma tables from
``spacy-lookups-data`` serve both languages: they are fast (well under a millisecond per
message) and need no trained pipeline, which Romanian lacks. Romanian written without
diacritics is restored word by word from a frequency map before the lemma lookup, so
"pauzei", "pauza" and "pauză" all reach the lemma "pauză".
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

from .normalize import comma_below, fold


@dataclass(frozen=True, slots=True)
class Token:
    """A token of a sentence. ``start``/``end`` are offsets into the document text."""

    start: int
    end: int
    text: str
    fold: str  # lowercase, no diacritics
    lemma: str  # lemma, folded the same way
    known: bool = True  # a dictionary word when lowercased (an acronym or a name is not)

    @property
    def is_word(self) -> bool:
        return any(c.isalnum() for c in self.text)


class Analyzer:
    """Tokenizer and lemmatizer of one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._nlp = import_spacy().blank(lang)
        self._lemmas = lookup_table(lang, "lemma_lookup")
        self._restore = ro_diacritics_map() if lang == "ro" else {}
        self._lock = threading.Lock()

    def tokenize(self, text: str, offset: int = 0) -> list[Token]:
        with self._lock:  # spaCy's tokenizer caches are not documented as thread-safe
            doc = self._nlp.make_doc(text)
        out = []
        for t in doc:
            start = offset + t.idx
            surface = t.text
            out.append(Token(start, start + len(surface), surface, fold(surface), self.lemma(surface),
                             self.is_word(surface)))
        return out

    def lemma(self, word: str) -> str:
        return _lemma_cached(self, word)

    def _lemma(self, word: str) -> str:
        lower = comma_below(word.lower())
        restored = self._restore.get(lower, (lower, 0.0))[0]
        lemma = self._lemmas.get(restored) or self._lemmas.get(lower) or restored
        return fold(lemma)

    def is_word(self, surface: str) -> bool:
        """Is this a dictionary word, written with or without its diacritics?"""
        lower = comma_below(surface.lower())
        return self.is_known_form(lower) or lower in self._restore

    def is_known_form(self, word: str) -> bool:
        """Is ``word`` (lowercase) a form or a lemma in the lemma table: a real word as written?"""
        return word in self._lemmas or word in self._lemma_values

    @cached_property
    def _lemma_values(self) -> frozenset[str]:
        """Every lemma: the lemma table's values and, where the language has one, spaCy's
        index of base words (English words that never inflect, "never", "anymore")."""
        words = set(self._lemmas.values())
        for base_words in lookup_table(self.lang, "lemma_index").values():
            words.update(base_words)
        return frozenset(words)

    def restore(self, folded_word: str) -> tuple[str, float] | None:
        """The diacritized form of a Romanian word written without diacritics, and how
        sure we are (the share of that form among all spellings of the word)."""
        return self._restore.get(folded_word)


def import_spacy() -> Any:
    """``import spacy``, without the torch import it does not need here.

    spaCy imports thinc, which imports torch if it is installed (~0.9 s) to offer it as a
    backend; blank tokenizers and lookup tables never use it. A process that needs torch
    (the tone model's torch engines) imports it itself, later, unaffected.
    """
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` raise ImportError
    try:
        import spacy
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return spacy


def lookup_table(lang: str, name: str) -> dict[str, Any]:
    """A table of ``spacy-lookups-data`` as a plain dict; empty if the language has none.

    spaCy's own ``load_lookups`` wraps it in a ``Table`` that hashes every key on the way
    in: 0.65 s for the Romanian lemma table, against 0.2 s to read the same dict.
    """
    from spacy.util import load_language_data, registry

    if lang not in registry.lookups:
        return {}
    path = registry.lookups.get(lang).get(name)
    return dict(load_language_data(path)) if path is not None else {}


@lru_cache(maxsize=65536)
def _lemma_cached(analyzer: Analyzer, word: str) -> str:
    return analyzer._lemma(word)


@lru_cache(maxsize=1)
def ro_diacritics_map() -> dict[str, tuple[str, float]]:
    data = resources.files("tonecheck.data").joinpath("ro_diacritics.tsv").read_text(encoding="utf-8")
    out: dict[str, tuple[str, float]] = {}
    for line in data.splitlines():
        plain, word, share = line.split("\t")
        out[plain] = (word, float(share))
    return out


_analyzers: dict[str, Analyzer] = {}
_analyzers_lock = threading.Lock()


def analyzer(lang: str) -> Analyzer:
    """The shared analyzer of ``lang``, built once per process."""
    with _analyzers_lock:
        if lang not in _analyzers:
            _analyzers[lang] = Analyzer(lang)
        return _analyzers[lang]
