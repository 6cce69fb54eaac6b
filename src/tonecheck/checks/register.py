"""Mixed register: a Romanian draft that addresses the client both as "dumneavoastră"
and as "tu". The fix moves the minority forms toward the dominant one.

The forms of address come from ``address:`` in the language file (pronouns and the common
second-person verbs), matched with or without diacritics. Three cases need the context:

* "va" written without diacritics is "vă" only before an inflected verb ("va multumesc",
  "va trimit", "va descurcati"), not the future "va fi", "va avea";
* "tine" is the pronoun only after a preposition ("pentru tine"), not "ține";
* an imperative with a clitic is informal ("spune-mi", "lasă-mă", "scrie-mi") or formal
  ("spuneți-mi", "lăsați-mă"); these get no automatic fix.
"""

from __future__ import annotations

from ..analysis import Analysis, SentenceInfo
from ..config import Config
from ..i18n import t
from ..nlp import Token
from ..normalize import fold
from ..report import Edit, Finding, Severity, Suggestion
from ..rules.compiled import LanguageProfile
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
        found: dict[str, list[tuple[int, int, str | None]]] = {"formal": [], "informal": []}
        for info in analysis.sentences:
            profile = analysis.profiles.get(info.lang)
            if profile is None or not profile.address:
                continue
            for i, tok in enumerate(info.tokens):
                hit = _address(info, i, profile)
                if hit is not None:
                    found[hit[0]].append((tok.start, tok.end, hit[1]))
        if _informal_greeting(analysis):
            # "Salut, Teo! … Să vă meargă bine cursurile": after a first-name greeting the
            # second person plural is the team (plural), not "dumneavoastră".
            found["formal"] = [f for f in found["formal"] if fold(analysis.doc.text[f[0] : f[1]].lower()) in _UNAMBIGUOUS]
        if not found["formal"] or not found["informal"]:
            return []
        dominant = "formal" if len(found["formal"]) >= len(found["informal"]) else "informal"
        minority = "informal" if dominant == "formal" else "formal"
        out = []
        for start, end, swap in found[minority]:
            word = analysis.doc.text[start:end]
            suggestions: tuple[Suggestion, ...] = ()
            if swap is not None:
                fixed = swap[:1].upper() + swap[1:] if word[:1].isupper() else swap
                suggestions = (Suggestion(t("replace", "ro", text=fixed), (Edit(start, end, fixed),)),)
            out.append(Finding(
                rule=self.info.id, severity=self.info.severity,
                message=self.info.message.format(match=word, other=self._NAMES[minority], dominant=self._NAMES[dominant]),
                start=start, end=end, confidence=0.8, source="rule", why=self.info.why, suggestions=suggestions,
            ))
        return out


_PREPOSITIONS = frozenset({"pentru", "de", "cu", "la", "pe", "despre", "fara", "decat", "ca", "catre", "langa", "spre",
                           "dupa", "si", "doar", "numai", "intre"})
_CLITICS = frozenset({"-mi", "-ma", "-ne", "-l", "-o", "-i", "-le", "-ni"})
# Words that a hyphenated clitic may follow without being an imperative ("să-mi", "nu-mi").
_NOT_VERBS = frozenset({"sa", "ca", "si", "nu", "ce", "de", "la", "pe", "care", "daca", "cand", "cum", "unde", "tot",
                        "mai", "dar", "iar", "ori", "cu", "in", "din", "intr", "dintr", "printr", "numai", "doar"})
_BEFORE_IMPERATIVE = frozenset({"si", "dar", "deci", "doar", "atunci", "apoi", "iar", "rog", "acum", "te", "va", "vă",
                                "mai", "ori", "sau", "deocamdata", "asa", "totusi"})
_POSSESSIVES = frozenset({"mei", "tai", "sai", "nostri", "vostri", "lor"})


_UNAMBIGUOUS = frozenset({"dumneavoastra", "dumneavoastre", "dvs", "dvs.", "d-voastra", "dumitale"})
_INFORMAL_GREETINGS = frozenset({"salut", "salutare", "buna", "hei", "hey", "hello", "hi", "neata", "ciao", "draga",
                                 "dragule", "dragi", "dragii", "servus"})
_TITLES = frozenset({"domnule", "doamna", "domnul", "domnisoara", "stimate", "stimata", "stimati", "dl", "dna", "dlui",
                     "ziua", "seara", "dimineata", "profesor", "doctor", "director"})


def _informal_greeting(analysis: Analysis) -> bool:
    """The draft opens with a first-name greeting ("Salut, Teo!", "Bună Ema"), no title."""
    if not analysis.sentences:
        return False
    head = [tok.fold for tok in analysis.sentences[0].tokens[:4]]
    return bool(head) and head[0] in _INFORMAL_GREETINGS and not _TITLES & set(head)


def _address(info: SentenceInfo, i: int, profile: LanguageProfile) -> tuple[str, str | None] | None:
    """The register token ``i`` addresses the reader in, and its other-register form."""
    tokens = info.tokens
    tok = tokens[i]
    word = tok.text.lower()
    nxt: Token | None = tokens[i + 1] if i + 1 < len(tokens) else None
    prev: Token | None = tokens[i - 1] if i else None
    if word == "va":  # "vă" without diacritics, or the future "va fi"
        return ("formal", "te") if _pronoun_va(tokens, i) else None
    if tok.fold == "tine":  # "pentru tine", not "ține"
        return ("informal", "dumneavoastra" if word == "tine" else "dumneavoastră") \
            if prev is not None and prev.fold in _PREPOSITIONS else None
    if tok.fold == "ai" and nxt is not None and nxt.fold in _POSSESSIVES:
        return None  # "ai mei": the article, not "you have"
    for reg, words in profile.address.items():
        swap = words.get(word)
        if swap is not None:
            return reg, swap
    folded = profile.address_by_fold.get(tok.fold)
    if folded is not None:
        return folded
    if nxt is not None and nxt.fold in _CLITICS and nxt.start == tok.end and tok.fold.isalpha() \
            and tok.fold not in _NOT_VERBS and not tok.fold.endswith("ndu") \
            and (prev is None or not prev.fold.isalpha() or prev.fold in _BEFORE_IMPERATIVE):
        # "Spune-mi", "…, scrie-mi", "te rog, sună-mă" / "spuneți-mi"; not "ați avut-o", "aș repeta-o"
        return ("formal" if tok.fold.endswith("ti") else "informal"), None
    return None


def _pronoun_va(tokens: list[Token], i: int) -> bool:
    """"va" as "vă": the next verb (after "mai", "tot", "și") is inflected or in the 2nd
    person plural; the future "va" takes the infinitive ("va fi", "va trimite")."""
    for tok in tokens[i + 1 : i + 4]:
        if tok.fold in ("mai", "tot", "si", "cam", "deja"):
            continue
        if not tok.fold.isalpha():
            return False
        return tok.fold.endswith("ti") or tok.fold != tok.lemma
    return False
