"""The Python API: typed results, typed errors, thread safety, config, suppression."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

import tonecheck
from tonecheck.config import parse_config


def test_check_returns_typed_report(rules_linter: tonecheck.Linter) -> None:
    report = rules_linter.check("Hi Sam,\nI think we need to take a break.\nBest,\nAna")
    assert report.lang == "en"
    finding = next(f for f in report.findings if f.rule == "breakup-word")
    assert finding.severity is tonecheck.Severity.ERROR
    assert isinstance(finding.suggestions[0], tonecheck.Suggestion)
    assert isinstance(finding.suggestions[0].edits[0], tonecheck.Edit)


@pytest.mark.parametrize("bad", ["", "   \n\t ", "\x00\x01\x02\x03binary\x00\x00\x05"])
def test_bad_text_raises_input_error(rules_linter: tonecheck.Linter, bad: str) -> None:
    with pytest.raises(tonecheck.InputError):
        rules_linter.check(bad)


def test_too_large_text_raises_input_error() -> None:
    linter = tonecheck.Linter(parse_config({"max-bytes": 100}), model=False, grammar=False)
    with pytest.raises(tonecheck.InputError, match="over the limit"):
        linter.check("Thank you. " * 20)


def test_thread_safe(rules_linter: tonecheck.Linter) -> None:
    texts = ["Cred că avem nevoie de o pauză.", "You never paid on time.", "Mersi de nimic."] * 10
    expected = [rules_linter.check(t).rules for t in texts]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda t: rules_linter.check(t).rules, texts)) == expected


def test_mixed_language_sentences_use_their_own_rules(rules_linter: tonecheck.Linter) -> None:
    text = ("Bună ziua, vă mulțumesc pentru colaborare și vă scriu să vă spun că plec la sfârșitul lunii.\n"
            "Honestly, I think we need to take a break from working together.")
    report = rules_linter.check(text)
    assert report.lang == "ro"
    assert "breakup-word" in report.rules


def test_config_disable_severity_and_ignore() -> None:
    text = "Hi Sam,\nI think we need to take a break.\nBest,\nAna"
    off = tonecheck.Linter(parse_config({"disable-rules": ["breakup-word"]}), model=False, grammar=False)
    assert "breakup-word" not in off.check(text).rules
    warn = tonecheck.Linter(parse_config({"severity": {"breakup-word": "info"}}), model=False, grammar=False)
    assert next(f for f in warn.check(text).findings if f.rule == "breakup-word").severity is tonecheck.Severity.INFO
    hidden = tonecheck.Linter(parse_config({"ignore": [{"rule": "breakup-word", "phrase": "take a break"}]}),
                              model=False, grammar=False)
    assert "breakup-word" not in hidden.check(text).rules


def test_words_where_rule_ids_belong_get_a_helpful_error() -> None:
    with pytest.raises(tonecheck.ConfigError, match=r"not a rule id.*\[\[ignore\]\]"):
        tonecheck.Linter(parse_config({"disable-rules": ["pauza"]}), model=False, grammar=False)


@pytest.mark.parametrize("data", [{"disable": ["blame"]}, {"language": "fr"}, {"fail-on": "fatal"},
                                  {"ignore": [{"rule": "blame"}]}, {"max-bytes": -1}])
def test_bad_config_raises_config_error(data: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(tonecheck.ConfigError):
        parse_config(data)


def test_user_rule_folder_adds_a_rule(tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "house" / "en"
    folder.mkdir(parents=True)
    (folder / "no-asap.yml").write_text(
        "id: no-asap\nlang: en\nkind: presence\nseverity: warning\nmessage: 'Avoid “{match}”.'\n"
        "why: Pressure words.\nmatch:\n  phrases: [asap]\nexamples:\n  flag: [Send it ASAP.]\n  pass: [Send it soon.]\n",
        encoding="utf-8",
    )
    linter = tonecheck.Linter(parse_config({"rule-paths": [str(tmp_path / "house")]}), model=False, grammar=False)
    assert "no-asap" in linter.check("Please send it asap, thanks.", "en").rules


@pytest.mark.parametrize(("body", "problem"), [
    ("id: x\n", "must match the file name"),
    ("id: broken\nlang: en\nkind: presence\nseverity: loud\n", "unknown severity"),
    ("id: broken\nlang: en\nkind: presence\nseverity: error\nmessage: m\nwhy: w\nmatch:\n  phrases: ['(a b']\n"
     "examples: {flag: [a], pass: [b]}\n", "unclosed"),
    ("id: broken\n  bad: [\n", "invalid YAML"),
    ("id: broken\nlang: en\nkind: presence\nseverity: error\nmessage: m\nwhy: w\nmatch:\n  phrases: [a]\n"
     "model: {label: blame, needs-sentiment: {negative: 2}}\nexamples: {flag: [a], pass: [b]}\n", "needs-sentiment"),
    ("id: broken\nlang: en\nkind: presence\nseverity: error\nmessage: m\nwhy: w\nmatch:\n  phrases: [a]\n"
     "implied-by: {phrases: [thanks]}\nexamples: {flag: [a], pass: [b]}\n", "needs the 'rule'"),
    ("id: broken\nlang: en\nkind: absence\nseverity: error\nmessage: m\nwhy: w\nskip-quoted: sometimes\n"
     "match:\n  phrases: [a]\nexamples: {flag: [b], pass: [a]}\n", "skip-quoted must be true or false"),
])
def test_broken_rule_file_names_file_and_line(tmp_path, body: str, problem: str) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "en"
    folder.mkdir()
    (folder / "broken.yml").write_text(body, encoding="utf-8")
    with pytest.raises(tonecheck.RuleFileError, match=problem) as err:
        tonecheck.Linter(parse_config({"rule-paths": [str(tmp_path)]}), model=False, grammar=False)
    assert "broken.yml" in str(err.value)


def test_skip_quoted_ignores_the_clients_words_quoted_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "en"
    folder.mkdir()
    for skip in ("true", "false"):
        (folder / "needs-date.yml").write_text(
            "id: needs-date\nlang: en\nkind: absence\nseverity: warning\nmessage: m\nwhy: w\n"
            f"skip-quoted: {skip}\nmatch:\n  phrases: [next week]\n"
            "examples: {flag: ['Bye.'], pass: ['I stop next week.']}\n", encoding="utf-8")
        linter = tonecheck.Linter(parse_config({"rule-paths": [str(tmp_path)]}), model=False, grammar=False)
        quoted = linter.check('I\'ve heard "we\'ll pay next week" too often.', "en").rules
        assert ("needs-date" in quoted) == (skip == "true")
        assert "needs-date" not in linter.check("I stop next week.", "en").rules


def test_negation_scope(rules_linter: tonecheck.Linter) -> None:
    assert "blame" not in rules_linter.check("This is not your fault, and I'm not blaming anyone.", "en").rules
    assert "blame" in rules_linter.check("You never paid on time.", "en").rules
    assert "blame" not in rules_linter.check("Nu este vina dumneavoastră.", "ro").rules


def test_sarcastic_thanks_is_hostile_not_thanks(rules_linter: tonecheck.Linter) -> None:
    for text, lang in [("Thanks for nothing. My last day is Friday.", "en"), ("Mersi de nimic. Plec vineri.", "ro")]:
        rules = rules_linter.check(text, lang).rules
        assert "hostile-tone" in rules and "missing-thanks" in rules


def test_romanian_without_diacritics_and_with_cedilla(rules_linter: tonecheck.Linter) -> None:
    for text in ["Cred ca avem nevoie de o pauza.", "Cred că avem nevoie de o pauzǎ.", "E timpul să ne despărţim."]:
        assert "breakup-word" in rules_linter.check(text, "ro").rules
    cedilla = rules_linter.check("Vă mulţumesc şi vă doresc succes.", "ro")
    fixes = [f.suggestions[0].edits[0].text for f in cedilla.findings if f.rule == "cedilla-diacritics"]
    assert fixes == ["mulțumesc", "și"]


def test_pathological_user_regex_is_time_bounded(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import time

    folder = tmp_path / "en"
    folder.mkdir()
    (folder / "redos.yml").write_text(
        "id: redos\nlang: en\nkind: presence\nseverity: info\nmessage: m\nwhy: w\n"
        "match:\n  regex: ['(a|aa)+$', '(x+x+)+y']\nexamples: {flag: [aaaa], pass: [b]}\n",
        encoding="utf-8",
    )
    linter = tonecheck.Linter(parse_config({"rule-paths": [str(tmp_path)]}), model=False, grammar=False)
    text = "Hello, " + "a" * 5000 + "b. " + "x" * 3000 + " thanks."
    start = time.perf_counter()
    linter.check(text, "en")
    assert time.perf_counter() - start < 10


def test_many_sentences_and_long_lines(rules_linter: tonecheck.Linter) -> None:
    many = "Thank you for everything. I need a break. " * 2000
    report = rules_linter.check(many, "en")
    assert report.count(tonecheck.Severity.ERROR) >= 2000
    long_line = "word " * 50_000
    rules_linter.check(long_line, "en")
