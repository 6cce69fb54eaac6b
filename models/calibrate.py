"""Calibrate when the tone model may decide a whole message, from the development messages.

The heads' thresholds (``heads/meta.json``) are tuned per *sentence* on the corpus. A
message has many sentences, so a model-only finding at the sentence threshold fires on
far too many whole messages (one borderline sentence in eight is enough). This script
picks, per check, the probability the model needs before it may

* raise a presence finding on its own (blame, hostile-tone, guilt-wavering, breakup-word),
* count as the part being there for a missing-* check (thanks, notice, handover, reason),

by message-level F1 of the combined checker on the development sets (``DEV``: the first
214 messages and the blind sets whose errors have been read). Each message is scored the
way the checker scores it: the rule files' model vetoes applied, only the sentences
where the model may decide counted (``ToneRules.decisive_scores``). The held-out sets
(``tests/data/holdout.jsonl`` and the last blind sets) are never read here: they stay
the honest test. The result goes to ``heads/calibration.json``, which ``ToneModel``
loads next to the heads.

    .venv/bin/python models/calibrate.py            # writes heads/calibration.json
    .venv/bin/python models/calibrate.py --dry-run  # prints the table only
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import tonecheck  # noqa: E402
from tonecheck.analysis import Analysis  # noqa: E402
from tonecheck.checks.tone_rules import ToneRules  # noqa: E402
from tonecheck.document import Document  # noqa: E402
from tonecheck.tone.model import CALIBRATION_FILE, ToneModel, heads_dir  # noqa: E402

DATA = ROOT / "tests" / "data"
# Development sets only. A new blind set is measured once before its errors are read;
# add it here only after that.
DEV = ["messages.jsonl", *(f"blind{i}.jsonl" for i in range(2, 33))]
PRESENCE = {"blame": "blame", "hostile-tone": "hostile", "guilt-wavering": "wavering", "breakup-word": "breakup"}
ABSENCE = {"missing-thanks": "thanks", "missing-notice": "notice", "missing-handover": "handover",
           "missing-reason": "reason"}
GRID = [round(0.05 * i, 2) for i in range(1, 20)] + [0.97, 0.99]
# Set by hand, not by the search (session 6). The development sets' rule files were fixed
# on those very sets, so there the model looks less needed than it is on fresh text. For
# hostile tone the search picks 0.85 (dev F1 0.957, against 0.950 at 0.75), but on six
# fresh blind sets 0.85 lost recall: F1 0.879 against 0.909 at 0.75, the value before.
# Those sets informed this choice, so they no longer measure hostile tone blind (NOTES).
OVERRIDES = {"hostile": 0.75}


# Per message: the checks expected, and per check whether the phrases alone decide it and
# the model's highest probability per label where the model may decide it.
Row = tuple[set[str], dict[str, tuple[bool, dict[str, float]]]]


def message_rows(paths: list[Path]) -> list[Row]:
    linter = tonecheck.Linter(model=True, grammar=False)
    tone_rules = next(c for c in linter.checks if isinstance(c, ToneRules))
    model = linter.tone_model()
    rows = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            msg = json.loads(line)
            analysis = Analysis.build(Document.from_text(msg["text"]), msg["lang"], linter.rules.profiles)
            rows.append((set(msg["expect"]), tone_rules.decisive_scores(analysis, linter.context(analysis))))
    if model is not None:
        model.cache_clear()
    return rows


def f1_at(rows: list[Row], check: str, t: float, chosen: dict[str, float]) -> float:
    """Message-level F1 of ``check`` with the model deciding at ``t`` (and at ``chosen``,
    the thresholds already picked, for the labels of the rules that satisfy an absence check)."""
    tp = fp = fn = 0
    own = {**PRESENCE, **ABSENCE}[check]
    for expected, decisive in rows:
        if check not in decisive:
            continue
        decided, best = decisive[check]
        if check in PRESENCE:
            predicted = decided or best.get(own, 0.0) >= t
        else:
            found = best.get(own, 0.0) >= t or any(p >= chosen.get(label, 1.0) for label, p in best.items() if label != own)
            predicted = not decided and not found
        tp += predicted and check in expected
        fp += predicted and check not in expected
        fn += not predicted and check in expected
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def best_threshold(scores: dict[float, float]) -> float:
    """The threshold with the best F1 averaged with its neighbours on the grid.

    A check fires on a few dozen to a few hundred dev messages, so one message can move F1
    by a point; smoothing picks a plateau rather than a lucky spike. Ties go to the lower
    threshold (more recall).
    """
    def smoothed(i: int) -> float:
        near = GRID[max(0, i - 1): i + 2]
        return sum(scores[t] for t in near) / len(near)

    best = max(range(len(GRID)), key=lambda i: (round(smoothed(i), 9), -i))
    return GRID[best]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    paths = [DATA / name for name in DEV]
    rows = message_rows(paths)
    chosen: dict[str, float] = {}
    dev_f1: dict[str, float] = {}
    for check, label in {**PRESENCE, **ABSENCE}.items():  # presence first: absence uses them
        scores = {t: f1_at(rows, check, t, chosen) for t in GRID}
        searched = best_threshold(scores)
        chosen[label] = OVERRIDES.get(label, searched)
        dev_f1[check] = round(scores[chosen[label]], 3)
        note = f" (search: {searched:.2f})" if chosen[label] != searched else ""
        print(f"{check:18} {label:9} t={chosen[label]:.2f}{note}  dev F1 {dev_f1[check]:.3f}  "
              + " ".join(f"{t:.2f}:{scores[t]:.3f}" for t in GRID[::2]))
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest()
    out = {
        "what": "message-level thresholds: the probability the model needs to decide a check on its own",
        "decision_thresholds": chosen,
        "set_by_hand": OVERRIDES,
        "dev_f1": dev_f1,
        "data": [str(p.relative_to(ROOT)) for p in paths],
        "data_sha256": digest,
        "messages": len(rows),
        "script": "models/calibrate.py",
    }
    if not args.dry_run:
        path = (ToneModel.load().folder or heads_dir()) / CALIBRATION_FILE
        path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
