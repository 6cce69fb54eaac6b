"""Batch mode: JSON Lines and CSV in, one line per record out, resumable, bad records kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

RECORDS = [
    {"id": "a", "text": "Hi Sam,\nI think we need to take a break.\nBest,\nAna"},
    {"id": "b", "text": "Bună ziua,\nCred că avem nevoie de o pauză.\nCu stimă,\nAna"},
    {"id": "c", "text": ""},
]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tonecheck", "batch", *args, "--no-model"], capture_output=True,
                          text=True, timeout=300)


def lines(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_resumable_with_bad_records(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS) + "\n{broken\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text(json.dumps({"id": "a", "lang": "en", "findings": []}) + "\n", encoding="utf-8")  # done before
    proc = run(str(src), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    rows = {r["id"]: r for r in lines(out)}
    assert set(rows) == {"a", "b", "c", "line-4"}
    assert rows["a"]["findings"] == []  # skipped, not redone
    assert "breakup-word" in {f["rule"] for f in rows["b"]["findings"]}
    assert "empty" in rows["c"]["error"] and "invalid JSON" in rows["line-4"]["error"]
    assert run(str(src), "--out", str(out)).returncode == 0
    assert len(lines(out)) == 4  # nothing added on a second run


def test_csv_with_custom_columns_and_two_workers(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("key,body\n" + "\n".join(f'{r["id"]},"{r["text"]}"' for r in RECORDS[:2]) + "\n", encoding="utf-8")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run(str(src), "--out", str(one), "--id-field", "key", "--text-field", "body").returncode == 0
    assert run(str(src), "--out", str(two), "--id-field", "key", "--text-field", "body", "--workers", "2").returncode == 0
    assert sorted(lines(one), key=lambda r: r["id"]) == sorted(lines(two), key=lambda r: r["id"])


def test_rewrite_matches_the_rewrite_command(tmp_path: Path) -> None:
    import tonecheck

    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS[:2]) + "\n", encoding="utf-8")
    assert run(str(src), "--out", str(out), "--rewrite").returncode == 0
    linter = tonecheck.Linter(model=False, grammar=False)
    assert {r["id"]: r["rewrite"] for r in lines(out)} == {
        r["id"]: tonecheck.rewrite(r["text"], linter=linter).text for r in RECORDS[:2]}
