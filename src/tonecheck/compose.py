"""Compose a clean farewell draft in another language from the facts of a draft.

This is not a translation. :func:`extract_facts` reads what a draft states: who is greeted
(name, title) and who signs, the register (dumneavoastră/vă or tu; formal or casual
English), the end date, what is handed over (files, access, code, notes…, a referral, a
briefing) and the reason when it is a general one (a new job, studies, a change of
focus…; never a reproach). :func:`render` writes those facts with the sentences of
``rules/<lang>/compose.yml`` in the other language, and :func:`compose` does both. The
result says what it is: ``Composed.composed`` is True and ``Composed.header`` is a line
for the reader ("composed from its facts, not a translation").

The template files are data, validated on load (:func:`load_templates`): every field,
register and placeholder is checked, and a problem is reported as ``file:line``.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .analysis import SentenceInfo
from .dates import find_dates, format_date, notice_end
from .document import Document
from .errors import RuleFileError
from .linter import Linter, default_linter
from .normalize import comma_below, fold
from .report import Report
from .rewrite import _Layout, _register
from .rules.compiled import Matcher
from .rules.loader import _tokenizer, builtin_rules_dir
from .rules.schema import MatchSpec, Registered, _Validator
from .rules.yamlio import load_yaml

COMPOSE_FILE = "compose.yml"
LANGS = ("ro", "en")
# The checks whose sentences are no source of facts: a reason given as blame is no reason.
_NOT_FACTS = ("blame", "hostile-tone", "guilt-wavering", "breakup-word")
_MAX_ITEMS = 3


# -- the template files ------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A fact with an id shared across languages: how it reads, and how it is recognised."""

    id: str
    text: Registered
    matcher: Matcher | None = field(default=None, compare=False, repr=False)

    def found_in(self, info: SentenceInfo) -> bool:
        return bool(self.matcher and self.matcher.find(info.tokens, info.folded, info.start, info.text))


@dataclass(frozen=True)
class Title:
    id: str
    words: frozenset[str]
    text: str


@dataclass(frozen=True)
class Templates:
    """One language's ``compose.yml``, validated."""

    lang: str
    path: Path
    header: str
    language_names: dict[str, str]
    greeting_with_name: Registered
    greeting_without_name: Registered
    titles: tuple[Title, ...]
    opening: Registered
    reason_default: Registered
    reasons: tuple[Kind, ...]
    notice: Registered
    handover_items: Registered
    handover_default: Registered
    referral: Registered
    briefing: Registered
    referral_match: Matcher = field(compare=False, repr=False)
    briefing_match: Matcher = field(compare=False, repr=False)
    items: tuple[Kind, ...] = ()
    thanks: Registered = Registered("", "")
    signoff: Registered = Registered("", "")
    list_and: str = "and"

    def reason(self, kind: str | None) -> Registered:
        return next((k.text for k in self.reasons if k.id == kind), self.reason_default)

    def item(self, kind: str) -> str | None:
        return next((k.text.formal for k in self.items if k.id == kind), None)

    def title(self, kind: str | None) -> Title | None:
        return next((t for t in self.titles if t.id == kind), None)


_TOP = {"lang", "header", "language-names", "greeting", "titles", "opening", "reasons", "notice", "handover",
        "thanks", "signoff", "list-and"}


