"""The language server end to end: `python -m tonecheck lsp --stdio` driven over stdio by pytest-lsp.

Real checks, no mocks. Most tests share one server (rules only, for speed) with a workspace
of several folders; one server runs with the grammar engine on.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import json
import os
import sys
import time
import tomllib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types as t
from pygls.exceptions import JsonRpcException
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from tonecheck import overrides
from tonecheck.document import Document
from tonecheck.lsp import add_disabled_rule, add_ignore, parse_settings
from tonecheck.report import Severity

pytestmark = pytest.mark.asyncio(loop_scope="module")

_ids = itertools.count()
SERVER = [sys.executable, "-m", "tonecheck", "lsp", "--stdio"]
FAULT_MARKER = "__tonecheck_injected_fault__"

RO_DRAFT = (
    "Bună ziua,\n"
    "Cred că avem nevoie de o pauză.\n"
    "Îți mulțumesc pentru tot și îți trimit fișierele până vineri.\n"
    "O zi bună,\n"
    "Ana\n"
)
# CRLF line ends, an emoji in the greeting and one right before the flagged words.
EN_DRAFT = (
    "Hi John 👋,\r\n"
    "Thanks for the work so far.\r\n"
    "🙂 I'm done with this project and it was your fault.\r\n"
    "Best,\r\n"
    "Ana\r\n"
)


# -- a client that keeps every publishDiagnostics, with its version ------------------------------


def _record_diagnostics(client: LanguageClient, params: t.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)  # type: ignore[attr-defined]


def _make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]
    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _record_diagnostics})
    return client


CAPABILITIES = t.ClientCapabilities(
    # Offer UTF-8 first: the server must still answer in UTF-16.
    general=t.GeneralClientCapabilities(position_encodings=[t.PositionEncodingKind.Utf8, t.PositionEncodingKind.Utf16]),
    text_document=t.TextDocumentClientCapabilities(
        hover=t.HoverClientCapabilities(content_format=[t.MarkupKind.Markdown, t.MarkupKind.PlainText]),
        publish_diagnostics=t.PublishDiagnosticsClientCapabilities(version_support=True),
    ),
    workspace=t.WorkspaceClientCapabilities(workspace_edit=t.WorkspaceEditClientCapabilities(document_changes=True)),
)


@dataclass
class Session:
    client: LanguageClient
    root: Path
    state_dir: Path
    versions: dict[str, int]

    @property
    def published(self) -> list[t.PublishDiagnosticsParams]:
        return self.client.published  # type: ignore[attr-defined,no-any-return]

    def uri(self, *parts: str) -> str:
        return self.root.joinpath(*parts).as_uri()

    async def wait_for(self, found: Callable[[], Any], timeout: float = 30) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if result := found():
                return result
            await asyncio.sleep(0.01)
        raise AssertionError("timed out waiting for the server")

    async def diagnostics(self, uri: str, version: int | None = None, after: int = 0) -> list[t.Diagnostic]:
        """The diagnostics published for ``uri`` (at ``version``) after the ``after``-th publication."""
        version = self.versions.get(uri) if version is None else version

        def match() -> t.PublishDiagnosticsParams | None:
            return next((p for p in reversed(self.published[after:]) if p.uri == uri and p.version == version), None)

        params = await self.wait_for(match)
        return list(params.diagnostics)

    def open(self, uri: str, text: str) -> None:
        self.versions[uri] = 1
        self.client.text_document_did_open(t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=uri, language_id="plaintext", version=1, text=text)))

    def change(self, uri: str, text: str) -> int:
        self.versions[uri] += 1
        self.client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)]))
        return self.versions[uri]

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(t.DidCloseTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri)))

    async def command(self, name: str, *arguments: Any) -> Any:
        return await asyncio.wait_for(self.client.workspace_execute_command_async(
            t.ExecuteCommandParams(command=name, arguments=list(arguments))), 30)

    async def raw_request(self, method: str, params: Any) -> Any:
        """Send a request as raw JSON (no client-side checks or conversion); the raw result."""
        protocol = self.client.protocol
        msg_id = f"raw-{next(_ids)}"
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        protocol._request_futures[msg_id] = future
        protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return await asyncio.wait_for(asyncio.wrap_future(future), 10)

    async def actions(self, uri: str, diagnostic: t.Diagnostic) -> list[t.CodeAction]:
        # Raw, because lsprotocol's client-side converter turns every object with a "command" key
        # into a Command, even a CodeAction whose command is an object.
        converter = self.client.protocol._converter
        params = converter.unstructure(t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
            context=t.CodeActionContext(diagnostics=[diagnostic])))
        result = await self.raw_request(t.TEXT_DOCUMENT_CODE_ACTION, params)
        return [converter.structure(a, t.CodeAction) for a in result or [] if not isinstance(a.get("command"), str)]


async def _start(root: Path, state_dir: Path, options: dict[str, Any],
                 folders: list[str]) -> AsyncIterator[Session]:
    config = ClientServerConfig(server_command=SERVER, client_factory=_make_client,
                                server_env={**os.environ, "TONECHECK_STATE_DIR": str(state_dir),
                                            "TONECHECK_FAULT_MARKER": FAULT_MARKER})
    client = await config.start()
    assert isinstance(client, LanguageClient)
    result = await client.initialize_session(t.InitializeParams(
        capabilities=CAPABILITIES, root_uri=(root / folders[0]).as_uri(), initialization_options=options,
        workspace_folders=[t.WorkspaceFolder(uri=(root / f).as_uri(), name=f) for f in folders]))
    assert result.capabilities.position_encoding == t.PositionEncodingKind.Utf16
    yield Session(client, root, state_dir, {})
    await client.shutdown_session()
    await client.stop()


FOLDERS = ["main", "keep", "fresh", "broken"]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def ls(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Session]:
    root = tmp_path_factory.mktemp("workspace")
    for name in FOLDERS:
        (root / name).mkdir()
    (root / "keep" / ".tonecheck.toml").write_text(
        '# my settings\nlanguage = "auto"   # keep this comment\nfail-on = "error"\n\n'
        '[[ignore]]\nrule = "blame"\nphrase = "as agreed in the contract"\n', encoding="utf-8")
    (root / "broken" / ".tonecheck.toml").write_text('language = "xx"\n', encoding="utf-8")
    options = {"model": False, "grammar": False, "debounceMs": 50}
    async for session in _start(root, tmp_path_factory.mktemp("state"), options, FOLDERS):
        yield session


def _by_rule(diagnostics: list[t.Diagnostic]) -> dict[str, t.Diagnostic]:
    return {str(d.code): d for d in diagnostics}


def _pos(line: int, character: int) -> t.Position:
    return t.Position(line=line, character=character)


def _apply(text: str, edit: t.WorkspaceEdit, uri: str) -> str:
    """Apply a WorkspaceEdit's TextEdits (UTF-16 positions) to ``text``, as an editor would."""
    if edit.document_changes:
        edits = [e for change in edit.document_changes if isinstance(change, t.TextDocumentEdit)
                 and change.text_document.uri == uri for e in change.edits if isinstance(e, t.TextEdit)]
    else:
        edits = list((edit.changes or {}).get(uri, []))
    doc = Document.from_text(text)
    spans = [(doc.offset_from_utf16(e.range.start.line, e.range.start.character),
              doc.offset_from_utf16(e.range.end.line, e.range.end.character), e.new_text) for e in edits]
    # Inserts at one point keep their order: apply from the end, later edits first.
    for _, (start, end, new) in sorted(enumerate(spans), key=lambda s: (s[1][0], s[0]), reverse=True):
        text = text[:start] + new + text[end:]
    return text


