"""Rewrites: apply the findings' suggestions to produce a revised draft.

One suggestion per finding (its first), chosen so that edits never overlap: a sentence
rewrite wins over word fixes inside it. With the draft's text at hand
(:func:`plan_edits`, used by :func:`rewrite` and the ``rewrite`` command) the edits are
also fitted to the draft:

* a sentence rewrite that many sentences ask for is written once (in the last of them)
  and the other sentences go; when the flagged words sit in a trailing or leading clause
  and the rest of the sentence stands on its own, only that clause goes (and a reason
  given as blame gets the general reason after it); a flagged closing line ("Sorry
  again,") becomes a plain sign-off;
* a deletion that would leave a fragment ("Good riddance, honestly." -> "honestly.")
  takes its whole sentence, and so does a sentence the tone model alone flags as hostile;
* a sentence that goes while it was the only one to announce the end leaves a plain
  announcement in its place, so the message still says that it ends;
* missing parts are inserted where a reader expects them, as one block per place, in the
  draft's layout (paragraphs, lines, or one chat line) and register: the reason and the
  notice at the end of the paragraph that announces the end (else the first one), the
  handover and the thanks before the sign-off and the name, and before the thanks that
  close the body, if any.

The phrasing of every edit comes from the rule files (and the sign-off from
``rules/<lang>/compose.yml``). :func:`rewrite` re-checks its result and applies what the
edits themselves brought up (a part lost with a rewritten sentence) until nothing is left
to change, so rewriting a rewrite changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .analysis import Analysis, SentenceInfo, quoted_from
from .dates import fill
from .document import Document
from .linter import Linter, default_linter
from .normalize import fold
from .report import Edit, Finding, Report
from .rules.compiled import CompiledRule
from .rules.loader import RuleSet
from .rules.schema import RuleSpec

# Where a part is inserted, the order the parts read best in.
_INSERT_ORDER = ("missing-reason", "missing-notice", "missing-handover", "missing-thanks")
MAX_ROUNDS = 4
# A sentence left with fewer words than this after a deletion is a fragment.
_MIN_WORDS = 4
_WORD = re.compile(r"\w+")
_CLAUSE_BREAK = re.compile(r"\s*(?:[,;]|\s[—–-])\s+|\s*[—–]\s*")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”»)\]]*$")


@dataclass
class Rewrite:
    """The revised draft, the edits that made it (offsets into the original), and the report.

    ``composed`` is True for a draft composed in another language (:mod:`tonecheck.compose`):
    a new message built from the facts of the original, not a translation; its ``lang``
    is the language written and ``header`` the line that says so.
    """

    text: str
    edits: list[Edit] = field(default_factory=list)
    report: Report | None = None
    rounds: int = 1
    composed: bool = False
    lang: str = ""
    header: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.edits)


# -- choosing ----------------------------------------------------------------------------


@dataclass
class _Candidate:
    rule: str
    edits: tuple[Edit, ...]
    order: int  # the finding's index: ties keep the report's order
    rank: int = -1  # insertions at one point: _INSERT_ORDER
    width: int | None = None  # a sentence that goes counts as the sentence, not the space around it


def choose_edits(findings: Sequence[Finding], text: str | None = None, *, lang: str = "auto",
                 rules: RuleSet | None = None, today: dt.date | None = None) -> list[Edit]:
    """The first suggestion of each finding, dropping any that overlaps a wider one.

    With ``text`` (the checked text), the edits are fitted to the draft as the module
    describes; ``lang`` is the draft's language and ``rules`` the rule set that checked it
    (default: the built-in rules).
    """
    if text is not None:
        report = Report(text=text, lang=lang, findings=list(findings))
        return plan_edits(report, rules, today)
    return _pick([_Candidate(f.rule, f.suggestions[0].edits, i) for i, f in enumerate(findings)
                  if f.suggestions and f.suggestions[0].edits])


def _pick(candidates: list[_Candidate]) -> list[Edit]:
    # Widest first, so a sentence rewrite claims its sentence before word fixes inside it;
    # at equal width a rewrite beats a deletion.
    def width(c: _Candidate) -> tuple[int, int, int]:
        wide = c.width if c.width is not None else max(e.end - e.start for e in c.edits)
        return (-wide, 0 if all(e.text for e in c.edits) else 1, c.order)

    taken: list[tuple[Edit, _Candidate]] = []
    for cand in sorted(candidates, key=width):
        if all(_compatible(e, t) for e in cand.edits for t, _ in taken):
            taken.extend((e, cand) for e in cand.edits)
    taken.sort(key=lambda ec: (ec[0].start, ec[0].end, ec[1].rank, ec[1].order))
    return [e for e, _ in taken]


def _compatible(a: Edit, b: Edit) -> bool:
    if a.start == a.end or b.start == b.end:  # insertions only clash inside a replaced span
        point, other = (a, b) if a.start == a.end else (b, a)
        return not (other.start < point.start < other.end)
    return a.end <= b.start or b.end <= a.start


# -- fitting the edits to the draft ------------------------------------------------------------


@dataclass
class _Layout:
    """Where things are in a draft: sentences, greeting, closing, and how it is laid out."""

    text: str
    analysis: Analysis
    sentences: list[SentenceInfo]
    nl: str
    layout: str  # "paragraphs" | "lines" | "inline"
    greeting: SentenceInfo | None
    inline_greeting: bool
    closing: int | None  # where the sign-off (or a closing line, or the bare name) starts
    closing_line: SentenceInfo | None  # a closing line that is no formula ("Sorry again,")
    body: list[SentenceInfo]
    rules: RuleSet | None = None
    announcing: set[int] = field(default_factory=set)  # sentences (by start) that announce the end
    gone: set[int] = field(default_factory=set)  # sentences (by start) the edits delete

    @property
    def alive(self) -> list[SentenceInfo]:
        """The body without the sentences that go."""
        return [s for s in self.body if s.start not in self.gone]

    @classmethod
    def of(cls, text: str, lang: str, rules: RuleSet) -> _Layout:
        doc = Document.from_text(text)
        analysis = Analysis.build(doc, lang, rules.profiles)
        own = analysis.sentences
        own_text = text[: quoted_from(text)]
        nl = "\r\n" if "\r\n" in text else "\n"
        layout = "paragraphs" if re.search(r"\n[ \t]*\r?\n", own_text.strip()) else (
            "lines" if "\n" in own_text.strip() else "inline")
        greeting = analysis.greeting
        inline = False
        if greeting is None and own and _starts_with(analysis, own[0], "greeting"):
            inline = True
        closing, closing_line = _closing(text, analysis)
        body = [s for s in own if s is not greeting and (closing is None or s.start < closing)]
        return cls(text, analysis, own, nl, layout, greeting, inline, closing, closing_line, body, rules)

    def at_line_start(self, pos: int) -> bool:
        line_start = self.text.rfind("\n", 0, pos) + 1
        return not self.text[line_start:pos].strip()

    def gap_before(self, pos: int) -> str:
        """The separator in front of ``pos`` as the draft writes it: a blank line, a line break or a space."""
        before = self.text[:pos]
        gap = before[len(before.rstrip()):]
        if not before.strip():
            return {"paragraphs": self.nl * 2, "lines": self.nl}.get(self.layout, " ")
        if "\n" not in gap:
            return " "
        return self.nl * 2 if gap.count("\n") >= 2 else self.nl

    def separator(self) -> str:
        return {"paragraphs": self.nl * 2, "lines": self.nl}.get(self.layout, " ")


def _starts_with(analysis: Analysis, info: SentenceInfo, pick: str) -> bool:
    profile = analysis.profiles.get(info.lang)
    if profile is None:
        return False
    hits = getattr(profile, pick).find(info.tokens, info.folded, info.start)
    return any(h.start == info.start for h in hits)


def _closing(text: str, analysis: Analysis) -> tuple[int | None, SentenceInfo | None]:
    """Where the closing starts, and the closing line if it is no formula ("Sorry again,").

    A bare name on the last line is the signature, and a short line ending in a comma just
    above it is the closing line; otherwise the sign-off formula ("Best regards,") starts it.
    """
    own = analysis.sentences
    signoff = analysis.signoff.start if analysis.signoff is not None else None
    if len(own) < 2:
        return signoff, None
    last = own[-1]
    line_start = text.rfind("\n", 0, last.start) + 1
    words = _WORD.findall(last.text)
    is_name = (
        line_start > 0 and not text[line_start : last.start].strip() and "\n" not in text[last.start : last.end]
        and 0 < len(words) <= 4 and (not _SENTENCE_END.search(last.text) or len(last.text) <= 3)
        and not last.text.rstrip().endswith((",", ":", ";"))
        and last.text.lstrip("-–— ")[:1].isupper()
        and last is not analysis.greeting
    )
    if not is_name:
        return signoff, None
    before = own[-2]
    gap = text[before.end : last.start]
    if (before is not analysis.greeting and before.text.endswith(",") and gap.count("\n") == 1
            and len(_WORD.findall(before.text)) <= 10
            and (len(own) < 3 or "\n" in text[own[-3].end : before.start])):
        return before.start, (None if before.start == signoff else before)
    if signoff is not None and signoff < last.start:
        return signoff, None
    return last.start, None


def _register(layout: _Layout) -> str:
    """The draft's register: the forms of address it uses (Romanian), else its cue words."""
    analysis = layout.analysis
    profile = analysis.profiles.get(analysis.lang)
    if profile is not None and profile.address:
        counts = {reg: 0 for reg in profile.address}
        for info in layout.sentences:
            for tok in info.tokens:
                for reg, words in profile.address.items():
                    counts[reg] += tok.text.lower() in words
        if counts.get("formal", 0) != counts.get("informal", 0):
            return "formal" if counts.get("formal", 0) > counts.get("informal", 0) else "informal"
    return analysis.register if analysis.register != "neutral" else "formal"


