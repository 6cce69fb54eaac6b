"""Thread mode and quoted text: a reply that takes back an announced decision wavers."""

from __future__ import annotations

import pytest

import tonecheck

EN_FIRST = "Hi Sam,\nI have decided to end our collaboration on 15 December.\nBest,\nAna"
RO_FIRST = "Bună ziua,\nAm decis să închei colaborarea noastră la 15 decembrie.\nCu stimă,\nAna"


@pytest.mark.parametrize(("first", "reply"), [
    (EN_FIRST, "Hi Sam,\nOk, I can stay until spring then.\nBest,\nAna"),
    (EN_FIRST, "Hi Sam,\nForget my last email, let's continue as before.\nBest,\nAna"),
    (RO_FIRST, "Bună ziua,\nBine, mai rămân o lună, până în ianuarie.\nCu stimă,\nAna"),
    (RO_FIRST, "Buna ziua,\nM-am razgandit, hai sa continuam.\nCu stima,\nAna"),
])
def test_retraction_is_wavering_and_quotes_the_decision(rules_linter: tonecheck.Linter, first: str, reply: str) -> None:
    report = rules_linter.check(reply, thread=[first])
    waver = [f for f in report.findings if f.rule == "guilt-wavering"]
    assert len(waver) == 1 and "thread" in waver[0].source
    assert "15 dec" in waver[0].message.lower()


@pytest.mark.parametrize(("first", "reply"), [
    (EN_FIRST, "Hi Sam,\nI understand, but my decision stands. Thank you for understanding.\nBest,\nAna"),
    (RO_FIRST, "Bună ziua,\nVă înțeleg, dar decizia mea rămâne aceeași. Vă mulțumesc.\nCu stimă,\nAna"),
])
def test_kind_restatement_passes(rules_linter: tonecheck.Linter, first: str, reply: str) -> None:
    assert "guilt-wavering" not in rules_linter.check(reply, thread=[first]).rules


def test_quoted_text_is_not_the_users_words(rules_linter: tonecheck.Linter) -> None:
    reply = ("Thank you, Sam. My decision stands: my last day is 15 December, as planned.\n\n"
             "On Mon, 1 Dec 2026, Sam wrote:\n> You never paid on time! We need a break.\n> Thanks for nothing.")
    report = rules_linter.check(reply)
    assert report.lang == "en"
    assert not {"blame", "breakup-word", "hostile-tone", "missing-thanks"} & set(report.rules)
    ro = "Vă mulțumesc. Decizia mea rămâne.\n\nÎn 1 dec. 2026, Sam a scris:\n> Cred că avem nevoie de o pauză."
    assert "breakup-word" not in rules_linter.check(ro).rules


def test_every_sentence_of_a_quoted_line_is_quoted(rules_linter: tonecheck.Linter) -> None:
    # the second sentence of a "> " line does not start with ">", and is still quoted
    reply = "Thank you, Sam. My decision stands, my last day is 15 December.\n\n> Fine. You never paid on time!\n> Bye."
    assert "blame" not in rules_linter.check(reply, "en").rules
    ro = "Vă mulțumesc. Decizia mea rămâne.\n\n> Bine. Cred că avem nevoie de o pauză.\n"
    assert "breakup-word" not in rules_linter.check(ro, "ro").rules
