"""Rewrites: each kind of edit, both languages, both registers; idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

import tonecheck
from tonecheck.rewrite import apply_edits

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.parametrize("name", ["en-bad.txt", "ro-bad.txt"])
def test_rewrite_fixes_the_bad_examples_and_is_idempotent(rules_linter: tonecheck.Linter, name: str) -> None:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    once = tonecheck.rewrite(text, linter=rules_linter)
    assert once.changed
    recheck = rules_linter.check(once.text)
    assert not recheck.at_or_above(tonecheck.Severity.WARNING), recheck.rules
    twice = tonecheck.rewrite(once.text, linter=rules_linter)
    assert twice.text == once.text


def test_good_draft_is_left_alone(rules_linter: tonecheck.Linter) -> None:
    text = (EXAMPLES / "en-good.txt").read_text(encoding="utf-8")
    assert tonecheck.rewrite(text, linter=rules_linter).text == text


def test_replace_keeps_other_sentences(rules_linter: tonecheck.Linter) -> None:
    text = "Bună ziua,\nVă mulțumesc pentru tot. Cred că avem nevoie de o pauză.\nCu stimă,\nIoana"
    out = tonecheck.rewrite(text, linter=rules_linter).text
    assert "pauză" not in out and "încheiem colaborarea" in out
    assert "Vă mulțumesc pentru tot." in out and out.endswith("Cu stimă,\nIoana")


@pytest.mark.parametrize(("text", "expected"), [
    ("Salut Mihai,\nCred că avem nevoie de o pauză.\nPe curând,\nIoana", "Îți mulțumesc"),
    ("Bună ziua, doamna Popescu,\nVă scriu pentru că avem nevoie de o pauză.\nCu stimă,\nIoana", "Vă mulțumesc"),
])
def test_register_of_inserted_parts(rules_linter: tonecheck.Linter, text: str, expected: str) -> None:
    assert expected in tonecheck.rewrite(text, linter=rules_linter).text


def test_missing_parts_go_after_greeting_and_before_signoff(rules_linter: tonecheck.Linter) -> None:
    text = "Hi Sam,\n\nI am ending our collaboration.\n\nBest,\nAna"
    out = tonecheck.rewrite(text, linter=rules_linter).text
    assert out.startswith("Hi Sam,\n\n") and out.endswith("Best,\nAna")
    assert out.index("last day") < out.index("I am ending") < out.index("Thank") < out.index("files")


def test_delete_and_diacritics_edits(rules_linter: tonecheck.Linter) -> None:
    out = tonecheck.rewrite("Multumesc, dar slavă Domnului că am scăpat de proiect.", linter=rules_linter).text
    assert "Mulțumesc" in out and "scăpat" not in out
    cedilla = tonecheck.rewrite("Vă mulţumesc pentru tot.", linter=rules_linter).text
    assert "mulțumesc" in cedilla


def test_apply_edits_order() -> None:
    assert apply_edits("abc", [tonecheck.Edit(1, 1, "X"), tonecheck.Edit(1, 2, "Y")]) == "aXYc"
