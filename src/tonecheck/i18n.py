"""The few interface strings tonecheck writes itself, per language. Rule wording lives
in the rule files."""

from __future__ import annotations

_STRINGS = {
    "replace": {"ro": "Înlocuiți cu „{text}”", "en": "Replace with “{text}”"},
    "rephrase": {"ro": "Reformulați: „{text}”", "en": "Rephrase: “{text}”"},
    "delete": {"ro": "Ștergeți „{text}”", "en": "Delete “{text}”"},
    "insert": {"ro": "Adăugați: „{text}”", "en": "Add: “{text}”"},
    "model_message": {
        "ro": "Modelul de ton citește această propoziție ca {label} ({score:.0%}).",
        "en": "The tone model reads this sentence as {label} ({score:.0%}).",
    },
}


def t(key: str, lang: str, **values: object) -> str:
    table = _STRINGS[key]
    return table.get(lang, table["en"]).format(**values)
