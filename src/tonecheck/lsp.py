"""The language server: `tonecheck lsp` (stdio; ``--stdio`` is accepted and ignored).

Diagnostics on open and, debounced, on change (or on save, or only on command: the
``checkOn`` setting); only the latest version of a draft is ever published. Checks run in
a thread pool, so the server keeps answering while a draft is checked, and the linters
(rules, spaCy, grammar engines, the tone model) stay loaded between checks, one per
effective configuration.

Every range is computed by :class:`tonecheck.document.Document` in UTF-16 code units, the
only position encoding this server speaks (it never offers the client another one).

Code actions: one quick fix per suggestion; "fix all"; "insert the missing parts";
"disable this rule" and "hide this false positive", which edit the workspace's
``.tonecheck.toml`` (atomically, keeping the other keys and the comments) and re-check.

Commands (``workspace/executeCommand``):

* ``tonecheck.check`` ``[uri]`` -> ``{"errors", "warnings", "infos", "blocking", "failOn"}``
* ``tonecheck.rewrite`` ``[uri]`` -> ``{"text", "changes"}``
* ``tonecheck.recordOverride`` ``[{"uri", "rules"}]`` -> ``{"recorded": true, "rules": [...]}``
* ``tonecheck.disableRule`` ``[{"uri", "rule"}]`` and ``tonecheck.hideFalsePositive``
  ``[{"uri", "rule", "phrase"}]`` -> ``{"path": "<the config file>"}`` (used by the code actions)

Settings come from ``initializationOptions`` and ``workspace/didChangeConfiguration``
(section ``tonecheck``) and are laid over the workspace config file. A setting left at its
default does not override the file: ``language = "auto"`` keeps the file's language,
``failOn = "error"`` its ``fail-on``; ``disabledRules`` adds to ``disable-rules``; ``model``
and ``grammar`` set to false turn those off (the file can turn them off too).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import sys
import threading
import time
import tomllib
import traceback
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import to_fs_path

from . import __version__
from .config import CONFIG_FILE, Config, find_config, load_config, parse_config
from .document import Document
from .errors import ConfigError, InputError, TonecheckError
from .linter import Linter
from .overrides import clean_rules, record_override
from .report import Edit, Finding, Report, Severity
from .rewrite import apply_edits, choose_edits, rewrite
from .safe_write import write_atomic

log = logging.getLogger("tonecheck.lsp")

SOURCE = "tonecheck"
CMD_CHECK = "tonecheck.check"
CMD_REWRITE = "tonecheck.rewrite"
CMD_RECORD_OVERRIDE = "tonecheck.recordOverride"
CMD_DISABLE_RULE = "tonecheck.disableRule"
CMD_HIDE = "tonecheck.hideFalsePositive"
CHECK_ON = ("edit", "save", "command")
INTERNAL_ERROR = "internal-error"


def _inject_fault(text: str) -> None:
    """Test hook: with TONECHECK_FAULT_MARKER set, a draft containing that marker makes
    the check fail, so the tests can prove a failing check never kills the server."""
    marker = os.environ.get("TONECHECK_FAULT_MARKER")
    if marker and marker in text:
        raise RuntimeError("injected fault (TONECHECK_FAULT_MARKER)")
INPUT_ERROR = "input-error"
CONFIG_ERROR = "config-error"
KIND_FIX_ALL = f"{lsp.CodeActionKind.SourceFixAll.value}.tonecheck"
_MAX_LINTERS = 8
_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}


# -- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """The client's settings (section ``tonecheck``); None/defaults mean "as the config file says"."""

    language: str = "auto"
    disabled_rules: tuple[str, ...] = ()
    fail_on: Severity | None = None
    model: bool = True
    grammar: bool = True
    languagetool_url: str | None = None
    check_on: str = "edit"
    debounce_ms: int = 300

    def apply(self, config: Config) -> Config:
        """These settings laid over a config file's."""
        return config.with_overrides(
            language=self.language if self.language != "auto" else None,
            disable_rules=(*config.disable_rules, *self.disabled_rules) if self.disabled_rules else None,
            fail_on=self.fail_on,
            languagetool_url=self.languagetool_url,
            model=False if not self.model else None,
            grammar=False if not self.grammar else None,
        )