# -- diagnostics -----------------------------------------------------------------------------------


async def test_romanian_draft(ls: Session) -> None:
    uri = ls.uri("main", "ro.txt")
    ls.open(uri, RO_DRAFT)
    diags = _by_rule(await ls.diagnostics(uri))
    breakup = diags["breakup-word"]
    # "Cred că " is 8 UTF-16 units (ă is one); "avem nevoie de o pauză" is 22.
    assert breakup.range == t.Range(start=_pos(1, 8), end=_pos(1, 30))
    assert breakup.severity == t.DiagnosticSeverity.Error
    assert breakup.source == "tonecheck"
    assert "pauză" in breakup.message
    assert isinstance(breakup.data, dict)
    assert breakup.data["fixes"][0]["edits"][0]["newText"] == "a venit momentul să încheiem colaborarea"
    # A missing part is a zero-width finding at its insertion point (after the greeting).
    reason = diags["missing-reason"]
    assert reason.range == t.Range(start=_pos(1, 0), end=_pos(1, 0))
    assert reason.severity == t.DiagnosticSeverity.Information
    ls.close(uri)


async def test_english_ranges_with_emoji_and_crlf_and_a_quick_fix(ls: Session) -> None:
    uri = ls.uri("main", "en.txt")
    ls.open(uri, EN_DRAFT)
    diags = _by_rule(await ls.diagnostics(uri))
    hostile = diags["hostile-tone"]
    # Line 2 after two CRLF line ends; "🙂 " is 3 UTF-16 units (a surrogate pair and a space).
    assert hostile.range == t.Range(start=_pos(2, 3), end=_pos(2, 21))
    assert diags["blame"].range == t.Range(start=_pos(2, 34), end=_pos(2, 51))
    assert diags["missing-notice"].range == t.Range(start=_pos(1, 0), end=_pos(1, 0))

    actions = await ls.actions(uri, hostile)
    fix = next(a for a in actions if a.title == "Delete “I'm done with this”")
    assert fix.kind == t.CodeActionKind.QuickFix and fix.is_preferred and fix.edit is not None
    fixed = _apply(EN_DRAFT, fix.edit, uri)
    assert "🙂 project and it was your fault.\r\n" in fixed
    ls.change(uri, fixed)
    assert "hostile-tone" not in _by_rule(await ls.diagnostics(uri))
    ls.close(uri)