def plan_edits(report: Report, rules: RuleSet | None = None, today: dt.date | None = None) -> list[Edit]:
    """The edits that revise ``report.text``: every finding's first suggestion, fitted to
    the draft (see the module). Offsets are into ``report.text``."""
    text = report.text
    rules = rules or default_linter().rules
    candidates = [_Candidate(f.rule, f.suggestions[0].edits, i) for i, f in enumerate(report.findings)
                  if f.suggestions and f.suggestions[0].edits]
    lang = report.lang
    if lang not in rules.profiles and rules.profiles:  # "auto": the language the analysis finds
        lang = Analysis.build(Document.from_text(text), "auto", rules.profiles).lang
    if not report.findings or Document.from_text(text).text != text or lang not in rules.profiles:
        return _pick(candidates)  # decomposed text: offsets differ from the analysis; keep it plain
    layout = _Layout.of(text, lang, rules)
    specs = {r.id: r.spec for r in rules.for_lang(lang)}
    register = _register(layout)
    today = today or dt.date.today()
    findings = report.findings
    by_rule: dict[str, list[tuple[int, Finding]]] = {}
    for i, f in enumerate(findings):
        by_rule.setdefault(f.rule, []).append((i, f))

    for f in findings:  # "we need a break" announces the end, however it is put
        if f.rule == "breakup-word" and f.end > f.start:
            sentence = _sentence_of(layout, f.start, f.end)
            if sentence is not None:
                layout.announcing.add(sentence.start)
    out: list[_Candidate] = []
    inserts: list[tuple[int, Finding, RuleSpec]] = []
    deletions: list[tuple[int, Finding]] = []
    for rule_id, items in by_rule.items():
        spec = specs.get(rule_id)
        for i, f in items:
            if not f.suggestions or not f.suggestions[0].edits:
                if spec is not None and spec.fix.delete:  # the model's finding on a sentence: it goes
                    out += _model_deletion(layout, i, f)
                elif spec is not None and spec.replacements:
                    out += _model_reframe(layout, i, f, spec, register)
                continue
            if spec is not None and spec.insert is not None and f.start == f.end:
                inserts.append((i, f, spec))
            elif spec is not None and spec.fix.delete and all(not e.text for e in f.suggestions[0].edits):
                deletions.append((i, f))
            elif f.source == "grammar" and not _grammar_fits(layout, f.suggestions[0].edits):
                continue
            elif spec is None or spec.fix.sentence is None or not _is_sentence_fix(f, spec):
                out.append(_Candidate(f.rule, f.suggestions[0].edits, i))
        if spec is not None and spec.fix.sentence is not None:
            out += _sentence_fixes(layout, [(i, f) for i, f in items if _is_sentence_fix(f, spec)], spec, register)
    out += _deletions(layout, deletions)
    for cand in out:  # where parts go depends on what stays
        for e in cand.edits:
            if not e.text.strip():
                layout.gone.update(x.start for x in layout.body if e.start <= x.start and x.end <= e.end)
    out += _insertions(layout, inserts, register, today, lang, rules)
    return _pick(out)


