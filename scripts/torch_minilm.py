"""Reference MiniLM-L6 (BERT) forward pass in torch, for checks and training only.

Never imported by ``flashpoint/``: torch is a training-time tool here
(``pip install torch==2.13.0``). Built from ``torch.nn`` primitives
(``nn.MultiheadAttention``, ``nn.LayerNorm``, exact GELU) so it is an
independent implementation to compare ``flashpoint.encoder`` against.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from torch import nn

HIDDEN, HEADS, LAYERS, INTER = 384, 12, 6, 1536


class BertLayer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.attn = nn.MultiheadAttention(HIDDEN, HEADS, batch_first=True)
        self.ln1 = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.up = nn.Linear(HIDDEN, INTER)
        self.down = nn.Linear(INTER, HIDDEN)
        self.ln2 = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.drop = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor, pad: torch.Tensor) -> torch.Tensor:
        a, _ = self.attn(x, x, x, key_padding_mask=pad, need_weights=False)
        x = self.ln1(x + self.drop(a))
        h = self.down(nn.functional.gelu(self.up(x)))
        return self.ln2(x + self.drop(h))  # type: ignore[no-any-return]

    def load(self, t: Mapping[str, np.ndarray[Any, Any]], prefix: str) -> None:
        def g(name: str) -> torch.Tensor:
            return torch.from_numpy(np.array(t[prefix + name], dtype=np.float32))

        s = "attention.self."
        with torch.no_grad():
            self.attn.in_proj_weight.copy_(torch.cat(
                [g(s + "query.weight"), g(s + "key.weight"), g(s + "value.weight")]))
            self.attn.in_proj_bias.copy_(torch.cat(  # type: ignore[union-attr]
                [g(s + "query.bias"), g(s + "key.bias"), g(s + "value.bias")]))
            self.attn.out_proj.weight.copy_(g("attention.output.dense.weight"))
            self.attn.out_proj.bias.copy_(g("attention.output.dense.bias"))
            self.ln1.weight.copy_(g("attention.output.LayerNorm.weight"))
            self.ln1.bias.copy_(g("attention.output.LayerNorm.bias"))
            self.up.weight.copy_(g("intermediate.dense.weight"))
            self.up.bias.copy_(g("intermediate.dense.bias"))
            self.down.weight.copy_(g("output.dense.weight"))
            self.down.bias.copy_(g("output.dense.bias"))
            self.ln2.weight.copy_(g("output.LayerNorm.weight"))
            self.ln2.bias.copy_(g("output.LayerNorm.bias"))

    def export(self, prefix: str) -> dict[str, np.ndarray[Any, Any]]:
        """This layer's weights under the Hugging Face BERT tensor names."""
        w = self.attn.in_proj_weight.detach().numpy()
        b = self.attn.in_proj_bias.detach().numpy()  # type: ignore[union-attr]
        s = prefix + "attention.self."
        out = {}
        for i, part in enumerate(("query", "key", "value")):
            out[f"{s}{part}.weight"] = w[i * HIDDEN : (i + 1) * HIDDEN]
            out[f"{s}{part}.bias"] = b[i * HIDDEN : (i + 1) * HIDDEN]
        pairs = {"attention.output.dense": self.attn.out_proj,
                 "attention.output.LayerNorm": self.ln1, "intermediate.dense": self.up,
                 "output.dense": self.down, "output.LayerNorm": self.ln2}
        for name, mod in pairs.items():
            out[f"{prefix}{name}.weight"] = mod.weight.detach().numpy()
            out[f"{prefix}{name}.bias"] = mod.bias.detach().numpy()
        return out


class MiniLM(nn.Module):
    def __init__(self, t: Mapping[str, np.ndarray[Any, Any]]) -> None:
        super().__init__()

        def g(name: str) -> torch.Tensor:
            return torch.from_numpy(np.array(t[name], dtype=np.float32))

        self.word = nn.Embedding.from_pretrained(g("embeddings.word_embeddings.weight"))
        self.pos = nn.Embedding.from_pretrained(g("embeddings.position_embeddings.weight"))
        self.typ = nn.Embedding.from_pretrained(g("embeddings.token_type_embeddings.weight"))
        self.ln = nn.LayerNorm(HIDDEN, eps=1e-12)
        with torch.no_grad():
            self.ln.weight.copy_(g("embeddings.LayerNorm.weight"))
            self.ln.bias.copy_(g("embeddings.LayerNorm.bias"))
        self.layers = nn.ModuleList(BertLayer() for _ in range(LAYERS))
        for i, layer in enumerate(self.layers):
            layer.load(t, f"encoder.layer.{i}.")

    def forward(self, ids: torch.Tensor, mask: torch.Tensor,
                start: int = 0, x: torch.Tensor | None = None) -> torch.Tensor:
        """Last hidden state; from layer ``start`` on when ``x`` (its input) is given."""
        if x is None:
            pos = torch.arange(ids.shape[1])
            x = self.ln(self.word(ids) + self.pos(pos)[None] + self.typ.weight[0])
        pad = mask == 0
        for layer in self.layers[start:]:
            x = layer(x, pad)
        return x


def mean_pool(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1).to(x.dtype)
    return (x * m).sum(1) / m.sum(1).clamp(min=1.0)
