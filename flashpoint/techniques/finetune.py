"""Fine-tuning MiniLM layer 5 with the token head (torch; training only, never at run time).

The span head reads, per token, the mean of its word pieces' layer-4 states
(frozen, from the shared encoder pass) and of the output of a fine-tuned copy
of encoder layer 5 run over each sentence's layer-4 states. Layer and head are
trained together with binary cross-entropy on "inside a gold span"; sentences
are batched by length (about :data:`TUNE_BATCH_PIECES` padded word pieces per
batch), AdamW with a linear warm-up (5% of the steps) and decay, one torch
thread. The result is NumPy: a :class:`~.states.TunedLayers` and a
:class:`~.states.TokenHead`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .states import ArticleStates, TokenHead, TunedLayers, head_inputs
from .train import HEAD_HIDDEN, HEAD_LR, SEED, head_from_torch, import_torch

if TYPE_CHECKING:
    from ..encoder import Layer

TUNE_LAYERS = 1
"""How many encoder layers above layer 4 are fine-tuned (1: layer 5)."""
TUNE_EPOCHS = 3
TUNE_LR = 5e-5
"""Learning rate of the encoder layer (the head's is ``train.HEAD_LR``)."""
TUNE_BATCH_PIECES = 2048
DROPOUT = 0.1
F32 = npt.NDArray[np.float32]


@dataclass(frozen=True)
class _Unit:
    """One segment: its layer-4 input ([CLS] + pieces + [SEP]), its tokens and their pooling."""

    x: F32
    token: npt.NDArray[np.int64]
    piece: npt.NDArray[np.int64]
    weight: F32
    frozen: F32
    missing: F32
    label: F32


def _units(states: ArticleStates, tokens: Sequence[tuple[int, int]],
           labels: npt.NDArray[np.int64], hidden: int) -> list[_Unit]:
    """Cut an article into its segments, with the token-to-piece pooling of each."""
    if states.segment is None or states.ends is None:
        raise ValueError("these states do not keep their segments (use article_states)")
    frozen = head_inputs(states, tokens)[:, :hidden].astype(np.float32)
    starts = np.array([s for s, _ in tokens], dtype=np.int64)
    ends = np.array([e for _, e in tokens], dtype=np.int64)
    lo = np.searchsorted(states.offsets[:, 1], starts, side="right")
    hi = np.maximum(np.searchsorted(states.offsets[:, 0], ends, side="left"), lo)
    groups = states.segment_pieces()
    n_seg = len(groups)
    rank = np.zeros(len(states.segment), dtype=np.int64)
    for group in groups:
        rank[group] = np.arange(len(group))
    # a token belongs to its first piece's segment (one without pieces to the previous piece's)
    owner = np.zeros(len(tokens), dtype=np.int64)
    if len(states.segment):
        owner = states.segment[np.clip(np.where(hi > lo, lo, lo - 1), 0, None)]
    out = []
    base = states.states[:, :hidden]
    for k in range(n_seg):
        mine = np.flatnonzero(owner == k)
        if not len(mine):
            continue
        x = np.vstack([states.ends[k, :1], base[groups[k]], states.ends[k, 1:]]).astype(
            np.float32)
        count = hi[mine] - lo[mine]
        token = np.repeat(np.arange(len(mine)), count)
        piece = np.concatenate([rank[lo[t]:hi[t]] for t in mine]) + 1 if count.sum() else (
            np.zeros(0, dtype=np.int64))
        weight = np.repeat(1.0 / np.maximum(count, 1), count).astype(np.float32)
        out.append(_Unit(x, token, piece.astype(np.int64), weight, frozen[mine],
                         (count == 0).astype(np.float32), labels[mine].astype(np.float32)))
    return out


def _batches(units: Sequence[_Unit], rng: np.random.Generator | None) -> list[list[int]]:
    """Units grouped by length, at most :data:`TUNE_BATCH_PIECES` padded pieces a batch."""
    order = sorted(range(len(units)), key=lambda i: len(units[i].x))
    out: list[list[int]] = []
    current: list[int] = []
    width = 0
    for i in order:
        n = len(units[i].x)
        if current and max(width, n) * (len(current) + 1) > TUNE_BATCH_PIECES:
            out.append(current)
            current, width = [], 0
        current.append(i)
        width = max(width, n)
    if current:
        out.append(current)
    if rng is not None:
        rng.shuffle(out)
    return out


def fit_tuned_head(
    states: Mapping[str, ArticleStates], tokens: Mapping[str, Sequence[tuple[int, int]]],
    labels: Mapping[str, npt.NDArray[np.int64]], names: Sequence[str], seed: int = SEED,
) -> tuple[TunedLayers, TokenHead]:
    """Fine-tune layer 5 (from the packaged MiniLM weights) and the token head on ``names``.

    Raises :class:`TrainingToolMissing` without torch.
    """
    torch = import_torch("fine-tuning the technique span layer", seed)
    from .. import encoder

    hidden = encoder.HIDDEN
    units = [u for a in names for u in _units(states[a], tokens[a], labels[a], hidden)]
    x_all = np.vstack([head_inputs(states[a], tokens[a]) for a in names])
    mean, scale = x_all.mean(axis=0), x_all.std(axis=0) + 1e-4
    mean[-1:], scale[-1:] = 0.0, 1.0
    del x_all
    mean_t = torch.from_numpy(mean[:-1].astype(np.float32))
    scale_t = torch.from_numpy(scale[:-1].astype(np.float32))
    start = encoder.load_encoder().layers[4 : 4 + TUNE_LAYERS]
    layers = [_TorchLayer(layer, torch) for layer in start]
    first = torch.nn.Linear(2 * hidden + 1, HEAD_HIDDEN)
    last = torch.nn.Linear(HEAD_HIDDEN, 1)
    drop = torch.nn.Dropout(DROPOUT)
    params = [p for layer in layers for p in layer.params]
    opt = torch.optim.AdamW([{"params": params, "lr": TUNE_LR},
                             {"params": [*first.parameters(), *last.parameters()],
                              "lr": HEAD_LR}], weight_decay=1e-2)
    rng = np.random.default_rng(seed)
    total = TUNE_EPOCHS * len(_batches(units, None))
    warm = max(1, total // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (total - s) / total))
    loss_fn = torch.nn.BCEWithLogitsLoss()
    for _ in range(TUNE_EPOCHS):
        for batch in _batches(units, rng):
            group = [units[i] for i in batch]
            b, t = len(group), max(len(u.x) for u in group)
            x = torch.zeros(b, t, hidden)
            bias = torch.full((b, 1, 1, t), -1e4)
            for row, u in enumerate(group):
                x[row, : len(u.x)] = torch.from_numpy(u.x)
                bias[row, ..., : len(u.x)] = 0.0
            h = x
            for layer in layers:
                h = layer.forward(h, bias, drop)
            counts = np.cumsum([0] + [len(u.label) for u in group])
            token = torch.from_numpy(np.concatenate(
                [u.token + counts[row] for row, u in enumerate(group)]))
            piece = torch.from_numpy(np.concatenate(
                [u.piece + row * t for row, u in enumerate(group)]))
            weight = torch.from_numpy(np.concatenate([u.weight for u in group]))[:, None]
            flat = h.reshape(b * t, hidden)
            tuned = torch.zeros(int(counts[-1]), hidden).index_add_(0, token, flat[piece] * weight)
            z = torch.cat([torch.from_numpy(np.vstack([u.frozen for u in group])), tuned], dim=1)
            z = torch.cat([(z - mean_t) / scale_t, torch.from_numpy(
                np.concatenate([u.missing for u in group]))[:, None]], dim=1)
            logit = last(drop(torch.nn.functional.gelu(first(z))))[:, 0]
            opt.zero_grad()
            loss_fn(logit, torch.from_numpy(np.concatenate([u.label for u in group]))).backward()
            opt.step()
            sched.step()
    head = head_from_torch(first, last, mean, scale)
    return TunedLayers(tuple(layer.export() for layer in layers)), head


class _TorchLayer:
    """An :class:`flashpoint.encoder.Layer` as torch parameters (same fused layout and maths)."""

    def __init__(self, layer: Layer, torch: Any) -> None:
        from ..encoder import HEADS

        self.torch, self.heads = torch, HEADS
        self.names = [f.name for f in fields(layer)]
        self.values = {n: torch.nn.Parameter(torch.from_numpy(np.array(getattr(layer, n))))
                       for n in self.names}
        self.params = list(self.values.values())

    def forward(self, x: Any, bias: Any, drop: Any) -> Any:
        """Post-LayerNorm BERT layer: 12-head self-attention, exact GELU, hidden dropout."""
        torch, v = self.torch, self.values
        b, n, h = x.shape
        heads = self.heads
        d = h // heads
        qkv = (x @ v["qkv"] + v["qkv_b"]).reshape(b, n, 3, heads, d).permute(2, 0, 3, 1, 4)
        scores = (qkv[0] @ qkv[1].transpose(-1, -2)) / float(np.sqrt(d)) + bias
        ctx = (scores.softmax(-1) @ qkv[2]).permute(0, 2, 1, 3).reshape(b, n, h)
        ln = torch.nn.functional.layer_norm
        x = ln(x + drop(ctx @ v["out"] + v["out_b"]), (h,), v["ln1_w"], v["ln1_b"], eps=1e-12)
        up = torch.nn.functional.gelu(x @ v["up"] + v["up_b"])
        return ln(x + drop(up @ v["down"] + v["down_b"]), (h,), v["ln2_w"], v["ln2_b"],
                  eps=1e-12)

    def export(self) -> Layer:
        from ..encoder import Layer

        return Layer(**{n: np.ascontiguousarray(p.detach().numpy(), dtype=np.float32)
                        for n, p in self.values.items()})

