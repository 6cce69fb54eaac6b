"""Dates resolved against fixed send dates, in both languages, and the calendar checks."""

from __future__ import annotations

import datetime as dt

import pytest

import tonecheck
from tonecheck.dates import find_dates, notice_end

SEND = dt.date(2026, 11, 28)  # a Saturday


@pytest.mark.parametrize(("text", "expected"), [
    ("pe 15 decembrie", dt.date(2026, 12, 15)),
    ("pe 3 ianuarie 2027", dt.date(2027, 1, 3)),
    ("pana pe 3 ianuarie", dt.date(2027, 1, 3)),
    ("până la 15.12.2026", dt.date(2026, 12, 15)),
    ("în două săptămâni", dt.date(2026, 12, 12)),
    ("peste doua saptamani", dt.date(2026, 12, 12)),
    ("la sfârșitul lunii", dt.date(2026, 11, 30)),
    ("vineri", dt.date(2026, 12, 4)),
    ("by December 15th", dt.date(2026, 12, 15)),
    ("on 15 December 2026", dt.date(2026, 12, 15)),
    ("on the 2nd of January", dt.date(2027, 1, 2)),
    ("next week", dt.date(2026, 12, 5)),
    ("in two weeks", dt.date(2026, 12, 12)),
    ("until Friday", dt.date(2026, 12, 4)),
    ("2026-12-31", dt.date(2026, 12, 31)),
])
def test_dates_resolve(text: str, expected: dt.date) -> None:
    assert [d.day for d in find_dates(text, SEND)] == [expected]


def test_notice_end_is_two_weeks_on_a_weekday() -> None:
    end = notice_end(SEND)
    assert end.weekday() < 5 and (end - SEND).days >= 14


@pytest.mark.parametrize(("text", "rule"), [
    ("Hi Sam,\nMy last day will be tomorrow.", "short-notice"),
    ("Bună ziua,\nUltima mea zi va fi luni, 30 noiembrie.", "short-notice"),
    ("Hi Sam,\nMy last day was 2 November 2026.", "past-date"),
    ("Bună ziua,\nUltima mea zi va fi vineri, 15 decembrie.", "weekday-mismatch"),
])
def test_calendar_findings(rules_linter: tonecheck.Linter, text: str, rule: str) -> None:
    assert rule in rules_linter.check(text, today=SEND).rules


@pytest.mark.parametrize("text", [
    "Hi Sam,\nI'll finish the current project first, and my last day will be Friday, 4 December.",
    "Bună ziua,\nUltima mea zi va fi marți, 15 decembrie.",
    "Hi Sam,\nMy last day will be 31 December.",
])
def test_calendar_passes(rules_linter: tonecheck.Linter, text: str) -> None:
    rules = rules_linter.check(text, today=SEND).rules
    assert not {"short-notice", "past-date", "weekday-mismatch"} & set(rules), rules


WED = dt.date(2027, 2, 3)  # a Wednesday


@pytest.mark.parametrize(("text", "expected"), [
    # Romanian, absolute, with and without diacritics
    ("până pe 18 februarie", dt.date(2027, 2, 18)),
    ("pana pe 18 februarie", dt.date(2027, 2, 18)),
    ("pe 3 martie 2027", dt.date(2027, 3, 3)),
    ("vineri, 5 februarie", dt.date(2027, 2, 5)),
    ("pe 18, cum am stabilit", dt.date(2027, 2, 18)),  # day only: the next 18th
    ("pe 2, si apoi gata", dt.date(2027, 3, 2)),  # the 2nd has passed: next month's
    ("pe data de 12", dt.date(2027, 2, 12)),
    ("vineri, pe 12", dt.date(2027, 2, 12)),
    # Romanian, relative
    ("vineri", dt.date(2027, 2, 5)),
    ("sâmbătă", dt.date(2027, 2, 6)),
    ("sambata", dt.date(2027, 2, 6)),
    ("vinerea viitoare", dt.date(2027, 2, 12)),
    ("vinerea asta", dt.date(2027, 2, 5)),
    ("mâine", dt.date(2027, 2, 4)),
    ("poimaine", dt.date(2027, 2, 5)),
    ("peste zece zile", dt.date(2027, 2, 13)),
    ("în următoarele două săptămâni", dt.date(2027, 2, 17)),
    ("peste o lună", dt.date(2027, 3, 5)),
    ("săptămâna viitoare", dt.date(2027, 2, 10)),
    ("la sfârșitul lunii", dt.date(2027, 2, 28)),
    ("la sfarsitul lui martie", dt.date(2027, 3, 31)),
    ("la finalul lunii aprilie", dt.date(2027, 4, 30)),
    ("sfârșitul lunii viitoare", dt.date(2027, 3, 31)),
    ("la finalul săptămânii", dt.date(2027, 2, 5)),
    ("la sfarsitul saptamanii viitoare", dt.date(2027, 2, 12)),
    ("azi e ultima mea zi", dt.date(2027, 2, 3)),
    # English, absolute
    ("Friday, Feb 5", dt.date(2027, 2, 5)),
    ("the 5th of February", dt.date(2027, 2, 5)),
    ("by the 15th", dt.date(2027, 2, 15)),
    ("Friday the 12th", dt.date(2027, 2, 12)),
    ("Friday 12th", dt.date(2027, 2, 12)),
    # English, relative
    ("this Friday", dt.date(2027, 2, 5)),
    ("next Friday", dt.date(2027, 2, 12)),
    ("within 10 days", dt.date(2027, 2, 13)),
    ("in the next two weeks", dt.date(2027, 2, 17)),
    ("two weeks from today", dt.date(2027, 2, 17)),
    ("in a month", dt.date(2027, 3, 5)),
    ("the day after tomorrow", dt.date(2027, 2, 5)),
    ("end of the week", dt.date(2027, 2, 5)),
    ("end of next month", dt.date(2027, 3, 31)),
    ("by the end of March", dt.date(2027, 3, 31)),
    ("at the end of the year", dt.date(2027, 12, 31)),
])
def test_dates_resolve_against_a_wednesday(text: str, expected: dt.date) -> None:
    assert [d.day for d in find_dates(text, WED)] == [expected]


