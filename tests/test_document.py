"""Offsets: code points, UTF-16 and lines agree, with emoji, diacritics, CRLF and NFD input."""

from __future__ import annotations

import unicodedata

import tonecheck
from tonecheck.document import Document, split_sentences, utf16_len
from tonecheck.normalize import fold


def test_fold_keeps_length_and_strips_diacritics() -> None:
    for text in ["Mulţumesc şi pauză", "ÎNCHEIERE", "I’m done", "İstanbul"]:
        assert len(fold(text)) == len(text)
    assert fold("Mulţumesc şi pauză") == "multumesc si pauza"


def test_utf16_positions_with_emoji_and_crlf() -> None:
    text = "Hi 😀 Ana,\r\nCred că e o pauză."
    doc = Document.from_text(text)
    offset = text.index("pauză")
    line, char = doc.utf16_position(offset)
    assert line == 1
    assert char == utf16_len(text.split("\r\n")[1][: text.split("\r\n")[1].index("pauză")])
    assert doc.offset_from_utf16(line, char) == offset
    assert doc.line_col(offset) == (2, offset - text.index("Cred") + 1)


def test_nfd_input_maps_back_to_the_users_text(rules_linter: tonecheck.Linter) -> None:
    nfc = "Cred că avem nevoie de o pauză."
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    report = rules_linter.check(nfd, "ro")
    hit = next(f for f in report.findings if f.rule == "breakup-word")
    assert unicodedata.normalize("NFC", nfd[hit.start : hit.end]).endswith("pauză")


def test_finding_offsets_with_emoji_before(rules_linter: tonecheck.Linter) -> None:
    text = "😀😀 Hi,\r\nI think we need to take a break."
    report = rules_linter.check(text, "en")
    hit = next(f for f in report.findings if f.rule == "breakup-word")
    assert text[hit.start : hit.end] == "take a break"
    assert (hit.line, hit.column) == (2, text.split("\r\n")[1].index("take") + 1)


def test_clock_times_end_a_sentence_only_before_a_capital() -> None:
    texts = [s.text for s in Document.from_text("Thanks for the 7 a.m. pings. I work until 5 p.m. Then I stop.").sentences]
    assert texts == ["Thanks for the 7 a.m. pings.", "I work until 5 p.m.", "Then I stop."]


def test_sentences_split_on_lines_and_punctuation_not_abbreviations() -> None:
    text = "Bună ziua,\nvă scriu pentru că dl. Popescu a plecat. Mulțumesc!\n- fișiere\n- parole"
    sentences = [s.text for s in split_sentences(text)]
    assert sentences == ["Bună ziua,", "vă scriu pentru că dl. Popescu a plecat.", "Mulțumesc!", "- fișiere", "- parole"]


def test_hard_wrapped_lines_are_one_sentence() -> None:
    text = "I have decided to end our\ncollaboration at the end of the month."
    assert len(split_sentences(text)) == 1