def _grammar_fits(layout: _Layout, edits: tuple[Edit, ...]) -> bool:
    """A grammar or spelling suggestion applied unasked must leave names alone (the greeting,
    the sign-off and the signature, and capitalised words inside a sentence: "Oana" is
    no misspelt "Ana") and must not put a space before punctuation ("so . . .")."""
    text = layout.text
    greeting_end = layout.greeting.end if layout.greeting is not None else (
        layout.sentences[0].end if layout.inline_greeting and layout.sentences else 0)
    for e in edits:
        if e.start < greeting_end or (layout.closing is not None and e.end > layout.closing):
            return False
        old = text[e.start : e.end]
        word_start = not text[max(0, e.start - 2) : e.start].strip() and (
            e.start == 0 or text[:e.start].rstrip()[-1:] in ("", ".", "!", "?", "\n"))
        if old[:1].isupper() and not word_start:
            return False
        if re.search(r"\s[.,;:!?]", e.text):
            return False
    return True


def _is_sentence_fix(f: Finding, spec: RuleSpec) -> bool:
    if spec.fix.sentence is None or not f.suggestions or len(f.suggestions[0].edits) != 1:
        return False
    return f.suggestions[0].edits[0].text in (spec.fix.sentence.formal, spec.fix.sentence.informal)


