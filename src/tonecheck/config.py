"""Configuration: `.tonecheck.toml` or `[tool.tonecheck]` in `pyproject.toml`.

Found by walking up from the checked file. Keys say what they take: rule ids go in
``disable-rules``/``enable-rules``/``severity``; words and sentences to hide go in
``[[ignore]]`` entries (a rule id plus a ``phrase`` or ``regex`` of the sentence),
because a plain-text message has no room for inline comments.

    language = "auto"                 # auto | ro | en
    disable-rules = ["missing-handover", "grammar:*"]
    enable-rules = []
    severity = { guilt-wavering = "error" }
    fail-on = "error"                 # error | warning | info
    rule-paths = ["house-rules"]      # extra rule folders, relative to this file
    grammar = true
    model = true
    languagetool-url = "http://localhost:8081"   # your own LanguageTool server
    max-bytes = 1000000

    [[ignore]]
    rule = "blame"
    phrase = "as agreed in the contract"
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .report import Severity

CONFIG_FILE = ".tonecheck.toml"
DEFAULT_MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class Ignore:
    """Hide findings of ``rule`` in sentences containing ``phrase`` or matching ``regex``."""

    rule: str
    phrase: str | None = None
    regex: str | None = None

    def hides(self, rule: str, sentence: str) -> bool:
        if not fnmatch.fnmatchcase(rule, self.rule):
            return False
        if self.phrase is not None:
            return _loose(self.phrase) in _loose(sentence)
        assert self.regex is not None
        return re.search(self.regex, sentence, re.IGNORECASE) is not None


def _loose(text: str) -> str:
    from .normalize import comma_below, fold

    return " ".join(fold(comma_below(text)).split())


@dataclass(frozen=True)
class Config:
    language: str = "auto"
    disable_rules: tuple[str, ...] = ()
    enable_rules: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    rule_paths: tuple[Path, ...] = ()
    grammar: bool = True
    model: bool = True
    languagetool_url: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    ignore: tuple[Ignore, ...] = ()
    path: Path | None = None

    def is_enabled(self, rule: str) -> bool:
        if any(fnmatch.fnmatchcase(rule, p) for p in self.enable_rules):
            return True
        return not any(fnmatch.fnmatchcase(rule, p) for p in self.disable_rules)

    def with_overrides(self, **changes: Any) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


_KEYS = {
    "language", "disable-rules", "enable-rules", "severity", "fail-on", "rule-paths", "grammar",
    "model", "languagetool-url", "max-bytes", "ignore",
}
_HINTS = {
    "disable": "disable-rules", "ignore-rules": "disable-rules", "enable": "enable-rules",
    "select": "enable-rules", "lang": "language", "rules": "rule-paths", "allow": "ignore",
    "accept": "ignore", "words": "ignore", "failon": "fail-on", "url": "languagetool-url",
}


def find_config(start: Path) -> Path | None:
    """The nearest `.tonecheck.toml`, or `pyproject.toml` with a [tool.tonecheck] table."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "tonecheck" in _read_toml(pyproject).get("tool", {}):
            return pyproject
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def load_config(path: Path) -> Config:
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("tonecheck", {})
    return parse_config(data, path)


def parse_config(data: dict[str, Any], path: Path | None = None) -> Config:
    where = str(path) if path else "config"

    def fail(problem: str) -> ConfigError:
        return ConfigError(f"{where}: {problem}")

    for key in data:
        if key not in _KEYS:
            hint = _HINTS.get(key.lower().replace("_", "-"))
            raise fail(f"unknown key '{key}'" + (f"; did you mean '{hint}'?" if hint else
                                                 f" (known keys: {', '.join(sorted(_KEYS))})"))

    def str_list(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f"'{key}' must be a list of rule ids")
        return tuple(value)

    def boolean(key: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise fail(f"'{key}' must be true or false")
        return value

    language = data.get("language", "auto")
    if language not in ("auto", "ro", "en"):
        raise fail(f"language must be auto, ro or en, not {language!r}")
    try:
        fail_on = Severity.parse(str(data.get("fail-on", "error")))
        severity = {str(k): Severity.parse(str(v)) for k, v in dict(data.get("severity", {})).items()}
    except (ValueError, TypeError) as exc:
        raise fail(str(exc)) from None
    base = path.parent if path else Path.cwd()
    rule_paths = tuple((base / p).resolve() for p in str_list("rule-paths"))
    url = data.get("languagetool-url")
    if url is not None and (not isinstance(url, str) or not re.match(r"https?://", url)):
        raise fail("languagetool-url must be an http(s) URL of your LanguageTool server")
    max_bytes = data.get("max-bytes", DEFAULT_MAX_BYTES)
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes <= 0:
        raise fail("max-bytes must be a positive whole number")
    ignores = []
    raw_ignores = data.get("ignore", [])
    if not isinstance(raw_ignores, list):
        raise fail("'ignore' must be a list of tables: [[ignore]] rule = ..., phrase = ...")
    for i, entry in enumerate(raw_ignores):
        if not isinstance(entry, dict) or not isinstance(entry.get("rule"), str):
            raise fail(f"ignore entry {i + 1} needs rule = \"<rule id>\" and phrase = \"...\" or regex = \"...\"")
        extra = set(entry) - {"rule", "phrase", "regex"}
        if extra:
            raise fail(f"ignore entry {i + 1}: unknown key(s) {', '.join(sorted(extra))} (use rule, phrase, regex)")
        phrase, rx = entry.get("phrase"), entry.get("regex")
        if (phrase is None) == (rx is None):
            raise fail(f"ignore entry {i + 1} needs exactly one of phrase or regex")
        if rx is not None:
            try:
                re.compile(rx)
            except re.error as exc:
                raise fail(f"ignore entry {i + 1}: bad regex: {exc}") from None
        ignores.append(Ignore(entry["rule"], phrase, rx))
    return Config(
        language=language,
        disable_rules=str_list("disable-rules"),
        enable_rules=str_list("enable-rules"),
        severity=severity,
        fail_on=fail_on,
        rule_paths=rule_paths,
        grammar=boolean("grammar", True),
        model=boolean("model", True),
        languagetool_url=url,
        max_bytes=max_bytes,
        ignore=tuple(ignores),
        path=path,
    )


def validate_rule_ids(config: Config, known: set[str]) -> None:
    """Catch words put where rule ids belong, with a hint to use [[ignore]] instead."""
    where = str(config.path) if config.path else "config"
    fields = {
        "disable-rules": config.disable_rules,
        "enable-rules": config.enable_rules,
        "severity": tuple(config.severity),
    }
    for key, values in fields.items():
        for value in values:
            if any(ch in value for ch in "*?[") or value.startswith("grammar:") or value in known:
                continue
            raise ConfigError(
                f"{where}: '{value}' in {key} is not a rule id (see `tonecheck rules`). "
                f"To hide one false positive, add [[ignore]] with rule = \"<rule id>\" and phrase = \"{value}\"."
            )
