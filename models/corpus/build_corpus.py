#!/usr/bin/env python3
"""Build the sentence-level training corpus for the tonecheck tone model.

    /work/main/.venv/bin/python models/corpus/build_corpus.py            # writes sentences.jsonl
    /work/main/.venv/bin/python models/corpus/build_corpus.py --stats    # also prints the tables

Standard library only, deterministic for a given --seed. Every sentence comes from the
hand-written templates in fragments_en.py / fragments_ro.py (written for this project):
each template is expanded into a few variants (alternatives, slots, register), and a
share of sentences is composed from two single-label templates of the same split.
The split is drawn per template (stratified by language and first label), so variants
of one template never straddle train/dev/test.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = ["blame", "hostile", "wavering", "breakup", "thanks", "notice", "handover", "reason", "neutral"]
SPLITS = ("train", "dev", "test")
DEFAULT_SEED = 20240531

# variants drawn per template, by first label (a template's own "n" option wins)
VARIANTS = {"neutral": 6, "default": 8}
COMBO_VARIANTS = 9  # handwritten templates with two or more labels

# composed sentences: (first label, second label, connectors, how many per language)
COMPOSE_EN = [
    ("thanks", "notice", [", and ", "; ", " - "], 24),
    ("notice", "thanks", [", and ", "; "], 14),
    ("thanks", "handover", [", and ", "; "], 20),
    ("handover", "thanks", [", and "], 10),
    ("notice", "handover", [", and ", "; ", " - "], 22),
    ("handover", "notice", [", and ", "; "], 12),
    ("reason", "notice", ["; ", ", so ", " - "], 24),
    ("thanks", "reason", [", but ", "; however, "], 18),
    ("reason", "handover", ["; ", ", but "], 18),
    ("thanks", "blame", [", but ", "; that said, "], 14),
    ("blame", "hostile", [", and ", " - ", "; "], 16),
    ("hostile", "blame", [" - ", "; "], 10),
    ("notice", "wavering", [", but ", " - though "], 16),
    ("thanks", "wavering", [", and ", " - "], 12),
    ("reason", "wavering", [", but "], 12),
    ("blame", "notice", [", so ", "; "], 16),
    ("thanks", "breakup", [", but "], 14),
    ("breakup", "notice", [", and ", "; "], 12),
    ("reason", "breakup", [", so "], 12),
    ("announce", "notice", ["; ", ", and "], 16),
    ("announce", "reason", ["; ", " - "], 16),
    ("announce", "handover", ["; ", ", but "], 10),
]
COMPOSE_RO = [
    ("thanks", "notice", [", iar ", "; ", " – "], 24),
    ("notice", "thanks", [" și ", "; "], 14),
    ("thanks", "handover", [", iar ", "; "], 20),
    ("handover", "thanks", [" și ", "; "], 10),
    ("notice", "handover", [", iar ", "; ", " – "], 22),
    ("handover", "notice", [", iar ", "; "], 12),
    ("reason", "notice", ["; ", ", așa că ", " – "], 24),
    ("thanks", "reason", [", dar ", ", însă "], 18),
    ("reason", "handover", ["; ", ", dar "], 18),
    ("thanks", "blame", [", dar ", ", însă "], 14),
    ("blame", "hostile", [", iar ", " – ", "; "], 16),
    ("hostile", "blame", [" – ", "; "], 10),
    ("notice", "wavering", [", dar ", " – deși "], 16),
    ("thanks", "wavering", [" și ", " – "], 12),
    ("reason", "wavering", [", dar "], 12),
    ("blame", "notice", [", așa că ", "; "], 16),
    ("thanks", "breakup", [", dar "], 14),
    ("breakup", "notice", [", iar ", "; "], 12),
    ("reason", "breakup", [", așa că "], 12),
    ("announce", "notice", ["; ", ", iar "], 16),
    ("announce", "reason", ["; ", " – "], 16),
    ("announce", "handover", ["; ", ", dar "], 10),
]

RO_STRIP_P = 0.36  # share of templated Romanian variants written without diacritics
RO_CEDILLA_P = 0.06  # share of the rest written with cedilla ş ţ instead of comma-below ș ț
RO_CHAT_P = 0.35  # among stripped informal sentences: chat style (pt, lower case, no final dot)
EN_CASUAL_P = 0.12  # English casual sentences: lower-case start, no final dot
EN_NOAPOS_P = 0.25  # ... of those, also dropped apostrophes (im, dont)


# --------------------------------------------------------------------------- template language
class Node:
    __slots__ = ("kind", "value")

    def __init__(self, kind: str, value):
        self.kind = kind  # "text" | "choice" | "reg" | "slot"
        self.value = value


def parse(src: str) -> list[Node]:
    pos = 0

    def seq(stops: str) -> list[Node]:
        nonlocal pos
        out: list[Node] = []
        buf: list[str] = []

        def flush():
            if buf:
                out.append(Node("text", "".join(buf)))
                buf.clear()

        while pos < len(src):
            c = src[pos]
            if c in stops:
                break
            if c in "[<":
                flush()
                close = "]" if c == "[" else ">"
                pos += 1
                alts = [seq("|" + close)]
                while pos < len(src) and src[pos] == "|":
                    pos += 1
                    alts.append(seq("|" + close))
                if pos >= len(src) or src[pos] != close:
                    raise ValueError(f"unclosed {c!r} in {src!r}")
                pos += 1
                out.append(Node("choice" if c == "[" else "reg", alts))
            elif c == "{":
                flush()
                end = src.index("}", pos)
                out.append(Node("slot", src[pos + 1 : end]))
                pos = end + 1
            else:
                buf.append(c)
                pos += 1
        flush()
        return out

    nodes = seq("")
    if pos != len(src):
        raise ValueError(f"stray {src[pos]!r} in {src!r}")
    return nodes


def has_reg(nodes: list[Node]) -> bool:
    for n in nodes:
        if n.kind == "reg":
            return True
        if n.kind == "choice" and any(has_reg(a) for a in n.value):
            return True
    return False


def render(nodes: list[Node], rng: random.Random, reg: int, slots: dict) -> str:
    out = []
    for n in nodes:
        if n.kind == "text":
            out.append(n.value)
        elif n.kind == "choice":
            out.append(render(rng.choice(n.value), rng, reg, slots))
        elif n.kind == "reg":
            if len(n.value) != 2:
                raise ValueError("a register pair needs exactly two forms")
            out.append(render(n.value[reg], rng, reg, slots))
        else:
            pool = slots[n.value]
            if isinstance(pool, dict):
                pool = pool["FI"[reg]]
            out.append(rng.choice(pool))
    return "".join(out)


# --------------------------------------------------------------------------- surface forms
RO_STRIP = str.maketrans("ăâîșțşţĂÂÎȘȚŞŢ", "aaistts" + "AAISTST")
RO_CEDILLA = str.maketrans("șțȘȚ", "şţŞŢ")
RO_DIACRITICS = set("ăâîșțşţĂÂÎȘȚŞŢ")


def tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",,+", ",", text)
    text = re.sub(r",([.;:!?])", r"\1", text)
    return text


def capitalise(text: str) -> str:
    for i, c in enumerate(text):
        if c.isalpha():
            return text[:i] + c.upper() + text[i + 1 :]
        if c.isdigit():
            return text
    return text


def lower_first(text: str, keep: set[str]) -> str:
    first = re.split(r"[\s,;:]", text, maxsplit=1)[0]
    if first in keep or first.isupper() and len(first) > 1:
        return text
    return text[:1].lower() + text[1:]


def a_an(text: str) -> str:
    return re.sub(r"\b([Aa]) (?!one\b|one-|once\b|use)([aeioAEIO])", lambda m: m.group(1) + "n " + m.group(2), text)


def surface_en(text: str, rng: random.Random, reg: int | None, keep: set[str]) -> str:
    text = capitalise(a_an(tidy(text)))
    if reg != 0 and rng.random() < EN_CASUAL_P:
        text = lower_first(text, keep)
        if text.endswith(".") and not text.endswith(".."):
            text = text[:-1]
        if rng.random() < EN_NOAPOS_P:
            text = re.sub(
                r"\b(I|don|can|won|it|that|you|didn|isn)'(m|t|s|ll|re|ve)\b", lambda m: m.group(1) + m.group(2), text
            )
    return text


def surface_ro(text: str, rng: random.Random, reg: int | None, keep: set[str], native_nodia: bool) -> str:
    text = capitalise(tidy(text)) if not native_nodia else tidy(text)
    if native_nodia:
        return text
    if rng.random() < RO_STRIP_P:
        text = text.translate(RO_STRIP)
        if reg != 0 and rng.random() < RO_CHAT_P:
            text = re.sub(r"\bpentru\b", "pt", text)
            text = re.sub(r"\bfoarte\b", "f", text) if rng.random() < 0.3 else text
            text = lower_first(text, keep)
            if text.endswith(".") and not text.endswith(".."):
                text = text[:-1]
    elif rng.random() < RO_CEDILLA_P and any(c in text for c in "șțȘȚ"):
        text = text.translate(RO_CEDILLA)
    return text


def variant_key(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


def fold_key(text: str) -> str:
    t = unicodedata.normalize("NFKD", text.lower())
    t = "".join(c for c in t if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", t).strip()


# --------------------------------------------------------------------------- building
def load_fragments(lang: str):
    path = HERE / f"fragments_{lang}.py"
    spec = importlib.util.spec_from_file_location(f"fragments_{lang}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def keep_capitals(slots: dict) -> set[str]:
    keep = {"I", "I'm", "I'll", "I've", "I'd", "Im"}
    for pool in slots.values():
        values = pool if isinstance(pool, list) else [v for vs in pool.values() for v in vs]
        for v in values:
            for w in re.split(r"[\s,']+", v):
                if w[:1].isupper() and w not in {"The", "A", "An", "My"}:
                    keep.add(w)
    return keep


class Template:
    def __init__(self, lang: str, labels: list[str], text: str, opts: dict):
        bad = [lab for lab in labels if lab not in LABELS]
        if bad or not labels or ("neutral" in labels and len(labels) > 1):
            raise ValueError(f"bad labels {labels} for {text!r}")
        self.lang = lang
        self.labels = labels
        self.text = text
        self.opts = opts
        self.nodes = parse(text)
        self.registered = has_reg(self.nodes)
        self.id = ""
        self.split = ""

    @property
    def primary(self) -> str:
        return self.labels[0]

    def n_variants(self) -> int:
        if "n" in self.opts:
            return self.opts["n"]
        if len(self.labels) > 1:
            return COMBO_VARIANTS
        return VARIANTS.get(self.primary, VARIANTS["default"])

    def draw(self, rng: random.Random, slots: dict, reg: int | None = None) -> tuple[str, int | None]:
        if reg is None and self.registered:
            reg = rng.randrange(2)
        return render(self.nodes, rng, reg or 0, slots), (reg if self.registered else None)


FRAME_P = 0.3  # share of variants that get a label-neutral lead-in or a vocative tail


def add_frame(text: str, frames: dict, rng: random.Random, reg: int | None, slots: dict, keep: set[str]) -> str:
    text = tidy(text)
    if rng.random() < 0.75:
        prefix = render(rng.choice(frames["prefix"]), rng, reg or 0, slots)
        head = fold_key(prefix).split()[:1]
        first = text.split(" ", 1)[0]
        if not head or head[0] in fold_key(text).split() or first.endswith(",") or fold_key(text)[:1].isdigit():
            return text
        return prefix + lower_first(text, keep)
    if text.endswith(".") and not text.endswith("..") and "," not in text[-25:]:
        return text[:-1] + render(rng.choice(frames["suffix"]), rng, reg or 0, slots)
    return text


def finish(lang: str, text: str, rng, reg, keep, tpl_opts: dict) -> str:
    if lang == "en":
        out = surface_en(text, rng, reg, keep)
    else:
        out = surface_ro(text, rng, reg, keep, bool(tpl_opts.get("nd")))
    caps = tpl_opts.get("caps", 0.0)
    if caps and len(out) < 80 and rng.random() < caps:
        out = out.upper()
    return out


def assign_splits(templates: list[Template], seed: int) -> None:
    groups: dict[tuple[str, str], list[Template]] = defaultdict(list)
    for t in templates:
        groups[(t.lang, t.primary)].append(t)
    for (lang, label), ts in sorted(groups.items()):
        order = list(range(len(ts)))
        random.Random(f"{seed}|split|{lang}|{label}").shuffle(order)
        n = len(ts)
        n_dev = max(1, round(0.15 * n))
        n_test = max(1, round(0.15 * n))
        for rank, i in enumerate(order):
            ts[i].split = "dev" if rank < n_dev else "test" if rank < n_dev + n_test else "train"


def build(seed: int) -> list[dict]:
    rows: list[dict] = []
    seen: dict[str, dict] = {}
    conflicts = []

    exact: set[str] = set()

    def emit(row: dict) -> None:
        # the same sentence (ignoring case, punctuation and diacritics) may appear only
        # under one template; within a template, spellings with and without diacritics
        # are kept as separate rows
        key = fold_key(row["text"])
        if key in seen:
            if set(seen[key]["labels"]) != set(row["labels"]):
                conflicts.append((seen[key], row))
            if seen[key]["template"] != row["template"] or variant_key(row["text"]) in exact:
                return
        else:
            seen[key] = row
        exact.add(variant_key(row["text"]))
        rows.append(row)

    for lang in ("en", "ro"):
        frag = load_fragments(lang)
        slots = frag.SLOTS
        keep = keep_capitals(slots)
        templates = [Template(lang, t[0].split(), t[1], t[2] if len(t) > 2 else {}) for t in frag.TEMPLATES]
        counters: Counter = Counter()
        for t in templates:
            counters[t.primary] += 1
            t.id = f"{lang}-{t.primary}-{counters[t.primary]:03d}"
        assign_splits(templates, seed)

        frames = {k: [parse(v) for v in vs] for k, vs in frag.FRAMES.items()}
        for t in templates:
            rng = random.Random(f"{seed}|{t.id}")
            want = t.n_variants()
            framed = not (t.opts.get("nc") or t.opts.get("nd"))
            got: set[str] = set()
            for _ in range(want * 8):
                if len(got) >= want:
                    break
                raw, reg = t.draw(rng, slots)
                if framed and rng.random() < FRAME_P:
                    raw = add_frame(raw, frames, rng, reg, slots, keep)
                text = finish(lang, raw, rng, reg, keep, t.opts)
                k = variant_key(text)
                if k in got:
                    continue
                got.add(k)
                emit(make_row(text, lang, t.labels, t.id, t.split))

        # composed sentences: two single-label templates of the same split
        pools: dict[tuple[str, str], list[Template]] = defaultdict(list)
        for t in templates:
            if t.opts.get("nc") or t.opts.get("nd") or len(t.labels) != 1:
                continue
            if t.opts.get("g"):
                pools[(t.opts["g"], t.split)].append(t)
            elif t.primary != "neutral":
                pools[(t.primary, t.split)].append(t)
        combo_ids: dict[tuple[str, str], str] = {}
        plan = COMPOSE_EN if lang == "en" else COMPOSE_RO
        for a_lab, b_lab, connectors, count in plan:
            rng = random.Random(f"{seed}|compose|{lang}|{a_lab}|{b_lab}")
            made = 0
            for _ in range(count * 10):
                if made >= count:
                    break
                split = rng.choices(SPLITS, weights=(70, 15, 15))[0]
                a_pool, b_pool = pools.get((a_lab, split)), pools.get((b_lab, split))
                if not a_pool or not b_pool:
                    continue
                a, b = rng.choice(a_pool), rng.choice(b_pool)
                reg = rng.randrange(2) if (a.registered or b.registered) else None
                ta, _ = a.draw(rng, slots, reg)
                tb, _ = b.draw(rng, slots, reg)
                ta, tb = tidy(ta), tidy(tb)
                if not ta.endswith(".") or ta.endswith("..") or len(ta) + len(tb) > 190:
                    continue
                if ";" in ta and ";" in connectors[0]:
                    continue
                conn = rng.choice(connectors)
                if ";" in conn and ";" in ta + tb:
                    conn = ", and " if lang == "en" else ", iar "
                if conn.strip(" ,;-–") and conn.strip(" ,;-–") in ta.split():
                    conn = "; " if ";" not in ta + tb else " - "
                joined = capitalise(ta[:-1]) + conn + lower_first(tb, keep)
                labels = sorted({*a.labels, *b.labels} - {"neutral"}, key=LABELS.index)
                key = (a.id, b.id)
                if key not in combo_ids:
                    combo_ids[key] = f"{lang}-combo-{len(combo_ids) + 1:03d}"
                text = finish(lang, joined, rng, reg, keep, {})
                before = len(rows)
                emit(make_row(text, lang, labels, combo_ids[key], split))
                made += len(rows) - before

    if conflicts:
        for a, b in conflicts[:20]:
            print("label conflict:", a["text"], a["labels"], "|", b["template"], b["labels"], file=sys.stderr)
        raise SystemExit(f"{len(conflicts)} duplicate sentences with different labels")
    return rows


def make_row(text: str, lang: str, labels: list[str], template: str, split: str) -> dict:
    labels = sorted(set(labels), key=LABELS.index)
    dia = lang == "ro" and any(c in RO_DIACRITICS for c in text)
    return {"text": text, "lang": lang, "labels": labels, "template": template, "split": split, "diacritics": dia}


# --------------------------------------------------------------------------- stats
def stats(rows: list[dict]) -> str:
    lines = []
    head = "| label | " + " | ".join(f"{lang} {s}" for lang in ("en", "ro") for s in SPLITS) + " | en | ro | total |"
    lines.append(head)
    lines.append("|" + "---|" * (head.count("|") - 1))
    c = Counter()
    for r in rows:
        for lab in r["labels"]:
            c[(lab, r["lang"], r["split"])] += 1
    for lab in LABELS:
        cells = [c[(lab, lang, s)] for lang in ("en", "ro") for s in SPLITS]
        en, ro = sum(cells[:3]), sum(cells[3:])
        lines.append(f"| {lab} | " + " | ".join(map(str, cells)) + f" | {en} | {ro} | {en + ro} |")
    sc = Counter((r["lang"], r["split"]) for r in rows)
    cells = [sc[(lang, s)] for lang in ("en", "ro") for s in SPLITS]
    lines.append(
        "| **sentences** | " + " | ".join(map(str, cells)) + f" | {sum(cells[:3])} | {sum(cells[3:])} | {len(rows)} |"
    )
    ro = [r for r in rows if r["lang"] == "ro"]
    nodia = sum(not r["diacritics"] for r in ro)
    ced = sum(any(ch in r["text"] for ch in "şţŞŢ") for r in ro)
    multi = sum(len(r["labels"]) > 1 for r in rows)
    tpls = Counter(r["lang"] for r in {r["template"]: r for r in rows}.values())
    lines.append("")
    lines.append(f"Romanian without diacritics: {nodia}/{len(ro)} ({nodia / len(ro):.1%}); with cedilla ş/ţ: {ced}")
    lines.append(f"multi-label sentences: {multi} ({multi / len(rows):.1%}); templates: en {tpls['en']}, ro {tpls['ro']}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=HERE / "sentences.jsonl")
    ap.add_argument("--stats", action="store_true", help="print counts per label, language and split")
    args = ap.parse_args()
    rows = build(args.seed)
    with args.out.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} sentences to {args.out}")
    if args.stats:
        print(stats(rows))


if __name__ == "__main__":
    main()