def _model_deletion(layout: _Layout, i: int, f: Finding) -> list[_Candidate]:
    """A sentence the tone model flags with no words to delete (no phrase matched) goes
    whole, unless it is the greeting or part of the closing."""
    sentence = _sentence_of(layout, f.start, f.end)
    if (sentence is None or (sentence.start, sentence.end) != (f.start, f.end) or sentence is layout.greeting
            or sentence not in layout.body or sentence is layout.closing_line):
        return []
    return [_Candidate(f.rule, (_sentence_goes(layout, sentence, _register(layout)),), i,
                       width=sentence.end - sentence.start)]


def _model_reframe(layout: _Layout, i: int, f: Finding, spec: RuleSpec, register: str) -> list[_Candidate]:
    """A sentence whose words were already replaced ("…I think it's time we ended our
    collaboration") that the tone model still reads as break-up talk: the hedging around
    the new words is the problem, and a plain announcement takes the sentence's place."""
    sentence = _sentence_of(layout, f.start, f.end)
    texts = {r.with_ for r in spec.replacements if r.with_} | (
        {spec.fix.replace.formal, spec.fix.replace.informal} if spec.fix.replace else set())
    if sentence is None or sentence not in layout.body or not any(t.lower() in sentence.text.lower() for t in texts):
        return []
    from .compose import templates

    opening = templates(layout.analysis.lang).opening.pick(register)
    return [_Candidate(f.rule, (Edit(sentence.start, sentence.end, opening),), i)]


def _sentence_of(layout: _Layout, start: int, end: int) -> SentenceInfo | None:
    return next((s for s in layout.sentences if s.start <= start and end <= s.end), None)


def _sentence_fixes(layout: _Layout, items: list[tuple[int, Finding]], spec: RuleSpec,
                    register: str) -> list[_Candidate]:
    """One sentence rewrite per rule: written once, the other flagged sentences go; a flagged
    clause goes alone when the rest stands; a flagged closing line becomes a sign-off."""
    assert spec.fix.sentence is not None
    new_text = spec.fix.sentence.pick(register)
    out: list[_Candidate] = []
    whole: list[tuple[int, SentenceInfo]] = []
    cut: list[tuple[int, SentenceInfo]] = []
    for i, f in items:
        edit = f.suggestions[0].edits[0]
        sentence = _sentence_of(layout, edit.start, edit.end)
        if sentence is None:
            out.append(_Candidate(f.rule, (dataclasses.replace(edit, text=new_text),), i))
            continue
        if layout.closing_line is not None and sentence is layout.closing_line:
            out.append(_Candidate(f.rule, (Edit(sentence.start, sentence.end, _signoff(layout, register)),), i))
            continue
        start, end = _phrase_span(layout, spec, sentence, f)
        clause = _clause_cut(layout, sentence, start, end)
        if clause is not None:
            out.append(_Candidate(f.rule, (clause,), i))
            cut.append((i, sentence))
        else:
            whole.append((i, sentence))
    if new_text in layout.text:  # already there: every flagged sentence just goes
        keep = None
    else:
        keep = whole[-1][1] if whole else None
    if keep is None and cut and new_text not in layout.text and _stands_for_a_part(layout, spec):
        # the clause was the reason, given as blame: the general reason follows its sentence
        i, sentence = cut[-1]
        out.append(_Candidate(spec.id, (Edit(sentence.end, sentence.end, " " + new_text),), i))
    for i, sentence in whole:
        if sentence is keep:
            text = new_text
            if _only_announcement(layout, sentence):  # the message must still say that it ends
                from .compose import templates

                text = templates(layout.analysis.lang).opening.pick(register) + " " + new_text
            out.append(_Candidate(spec.id, (Edit(sentence.start, sentence.end, text),), i))
        else:
            out.append(_Candidate(spec.id, (_sentence_goes(layout, sentence, register),), i,
                                  width=sentence.end - sentence.start))
    return out


