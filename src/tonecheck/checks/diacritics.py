"""Romanian diacritics: cedilla letters (ş ţ) and words written without diacritics."""

from __future__ import annotations

import re

from ..analysis import Analysis
from ..config import Config
from ..i18n import t
from ..nlp import analyzer
from ..normalize import CEDILLA_TO_COMMA, comma_below, has_romanian_diacritics
from ..report import Edit, Finding, Severity, Suggestion
from ..rules.loader import RuleSet
from .base import CheckContext, CheckInfo, register

_CEDILLA_WORD = re.compile(r"\w*[şţŞŢ]\w*")
# A word without diacritics is flagged when it is no Romanian word as written
# ("multumesc"), or when its diacritized spelling dominates this much ("si" -> "și");
# ambiguous pairs such as "va"/"vă" and "ca"/"că" stay quiet.
MIN_SHARE_OF_REAL_WORD = 0.85
# Everyday words that are correct both ways, where only the sentence can tell.
AMBIGUOUS = frozenset({"ca", "sa", "va", "fata", "casa", "masa", "mana", "tara", "tata", "mama", "rau", "ti"})
# A draft typed without diacritics on purpose gets one finding with a fix for the whole
# message, not one per word: a wall of identical infos hides the findings that matter.
WHOLE_MESSAGE_MIN_WORDS = 4
WHOLE_MESSAGE_MAX_DIACRITIC_SHARE = 0.1
WHOLE_MESSAGE = ("Mesajul e scris fără diacritice ({count} cuvinte, de exemplu „{match}” → „{fixed}”); "
                 "cu diacritice se citește mai îngrijit.")


@register("cedilla-diacritics")
class CedillaDiacritics:
    """ş ţ Ş Ţ (cedilla) instead of ș ț Ș Ț (comma below)."""

    name = "cedilla-diacritics"
    info = CheckInfo(
        id="cedilla-diacritics", title="Cedilla instead of comma-below", severity=Severity.WARNING,
        why=("Romanian is written with ș and ț (comma below). The cedilla forms ş and ţ come from old "
             "encodings; they look careless, break search and spell-checking, and some fonts show them "
             "wrongly."),
        langs=("ro",), message="„{match}” folosește ş/ţ cu sedilă; în română se scrie cu virgulă: „{fixed}”.",
        flag_examples=("Vă mulţumesc pentru colaborare.",), pass_examples=("Vă mulțumesc pentru colaborare.",),
    )

    def __init__(self, config: Config, rules: RuleSet) -> None:
        pass

    def infos(self) -> list[CheckInfo]:
        return [self.info]

    def run(self, analysis: Analysis, ctx: CheckContext) -> list[Finding]:
        text = analysis.doc.text
        if not any(c in CEDILLA_TO_COMMA for c in text):
            return []
        out = []
        for m in _CEDILLA_WORD.finditer(text):
            fixed = comma_below(m.group())
            out.append(Finding(
                rule=self.info.id, severity=self.info.severity,
                message=self.info.message.format(match=m.group(), fixed=fixed),
                start=m.start(), end=m.end(), confidence=1.0, source="rule", why=self.info.why,
                suggestions=(Suggestion(t("replace", "ro", text=fixed), (Edit(m.start(), m.end(), fixed),)),),
            ))
        return out


@register("missing-diacritics")
class MissingDiacritics:
    """Romanian words written without their diacritics ("multumesc" for "mulțumesc")."""

    name = "missing-diacritics"
    info = CheckInfo(
        id="missing-diacritics", title="Romanian words without diacritics", severity=Severity.INFO,
        why=("A farewell message is the last impression you leave. Romanian without diacritics reads as "
             "hurried, and some words change meaning without them."),
        langs=("ro",), message="„{match}” se scrie cu diacritice: „{fixed}”.",
        flag_examples=("Va multumesc pentru colaborare.",), pass_examples=("Vă mulțumesc pentru colaborare.",),
    )

    def __init__(self, config: Config, rules: RuleSet) -> None:
        pass

    def infos(self) -> list[CheckInfo]:
        return [self.info]

    def run(self, analysis: Analysis, ctx: CheckContext) -> list[Finding]:
        out = []
        ro = None
        for info in analysis.sentences:
            if info.lang != "ro":
                continue
            ro = ro or analyzer("ro")
            for tok in info.tokens:
                if not tok.is_word or has_romanian_diacritics(tok.text) or not tok.text.isalpha():
                    continue
                restored = ro.restore(tok.fold)
                if restored is None or tok.fold != tok.text.lower() or tok.fold in AMBIGUOUS:
                    continue
                if ro.is_known_form(tok.fold) and restored[1] < MIN_SHARE_OF_REAL_WORD:
                    continue
                fixed = _same_case(tok.text, restored[0])
                out.append(Finding(
                    rule=self.info.id, severity=self.info.severity,
                    message=self.info.message.format(match=tok.text, fixed=fixed),
                    start=tok.start, end=tok.end, confidence=restored[1], source="rule", why=self.info.why,
                    suggestions=(Suggestion(t("replace", "ro", text=fixed), (Edit(tok.start, tok.end, fixed),)),),
                ))
        with_diacritics = sum(has_romanian_diacritics(tok.text) for info in analysis.sentences
                              if info.lang == "ro" for tok in info.tokens)
        if len(out) >= WHOLE_MESSAGE_MIN_WORDS and \
                with_diacritics <= WHOLE_MESSAGE_MAX_DIACRITIC_SHARE * (with_diacritics + len(out)):
            return [self._whole_message(analysis.doc.text, out)]
        return out

    def _whole_message(self, text: str, words: list[Finding]) -> Finding:
        first = words[0]
        edits = tuple(e for f in words for e in f.suggestions[0].edits)
        return Finding(
            rule=self.info.id, severity=self.info.severity, start=first.start, end=first.end,
            message=WHOLE_MESSAGE.format(count=len(words), match=text[first.start:first.end], fixed=edits[0].text),
            confidence=min(f.confidence for f in words), source="rule", why=self.info.why,
            suggestions=(Suggestion(f"Adăugați diacriticele în tot mesajul ({len(words)} cuvinte)", edits),),
        )


def _same_case(original: str, word: str) -> str:
    if original.isupper() and len(original) > 1:
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
