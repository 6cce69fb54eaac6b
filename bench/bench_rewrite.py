"""Rewrites measured: does the revised draft pass, and is it still a well-formed message?

    .venv/bin/python bench/bench_rewrite.py              # tone model on, grammar off
    .venv/bin/python bench/bench_rewrite.py --no-model   # rules only
    .venv/bin/python bench/bench_rewrite.py --grammar    # grammar findings count too
    .venv/bin/python bench/bench_rewrite.py --errors     # print every failure with its text

Every message of tests/data/messages.jsonl and tests/data/holdout.jsonl (reported apart) is
rewritten with the real checker, and the rewrite is checked again. Printed per set:

* clean: the share with no error and no warning on the re-check (the goal is >= 95 %), and
  which rules remain, how often (errors and warnings; infos apart);
* integrity: doubled sentences, dangling punctuation, blank lines where the draft had
  none, sentences that newly start in lowercase, new fragments of one or two words,
  sentences with no finding that did not survive word for word, greeting or sign-off
  (and the names in them) moved or lost, the register changed;
* idempotence: rewriting the rewrite changes nothing;
* with --compose, the share of drafts composed in the other language (rewrite --to) that
  pass the checker with no error, no warning and no missing part.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import tonecheck  # noqa: E402
from tonecheck.analysis import Analysis  # noqa: E402
from tonecheck.document import Document, split_sentences  # noqa: E402
from tonecheck.normalize import comma_below, fold  # noqa: E402

SETS = {"dev": ROOT / "tests" / "data" / "messages.jsonl", "holdout": ROOT / "tests" / "data" / "holdout.jsonl"}
WARN = tonecheck.Severity.WARNING
CALENDAR = ("short-notice", "past-date", "weekday-mismatch")
PARTS = ("missing-thanks", "missing-notice", "missing-handover", "missing-reason")

# Punctuation a careful writer never leaves; counted only where the rewrite has more than the draft.
_DANGLING = {
    "doubled punctuation": re.compile(r"[,;:] *[,;:.!?]|[.!?] *[,;:]|(?<!\.)\.\.(?!\.)|\.{3}[,;:]"),
    "space before punctuation": re.compile(r"(?<=\S) +[,.;:!?](?!\S*[.]\w)"),
    "line opens with punctuation": re.compile(r"(?m)^[ \t]*[,.;:!?]"),
    "empty brackets or quotes": re.compile(r"\(\s*\)|„\s*”|“\s*”|\"\s*\""),
    "doubled space": re.compile(r"(?<=\S) {2,}(?=\S)"),
    "doubled word": re.compile(r"(?i)\b(\w{2,})\s+\1\b"),
    "comma before a line break": re.compile(r"(?m)(?<!\w)[,;]\s*$"),
}


@dataclass
class Tally:
    n: int = 0
    changed: int = 0
    clean_before: int = 0
    clean_after: int = 0
    idempotent: int = 0
    remaining: Counter[str] = field(default_factory=Counter)
    remaining_info: Counter[str] = field(default_factory=Counter)
    problems: Counter[str] = field(default_factory=Counter)
    with_problems: int = 0
    rounds: Counter[int] = field(default_factory=Counter)
    composed_clean: int = 0
    composed_left: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


def load(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _key(sentence: str) -> str:
    """A sentence compared loosely: case, diacritics and spacing aside."""
    return re.sub(r"\s+", " ", fold(comma_below(sentence))).strip()


def _sentences(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def _starts_lower(sentence: str) -> bool:
    first = sentence.lstrip(" \"'“”„«»([-–—")[:1]
    return first.islower() and not re.match(r"^\W*(e\.g|i\.e|etc|vs|p\.s)", sentence, re.I)


def _frame(text: str, linter: tonecheck.Linter, lang: str) -> tuple[str | None, str | None]:
    """The greeting and everything from the sign-off on (the name), as written."""
    analysis = Analysis.build(Document.from_text(text), lang, linter.rules.profiles)
    greeting = analysis.greeting.text if analysis.greeting else None
    signoff = analysis.doc.text[analysis.signoff.start :].strip() if analysis.signoff else None
    return greeting, signoff


def _announces(text: str, linter: tonecheck.Linter, lang: str) -> bool:
    """Does some sentence say that the collaboration ends (the language file's decision phrases)?"""
    analysis = Analysis.build(Document.from_text(text), lang, linter.rules.profiles)
    profile = linter.rules.profiles[lang]
    return any(profile.decision and profile.decision.find(s.tokens, s.folded, s.start, s.text) for s in analysis.sentences)


def _names(part: str) -> set[str]:
    """Capitalised words after the first one: the names in a greeting or a sign-off."""
    words = re.findall(r"\w[\w'-]*", part)
    return {fold(w) for w in words[1:] if w[:1].isupper()}


def integrity(draft: str, revised: str, report: tonecheck.Report, recheck: tonecheck.Report,
              linter: tonecheck.Linter, lang: str) -> list[str]:
    """What is wrong with the revised draft as a piece of writing (empty: nothing)."""
    if revised == draft:
        return []
    out = []
    before, after = _sentences(draft), _sentences(revised)
    count_before, count_after = Counter(map(_key, before)), Counter(map(_key, after))
    doubled = [s for s in count_after if count_after[s] > max(1, count_before[s])]
    if doubled:
        out.append(f"doubled sentence: {doubled[0][:60]!r}")
    for name, rx in _DANGLING.items():
        if len(rx.findall(revised)) > len(rx.findall(draft)):
            where = [m.group() for m in rx.finditer(revised)]
            out.append(f"{name}: {where[-1]!r}")
    blank = re.compile(r"\n[ \t]*\n")
    if blank.search(revised) and not blank.search(draft):
        out.append("blank line where the draft had none")
    elif len(re.findall(r"\n[ \t]*\n[ \t]*\n", revised)) > len(re.findall(r"\n[ \t]*\n[ \t]*\n", draft)):
        out.append("more blank lines than the draft")
    if revised[:1].isspace() and not draft[:1].isspace():
        out.append("leading whitespace")
    if sum(map(_starts_lower, after)) > sum(map(_starts_lower, before)):
        new = [s for s in after if _starts_lower(s) and _key(s) not in count_before]
        out.append(f"sentence starts lowercase: {(new or ['?'])[0][:60]!r}")
    profile = linter.rules.profiles.get(lang)
    joins = {w for w in (profile.clause_breaks if profile else ()) if w.isalpha()}

    def opens_with_join(sentence: str) -> bool:
        words = re.findall(r"\w+", sentence)
        return bool(words) and fold(words[0]) in joins

    if sum(map(opens_with_join, after)) > sum(map(opens_with_join, before)):
        new = [s for s in after if opens_with_join(s) and _key(s) not in count_before]
        out.append(f"sentence opens with a conjunction: {(new or ['?'])[0][:60]!r}")
    if profile is not None and profile.decision is not None and _announces(draft, linter, lang) \
            and not _announces(revised, linter, lang):
        out.append("no sentence announces the end any more (the decision phrases of language.yml)")
    fragments = [s for s in after if _key(s) not in count_before and len(re.findall(r"\w+", s)) <= 2
                 and not s.rstrip().endswith(",")]
    if fragments:
        out.append(f"fragment: {fragments[0]!r}")
    # Sentences that had no finding must survive word for word.
    doc = Document.from_text(draft)
    spans = [(f.start, f.end) for f in report.findings if f.end > f.start]
    edited = [(e.start, e.end) for f in report.findings if f.suggestions for e in f.suggestions[0].edits]
    for s in doc.sentences:
        start, end = doc.to_source(s.start), doc.to_source(s.end)
        if any(a < end and start < b for a, b in spans) or any(start <= a <= end for a, _ in edited):
            continue
        if revised.count(s.text) < draft.count(s.text):
            out.append(f"untouched sentence changed: {s.text[:60]!r}")
            break
    # The greeting stays first and the sign-off last, with their names.
    greet, sign = _frame(draft, linter, lang)
    greet_after, sign_after = _frame(revised, linter, lang)
    flagged = [draft[a:b] for a, b in spans]
    if greet is not None and not any(f and f in greet for f in flagged) and (
            greet_after is None or not _names(greet) <= _names(greet_after)):
        out.append(f"greeting moved or its name lost: {greet!r} -> {greet_after!r}")
    if sign is not None and not any(f and f in sign for f in flagged) and (
            sign_after is None or not _names(sign) <= _names(sign_after) or _key(sign_after) != _key(sign)):
        out.append(f"sign-off moved or changed: {sign!r} -> {sign_after!r}")
    if "mixed-register" in recheck.rules and "mixed-register" not in report.rules:
        out.append("register mixed by the rewrite: " + ", ".join(
            repr(recheck.text[f.start : f.end]) for f in recheck.findings if f.rule == "mixed-register"))
    return out


def run_set(name: str, messages: list[dict], linter: tonecheck.Linter, today: dt.date,  # type: ignore[type-arg]
            progress: Callable[[int, int], None], compose: bool = False) -> Tally:
    tally = Tally()
    t0 = time.perf_counter()
    for i, msg in enumerate(messages):
        progress(i, len(messages))
        text, lang = msg["text"], msg["lang"]
        once = tonecheck.rewrite(text, linter=linter, lang=lang, today=today)
        report, revised = once.report, once.text
        assert report is not None
        recheck = linter.check(revised, lang, today=today)
        twice = tonecheck.rewrite(revised, linter=linter, lang=lang, today=today).text

        tally.n += 1
        tally.changed += revised != text
        tally.rounds[getattr(once, "rounds", 1)] += revised != text
        tally.clean_before += not report.at_or_above(WARN)
        left = sorted({f.rule for f in recheck.at_or_above(WARN)})
        tally.clean_after += not left
        tally.remaining.update(left)
        tally.remaining_info.update({f.rule for f in recheck.findings if f.severity < WARN})
        tally.idempotent += twice == revised
        problems = integrity(text, revised, report, recheck, linter, lang)
        tally.problems.update({p.split(":")[0] for p in problems})
        tally.with_problems += bool(problems)
        notes = [*(f"remains {r}: {_finding_text(recheck, r)!r}" for r in left), *problems]
        if twice != revised:
            notes.append(f"not idempotent: {_first_diff(revised, twice)}")
        if notes:
            tally.failures.append(f"--- {msg['id']} ({lang}, {report.register})\n  " + "\n  ".join(notes)
                                  + "\n  draft:   " + text.replace("\n", "⏎")
                                  + "\n  rewrite: " + revised.replace("\n", "⏎"))
        if compose:  # the same facts, written in the other language
            other = "en" if lang == "ro" else "ro"
            composed = tonecheck.rewrite(text, linter=linter, lang=lang, today=today, to=other)
            left = sorted({f.rule for f in linter.check(composed.text, other, today=today).findings
                           if f.severity >= WARN or f.rule in PARTS})
            tally.composed_clean += not left
            tally.composed_left.update(left)
            if left:
                tally.failures.append(f"--- {msg['id']} composed in {other}: " + ", ".join(left)
                                      + "\n  composed: " + composed.text.replace("\n", "⏎"))
    tally.seconds = time.perf_counter() - t0
    progress(len(messages), len(messages))
    return tally


def _finding_text(report: tonecheck.Report, rule: str) -> str:
    f = next(f for f in report.findings if f.rule == rule)
    return report.text[f.start : f.end][:80] if f.end > f.start else "(absent)"


def _first_diff(a: str, b: str) -> str:
    i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
    return f"at {i}: {a[max(0, i - 20) : i + 40]!r} -> {b[max(0, i - 20) : i + 40]!r}"


def _pct(k: int, n: int) -> str:
    return f"{k}/{n} ({100 * k / n:.1f} %)" if n else "0/0"


def report_set(name: str, tally: Tally, show_errors: bool, compose: bool = False) -> None:
    print(f"\n== {name}: {tally.n} messages, {tally.changed} rewritten ({tally.seconds:.1f} s)")
    print("  rounds of check-and-fix per rewritten draft: "
          + ", ".join(f"{r}: {c}" for r, c in sorted(tally.rounds.items())))
    print(f"  clean before (no error, no warning):      {_pct(tally.clean_before, tally.n)}")
    print(f"  clean after the rewrite:                  {_pct(tally.clean_after, tally.n)}")
    print(f"  idempotent (rewriting again changes nothing): {_pct(tally.idempotent, tally.n)}")
    print("  errors/warnings left on re-check (messages): "
          + (", ".join(f"{r} {c}" for r, c in tally.remaining.most_common()) or "none"))
    print("  infos left on re-check (messages):           "
          + (", ".join(f"{r} {c}" for r, c in tally.remaining_info.most_common()) or "none"))
    print(f"  integrity problems (messages with any: {tally.with_problems}):"
          + ("" if tally.problems else " none"))
    for kind, c in tally.problems.most_common():
        print(f"    {kind:<40} {c}")
    if compose:
        print(f"  composed in the other language (--to), clean (no error, no warning, no missing part): "
              f"{_pct(tally.composed_clean, tally.n)}"
              + (" — left: " + ", ".join(f"{r} {c}" for r, c in tally.composed_left.most_common())
                 if tally.composed_left else ""))
    if show_errors:
        for f in tally.failures:
            print(f)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--no-model", action="store_true", help="rules only")
    ap.add_argument("--grammar", action="store_true", help="run the grammar checks too")
    ap.add_argument("--errors", action="store_true", help="print every failure")
    ap.add_argument("--sets", nargs="+", choices=sorted(SETS), default=list(SETS))
    ap.add_argument("--compose", action="store_true",
                    help="also compose each message in the other language (rewrite --to) and check that draft")
    ap.add_argument("--calendar", action="store_true",
                    help="also run the send-date checks (short-notice, past-date, weekday-mismatch)")
    ap.add_argument("--date", type=dt.date.fromisoformat, default=dt.date.today(),
                    help="the send date (default: today)")
    args = ap.parse_args()
    # The messages carry no send date: against an arbitrary one, their dates read as past or
    # too close, and those checks would measure the calendar, not the rewrite.
    config = tonecheck.Config() if args.calendar else tonecheck.Config().with_overrides(disable_rules=CALENDAR)
    linter = tonecheck.Linter(config, model=not args.no_model, grammar=args.grammar,
                              on_notice=lambda m: print(m, file=sys.stderr))
    mode = f"model {'off' if args.no_model or not linter.use_model else 'on'}, grammar {'on' if args.grammar else 'off'}"
    calendar = f"calendar checks on, send date {args.date}" if args.calendar else "calendar checks off"
    print(f"bench_rewrite: {mode}, {calendar}")

    def progress(i: int, n: int) -> None:
        if sys.stderr.isatty():
            print(f"\r  {i}/{n}", end="" if i < n else "\n", file=sys.stderr, flush=True)

    for name in args.sets:
        tally = run_set(name, load(SETS[name]), linter, args.date, progress, args.compose)
        report_set(name, tally, args.errors, args.compose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
