"""Every rule file's own examples: each 'flag' example fires the rule, each 'pass' does not."""

from __future__ import annotations

import pytest

import tonecheck
from tonecheck.rules.loader import builtin_rules_dir, load_rules

RULES = load_rules([builtin_rules_dir()])
CASES = [
    pytest.param(spec.id, spec.lang, text, expected, id=f"{spec.lang}-{spec.id}-{kind}{i}")
    for spec in RULES.specs()
    for kind, expected, examples in (("flag", True, spec.flag_examples), ("pass", False, spec.pass_examples))
    for i, text in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "lang", "text", "expected"), CASES)
def test_rule_example(rules_linter: tonecheck.Linter, rule: str, lang: str, text: str, expected: bool) -> None:
    report = rules_linter.check(text, lang)
    fired = rule in report.rules
    assert fired == expected, f"{rule} {'did not fire' if expected else 'fired'} on {text!r}: {report.rules}"


def test_every_check_exists_in_both_languages() -> None:
    wanted = {"breakup-word", "blame", "hostile-tone", "guilt-wavering", "missing-thanks", "missing-notice",
              "missing-handover", "missing-reason"}
    for lang in ("ro", "en"):
        assert {r.id for r in RULES.for_lang(lang)} == wanted


def test_code_checks_examples(rules_linter: tonecheck.Linter) -> None:
    for rule in ("cedilla-diacritics", "missing-diacritics", "mixed-register"):
        info = rules_linter.info(rule)
        assert info is not None
        for text in info.flag_examples:
            assert rule in rules_linter.check(text, "ro").rules
        for text in info.pass_examples:
            assert rule not in rules_linter.check(text, "ro").rules
