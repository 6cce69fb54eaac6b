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