def parse_settings(data: Any, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Client settings over ``base``: the new settings and one line per value that was ignored.

    Accepts the section itself or an object holding it under ``tonecheck``.
    """
    base = base or Settings()
    if isinstance(data, dict) and isinstance(data.get("tonecheck"), dict):
        data = data["tonecheck"]
    if data is None:
        return base, []
    if not isinstance(data, dict):
        return base, [f"settings must be an object, not {type(data).__name__}"]
    changes: dict[str, Any] = {}
    problems: list[str] = []

    def bad(key: str, expected: str) -> None:
        problems.append(f"setting tonecheck.{key} must be {expected}; got {data[key]!r}, ignored")

    for key, value in data.items():
        if key == "language":
            if value in ("auto", "ro", "en"):
                changes["language"] = value
            else:
                bad(key, '"auto", "ro" or "en"')
        elif key == "disabledRules":
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                changes["disabled_rules"] = tuple(dict.fromkeys(v.strip() for v in value if v.strip()))
            else:
                bad(key, "a list of rule ids")
        elif key == "failOn":
            if value in ("error", "warning", "info"):
                # "error" is the default: it leaves the config file's fail-on in force.
                changes["fail_on"] = None if value == "error" else Severity.parse(value)
            else:
                bad(key, '"error", "warning" or "info"')
        elif key in ("model", "grammar"):
            if isinstance(value, bool):
                changes[key] = value
            else:
                bad(key, "true or false")
        elif key == "languageToolUrl":
            if value in (None, ""):
                changes["languagetool_url"] = None
            elif isinstance(value, str) and re.match(r"https?://\S+$", value.strip()):
                changes["languagetool_url"] = value.strip()
            else:
                bad(key, "an http(s) URL of your LanguageTool server, or empty")
        elif key == "checkOn":
            if value in CHECK_ON:
                changes["check_on"] = value
            else:
                bad(key, '"edit", "save" or "command"')
        elif key == "debounceMs":
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 60_000:
                changes["debounce_ms"] = value
            else:
                bad(key, "a whole number of milliseconds (0-60000)")
        elif key in ("path", "trace"):
            pass  # the client's own settings (where to find `tonecheck`, protocol tracing)
        else:
            problems.append(f"unknown setting tonecheck.{key}, ignored")
    return replace(base, **changes), problems


# -- the workspace config file -----------------------------------------------------------------


def _toml_str(value: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes; TOML also forbids a raw DEL.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _toml_str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_str(key)


def dump_config(data: dict[str, Any]) -> str:
    """A tonecheck config as TOML (the fallback when the file cannot be edited in place)."""
    lines = [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in data.items() if k != "ignore"]
    for entry in data.get("ignore", []):
        lines += ["", "[[ignore]]", *(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in entry.items())]
    return "\n".join(lines).lstrip("\n") + "\n"


_TABLE_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)
_DISABLE_KEY = re.compile(r"""^[ \t]*(?:disable-rules|"disable-rules"|'disable-rules')[ \t]*=[ \t]*""", re.MULTILINE)


def _value_end(text: str, i: int) -> int:
    """End of the TOML value (a string or an array of strings) that starts at ``i``."""
    depth = 0
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            triple = text.startswith(ch * 3, i)
            quote = ch * 3 if triple else ch
            i += len(quote)
            while i < len(text) and not text.startswith(quote, i):
                i += 2 if ch == '"' and text[i] == "\\" else 1
            i += len(quote)
            if depth == 0:
                return i
            continue
        if ch == "#":
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i + 1
        elif depth == 0 and not ch.isspace():
            break
        i += 1
    raise ValueError("unterminated value")


def _newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def add_disabled_rule(text: str, rule: str) -> str:
    """``text`` (a .tonecheck.toml) with ``rule`` added to ``disable-rules``; comments kept."""
    data = tomllib.loads(text)
    current = data.get("disable-rules", [])
    current = [current] if isinstance(current, str) else list(current)
    if rule in current:
        return text
    wanted = {**data, "disable-rules": [*current, rule]}
    value = _toml_value([*current, rule])
    nl = _newline_of(text)
    header = _TABLE_HEADER.search(text)
    top_end = header.start() if header else len(text)
    try:
        if "disable-rules" in data:
            m = _DISABLE_KEY.search(text, 0, top_end)
            if m is None:
                raise ValueError("disable-rules not found as a top-level key")
            edited = text[: m.end()] + value + text[_value_end(text, m.end()) :]
        elif header:
            edited = text[:top_end] + f"disable-rules = {value}{nl}{nl}" + text[top_end:]
        else:
            sep = "" if not text or text.endswith(("\n", "\r")) else nl
            edited = text + sep + f"disable-rules = {value}{nl}"
        if tomllib.loads(edited) == wanted:
            return edited
    except (ValueError, tomllib.TOMLDecodeError):
        pass
    return dump_config(wanted)


def add_ignore(text: str, rule: str, phrase: str) -> str:
    """``text`` (a .tonecheck.toml) with an ``[[ignore]]`` entry for ``rule`` in ``phrase``."""
    data = tomllib.loads(text)
    entry = {"rule": rule, "phrase": phrase}
    ignores = data.get("ignore", [])
    if isinstance(ignores, list) and entry in ignores:
        return text
    wanted = {**data, "ignore": [*(ignores if isinstance(ignores, list) else []), entry]}
    nl = _newline_of(text)
    sep = "" if not text.strip() else (nl if text.endswith(("\n", "\r")) else nl + nl)
    edited = f"{text}{sep}[[ignore]]{nl}rule = {_toml_str(rule)}{nl}phrase = {_toml_str(phrase)}{nl}"
    try:
        if tomllib.loads(edited) == wanted:
            return edited
    except tomllib.TOMLDecodeError:
        pass
    return dump_config(wanted)


# -- per-document state ------------------------------------------------------------------------


@dataclass
class Outcome:
    """One check of one version of a draft."""

    uri: str
    version: int | None
    text: str
    doc: Document
    diagnostics: list[lsp.Diagnostic] = field(default_factory=list)
    report: Report | None = None
    linter: Linter | None = None
    config: Config | None = None
    seconds: float = 0.0

    def counts(self) -> dict[str, Any]:
        sev = [d.severity for d in self.diagnostics]
        fail_on = self.config.fail_on if self.config else Severity.ERROR
        if self.report is not None:
            blocking = len(self.report.at_or_above(fail_on))
        else:  # the check itself failed: that error blocks
            blocking = sev.count(lsp.DiagnosticSeverity.Error)
        return {
            "errors": sev.count(lsp.DiagnosticSeverity.Error),
            "warnings": sev.count(lsp.DiagnosticSeverity.Warning),
            "infos": sum(1 for s in sev if s not in (lsp.DiagnosticSeverity.Error, lsp.DiagnosticSeverity.Warning)),
            "blocking": blocking,
            "failOn": str(fail_on),
        }

    def findings_at(self, start: int, end: int) -> list[tuple[Finding, lsp.Diagnostic]]:
        if self.report is None:
            return []
        return [(f, d) for f, d in zip(self.report.findings, self.diagnostics, strict=True)
                if f.start <= end and start <= f.end]


@dataclass
class DocState:
    generation: int = 0
    task: asyncio.Task[Outcome | None] | None = None
    outcome: Outcome | None = None


# -- the server --------------------------------------------------------------------------------


class _Protocol(LanguageServerProtocol):
    """pygls' protocol, speaking UTF-16 only and answering requests it cannot even parse."""

    @lsp_method(lsp.INITIALIZE)
    def lsp_initialize(self, params: lsp.InitializeParams) -> Any:
        # Every range comes from Document's UTF-16 helpers: never agree to another encoding.
        if params.capabilities.general is not None:
            params.capabilities.general.position_encodings = [lsp.PositionEncodingKind.Utf16]
        return (yield from super().lsp_initialize(params))

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            # pygls would only log this; a request must get an answer, or the client waits forever.
            if isinstance(data, dict) and "id" in data and "method" in data:
                detail = exc.__cause__ or exc
                message = f"malformed {data.get('method')!r} request: {str(detail).splitlines()[0] if str(detail) else ''}"
                self._send_response(data["id"], error=lsp.ResponseError(code=exc.code, message=message.strip(": ")))
                exc.answered = True  # type: ignore[attr-defined]
            raise


class ToneServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("tonecheck", __version__, lsp.TextDocumentSyncKind.Full, protocol_cls=_Protocol)
        self.settings = Settings()
        self.docs: dict[str, DocState] = {}
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tonecheck-check")
        self.loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._linters: OrderedDict[str, Linter] = OrderedDict()
        self._linters_lock = threading.Lock()
        self._configs: dict[Path, tuple[tuple[int, int], Config]] = {}
        self._config_write_lock = threading.Lock()
        self._said: set[str] = set()

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        super().shutdown()

    # -- logging to the client ------------------------------------------------------------

    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Info) -> None:
        """A window/logMessage, from any thread."""
        (log.error if kind == lsp.MessageType.Error else log.info)("%s", message)
        params = lsp.LogMessageParams(type=kind, message=f"tonecheck: {message}")
        if self.loop is None:
            return
        if threading.get_ident() == self._loop_thread:
            self.window_log_message(params)
        else:
            self.loop.call_soon_threadsafe(self.window_log_message, params)

    def notice(self, message: str) -> None:
        if message not in self._said:
            self._said.add(message)
            self.log(message, lsp.MessageType.Warning)

    def report_server_error(self, error: Exception, source: Any) -> None:
        if getattr(error, "answered", False):
            self.log(str(error), lsp.MessageType.Warning)
            return
        # A log line, not a pop-up: the server carries on.
        self.log(f"{type(error).__name__}: {error}", lsp.MessageType.Error)

    # -- configuration ----------------------------------------------------------------------

    def workspace_folder_of(self, uri: str) -> Path | None:
        """The workspace folder holding ``uri`` (the first folder for untitled drafts)."""
        roots = [Path(p) for f in self.workspace.folders.values() if (p := to_fs_path(f.uri))]
        if self.workspace.root_path:
            roots.append(Path(self.workspace.root_path))
        path = _path_of(uri)
        if path is None:
            return roots[0] if roots else None
        inside = [r for r in roots if path == r or r in path.parents]
        if inside:
            return max(inside, key=lambda r: len(r.parts))
        return None

    def _config_anchor(self, uri: str) -> Path | None:
        return _path_of(uri) or self.workspace_folder_of(uri)

    def file_config(self, uri: str) -> Config:
        """The config file in force for ``uri`` (cached until the file changes)."""
        anchor = self._config_anchor(uri)
        found = find_config(anchor) if anchor else None
        if found is None:
            return Config()
        try:
            stat = found.stat()
        except OSError as exc:
            raise ConfigError(f"{found}: cannot read: {exc}") from None
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = self._configs.get(found)
        if cached and cached[0] == stamp:
            return cached[1]
        config = load_config(found)
        self._configs[found] = (stamp, config)
        return config

    def linter_for(self, config: Config) -> Linter:
        """One warm linter per effective configuration."""
        key = repr(config)
        with self._linters_lock:
            linter = self._linters.get(key)
            if linter is not None:
                self._linters.move_to_end(key)
                return linter
            linter = Linter(config, model=config.model, grammar=config.grammar, on_notice=self.notice)
            self._linters[key] = linter
            while len(self._linters) > _MAX_LINTERS:
                self._linters.popitem(last=False)
            return linter

    # -- checking -------------------------------------------------------------------------

    def compute(self, uri: str, text: str, version: int | None, settings: Settings,
                wanted: Callable[[], bool] = lambda: True) -> Outcome:
        """Check one version of a draft (in a worker thread); never raises."""
        began = time.perf_counter()
        doc = Document.from_text(text)
        out = Outcome(uri=uri, version=version, text=text, doc=doc)
        try:
            out.config = settings.apply(self.file_config(uri))
            out.linter = self.linter_for(out.config)
            if not wanted():
                return out
            _inject_fault(text)
            out.report = out.linter.check(text)
            out.diagnostics = [self.diagnostic(doc, f) for f in out.report.findings]
        except InputError as exc:
            out.report = None
            empty = not text.strip()
            kind = lsp.DiagnosticSeverity.Information if empty else lsp.DiagnosticSeverity.Error
            out.diagnostics = [_whole_doc_diagnostic(doc, _one_line(exc), INPUT_ERROR, kind)]
        except TonecheckError as exc:
            out.report = None
            self.log(f"{uri}: {exc}", lsp.MessageType.Error)
            out.diagnostics = [_whole_doc_diagnostic(doc, _one_line(exc), CONFIG_ERROR, lsp.DiagnosticSeverity.Error)]
        except Exception as exc:  # a bug in a check: one diagnostic and a log line, never a dead server
            out.report = None
            self.log(f"check of {uri} failed:\n{traceback.format_exc()}", lsp.MessageType.Error)
            message = f"tonecheck could not check this draft ({type(exc).__name__}: {_one_line(exc)}); see the log"
            out.diagnostics = [_whole_doc_diagnostic(doc, message, INTERNAL_ERROR, lsp.DiagnosticSeverity.Error)]
        for notice in out.report.notices if out.report else ():
            self.notice(notice)
        out.seconds = time.perf_counter() - began
        return out

    def diagnostic(self, doc: Document, f: Finding) -> lsp.Diagnostic:
        fixes = [{"title": s.description, "edits": [_edit_json(doc, e) for e in s.edits]} for s in f.suggestions]
        return lsp.Diagnostic(
            range=_range(doc, f.start, f.end),
            message=f.message,
            severity=_SEVERITY.get(f.severity, lsp.DiagnosticSeverity.Information),
            code=f.rule,
            source=SOURCE,
            data={"rule": f.rule, "start": f.start, "end": f.end, "fixes": fixes,
                  "phrase": _sentence_of(doc, f.start), "confidence": round(f.confidence, 3), "origin": f.source},
        )

    def schedule(self, uri: str, delay: float) -> asyncio.Task[Outcome | None]:
        """(Re)start the check of ``uri``; an earlier pending or running one is dropped."""
        state = self.docs.setdefault(uri, DocState())
        state.generation += 1
        if state.task is not None and not state.task.done():
            state.task.cancel()
        state.task = asyncio.ensure_future(self._check(uri, state, state.generation, delay))
        state.task.add_done_callback(self._task_done)
        return state.task

    def _task_done(self, task: asyncio.Task[Outcome | None]) -> None:
        if not task.cancelled() and (exc := task.exception()) is not None:
            self.log(f"check task failed: {''.join(traceback.format_exception(exc))}", lsp.MessageType.Error)

    async def _check(self, uri: str, state: DocState, generation: int, delay: float) -> Outcome | None:
        if delay > 0:
            await asyncio.sleep(delay)

        def current() -> bool:
            return state.generation == generation and self.docs.get(uri) is state

        if not current():
            return None
        document = self.workspace.get_text_document(uri)
        try:
            text = document.source
        except OSError as exc:
            raise JsonRpcInvalidParams(f"cannot read {uri}: {exc}") from None
        version = document.version
        loop = asyncio.get_running_loop()
        outcome = await loop.run_in_executor(self.pool, self.compute, uri, text, version, self.settings, current)
        if not current():
            return None
        state.outcome = outcome
        log.debug("checked %s version %s in %.1f ms", uri, version, outcome.seconds * 1000)
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=outcome.diagnostics))
        return outcome

    async def check_now(self, uri: str) -> Outcome:
        """Check the current text of ``uri`` now and publish; waits past newer edits."""
        task = self.schedule(uri, 0)
        for _ in range(20):
            await asyncio.wait({task})
            if not task.cancelled() and task.exception() is None and (outcome := task.result()) is not None:
                return outcome
            if not task.cancelled() and (exc := task.exception()) is not None:
                raise exc
            state = self.docs.get(uri)
            if state is None or state.task is None:
                break
            task = state.task if state.task is not task else self.schedule(uri, 0)
        raise JsonRpcException(f"{uri} was closed or kept changing during the check", code=-32803)

    def recheck_open(self) -> None:
        for uri, state in list(self.docs.items()):
            if state.outcome is not None or self.settings.check_on != "command":
                self.schedule(uri, 0)

    def current_outcome(self, uri: str) -> Outcome | None:
        """The last check of ``uri``, if it is of the text the editor has now."""
        state = self.docs.get(uri)
        if state is None or state.outcome is None:
            return None
        try:
            text = self.workspace.get_text_document(uri).source
        except OSError:
            return None
        return state.outcome if state.outcome.text == text else None

    # -- the workspace config file ------------------------------------------------------

    def config_target(self, uri: str) -> Path:
        """The .tonecheck.toml that "disable" and "hide" write to for ``uri``."""
        folder = self.workspace_folder_of(uri)
        anchor = self._config_anchor(uri)
        found = find_config(anchor) if anchor else None
        if found is not None and (folder is None or folder == found.parent or folder in found.parents):
            if found.name != CONFIG_FILE:
                raise ConfigError(f"{found}: the configuration is in [tool.tonecheck] there; edit it by hand "
                                  f"(tonecheck only writes {CONFIG_FILE} files)")
            return found
        if folder is None:
            path = _path_of(uri)
            if path is None:
                raise ConfigError("open a folder (workspace) to keep a tonecheck configuration for untitled drafts")
            folder = path.parent
        if found is not None:
            self.log(f"{folder / CONFIG_FILE} now takes precedence over {found} for this workspace",
                     lsp.MessageType.Warning)
        return folder / CONFIG_FILE

    def edit_config(self, uri: str, change: Callable[[str], str]) -> Path:
        """Apply ``change`` to the workspace config's text and write it atomically (worker thread)."""
        with self._config_write_lock:
            path = self.config_target(uri)
            old = path.read_text(encoding="utf-8") if path.exists() else ""
            try:
                new = change(old)
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"{path}: invalid TOML, fix it first: {exc}") from None
            if new != old:
                parse_config(tomllib.loads(new), path)  # never write a file tonecheck would refuse
                path.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(path, new, keep_original=False)
            self._configs.pop(path, None)
            return path


