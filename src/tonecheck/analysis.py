"""A document analysed for checking: language, tokens per sentence, structure, register."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .document import Document, Sentence
from .lang import detect, detect_sentence
from .nlp import Token, analyzer
from .rules.compiled import LanguageProfile, Matcher

# One to three capitalised words (initials allowed), maybe after a dash, maybe with a title
# after a comma: a signature line ("Ana", "— Ana P.", "Mihaela Pop, traducător autorizat",
# "Diane Mercer, CPA", "Nistor & Asociaţii", "arh.").
_NAME_WORD = r"(?:[A-ZĂÂÎȘȚŞŢ](?:[\w'’-]+|\.)?|&)"  # "Ana", "Popescu-Dan", an initial "P."
_NAME_LINE = re.compile(
    rf"[-–—~]*\s*{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}}(?:\s*,\s*[\w&'’.()/ -]{{1,40}})?\s*,?|[a-z]{{2,4}}\.")
_SIGNATURE_LINES = 3  # at most this many name/title/firm lines close a message

# A reply's quoted part: "> ..." lines, and everything after "On ... wrote:" /
# "În ... a scris:" or an "Original Message" separator.
_QUOTE_LINE = re.compile(r"^\s*>")
_QUOTE_HEADER = re.compile(
    r"(?im)^\s*(?:On\b.{0,200}\bwrote:|(?:În|In|Pe)\b.{0,200}\ba\s+scris:|-{2,}\s*(?:Original Message|Mesaj original|"
    r"Forwarded message|Mesaj redirecționat)\s*-{2,}|From:\s.+\n\s*Sent:)"
)


# Words in quotation marks, on one line and short: the client's own words quoted back
# („luni vă dau”, "we'll pay next week"), not the sender's. Straight double quotes pair up
# in order; single quotes are left out, they are also apostrophes.
_QUOTED = re.compile(r'"[^"\n]{1,80}"|„[^„“”"\n]{1,80}[“”"]|“[^“”"\n]{1,80}[”"]|«[^«»\n]{1,80}»')


def quoted_from(text: str) -> int:
    """Where the quoted earlier conversation starts in a reply (len(text) if nowhere)."""
    m = _QUOTE_HEADER.search(text)
    return m.start() if m else len(text)


@dataclass
class SentenceInfo:
    sentence: Sentence
    lang: str
    tokens: list[Token]
    folded: str

    @property
    def start(self) -> int:
        return self.sentence.start

    @property
    def end(self) -> int:
        return self.sentence.end

    @property
    def text(self) -> str:
        return self.sentence.text

    @cached_property
    def quoted(self) -> list[tuple[int, int]]:
        """Document offsets of the quoted words in this sentence (see ``_QUOTED``)."""
        return [(self.start + m.start(), self.start + m.end()) for m in _QUOTED.finditer(self.text)]

    def in_quotes(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.quoted)


@dataclass
class Analysis:
    doc: Document
    lang: str
    sentences: list[SentenceInfo]
    profiles: dict[str, LanguageProfile] = field(repr=False)

    @classmethod
    def build(cls, doc: Document, lang: str, profiles: dict[str, LanguageProfile]) -> Analysis:
        quoted = quoted_from(doc.text)
        if lang == "auto":
            own = "\n".join(line for line in doc.text[:quoted].splitlines() if not _QUOTE_LINE.match(line))
            lang = detect(own if own.strip() else doc.text)[0]
        infos = []
        for s in doc.sentences:
            if s.start >= quoted or _QUOTE_LINE.match(doc.text[doc.text.rfind("\n", 0, s.start) + 1 : s.end]):
                continue  # earlier messages quoted in a reply (any sentence of a "> " line) are not the user's own words
            s_lang = detect_sentence(s.text, lang) if len(profiles) > 1 else lang
            if s_lang not in profiles:
                s_lang = lang
            tokens = analyzer(s_lang).tokenize(s.text, s.start)
            infos.append(SentenceInfo(s, s_lang, tokens, doc.folded[s.start : s.end]))
        return cls(doc, lang, infos, profiles)

    @property
    def profile(self) -> LanguageProfile:
        return self.profiles[self.lang]

    def _matches(self, info: SentenceInfo, pick: str) -> bool:
        profile = self.profiles.get(info.lang)
        if profile is None:
            return False
        matcher: Matcher = getattr(profile, pick)
        return bool(matcher.find(info.tokens, info.folded, info.start))

    @cached_property
    def greeting(self) -> SentenceInfo | None:
        """The opening salutation ("Bună ziua, Andrei," / "Hi Sam,"), if the draft has one."""
        if self.sentences and len(self.sentences[0].tokens) <= 8 and self._starts_with(self.sentences[0], "greeting"):
            return self.sentences[0]
        return None

    @cached_property
    def signoff(self) -> SentenceInfo | None:
        """The closing formula ("Cu stimă," / "Best regards,"), searched in the last lines."""
        for info in reversed(self.sentences[-(3 + self._signature_lines):]):
            if info is self.greeting:
                break
            if len(info.tokens) <= 6 and self._starts_with(info, "signoff"):
                return info
        return None

    def _starts_with(self, info: SentenceInfo, pick: str) -> bool:
        profile = self.profiles.get(info.lang)
        if profile is None:
            return False
        matcher: Matcher = getattr(profile, pick)
        hits = matcher.find(info.tokens, info.folded, info.start)
        return any(h.start == info.start for h in hits)

    @cached_property
    def body(self) -> list[SentenceInfo]:
        """Sentences between the greeting and the sign-off (and the name after it). A
        message that ends on a bare name line ("Marta", "— Ana P.") loses that line too:
        a name says nothing about tone, yet the model may read it as anything."""
        out = list(self.sentences)
        if self.greeting is not None:
            out = out[1:]
        if self.signoff is not None:
            out = [s for s in out if s.start < self.signoff.start]
        else:
            out = out[: len(out) - min(self._signature_lines, len(out) - 1)]
        return out

    @cached_property
    def _signature_lines(self) -> int:
        """How many lines at the very end are a signature block: names, a title, a firm."""
        n = 0
        for info in reversed(self.sentences[-_SIGNATURE_LINES:]):
            if info is self.greeting or not self._is_name_line(info):
                break
            n += 1
        return n

    def _is_name_line(self, info: SentenceInfo) -> bool:
        text = self.doc.text
        on_own_line = text[: info.start].rstrip(" \t").endswith("\n") and text[info.end :].lstrip(" \t")[:1] in ("\n", "")
        return on_own_line and bool(_NAME_LINE.fullmatch(info.text.strip()))

    @cached_property
    def register(self) -> str:
        """'formal', 'informal' or 'neutral': how the draft addresses the client."""
        formal = informal = 0
        for info in self.sentences:
            profile = self.profiles.get(info.lang)
            if profile is None:
                continue
            formal += len(profile.formal.find(info.tokens, info.folded, info.start))
            informal += len(profile.informal.find(info.tokens, info.folded, info.start))
        if formal == informal == 0:
            return "neutral"
        return "formal" if formal >= informal else "informal"

    def is_negated(self, info: SentenceInfo, start: int) -> bool:
        """Is the word at ``start`` inside the scope of a negation cue of the same clause?"""
        profile = self.profiles.get(info.lang)
        if profile is None:
            return False
        index = next((i for i, t in enumerate(info.tokens) if t.start >= start), len(info.tokens))
        for j in range(index - 1, max(-1, index - 1 - profile.negation_window), -1):
            tok = info.tokens[j]
            if tok.fold in profile.clause_breaks:
                return False
            if tok.fold in profile.negation_cues or tok.lemma in profile.negation_cues:
                return True
        return False
