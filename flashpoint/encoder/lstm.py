"""Bidirectional LSTMs (the technique heads') on onnxruntime's ``LSTM`` operator.

It lives with the encoder because onnxruntime is imported only here (an import rule);
:mod:`flashpoint.analyzers.persuasion.techniques.states` calls it. Its ``run_lstms``
stepped every LSTM in NumPy, one Python iteration per token position (about 30 ms an
article in NumPy calls alone). Here the LSTMs of the heads are nodes of one ONNX
graph, built with ``onnx.helper`` from the same float32 weights (as
:mod:`flashpoint.encoder.onnx` builds the encoder), both directions in one node:
every sentence of an article (or of a chunk) is one sequence of a right-padded
batch, ``sequence_lens`` telling each its length, so the backward direction starts
at each sentence's own last token. One ``session.run`` per article serves every head.

The maths is torch's (and the NumPy reference's): onnxruntime's float32 LSTM
equals the NumPy reference (``states.run_lstms_numpy``) within float32 rounding (the tests
check 1e-5 on random weights and ragged sentences). Gates are reordered from torch's
input/forget/cell/output to ONNX's input/output/forget/cell.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]


class BiLSTM(Protocol):
    """A bidirectional LSTM's weights in torch's layout (directions first)."""

    @property
    def w_ih(self) -> npt.NDArray[Any]:
        """Input weights, (2, 4H, D)."""

    @property
    def w_hh(self) -> npt.NDArray[Any]:
        """Recurrent weights, (2, 4H, H)."""

    @property
    def b(self) -> npt.NDArray[Any]:
        """Summed biases, (2, 4H)."""

OPSET = 20
_GATES = (0, 3, 1, 2)
"""Torch's gate blocks (input, forget, cell, output) in ONNX's order (input, output,
forget, cell)."""
_SESSIONS: dict[tuple[int, ...], tuple[tuple[BiLSTM, ...], Any]] = {}
_LOCK = threading.Lock()
SLACK = 0.2
"""Padding allowed in one onnxruntime call, as a share of its longest sentence."""
MIN_PAD = 3
ARENA = False
"""onnxruntime's CPU memory arena for the LSTM session (off: see :func:`_new_session`)."""
"""Padding always allowed (tokens): short sentences share a call."""


def _onnx_gates(w: npt.NDArray[Any], size: int) -> npt.NDArray[np.float32]:
    """``w`` (directions, 4H, ...) with its gate blocks in ONNX order, float32."""
    blocks = [w[:, g * size : (g + 1) * size] for g in _GATES]
    return np.ascontiguousarray(np.concatenate(blocks, axis=1), dtype=np.float32)


def build_graph(lstms: Sequence[BiLSTM]) -> Any:
    """An ONNX model: inputs ``x0`` .. (tokens, batch, D_i) and ``lens`` (batch,) int32;
    outputs ``y0`` .. (tokens, 2, batch, H), each LSTM's forward and backward states."""
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits, inputs, outputs = [], [], [], []
    for i, lstm in enumerate(lstms):
        size = lstm.w_hh.shape[2]
        bias = np.concatenate([_onnx_gates(lstm.b[:, :, None], size)[:, :, 0],
                               np.zeros((2, 4 * size), np.float32)], axis=1)
        for name, value in ((f"w{i}", _onnx_gates(lstm.w_ih, size)),
                            (f"r{i}", _onnx_gates(lstm.w_hh, size)), (f"b{i}", bias)):
            inits.append(numpy_helper.from_array(np.ascontiguousarray(value, np.float32), name))
        nodes.append(helper.make_node(
            "LSTM", [f"x{i}", f"w{i}", f"r{i}", f"b{i}", "lens"], [f"y{i}"], name=f"lstm{i}",
            direction="bidirectional", hidden_size=size))
        inputs.append(helper.make_tensor_value_info(f"x{i}", TensorProto.FLOAT,
                                                    ["tokens", "batch", lstm.w_ih.shape[2]]))
        outputs.append(helper.make_tensor_value_info(f"y{i}", TensorProto.FLOAT,
                                                     ["tokens", 2, "batch", size]))
    inputs.append(helper.make_tensor_value_info("lens", TensorProto.INT32, ["batch"]))
    graph = helper.make_graph(nodes, "token_head_lstms", inputs, outputs, initializer=inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=9)


