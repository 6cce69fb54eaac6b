"""The tone checks defined by rule files: presence rules (flag what matches) and absence
rules (flag a part the message lacks), each joined with the tone model's evidence."""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis import Analysis, SentenceInfo
from ..config import Config
from ..dates import fill
from ..document import Document
from ..i18n import t
from ..report import Edit, Finding, Suggestion
from ..rules.compiled import CompiledRule, Hit
from ..rules.loader import RuleSet
from ..tone.explain import ModelEvidence, nearest
from .base import CheckContext, CheckInfo, register

RULE_CONFIDENCE = 0.9


@dataclass
class _SentenceHits:
    info: SentenceInfo
    hits: list[Hit]


@register("tone-rules")
class ToneRules:
    name = "tone-rules"

    def __init__(self, config: Config, rules: RuleSet) -> None:
        self.rules = rules
        self._earlier: dict[str, frozenset[str]] = {}  # earlier message -> the parts it gave

    def infos(self) -> list[CheckInfo]:
        by_id: dict[str, CheckInfo] = {}
        for spec in self.rules.specs():
            known = by_id.get(spec.id)
            langs = tuple(sorted({*(known.langs if known else ()), spec.lang}))
            if known is None or spec.lang == "en":  # English text first in listings
                by_id[spec.id] = CheckInfo(
                    spec.id, spec.title, spec.severity, spec.why, langs, spec.message,
                    spec.flag_examples, spec.pass_examples, str(spec.path),
                )
            else:
                by_id[spec.id] = CheckInfo(**{**known.__dict__, "langs": langs})
        return list(by_id.values())

    def run(self, analysis: Analysis, ctx: CheckContext) -> list[Finding]:
        hits = self._all_hits(analysis) if ctx.use_rules else {}
        findings: list[Finding] = []
        doc_rules = {r.id: r for r in self.rules.for_lang(analysis.lang)}
        given = self._given_earlier(ctx.thread) if ctx.use_rules else frozenset()
        for rule_id, rule in doc_rules.items():
            per_sentence = _exclude(hits.get(rule_id, []), rule, hits)
            if rule.spec.kind == "presence":
                findings += self._presence(analysis, rule, per_sentence, ctx, hits, doc_rules)
            elif rule_id not in given:
                findings += self._absence(analysis, rule, per_sentence, hits, ctx, doc_rules)
        return findings

    def _given_earlier(self, thread: tuple[str, ...]) -> frozenset[str]:
        """Absence rules that the user's own announcement, earlier in the thread, satisfied:
        a reply need not repeat the reason, the end date, the handover or the thanks.

        The user's messages are the ones that announce the end (a ``decision`` cue of the
        language file); the client's push-back is not searched for the user's parts.
        Cached per message, as the editor re-checks the same reply many times.
        """
        given: set[str] = set()
        for message in thread:
            if message not in self._earlier:
                if len(self._earlier) > 64:
                    self._earlier.clear()
                self._earlier[message] = self._parts_given(message)
            given |= self._earlier[message]
        return frozenset(given)

    def _parts_given(self, message: str) -> frozenset[str]:
        analysis = Analysis.build(Document.from_text(message), "auto", self.rules.profiles)
        profile = analysis.profiles.get(analysis.lang)
        if profile is None or profile.decision is None or not any(
                profile.decision.find(i.tokens, i.folded, i.start, i.text) for i in analysis.sentences):
            return frozenset()
        hits = self._all_hits(analysis)
        return frozenset(
            rule.id for rule in self.rules.for_lang(analysis.lang) if rule.spec.kind == "absence"
            and (_exclude(hits.get(rule.id, []), rule, hits) or any(hits.get(o) for o in rule.spec.satisfied_by)))

    # -- matching -----------------------------------------------------------------------

    def _all_hits(self, analysis: Analysis) -> dict[str, list[_SentenceHits]]:
        """Hits of every rule in every sentence, in the sentence's own language."""
        out: dict[str, list[_SentenceHits]] = {}
        for info in analysis.sentences:
            here: dict[str, list[Hit]] = {}
            rules = self.rules.for_lang(info.lang)
            for rule in rules:
                found = rule.matcher.find(info.tokens, info.folded, info.start, info.text)
                if rule.spec.negation:
                    found = [h for h in found if not (h.negatable and analysis.is_negated(info, h.start))]
                if rule.spec.skip_quoted:
                    found = [h for h in found if not info.in_quotes(h.start, h.end)]
                if found and not self._vetoed(rule, info):
                    here[rule.id] = found
            for rule in rules:  # "implied-by": another rule's hits count here too, where they fit
                other = here.get(rule.spec.implied_by_rule or "")
                if other and rule.id not in here and rule.implied.find(info.tokens, info.folded, info.start, info.text) \
                        and not self._vetoed(rule, info):
                    here[rule.id] = [Hit(h.start, h.end, negatable=h.negatable) for h in other]
            for rule_id, found in here.items():
                out.setdefault(rule_id, []).append(_SentenceHits(info, _dedupe(found)))
        return out

    @staticmethod
    def _vetoed(rule: CompiledRule, info: SentenceInfo) -> bool:
        """The rule's own ``unless`` phrases match the sentence: none of its hits count."""
        return bool(rule.unless) and bool(rule.unless.find(info.tokens, info.folded, info.start, info.text))

    # -- presence -----------------------------------------------------------------------

    def _presence(self, analysis: Analysis, rule: CompiledRule, per_sentence: list[_SentenceHits],
                  ctx: CheckContext, hits: dict[str, list[_SentenceHits]],
                  doc_rules: dict[str, CompiledRule]) -> list[Finding]:
        spec = rule.spec
        lang = analysis.lang
        findings = []
        flagged: set[int] = set()
        for sh in per_sentence:
            info = sh.info
            score = _model_score(ctx, analysis, info, spec.model_label)
            source = "rule+model" if score is not None else "rule"
            confidence = max(RULE_CONFIDENCE, score or 0.0)
            flagged.add(info.sentence.index)
            groups = [sh.hits] if spec.fix.sentence else [[h] for h in sh.hits]
            for group in groups:
                start, end = group[0].start, group[-1].end
                matched = analysis.doc.text[start:end]
                suggestions = _presence_suggestions(analysis, rule, info, group, lang)
                findings.append(Finding(
                    rule=spec.id, severity=spec.severity, message=spec.message.format(match=matched),
                    start=start, end=end, confidence=confidence, source=source,
                    suggestions=tuple(suggestions), why=spec.why,
                    evidence=_evidence(ctx, info, spec.model_label, score, decide=False),
                ))
        # Sentences the model flags and no phrase caught.
        if spec.model_label and ctx.model_scores is not None:
            for info in self._model_candidates(analysis, rule, flagged, hits, ctx, doc_rules):
                score = _model_score(ctx, analysis, info, spec.model_label, decide=True)
                if score is None:
                    continue
                suggestions = []
                if spec.fix.sentence:
                    text = spec.fix.sentence.pick(analysis.register)
                    suggestions.append(Suggestion(t("rephrase", lang, text=text), (Edit(info.start, info.end, text),)))
                message = spec.message.format(match=_excerpt(info.text)) + " " + t(
                    "model_message", lang, label=spec.model_label, score=score)
                findings.append(Finding(
                    rule=spec.id, severity=spec.severity, message=message, start=info.start, end=info.end,
                    confidence=score, source="model", suggestions=tuple(suggestions), why=spec.why,
                    evidence=_evidence(ctx, info, spec.model_label, score, decide=True),
                ))
        return findings

    def _model_candidates(self, analysis: Analysis, rule: CompiledRule, flagged: set[int],
                          hits: dict[str, list[_SentenceHits]], ctx: CheckContext,
                          doc_rules: dict[str, CompiledRule]) -> list[SentenceInfo]:
        """Body sentences where the model may raise this presence rule on its own: not
        those a phrase flagged already, nor those its vetoes bar, nor its "unless" ones
        (they never count, for the model either)."""
        skipped = flagged | _model_barred(analysis, rule, hits, ctx, doc_rules)
        return [info for info in analysis.body if info.sentence.index not in skipped and not self._vetoed(rule, info)]

    # -- absence ------------------------------------------------------------------------

    def _absence(self, analysis: Analysis, rule: CompiledRule, per_sentence: list[_SentenceHits],
                 hits: dict[str, list[_SentenceHits]], ctx: CheckContext,
                 doc_rules: dict[str, CompiledRule]) -> list[Finding]:
        spec = rule.spec
        if _phrases_decide(rule, per_sentence, hits):
            return []
        # The model may find the part itself, or a rule that satisfies it (a reason given
        # as blame is still a reason: the blame check flags it and offers a general one).
        # Its own label is not read where its "model:" vetoes bar it (a hand-over the reason
        # head misreads); the satisfying rules' labels are.
        if ctx.model_scores is not None and any(
                _model_score(ctx, analysis, info, label, decide=True) is not None
                for label, infos in self._model_evidence(analysis, rule, hits, ctx, doc_rules) for info in infos):
            return []
        at = _insertion_point(analysis, spec.insert.at if spec.insert else "after-greeting")
        suggestions = []
        if spec.insert is not None:
            text = fill(spec.insert.text.pick(analysis.register), analysis.lang, ctx.today)
            edit_text = _with_separator(analysis, at, text)
            suggestions.append(Suggestion(t("insert", analysis.lang, text=text), (Edit(at, at, edit_text),)))
        return [Finding(
            rule=spec.id, severity=spec.severity, message=spec.message.format(match=""), start=at, end=at,
            confidence=RULE_CONFIDENCE, source="rule+model" if ctx.model_scores is not None else "rule",
            suggestions=tuple(suggestions), why=spec.why,
        )]

    def _model_evidence(self, analysis: Analysis, rule: CompiledRule, hits: dict[str, list[_SentenceHits]],
                        ctx: CheckContext, doc_rules: dict[str, CompiledRule],
                        ) -> list[tuple[str | None, list[SentenceInfo]]]:
        """(label, sentences) where the model may show an absence rule's part present: its
        own label where its vetoes allow, and the labels of the rules that satisfy it."""
        spec = rule.spec
        others = {doc_rules[o].spec.model_label for o in spec.satisfied_by if o in doc_rules} - {None}
        evidence = _evidence_sentences(analysis, rule, hits, ctx, doc_rules)
        barred = _model_barred(analysis, rule, hits, ctx, doc_rules)
        own = [info for info in evidence if info.sentence.index not in barred]
        return [(spec.model_label, own), *((o, evidence) for o in sorted(others, key=str))]

    # -- calibration --------------------------------------------------------------------

    def decisive_scores(self, analysis: Analysis, ctx: CheckContext) -> dict[str, tuple[bool, dict[str, float]]]:
        """Per rule: do the phrases alone decide it (a presence rule fires, an absence
        rule's part is found), and the highest model probability per label among the
        sentences where the model may decide it, vetoes applied. ``models/calibrate.py``
        picks the message-level thresholds from these, as the checker itself would apply
        them."""
        hits = self._all_hits(analysis)
        out: dict[str, tuple[bool, dict[str, float]]] = {}
        doc_rules = {r.id: r for r in self.rules.for_lang(analysis.lang)}
        scores = ctx.model_scores
        if scores is None:
            raise ValueError("decisive_scores needs the tone model's scores in the context")
        for rule_id, rule in doc_rules.items():
            per_sentence = _exclude(hits.get(rule_id, []), rule, hits)
            if rule.spec.kind == "presence":
                flagged = {sh.info.sentence.index for sh in per_sentence}
                groups = [(rule.spec.model_label, self._model_candidates(analysis, rule, flagged, hits, ctx, doc_rules))]
            else:
                groups = self._model_evidence(analysis, rule, hits, ctx, doc_rules)
            best = {label: max((scores[i.sentence.index].get(label, 0.0) for i in infos), default=0.0)
                    for label, infos in groups if label}
            out[rule_id] = (_phrases_decide(rule, per_sentence, hits), best)
        return out


