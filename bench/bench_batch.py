"""Batch throughput: messages per second for `tonecheck batch` with 1 and 2 workers,
rules-only (`--no-model`) and full (rules + tone model, grammar off). Prints numbers;
asserts nothing.

    .venv/bin/python bench/bench_batch.py [--messages 3000] [--repeat 3]

Every figure runs the real command in a fresh process, as a user would. For each case:

* **end to end**: messages / wall time of the whole command (start-up included);
* **start-up**: the wall time of the same command on 32 messages (imports, rules, model
  load, process pool);
* **steady**: (N - 32) / (time for N - time for 32), the rate once everything is loaded,
  which is what a long run approaches;
* **cores busy**: CPU time of the command and its workers / wall time (2.0 = both cores
  of a 2-core machine all the time).

Each run waits (up to 30 s) for the machine to be idle; "other work" is the cores that
other processes used during the run (from /proc/stat). 1 and 2 workers take turns,
``--repeat`` rounds, and each time is the fastest undisturbed run (other work under 0.15
cores), else the fastest run, whose "other work" then shows it.

Inputs: rules-only cycles the labelled messages of ``tests/data`` up to ``--messages``. The
full path (rules + model) sees every message once, because the tone model keeps the
embeddings of sentences it has seen and a repeated message would be nearly free. It runs
twice: on 1,000 labelled messages as written (~80 words on average), and on ~600
~150-word messages (issue 3's size), each two labelled messages of one language joined.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SMALL = 32
FULL = 1000  # messages per run with the model
QUIET = 0.15  # cores of other work under which a run counts as undisturbed


def labelled() -> list[dict[str, str]]:
    """Every labelled whole message (not the threads), in a fixed order."""
    paths = sorted(p for p in DATA.glob("*.jsonl") if not p.name.startswith("threads"))
    return [json.loads(line) for path in paths for line in path.read_text(encoding="utf-8").splitlines()]


def texts() -> list[str]:
    return [row["text"] for row in labelled()]


def joined_texts() -> list[str]:
    """Distinct messages of ~150 words: labelled messages of one language joined in pairs,
    each message used once (the model caches sentences it has seen, so a message reused in
    a second pair would be half free), each paired with the one of the next 20 unused that
    brings the pair closest to 150 words; languages take turns."""
    by_lang: dict[str, list[str]] = {}
    for row in labelled():
        by_lang.setdefault(row["lang"], []).append(row["text"])
    groups = []
    for messages in by_lang.values():
        todo, pairs = list(messages), []
        while len(todo) >= 2:
            first = todo.pop(0)
            other = min(todo[:20], key=lambda m: abs(len(first.split()) + len(m.split()) - 150))
            todo.remove(other)
            pairs.append(f"{first}\n\n{other}")
        groups.append(pairs)
    return [text for group in zip(*groups, strict=False) for text in group]


def words(messages: list[str]) -> float:
    return sum(len(m.split()) for m in messages) / len(messages)


def write_input(path: Path, source: list[str], n: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            handle.write(json.dumps({"id": i, "text": source[i % len(source)]}, ensure_ascii=False) + "\n")


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy so far (Linux /proc/stat; 0 elsewhere)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0.0
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


def wait_quiet(limit: float = 30.0, threshold: float = 0.2) -> None:
    """Wait (at most ``limit`` s) until other work uses under ``threshold`` cores for a second."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = machine_busy()
        time.sleep(1.0)
        if machine_busy() - before < threshold:
            return


def timed_run(src: Path, out: Path, workers: int, flags: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds of the command and its workers, cores used by other work
    meanwhile) of one `tonecheck batch`."""
    out.unlink(missing_ok=True)
    wait_quiet()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy = machine_busy()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tonecheck", "batch", str(src), "--out", str(out),
                    "--workers", str(workers), *flags], check=True, capture_output=True)
    wall = time.perf_counter() - start
    busy = machine_busy() - busy
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, max(0.0, busy - cpu) / wall


def best(runs: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """The fastest run that other work left alone (under ``QUIET`` cores), else the fastest."""
    return min((r for r in runs if r[2] < QUIET), default=min(runs))


def tree_cpu(pid: int | None = None) -> float:
    """CPU seconds used so far by the live processes under ``pid`` (default: this one), not
    counting it (Linux /proc; 0 elsewhere): Spark's JVM and Python workers, for instance."""
    root = pid or os.getpid()
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = entry.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        stats[int(entry.parent.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))
    children: dict[int, list[int]] = {}
    for child, (parent, _) in stats.items():
        children.setdefault(parent, []).append(child)
    total, todo = 0.0, list(children.get(root, []))
    while todo:
        pid_ = todo.pop()
        total += stats[pid_][1]
        todo += children.get(pid_, [])
    return total


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=3000, help="rules-only input size")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is kept")
    parser.add_argument("--only", choices=["rules", "full", "long"], default=None,
                        help="one case: rules only, the labelled messages, or the ~150-word ones")
    args = parser.parse_args()
    labelled_texts, long_texts = texts(), joined_texts()
    cases = [("rules", "rules only", ["--no-model"], labelled_texts, args.messages),
             ("full", "rules + model", [], labelled_texts[:FULL], min(FULL, len(labelled_texts))),
             ("long", "model, 150 w", [], long_texts, len(long_texts))]
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at the start")
    with tempfile.TemporaryDirectory() as tmp:
        for key, label, flags, source, n in cases:
            if args.only and args.only != key:
                continue
            print(f"{label}: {n} messages, {words(source[:n]):.0f} words on average", flush=True)
            big, small, out = Path(tmp) / "big.jsonl", Path(tmp) / "small.jsonl", Path(tmp) / "out.jsonl"
            write_input(big, source, n)
            write_input(small, source, SMALL)
            runs: dict[tuple[int, int], list[tuple[float, float, float]]] = {}
            for _ in range(args.repeat):  # 1 and 2 workers take turns, so a slow spell hits both
                for workers in (1, 2):
                    for size, path in ((SMALL, small), (n, big)):
                        runs.setdefault((workers, size), []).append(timed_run(path, out, workers, flags))
            steady: dict[int, float] = {}
            end_to_end: dict[int, float] = {}
            for workers in (1, 2):
                t_small = best(runs[workers, SMALL])[0]
                t_big, cpu, others = best(runs[workers, n])
                end_to_end[workers] = n / t_big
                steady[workers] = (n - SMALL) / max(t_big - t_small, 1e-9)
                print(f"{label:<14} workers={workers}  {n} messages in {t_big:5.1f} s = {n / t_big:6.1f} msg/s end to end; "
                      f"start-up {t_small:4.1f} s; steady {steady[workers]:6.1f} msg/s; cores busy {cpu / t_big:.2f} "
                      f"(other work {others:.2f})", flush=True)
            print(f"{label:<14} 2 workers / 1 worker: steady x{steady[2] / steady[1]:.2f}, "
                  f"end to end x{end_to_end[2] / end_to_end[1]:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
