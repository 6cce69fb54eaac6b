"""The conversation checks on the labelled threads in tests/data/threads.jsonl.

    .venv/bin/python bench/bench_conversation.py              # rules + tone model
    .venv/bin/python bench/bench_conversation.py --no-model   # rules only
    .venv/bin/python bench/bench_conversation.py --errors     # also print every miss and false alarm

Each record is a short conversation: the freelancer's announcement (``first``), the
client's push-back (``client``) and the freelancer's reply (``reply``), the draft under
check. The real checker runs in thread mode, as ``tonecheck check reply --thread ...``
does: ``tonecheck.Linter.check(reply, lang, today=<send date>, thread=[first, client])``.
Per label, it counts a hit when the reply gets a finding of that rule:

* ``wavering``: ``guilt-wavering`` (from the rules, the thread check or the tone model);
* ``short-notice``: ``short-notice``;
* ``mixed-register``: ``mixed-register`` (a Romanian check; English records are all
  negatives and count as such).

It prints precision, recall and F1 per label, for all records and per language (and for
Romanian without diacritics). Grammar is off: it is not part of these labels.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import tonecheck  # noqa: E402

DATA = ROOT / "tests" / "data" / "threads.jsonl"
# label in threads.jsonl -> the rule that should fire on the reply
LABELS = {"wavering": "guilt-wavering", "short-notice": "short-notice", "mixed-register": "mixed-register"}
GROUPS = ("all", "en", "ro", "ro-no-diacritics")

Counts = dict[str, dict[str, list[int]]]  # group -> label -> [tp, fp, fn]


def load(path: Path = DATA) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fired(linter: tonecheck.Linter, record: dict[str, Any]) -> set[str]:
    """The labels whose rule fires on the record's reply, checked in thread mode."""
    report = linter.check(record["reply"], record["lang"], today=dt.date.fromisoformat(record["date"]),
                          thread=[record["first"], record["client"]])
    rules = set(report.rules)
    return {label for label, rule in LABELS.items() if rule in rules}


def groups_of(record: dict[str, Any]) -> list[str]:
    out = ["all", record["lang"]]
    if record["lang"] == "ro" and not record.get("diacritics", True):
        out.append("ro-no-diacritics")
    return out


def evaluate(records: Iterable[dict[str, Any]], linter: tonecheck.Linter, errors: bool = False) -> Counts:
    """True positives, false positives and false negatives per group and label."""
    counts: Counts = {g: {label: [0, 0, 0] for label in LABELS} for g in GROUPS}
    for record in records:
        got = fired(linter, record)
        for label in LABELS:
            want, hit = bool(record["labels"][label]), label in got
            cell = 0 if want and hit else 1 if hit else 2 if want else None
            if cell is None:
                continue
            for g in groups_of(record):
                counts[g][label][cell] += 1
            if errors and cell:
                kind = "FALSE ALARM" if cell == 1 else "MISSED"
                print(f"{kind} {label} in {record['id']} ({record['date']}): {record['reply'][:300]!r}")
    return counts


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def table(counts: Counts) -> str:
    groups = [g for g in GROUPS if any(sum(c) for c in counts[g].values())]
    lines = [f"{'label':<16}" + "".join(f"{g:>20}" for g in groups),
             f"{'':<16}" + "".join(f"{'P    R    F1':>20}" for _ in groups)]
    for label in LABELS:
        row = f"{label:<16}"
        for g in groups:
            p, r, f = prf(*counts[g][label])
            row += f"{p:>8.2f} {r:.2f} {f:.2f}"
        lines.append(row)
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--no-model", action="store_true", help="rules only (the tone model off)")
    parser.add_argument("--errors", action="store_true", help="print every miss and false alarm")
    args = parser.parse_args()
    records = load(args.data)
    linter = tonecheck.Linter(model=not args.no_model, grammar=False)
    print(f"{len(records)} threads from {args.data}; model {'off' if args.no_model else 'on'}\n")
    print(table(evaluate(records, linter, args.errors)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