async def test_fix_all_and_insert_missing_parts(ls: Session) -> None:
    uri = ls.uri("main", "fix-all.txt")
    ls.open(uri, EN_DRAFT)
    diags = _by_rule(await ls.diagnostics(uri))
    titles = {a.title: a for a in await ls.actions(uri, diags["missing-notice"])}
    fix_all = next(a for title, a in titles.items() if title.startswith("Tonecheck: fix all"))
    insert = next(a for title, a in titles.items() if title.startswith("Tonecheck: insert the missing parts"))
    assert fix_all.edit is not None and insert.edit is not None

    with_parts = _apply(EN_DRAFT, insert.edit, uri)
    assert "my last day will be" in with_parts and "your fault" in with_parts
    ls.change(uri, with_parts)
    left = _by_rule(await ls.diagnostics(uri))
    assert not [rule for rule in left if rule.startswith("missing-")]
    assert "blame" in left

    # Fix all gives the same draft as the rewrite command.
    ls.change(uri, EN_DRAFT)
    await ls.diagnostics(uri)
    rewritten = await ls.command("tonecheck.rewrite", uri)
    assert _apply(EN_DRAFT, fix_all.edit, uri) == rewritten["text"]
    assert rewritten["changes"] >= 3
    ls.change(uri, rewritten["text"])
    assert not [d for d in await ls.diagnostics(uri) if d.severity == t.DiagnosticSeverity.Error]
    ls.close(uri)


async def test_only_the_latest_version_is_published(ls: Session) -> None:
    uri = ls.uri("main", "typing.txt")
    ls.open(uri, RO_DRAFT)
    await ls.diagnostics(uri)
    start = len(ls.published)
    for i in range(4):  # faster than the 50 ms debounce
        ls.change(uri, RO_DRAFT + "Mulțumesc" + "!" * i + "\n")
    latest = ls.versions[uri]
    await ls.diagnostics(uri, latest, after=start)
    await asyncio.sleep(0.2)
    assert [p.version for p in ls.published[start:] if p.uri == uri] == [latest]
    ls.close(uri)


async def test_bad_input_and_bad_config_become_one_diagnostic(ls: Session) -> None:
    empty = ls.uri("main", "empty.txt")
    ls.open(empty, "  \n")
    [diag] = await ls.diagnostics(empty)
    assert diag.code == "input-error" and diag.severity == t.DiagnosticSeverity.Information
    ls.close(empty)

    broken = ls.uri("broken", "draft.txt")
    ls.open(broken, EN_DRAFT)
    [diag] = await ls.diagnostics(broken)
    assert diag.code == "config-error" and diag.severity == t.DiagnosticSeverity.Error
    assert "language" in diag.message and "\n" not in diag.message
    ls.close(broken)


