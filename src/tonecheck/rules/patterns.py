"""Token patterns: a small, readable phrase language compiled to fast matchers.

A phrase is a sequence of words matched against tokens, ignoring case and diacritics.
A word matches a token whose surface form *or lemma* is that word, so a phrase written
with lemmas ("take break") matches every inflection ("taking a break" needs the "a":
write "take a? break"). The syntax:

=============  =====================================================================
``word``       the word itself or any form with that lemma ("pauză" ~ "pauzei")
``=word``      exactly this form, no lemma matching
``a|b|c``      one of these words
``(a b|c d)``  one of these word sequences
``x?`` ``(…)?``  optional
``*`` ``*5``   up to 3 (or 5) arbitrary tokens
``_``          exactly one arbitrary token
=============  =====================================================================

Every phrase is expanded into plain variants at load time and indexed by its first
word, so matching costs one dictionary lookup per token.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from ..nlp import Token

MAX_VARIANTS = 512


class PatternError(ValueError):
    """A phrase cannot be parsed; the message says why."""


# A pattern word as (folded form, folded lemma); the lemma is "" when it adds nothing.
Key = tuple[str, str]


@dataclass(frozen=True)
class Literal:
    """One slot: any of the alternatives, each a tuple of pattern words."""

    alternatives: tuple[tuple[Key, ...], ...]
    exact: bool = False
    # The one-word alternatives as sets, for one lookup per token instead of a loop
    # (most slots are "(a|b|c)"), and the others, matched word by word.
    forms: frozenset[str] = field(init=False, repr=False, compare=False)
    lemmas: frozenset[str] = field(init=False, repr=False, compare=False)
    longer: tuple[tuple[Key, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        singles = [alt[0] for alt in self.alternatives if len(alt) == 1]
        object.__setattr__(self, "forms", frozenset(form for form, _ in singles))
        object.__setattr__(self, "lemmas", frozenset(lemma for _, lemma in singles if lemma))
        object.__setattr__(self, "longer", tuple(alt for alt in self.alternatives if len(alt) != 1))


@dataclass(frozen=True)
class Gap:
    least: int
    most: int


Slot = Literal | Gap
Variant = tuple[Slot, ...]
# Splits pattern text into words, each as (folded form, folded lemma).
Tokenize = Callable[[str], list[Key]]


# -- parsing -------------------------------------------------------------------------------

_TOKEN = re.compile(r"\(|\)\??|\||\s+|[^\s()|]+")


def _split(phrase: str) -> list[str]:
    """Split a phrase into parts. Inside parentheses "|" separates word sequences
    ("(take a|need a) break"); outside them "a|b" is one slot of single words."""
    parts: list[str] = []
    depth = 0
    for m in _TOKEN.finditer(phrase):
        part = m.group()
        if part.isspace():
            parts.append(" ")
            continue
        if part == "(":
            depth += 1
        elif part.startswith(")"):
            depth -= 1
        if part == "|" and depth == 0:
            if parts and parts[-1] not in (" ", "|") and not parts[-1].startswith(("(", ")")):
                parts[-1] += "|"  # glue to the previous word; the next word joins below
                continue
            raise PatternError("a '|' outside parentheses must join words without spaces (a|b)")
        if parts and parts[-1].endswith("|") and depth == 0 and part not in (" ", "(") and not part.startswith(")"):
            parts[-1] += part
            continue
        parts.append(part)
    return [p for p in parts if p != " "]


def compile_phrase(phrase: str, tokenize: Tokenize) -> list[Variant]:
    """Expand ``phrase`` into plain variants; raise :class:`PatternError` if malformed."""
    parts = _split(phrase)
    if not parts:
        raise PatternError("empty phrase")
    pos, variants = _parse_sequence(parts, 0, tokenize)
    if pos != len(parts):
        raise PatternError(f"unbalanced ')' in {phrase!r}")
    out: list[Variant] = []
    for slots in variants:
        if not slots:
            continue
        if not isinstance(slots[0], Literal) or not isinstance(slots[-1], Literal):
            raise PatternError(f"{phrase!r}: a phrase must start and end with a word, not a gap")
        out.append(tuple(slots))
    if not out:
        raise PatternError(f"{phrase!r} matches nothing")
    return out


def _parse_sequence(parts: list[str], pos: int, tokenize: Tokenize) -> tuple[int, list[list[Slot]]]:
    """Parse until ')' or the end; '|' at this level separates alternatives."""
    alternatives: list[list[list[Slot]]] = []
    current: list[list[Slot]] = [[]]
    while pos < len(parts):
        part = parts[pos]
        if part.startswith(")"):
            break
        if part == "(":
            pos, inner = _parse_sequence(parts, pos + 1, tokenize)
            if pos >= len(parts):
                raise PatternError("unclosed '('")
            optional = parts[pos] == ")?"
            pos += 1
            merged = _as_literal(inner)
            choices: list[list[Slot]] = [[merged]] if merged else inner
            if optional:
                choices = [*choices, []]
            current = [c + i for c, i in itertools.product(current, choices)]
        elif part == "|":
            alternatives.append(current)
            current = [[]]
            pos += 1
        else:
            optional = part.endswith("?") and len(part) > 1
            word = part[:-1] if optional else part
            if word.startswith("|") or word.endswith("|"):
                raise PatternError(f"'{word}': an alternative is empty")
            slot = _slot(word, tokenize)
            choices2: list[list[Slot]] = [[slot]] + ([[]] if optional else [])
            current = [c + i for c, i in itertools.product(current, choices2)]
            pos += 1
        if len(current) > MAX_VARIANTS:
            raise PatternError(f"the phrase expands to more than {MAX_VARIANTS} variants")
    alternatives.append(current)
    return pos, [v for alt in alternatives for v in alt]


def _as_literal(variants: list[list[Slot]]) -> Literal | None:
    """Fold a group of plain word sequences into one slot, so that "(a b|c|d e)" costs
    one slot instead of one variant per alternative."""
    alternatives: list[tuple[Key, ...]] = []
    for v in variants:
        if not v or not all(isinstance(s, Literal) and not s.exact for s in v):
            return None
        seqs: list[tuple[Key, ...]] = [()]
        for s in v:
            assert isinstance(s, Literal)
            seqs = [a + b for a in seqs for b in s.alternatives]
            if len(seqs) > MAX_VARIANTS:
                return None
        alternatives.extend(seqs)
    return Literal(tuple(dict.fromkeys(alternatives)))


def _slot(word: str, tokenize: Tokenize) -> Slot:
    if word == "_":
        return Gap(1, 1)
    if word == "*" or re.fullmatch(r"\*\d+", word):
        return Gap(0, int(word[1:]) if len(word) > 1 else 3)
    exact = word.startswith("=")
    if exact:
        word = word[1:]
    alternatives = []
    for alt in word.split("|"):
        if not alt:
            raise PatternError(f"empty alternative in {word!r}")
        alternatives.append(tuple(tokenize(alt)))
    return Literal(tuple(alternatives), exact)


# -- matching ------------------------------------------------------------------------------


def _matches(key: Key, token: Token, exact: bool) -> bool:
    form, lemma = key
    if exact:
        return form == token.fold
    return form == token.fold or form == token.lemma or (lemma != "" and lemma == token.lemma)


def _match_literal(slot: Literal, tokens: Sequence[Token], i: int) -> Iterator[int]:
    if i < len(tokens):  # what _matches decides for each one-word alternative, at once
        token = tokens[i]
        if token.fold in slot.forms or not slot.exact and (token.lemma in slot.forms or token.lemma in slot.lemmas):
            yield i + 1
    for alt in slot.longer:
        j = i
        for key in alt:
            if j >= len(tokens) or not _matches(key, tokens[j], slot.exact):
                break
            j += 1
        else:
            yield j


def _match_from(variant: Variant, k: int, tokens: Sequence[Token], i: int) -> int | None:
    """End index of the longest way ``variant[k:]`` matches at token ``i``, or None."""
    if k == len(variant):
        return i
    slot = variant[k]
    if isinstance(slot, Gap):
        best = None
        for skip in range(slot.least, slot.most + 1):
            if i + skip > len(tokens):
                break
            end = _match_from(variant, k + 1, tokens, i + skip)
            if end is not None and (best is None or end > best):
                best = end
        return best
    best = None
    for j in _match_literal(slot, tokens, i):
        end = _match_from(variant, k + 1, tokens, j)
        if end is not None and (best is None or end > best):
            best = end
    return best


class PhraseIndex:
    """Many compiled phrases, indexed by the keys their first word can match."""

    def __init__(self) -> None:
        self._by_key: dict[str, list[tuple[Variant, object]]] = {}
        # Each payload's place in the order added: matches at one start come back in that
        # order, so the first listed wins a tie (sorting by id() made it the luck of memory
        # addresses, which could change the suggested replacement from run to run).
        self._rank: dict[int, int] = {}

    def add(self, variants: list[Variant], payload: object) -> None:
        self._rank.setdefault(id(payload), len(self._rank))
        for v in variants:
            first = v[0]
            assert isinstance(first, Literal)
            for alt in first.alternatives:
                form, lemma = alt[0]
                for key in {form, lemma} - {""}:
                    self._by_key.setdefault(key, []).append((v, payload))

    def __bool__(self) -> bool:
        return bool(self._by_key)

    def find(self, tokens: Sequence[Token]) -> list[tuple[int, int, object]]:
        """All matches as (first token, end token, payload), longest per start and payload."""
        found: dict[tuple[int, int], int] = {}
        payloads: dict[int, object] = {}
        for i, tok in enumerate(tokens):
            candidates = self._by_key.get(tok.fold, [])
            if tok.lemma != tok.fold:
                candidates = candidates + self._by_key.get(tok.lemma, [])
            seen: set[int] = set()
            for variant, payload in candidates:
                if id(variant) in seen:
                    continue
                seen.add(id(variant))
                end = _match_from(variant, 0, tokens, i)
                if end is None:
                    continue
                key = (i, self._rank[id(payload)])
                payloads[key[1]] = payload
                if end > found.get(key, -1):
                    found[key] = end
        return [(i, end, payloads[rank]) for (i, rank), end in sorted(found.items())]
