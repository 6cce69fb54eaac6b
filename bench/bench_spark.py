"""Spark throughput: messages per second for tonecheck.spark.check_column in local mode
(local[1] and local[2]), rules-only and full (rules + tone model, grammar off). Prints
numbers; asserts nothing. Needs the spark extra and Java 17+.

    .venv/bin/python bench/bench_spark.py [--messages 3000] [--repeat 2]

Each master runs in its own process (one SparkContext per process). Per case:

* **first job**: a job on 2 rows per core, which starts the Python workers and loads a
  linter (and the model) in each: Spark's cost before the first message;
* **warm**: a job over the whole input once the workers hold their linters (Spark reuses
  its Python workers), written to the ``noop`` sink so that nothing is collected;
  messages / wall time of the job. Rules-only: the best of ``--repeat`` jobs; full: one
  job, since the workers' model has then seen every sentence;
* **cores busy**: CPU time of the driver, the JVM and the Python workers / wall time;
  **other work**: the cores other processes used meanwhile (each job first waits, up to
  90 s, for an idle machine).

Same inputs as bench/bench_batch.py: rules-only cycles the 334 messages of ``tests/data``
up to ``--messages``; the full path takes them once each (the model caches embeddings of
sentences it has seen). Session start-up (the JVM) is printed once per master.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_batch import machine_busy, texts, tree_cpu, wait_quiet  # noqa: E402


def session(cores: int) -> Any:
    from pyspark.sql import SparkSession

    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (
        SparkSession.builder.master(f"local[{cores}]").appName("tonecheck-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", str(cores))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run_master(cores: int, messages: int, repeat: int, only: str | None) -> None:
    from tonecheck.spark import check_column

    start = time.perf_counter()
    spark = session(cores)
    print(f"local[{cores}]: session start {time.perf_counter() - start:.1f} s", flush=True)
    source = texts()
    for label, model, n in (("rules only", False, messages), ("rules + model", True, len(source))):
        if only and (only == "rules") == model:
            continue
        rows = [(i, source[i % len(source)]) for i in range(n)]
        # Several partitions per core, so that a slow partition does not leave a core idle.
        df = spark.createDataFrame(rows, "id long, text string").repartition(4 * cores).cache()
        df.count()
        warmup = spark.createDataFrame(rows[: 2 * cores], "id long, text string").repartition(cores)
        start = time.perf_counter()
        check_column(warmup, model=model).write.format("noop").mode("overwrite").save()
        first = time.perf_counter() - start
        runs = []
        # The model keeps embeddings of the sentences it has seen, in the workers that
        # outlive a job: a second job over the same messages would measure that cache.
        for _ in range(repeat if not model else 1):
            wait_quiet()
            busy, ours, cpu0 = machine_busy(), tree_cpu(), time.process_time()
            start = time.perf_counter()
            check_column(df, model=model).write.format("noop").mode("overwrite").save()
            wall = time.perf_counter() - start
            ours = tree_cpu() - ours + time.process_time() - cpu0
            runs.append((wall, ours / wall, max(0.0, machine_busy() - busy - ours) / wall))
        wall, used, others = min(runs)
        print(f"{label:<14} local[{cores}]  first job {first:4.1f} s; {n} messages in {wall:5.1f} s = "
              f"{n / wall:6.1f} msg/s warm; cores busy {used:.2f} (other work {others:.2f})", flush=True)
        df.unpersist()
    spark.stop()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=3000, help="rules-only input size")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--only", choices=["rules", "full"], default=None)
    parser.add_argument("--master-cores", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.master_cores:
        run_master(args.master_cores, args.messages, args.repeat, args.only)
        return 0
    print(f"{os.cpu_count()} cores", flush=True)
    for cores in (1, 2):
        cmd = [sys.executable, __file__, "--master-cores", str(cores), "--messages", str(args.messages),
               "--repeat", str(args.repeat), *(["--only", args.only] if args.only else [])]
        proc = subprocess.run(cmd, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            print(proc.stderr[-4000:], file=sys.stderr)
            return proc.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
