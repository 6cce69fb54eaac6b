"""The rule file format, validated field by field with errors that point at lines.

A rule file is YAML data (never code). The fields::

    id: breakup-word            # stable id; the file is named <id>.yml
    lang: ro                    # ro | en
    kind: presence              # presence: flag what matches; absence: flag when nothing does
    severity: error             # error | warning | info
    title: Short name
    message: "„{match}” ..."    # shown on the finding; {match} is the matched text
    why: "..."                  # the article's reason, printed by `tonecheck explain`
    negation: true              # presence: skip matches under a negation ("not a criticism")
    skip-quoted: true           # matches inside quotation marks never count (the client's
                                # words quoted back: „lasă că-ți dau săptămâna viitoare”)
    match:                      # what counts: phrases (see patterns.py) and regexes
      phrases: [...]
      regex: [...]                # on the folded text: lowercase, no diacritics
      cased-regex: [...]          # on the text as written, case kept
      cased-words: known          # a cased-regex hit counts only if its words are dictionary
                                  # words (SHOUTING, not acronyms like README or ANAF); default any
    unless:                     # sentences matching these never count
      phrases: [...]
    excluded-by: [hostile-tone] # matches overlapping these rules' matches never count
    sentence-excluded-by: [hostile-tone]  # nor any match in a sentence these rules flag
    satisfied-by: [blame]       # absence: these rules finding something (by rule or by the
                                # tone model) also counts as the part
    implied-by:                 # presence: a sentence this rule's phrases flag counts as a
      rule: hostile-tone        # match here too when these also match it (sarcastic thanks
      phrases: [thanks]         # is blame as well as hostility)
    replacements:               # matches with a specific fix
      - {phrase: "...", with: "..."}
    fix:                        # the general fix of a match (presence)
      replace: {formal: "...", informal: "..."}   # replace the matched words
      sentence: {formal: "...", informal: "..."}  # or replace the sentence
      delete: true                                # or delete the match
    insert:                     # the missing part to add (absence)
      at: after-greeting        # after-greeting | before-signoff
      text: {formal: "...", informal: "..."}
    model: {label: blame}       # the tone model label that is evidence for this rule
      # unless-sentiment: positive  -> the model alone does not flag a sentence whose
      #                                sentiment is mostly this (sincere praise is no blame)
      # needs-sentiment: {negative: 0.1} -> nor a sentence whose sentiment gives this
      #                                one less than this share (a plain reason is no
      #                                blame, however sure the blame head is)
      # unless-rules: [missing-thanks] -> nor a sentence where these rules matched (real
      #                                thanks, which the model may misread as sarcasm)
      # unless: {phrases: [...]}     -> nor a sentence these match ("my rates are going
      #                                up"); unlike the top-level unless, rules still count.
      #                                For an absence rule: the model does not count these
      #                                sentences as the part ("good luck" is no thanks)
    examples:                   # the test suite checks every one
      flag: [...]
      pass: [...]

Texts with ``formal``/``informal`` may also be a plain string used for both registers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import RuleFileError
from ..report import Severity
from .yamlio import Lines

KINDS = ("presence", "absence")
INSERT_PLACES = ("after-greeting", "before-signoff")
MODEL_LABELS = ("blame", "hostile", "wavering", "breakup", "thanks", "notice", "handover", "reason")
MODEL_SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Registered:
    """A text with a formal and an informal version (equal for English)."""

    formal: str
    informal: str

    def pick(self, register: str) -> str:
        return self.informal if register == "informal" else self.formal


@dataclass(frozen=True)
class MatchSpec:
    phrases: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    cased_regex: tuple[str, ...] = ()  # run on the text as written (case kept), e.g. for SHOUTING
    cased_words_known: bool = False  # cased hits need every word to be a dictionary word

    def __bool__(self) -> bool:
        return bool(self.phrases or self.regex or self.cased_regex)


@dataclass(frozen=True)
class Replacement:
    phrase: str
    with_: str


@dataclass(frozen=True)
class Fix:
    replace: Registered | None = None
    sentence: Registered | None = None
    delete: bool = False


@dataclass(frozen=True)
class Insert:
    at: str
    text: Registered


@dataclass(frozen=True)
class RuleSpec:
    id: str
    lang: str
    kind: str
    severity: Severity
    title: str
    message: str
    why: str
    path: Path
    negation: bool = True
    skip_quoted: bool = False
    match: MatchSpec = MatchSpec()
    unless: MatchSpec = MatchSpec()
    excluded_by: tuple[str, ...] = ()
    sentence_excluded_by: tuple[str, ...] = ()
    satisfied_by: tuple[str, ...] = ()
    implied_by_rule: str | None = None  # a sentence this rule flags counts here too ...
    implied_by: MatchSpec = MatchSpec()  # ... when these match it as well
    replacements: tuple[Replacement, ...] = ()
    fix: Fix = Fix()
    insert: Insert | None = None
    model_label: str | None = None
    model_unless_sentiment: str | None = None  # the model alone does not flag sentences of this sentiment
    model_needs_sentiment: tuple[str, float] | None = None  # ... nor sentences with less of this sentiment
    model_unless_rules: tuple[str, ...] = ()  # ... nor sentences where these rules matched
    model_unless: MatchSpec = MatchSpec()  # ... nor sentences these phrases match (rules still may)
    flag_examples: tuple[str, ...] = ()
    pass_examples: tuple[str, ...] = ()
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, *where: Any) -> int | None:
        return self.lines.get(tuple(where))


_TOP_KEYS = {
    "id", "lang", "kind", "severity", "title", "message", "why", "negation", "skip-quoted", "match", "unless",
    "excluded-by", "sentence-excluded-by", "satisfied-by", "implied-by", "replacements", "fix", "insert", "model",
    "examples",
}


class _Validator:
    def __init__(self, path: Path, lines: Lines) -> None:
        self.path = path
        self.lines = lines

    def fail(self, where: tuple[Any, ...], problem: str) -> RuleFileError:
        line = None
        for n in range(len(where), -1, -1):
            if where[:n] in self.lines:
                line = self.lines[where[:n]]
                break
        return RuleFileError(str(self.path), line, problem)

    def string(self, data: dict[str, Any], key: str, where: tuple[Any, ...], required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(where, f"missing required field '{key}'")
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail((*where, key), f"'{key}' must be a non-empty text")
        return value

    def boolean(self, data: dict[str, Any], key: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail((key,), f"{key} must be true or false")
        return value

    def strings(self, value: Any, where: tuple[Any, ...]) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(where, f"'{where[-1]}' must be a list of texts")
        return tuple(value)

    def mapping(self, value: Any, where: tuple[Any, ...], allowed: set[str]) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(where, f"'{where[-1]}' must be a mapping")
        for key in value:
            if key not in allowed:
                raise self.fail((*where, key), f"unknown field '{key}' (expected one of: {', '.join(sorted(allowed))})")
        return value

    def registered(self, value: Any, where: tuple[Any, ...]) -> Registered:
        if isinstance(value, str) and value.strip():
            return Registered(value, value)
        data = self.mapping(value, where, {"formal", "informal"})
        formal, informal = data.get("formal"), data.get("informal")
        if not isinstance(formal, str) or not isinstance(informal, str):
            raise self.fail(where, f"'{where[-1]}' needs a text, or both 'formal' and 'informal' texts")
        return Registered(formal, informal)

    def match_spec(self, value: Any, where: tuple[Any, ...]) -> MatchSpec:
        data = self.mapping(value, where, {"phrases", "regex", "cased-regex", "cased-words"})
        words = data.get("cased-words", "any")
        if words not in ("any", "known"):
            raise self.fail((*where, "cased-words"), f"'cased-words' is 'any' or 'known', not {words!r}")
        return MatchSpec(
            cased_words_known=words == "known",
            phrases=self.strings(data.get("phrases"), (*where, "phrases")),
            regex=self.strings(data.get("regex"), (*where, "regex")),
            cased_regex=self.strings(data.get("cased-regex"), (*where, "cased-regex")),
        )


def validate_rule(data: Any, lines: Lines, path: Path) -> RuleSpec:
    """Turn parsed YAML into a :class:`RuleSpec`, or raise :class:`RuleFileError`."""
    v = _Validator(path, lines)
    if not isinstance(data, dict):
        raise v.fail((), "a rule file must be a mapping of fields (id, lang, kind, ...)")
    for key in data:
        if key not in _TOP_KEYS:
            raise v.fail((key,), f"unknown field '{key}' (expected one of: {', '.join(sorted(_TOP_KEYS))})")
    rule_id = v.string(data, "id", ())
    if rule_id != path.stem:
        raise v.fail(("id",), f"id '{rule_id}' must match the file name '{path.stem}.yml'")
    lang = v.string(data, "lang", ())
    if lang not in ("ro", "en"):
        raise v.fail(("lang",), f"lang must be 'ro' or 'en', not {lang!r}")
    kind = v.string(data, "kind", ())
    if kind not in KINDS:
        raise v.fail(("kind",), f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    try:
        severity = Severity.parse(v.string(data, "severity", ()))
    except ValueError as exc:
        raise v.fail(("severity",), str(exc)) from None
    negation = v.boolean(data, "negation", kind == "presence")
    skip_quoted = v.boolean(data, "skip-quoted", False)

    match = v.match_spec(data.get("match"), ("match",))
    replacements = []
    raw_repl = data.get("replacements") or []
    if not isinstance(raw_repl, list):
        raise v.fail(("replacements",), "'replacements' must be a list of {phrase, with}")
    for i, item in enumerate(raw_repl):
        entry = v.mapping(item, ("replacements", i), {"phrase", "with"})
        replacements.append(
            Replacement(v.string(entry, "phrase", ("replacements", i)), entry.get("with", "") or "")
        )
    if not match and not replacements:
        raise v.fail(("match",), "the rule needs 'match' with phrases or regex")

    fix_data = v.mapping(data.get("fix"), ("fix",), {"replace", "sentence", "delete"})
    fix = Fix(
        replace=v.registered(fix_data["replace"], ("fix", "replace")) if "replace" in fix_data else None,
        sentence=v.registered(fix_data["sentence"], ("fix", "sentence")) if "sentence" in fix_data else None,
        delete=bool(fix_data.get("delete", False)),
    )
    insert = None
    if "insert" in data:
        if kind != "absence":
            raise v.fail(("insert",), "'insert' belongs to absence rules")
        ins = v.mapping(data["insert"], ("insert",), {"at", "text"})
        at = v.string(ins, "at", ("insert",))
        if at not in INSERT_PLACES:
            raise v.fail(("insert", "at"), f"'at' must be one of {', '.join(INSERT_PLACES)}")
        insert = Insert(at, v.registered(ins.get("text"), ("insert", "text")))

    model = v.mapping(data.get("model"), ("model",),
                      {"label", "unless-sentiment", "needs-sentiment", "unless-rules", "unless"})
    label = model.get("label")
    if label is not None and label not in MODEL_LABELS:
        raise v.fail(("model", "label"), f"unknown model label {label!r} (one of: {', '.join(MODEL_LABELS)})")
    unless_sentiment = model.get("unless-sentiment")
    if unless_sentiment is not None and unless_sentiment not in MODEL_SENTIMENTS:
        raise v.fail(("model", "unless-sentiment"),
                     f"unknown sentiment {unless_sentiment!r} (one of: {', '.join(MODEL_SENTIMENTS)})")

    implied = dict(v.mapping(data.get("implied-by"), ("implied-by",), {"rule", "phrases", "regex"}))
    implied_rule = implied.pop("rule", None)
    if (implied or implied_rule is not None) and not (implied and isinstance(implied_rule, str) and implied_rule.strip()):
        raise v.fail(("implied-by",), "'implied-by' needs the 'rule' whose matches count, and phrases or regex")
    if implied_rule is not None and kind != "presence":
        raise v.fail(("implied-by",), "'implied-by' belongs to presence rules")

    needs = v.mapping(model.get("needs-sentiment"), ("model", "needs-sentiment"), set(MODEL_SENTIMENTS))
    if len(needs) > 1 or not all(isinstance(x, (int, float)) and 0 <= x <= 1 for x in needs.values()):
        raise v.fail(("model", "needs-sentiment"), "'needs-sentiment' takes one sentiment and a share from 0 to 1")

    examples = v.mapping(data.get("examples"), ("examples",), {"flag", "pass"})
    flag = v.strings(examples.get("flag"), ("examples", "flag"))
    passing = v.strings(examples.get("pass"), ("examples", "pass"))
    if not flag or not passing:
        raise v.fail(("examples",), "every rule needs examples: at least one under 'flag' and one under 'pass'")

    return RuleSpec(
        id=rule_id,
        lang=lang,
        kind=kind,
        severity=severity,
        title=v.string(data, "title", (), required=False) or rule_id,
        message=v.string(data, "message", ()),
        why=v.string(data, "why", ()),
        path=path,
        negation=negation,
        skip_quoted=skip_quoted,
        match=match,
        unless=v.match_spec(data.get("unless"), ("unless",)),
        excluded_by=v.strings(data.get("excluded-by"), ("excluded-by",)),
        sentence_excluded_by=v.strings(data.get("sentence-excluded-by"), ("sentence-excluded-by",)),
        satisfied_by=v.strings(data.get("satisfied-by"), ("satisfied-by",)),
        implied_by_rule=implied_rule,
        implied_by=v.match_spec(implied, ("implied-by",)),
        replacements=tuple(replacements),
        fix=fix,
        insert=insert,
        model_label=label,
        model_unless_sentiment=unless_sentiment,
        model_needs_sentiment=next(((k, float(x)) for k, x in needs.items()), None),
        model_unless_rules=v.strings(model.get("unless-rules"), ("model", "unless-rules")),
        model_unless=v.match_spec(model.get("unless"), ("model", "unless")),
        flag_examples=flag,
        pass_examples=passing,
        lines=dict(lines),
    )
