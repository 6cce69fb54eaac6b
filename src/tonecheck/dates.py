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
    "lunea": 0, "martea": 1, "miercurea": 2, "joia": 3, "vinerea": 4,
}
_MONTH_RX = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RX})[a-z]*\.?(?:,?\s+(\d{{4}}))?\b")
_MONTH_DAY = re.compile(rf"\b({_MONTH_RX})[a-z]*\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?")
_NUMERIC = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WEEKDAY_RX = (r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|marti|martea|miercuri|miercurea|joi|joia|"
               r"vineri|vinerea|sambata|duminica|lunea|luni")
# "Friday", "next Friday", "this Friday"; "vineri", "vinerea viitoare", "vinerea asta".
_NAMED_DAY_BEFORE = re.compile(r"\b(?:black|cyber|good|holy|maundy|giving|small business)\s+$")
_NAMED_DAY_AFTER = re.compile(r"\s+(?:neagra|mare|verde)\b")
_WEEKDAY = re.compile(rf"\b(?:(this|next|coming)\s+)?({_WEEKDAY_RX})\b(?:\s+(viitoare|urmatoare|asta|aceasta))?")
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "twenty": 20,
    "thirty": 30, "o": 1, "un": 1, "una": 1, "doua": 2, "doi": 2, "trei": 3, "patru": 4, "cinci": 5, "sase": 6,
    "sapte": 7, "opt": 8, "noua": 9, "zece": 10, "unsprezece": 11, "doisprezece": 12, "douasprezece": 12,
    "treisprezece": 13, "paisprezece": 14, "cincisprezece": 15, "douazeci": 20, "treizeci": 30,
}
_UNITS = {"day": 1, "days": 1, "zi": 1, "zile": 1, "week": 7, "weeks": 7, "saptamana": 7, "saptamani": 7,
          "month": 30, "months": 30, "luna": 30, "luni": 30}
_NUMBER_RX = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_UNIT_RX = "|".join(sorted(_UNITS, key=len, reverse=True))
# "in two weeks", "within 10 days", "in the next two weeks", "peste zece zile", "în următoarele două
# săptămâni", "two weeks from today".
_PERIOD = re.compile(
    rf"\b(?:(?:in|within|over|during)\s+(?:the\s+)?(?:next\s+)?|peste\s+|in\s+urmatoarele\s+|in\s+decurs\s+de\s+)"
    rf"(\d{{1,3}}|{_NUMBER_RX})(?:\s+more)?\s+({_UNIT_RX})\b"
    rf"|\b(\d{{1,3}}|{_NUMBER_RX})\s+({_UNIT_RX})\s+from\s+(?:now|today)\b"
)
_RELATIVE = [
    (re.compile(r"\b(?:the day after tomorrow|poimaine)\b"), 2),
    (re.compile(r"\b(?:tomorrow|maine)\b"), 1),
    # today only as the end itself, not "I'm writing today to…" / "am decis azi…"
    (re.compile(r"\b(?:(?:effective|starting|as of|from)\s+today|today\s+(?:is|will be)|incepand\s+(?:de\s+)?(?:azi|astazi)"
                r"|(?:azi|astazi)\s+(?:e|este|va fi)\b)"), 0),
    (re.compile(r"\b(?:next week|saptamana viitoare|saptamana urmatoare)\b"), 7),
]
# The end of a period: this month, a named month, next month, this or next week, the year.
_END_OF_MONTH = re.compile(r"\b(?:(?:the\s+)?end\s+of\s+(?:the|this)\s+month|end of month|month-end|"
                           r"(?:sfarsitul|finalul)\s+lunii|final(?:ul)?\s+de\s+luna)\b")
_END_OF_NAMED_MONTH = re.compile(
    rf"\b(?:end\s+of\s+|(?:sfarsitul|finalul)\s+(?:lui|lunii)\s+|(?:la\s+)?(?:sfarsit|final)\s+de\s+)"
    rf"({_MONTH_RX})[a-z]*\b"
)
_END_OF_NEXT_MONTH = re.compile(
    r"\b(?:end\s+of\s+next\s+month|(?:sfarsitul|finalul)\s+lunii\s+(?:viitoare|urmatoare))\b")
_START_OF_NEXT_MONTH = re.compile(
    r"\b(?:(?:beginning|start)\s+of\s+next\s+month|inceputul\s+lunii\s+(?:viitoare|urmatoare))\b")
_END_OF_WEEK = re.compile(
    r"\b(?:end\s+of\s+(?:the|this)\s+week|(?:sfarsitul|finalul)\s+(?:saptamanii|acestei\s+saptamani))\b"
    r"(?!\s+(?:viitoare|urmatoare))")
_END_OF_NEXT_WEEK = re.compile(r"\b(?:end\s+of\s+next\s+week|(?:sfarsitul|finalul)\s+saptamanii\s+(?:viitoare|urmatoare))\b")
_END_OF_YEAR = re.compile(r"\b(?:end\s+of\s+(?:the|this)\s+year|(?:sfarsitul|finalul)\s+anului)\b")
# A day of the month alone: "on the 23rd", "by the 15th", "Friday 18th", "vineri, 18", "pe 18", "pe data de 18".
_DAY_ONLY_EN = re.compile(
    r"\b(?:on|until|till|by|through|before|after|from)?\s*the\s+(\d{1,2})(?:st|nd|rd|th)\b"
    r"(?!\s+(?!(?:is|will|would|as|and|or|at|then|so|when|instead|latest|works|if|because)\b)[a-z])"
)
_DAY_ONLY_RO = re.compile(
    r"\b(?:pe|data\s+de)\s+(\d{1,2})\b(?!\s*[.:/]\d)"
    r"(?=\s*(?:[,.;!?)\n]|$|(?:si|iar|dar|cand|inclusiv|asa|cum|dupa|apoi|cel|ca|deci)\b))"
)
_WEEKDAY_DAY = re.compile(rf"\b({_WEEKDAY_RX})\s*,?\s+(?:the\s+|pe\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\b"
                          r"(?!\s*(?:[.:/]\d|am\b|pm\b|a\.m|p\.m|h\b|ore\b|o'clock))")


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