def _stands_for_a_part(layout: _Layout, spec: RuleSpec) -> bool:
    """Do this rule's matches count as a part of the message (a reason given as blame)?"""
    rules = layout.rules.for_lang(layout.analysis.lang) if layout.rules else []
    return any(spec.id in r.spec.satisfied_by for r in rules)


def _phrase_span(layout: _Layout, spec: RuleSpec, sentence: SentenceInfo, f: Finding) -> tuple[int, int]:
    """The words the rule's phrases flag in the sentence; a finding merged with the tone
    model's spans the whole sentence, which would hide the clause they sit in."""
    if (f.start, f.end) != (sentence.start, sentence.end) or layout.rules is None:
        return f.start, f.end
    rule = _rule(layout.rules, layout.analysis.lang, spec.id)
    hits = rule.matcher.find(sentence.tokens, sentence.folded, sentence.start, sentence.text) if rule else []
    if not hits:
        return f.start, f.end
    return min(h.start for h in hits), max(h.end for h in hits)


def _signoff(layout: _Layout, register: str) -> str:
    from .compose import templates

    return templates(layout.analysis.lang).signoff.pick(register)


def _clause_cut(layout: _Layout, sentence: SentenceInfo, start: int, end: int) -> Edit | None:
    """Delete just the clause with the flagged words when the rest of the sentence stands on
    its own: a trailing clause (", but I feel so guilty") or a leading one whose rest does
    not lean on it (no "and …", "iar …" left behind)."""
    text = layout.text
    profile = layout.analysis.profiles.get(sentence.lang)
    joins = profile.clause_breaks if profile else frozenset()
    s_start, s_end = sentence.start, sentence.end
    body_end = s_end
    m = _SENTENCE_END.search(text[s_start:s_end])
    if m:
        body_end = s_start + m.start()
    breaks = [(s_start + b.start(), s_start + b.end()) for b in _CLAUSE_BREAK.finditer(text[s_start:body_end])]
    words = sorted((w for w in joins if w.isalpha()), key=len, reverse=True)
    if words:  # "… 😔 și îmi pare atât de rău": a conjunction opens a clause too
        folded = layout.analysis.doc.folded[s_start:body_end]
        # only after punctuation or a symbol: "designs and then changing them" is one clause
        rx = re.compile(r"(?<=[^\w\s])\s+(?=(?:" + "|".join(map(re.escape, words)) + r")\s)")
        breaks = sorted({*breaks, *((s_start + b.start(), s_start + b.end()) for b in rx.finditer(folded))})
    before = [b for b in breaks if b[1] <= start]
    after = [b for b in breaks if b[0] >= end]
    if after and len(_WORD.findall(text[end:body_end])) < _MIN_WORDS:
        after = []  # "…, chiar îmi pare.": a short tail goes with the clause before it
    if before and not after:  # a trailing clause: keep the head
        cut_start, cut_end = before[-1]
        head = text[s_start:cut_start]
        head_words = _WORD.findall(head)
        clause_words = _WORD.findall(text[cut_end:end])
        coordinated = bool(re.search(r"[;—–]", text[cut_start:cut_end])) or (
            bool(clause_words) and fold(clause_words[0]) in joins)
        if coordinated and len(head.split()) >= _MIN_WORDS and fold(head_words[-1]) not in joins:
            return Edit(cut_start, body_end, "" if m else ".")
    if after and not before:  # a leading clause: keep the tail, capitalised
        cut_end = after[0][1]
        tail = text[cut_end:s_end]
        words = _WORD.findall(tail)
        if len(tail.split()) >= _MIN_WORDS + 1 and tail[:1].isalpha() and fold(words[0].lower()) not in joins:
            return Edit(s_start, cut_end + 1, tail[:1].upper())
    return None


def _sentence_goes(layout: _Layout, sentence: SentenceInfo, register: str) -> Edit:
    """A flagged sentence goes; if it was the only one to announce the end, a plain
    announcement (compose.yml's opening) takes its place, so the message still says it."""
    if _only_announcement(layout, sentence):
        from .compose import templates

        return Edit(sentence.start, sentence.end, templates(layout.analysis.lang).opening.pick(register))
    return _sentence_deletion(layout, sentence)


