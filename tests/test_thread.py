"""Thread mode and quoted text: a reply that takes back an announced decision wavers."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

import tonecheck

ROOT = Path(__file__).resolve().parent.parent

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


@pytest.mark.parametrize(("first", "reply", "client"), [
    ("Hi Sam,\nI have decided to end our collaboration on 15 December, as I'm moving to product design. "
     "I'll hand over the repository and the docs. Thank you for two great years.\nBest,\nAna",
     "Hi Sam,\nI understand, but my decision stands.\nBest,\nAna",
     "Hi Ana, we really need you. Can't you stay a few more months?\nSam"),
    ("Salut Andrei,\nAm decis să închei colaborarea la sfârșitul lui martie, pentru că mă mut pe design de produs. "
     "Îți predau repository-ul și documentația. Îți mulțumesc pentru cei doi ani.\nAna",
     "Salut Andrei,\nÎnțeleg, dar rămân la decizia mea.\nAna",
     "Ana, chiar avem nevoie de tine, nu mai poți rămâne?\nAndrei"),
])
def test_a_reply_need_not_repeat_what_the_announcement_said(rules_linter: tonecheck.Linter, first: str, reply: str,
                                                             client: str) -> None:
    missing = {"missing-reason", "missing-notice", "missing-handover", "missing-thanks"}
    assert missing <= set(rules_linter.check(reply).rules)  # alone, the reply lacks every part
    assert not missing & set(rules_linter.check(reply, thread=[first, client]).rules)
    # The client's push-back is not the user's announcement: it gives no part.
    assert missing <= set(rules_linter.check(reply, thread=[client]).rules)


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


# -- retractions and restatements -----------------------------------------------------------

EN_DATED = "Hi Sam,\nI've decided to end our collaboration; my last day will be 15 December.\nBest,\nAna"
RO_DATED = "Salut Mihai, am decis să mă opresc cu contabilitatea de la 15 decembrie. Mersi pentru tot!"


@pytest.mark.parametrize(("first", "reply"), [
    (EN_DATED, "Hi Sam,\nHmm, let me think about it over the weekend.\nAna"),
    (EN_DATED, "Hi Sam,\nYou've convinced me. I'll keep doing the reports through March.\nAna"),
    (EN_DATED, "Hi Sam,\nI suppose I could postpone my departure to February.\nAna"),
    (EN_DATED, "Hi Sam,\nWhat if I stayed on part-time until you find someone?\nAna"),
    (EN_DATED, "Hi Sam,\nOk, I'll stay until 31 January then.\nAna"),  # later than announced
    (RO_DATED, "Salut Mihai,\nPoate găsim o soluție, hai să vorbim luni.\nAna"),
    (RO_DATED, "Salut Mihai,\nok, m-ai convins, raman pana in februarie.\nAna"),
    (RO_DATED, "Salut Mihai,\nLasă-mă să mă mai gândesc câteva zile.\nAna"),
    (RO_DATED, "Salut Mihai,\nBine, mai stau până pe 20.\nAna"),
])
def test_retractions_after_a_mă_opresc_or_dated_decision(rules_linter: tonecheck.Linter, first: str,
                                                          reply: str) -> None:
    today = dt.date(2026, 12, 1)
    assert "guilt-wavering" in rules_linter.check(reply, today=today, thread=[first]).rules


@pytest.mark.parametrize(("first", "reply"), [
    (EN_DATED, "Hi Sam,\nUnfortunately I can't stay longer; I'll send the files tonight.\nAna"),
    (EN_DATED, "Hi Sam,\nI'll stay until 15 December, as planned, and hand everything over.\nAna"),
    (EN_DATED, "Hi Sam,\nI thought about it a lot, but I'm sticking with my decision.\nAna"),
    (RO_DATED, "Salut Mihai,\nRămân la decizia mea; decizia rămâne aceeași.\nAna"),
    (RO_DATED, "Salut Mihai,\nNu pot să mai rămân, îmi pare rău.\nAna"),
    (RO_DATED, "Salut Mihai,\nRămân până pe 15 decembrie și îți predau tot.\nAna"),  # the date announced
    (RO_DATED, "Salut Mihai,\nPoate mai lucrăm împreună pe viitor.\nAna"),
])
def test_restatements_are_not_retractions(rules_linter: tonecheck.Linter, first: str, reply: str) -> None:
    today = dt.date(2026, 12, 1)
    assert "guilt-wavering" not in rules_linter.check(reply, today=today, thread=[first]).rules


# -- mixed register --------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Buna ziua,\nVa multumesc pentru mesaj. Iti trimit azi parolele.\nCu stima,\nGabi",  # no diacritics
    "Bună ziua, doamna Toma,\nVă mulțumesc. Dacă ai nevoie de ceva, scrie-mi.\nCu drag,\nLarisa",  # verbs
    "Bună ziua,\nVă înțeleg îngrijorarea. Lasă-mă să mă gândesc.\nAlex",  # imperative with a clitic
    "Bună, doamna Marin,\nVă mulțumesc, știu că nu e ușor pentru tine acum.\nSorin",  # "pentru tine"
    "Buna ziua doamna Pop,\nSper ca va descurcati. Te rog sa cauti pe cineva.\nIrina",
])
def test_mixed_register(rules_linter: tonecheck.Linter, text: str) -> None:
    assert "mixed-register" in rules_linter.check(text, "ro").rules


@pytest.mark.parametrize("text", [
    "Buna ziua,\nVa multumesc. Ultima mea zi va fi vineri si va trimite cineva factura.\nCu stima",  # future "va"
    "Salut Ana,\nÎți las accesul; sper să vă meargă bine cursurile de vară!",  # plural after a first-name greeting
    "Bună ziua,\nVă mulțumesc pentru încrederea pe care mi-ați acordat-o. Vă trimit fișierele.",  # participle
    "Salut,\nȚine minte parola nouă. Îți trimit restul mâine.",  # "ține", not "tine"
    "Bună ziua,\nVă mulțumesc.\n\n> Te rog, gândește-te.\n",  # quoted
])
def test_one_register(rules_linter: tonecheck.Linter, text: str) -> None:
    assert "mixed-register" not in rules_linter.check(text, "ro").rules


# -- the bench on threads.jsonl ----------------------------------------------------------------

def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_conversation", ROOT / "bench" / "bench_conversation.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_thread_set_is_well_formed() -> None:
    records = _bench().load(ROOT / "tests" / "data" / "threads.jsonl")
    assert len(records) >= 40 and len({r["id"] for r in records}) == len(records)
    ro = [r for r in records if r["lang"] == "ro"]
    assert 2 * len(ro) >= len(records) - 2 and any(not r["diacritics"] for r in ro)
    for r in records:
        assert set(r) == {"id", "lang", "date", "diacritics", "first", "client", "reply", "labels"}
        assert set(r["labels"]) == {"wavering", "short-notice", "mixed-register"}
        dt.date.fromisoformat(r["date"])
        if r["lang"] == "en":
            assert r["diacritics"] is None and not r["labels"]["mixed-register"]
        else:
            assert r["diacritics"] == any(c in r["reply"] for c in "ăâîșțĂÂÎȘȚ")


def test_bench_figures_are_computed_from_the_checker(rules_linter: tonecheck.Linter) -> None:
    bench = _bench()
    records = bench.load(ROOT / "tests" / "data" / "threads.jsonl")
    counts = bench.evaluate(records, rules_linter)
    fired = {label: 0 for label in bench.LABELS}
    for r in records:
        for label in bench.fired(rules_linter, r):
            fired[label] += 1
    for label in bench.LABELS:
        tp, fp, fn = counts["all"][label]
        assert tp + fn == sum(bool(r["labels"][label]) for r in records)
        assert tp + fp == fired[label]
        p, r_, f = bench.prf(tp, fp, fn)
        assert 0.0 <= p <= 1.0 and 0.0 <= r_ <= 1.0 and 0.0 <= f <= 1.0
        by_lang = [a + b for a, b in zip(counts["en"][label], counts["ro"][label], strict=True)]
        assert by_lang == [tp, fp, fn]
    assert "wavering" in bench.table(counts) and "ro-no-diacritics" in bench.table(counts)