def _next_day_of_month(day: int, today: dt.date) -> dt.date | None:
    """The next date (on or after ``today``) that falls on this day of the month."""
    for ahead in range(3):
        month, year = (today.month - 1 + ahead) % 12 + 1, today.year + (today.month - 1 + ahead) // 12
        candidate = _safe_date(year, month, day)
        if candidate is not None and candidate >= today:
            return candidate
    return None


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year, month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _weekday_ahead(today: dt.date, weekday: int, which: str | None) -> dt.date:
    """The coming ``weekday`` (never today); "next Friday" is the Friday of next week."""
    if which in ("next", "viitoare", "urmatoare"):
        return today + dt.timedelta(days=7 - today.weekday() + weekday)
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 or 7)


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
    _add_free(out, folded, today)
    out = _attach_weekdays(folded, sorted(out, key=lambda d: d.start))
    taken = [(d.start, d.end) for d in out]
    for m in _PERIOD.finditer(folded):
        number, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        count = int(number) if number.isdigit() else _NUMBER_WORDS[number]
        out.append(DateMention(m.start(), m.end(), today + dt.timedelta(days=count * _UNITS[unit]), False))
    spans = [(d.start, d.end) for d in out]
    for rx, days in _RELATIVE:
        for m in rx.finditer(folded):
            if not any(s < m.end() and m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
                out.append(DateMention(m.start(), m.end(), today + dt.timedelta(days=days), False))

    def add(m: re.Match[str], day: dt.date) -> None:
        if not any(s < m.end() and m.start() < e for s, e in spans):
            spans.append((m.start(), m.end()))
            out.append(DateMention(m.start(), m.end(), day, False))

    next_month = today.month % 12 + 1, today.year + today.month // 12
    for m in _END_OF_NEXT_MONTH.finditer(folded):
        add(m, _month_end(next_month[1], next_month[0]))
    for m in _START_OF_NEXT_MONTH.finditer(folded):
        add(m, dt.date(next_month[1], next_month[0], 1))
    for m in _END_OF_NAMED_MONTH.finditer(folded):
        month = _MONTHS.get(m.group(1))
        if month is not None:
            end = _month_end(today.year, month)
            add(m, _month_end(today.year + 1, month) if (today - end).days > 60 else end)
    for m in _END_OF_MONTH.finditer(folded):
        add(m, _month_end(today.year, today.month))
    for m in _END_OF_NEXT_WEEK.finditer(folded):
        add(m, today + dt.timedelta(days=7 - today.weekday() + 4))
    for m in _END_OF_WEEK.finditer(folded):
        add(m, today + dt.timedelta(days=(4 - today.weekday()) % 7))
    for m in _END_OF_YEAR.finditer(folded):
        add(m, dt.date(today.year, 12, 31))
    for m in _WEEKDAY.finditer(folded):
        at = m.start(2)
        if any(s - 15 <= at <= e for s, e in taken) or m.group(2) == "luni":
            continue  # part of a full date, or "luni" (also "months")
        if _NAMED_DAY_BEFORE.search(folded, 0, at) or _NAMED_DAY_AFTER.match(folded, m.end(2)):
            continue  # "Black Friday", "Vinerea Mare": a named day, not the coming weekday
        which = m.group(1) or m.group(3)
        stop = m.end() if m.group(3) else m.end(2)
        out.append(DateMention(m.start(), stop, _weekday_ahead(today, _WEEKDAYS[m.group(2)], which), False))
    return sorted(out, key=lambda d: d.start)


def _add_free(out: list[DateMention], folded: str, today: dt.date) -> None:
    """A day of the month with no month ("on the 23rd", "pe 18", "Friday 18th"): the next such day."""
    taken = [(d.start, d.end) for d in out]
    for rx in (_WEEKDAY_DAY, _DAY_ONLY_EN, _DAY_ONLY_RO):
        for m in rx.finditer(folded):
            group = m.lastindex or 1
            start = m.start(group)  # a weekday before it is noted by _attach_weekdays
            if any(s <= m.start(group) < e for s, e in taken):
                continue
            day = _next_day_of_month(int(m.group(group)), today)
            if rx is _WEEKDAY_DAY:
                # "Friday the 14th": the next 14th that is a Friday (this or the next two months);
                # with none, the next 14th, and the weekday is not checked against it
                weekday = _WEEKDAYS[m.group(1)]
                candidates = [d for d in (_next_day_of_month(int(m.group(2)), today + dt.timedelta(days=31 * k))
                                          for k in range(3)) if d is not None]
                day = next((d for d in candidates if d.weekday() == weekday), day)
                start = m.start() if day is not None and day.weekday() != weekday else start
            if day is not None:
                taken.append((start, m.end(group)))
                out.append(DateMention(start, m.end(), day, False))


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
