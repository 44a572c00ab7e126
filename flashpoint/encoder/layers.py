"""One MiniLM encoder layer's weights (pre-transposed), and the LayerNorm of the embeddings.

Shared by :mod:`flashpoint.encoder` (which loads the weights) and
:mod:`flashpoint.encoder.onnx` (which builds the ONNX graph from them); it imports
neither, so the two do not import each other. The layers run on onnxruntime only;
the NumPy forward pass is the tests' float32 reference (``tests/encoder_reference.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
HIDDEN = 384
HEADS = 12
LAYERS = 6
_EPS = 1e-12


@dataclass(frozen=True)
class Layer:
    """One encoder layer, matrices pre-transposed for ``x @ w``."""

    qkv: F32
    qkv_b: F32
    out: F32
    out_b: F32
    ln1_w: F32
    ln1_b: F32
    up: F32
    up_b: F32
    down: F32
    down_b: F32
    ln2_w: F32
    ln2_b: F32

    @classmethod
    def from_tensors(cls, t: Mapping[str, npt.NDArray[Any]], prefix: str) -> Layer:
        def g(name: str) -> F32:
            return np.ascontiguousarray(t[prefix + name], dtype=np.float32)

        att = "attention.self."
        qkv = np.concatenate([g(att + "query.weight"), g(att + "key.weight"),
                              g(att + "value.weight")], axis=0)
        qkv_b = np.concatenate([g(att + "query.bias"), g(att + "key.bias"),
                                g(att + "value.bias")])
        return cls(
            qkv=np.ascontiguousarray(qkv.T), qkv_b=qkv_b,
            out=np.ascontiguousarray(g("attention.output.dense.weight").T),
            out_b=g("attention.output.dense.bias"),
            ln1_w=g("attention.output.LayerNorm.weight"),
            ln1_b=g("attention.output.LayerNorm.bias"),
            up=np.ascontiguousarray(g("intermediate.dense.weight").T),
            up_b=g("intermediate.dense.bias"),
            down=np.ascontiguousarray(g("output.dense.weight").T),
            down_b=g("output.dense.bias"),
            ln2_w=g("output.LayerNorm.weight"), ln2_b=g("output.LayerNorm.bias"),
        )


def layer_norm(x: F32, w: F32, b: F32) -> F32:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True)
    out: F32 = (centred / np.sqrt(var + np.float32(_EPS)) * w + b).astype(np.float32)
    return out
