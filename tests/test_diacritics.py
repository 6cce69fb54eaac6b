"""missing-diacritics: one finding per slip, one finding for a draft typed without them."""

from __future__ import annotations

import tonecheck
from tonecheck.rewrite import apply_edits

WITHOUT = ("Salut Mihai,\n\nVreau sa te anunt ca dupa lansarea din ianuarie nu mai pot lucra pe aplicatie. "
           "Iti las documentatia in Notion.\n\nMultumesc mult pentru incredere!\n\nAndrei\n")
ONE_SLIP = "Bună ziua,\n\nVă mulțumesc pentru încrederea acordată și pentru răbdare. Multumesc încă o dată.\n"


def _diacritics(report: tonecheck.Report) -> list[tonecheck.Finding]:
    return [f for f in report.findings if f.rule == "missing-diacritics"]


def test_a_draft_without_diacritics_gets_one_finding_that_fixes_all(rules_linter: tonecheck.Linter) -> None:
    found = _diacritics(rules_linter.check(WITHOUT, "ro"))
    assert len(found) == 1
    edits = found[0].suggestions[0].edits
    assert len(edits) >= 6
    fixed = apply_edits(WITHOUT, list(edits))
    for word in ("anunț", "după", "aplicație", "Îți", "documentația", "Mulțumesc", "încredere"):
        assert word in fixed
    assert _diacritics(rules_linter.check(fixed, "ro")) == []


def test_a_slip_in_a_draft_with_diacritics_is_flagged_alone(rules_linter: tonecheck.Linter) -> None:
    found = _diacritics(rules_linter.check(ONE_SLIP, "ro"))
    assert [ONE_SLIP[f.start:f.end] for f in found] == ["Multumesc"]
    assert found[0].suggestions[0].edits[0].text == "Mulțumesc"
