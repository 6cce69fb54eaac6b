"""A local record of pre-send overrides: the writer sent a draft despite findings.

Each override is one JSON line, ``{"time": "<ISO 8601 UTC>", "rules": ["blame", ...]}``,
in ``overrides.jsonl`` under ``$TONECHECK_STATE_DIR``, else ``$XDG_STATE_HOME/tonecheck``,
else ``~/.local/state/tonecheck``. Only rule ids are kept, never any text of the message:
anything that does not look like a rule id is dropped before it is written. The file never
leaves the machine; it tells the writer which rules they overrule most often.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

OVERRIDES_FILE = "overrides.jsonl"
# Rule ids: "blame", "missing-thanks", "grammar:MORFOLOGIK_RULE_RO_RO". No spaces, so no prose.
_RULE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:*-]{0,99}")
_MAX_RULES = 100


def state_dir() -> Path:
    """Where tonecheck keeps its local state."""
    if folder := os.environ.get("TONECHECK_STATE_DIR"):
        return Path(folder)
    if folder := os.environ.get("XDG_STATE_HOME"):
        return Path(folder) / "tonecheck"
    return Path.home() / ".local" / "state" / "tonecheck"


def overrides_path() -> Path:
    return state_dir() / OVERRIDES_FILE


def clean_rules(rules: Iterable[Any]) -> list[str]:
    """The rule ids among ``rules``, deduplicated in order; anything else is dropped."""
    out: list[str] = []
    for rule in rules:
        if isinstance(rule, str) and _RULE_ID.fullmatch(rule) and rule not in out:
            out.append(rule)
    return out[:_MAX_RULES]


def record_override(rules: Iterable[Any], *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Append one override (the time and the rule ids, nothing else) and return the entry."""
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    entry = {"time": when.isoformat().replace("+00:00", "Z"), "rules": clean_rules(rules)}
    path = overrides_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    # One write on an O_APPEND descriptor: concurrent writers never interleave a line.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    return entry


def load_overrides() -> list[dict[str, Any]]:
    """Every recorded override, oldest first; unreadable lines are skipped."""
    try:
        lines = overrides_path().read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    out = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("time"), str) and isinstance(entry.get("rules"), list):
            out.append({"time": entry["time"], "rules": clean_rules(entry["rules"])})
    return out


def override_stats() -> list[tuple[str, int]]:
    """How often each rule was overridden, most often first (ties by rule id)."""
    counts = Counter(rule for entry in load_overrides() for rule in entry["rules"])
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