# -- the config file: disable a rule, hide a false positive ------------------------------------


async def test_disable_rule_edits_the_workspace_config(ls: Session) -> None:
    uri = ls.uri("keep", "draft.txt")
    config = ls.root / "keep" / ".tonecheck.toml"
    ls.open(uri, EN_DRAFT)
    diags = _by_rule(await ls.diagnostics(uri))
    [action] = [a for a in await ls.actions(uri, diags["blame"]) if a.title.startswith("Tonecheck: disable rule")]
    assert action.command is not None and action.edit is None
    start = len(ls.published)
    result = await ls.command(action.command.command, *(action.command.arguments or []))
    assert Path(result["path"]) == config
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# my settings\n")
    assert "# keep this comment" in text and 'phrase = "as agreed in the contract"' in text
    assert 'disable-rules = ["blame"]' in text
    assert not list(config.parent.glob(".*.tmp"))  # the temporary file was renamed over it
    # Re-checked: blame is gone, the rest stays.
    after = _by_rule(await ls.diagnostics(uri, after=start))
    assert "blame" not in after and "hostile-tone" in after
    ls.close(uri)


async def test_hide_false_positive_creates_the_config(ls: Session) -> None:
    uri = ls.uri("fresh", "draft.txt")
    config = ls.root / "fresh" / ".tonecheck.toml"
    assert not config.exists()
    ls.open(uri, EN_DRAFT)
    diags = _by_rule(await ls.diagnostics(uri))
    [action] = [a for a in await ls.actions(uri, diags["hostile-tone"]) if a.title.startswith("Tonecheck: hide")]
    assert action.command is not None
    start = len(ls.published)
    await ls.command(action.command.command, *(action.command.arguments or []))
    assert config.read_text(encoding="utf-8") == (
        '[[ignore]]\nrule = "hostile-tone"\nphrase = "🙂 I\'m done with this project and it was your fault."\n')
    after = _by_rule(await ls.diagnostics(uri, after=start))
    assert "hostile-tone" not in after and "blame" in after  # only that rule, only that sentence
    ls.close(uri)


# -- commands, hover, settings -----------------------------------------------------------------------


async def test_check_command_counts(ls: Session) -> None:
    uri = ls.uri("main", "count.txt")
    ls.open(uri, EN_DRAFT)
    diags = await ls.diagnostics(uri)
    counts = await ls.command("tonecheck.check", uri)
    expected = {s: sum(1 for d in diags if d.severity == s) for s in t.DiagnosticSeverity}
    assert (counts["errors"], counts["warnings"], counts["infos"]) == (
        expected[t.DiagnosticSeverity.Error], expected[t.DiagnosticSeverity.Warning],
        expected[t.DiagnosticSeverity.Information])
    assert counts == {**counts, "errors": 2, "blocking": 2, "failOn": "error"}
    ls.close(uri)


async def test_record_override_keeps_no_message_text(ls: Session) -> None:
    secret = "I'm done with this project"
    result = await ls.command("tonecheck.recordOverride",
                              {"uri": ls.uri("main", "en.txt"), "rules": ["blame", "hostile-tone", secret]})
    assert result["rules"] == ["blame", "hostile-tone"]
    lines = (ls.state_dir / "overrides.jsonl").read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[-1])
    assert set(entry) == {"time", "rules"} and entry["rules"] == ["blame", "hostile-tone"]
    assert "done" not in lines[-1] and "John" not in lines[-1]


async def test_hover_explains_the_rule(ls: Session) -> None:
    uri = ls.uri("main", "hover.txt")
    ls.open(uri, RO_DRAFT)
    await ls.diagnostics(uri)
    hover = await ls.client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=uri), position=_pos(1, 12)))
    assert hover is not None and isinstance(hover.contents, t.MarkupContent)
    text = hover.contents.value
    assert hover.contents.kind == t.MarkupKind.Markdown
    assert "`breakup-word`" in text and "pauză" in text and "confidence 0.90" in text
    assert hover.range == t.Range(start=_pos(1, 8), end=_pos(1, 30))
    nothing = await ls.client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=uri), position=_pos(4, 1)))
    assert nothing is None
    ls.close(uri)


