"""Build src/tonecheck/data/ro_diacritics.tsv from wordfreq's Romanian word list.

Each line: ``plain<TAB>diacritized<TAB>share`` where ``share`` is the frequency of the
diacritized form over the frequency of all forms that fold to ``plain`` (the plain form
included). tonecheck uses it to restore diacritics for lemma lookup and to suggest the
fix for ``missing-diacritics``; a low share marks an ambiguous word ("va"/"vă").

The word list is CC-BY-SA-4.0 data from wordfreq (see NOTICE). Run:
    .venv/bin/pip install wordfreq==3.1.1 && .venv/bin/python scripts/build_ro_diacritics.py
"""

from __future__ import annotations

import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import wordfreq

OUT = Path(__file__).resolve().parent.parent / "src" / "tonecheck" / "data" / "ro_diacritics.tsv"
CEDILLA = str.maketrans("şţŞŢ", "șțȘȚ")


def strip(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def main() -> int:
    groups: dict[str, dict[str, float]] = defaultdict(dict)
    for word in wordfreq.iter_wordlist("ro", wordlist="small"):
        word = unicodedata.normalize("NFC", word.translate(CEDILLA))
        if not word.isalpha():
            continue
        freq = wordfreq.word_frequency(word, "ro", wordlist="small")
        forms = groups[strip(word)]
        forms[word] = forms.get(word, 0.0) + freq
    lines = []
    for plain, forms in sorted(groups.items()):
        best, best_freq = max(forms.items(), key=lambda kv: kv[1])
        if best == plain:
            continue
        share = best_freq / sum(forms.values())
        lines.append(f"{plain}\t{best}\t{share:.3f}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} entries to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
