"""Warm check time per message and CLI cold start. Prints numbers; asserts nothing.

    .venv/bin/python bench/bench_speed.py [--repeat 200] [--model] [--grammar] [--engine E]

Two warm measures per set-up (the linter built and used once before timing):

* ``same``: one ~150-word message checked again and again, as an editor re-checks a draft
  (the tone model's embeddings come from its cache);
* ``unseen``: every 100-200-word message of ``tests/data/`` checked once, with the model's
  cache cleared before each: the cost of a draft the process has not seen (issue 3's
  "warm full check").
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import tonecheck  # noqa: E402

# About 150 words each, one per language, with problems for the rules to find.
MESSAGES = {
    "en": (ROOT / "examples" / "en-good.txt").read_text(encoding="utf-8") + "\n"
    + (ROOT / "examples" / "en-bad.txt").read_text(encoding="utf-8"),
    "ro": (ROOT / "examples" / "ro-good.txt").read_text(encoding="utf-8") + "\n"
    + (ROOT / "examples" / "ro-bad.txt").read_text(encoding="utf-8"),
}


def timed(linter: tonecheck.Linter, text: str, repeat: int) -> list[float]:
    linter.check(text)  # warm: lazy loads happen here
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        linter.check(text)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def unseen_messages() -> list[str]:
    texts = []
    for name in ("messages.jsonl", "holdout.jsonl"):
        for line in (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = json.loads(line)["text"]
                if 100 <= len(text.split()) <= 200:
                    texts.append(text)
    return texts


def timed_unseen(linter: tonecheck.Linter, texts: list[str]) -> list[float]:
    linter.check(texts[0])
    model = linter.tone_model()
    out = []
    for text in texts:
        if model is not None:
            model.cache_clear()
        t0 = time.perf_counter()
        linter.check(text)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def line(name: str, what: str, ms: list[float]) -> str:
    return (f"{name:<16} {what:<26} median {statistics.median(ms):6.2f} ms  "
            f"p95 {sorted(ms)[max(0, int(len(ms) * 0.95) - 1)]:6.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--model", action="store_true", help="also time rules + model")
    parser.add_argument("--grammar", action="store_true", help="also time with grammar")
    parser.add_argument("--engine", default="auto", help="tone engine: auto, quick or a name (default: auto)")
    args = parser.parse_args()
    setups = [("rules only", dict(model=False, grammar=False))]
    if args.model:
        setups.append(("rules + model", dict(model=True, grammar=False)))
    if args.grammar:
        setups.append(("rules + grammar", dict(model=False, grammar=True)))
    texts = unseen_messages()
    for name, kwargs in setups:
        t0 = time.perf_counter()
        linter = tonecheck.Linter(**kwargs, engine=args.engine)  # type: ignore[arg-type]
        load = time.perf_counter() - t0
        for lang, text in MESSAGES.items():
            ms = timed(linter, text, args.repeat)
            print(line(name, f"same {lang}, {len(text.split())} words", ms) + f"  (linter built in {load:.2f} s)")
        model = linter.tone_model()
        engine = f", engine {model.engine}" if model is not None else ""
        print(line(name, f"unseen, {len(texts)} messages", timed_unseen(linter, texts)) + engine)
    for flags in (["--no-model", "--no-grammar"], ["--no-grammar"]):
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "tonecheck", "check", *flags, str(ROOT / "examples" / "ro-bad.txt")],
                           capture_output=True)
            runs.append(time.perf_counter() - t0)
        print(f"CLI cold start {' '.join(flags):<26} median {statistics.median(runs):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
