"""Privacy: tonecheck works with the network blocked and tries no connection at all."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import tonecheck

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


class NetworkAttempt(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail any attempt to resolve a name or open a connection, and record it."""
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[:2]))
        raise NetworkAttempt(f"network call attempted: {args[:2]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def test_api_full_pipeline_makes_no_network_call(no_network: list[str]) -> None:
    linter = tonecheck.Linter(model=True, grammar=True, on_notice=lambda m: None)
    for name in ("en-bad.txt", "ro-bad.txt"):
        report = linter.check((EXAMPLES / name).read_text(encoding="utf-8"))
        assert "breakup-word" in report.rules
        tonecheck.rewrite(report.text, linter=linter)
    assert no_network == []


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare (util-linux)")
def test_cli_works_in_a_network_namespace_without_network() -> None:
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("user namespaces are not allowed here")
    proc = subprocess.run(
        ["unshare", "-rn", sys.executable, "-m", "tonecheck", "check", "--format", "json",
         str(EXAMPLES / "ro-bad.txt"), str(EXAMPLES / "en-good.txt")],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    assert '"breakup-word"' in proc.stdout