def _path_of(uri: str) -> Path | None:
    if not uri.startswith("file:"):
        return None
    path = to_fs_path(uri)
    return Path(path) if path else None


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _position(doc: Document, offset: int) -> lsp.Position:
    line, character = doc.utf16_position(offset)
    return lsp.Position(line=line, character=character)


def _range(doc: Document, start: int, end: int) -> lsp.Range:
    return lsp.Range(start=_position(doc, start), end=_position(doc, end))


def _text_edit(doc: Document, e: Edit) -> lsp.TextEdit:
    return lsp.TextEdit(range=_range(doc, e.start, e.end), new_text=e.text)


def _edit_json(doc: Document, e: Edit) -> dict[str, Any]:
    start, end = doc.utf16_position(e.start), doc.utf16_position(e.end)
    return {"range": {"start": {"line": start[0], "character": start[1]},
                      "end": {"line": end[0], "character": end[1]}}, "newText": e.text}


def _whole_doc_diagnostic(doc: Document, message: str, code: str, severity: lsp.DiagnosticSeverity) -> lsp.Diagnostic:
    first_line = re.split(r"\r\n|\r|\n", doc.source, maxsplit=1)[0]
    return lsp.Diagnostic(range=_range(doc, 0, len(first_line)), message=message, severity=severity,
                          code=code, source=SOURCE)