def _phrases_decide(rule: CompiledRule, per_sentence: list[_SentenceHits], hits: dict[str, list[_SentenceHits]]) -> bool:
    """The rule's phrases settle it: a presence rule matched, or an absence rule's part was
    found, by its own phrases or by a rule that satisfies it (a reason given as blame)."""
    return bool(per_sentence) or (rule.spec.kind == "absence" and any(hits.get(o) for o in rule.spec.satisfied_by))


def _evidence_sentences(analysis: Analysis, rule: CompiledRule, hits: dict[str, list[_SentenceHits]],
                        ctx: CheckContext, doc_rules: dict[str, CompiledRule]) -> list[SentenceInfo]:
    """Body sentences that may show the model a part is present: not those that an
    ``excluded-by`` rule flags, by phrase or by the model ("Thanks a lot for all the
    'feedback'", or a blaming sentence that happens to read as thanks, thanks no one)."""
    others = [doc_rules[o] for o in (*rule.spec.excluded_by, *rule.spec.sentence_excluded_by) if o in doc_rules]
    blocked = {sh.info.sentence.index for o in others for sh in hits.get(o.id, [])}
    return [info for info in analysis.body if info.sentence.index not in blocked
            and not any(_model_score(ctx, analysis, info, o.spec.model_label, decide=True) is not None
                        for o in others)]


