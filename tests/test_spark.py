"""tonecheck.spark on Spark in local mode: the same results as `tonecheck batch`, bad rows kept.

One local SparkSession (2 cores, loopback only, no UI) for the whole module.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import tonecheck
from tonecheck.spark import SparkUnavailable, check_column
from tonecheck.tone.encoder import encoder_info

DATA = Path(__file__).resolve().parent / "data" / "messages.jsonl"


def sample() -> list[dict[str, Any]]:
    """10 Romanian and 10 English messages from the labelled set, then the bad rows."""
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    ro = [r for r in rows if r["lang"] == "ro"][::11][:10]
    en = [r for r in rows if r["lang"] == "en"][::11][:10]
    picked = [{"id": r["id"], "text": r["text"]} for r in ro + en]
    return [*picked, {"id": "null-text", "text": None}, {"id": "empty", "text": "  \n "},
            {"id": "binary", "text": "\x00\x01\x02binary\x00\x00"}]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    saved = {k: os.environ.get(k) for k in ("SPARK_LOCAL_IP", "PYSPARK_PYTHON")}
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"  # loopback only, whatever the host name resolves to
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]").appName("tonecheck-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def normalise(row: Any) -> dict[str, Any]:
    """A result row as a batch output line: null columns and absent evidence left out."""
    out = {k: v for k, v in row.asDict(recursive=True).items() if v is not None}
    for finding in out.get("findings", []):
        if finding.get("evidence") is None:
            finding.pop("evidence", None)
    return out


def test_same_results_as_batch_with_the_model(spark: Any, tmp_path: Path) -> None:
    records = sample()
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "tonecheck", "batch", str(src), "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    expected = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}

    df = spark.createDataFrame([(r["id"], r["text"]) for r in records], "id string, text string").repartition(2)
    got = {row["id"]: normalise(row) for row in check_column(df).collect()}

    assert got.keys() == expected.keys() == {r["id"] for r in records}
    assert got == expected
    assert "no text" in got["null-text"]["error"] and "empty" in got["empty"]["error"]
    assert "binary" in got["binary"]["error"]
    assert sum(bool(r.get("findings")) for r in got.values()) >= 15  # real findings, not all errors
    if encoder_info()["status"] == "ready":  # the model ran in Spark's workers, not only the rules
        assert any("model" in f["source"] for r in got.values() for f in r.get("findings", []))


def test_rules_only_rewrite_keeps_the_id_type(spark: Any) -> None:
    texts = ["Hi Sam,\nI think we need to take a break.\nBest,\nAna", None,
             "Bună ziua,\nCred că avem nevoie de o pauză.\nCu stimă,\nAna"]
    df = spark.createDataFrame(list(enumerate(texts)), "key long, body string")
    result = check_column(df, text_col="body", id_col="key", model=False, rewrite=True)
    assert result.schema["key"].dataType.typeName() == "long"
    assert result.columns == ["key", "lang", "findings", "error", "rewrite"]
    rows = {r["key"]: r for r in result.collect()}
    assert [f["rule"] for f in rows[0]["findings"]].count("breakup-word") == 1
    assert rows[1]["error"] == "no text in field 'body'" and rows[1]["findings"] is None
    assert rows[2]["lang"] == "ro"
    linter = tonecheck.Linter(model=False, grammar=False)
    assert [f["rule"] for f in rows[2]["findings"]] == [f.rule for f in linter.check(texts[2]).findings]  # type: ignore[arg-type]
    assert rows[0]["rewrite"] == tonecheck.rewrite(texts[0], linter=linter).text  # type: ignore[arg-type]
    assert "break" not in rows[0]["rewrite"].split("\n")[1]


def test_bad_arguments(spark: Any) -> None:
    df = spark.createDataFrame([("a", "x")], "id string, text string")
    with pytest.raises(tonecheck.InputError, match="no column 'body'"):
        check_column(df, text_col="body")
    with pytest.raises(ValueError, match="lang"):
        check_column(df, lang="fr")


def test_missing_extra_is_a_typed_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(SparkUnavailable, match=r"tonecheck\[spark\]") as info:
        check_column(object())  # type: ignore[arg-type]
    assert isinstance(info.value, tonecheck.TonecheckError) and isinstance(info.value, ImportError)


def test_import_tonecheck_does_not_import_pyspark() -> None:
    code = "import sys, tonecheck, tonecheck.batch, tonecheck.spark; assert 'pyspark' not in sys.modules, 'pyspark imported'"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