def _only_announcement(layout: _Layout, sentence: SentenceInfo) -> bool:
    return _announces(layout, sentence) and not any(_announces(layout, s) for s in layout.body if s is not sentence)


def _announces(layout: _Layout, info: SentenceInfo) -> bool:
    """Does the sentence announce the end ("I've decided to end…", or "we need a break")?"""
    if info.start in layout.announcing:
        return True
    profile = layout.analysis.profiles.get(info.lang)
    return bool(profile and profile.decision and profile.decision.find(info.tokens, info.folded, info.start, info.text))


def _sentence_deletion(layout: _Layout, sentence: SentenceInfo) -> Edit:
    """Delete a whole sentence with the space around it: the line, if it is alone on it."""
    text = layout.text
    line_start = text.rfind("\n", 0, sentence.start) + 1
    line_end = text.find("\n", sentence.end)
    line_end = len(text) if line_end < 0 else line_end
    alone = not text[line_start : sentence.start].strip() and not text[sentence.end : line_end].strip()
    if alone:
        next_line = line_end + 1 if line_end < len(text) else len(text)
        if not text[next_line:].strip():  # the last line: the line break before it goes instead
            return Edit(len(text[:line_start].rstrip()), line_end, "")
        end = next_line
        if re.search(r"\n[ \t]*\r?\n$", text[:line_start]):  # a paragraph of its own: one blank line goes
            while True:
                nl = text.find("\n", end)
                if nl < 0 or text[end:nl].strip():
                    break
                end = nl + 1
        return Edit(line_start, end, "")
    after = text[sentence.end : line_end]
    if after.strip():  # more follows on the line: take the space after
        return Edit(sentence.start, sentence.end + len(after) - len(after.lstrip()), "")
    before = text[line_start : sentence.start]
    return Edit(line_start + len(before.rstrip()), sentence.end, "")


def _deletions(layout: _Layout, items: list[tuple[int, Finding]]) -> list[_Candidate]:
    """Word deletions; a sentence they would leave as a fragment goes whole."""
    out: list[_Candidate] = []
    per_sentence: dict[int, list[tuple[int, Finding]]] = {}
    loose = []
    for i, f in items:
        edit = f.suggestions[0].edits[0]
        sentence = _sentence_of(layout, edit.start, min(edit.end, max(edit.start, f.end)))
        if sentence is None:
            loose.append((i, f))
        else:
            per_sentence.setdefault(sentence.start, []).append((i, f))
    for i, f in loose:
        out.append(_Candidate(f.rule, f.suggestions[0].edits, i))
    for start, group in per_sentence.items():
        sentence = next(s for s in layout.sentences if s.start == start)
        edits = [e for _, f in group for e in f.suggestions[0].edits]
        if _leaves_fragment(layout.text, sentence, edits, [(f.start, f.end) for _, f in group]):
            out.append(_Candidate(group[0][1].rule, (_sentence_goes(layout, sentence, _register(layout)),),
                                  group[0][0], width=sentence.end - sentence.start))
        else:
            out += [_Candidate(f.rule, f.suggestions[0].edits, i) for i, f in group]
    return out


def _leaves_fragment(text: str, sentence: SentenceInfo, edits: list[Edit], spans: list[tuple[int, int]]) -> bool:
    kept, pos = [], sentence.start
    for e in sorted(edits, key=lambda e: e.start):
        kept.append(text[pos : max(pos, e.start)])
        pos = max(pos, min(e.end, sentence.end))
    kept.append(text[pos : sentence.end])
    rest = "".join(kept).strip()
    words_all = len(_WORD.findall(sentence.text))
    words_left = len(_WORD.findall(rest))
    if words_left < _MIN_WORDS or 2 * words_left <= words_all:
        return True
    first = min(e.start for e in edits)
    if not text[sentence.start : first].strip(" \"'“”„«»-–—") and rest[:1].islower():
        return True  # the head of the sentence went: what is left starts mid-clause
    for start, end in spans:  # words cut out of the middle of a clause leave it broken
        before = text[sentence.start : start].rstrip()
        after = text[end : sentence.end].lstrip()
        if (before and before[-1] not in ",;:—–(") or (after and after[0] not in ",;:.!?…—–)"):
            return True
    return False