def _sentence_of(doc: Document, source_offset: int) -> str:
    """The sentence the linter's [[ignore]] matching sees for a finding at ``source_offset``."""
    offset = source_offset
    if doc.text != doc.source:
        offset = next((i for i in range(len(doc.text) + 1) if doc.to_source(i) >= source_offset), len(doc.text))
    sentence = doc.sentence_at(offset)
    return sentence.text if sentence else ""


def fix_all_edits(text: str, findings: list[Finding], lang: str = "auto", rules: Any = None) -> list[Edit]:
    """Edits (into ``text``) that apply the first suggestion of every finding that does not overlap
    another, fitted to the draft as the rewrite command fits them (rewrite.plan_edits); as one
    edit when the tidy-up of a deletion (spaces, punctuation) changes more."""
    edits = choose_edits(findings, text, lang=lang, rules=rules)
    if not edits:
        return []
    revised = apply_edits(text, edits)
    plain = _apply_plain(text, edits)
    if revised == plain:
        return edits
    return [_edit_between(text, revised)]


def _apply_plain(text: str, edits: list[Edit]) -> str:
    out, pos = [], 0
    for e in edits:  # choose_edits returns them in order
        out.append(text[pos : e.start])
        out.append(e.text)
        pos = max(pos, e.end)
    out.append(text[pos:])
    return "".join(out)