def _model_barred(analysis: Analysis, rule: CompiledRule, hits: dict[str, list[_SentenceHits]],
                  ctx: CheckContext, doc_rules: dict[str, CompiledRule]) -> set[int]:
    """Sentences where the model may not decide this rule's own label, by the rule's
    ``model:`` vetoes: its ``unless`` phrases ("congratulations" is no thanks), sentences
    its ``unless-rules`` flag ("Mersi mult pentru încredere" is thanks, whatever the hostile
    head says), sentences of its ``unless-sentiment`` (sincere praise is no blame), and
    sentences with too little of its ``needs-sentiment`` (a plain reason is no blame)."""
    spec = rule.spec
    barred = _flagged_sentences(spec.model_unless_rules, hits, doc_rules)
    for info in analysis.body:
        sentiment = ctx.model_sentiments[info.sentence.index] if ctx.model_sentiments is not None else None
        if rule.model_unless and rule.model_unless.find(info.tokens, info.folded, info.start, info.text):
            barred.add(info.sentence.index)
        elif sentiment is not None and spec.model_unless_sentiment and sentiment.get(
                spec.model_unless_sentiment, 0.0) >= 0.5:
            barred.add(info.sentence.index)
        elif sentiment is not None and spec.model_needs_sentiment and sentiment.get(
                spec.model_needs_sentiment[0], 0.0) < spec.model_needs_sentiment[1]:
            barred.add(info.sentence.index)
    return barred


