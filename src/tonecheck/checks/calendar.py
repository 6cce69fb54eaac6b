"""The calendar: end dates resolved against the send date.

`short-notice`: the end date is under two weeks away and the draft does not promise to
finish the current work first. `past-date`: the end date has already passed.
`weekday-mismatch`: "Friday, 11 December" where 11 December is no Friday.
"""

from __future__ import annotations

import dataclasses
import re

from ..analysis import Analysis, SentenceInfo
from ..config import Config
from ..dates import NOTICE_DAYS, DateMention, find_dates, format_date, notice_end
from ..report import Edit, Finding, Severity, Suggestion
from ..rules.compiled import LanguageProfile
from ..rules.loader import RuleSet
from .base import CheckContext, CheckInfo, register

_WEEKDAY_NAMES = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "ro": ("luni", "marți", "miercuri", "joi", "vineri", "sâmbătă", "duminică"),
}
# End cues that also introduce any deadline ("I'll answer until Friday", "vă răspund până vineri").
_WEAK_CUES = frozenset({"until", "till", "through", "from", "after", "as of", "pana", "pana la", "pana pe", "de la", "din"})
# Replying, talking, calling: a deadline for these is no end date.
_TALK = frozenset({"reply", "answer", "respond", "talk", "call", "discuss", "chat", "speak", "meet", "raspunde", "vorbi",
                   "discuta", "suna", "auzi", "intalni", "reveni", "confirma", "confirm"})
# Finishing these is the end itself, not the current work finished first.
_RELATIONSHIP = frozenset({"colaborare", "cooperare", "contract", "parteneriat", "relatie", "abonament", "retainer",
                           "collaboration", "cooperation", "partnership", "engagement", "arrangement",
                           "relationship", "subscription"})
_MESSAGES = {
    "short-notice": {
        "ro": "„{match}” lasă doar {days} până la încheiere; articolul recomandă cam două săptămâni, "
              "sau finalizarea lucrului în curs.",
        "en": "“{match}” leaves only {days} notice; the article suggests about two weeks, "
              "or finishing the current work first.",
    },
    "past-date": {
        "ro": "„{match}” ({date}) este deja în trecut față de data trimiterii ({today}).",
        "en": "“{match}” ({date}) is already past on the send date ({today}).",
    },
    "weekday-mismatch": {
        "ro": "„{match}”: {date} este {actual}, nu {written}.",
        "en": "“{match}”: {date} is a {actual}, not a {written}.",
    },
}
_DAYS = {  # the notice, counted in words that agree with the number
    "ro": {0: "mai puțin de o zi", 1: "o zi"},
    "en": {0: "less than a day's", 1: "one day's"},
}
_DAYS_MANY = {"ro": "{n} zile", "en": "{n} days'"}
# A date phrase replaced by a date needs "on"/"pe" unless a preposition already leads it
# ("by Friday" -> "by 4 December"; "I'm leaving tomorrow" -> "I'm leaving on 4 December").
_LEADS = {
    "en": re.compile(r"\b(?:on|by|until|till|before|from|after|as of|through|starting|effective)\s*$"),
    "ro": re.compile(r"\b(?:pe|pana la|pana pe|la|de|din|de la|inainte de|dupa|incepand cu|incepand de|"
                     r"cel tarziu|cu)\s*$"),  # a bare "până" takes "pe": "până pe 17 februarie"
}
_PREPOSITION = {"en": "on", "ro": "pe"}
# Words before a date phrase that the new preposition replaces: "at the end" -> "on 4 December"
# (Romanian keeps its "la": "la 4 decembrie" reads right).
_DROPPED = {"en": re.compile(r"\b(?:at\s+the|at|the)\s+$")}
_RELATIVE_START = {"en": re.compile(r"^(?:in|within)\b"), "ro": re.compile(r"^(?:in|peste|timp de)\b")}

_INFOS = [
    CheckInfo("short-notice", "Notice shorter than two weeks", Severity.WARNING,
              "The article: give the client a reasonable deadline to replace you, about two weeks for a long-term "
              "project; for small recurring orders, finish and deliver the current one.", ("ro", "en"),
              _MESSAGES["short-notice"]["en"], ("My last day is tomorrow.",), ("My last day is in three weeks.",)),
    CheckInfo("past-date", "End date in the past", Severity.WARNING,
              "An end date that has already passed confuses the client about when you actually stop.", ("ro", "en"),
              _MESSAGES["past-date"]["en"], ("My last day was 2 January 2020.",), ("My last day will be 2 January 2099.",)),
    CheckInfo("weekday-mismatch", "Weekday does not match the date", Severity.WARNING,
              "A weekday that does not match its date leaves the client unsure which day you mean.", ("ro", "en"),
              _MESSAGES["weekday-mismatch"]["en"], ("My last day is Monday, 1 January 2099.",),
              ("My last day is Thursday, 1 January 2099.",)),
]


