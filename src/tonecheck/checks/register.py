"""Mixed register: a Romanian draft that addresses the client both as "dumneavoastră"
and as "tu". The fix moves the minority forms toward the dominant one."""

from __future__ import annotations

from ..analysis import Analysis
from ..config import Config
from ..i18n import t
from ..report import Edit, Finding, Severity, Suggestion
from ..rules.loader import RuleSet
from .base import CheckContext, CheckInfo, register


@register("mixed-register")
class MixedRegister:
    """Formal and informal address mixed in one message."""

    name = "mixed-register"
    info = CheckInfo(
        id="mixed-register", title="Formal and informal address mixed", severity=Severity.WARNING,
        why=("A professional message keeps one form of address. Switching between „dumneavoastră” and "
             "„tu” in the same farewell reads as careless, or as cold where it meant to be warm."),
        langs=("ro",),
        message="„{match}” se adresează cu {other}, dar restul mesajului folosește {dominant}; păstrați o singură formă.",
        flag_examples=("Bună ziua, vă mulțumesc pentru colaborare. Îți trimit fișierele mâine.",),
        pass_examples=("Bună ziua, vă mulțumesc pentru colaborare. Vă trimit fișierele mâine.",),
    )
    _NAMES = {"formal": "„dumneavoastră”", "informal": "„tu”"}

    def __init__(self, config: Config, rules: RuleSet) -> None:
        pass

    def infos(self) -> list[CheckInfo]:
        return [self.info]

    def run(self, analysis: Analysis, ctx: CheckContext) -> list[Finding]:
        found: dict[str, list[tuple[int, int, str]]] = {"formal": [], "informal": []}
        for info in analysis.sentences:
            address = analysis.profiles[info.lang].address if info.lang in analysis.profiles else {}
            for reg, words in address.items():
                for tok in info.tokens:
                    swap = words.get(tok.text.lower())
                    if swap is not None:
                        found[reg].append((tok.start, tok.end, swap))
        if not found["formal"] or not found["informal"]:
            return []
        dominant = "formal" if len(found["formal"]) >= len(found["informal"]) else "informal"
        minority = "informal" if dominant == "formal" else "formal"
        out = []
        for start, end, swap in found[minority]:
            word = analysis.doc.text[start:end]
            fixed = swap[:1].upper() + swap[1:] if word[:1].isupper() else swap
            out.append(Finding(
                rule=self.info.id, severity=self.info.severity,
                message=self.info.message.format(match=word, other=self._NAMES[minority], dominant=self._NAMES[dominant]),
                start=start, end=end, confidence=0.8, source="rule", why=self.info.why,
                suggestions=(Suggestion(t("replace", "ro", text=fixed), (Edit(start, end, fixed),)),),
            ))
        return out
