"""Thread mode: the draft as a reply. Taking back a decision already announced earlier in
the conversation is the wavering the article warns about most."""

from __future__ import annotations

from ..analysis import Analysis
from ..config import Config
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
        decision = self._decision(ctx.thread, analysis)
        if decision is None:
            return []
        lang = analysis.lang
        out = []
        for info in analysis.body:
            profile = analysis.profiles.get(info.lang)
            if profile is None or profile.retract is None:
                continue
            hits = profile.retract.find(info.tokens, info.folded, info.start, info.text)
            if not hits:
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

    def _decision(self, thread: tuple[str, ...], analysis: Analysis) -> str | None:
        """The latest sentence in the earlier messages that announced the end."""
        found = None
        for message in thread:
            doc = Document.from_text(message)
            for sentence in doc.sentences:
                lang = analysis.lang
                profile = analysis.profiles.get(lang)
                if profile is None or profile.decision is None:
                    continue
                tokens = analyzer(lang).tokenize(sentence.text, sentence.start)
                if profile.decision.find(tokens, doc.folded[sentence.start : sentence.end], sentence.start, sentence.text):
                    found = sentence.text
        return found