class _TemplateValidator(_Validator):
    """The rule-file validator, plus placeholders and phrase lists."""

    def text(self, data: dict[str, Any], key: str, where: tuple[Any, ...], placeholders: set[str],
             required: set[str] | None = None) -> Registered:
        if key not in data:
            raise self.fail(where, f"missing required field '{key}'")
        value = self.registered(data[key], (*where, key))
        for version in (value.formal, value.informal):
            if not version.strip():
                raise self.fail((*where, key), f"'{key}' must be a non-empty text")
            try:
                names = {name for _, name, _, _ in string.Formatter().parse(version) if name is not None}
            except ValueError as exc:
                raise self.fail((*where, key), f"bad placeholder in '{key}': {exc}") from None
            unknown = names - placeholders
            if unknown:
                allowed = ", ".join("{" + p + "}" for p in sorted(placeholders)) or "none"
                raise self.fail((*where, key), f"unknown placeholder {{{sorted(unknown)[0]}}} in '{key}' "
                                               f"(allowed: {allowed})")
            missing = (required or set()) - names
            if missing:
                raise self.fail((*where, key), f"'{key}' must use {{{sorted(missing)[0]}}}")
        return value

    def matcher(self, value: Any, where: tuple[Any, ...], lang: str) -> Matcher:
        phrases = self.strings(value, where)
        if not phrases:
            raise self.fail(where, f"'{where[-1]}' needs at least one phrase")

        def fail(_field: str, i: int, problem: str) -> RuleFileError:
            return self.fail((*where, i), problem)

        return Matcher(MatchSpec(phrases=phrases), _tokenizer(lang), fail)

    def kinds(self, value: Any, where: tuple[Any, ...], lang: str) -> tuple[Kind, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(where, f"'{where[-1]}' must be a list of {{id, match, text}}")
        out: list[Kind] = []
        for i, item in enumerate(value):
            entry = self.mapping(item, (*where, i), {"id", "match", "text"})
            kind_id = self.string(entry, "id", (*where, i))
            if any(k.id == kind_id for k in out):
                raise self.fail((*where, i, "id"), f"duplicate id '{kind_id}'")
            out.append(Kind(kind_id, self.text(entry, "text", (*where, i), set()),
                            self.matcher(entry.get("match"), (*where, i, "match"), lang)))
        return tuple(out)


def load_templates(path: Path) -> Templates:
    """Read and validate one ``compose.yml``; raise :class:`RuleFileError` on any problem."""
    data, lines = load_yaml(path)
    v = _TemplateValidator(path, lines)
    if not isinstance(data, dict):
        raise v.fail((), "a compose file must be a mapping of fields (lang, greeting, ...)")
    data = v.mapping(data, (), _TOP)
    lang = v.string(data, "lang", ())
    if lang not in LANGS:
        raise v.fail(("lang",), f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    names = v.mapping(data.get("language-names"), ("language-names",), set(LANGS))
    if set(names) != set(LANGS) or not all(isinstance(n, str) and n.strip() for n in names.values()):
        raise v.fail(("language-names",), f"'language-names' needs a name for each of {', '.join(LANGS)}")
    greeting = v.mapping(data.get("greeting"), ("greeting",), {"with-name", "without-name"})
    titles = []
    raw_titles = data.get("titles") or []
    if not isinstance(raw_titles, list):
        raise v.fail(("titles",), "'titles' must be a list of {id, words, text}")
    for i, item in enumerate(raw_titles):
        entry = v.mapping(item, ("titles", i), {"id", "words", "text"})
        words = v.strings(entry.get("words"), ("titles", i, "words"))
        if not words:
            raise v.fail(("titles", i), "a title needs 'words'")
        text = v.text(entry, "text", ("titles", i), {"surname"}, {"surname"})
        titles.append(Title(v.string(entry, "id", ("titles", i)), frozenset(_word_key(w) for w in words), text.formal))
    reasons = v.mapping(data.get("reasons"), ("reasons",), {"default", "kinds"})
    handover = v.mapping(data.get("handover"), ("handover",),
                         {"items", "default", "referral", "briefing", "referral-match", "briefing-match", "kinds"})
    return Templates(
        lang=lang,
        path=path,
        header=v.text(data, "header", (), {"source"}).formal,
        language_names={k: str(n) for k, n in names.items()},
        greeting_with_name=v.text(greeting, "with-name", ("greeting",), {"name"}, {"name"}),
        greeting_without_name=v.text(greeting, "without-name", ("greeting",), set()),
        titles=tuple(titles),
        opening=v.text(data, "opening", (), set()),
        reason_default=v.text(reasons, "default", ("reasons",), set()),
        reasons=v.kinds(reasons.get("kinds"), ("reasons", "kinds"), lang),
        notice=v.text(data, "notice", (), {"end_date"}, {"end_date"}),
        handover_items=v.text(handover, "items", ("handover",), {"items"}, {"items"}),
        handover_default=v.text(handover, "default", ("handover",), set()),
        referral=v.text(handover, "referral", ("handover",), set()),
        briefing=v.text(handover, "briefing", ("handover",), set()),
        referral_match=v.matcher(handover.get("referral-match"), ("handover", "referral-match"), lang),
        briefing_match=v.matcher(handover.get("briefing-match"), ("handover", "briefing-match"), lang),
        items=v.kinds(handover.get("kinds"), ("handover", "kinds"), lang),
        thanks=v.text(data, "thanks", (), set()),
        signoff=v.text(data, "signoff", (), set()),
        list_and=v.string(data, "list-and", ()),
    )


_cache: dict[tuple[str, Path], Templates] = {}
_cache_lock = threading.Lock()


def templates(lang: str, folder: Path | None = None) -> Templates:
    """The compose templates of ``lang`` from ``folder`` (default: the built-in rules), loaded once."""
    if lang not in LANGS:
        raise ValueError(f"no compose templates for {lang!r} (one of: {', '.join(LANGS)})")
    path = (folder or builtin_rules_dir()) / lang / COMPOSE_FILE
    with _cache_lock:
        found = _cache.get((lang, path))
    if found is None:
        found = load_templates(path)
        if found.lang != lang:
            raise RuleFileError(str(path), None, f"lang is {found.lang!r}, but the file is in the '{lang}' folder")
        with _cache_lock:
            _cache[(lang, path)] = found
    return found


def _word_key(word: str) -> str:
    return fold(comma_below(word)).strip(".").lower()


# -- the facts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What a draft states, in no language: the input of :func:`render`."""

    source_lang: str
    register: str  # "formal" | "informal"
    name: str | None = None  # the client as greeted: a first name, or a surname with ``title``
    title: str | None = None  # a title id of compose.yml ("mr", "ms", "dr")
    sender: str | None = None
    end_date: dt.date | None = None  # None: the default notice (two weeks from the send date)
    reason: str | None = None  # a reason kind id; None: the general default
    items: tuple[str, ...] = ()  # handover kind ids, in the order of compose.yml
    referral: bool = False
    briefing: bool = False
    notes: tuple[str, ...] = ()  # what could not be kept, for the reader


def extract_facts(text: str, *, linter: Linter | None = None, lang: str | None = None,
                  today: dt.date | None = None, report: Report | None = None) -> Facts:
    """Read the facts of a draft (see :class:`Facts`)."""
    linter = linter or default_linter()
    today = today or dt.date.today()
    report = report or linter.check(text, lang, today=today)
    source = report.lang
    src = templates(source)
    doc = Document.from_text(text)
    layout = _Layout.of(doc.text, source, linter.rules)
    flagged = [(f.start, f.end) for f in report.findings if f.rule in _NOT_FACTS and f.end > f.start]
    if doc.text != text:  # the findings' offsets are into the text as given; the layout's into its NFC form
        back = {doc.to_source(i): i for i in range(len(doc.text) + 1)}
        flagged = [(back.get(a, a), back.get(b, b)) for a, b in flagged]
    clean = [s for s in layout.body if not any(a < s.end and s.start < b for a, b in flagged)]

    reason = next((k.id for k in src.reasons if any(k.found_in(s) for s in clean)), None)
    handover_rule = next((r for r in linter.rules.for_lang(source) if r.id == "missing-handover"), None)
    handing = [s for s in clean if handover_rule is None
               or handover_rule.matcher.find(s.tokens, s.folded, s.start, s.text)]
    items = tuple(k.id for k in src.items if any(k.found_in(s) for s in handing))
    referral = any(src.referral_match.find(s.tokens, s.folded, s.start, s.text) for s in clean)
    briefing = any(src.briefing_match.find(s.tokens, s.folded, s.start, s.text) for s in clean)

    notes = []
    end = _end_date(layout, today)
    if end is not None and end < today:
        notes.append(f"the end date in the draft ({end.isoformat()}) is past; the default notice is used")
        end = None
    name, title = _addressee(layout, src)
    sender = _sender(layout)
    # a name keeps its letters, but ş ţ (cedilla) are written ș ț in any language
    name, sender = (comma_below(n) if n else n for n in (name, sender))
    return Facts(source_lang=source, register=_register(layout), name=name, title=title, sender=sender,
                 end_date=end, reason=reason, items=items[:_MAX_ITEMS], referral=referral, briefing=briefing,
                 notes=tuple(notes))


def _end_date(layout: _Layout, today: dt.date) -> dt.date | None:
    """The end date: the latest date in a sentence that speaks of ending, else the latest date."""
    analysis = layout.analysis
    ends: list[dt.date] = []
    others: list[dt.date] = []
    for info in layout.body:
        profile = analysis.profiles.get(info.lang)
        is_end = bool(profile and profile.end_cues and profile.end_cues.find(info.tokens, info.folded, info.start,
                                                                              info.text))
        (ends if is_end else others).extend(d.day for d in find_dates(info.text, today))
    pool = ends or others
    return max(pool) if pool else None


def _addressee(layout: _Layout, src: Templates) -> tuple[str | None, str | None]:
    """The name (and title) in the greeting: "Bună ziua, doamna Ionescu," -> ("Ionescu", "ms")."""
    info = layout.greeting or (layout.sentences[0] if layout.inline_greeting and layout.sentences else None)
    if info is None:
        return None, None
    profile = layout.analysis.profiles.get(info.lang)
    greeting_spans = [(h.start, h.end) for h in profile.greeting.find(info.tokens, info.folded, info.start)] \
        if profile else []
    title = None
    name: list[str] = []
    for tok in info.tokens:
        if not tok.is_word:  # punctuation ends the name ("Hi Sam," "Hi Emma —")
            if name:
                break
            continue
        found = next((t.id for t in src.titles if _word_key(tok.text) in t.words), None)
        if found is not None and not name:
            title = found
        elif not name and any(a <= tok.start and tok.end <= b for a, b in greeting_spans):
            continue
        elif tok.text[:1].isupper():
            name.append(tok.text.title() if tok.text.isupper() and len(tok.text) > 1 else tok.text)
        else:
            break
    return (" ".join(name) or None), (title if name else None)


def _sender(layout: _Layout) -> str | None:
    """The name under the sign-off, or the bare name that closes the draft."""
    if layout.closing is None:
        return None
    text = layout.text
    lines = [ln.strip() for ln in text[layout.closing :].splitlines() if ln.strip()]
    if layout.analysis.signoff is not None or layout.closing_line is not None:
        lines = lines[1:]
    name = " ".join(lines).lstrip("-–— ").strip()
    words = re.findall(r"\w+", name)
    return name if 0 < len(words) <= 4 else None


# -- writing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Composed:
    """A draft composed in ``lang`` from the facts of one in ``facts.source_lang``."""

    text: str
    lang: str
    header: str
    facts: Facts
    composed: bool = True


def render(facts: Facts, to: str, today: dt.date | None = None, folder: Path | None = None) -> Composed:
    """Write ``facts`` as a farewell draft in ``to`` with the templates of ``compose.yml``."""
    tpl = templates(to, folder)
    reg = facts.register
    title = tpl.title(facts.title)
    if facts.name:
        addressee = title.text.format(surname=facts.name) if title else facts.name
        greeting = tpl.greeting_with_name.pick(reg).format(name=addressee)
    else:
        greeting = tpl.greeting_without_name.pick(reg)
    end = facts.end_date or notice_end(today)
    opening = tpl.opening.pick(reg) + " " + tpl.reason(facts.reason).pick(reg)
    notice = tpl.notice.pick(reg).format(end_date=format_date(end, to))
    items = [t for t in (tpl.item(i) for i in facts.items) if t]
    handover = [tpl.handover_items.pick(reg).format(items=_join(items, tpl.list_and)) if items
                else tpl.handover_default.pick(reg)]
    if facts.referral or not items:
        handover.append(tpl.referral.pick(reg))
    if facts.briefing or not items:
        handover.append(tpl.briefing.pick(reg))
    closing = tpl.signoff.pick(reg) + ("\n" + facts.sender if facts.sender else "")
    paragraphs = [greeting, opening, notice, " ".join(handover), tpl.thanks.pick(reg), closing]
    header = tpl.header.format(source=tpl.language_names.get(facts.source_lang, facts.source_lang))
    return Composed(text="\n\n".join(paragraphs) + "\n", lang=to, header=header, facts=facts)


def _join(items: list[str], word: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def compose(text: str, to: str, *, linter: Linter | None = None, lang: str | None = None,
            today: dt.date | None = None, register: str | None = None, report: Report | None = None) -> Composed:
    """A clean draft in ``to`` ("ro" or "en") from the facts of ``text``; ``register``
    ("formal"/"informal") overrides the draft's own."""
    if to not in LANGS:
        raise ValueError(f"--to must be one of {', '.join(LANGS)}, not {to!r}")
    facts = extract_facts(text, linter=linter, lang=lang, today=today, report=report)
    if register in ("formal", "informal"):
        from dataclasses import replace

        facts = replace(facts, register=register)
    return render(facts, to, today)

