"""Language identification, limited to the two languages tonecheck speaks."""

from __future__ import annotations

import re
import threading
from typing import Any

from .normalize import fold, has_romanian_diacritics

LANGUAGES = ("ro", "en")

# Frequent function words, folded; they settle short texts that n-gram models find hard.
_MARKERS = {
    "ro": set("si sa va ca nu pe cu de la in din pentru este sunt am ati mai dar iar multumesc buna ziua"
              " salut voi noi eu tu dumneavoastra dvs va fost acest aceasta colaborare colaborarea".split()),
    "en": set("the and you your to of is are was for with have this that will be thank thanks i we"
              " my our it not but hi hello dear regards best".split()),
}
_WORD = re.compile(r"\w+", re.UNICODE)

_detector: Any = None
_detector_lock = threading.Lock()


def _lingua() -> Any:
    global _detector
    with _detector_lock:
        if _detector is None:
            from lingua import Language, LanguageDetectorBuilder

            _detector = (
                LanguageDetectorBuilder.from_languages(Language.ROMANIAN, Language.ENGLISH)
                .with_preloaded_language_models()
                .build()
            )
    return _detector


def detect(text: str, default: str = "en") -> tuple[str, float]:
    """Return ("ro" | "en", confidence in [0.5, 1]) for ``text``."""
    if has_romanian_diacritics(text):
        return "ro", 1.0
    words = _WORD.findall(fold(text))
    if not words:
        return default, 0.5
    ro = sum(w in _MARKERS["ro"] for w in words)
    en = sum(w in _MARKERS["en"] for w in words)
    if len(words) <= 3 and ro != en:
        return ("ro" if ro > en else "en"), 0.7
    values = _lingua().compute_language_confidence_values(text)
    best = values[0]
    lang = "ro" if best.language.name == "ROMANIAN" else "en"
    return lang, float(best.value)


def detect_sentence(text: str, document_lang: str) -> str:
    """A sentence's own language; short or unsure ones follow the document."""
    if len(_WORD.findall(text)) < 4:
        return document_lang
    lang, confidence = detect(text, default=document_lang)
    return lang if confidence >= 0.9 else document_lang
