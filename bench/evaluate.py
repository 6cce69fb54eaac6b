"""Per-check precision, recall and F1 on the labelled messages in tests/data/.

    .venv/bin/python bench/evaluate.py                 # rules-only, model-only, combined
    .venv/bin/python bench/evaluate.py --modes rules   # just one
    .venv/bin/python bench/evaluate.py --errors rules  # print the misses and false alarms

Each message lists the checks that should fire ("expect"); every other check of the eight
must stay quiet. Grammar is off: it is not part of these labels.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import tonecheck  # noqa: E402

CHECKS = ("breakup-word", "blame", "hostile-tone", "guilt-wavering", "missing-thanks", "missing-notice",
          "missing-handover", "missing-reason")
MODES = {"rules": {"model": True, "rules": True}, "model": {"model": True, "rules": False},
         "combined": {"model": True, "rules": True}}


def load(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def linter_for(mode: str) -> tonecheck.Linter:
    if mode == "rules":
        return tonecheck.Linter(model=False, grammar=False)
    return tonecheck.Linter(model=True, grammar=False, rules=MODES[mode]["rules"])


def evaluate(messages: list[dict], mode: str, show_errors: bool) -> dict[str, dict[str, tuple[int, int, int]]]:  # type: ignore[type-arg]
    linter = linter_for(mode)
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for msg in messages:
        fired = set(linter.check(msg["text"], msg["lang"]).rules) & set(CHECKS)
        expected = set(msg["expect"])
        groups = [msg["lang"], "all"]
        if msg["lang"] == "ro":
            groups.append("ro-diacritics" if msg.get("diacritics", True) else "ro-no-diacritics")
        for check in CHECKS:
            tp, fp, fn = check in fired and check in expected, check in fired and check not in expected, \
                check not in fired and check in expected
            for g in groups:
                c = counts[g][check]
                c[0] += tp
                c[1] += fp
                c[2] += fn
            if show_errors and (fp or fn):
                kind = "FALSE ALARM" if fp else "MISSED"
                print(f"[{mode}] {kind} {check} in {msg['id']}: {msg['text'][:160]!r}")
    return {g: {c: tuple(v) for c, v in checks.items()} for g, checks in counts.items()}  # type: ignore[misc]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "data" / "messages.jsonl")
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=list(MODES))
    parser.add_argument("--errors", nargs="*", default=[], choices=list(MODES))
    args = parser.parse_args()
    messages = load(args.data)
    print(f"{len(messages)} messages from {args.data}")
    for mode in args.modes:
        result = evaluate(messages, mode, mode in args.errors)
        print(f"\n## {mode}\n")
        groups = [g for g in ("all", "en", "ro", "ro-diacritics", "ro-no-diacritics") if g in result]
        print(f"{'check':<18}" + "".join(f"{g:>22}" for g in groups))
        print(f"{'':<18}" + "".join(f"{'P    R    F1':>22}" for _ in groups))
        for check in CHECKS:
            row = f"{check:<18}"
            for g in groups:
                p, r, f = prf(*result[g][check])
                row += f"{p:>10.2f} {r:.2f} {f:.2f}"
            print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
