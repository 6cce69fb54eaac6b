"""Explained findings: the model's score, nearest corpus examples, the words behind it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import tonecheck
from tonecheck.tone import ToneModel
from tonecheck.tone.explain import attributions, explain

BLAMING = ("Hi Tom,\n\nAs you know, several invoices were settled rather late this year, which made planning "
           "impossible for me. I am ending our work on 30 June. Thanks for everything.\n\nBest,\nAna\n")


@pytest.fixture(scope="module")
def model() -> ToneModel:
    return ToneModel.load()


@pytest.fixture(scope="module")
def linter() -> tonecheck.Linter:
    return tonecheck.Linter(model=True, grammar=False)


def test_model_backed_findings_carry_their_evidence(linter: tonecheck.Linter) -> None:
    report = linter.check(BLAMING, "en")
    blame = [f for f in report.findings if f.rule == "blame"]
    assert blame and "model" in blame[0].source
    evidence = blame[0].evidence
    assert evidence[0].startswith("model: blame ")
    assert any(line.startswith("like: “") for line in evidence)
    assert "evidence" in blame[0].to_dict()


def test_rule_only_findings_have_no_model_evidence() -> None:
    report = tonecheck.Linter(model=False, grammar=False).check(BLAMING, "en")
    assert all(not f.evidence for f in report.findings)


@pytest.mark.parametrize("sentence, lang, label", [
    ("You never once paid an invoice on time.", "en", "blame"),
    ("Nu ați plătit niciodată o factură la timp.", "ro", "blame"),
    ("I feel awful, maybe I could stay a few more months after all.", "en", "wavering"),
])
def test_attributions_rank_the_words_that_drove_the_label(model: ToneModel, sentence: str, lang: str,
                                                          label: str) -> None:
    found = attributions(model, sentence, label)
    assert found, "a clearly labelled sentence has words that drive its label"
    drops = [a.drop for a in found]
    assert drops == sorted(drops, reverse=True) and drops[-1] > 0
    for a in found:
        assert sentence[a.start:a.end] == a.word
        assert a.without < model.score([sentence])[0].probs[label] + 1e-6


def test_explain_reports_probability_threshold_and_neighbours(model: ToneModel) -> None:
    ev = explain(model, "You never once paid an invoice on time.", "blame", 0.35, with_words=True)
    assert ev.probability > 0.5 and ev.threshold == 0.35
    assert len(ev.nearest) == 2 and all(-1.0 <= sim <= 1.0 for _, sim in ev.nearest)
    assert any(line.startswith("words that drove it") for line in ev.lines())


def test_cli_explain_finding(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text(BLAMING, encoding="utf-8")
    ok = subprocess.run([sys.executable, "-m", "tonecheck", "explain", str(draft), "--finding", "1"],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "blame" in ok.stdout and "Tone model on" in ok.stdout and "like: “" in ok.stdout
    missing = subprocess.run([sys.executable, "-m", "tonecheck", "explain", str(draft), "--finding", "99"],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "no finding" in missing.stderr