def _edit_between(old: str, new: str) -> Edit:
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    # Never split a CRLF pair.
    if 0 < start < len(old) and old[start - 1] == "\r" and old[start] == "\n":
        start -= 1
    if 0 < end_old < len(old) and old[end_old - 1] == "\r" and old[end_old] == "\n":
        end_old += 1
        end_new += 1
    return Edit(start, end_old, new[start:end_new])


# -- handlers ----------------------------------------------------------------------------------


def _uri_arg(args: tuple[Any, ...]) -> str:
    if args and isinstance(args[0], str):
        return args[0]
    if args and isinstance(args[0], dict) and isinstance(args[0].get("uri"), str):
        return str(args[0]["uri"])
    raise JsonRpcInvalidParams("expected the document's URI as the first argument")


def _dict_arg(args: tuple[Any, ...], *keys: str) -> dict[str, Any]:
    if not args or not isinstance(args[0], dict):
        raise JsonRpcInvalidParams(f"expected one object argument with {', '.join(keys)}")
    arg: dict[str, Any] = args[0]
    missing = [k for k in keys if k not in arg]
    if missing:
        raise JsonRpcInvalidParams(f"missing {', '.join(missing)} in the argument")
    return arg


def _workspace_edit(ls: ToneServer, uri: str, version: int | None, edits: list[lsp.TextEdit]) -> lsp.WorkspaceEdit:
    caps = ls.client_capabilities
    versioned = bool(caps.workspace and caps.workspace.workspace_edit and caps.workspace.workspace_edit.document_changes)
    if versioned:
        return lsp.WorkspaceEdit(document_changes=[lsp.TextDocumentEdit(
            text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
            edits=list(edits))])
    return lsp.WorkspaceEdit(changes={uri: list(edits)})


