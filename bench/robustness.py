"""Robustness report: generated inputs through check/rewrite/decode, and malformed
requests to the language server. Prints how many were tried and how many failed.

    .venv/bin/python bench/robustness.py [--texts 2000] [--bytes 5000] [--requests 200]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import tonecheck  # noqa: E402
from tonecheck.document import Document  # noqa: E402
from tonecheck.inputs import decode  # noqa: E402

PIECES = ["pauză", "pauza", "break up", "you never paid", "mulţumesc", "Thanks for nothing", "😀", "\r\n", "\n\n",
          "Bună ziua,", "Hi Sam,", "Best,", "Cu stimă,", "nu", "not", "!!!", "DONE NOW OK", "e\u0301", "…", "\t",
          "last day 15 May", "fișierele", "dl.", "I feel so guilty", "dacă insistați", "\u200b", "\ufeff", "ﬁ"]


def random_text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 40)):
        if rng.random() < 0.6:
            parts.append(rng.choice(PIECES))
        else:
            ranges = [rng.randint(32, 126), rng.randint(0xA0, 0x24F), rng.randint(0x1F300, 0x1F6FF),
                      rng.randint(0x300, 0x36F)]
            parts.append("".join(chr(rng.choice(ranges)) for _ in range(rng.randint(1, 10))))
    return rng.choice([" ", "", "\n"]).join(parts)


def fuzz_texts(n: int, rng: random.Random) -> tuple[int, list[str]]:
    linter = tonecheck.Linter(model=False, grammar=False)
    failures = []
    for i in range(n):
        text = random_text(rng)
        try:
            report = linter.check(text)
            doc = Document.from_text(text)
            for f in report.findings:
                assert 0 <= f.start <= f.end <= len(text)
                line, char = doc.utf16_position(f.start)
                assert doc.offset_from_utf16(line, char) == f.start
            once = tonecheck.rewrite(text, linter=linter).text
            tonecheck.rewrite(once, linter=linter)
        except tonecheck.InputError:
            continue
        except Exception as exc:  # noqa: BLE001 - counted and reported
            failures.append(f"text #{i}: {type(exc).__name__}: {exc}")
    return n, failures


def fuzz_bytes(n: int, rng: random.Random) -> tuple[int, list[str]]:
    failures = []
    for i in range(n):
        data = bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 400)))
        try:
            decode(data, "fuzz", 100_000)
        except tonecheck.InputError:
            continue
        except Exception as exc:  # noqa: BLE001
            failures.append(f"bytes #{i}: {type(exc).__name__}: {exc}")
    return n, failures


def _frame(payload: bytes) -> bytes:
    return f"Content-Length: {len(payload)}\r\n\r\n".encode() + payload


def _read_message(stream) -> dict:  # type: ignore[no-untyped-def,type-arg]
    headers = {}
    while True:
        line = stream.readline()
        if not line:
            raise EOFError("server closed its output")
        if line in (b"\r\n", b"\n"):
            break
        key, _, value = line.decode().partition(":")
        headers[key.strip().lower()] = value.strip()
    return json.loads(stream.read(int(headers["content-length"])))  # type: ignore[no-any-return]


def fuzz_server(n: int, rng: random.Random) -> tuple[int, int, list[str]]:
    """Send n malformed requests; count the error responses; the server must still answer."""
    proc = subprocess.Popen([sys.executable, "-m", "tonecheck", "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    assert proc.stdin and proc.stdout
    failures: list[str] = []

    def request(msg_id: int, method: str, params: object) -> dict:  # type: ignore[type-arg]
        proc.stdin.write(_frame(json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method,
                                            "params": params}).encode()))
        proc.stdin.flush()
        while True:
            reply = _read_message(proc.stdout)
            if reply.get("id") == msg_id:
                return reply

    request(0, "initialize", {"processId": None, "rootUri": None, "capabilities": {},
                              "initializationOptions": {"model": False, "grammar": False}})
    proc.stdin.write(_frame(b'{"jsonrpc":"2.0","method":"initialized","params":{}}'))
    answered = 0
    bad_params = [None, 42, "x", [], {"textDocument": None}, {"textDocument": {"uri": 5}},
                  {"textDocument": {"uri": "file:///nope.txt"}, "position": {"line": -1, "character": "a"}}]
    methods = ["textDocument/hover", "textDocument/codeAction", "workspace/executeCommand", "tonecheck/unknown",
               "textDocument/diagnostic"]
    for i in range(1, n + 1):
        try:
            reply = request(i, rng.choice(methods), rng.choice(bad_params))
            if "error" in reply or "result" in reply:
                answered += 1
        except Exception as exc:  # noqa: BLE001
            failures.append(f"request #{i}: {type(exc).__name__}: {exc}")
            break
    # Garbage that is not JSON at all, then a proper request: the server must still answer.
    proc.stdin.write(_frame(b"{not json"))
    proc.stdin.flush()
    try:
        alive = request(n + 1, "shutdown", None)
        if "error" in alive:
            failures.append("shutdown after garbage failed")
    except Exception as exc:  # noqa: BLE001
        failures.append(f"server dead after malformed input: {exc}")
    proc.kill()
    return n, answered, failures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--bytes", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    n, fails = fuzz_texts(args.texts, rng)
    print(f"check+rewrite on generated texts: {n} tried, {len(fails)} failed ({time.perf_counter() - t0:.1f} s)")
    n, bfails = fuzz_bytes(args.bytes, rng)
    print(f"decode on random bytes:           {n} tried, {len(bfails)} failed")
    n, answered, sfails = fuzz_server(args.requests, rng)
    print(f"language server malformed requests: {n} sent, {answered} answered, {len(sfails)} failures")
    for line in (fails + bfails + sfails)[:20]:
        print("  " + line)
    return 1 if fails or bfails or sfails else 0


if __name__ == "__main__":
    sys.exit(main())