@register("calendar")
class Calendar:
    name = "calendar"

    def __init__(self, config: Config, rules: RuleSet) -> None:
        pass

    def infos(self) -> list[CheckInfo]:
        return list(_INFOS)

    def run(self, analysis: Analysis, ctx: CheckContext) -> list[Finding]:
        lang, today = analysis.lang, ctx.today
        out: list[Finding] = []
        ends = []
        finishing = False
        for info in analysis.sentences:
            profile = analysis.profiles.get(info.lang)
            if profile is None:
                continue
            if profile.finishing and any(
                    not any(h.start <= tok.start < h.end and tok.lemma in _RELATIONSHIP for tok in info.tokens)
                    for h in profile.finishing.find(info.tokens, info.folded, info.start, info.text)):
                finishing = True  # "termin colaborarea" / "finish our collaboration" is the end, not work finished
            is_end = self._is_end(info, profile)
            for d in find_dates(info.text, today):
                d = dataclasses.replace(d, start=d.start + info.start, end=d.end + info.start,
                                        weekday_start=None if d.weekday_start is None else d.weekday_start + info.start)
                if d.weekday is not None and d.weekday != d.day.weekday():
                    out.append(self._weekday(analysis, d, info.lang))
                if is_end:
                    ends.append(d)
        if not ends:
            return out
        last = max(ends, key=lambda d: d.day)
        match = analysis.doc.text[last.start : last.end]
        days = (last.day - today).days
        if days < 0 and (last.explicit_year or days > -60):
            out.append(self._finding("past-date", lang, last, match, date=format_date(last.day, lang),
                                     today=format_date(today, lang)))
        elif 0 <= days < NOTICE_DAYS and not finishing:
            start, new = self._as_date_phrase(analysis, last, format_date(notice_end(today), lang), lang)
            out.append(self._finding("short-notice", lang, last, match,
                                     days=_DAYS[lang].get(days) or _DAYS_MANY[lang].format(n=days),
                                     suggestion=Suggestion(self._replace(lang, new), (Edit(start, last.end, new),))))
        return out

    @staticmethod
    def _as_date_phrase(analysis: Analysis, mention: DateMention, date: str, lang: str) -> tuple[int, str]:
        """Where the replacement starts and its words, so that ``date`` reads right in place
        of ``mention``: "in two weeks" -> "on 4 December", "at the end of the month" -> "on 4
        December" (the "at the" goes), "by Friday" -> "by 4 December" (kept)."""
        folded = analysis.doc.folded
        before = folded[max(0, mention.start - 20) : mention.start]
        own = folded[mention.start : mention.end]
        if _LEADS[lang].search(before) and not _RELATIVE_START[lang].match(own):
            return mention.start, date
        dropped = _DROPPED[lang].search(before) if lang in _DROPPED else None
        start = mention.start - len(dropped.group(0)) if dropped else mention.start
        phrase = f"{_PREPOSITION[lang]} {date}"
        if analysis.doc.text[start : start + 1].isupper():
            phrase = phrase[:1].upper() + phrase[1:]
        return start, phrase

    @staticmethod
    def _is_end(info: SentenceInfo, profile: LanguageProfile) -> bool:
        """Does a date in this sentence say when the work ends? An end cue says so, but a
        weak one ("until", "through", "până", "de la") not in a question or next to a reply
        or a call: "Can we talk it through on Thursday?", "vă răspund până vineri"."""
        if not profile.end_cues:
            return False
        hits = profile.end_cues.find(info.tokens, info.folded, info.start, info.text)
        if not hits:
            return False
        if any(" ".join(info.folded[h.start - info.start : h.end - info.start].split()) not in _WEAK_CUES for h in hits):
            return True
        return not (info.text.rstrip().endswith("?") or any(tok.lemma in _TALK for tok in info.tokens))

    def _weekday(self, analysis: Analysis, d: DateMention, lang: str) -> Finding:
        assert d.weekday_start is not None and d.weekday is not None
        names = _WEEKDAY_NAMES[lang]
        start = d.weekday_start
        written = analysis.doc.text[start:].split(maxsplit=1)[0].rstrip(",")
        end = start + len(written)
        actual = names[d.day.weekday()]
        fixed = actual[:1].upper() + actual[1:] if written[:1].isupper() else actual
        return self._finding("weekday-mismatch", lang, d, analysis.doc.text[start : d.end], span=(start, end),
                             date=format_date(d.day, lang), actual=actual, written=names[d.weekday],
                             suggestion=Suggestion(self._replace(lang, fixed), (Edit(start, end, fixed),)))

    @staticmethod
    def _replace(lang: str, text: str) -> str:
        from ..i18n import t

        return t("replace", lang, text=text)

    def _finding(self, rule: str, lang: str, d: DateMention, match: str, span: tuple[int, int] | None = None,
                 suggestion: Suggestion | None = None, **values: object) -> Finding:
        info = next(i for i in _INFOS if i.id == rule)
        start, end = span or (d.start, d.end)
        return Finding(rule=rule, severity=info.severity, message=_MESSAGES[rule][lang].format(match=match, **values),
                       start=start, end=end, confidence=0.8, source="rule", why=info.why,
                       suggestions=(suggestion,) if suggestion else ())