def code_actions(ls: ToneServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    uri = params.text_document.uri
    outcome = ls.current_outcome(uri)
    if outcome is None or outcome.report is None:
        return []
    doc, version = outcome.doc, outcome.version
    start = doc.offset_from_utf16(params.range.start.line, params.range.start.character)
    end = doc.offset_from_utf16(params.range.end.line, params.range.end.character)
    here = outcome.findings_at(start, end)
    actions: list[lsp.CodeAction] = []

    def edit_action(title: str, edits: Iterable[Edit], kind: str, diags: list[lsp.Diagnostic],
                    preferred: bool = False) -> lsp.CodeAction:
        return lsp.CodeAction(title=title, kind=kind, diagnostics=diags or None, is_preferred=preferred or None,
                              edit=_workspace_edit(ls, uri, version, [_text_edit(doc, e) for e in edits]))

    for f, d in here:
        for i, s in enumerate(f.suggestions):
            if s.edits:
                actions.append(edit_action(s.description, s.edits, lsp.CodeActionKind.QuickFix, [d], preferred=i == 0))
    findings = outcome.report.findings
    rules = outcome.linter.rules if outcome.linter is not None else None
    all_edits = fix_all_edits(outcome.text, findings, outcome.report.lang, rules)
    fixable = [f for f in findings if f.suggestions and f.suggestions[0].edits]
    if all_edits and here:
        actions.append(edit_action(f"Tonecheck: fix all ({len(fixable)} finding(s))", all_edits,
                                   lsp.CodeActionKind.QuickFix, [d for _, d in here]))
    missing = [f for f in fixable if f.rule.startswith("missing-")]
    if missing and here:
        parts = choose_edits(missing, outcome.text, lang=outcome.report.lang, rules=rules)
        actions.append(edit_action(f"Tonecheck: insert the missing parts ({len(missing)})", parts,
                                   lsp.CodeActionKind.QuickFix, [d for f, d in here if f.rule.startswith("missing-")]))
    for rule in dict.fromkeys(f.rule for f, _ in here):
        diags = [d for f, d in here if f.rule == rule]
        actions.append(lsp.CodeAction(
            title=f"Tonecheck: disable rule '{rule}' in {CONFIG_FILE}", kind=lsp.CodeActionKind.QuickFix,
            diagnostics=diags,
            command=lsp.Command(title=f"Disable rule '{rule}'", command=CMD_DISABLE_RULE,
                                arguments=[{"uri": uri, "rule": rule}])))
    for f, d in here:
        phrase = _sentence_of(doc, f.start)
        if phrase:
            actions.append(lsp.CodeAction(
                title=f"Tonecheck: hide this false positive ('{f.rule}' in this sentence)",
                kind=lsp.CodeActionKind.QuickFix, diagnostics=[d],
                command=lsp.Command(title="Hide this false positive", command=CMD_HIDE,
                                    arguments=[{"uri": uri, "rule": f.rule, "phrase": phrase}])))
    if all_edits:
        actions.append(edit_action("Tonecheck: fix all", all_edits, KIND_FIX_ALL, []))
    only = params.context.only
    # The source action only when asked for by its own name ("source.fixAll.tonecheck" in
    # editor.codeActionsOnSave): a generic "source.fixAll" on save must not rewrite a draft.
    if not only or KIND_FIX_ALL not in only:
        actions = [a for a in actions if a.kind != KIND_FIX_ALL]
    if only:
        actions = [a for a in actions if a.kind and any(a.kind == k or a.kind.startswith(f"{k}.") for k in only)]
    return actions


def hover(ls: ToneServer, params: lsp.HoverParams) -> lsp.Hover | None:
    outcome = ls.current_outcome(params.text_document.uri)
    if outcome is None or outcome.report is None or outcome.linter is None:
        return None
    doc = outcome.doc
    offset = doc.offset_from_utf16(params.position.line, params.position.character)
    here = outcome.findings_at(offset, offset)
    if not here:
        return None
    caps = ls.client_capabilities
    formats = caps.text_document.hover.content_format if caps.text_document and caps.text_document.hover else None
    markdown = bool(formats) and lsp.MarkupKind.Markdown in (formats or [])
    parts = []
    for f, _ in here:
        info = outcome.linter.info(f.rule)
        title = info.title if info else f.rule
        why = f.why or (info.why if info else "")
        if markdown:
            part = f"**{_md(title)}** · `{f.rule}` ({f.severity})\n\n{_md(f.message)}"
            part += f"\n\n{_md(why)}" if why else ""
            part += f"\n\n*confidence {f.confidence:.2f} · source: {f.source}*"
            part += "".join(f"\n- {_md(line)}" for line in f.evidence)
        else:
            part = f"{title} ({f.rule}, {f.severity})\n\n{f.message}"
            part += f"\n\n{why}" if why else ""
            part += f"\n\nconfidence {f.confidence:.2f} · source: {f.source}"
            part += "".join(f"\n  {line}" for line in f.evidence)
        parts.append(part)
    first = here[0][0]
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown if markdown else lsp.MarkupKind.PlainText,
                                   value=("\n\n---\n\n" if markdown else "\n\n――――\n\n").join(parts)),
        range=_range(doc, first.start, first.end),
    )


