"""Batch throughput: messages per second for `tonecheck batch` with 1 and 2 workers,
rules-only and full (rules + model). Prints numbers; asserts nothing.

    .venv/bin/python bench/bench_batch.py [--messages 1000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()
    source = [json.loads(line)["text"] for line in (ROOT / "tests" / "data" / "messages.jsonl").open(encoding="utf-8")]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        with src.open("w", encoding="utf-8") as handle:
            for i in range(args.messages):
                handle.write(json.dumps({"id": i, "text": source[i % len(source)]}, ensure_ascii=False) + "\n")
        for label, flags in (("rules only", ["--no-model"]), ("rules + model", [])):
            for workers in (1, 2):
                out = Path(tmp) / f"out-{workers}-{len(flags)}.jsonl"
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "tonecheck", "batch", str(src), "--out", str(out),
                                "--workers", str(workers), *flags], check=True, capture_output=True)
                elapsed = time.perf_counter() - start
                print(f"{label:<14} workers={workers}  {args.messages} messages in {elapsed:5.1f} s  "
                      f"= {args.messages / elapsed:6.1f} msg/s (including start-up)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
