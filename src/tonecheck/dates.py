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
    """The end of a two-week notice, moved off the weekend to the Friday before."""
    end = (today or dt.date.today()) + dt.timedelta(days=days)
    while end.weekday() >= 5:
        end -= dt.timedelta(days=1)
    return end


def fill(template: str, lang: str, today: dt.date | None = None) -> str:
    """Fill the placeholders rule files may use in inserted text: {end_date}."""
    if "{end_date}" not in template:
        return template
    return template.replace("{end_date}", format_date(notice_end(today), lang))
