"""Language server latency over stdio: didChange of one sentence -> publishDiagnostics.

Starts `python -m tonecheck lsp`, opens a ~150-word draft per language, waits until the
server is warm (first diagnostics, a few edits), then changes one sentence at a time and
times each didChange until the publishDiagnostics of that version. Prints the time beyond
the debounce (what the issue's "within 100 ms of the debounce" is about). Asserts nothing.

    .venv/bin/python bench/bench_lsp.py [--edits 30] [--debounce 300] [--no-model] [--no-grammar]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _draft(lang: str) -> str:
    return (EXAMPLES / f"{lang}-good.txt").read_text(encoding="utf-8") + "\n" + \
        (EXAMPLES / f"{lang}-bad.txt").read_text(encoding="utf-8")


# The sentence that each edit replaces, and what it becomes (in turn).
EDITS = {
    "ro": ("Sincer, nu ați plătit niciodată facturile la timp, iar negocierile constante pe preț m-au obosit.", [
        "Sincer, proiectul nu se mai potrivește cu ce pot oferi acum.",
        "Sincer, nu ați plătit niciodată facturile la timp.",
        "Sincer, mi-a făcut plăcere să lucrez cu echipa dumneavoastră.",
        "Sincer, negocierile constante pe preț m-au obosit și nu mai pot continua.",
    ]),
    "en": ("Honestly, you never paid on time and your constant last-minute changes made my work impossible.", [
        "Honestly, the project no longer fits what I can offer.",
        "Honestly, you never paid on time.",
        "Honestly, it was a pleasure to work with your team.",
        "Honestly, your constant last-minute changes made my work impossible and I am done with this.",
    ]),
}


class Server:
    """A raw JSON-RPC client of `tonecheck lsp` over pipes; every message is timestamped on arrival."""

    def __init__(self, command: list[str]) -> None:
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=None if os.environ.get("BENCH_STDERR") else subprocess.DEVNULL, cwd=ROOT)
        self.messages: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self.logs: list[str] = []
        self._id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while (line := out.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            body = json.loads(out.read(length))
            arrived = time.perf_counter()
            if body.get("method") == "window/logMessage":
                self.logs.append(body["params"]["message"])
            self.messages.put((arrived, body))

    def send(self, message: dict[str, Any]) -> float:
        data = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        sent = time.perf_counter()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(data), data))
        self.proc.stdin.flush()
        return sent

    def request(self, method: str, params: Any) -> Any:
        self._id += 1
        self.send({"id": self._id, "method": method, "params": params})
        while True:
            _, body = self.messages.get(timeout=120)
            if body.get("id") == self._id and "method" not in body:
                return body.get("result")

    def notify(self, method: str, params: Any) -> float:
        return self.send({"method": method, "params": params})

    def diagnostics(self, uri: str, version: int, timeout: float = 300) -> tuple[float, list[dict[str, Any]]]:
        deadline = time.monotonic() + timeout
        while True:
            arrived, body = self.messages.get(timeout=max(0.1, deadline - time.monotonic()))
            params = body.get("params") or {}
            if (body.get("method") == "textDocument/publishDiagnostics" and params.get("uri") == uri
                    and params.get("version") == version):
                return arrived, params["diagnostics"]

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def bench(lang: str, args: argparse.Namespace) -> None:
    options = {"model": args.model, "grammar": args.grammar, "debounceMs": args.debounce, "language": "auto"}
    env_note = "model " + ("on" if args.model else "off") + ", grammar " + ("on" if args.grammar else "off")
    server = Server([sys.executable, "-m", "tonecheck", "lsp", "--stdio"])
    began = time.perf_counter()
    server.request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": {},
                                  "initializationOptions": options})
    server.notify("initialized", {})
    uri = f"untitled:bench-{lang}"
    text = _draft(lang)
    old, variants = EDITS[lang]
    assert old in text, f"the {lang} draft lost the sentence the bench edits"
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1,
                                                            "text": text}})
    arrived, diags = server.diagnostics(uri, 1)
    cold = arrived - began
    version = 1
    current = old

    def edit(new: str) -> tuple[float, int]:
        nonlocal version, text, current
        version += 1
        text = text.replace(current, new)
        current = new
        sent = server.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]})
        arrived, found = server.diagnostics(uri, version)
        return arrived - sent, len(found)

    for i in range(len(variants) * 2):  # warm every variant once (model, grammar caches, lemma caches)
        edit(variants[i % len(variants)])
    beyond, counts = [], []
    for i in range(args.edits):
        latency, n = edit(variants[i % len(variants)])
        beyond.append((latency - args.debounce / 1000) * 1000)
        counts.append(n)
    server.close()
    model_note = next((m for m in server.logs if "tone model unavailable" in m), None)
    grammar_note = next((m for m in server.logs if "grammar check unavailable" in m), None)
    beyond.sort()
    words = len(text.split())
    print(f"{lang}: {words}-word draft, {env_note}, debounce {args.debounce} ms, {args.edits} edits of one sentence "
          f"({min(counts)}-{max(counts)} diagnostics each)")
    print(f"  first diagnostics after start (cold: imports, rules, models): {cold:.2f} s")
    print(f"  didChange -> publishDiagnostics, beyond the debounce: median {statistics.median(beyond):.1f} ms, "
          f"p90 {beyond[int(len(beyond) * 0.9) - 1]:.1f} ms, min {beyond[0]:.1f} ms, max {beyond[-1]:.1f} ms")
    for note in (model_note, grammar_note):
        if note:
            print(f"  note: {note.removeprefix('tonecheck: ')}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--debounce", type=int, default=300, help="the server's debounceMs")
    parser.add_argument("--no-model", dest="model", action="store_false", help="rules without the tone model")
    parser.add_argument("--no-grammar", dest="grammar", action="store_false", help="skip the grammar engine")
    parser.add_argument("--lang", choices=["ro", "en", "both"], default="both")
    args = parser.parse_args()
    for lang in (["ro", "en"] if args.lang == "both" else [args.lang]):
        bench(lang, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