async def test_settings_and_check_on_save(ls: Session) -> None:
    uri = ls.uri("main", "settings.txt")
    ls.open(uri, RO_DRAFT)
    assert "missing-reason" in _by_rule(await ls.diagnostics(uri))
    start = len(ls.published)
    ls.client.workspace_did_change_configuration(t.DidChangeConfigurationParams(
        settings={"tonecheck": {"disabledRules": ["missing-reason"], "checkOn": "save", "debounceMs": 0}}))
    assert "missing-reason" not in _by_rule(await ls.diagnostics(uri, after=start))

    start = len(ls.published)
    version = ls.change(uri, EN_DRAFT)
    await asyncio.sleep(0.3)
    assert not [p for p in ls.published[start:] if p.uri == uri]  # checkOn = save: not on edit
    ls.client.text_document_did_save(t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri)))
    assert "hostile-tone" in _by_rule(await ls.diagnostics(uri, version, after=start))

    ls.client.workspace_did_change_configuration(t.DidChangeConfigurationParams(
        settings={"tonecheck": {"disabledRules": [], "checkOn": "edit", "debounceMs": 50}}))
    ls.close(uri)


# -- robustness ------------------------------------------------------------------------------------


async def test_malformed_requests_get_an_error_and_the_server_carries_on(ls: Session) -> None:
    # Params that do not even parse as hover params: a position is missing, the URI is a number.
    with pytest.raises(JsonRpcException) as caught:
        await ls.raw_request(t.TEXT_DOCUMENT_HOVER, {"textDocument": {"uri": 5}})
    assert caught.value.code == -32602
    # Unknown commands and bad command arguments.
    with pytest.raises(JsonRpcException):
        await ls.command("tonecheck.noSuchCommand")
    with pytest.raises(JsonRpcException):
        await ls.command("tonecheck.check", 42)
    with pytest.raises(JsonRpcException):
        await ls.command("tonecheck.recordOverride", {"rules": "blame"})
    # Still serving.
    uri = ls.uri("main", "after-errors.txt")
    ls.open(uri, RO_DRAFT)
    assert "breakup-word" in _by_rule(await ls.diagnostics(uri))
    counts = await ls.command("tonecheck.check", {"uri": uri})
    assert counts["errors"] == 1
    ls.close(uri)


async def test_half_an_emoji_is_checked_not_crashed(ls: Session) -> None:
    uri = ls.uri("main", "half-emoji.txt")
    ls.open(uri, "Bună ziua,\nCred că avem nevoie de o pauză \ud83d.\n")
    assert "breakup-word" in _by_rule(await ls.diagnostics(uri))
    ls.close(uri)


async def test_a_failure_inside_a_check_is_one_diagnostic_and_a_log_line(ls: Session) -> None:
    # The server runs with a fault-injection marker: a draft containing it fails inside the check.
    uri = ls.uri("main", "fault.txt")
    logs = len(ls.client.log_messages)
    ls.open(uri, f"Bună ziua,\nCred că avem nevoie de o pauză {FAULT_MARKER}.\n")
    [diag] = await ls.diagnostics(uri)
    assert diag.code == "internal-error" and diag.severity == t.DiagnosticSeverity.Error
    assert "RuntimeError" in diag.message and "\n" not in diag.message
    await ls.wait_for(lambda: any(m.type == t.MessageType.Error and "Traceback" in m.message
                                  for m in ls.client.log_messages[logs:]))
    ls.change(uri, RO_DRAFT)  # the server lives on
    assert "breakup-word" in _by_rule(await ls.diagnostics(uri))
    ls.close(uri)


# -- with the grammar engine ---------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def grammar_ls(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Session]:
    root = tmp_path_factory.mktemp("grammar-workspace")
    (root / "main").mkdir()
    async for session in _start(root, tmp_path_factory.mktemp("grammar-state"),
                                {"model": False, "grammar": True, "debounceMs": 50}, ["main"]):
        yield session


