"""The labelled message sets in tests/data/ keep the format their README promises, so the
figures bench/evaluate.py prints are computed on what the sets say they hold."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
CHECKS = ("breakup-word", "blame", "hostile-tone", "guilt-wavering", "missing-thanks", "missing-notice",
          "missing-handover", "missing-reason")
DIACRITICS = re.compile("[ăâîșțşţĂÂÎȘȚŞŢ]")
COMMA_BELOW = re.compile("[șțȘȚ]")
MESSAGE_SETS = sorted(p for p in DATA.glob("*.jsonl") if not p.name.startswith("threads"))


def rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_message_set_is_found() -> None:
    assert {p.name for p in MESSAGE_SETS} >= {"messages.jsonl", "holdout.jsonl", "blind2.jsonl", "blind3.jsonl"}


@pytest.mark.parametrize("path", MESSAGE_SETS, ids=lambda p: p.name)
def test_message_set_format(path: Path) -> None:
    records = rows(path)
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for r in records:
        text, lang, expect = r["text"], r["lang"], r["expect"]
        assert isinstance(text, str) and text.strip(), r["id"]
        assert lang in ("ro", "en"), r["id"]
        assert isinstance(expect, list) and expect == [c for c in CHECKS if c in expect], (r["id"], expect)
        if lang == "ro":
            assert r["diacritics"] is bool(DIACRITICS.search(text)), r["id"]
            if r.get("cedilla"):
                assert not COMMA_BELOW.search(text), r["id"]
        else:
            assert r["diacritics"] is None, r["id"]