def session(lstms: Sequence[BiLSTM]) -> Any:
    """The onnxruntime session of these LSTMs (built once per process, one thread)."""
    key = (os.getpid(), *map(id, lstms))
    with _LOCK:
        found = _SESSIONS.get(key)
        if found is None:
            found = (tuple(lstms), _new_session(build_graph(lstms).SerializeToString()))
            _SESSIONS[key] = found  # the LSTMs kept alive with it: their ids stay theirs
    return found[1]


def _new_session(payload: bytes) -> Any:
    """An onnxruntime session on one thread, without the CPU memory arena (which keeps the
    largest batch's buffers, rounded up, for the life of the process)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = ARENA
    options.log_severity_level = 3
    return ort.InferenceSession(payload, options, providers=["CPUExecutionProvider"])


def available() -> bool:
    """Whether onnx and onnxruntime can be imported (else the NumPy steps run)."""
    from .onnx import onnx_available

    return onnx_available()


def length_groups(lengths: Sequence[int], slack: float = SLACK) -> list[list[int]]:
    """Indices of ``lengths`` in groups of similar length, longest first.

    A group's members are at most ``max(MIN_PAD, slack * longest)`` shorter than its
    longest, so padding adds at most about ``slack`` of the work.
    """
    order = sorted(range(len(lengths)), key=lambda j: -lengths[j])
    groups: list[list[int]] = []
    for j in order:
        if groups and lengths[groups[-1][0]] - lengths[j] <= max(
                MIN_PAD, slack * lengths[groups[-1][0]]):
            groups[-1].append(j)
        else:
            groups.append([j])
    return groups


def run_lstms_onnx(lstms: Sequence[BiLSTM], xs: Sequence[F32],
                   spans: Sequence[tuple[int, int]]) -> list[F32]:
    """Each ``lstms[i](xs[i], spans)`` on onnxruntime (see the module docstring).

    Each run ``(start, end)`` of rows is one sequence; rows outside every run get
    zeros. Runs of similar length go in one call (:func:`length_groups`): onnxruntime
    steps every row of a batch to its longest sequence, padding included.
    """
    size = lstms[0].w_hh.shape[2]
    n = len(xs[0]) if xs else 0
    out = [np.zeros((n, 2 * size), dtype=np.float32) for _ in lstms]
    runs = [(s, e) for s, e in spans if e > s]
    if not runs or not n:
        return out
    padded = [np.vstack([x.astype(np.float32, copy=False), np.zeros((1, x.shape[1]), np.float32)])
              for x in xs]
    for group in length_groups([e - s for s, e in runs]):
        _run_group(lstms, padded, [runs[j] for j in group], out)
    return out


def _run_group(lstms: Sequence[BiLSTM], padded: Sequence[F32],
               runs: Sequence[tuple[int, int]], out: Sequence[F32]) -> None:
    """One onnxruntime call over ``runs`` (one padded batch), written into ``out``."""
    n = len(out[0])
    starts = np.array([s for s, _ in runs], dtype=np.int64)
    lengths = np.array([e - s for s, e in runs], dtype=np.int64)
    width, batch = int(lengths.max()), len(runs)
    step = np.arange(width)[:, None]
    index = np.where(step < lengths[None], starts[None] + step, n)  # (tokens, batch); n: padding
    feed: dict[str, Any] = {"lens": lengths.astype(np.int32)}
    feed.update({f"x{i}": x[index] for i, x in enumerate(padded)})
    rows = np.concatenate([np.arange(s, e) for s, e in runs])
    flat = np.concatenate([np.arange(k) * batch + j for j, k in enumerate(lengths)])
    for y, target in zip(session(lstms).run(None, feed), out, strict=True):
        # (tokens, 2, batch, H) -> one row per (token, sentence): [forward, backward]
        both = y.transpose(0, 2, 1, 3).reshape(width * batch, target.shape[1])
        target[rows] = both[flat]
