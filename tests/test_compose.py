"""Composing a draft in the other language: the facts read from a draft, the templates
(validated on load, the same ids in every language), and drafts that pass the checker."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from pathlib import Path

import pytest

import tonecheck
from tonecheck.compose import LANGS, Facts, compose, extract_facts, load_templates, render, templates

TODAY = dt.date(2026, 3, 2)
RULES = Path(__file__).resolve().parent.parent / "rules"
PARTS = ("missing-thanks", "missing-notice", "missing-handover", "missing-reason")

RO_FORMAL = ("Stimată doamnă Dobre,\n\nVă scriu pentru a vă anunța că închei colaborarea pe partea de design pe "
             "27 martie. Încep un post full-time la o agenție și nu voi mai avea timp pentru proiecte externe.\n\n"
             "Vă voi trimite fișierele sursă din Figma și parolele de administrare și vă pot recomanda un coleg "
             "care lucrează în același stil.\n\nVă mulțumesc pentru încredere.\n\nCu stimă,\nIoana Marinescu\n")
RO_INFORMAL = ("Salut Vlad, voiam să îți zic că din aprilie încep masterul, așa că termin sprintul curent și mă "
               "opresc după 20 martie. Îți las documentația și accesul la repo pentru cine preia. Mulțumesc mult "
               "pentru cei doi ani!\n\nAndrei\n")
EN_FORMAL = ("Dear Mr. Odum,\n\nI'm writing to give formal notice that I will be ending my role as your marketing "
             "manager. My last working day will be Friday, 27 March. I've decided to focus on healthcare clients, "
             "and your account no longer fits that direction.\n\nI will transfer ownership of the analytics "
             "accounts and deliver a handover document for my successor.\n\nThank you for the confidence you have "
             "placed in me.\n\nKind regards,\nGrace Adeyemi\n")
EN_INFORMAL = ("Hey Jules — just letting you know I'm not going to keep doing the podcast edits after 20 March. "
               "My own show has taken off and it needs all my evenings now. I've zipped up all the session files "
               "and my EQ presets for whoever's next. Good luck with the next season!\n")
DRAFTS = {("ro", "formal"): RO_FORMAL, ("ro", "informal"): RO_INFORMAL, ("en", "formal"): EN_FORMAL,
          ("en", "informal"): EN_INFORMAL}


def problems(text: str, lang: str, linter: tonecheck.Linter) -> list[str]:
    report = linter.check(text, lang, today=TODAY)
    return sorted({f.rule for f in report.findings if f.rule in PARTS or f.severity >= tonecheck.Severity.WARNING})


# -- the templates ----------------------------------------------------------------------------------


def test_every_language_has_the_same_ids() -> None:
    loaded = [templates(lang) for lang in LANGS]
    for a, b in itertools.combinations(loaded, 2):
        assert [t.id for t in a.titles] == [t.id for t in b.titles]
        assert [k.id for k in a.reasons] == [k.id for k in b.reasons]
        assert [k.id for k in a.items] == [k.id for k in b.items]
        assert set(a.language_names) == set(b.language_names) == set(LANGS)


@pytest.mark.parametrize(("change", "problem"), [
    (("notice:\n  formal: \"I will finish", "notice:\n  formal: \"I will {stop}"), "unknown placeholder {stop}"),
    (("signoff:\n", "sign-off:\n"), "unknown field 'sign-off'"),
    (("  informal: \"Best,\"\n", ""), "needs a text, or both 'formal' and 'informal'"),
    (("{end_date}.\"\n  informal", "soon.\"\n  informal"), "must use {end_date}"),
    (("- \"(health|medical", "- \"((health|medical"), "unclosed '('"),
])
def test_a_broken_template_file_says_where(tmp_path: Path, change: tuple[str, str], problem: str) -> None:
    text = (RULES / "en" / "compose.yml").read_text(encoding="utf-8")
    assert change[0] in text
    path = tmp_path / "compose.yml"
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(tonecheck.RuleFileError) as err:
        load_templates(path)
    assert problem in str(err.value) and "compose.yml:" in str(err.value)


def test_the_rule_loader_leaves_compose_files_alone(rules_linter: tonecheck.Linter) -> None:
    assert "compose" not in rules_linter.rules.ids()


# -- the facts --------------------------------------------------------------------------------------------


def test_facts_of_a_formal_romanian_draft(rules_linter: tonecheck.Linter) -> None:
    facts = extract_facts(RO_FORMAL, linter=rules_linter, today=TODAY)
    assert (facts.source_lang, facts.register, facts.name, facts.title) == ("ro", "formal", "Dobre", "ms")
    assert facts.sender == "Ioana Marinescu" and facts.end_date == dt.date(2026, 3, 27)
    assert facts.reason == "full-time" and facts.items == ("files", "access") and facts.referral


def test_facts_of_an_informal_chat_message(rules_linter: tonecheck.Linter) -> None:
    facts = extract_facts(EN_INFORMAL, linter=rules_linter, today=TODAY)
    assert (facts.register, facts.name, facts.sender) == ("informal", "Jules", None)
    assert facts.reason == "own-project" and facts.end_date == dt.date(2026, 3, 20)
    assert facts.items == ("files", "templates") and not facts.referral


def test_a_reason_given_as_blame_is_not_carried_over(rules_linter: tonecheck.Linter) -> None:
    draft = ("Hi Greg,\n\nI'm ending our arrangement on 20 March. You keep pushing for discounts on every single "
             "job, and my rates are going up anyway.\n\nBest,\nSandra")
    assert extract_facts(draft, linter=rules_linter, today=TODAY).reason is None


def test_a_past_end_date_gives_way_to_the_default_notice(rules_linter: tonecheck.Linter) -> None:
    draft = "Hi Sam,\n\nMy last day was 2 January 2026, as I'm moving into a full-time role.\n\nBest,\nAna"
    facts = extract_facts(draft, linter=rules_linter, today=TODAY)
    assert facts.end_date is None and facts.notes
    assert "16 martie 2026" in render(facts, "ro", TODAY).text


# -- the composed drafts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "register"), sorted(DRAFTS))
def test_composed_drafts_pass_the_checker(rules_linter: tonecheck.Linter, source: str, register: str) -> None:
    target = "en" if source == "ro" else "ro"
    draft = DRAFTS[(source, register)]
    result = tonecheck.rewrite(draft, linter=rules_linter, today=TODAY, to=target)
    assert result.composed and result.lang == target and result.header.startswith("[")
    assert problems(result.text, target, rules_linter) == []
    facts = extract_facts(draft, linter=rules_linter, today=TODAY)
    assert facts.register == register
    if facts.name:
        assert facts.name in result.text.split("\n", 1)[0]
    if facts.sender:
        assert result.text.rstrip().endswith(facts.sender)


@pytest.mark.parametrize(("lang", "register"), list(itertools.product(LANGS, ("formal", "informal"))))
def test_every_reason_and_item_reads_as_one(rules_linter: tonecheck.Linter, lang: str, register: str) -> None:
    """Each reason kind and each handover item, written out, satisfies its check."""
    tpl = templates(lang)
    base = Facts(source_lang="en" if lang == "ro" else "ro", register=register, name="Sam", sender="Ana")
    for kind in [None, *(k.id for k in tpl.reasons)]:
        text = render(dataclasses.replace(base, reason=kind), lang, TODAY).text
        assert problems(text, lang, rules_linter) == [], (kind, text)
    for item in (k.id for k in tpl.items):
        text = render(dataclasses.replace(base, items=(item,)), lang, TODAY).text
        assert problems(text, lang, rules_linter) == [], (item, text)


def test_composed_drafts_pass_with_the_tone_model() -> None:
    pytest.importorskip("torch")
    linter = tonecheck.Linter(grammar=False)
    if not linter.use_model:
        pytest.skip("tone model not available")
    for (source, _register), draft in sorted(DRAFTS.items()):
        target = "en" if source == "ro" else "ro"
        text = compose(draft, target, linter=linter, today=TODAY).text
        assert problems(text, target, linter) == [], text


def test_same_language_is_a_rewrite_not_a_composition(rules_linter: tonecheck.Linter) -> None:
    result = tonecheck.rewrite(EN_FORMAL, linter=rules_linter, today=TODAY, to="en")
    assert not result.composed


def test_unknown_target_language() -> None:
    with pytest.raises(ValueError):
        compose("Hi", "de")
