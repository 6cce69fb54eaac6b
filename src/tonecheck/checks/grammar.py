"""Grammar and spelling from LanguageTool's rules.

By default the embedded engine (``lingotweaker``, LanguageTool's rules in Rust, offline);
when the config names a LanguageTool URL, the user's own server through
``language-tool-python``. That URL is the only network traffic tonecheck ever makes.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Any

from ..analysis import Analysis
from ..config import Config
from ..errors import GrammarUnavailable
from ..i18n import t
from ..report import Edit, Finding, Severity, Suggestion
from ..rules.loader import RuleSet
from .base import CheckContext, CheckInfo, register

LT_LANG = {"ro": "ro-RO", "en": "en-US"}
MAX_SUGGESTIONS = 3
CACHE_SIZE = 512
# (rule id, message, start, end, replacements), offsets in code points of the checked text
Match = tuple[str, str, int, int, list[str]]


class _Engines:
    """LanguageTool engines per language, built on first use and shared by threads."""

    def __init__(self, url: str | None) -> None:
        self.url = url
        self._engines: dict[str, Any] = {}
        self._lock = threading.Lock()

    def get(self, lang: str) -> Any:
        with self._lock:
            if lang not in self._engines:
                self._engines[lang] = self._build(lang)
            return self._engines[lang]

    def _build(self, lang: str) -> Any:
        try:
            if self.url:
                import language_tool_python

                return language_tool_python.LanguageTool(LT_LANG[lang], remote_server=self.url)
            import lt_py

            return lt_py.Engine(LT_LANG[lang])
        except Exception as exc:  # any failure to start means "no grammar", said once
            raise GrammarUnavailable(f"grammar check unavailable for {lang}: {exc}".splitlines()[0]) from None


_shared: dict[str | None, _Engines] = {}


@register("grammar")
class Grammar:
    """LanguageTool's grammar and spelling rules, as `grammar:<LanguageTool rule id>`."""

    name = "grammar"
    info = CheckInfo(
        id="grammar:*", title="Grammar and spelling (LanguageTool)", severity=Severity.WARNING,
        why=("Typos and grammar slips in a farewell message undercut its professionalism. These come from "
             "LanguageTool's rules; they are warnings so a slip never blocks sending."),
        langs=("ro", "en"), message="(LanguageTool's own message)",
        flag_examples=("Their is a problem with the invoice.",), pass_examples=("There is a problem with the invoice.",),
    )

    def __init__(self, config: Config, rules: RuleSet) -> None:
        self.engines = _shared.setdefault(config.languagetool_url, _Engines(config.languagetool_url))
        self.remote = config.languagetool_url is not None
        self._cache: OrderedDict[tuple[str, str], list[Match]] = OrderedDict()
        self._cache_lock = threading.Lock()

    def infos(self) -> list[CheckInfo]:
        return [self.info]

    def run(self, analysis: Analysis, ctx: CheckContext) -> list[Finding]:
        text = analysis.doc.text
        findings = []
        # Paragraph by paragraph, with a cache: the editor re-checks a draft after every
        # pause, and only the paragraph being typed in has changed.
        for start, end in _paragraphs(text):
            findings += [f for f in self._check(text[start:end], start, analysis.lang)
                         if _lang_at(analysis, f.start) == analysis.lang]
        for info in analysis.sentences:
            if info.lang != analysis.lang:
                findings += self._check(info.text, info.start, info.lang)
        return findings

    def _check(self, text: str, offset: int, lang: str) -> list[Finding]:
        out = []
        for rule_id, message, start, end, replacements in self._matches(text, lang):
            suggestions = tuple(
                Suggestion(t("replace", lang, text=r), (Edit(offset + start, offset + end, r),))
                for r in replacements[:MAX_SUGGESTIONS]
            )
            out.append(Finding(
                rule=f"grammar:{rule_id}", severity=self.info.severity, message=message,
                start=offset + start, end=offset + end, confidence=0.8, source="grammar",
                suggestions=suggestions, why=self.info.why,
            ))
        return out

    def _matches(self, text: str, lang: str) -> list[Match]:
        key = (lang, text)
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        engine = self.engines.get(lang)
        if self.remote:
            matches = [_from_remote(m, text) for m in engine.check(text)]
        else:
            matches = [_from_local(m, text) for m in engine.check(text)]
        with self._cache_lock:
            self._cache[key] = matches
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return matches


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for m in re.finditer(r"\n[ \t]*(?:\r?\n)+", text):
        if text[pos : m.start()].strip():
            spans.append((pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        spans.append((pos, len(text)))
    return spans


def _lang_at(analysis: Analysis, offset: int) -> str:
    for info in analysis.sentences:
        if info.start <= offset < info.end:
            return info.lang
    return analysis.lang


def _from_local(m: dict[str, Any], text: str) -> tuple[str, str, int, int, list[str]]:
    # lingotweaker reports UTF-8 byte offsets.
    raw = text.encode("utf-8")
    start = len(raw[: m["offset"]].decode("utf-8", "ignore"))
    end = len(raw[: m["offset"] + m["length"]].decode("utf-8", "ignore"))
    return m["rule_id"], m["message"], start, end, list(m.get("suggestions") or [])


def _from_remote(m: Any, text: str) -> tuple[str, str, int, int, list[str]]:
    # A LanguageTool server reports UTF-16 offsets.
    units = text.encode("utf-16-le")
    start = len(units[: 2 * m.offset].decode("utf-16-le", "ignore"))
    end = len(units[: 2 * (m.offset + m.error_length)].decode("utf-16-le", "ignore"))
    return m.rule_id, m.message, start, end, list(m.replacements or [])