def _insertions(layout: _Layout, items: list[tuple[int, Finding, RuleSpec]], register: str, today: dt.date,
                lang: str, rules: RuleSet) -> list[_Candidate]:
    """The missing parts, one block per place, in the draft's layout and register."""
    groups: dict[int, list[tuple[int, str, str]]] = {}
    kinds: dict[int, str] = {}
    for i, _f, spec in items:
        assert spec.insert is not None
        sentence = fill(spec.insert.text.pick(register), lang, today)
        place = _place(layout, spec.insert.at, spec.id, rules)
        if place is None:
            continue
        pos, kind = place
        groups.setdefault(pos, []).append((i, spec.id, sentence))
        kinds[pos] = kind
    out = []
    for pos, parts in groups.items():
        parts.sort(key=lambda p: _INSERT_ORDER.index(p[1]) if p[1] in _INSERT_ORDER else len(_INSERT_ORDER))
        block = " ".join(p[2] for p in parts)
        kind = kinds[pos]
        if kind == "before":  # at the start of a line or a sentence: the block, then the gap
            at_line = layout.at_line_start(pos)
            text = block + (layout.gap_before(pos) if at_line else " ")
        elif kind == "after-inline":
            text = " " + block
        else:  # "after-block": a new paragraph (or line) after the last one
            text = layout.separator() + block
        rank = min(_INSERT_ORDER.index(p[1]) for p in parts if p[1] in _INSERT_ORDER) if parts else -1
        out.append(_Candidate(parts[0][1], (Edit(pos, pos, text),), min(p[0] for p in parts), rank))
    return out


def _place(layout: _Layout, at: str, rule_id: str, rules: RuleSet) -> tuple[int, str] | None:
    """Where a part goes, and how it joins: ("before", pos) a sentence or line starting at
    pos; ("after-inline", pos) the sentence ending at pos; ("after-block", pos) the text."""
    body, alive = layout.body, layout.alive
    text = layout.text
    if not layout.sentences:  # nothing of the user's own (only a quoted message): nowhere to add
        return None
    if not alive:  # every sentence of the body goes: the parts take its place
        return (body[0].start, "before") if body else (len(text.rstrip()), "after-block")
    if at == "after-greeting":
        # after the sentence that announces the end (else the first of the body), with the
        # rest of its paragraph: the reason and the notice read as its continuation
        anchor = _announcement(layout) or alive[0]
        return _paragraph_end(layout, anchor, rules).end, "after-inline"
    # before the sign-off: before the thanks that close the body, else before the closing
    if rule_id != "missing-thanks":
        tail = _thanks_tail(layout, rules)
        if tail is not None:
            return tail.start, "before"
    if layout.closing is not None:
        return layout.closing, "before"
    last = alive[-1]
    return last.end, "after-inline" if layout.layout == "inline" else "after-block"


def _announcement(layout: _Layout) -> SentenceInfo | None:
    """The first sentence of the body that announces the end."""
    return next((info for info in layout.alive if _announces(layout, info)), None)


def _paragraph_end(layout: _Layout, anchor: SentenceInfo, rules: RuleSet) -> SentenceInfo:
    """The last sentence of ``anchor``'s paragraph (its line, in a draft of lines; itself, in
    a one-line draft), short of closing thanks and of list items."""
    if layout.layout == "inline":
        return anchor
    thanks = _rule(rules, layout.analysis.lang, "missing-thanks")
    body = layout.alive
    last = anchor
    for info in body[body.index(anchor) + 1 :]:
        gap = layout.text[last.end : info.start]
        if gap.count("\n") >= (2 if layout.layout == "paragraphs" else 1) or re.match(r"\s*(?:[-*•·–]|\d+[.)])\s", gap
                                                                                     + info.text[:3]):
            break
        if thanks is not None and thanks.matcher.find(info.tokens, info.folded, info.start, info.text):
            break
        last = info
    return last


def _rule(rules: RuleSet, lang: str, rule_id: str) -> CompiledRule | None:
    return next((r for r in rules.for_lang(lang) if r.id == rule_id), None)


def _thanks_tail(layout: _Layout, rules: RuleSet) -> SentenceInfo | None:
    """The thanks sentences that end the body ("Thank you for everything."), if any."""
    analysis = layout.analysis
    thanks = _rule(rules, analysis.lang, "missing-thanks")
    hostile = _rule(rules, analysis.lang, "hostile-tone")
    if thanks is None:
        return None
    first = None
    body = layout.alive
    for info in reversed(body):
        hits = thanks.matcher.find(info.tokens, info.folded, info.start, info.text)
        if not hits or (hostile and hostile.matcher.find(info.tokens, info.folded, info.start, info.text)):
            break
        first = info
    return None if first is None or first is body[0] else first