def _flagged_sentences(rule_ids: tuple[str, ...], hits: dict[str, list[_SentenceHits]],
                       doc_rules: dict[str, CompiledRule]) -> set[int]:
    """Sentences where these rules matched, their own exclusions applied."""
    return {sh.info.sentence.index for o in rule_ids if o in doc_rules
            for sh in _exclude(hits.get(o, []), doc_rules[o], hits)}


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """Drop hits contained in a longer one; keep position order."""
    hits = sorted(hits, key=lambda h: (h.start, -(h.end - h.start)))
    out: list[Hit] = []
    for h in hits:
        if out and h.start < out[-1].end:
            if h.replacement is not None and out[-1].replacement is None and h.end >= out[-1].end:
                out[-1] = h
            continue
        out.append(h)
    return out


def _exclude(per_sentence: list[_SentenceHits], rule: CompiledRule,
             hits: dict[str, list[_SentenceHits]]) -> list[_SentenceHits]:
    """Drop hits that overlap a hit of a rule named in ``excluded-by``, and hits in a
    sentence that a ``sentence-excluded-by`` rule flags: "Thanks for teaching me how fast
    a KPI can change 🙃" thanks no one, though the emoji is not on the thanks."""
    spec = rule.spec
    if not (spec.excluded_by or spec.sentence_excluded_by):
        return per_sentence
    blocked = [(h.start, h.end) for other in spec.excluded_by for sh in hits.get(other, []) for h in sh.hits]
    blocked += [(sh.info.start, sh.info.end) for other in spec.sentence_excluded_by for sh in hits.get(other, [])]
    out = []
    for sh in per_sentence:
        kept = [h for h in sh.hits if not any(h.start < e and s < h.end for s, e in blocked)]
        if kept:
            out.append(_SentenceHits(sh.info, kept))
    return out


