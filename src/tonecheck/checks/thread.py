"""Thread mode: the draft as a reply. Taking back a decision already announced earlier in
the conversation is the wavering the article warns about most.

A retraction cue (``retract:`` in the language file) counts unless it is negated ("I can't
stay longer", "nu pot să mai rămân"), the sentence restates the plan ("as planned", "cum am
stabilit"), it looks to a someday future ("maybe we'll work together again in the future"),
or it only restates the end already announced: "I'll stay until 15 December" when the
earlier message named 15 December (dates of the earlier messages are resolved against the
reply's send date)."""

from __future__ import annotations

import datetime as dt
import re

from ..analysis import Analysis, SentenceInfo
from ..config import Config
from ..dates import find_dates
from ..document import Document
from ..i18n import t
from ..nlp import analyzer
from ..report import Edit, Finding, Severity, Suggestion
from ..rules.loader import RuleSet
from .base import CheckContext, CheckInfo, register

_MESSAGE = {
    "ro": "„{match}” retrage decizia anunțată mai devreme („{decision}”); rămâneți la ea, cu amabilitate.",
    "en": "“{match}” takes back the decision you announced earlier (“{decision}”); stay with it, kindly.",
}
_RESTATE = {
    "en": re.compile(r"\b(?:as (?:planned|agreed|announced|discussed|mentioned|scheduled|promised|i said|i mentioned|"
                     r"we agreed|we discussed|i wrote)|like i said)\b"),
    "ro": re.compile(r"\b(?:(?:asa )?cum (?:am|ne-am|v-am|ti-am|va-am) (?:anuntat|stabilit|spus|zis|convenit|discutat|"
                     r"mentionat|promis|scris)|conform (?:planului|intelegerii|anuntului))\b"),
}
_SOMEDAY = {
    "en": re.compile(r"\b(?:in the future|someday|some day|one day|down the road|again sometime|another time)\b"),
    "ro": re.compile(r"\b(?:pe viitor|in viitor|candva|alta data|intr-o zi|pe alta data)\b"),
}
_FIRM = {
    "ro": "Înțeleg că vă este greu, dar decizia mea rămâne cea anunțată; vă ajut cu plăcere ca tranziția să fie ușoară.",
    "en": "I understand this is hard, but my decision stands; I'm glad to help make the transition smooth.",
}


@register("thread")
class Thread:
    name = "thread"

    def __init__(self, config: Config, rules: RuleSet) -> None:
        self.rules = rules

    def infos(self) -> list[CheckInfo]:
        return []  # reports under guilt-wavering

    def run(self, analysis: Analysis, ctx: CheckContext) -> list[Finding]:
        found = self._decision(ctx.thread, analysis, ctx.today)
        if found is None:
            return []
        decision, announced = found
        lang = analysis.lang
        out = []
        for info in analysis.body:
            profile = analysis.profiles.get(info.lang)
            if profile is None or profile.retract is None:
                continue
            hits = [h for h in profile.retract.find(info.tokens, info.folded, info.start, info.text)
                    if not analysis.is_negated(info, h.start)]
            if not hits or self._restates(info, announced, ctx.today):
                continue
            match = analysis.doc.text[hits[0].start : hits[-1].end]
            firm = _FIRM[lang]
            out.append(Finding(
                rule="guilt-wavering", severity=Severity.WARNING,
                message=_MESSAGE[lang].format(match=match, decision=decision), start=info.start, end=info.end,
                confidence=0.85, source="thread", why="The article: don't change your mind out of guilt when the client "
                "asks you to stay; that circle helps no one and you lose control of the situation.",
                suggestions=(Suggestion(t("rephrase", lang, text=firm), (Edit(info.start, info.end, firm),)),),
            ))
        return out

    @staticmethod
    def _restates(info: SentenceInfo, announced: dt.date | None, today: dt.date) -> bool:
        """The sentence keeps to the plan: says so, looks to a someday future, or names no
        end later than the one announced ("I'll stay until the 15th", as announced)."""
        lang = info.lang if info.lang in _RESTATE else "en"
        if _RESTATE[lang].search(info.folded) or _SOMEDAY[lang].search(info.folded):
            return True
        days = [d.day for d in find_dates(info.text, today)]
        return bool(days) and announced is not None and max(days) <= announced

    def _decision(self, thread: tuple[str, ...], analysis: Analysis,
                  today: dt.date) -> tuple[str, dt.date | None] | None:
        """The latest sentence in the earlier messages that announced the end, and the
        latest end date those announcing messages name (None if they name none)."""
        found = None
        announced: dt.date | None = None
        lang = analysis.lang
        profile = analysis.profiles.get(lang)
        if profile is None or profile.decision is None:
            return None
        tok = analyzer(lang)
        for message in thread:
            doc = Document.from_text(message)
            sentences = [(s, tok.tokenize(s.text, s.start)) for s in doc.sentences]
            decided = False
            for sentence, tokens in sentences:
                if profile.decision.find(tokens, doc.folded[sentence.start : sentence.end], sentence.start, sentence.text):
                    found, decided = sentence.text, True
            if not decided:
                continue
            for sentence, tokens in sentences:
                folded = doc.folded[sentence.start : sentence.end]
                if not ((profile.end_cues and profile.end_cues.find(tokens, folded, sentence.start, sentence.text))
                        or profile.decision.find(tokens, folded, sentence.start, sentence.text)):
                    continue
                for d in find_dates(sentence.text, today):
                    announced = d.day if announced is None else max(announced, d.day)
        return None if found is None else (found, announced)
