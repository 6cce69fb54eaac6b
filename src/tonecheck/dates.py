"""Dates written the way each language writes them."""

from __future__ import annotations

import datetime as dt

RO_MONTHS = ("ianuarie", "februarie", "martie", "aprilie", "mai", "iunie", "iulie", "august",
             "septembrie", "octombrie", "noiembrie", "decembrie")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")
NOTICE_DAYS = 14  # the article: about two weeks for a long-term project


def format_date(day: dt.date, lang: str) -> str:
    """"15 decembrie 2026" / "15 December 2026"."""
    months = RO_MONTHS if lang == "ro" else EN_MONTHS
    return f"{day.day} {months[day.month - 1]} {day.year}"


def notice_end(today: dt.date | None = None, days: int = NOTICE_DAYS) -> dt.date:
    """The end of a two-week notice, moved off the weekend to the Monday after."""
    end = (today or dt.date.today()) + dt.timedelta(days=days)
    while end.weekday() >= 5:
        end += dt.timedelta(days=1)
    return end


def fill(template: str, lang: str, today: dt.date | None = None) -> str:
    """Fill the placeholders rule files may use in inserted text: {end_date}."""
    if "{end_date}" not in template:
        return template
    return template.replace("{end_date}", format_date(notice_end(today), lang))


# -- finding and resolving dates in a draft ----------------------------------------------

import re  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from .normalize import comma_below, fold  # noqa: E402

_MONTHS = {
    **{fold(m): i for i, m in enumerate(RO_MONTHS, 1)},
    **{m.lower(): i for i, m in enumerate(EN_MONTHS, 1)},
    **{m.lower()[:3]: i for i, m in enumerate(EN_MONTHS, 1)},
    "sept": 9, "ian": 1, "iun": 6, "iul": 7, "noi": 11,
}
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "luni": 0, "marti": 1, "miercuri": 2, "joi": 3, "vineri": 4, "sambata": 5, "duminica": 6,
}
_MONTH_RX = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RX})[a-z]*\.?(?:,?\s+(\d{{4}}))?\b")
_MONTH_DAY = re.compile(rf"\b({_MONTH_RX})[a-z]*\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?")
_NUMERIC = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WEEKDAY = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|marti|miercuri|joi|vineri|sambata|duminica|luni)\b"
)
_RELATIVE = [
    (re.compile(r"\b(?:in|within|peste|in urmatoarele)\s+(?:two|2|doua)\s+(?:weeks|saptamani)\b"), 14),
    (re.compile(r"\b(?:in|within|peste)\s+(?:one|a|1|o)\s+(?:week|saptamana)\b"), 7),
    (re.compile(r"\b(?:in|within|peste)\s+(?:three|3|trei)\s+(?:weeks|saptamani)\b"), 21),
    (re.compile(r"\b(?:next week|saptamana viitoare)\b"), 7),
    (re.compile(r"\b(?:tomorrow|maine)\b"), 1),
]
_END_OF_MONTH = re.compile(r"\b(?:end of (?:the|this) month|sfarsitul lunii|finalul lunii)\b")


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    day: dt.date
    explicit_year: bool
    weekday_start: int | None = None  # where a weekday written next to the date begins
    weekday: int | None = None


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _infer_year(month: int, day: int, today: dt.date) -> dt.date | None:
    """A date without a year: this year's, or next year's if it is long past."""
    this_year = _safe_date(today.year, month, day)
    if this_year is None:
        return None
    if (today - this_year).days > 60:
        return _safe_date(today.year + 1, month, day)
    return this_year


def find_dates(text: str, today: dt.date) -> list[DateMention]:
    """Dates in ``text`` (any case, with or without diacritics), resolved against ``today``."""
    folded = fold(comma_below(text))
    out: list[DateMention] = []
    for rx, order in ((_DAY_MONTH, "dm"), (_MONTH_DAY, "md")):
        for m in rx.finditer(folded):
            day_s, month_s = (m.group(1), m.group(2)) if order == "dm" else (m.group(2), m.group(1))
            month = _MONTHS.get(month_s)
            if month is None or (month_s == "mai" and order == "md"):
                continue
            year = m.group(3)
            day = _safe_date(int(year), month, int(day_s)) if year else _infer_year(month, int(day_s), today)
            if day is not None:
                out.append(DateMention(m.start(), m.end(), day, bool(year)))
    for m in _NUMERIC.finditer(folded):
        year = int(m.group(3)) + (2000 if len(m.group(3)) == 2 else 0)
        day = _safe_date(year, int(m.group(2)), int(m.group(1)))
        if day is not None:
            out.append(DateMention(m.start(), m.end(), day, True))
    for m in _ISO.finditer(folded):
        day = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if day is not None:
            out.append(DateMention(m.start(), m.end(), day, True))
    out = _attach_weekdays(folded, sorted(out, key=lambda d: d.start))
    taken = [(d.start, d.end) for d in out]
    for rx, days in _RELATIVE:
        for m in rx.finditer(folded):
            out.append(DateMention(m.start(), m.end(), today + dt.timedelta(days=days), False))
    for m in _END_OF_MONTH.finditer(folded):
        nxt = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        out.append(DateMention(m.start(), m.end(), nxt - dt.timedelta(days=1), False))
    for m in _WEEKDAY.finditer(folded):
        if any(s - 15 <= m.start() <= e for s, e in taken) or m.group(1) == "luni":
            continue  # part of a full date, or "luni" (also "months")
        ahead = (_WEEKDAYS[m.group(1)] - today.weekday()) % 7 or 7
        out.append(DateMention(m.start(), m.end(), today + dt.timedelta(days=ahead), False))
    return sorted(out, key=lambda d: d.start)


def _attach_weekdays(folded: str, dates: list[DateMention]) -> list[DateMention]:
    """Note a weekday written just before a date ("Friday, 15 December"; "vineri, 15 decembrie")."""
    out = []
    for d in dates:
        before = folded[max(0, d.start - 14) : d.start]
        m = re.search(r"\b(" + "|".join(_WEEKDAYS) + r")\b[,\s]*(?:the\s+|pe\s+)?$", before)
        if m:
            start = max(0, d.start - 14) + m.start(1)
            out.append(DateMention(start, d.end, d.day, d.explicit_year, start, _WEEKDAYS[m.group(1)]))
        else:
            out.append(d)
    return out
