"""Compare the combined checker before and after a change, message by message.

The blind-set loop (docs/NOTES.md) needs two things evaluate.py does not give: every
labelled set in one run, with the model loaded once, and the messages whose outcome a
change moved. ``run`` records what fires on each message; ``diff`` prints F1 per check
for groups of sets, the change between two runs, and each message that moved.

    .venv/bin/python bench/compare.py run before                 # all sets but the unread ones
    ... edit rules ...
    .venv/bin/python bench/compare.py run after
    .venv/bin/python bench/compare.py diff before after
    .venv/bin/python bench/compare.py run final --sets blind33,blind34   # the unread sets, once

Sets listed in ``UNREAD`` are skipped unless named with ``--sets``, so that a development
loop never looks at them by accident. Runs are stored in ``$TONECHECK_RUNS`` (default:
``/tmp/tonecheck-runs``) as JSON. Run one at a time: two torch processes on two cores
slow each other down 20-50 times (their OpenMP threads spin), unless each has
``OMP_NUM_THREADS=1``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from evaluate import CHECKS, load, prf  # noqa: E402  (bench/ is on the path when run as a script)

import tonecheck  # noqa: E402

DATA = ROOT / "tests" / "data"
# Blind sets kept for a final measurement; their errors have not been read.
UNREAD = {"blind67", "blind68", "blind69", "blind70"}
RUNS = Path(os.environ.get("TONECHECK_RUNS", "/tmp/tonecheck-runs"))

Run = dict[str, dict[str, object]]  # message id -> set, lang, expect, fired


def message_sets(names: list[str] | None) -> list[Path]:
    paths = sorted(p for p in DATA.glob("*.jsonl") if not p.name.startswith("threads"))
    if names:
        return [p for p in paths if p.stem in names]
    return [p for p in paths if p.stem not in UNREAD]


def run(tag: str, names: list[str] | None, rules_only: bool) -> None:
    linter = tonecheck.Linter(model=not rules_only, grammar=False)
    out: Run = {}
    started = time.perf_counter()
    for path in message_sets(names):
        for msg in load(path):
            fired = sorted(set(linter.check(msg["text"], msg["lang"]).rules) & set(CHECKS))
            out[msg["id"]] = {"set": path.stem, "lang": msg["lang"], "expect": msg["expect"], "fired": fired}
    RUNS.mkdir(parents=True, exist_ok=True)
    (RUNS / f"{tag}.json").write_text(json.dumps(out), encoding="utf-8")
    print(f"{len(out)} messages in {time.perf_counter() - started:.0f} s -> {RUNS / tag}.json")


def f1(run: Run, check: str, keep: Callable[[dict[str, object]], bool]) -> float:
    tp = fp = fn = 0
    for msg in run.values():
        if keep(msg):
            expected, fired = check in msg["expect"], check in msg["fired"]  # type: ignore[operator]
            tp += expected and fired
            fp += fired and not expected
            fn += expected and not fired
    return prf(tp, fp, fn)[2]


def groups(run: Run) -> dict[str, Callable[[dict[str, object]], bool]]:
    """All messages, each language, and each set."""
    out: dict[str, Callable[[dict[str, object]], bool]] = {
        "all": lambda m: True, "en": lambda m: m["lang"] == "en", "ro": lambda m: m["lang"] == "ro"}
    for name in sorted({str(m["set"]) for m in run.values()}):
        out[name] = lambda m, name=name: m["set"] == name  # type: ignore[misc]
    return out


def diff(before_tag: str, after_tag: str) -> None:
    before = json.loads((RUNS / f"{before_tag}.json").read_text(encoding="utf-8"))
    after = json.loads((RUNS / f"{after_tag}.json").read_text(encoding="utf-8"))
    common = {k: after[k] for k in after if k in before}
    before = {k: before[k] for k in common}
    print(f"{'':12}" + "".join(f"{c[:14]:>17}" for c in CHECKS))
    for name, keep in groups(common).items():
        cells = []
        for check in CHECKS:
            a, b = f1(before, check, keep), f1(common, check, keep)
            cells.append(f"{b:8.3f}{b - a:+7.3f}  " if abs(b - a) > 1e-9 else f"{b:8.3f}{'':7}  ")
        print(f"{name:12}" + "".join(cells))
    for msg_id, msg in common.items():
        expected = set(msg["expect"])
        for check in sorted(set(before[msg_id]["fired"]) ^ set(msg["fired"])):
            now = check in msg["fired"]
            print(f"{'GAIN' if now == (check in expected) else 'LOSS'} {msg_id} {check} now {'fires' if now else 'quiet'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run the checker on the labelled sets and store what fires")
    r.add_argument("tag")
    r.add_argument("--sets", help="comma-separated set names (file stems); default: all but the unread ones")
    r.add_argument("--rules-only", action="store_true")
    d = sub.add_parser("diff", help="compare two stored runs")
    d.add_argument("before")
    d.add_argument("after")
    args = parser.parse_args()
    if args.command == "run":
        run(args.tag, args.sets.split(",") if args.sets else None, args.rules_only)
    else:
        diff(args.before, args.after)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