@pytest.mark.parametrize("text", [
    "the 3rd time we talked", "pe 3 proiecte", "in a few weeks", "am decis azi", "ne vedem pe 18:00",
    "I'm writing today", "cateva luni",
])
def test_not_dates(text: str) -> None:
    assert find_dates(text, WED) == []


def test_a_weekday_with_a_day_picks_the_month_where_they_agree() -> None:
    # Friday the 12th: 12 February 2027 is a Friday; "Friday the 14th" agrees with no 14th
    # in the next three months, so it is the next 14th and its weekday is not checked
    assert [(d.day, d.weekday) for d in find_dates("Friday the 12th", WED)] == [(dt.date(2027, 2, 12), 4)]
    assert [(d.day, d.weekday) for d in find_dates("Friday the 14th", WED)] == [(dt.date(2027, 2, 14), None)]


@pytest.mark.parametrize(("text", "fires"), [
    ("Bună ziua,\nUltima mea zi e pe 10.", True),
    ("Buna ziua,\nTermin colaborarea pe 10 februarie.", True),  # the end itself, not work finished first
    ("Hi Sam,\nI'm finishing up at the end of the week.", True),
    ("Hi Sam,\nFriday the 5th stays my last day.", True),
    ("Salut,\nTermin cele două vloguri din listă până pe 10 și apoi mă opresc.", False),
    ("Bună ziua,\nPagina de programări va fi gata până pe 10; aceea va fi ultima mea lucrare.", False),
    ("Hi Sam,\nI'll wrap up the landing pages by the 12th and that will be my last work for you.", False),
    ("Hi Sam,\nMy last day is Friday, 19 February.", False),  # 16 days
    ("Bună ziua,\nÎnchei în două săptămâni, pe 17 februarie.", False),  # exactly 14 days
    ("Bună ziua,\nRămân până vineri.", True),
    ("Bună ziua,\nVă răspund până vineri.", False),  # a reply's deadline, not the end
    ("Hi Sam,\nCan we talk it through on Thursday?", False),
])
def test_short_notice_against_a_send_date(rules_linter: tonecheck.Linter, text: str, fires: bool) -> None:
    assert ("short-notice" in rules_linter.check(text, today=WED).rules) is fires


@pytest.mark.parametrize("text", [
    "I'll stop after the Black Friday campaign.",
    "Last post goes out on Cyber Monday.",
    "Termin campania de Black Friday și apoi mă opresc.",
    "Închei după Vinerea Mare.",
])
def test_named_days_are_not_the_coming_weekday(text: str) -> None:
    assert find_dates(text, SEND) == []


@pytest.mark.parametrize(("text", "days", "fix"), [
    ("Hi Sam,\nMy last day is tomorrow.", "one day's notice", "My last day is on 17 February 2027."),
    ("Hi Sam,\nI'm leaving in three days.", "3 days' notice", "I'm leaving on 17 February 2027."),
    ("Hi Sam,\nI'll be available until Friday.", "2 days' notice", "I'll be available until 17 February 2027."),
    ("Hi Sam,\nMy last day is at the end of the week.", "2 days' notice", "My last day is on 17 February 2027."),
    ("Bună ziua,\nMâine este ultima mea zi.", "lasă doar o zi", "\nPe 17 februarie 2027 este ultima mea zi."),
    ("Bună ziua,\nUltima mea zi va fi în trei zile.", "lasă doar 3 zile", "Ultima mea zi va fi pe 17 februarie 2027."),
    ("Bună ziua,\nRămân până vineri.", "lasă doar 2 zile", "Rămân până pe 17 februarie 2027."),
])
def test_short_notice_words_and_fix(rules_linter: tonecheck.Linter, text: str, days: str, fix: str) -> None:
    report = rules_linter.check(text, today=WED)
    finding = next(f for f in report.findings if f.rule == "short-notice")
    assert days in finding.message
    edit = finding.suggestions[0].edits[0]
    assert (text[: edit.start] + edit.text + text[edit.end :]).endswith(fix)