def _model_score(ctx: CheckContext, analysis: Analysis, info: SentenceInfo, label: str | None,
                 decide: bool = False) -> float | None:
    """The model's probability for ``label`` on this sentence if it passes the threshold.

    ``decide``: the model alone settles the message's check (a model-only finding, or a
    part counted as present), which takes the message-level threshold calibrated on the
    dev messages (``models/calibrate.py``) instead of the sentence one.
    """
    if label is None or ctx.model_scores is None:
        return None
    p = ctx.model_scores[info.sentence.index].get(label, 0.0)
    threshold = ctx.model_thresholds.get(label, 0.5)
    if decide:
        threshold = ctx.model_decision_thresholds.get(label, threshold)
    return p if p >= threshold else None


def _evidence(ctx: CheckContext, info: SentenceInfo, label: str | None, score: float | None,
              decide: bool) -> tuple[str, ...]:
    """The model's score, its threshold and the nearest corpus examples, for a finding."""
    if label is None or score is None or ctx.tone_model is None:
        return ()
    thresholds = ctx.model_decision_thresholds if decide else ctx.model_thresholds
    threshold = thresholds.get(label, ctx.model_thresholds.get(label, 0.5))
    return ModelEvidence(label, score, threshold, nearest(ctx.tone_model, info.text, label)).lines()


def _presence_suggestions(analysis: Analysis, rule: CompiledRule, info: SentenceInfo,
                          group: list[Hit], lang: str) -> list[Suggestion]:
    spec = rule.spec
    text = analysis.doc.text
    start, end = group[0].start, group[-1].end
    register = analysis.register
    out = []
    for hit in group:
        if hit.replacement is not None and not spec.fix.sentence:
            new = _match_case(text[hit.start : hit.end], hit.replacement.with_)
            out.append(Suggestion(t("replace", lang, text=new), (Edit(hit.start, hit.end, new),)))
    if out:
        return out
    if spec.fix.sentence:
        new = spec.fix.sentence.pick(register)
        out.append(Suggestion(t("rephrase", lang, text=new), (Edit(info.start, info.end, new),)))
    elif spec.fix.replace:
        new = _match_case(text[start:end], spec.fix.replace.pick(register))
        out.append(Suggestion(t("replace", lang, text=new), (Edit(start, end, new),)))
    elif spec.fix.delete:
        del_start, del_end = _deletion_span(text, start, end)
        out.append(Suggestion(t("delete", lang, text=text[start:end]), (Edit(del_start, del_end, ""),)))
    return out


def _match_case(original: str, new: str) -> str:
    if original[:1].isupper() and new[:1].islower():
        return new[:1].upper() + new[1:]
    return new


def _deletion_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a deletion over the punctuation and space that would dangle after it."""
    while end < len(text) and text[end] in ",;:!":
        end += 1
    while end < len(text) and text[end] == " ":
        end += 1
    if end >= len(text) or text[end] in "\r\n":
        while start > 0 and text[start - 1] == " ":
            start -= 1
    return start, end


def _excerpt(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _insertion_point(analysis: Analysis, at: str) -> int:
    """Where a missing part belongs: after the greeting, or before the sign-off."""
    body = analysis.body
    if at == "before-signoff" and analysis.signoff is not None:
        return analysis.signoff.start
    if at == "before-signoff" and body:
        return body[-1].end
    if body:
        return body[0].start
    return len(analysis.doc.text)


def _with_separator(analysis: Analysis, at: int, text: str) -> str:
    """Join an inserted sentence to its neighbours the way the draft does."""
    doc = analysis.doc.text
    before, after = doc[:at], doc[at:]
    if not before.strip():
        return text + ("\n\n" if after.strip() else "")
    if not after.strip():
        gap = "\n\n" if "\n\n" in doc else ("\n" if "\n" in doc else " ")
        return gap + text
    tail = before[len(before.rstrip()):]
    if "\n" in tail:
        # at the start of a line: the new part becomes its own paragraph or line
        return text + ("\n\n" if "\n\n" in tail.replace("\r", "") else "\n")
    return text + " "