# -- applying -------------------------------------------------------------------------------


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (offsets into ``text``); insertions at one point keep
    order. Only the seams the edits make are tidied (spaces, punctuation, blank lines):
    the rest of the text stays exactly as written."""
    if not edits:
        return text
    out = ""
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start > pos:
            chunk = text[pos : e.start]
            out = chunk if pos == 0 and not out else _seam(out, chunk)
        out = _seam(out, e.text)
        pos = max(pos, e.end)
    out = _seam(out, text[pos:])
    if not text[:1].isspace():
        out = out.lstrip()
    trailing = text[len(text.rstrip()):]
    return out.rstrip() + trailing if out.strip() else out


_ELLIPSIS = re.compile(r"\.\.\.|…")


def _seam(left: str, right: str) -> str:
    """Join ``right`` to ``left`` where an edit begins or ends, mending what the join breaks."""
    if not right:
        return left
    if not left.strip():  # the start of the text: no leading space or punctuation
        return left + right.lstrip(" \t,;:.!?")
    tail = left.rstrip(" \t")
    spaced = tail != left
    stripped = right.lstrip(" \t")
    if spaced and stripped != right:
        right = stripped  # "word  word" -> "word word"
    if spaced and stripped[:1] and stripped[:1] in ",.;:!?)" and not _ELLIPSIS.match(stripped):
        left, spaced, right = tail, False, stripped  # "word ," -> "word,"
    last = tail[-1:]
    if last and last in ",;:" and not spaced and stripped[:1] and stripped[:1] in ".!?":
        left = left[:-1]  # "word,." -> "word."
    elif last and last in ".!?…" and stripped[:1] and stripped[:1] in ".,;:" and not _ELLIPSIS.match(stripped):
        right = stripped[1:]  # "word.." -> "word."
        if right[:1] and not right[:1].isspace():
            right = " " + right.lstrip(" \t")
    elif last == "\n":
        right = re.sub(r"^[ \t]*[,;:.!?]+[ \t]*", "", right)  # no line opens with punctuation
    # at most one blank line where the two meet
    had = len(left) - len(left.rstrip("\r\n"))
    lead = len(right) - len(right.lstrip("\r\n"))
    if had and lead:
        n_left = left[len(left) - had :].count("\n")
        n_right = right[:lead].count("\n")
        if n_left + n_right > 2:
            nl = "\r\n" if "\r" in right[:lead] or "\r" in left[len(left) - had :] else "\n"
            right = nl * max(0, 2 - n_left) + right[lead:]
    return left + right


# -- the whole rewrite --------------------------------------------------------------------------


def rewrite(text: str, *, linter: Linter | None = None, lang: str | None = None, today: dt.date | None = None,
            to: str | None = None) -> Rewrite:
    """Check ``text`` and return the revised draft with every available fix applied.

    ``to`` ("ro" or "en", another language than the draft's): compose a clean draft in that
    language from the facts of this one instead (:func:`tonecheck.compose.compose`); the
    result has ``composed=True``.
    """
    linter = linter or default_linter()
    report = linter.check(text, lang, today=today)
    if to is not None and to != report.lang:
        from .compose import compose

        composed = compose(text, to, linter=linter, lang=report.lang, today=today)
        return Rewrite(text=composed.text, report=report, composed=True, lang=to, header=composed.header)
    edits = plan_edits(report, linter.rules, today)
    revised = apply_edits(text, edits) if edits else text
    if not revised.strip():  # every word was a fix's to delete ("DONE NOW OK"): leave the draft to its writer
        return Rewrite(text=text, report=report, rounds=0, lang=report.lang)
    rounds = 1
    while edits and rounds < MAX_ROUNDS:
        again = linter.check(revised, report.lang, today=today)
        edits = plan_edits(again, linter.rules, today)
        if not edits:
            break
        revised_again = apply_edits(revised, edits)
        if revised_again == revised or not revised_again.strip():
            break
        revised = revised_again
        rounds += 1
    return Rewrite(text=revised, edits=diff_edits(text, revised), report=report, rounds=rounds, lang=report.lang)


def diff_edits(old: str, new: str) -> list[Edit]:
    """The edits (offsets into ``old``) that turn ``old`` into ``new``, word by word."""
    if old == new:
        return []
    a, b = re.findall(r"\s+|\w+|[^\w\s]", old), re.findall(r"\s+|\w+|[^\w\s]", new)
    offsets = [0]
    for tok in a:
        offsets.append(offsets[-1] + len(tok))
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            out.append(Edit(offsets[i1], offsets[i2], "".join(b[j1:j2])))
    return out