async def test_grammar_findings_and_their_fix(grammar_ls: Session) -> None:
    ls = grammar_ls
    uri = ls.uri("main", "grammar.txt")
    text = ("Hi Anna 🙂,\r\nThanks for everything, I has learned a lot.\r\n"
            "There is a problem with teh invoice.\r\nBest,\r\nDan\r\n")
    ls.open(uri, text)
    diags = await ls.diagnostics(uri)
    grammar = [d for d in diags if str(d.code).startswith("grammar:")]
    typo = next(d for d in grammar if d.range.start.line == 2)
    assert typo.range == t.Range(start=_pos(2, 24), end=_pos(2, 27))  # "teh"
    assert typo.severity == t.DiagnosticSeverity.Warning
    actions = await ls.actions(uri, typo)
    fix = next(a for a in actions if a.edit is not None and "the" in a.title)
    assert "a problem with the invoice." in _apply(text, fix.edit, uri)  # type: ignore[arg-type]
    ls.close(uri)


# -- the pieces behind the commands (in-process, no server) ---------------------------------------


async def test_config_edits_keep_comments_and_other_keys() -> None:
    text = ('# house style\r\nlanguage = "ro"\r\ndisable-rules = [\r\n  "missing-reason",  # we never say why\r\n]\r\n'
            'severity = { blame = "warning" }\r\n\r\n[[ignore]]\r\nrule = "blame"\r\nphrase = "contract"\r\n')
    edited = add_disabled_rule(text, "grammar:MORFOLOGIK_RULE_RO_RO")
    assert edited.startswith("# house style\r\n")
    assert 'disable-rules = ["missing-reason", "grammar:MORFOLOGIK_RULE_RO_RO"]\r\n' in edited
    assert tomllib.loads(edited) == {**tomllib.loads(text),
                                     "disable-rules": ["missing-reason", "grammar:MORFOLOGIK_RULE_RO_RO"]}
    assert add_disabled_rule(edited, "missing-reason") == edited  # already there
    # No disable-rules yet: it goes before the first table, where top-level keys must be.
    inserted = add_disabled_rule('language = "en"\n\n[[ignore]]\nrule = "blame"\nphrase = "x"\n', "blame")
    assert tomllib.loads(inserted) == {"language": "en", "disable-rules": ["blame"],
                                       "ignore": [{"rule": "blame", "phrase": "x"}]}
    assert add_disabled_rule("", "blame") == 'disable-rules = ["blame"]\n'
    # Quotes, backslashes and newlines in a phrase survive the round trip.
    phrase = 'Am spus „gata" \\ punct.\nAltă linie'
    hidden = add_ignore(edited, "blame", phrase)
    assert tomllib.loads(hidden)["ignore"][-1] == {"rule": "blame", "phrase": phrase}
    assert hidden.startswith(edited)
    with pytest.raises(tomllib.TOMLDecodeError):
        add_ignore("language = ", "blame", "x")


async def test_overrides_store_rule_ids_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TONECHECK_STATE_DIR", str(tmp_path / "state"))
    assert overrides.load_overrides() == []
    overrides.record_override(["blame", "hostile-tone", "blame", "you never paid on time"])
    overrides.record_override(["blame"])
    with (tmp_path / "state" / "overrides.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("not json\n")
    assert [e["rules"] for e in overrides.load_overrides()] == [["blame", "hostile-tone"], ["blame"]]
    assert overrides.override_stats() == [("blame", 2), ("hostile-tone", 1)]
    assert "paid" not in (tmp_path / "state" / "overrides.jsonl").read_text(encoding="utf-8")
    monkeypatch.delenv("TONECHECK_STATE_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert overrides.overrides_path() == tmp_path / "xdg" / "tonecheck" / "overrides.jsonl"


async def test_settings_are_validated() -> None:
    settings, problems = parse_settings({"tonecheck": {
        "language": "ro", "disabledRules": [" blame ", "blame"], "failOn": "warning", "model": "yes",
        "checkOn": "save", "debounceMs": 100, "languageToolUrl": "ftp://x", "colour": "red"}})
    assert (settings.language, settings.disabled_rules, settings.check_on, settings.debounce_ms) == (
        "ro", ("blame",), "save", 100)
    assert settings.fail_on == Severity.WARNING and settings.model is True and settings.languagetool_url is None
    assert len(problems) == 3 and any("model" in p for p in problems) and any("colour" in p for p in problems)
