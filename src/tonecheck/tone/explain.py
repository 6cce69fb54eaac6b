"""Why the tone model read a sentence the way it did.

Two kinds of evidence, both in the sentence's own words:

* **nearest examples**: the corpus sentences of the same label closest to it (cheap: one
  embedding, already cached, and a 40-row product), attached to every model finding;
* **word attributions** by occlusion: the sentence is re-scored with each word left out,
  and the words whose absence lowers the probability most are the ones that drove it.
  It costs one embedding per word, so it runs on request (``tonecheck explain --finding``
  and the editor's hover), not on every check.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import regex

_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’\-]*")


@dataclass(frozen=True)
class Attribution:
    word: str
    start: int  # offset in the sentence
    end: int
    drop: float  # how much the label's log-odds fall without the word (> 0: it drove it)
    without: float  # the label's probability with the word left out


@dataclass(frozen=True)
class ModelEvidence:
    label: str
    probability: float
    threshold: float
    nearest: tuple[tuple[str, float], ...]
    attributions: tuple[Attribution, ...] = ()

    def lines(self, limit: int = 2) -> tuple[str, ...]:
        """Short, one-line statements for a finding's ``evidence``."""
        out = [f"model: {self.label} {self.probability:.2f} (flags from {self.threshold:.2f})"]
        if self.attributions:
            words = ", ".join(f"“{a.word}” +{a.drop:.1f}" for a in self.attributions[:3])
            out.append(f"words that drove it (log-odds each adds): {words}")
        out += [f"like: “{text}” (cosine {sim:.2f})" for text, sim in self.nearest[:limit]]
        return tuple(out)


def nearest(model: Any, sentence: str, label: str, k: int = 2) -> tuple[tuple[str, float], ...]:
    try:
        return tuple(model.nearest_examples(sentence, label, k=k))
    except (KeyError, ValueError):
        return ()


def attributions(model: Any, sentence: str, label: str, top: int = 3) -> tuple[Attribution, ...]:
    """The ``top`` words whose removal lowers the label's probability most."""
    words = list(_WORD.finditer(sentence))
    if not words:
        return ()
    variants = [_without(sentence, m.start(), m.end()) for m in words]
    logits = model.logits([sentence, *variants], label)
    ranked = sorted(
        (Attribution(m.group(), m.start(), m.end(), float(logits[0] - z), _sigmoid(float(z)))
         for m, z in zip(words, logits[1:], strict=True)),
        key=lambda a: -a.drop)
    return tuple(a for a in ranked[:top] if a.drop > 0.05)


def explain(model: Any, sentence: str, label: str, threshold: float, with_words: bool = False) -> ModelEvidence:
    probability = model.score([sentence])[0].probs.get(label, 0.0)
    return ModelEvidence(label, probability, threshold, nearest(model, sentence, label),
                         attributions(model, sentence, label) if with_words else ())


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def _without(sentence: str, start: int, end: int) -> str:
    return " ".join((sentence[:start] + sentence[end:]).split())


__all__: Sequence[str] = ("Attribution", "ModelEvidence", "attributions", "explain", "nearest")