def _md(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", text)


def create_server() -> ToneServer:
    server = ToneServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: ToneServer, params: lsp.InitializeParams) -> None:
        ls.loop = asyncio.get_running_loop()
        ls._loop_thread = threading.get_ident()
        ls.settings, problems = parse_settings(params.initialization_options)
        for problem in problems:
            ls.log(problem, lsp.MessageType.Warning)

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: ToneServer, params: lsp.InitializedParams) -> None:
        # Load the linter (rules, spaCy, grammar engines, the tone model) before the first draft arrives.
        settings = ls.settings

        def warm() -> None:
            began = time.perf_counter()
            for sample in ("Bună ziua,\nVă mulțumesc pentru colaborare.\n", "Hi Anna,\nThank you for the work.\n"):
                ls.compute("untitled:warm-up", sample, None, settings)
            ls.log(f"ready ({time.perf_counter() - began:.1f} s to warm up)")

        ls.pool.submit(warm)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: ToneServer, params: lsp.DidChangeConfigurationParams) -> None:
        data = params.settings
        caps = ls.client_capabilities
        if not data and caps.workspace and caps.workspace.configuration:
            result = await ls.workspace_configuration_async(
                lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section="tonecheck")]))
            data = result[0] if result else None
        ls.settings, problems = parse_settings(data, ls.settings)
        for problem in problems:
            ls.log(problem, lsp.MessageType.Warning)
        ls.recheck_open()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ToneServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.docs.setdefault(params.text_document.uri, DocState())
        if ls.settings.check_on != "command":
            ls.schedule(params.text_document.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ToneServer, params: lsp.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        state = ls.docs.setdefault(uri, DocState())
        if ls.settings.check_on == "edit":
            ls.schedule(uri, ls.settings.debounce_ms / 1000)
        else:  # a result for an older text must not be published any more
            state.generation += 1
            if state.task is not None and not state.task.done():
                state.task.cancel()

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ToneServer, params: lsp.DidSaveTextDocumentParams) -> None:
        if ls.settings.check_on == "save":
            ls.schedule(params.text_document.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ToneServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        state = ls.docs.pop(uri, None)
        if state is not None and state.task is not None and not state.task.done():
            state.task.cancel()
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(
        code_action_kinds=[lsp.CodeActionKind.QuickFix, KIND_FIX_ALL], resolve_provider=False))
    def on_code_action(ls: ToneServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        return code_actions(ls, params)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: ToneServer, params: lsp.HoverParams) -> lsp.Hover | None:
        return hover(ls, params)

    @server.command(CMD_CHECK)
    async def check_command(ls: ToneServer, *args: Any) -> dict[str, Any]:
        outcome = await ls.check_now(_uri_arg(args))
        return outcome.counts()

    @server.command(CMD_REWRITE)
    async def rewrite_command(ls: ToneServer, *args: Any) -> dict[str, Any]:
        uri = _uri_arg(args)
        outcome = await ls.check_now(uri)
        if outcome.report is None:
            message = outcome.diagnostics[0].message if outcome.diagnostics else "the draft could not be checked"
            raise JsonRpcException(message, code=-32803)
        loop = asyncio.get_running_loop()
        revised = await loop.run_in_executor(ls.pool, partial(rewrite, outcome.text, linter=outcome.linter))
        return {"text": revised.text, "changes": len(revised.edits)}

    @server.command(CMD_RECORD_OVERRIDE)
    async def record_override_command(ls: ToneServer, *args: Any) -> dict[str, Any]:
        arg = _dict_arg(args, "rules")
        rules = arg["rules"]
        if not isinstance(rules, list):
            raise JsonRpcInvalidParams("rules must be a list of rule ids")
        loop = asyncio.get_running_loop()
        entry = await loop.run_in_executor(ls.pool, record_override, clean_rules(rules))
        return {"recorded": True, "rules": entry["rules"]}

    async def edit_config(ls: ToneServer, uri: str, change: Callable[[str], str], what: str) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        try:
            path = await loop.run_in_executor(ls.pool, ls.edit_config, uri, change)
        except (TonecheckError, OSError) as exc:
            ls.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Error, message=f"tonecheck: {exc}"))
            raise JsonRpcException(_one_line(exc), code=-32803) from None
        ls.log(f"{what} in {path}")
        ls.recheck_open()
        return {"path": str(path)}

    @server.command(CMD_DISABLE_RULE)
    async def disable_rule_command(ls: ToneServer, *args: Any) -> dict[str, Any]:
        arg = _dict_arg(args, "uri", "rule")
        rule = clean_rules([arg["rule"]])
        if not rule:
            raise JsonRpcInvalidParams(f"not a rule id: {arg['rule']!r}")
        return await edit_config(ls, str(arg["uri"]), lambda text: add_disabled_rule(text, rule[0]),
                                 f"disabled rule '{rule[0]}'")

    @server.command(CMD_HIDE)
    async def hide_command(ls: ToneServer, *args: Any) -> dict[str, Any]:
        arg = _dict_arg(args, "uri", "rule", "phrase")
        rule = clean_rules([arg["rule"]])
        phrase = arg["phrase"]
        if not rule or not isinstance(phrase, str) or not phrase.strip():
            raise JsonRpcInvalidParams("expected a rule id and a non-empty phrase")
        return await edit_config(ls, str(arg["uri"]), lambda text: add_ignore(text, rule[0], phrase.strip()),
                                 f"hid '{rule[0]}' in one sentence")

    return server


def serve() -> None:
    """Run the server on stdin/stdout until the client says exit."""
    logging.basicConfig(level=os.environ.get("TONECHECK_LOG", "WARNING").upper(), stream=sys.stderr,
                        format="tonecheck-lsp %(levelname)s %(name)s: %(message)s")
    # The protocol owns stdout: anything else that prints (a library, a stray print) goes to stderr.
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    server = create_server()
    server.start_io(sys.stdin.buffer, protocol_out)
