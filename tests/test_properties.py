"""Properties that hold for any text: findings lie inside it, offsets agree across code
points, UTF-16 and lines, edits apply cleanly, rewriting twice changes nothing, and
nothing raises but the documented errors."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tonecheck
from tonecheck.document import Document, utf16_len
from tonecheck.rewrite import apply_edits, choose_edits

WORDS = ["pauză", "pauza", "break", "you never paid", "mulţumesc", "Thanks for nothing", "😀", "\r\n", "\n\n",
         "Bună ziua,", "Hi Sam,", "Best,", "Cu stimă,", "nu", "not", "!!!", "DONE NOW OK", "ș", "e\u0301", " ", ".",
         "last day 15 May", "fișierele", "dl.", "…", "\t", "I feel so guilty", "dacă insistați"]
TEXT = st.lists(st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=12)), min_size=1, max_size=25).map(" ".join)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(text=TEXT)
def test_findings_lie_inside_and_offsets_agree(rules_linter: tonecheck.Linter, text: str) -> None:
    try:
        report = rules_linter.check(text)
    except tonecheck.InputError:
        return
    doc = Document.from_text(text)
    for f in report.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert (f.line, f.column) == doc.line_col(f.start)
        line, char = doc.utf16_position(f.start)
        assert doc.offset_from_utf16(line, char) == f.start
        prefix = text[: f.start].replace("\r\n", "\n").replace("\r", "\n").split("\n")[-1]
        assert char == utf16_len(prefix)
        for s in f.suggestions:
            for e in s.edits:
                assert 0 <= e.start <= e.end <= len(text)


@SETTINGS
@given(text=TEXT)
def test_edits_apply_and_rewrite_converges(rules_linter: tonecheck.Linter, text: str) -> None:
    try:
        report = rules_linter.check(text)
    except tonecheck.InputError:
        return
    edits = choose_edits(report.findings)
    for a in edits:  # chosen edits never overlap
        for b in edits:
            if a is not b and a.start < a.end and b.start < b.end:
                assert a.end <= b.start or b.end <= a.start
    apply_edits(text, edits)
    once = tonecheck.rewrite(text, linter=rules_linter).text
    twice = tonecheck.rewrite(once, linter=rules_linter).text
    assert tonecheck.rewrite(twice, linter=rules_linter).text == twice


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=300))
def test_any_bytes_decode_or_raise_input_error(data: bytes) -> None:
    from tonecheck.inputs import decode

    try:
        decoded = decode(data, "fuzz", 10_000)
    except tonecheck.InputError:
        return
    assert decoded.text.strip()
