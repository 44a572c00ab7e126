"""The MiniLM encoder layers as an ONNX graph run by onnxruntime, optionally int8.

:mod:`flashpoint.encoder` computes the embeddings (a gather and a LayerNorm)
in NumPy and hands the six transformer layers to a backend. This module builds
those layers as an ONNX graph from the same NumPy weights (no torch, no file
to download or commit: the graph is assembled with ``onnx.helper`` when the
encoder loads, in well under a second) and runs it with onnxruntime.

Backends (``$FLASHPOINT_ENCODER``, see :data:`BACKENDS`):

* ``onnx-int8`` (default): the weight matrices of the attention projections
  and the first feed-forward projection are quantised to int8 per output
  channel (``onnxruntime.quantization.quantize_dynamic``), activations are
  quantised per batch at run time. The second feed-forward projection stays
  float32: its input (after GELU) has outliers that per-tensor activation
  quantisation handles badly. About three times faster than NumPy; pooled
  states keep a mean cosine similarity of about 0.998 with float32 (layers 4
  and 5; ``benchmarks/bench_encoder.py`` measures both). Every head trained
  on encoder features is trained on this backend's output.
* ``onnx-fp32``: the same graph unquantised; equal to the NumPy reference
  forward pass of the tests (``tests/encoder_reference.py``) within 1e-5.

onnxruntime is a run-time dependency; without it the encoder is
:class:`~flashpoint.errors.BackboneMissing` (and ``--fast`` runs without it).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .. import filecache
from ..errors import BackboneMissing, UnknownBackend
from .layers import F32, Layer

BACKEND_ENV = "FLASHPOINT_ENCODER"
BACKENDS = ("onnx-int8", "onnx-fp32")
DEFAULT_BACKEND = "onnx-int8"
OPSET = 20
"""ONNX opset: 17 brings LayerNormalization, 20 the Gelu operator."""
FLOAT_PROJECTIONS = ("down",)
"""Projections left in float32 by the int8 backend (see the module docstring)."""


def resolve_backend(name: str) -> str:
    """The backend named ``name`` (as ``$FLASHPOINT_ENCODER`` gives it; empty: the default).

    An unknown name is :class:`~flashpoint.errors.UnknownBackend`.
    """
    name = name.strip().lower() or DEFAULT_BACKEND
    if name not in BACKENDS:
        raise UnknownBackend(f"${BACKEND_ENV}={name!r} is not an encoder backend; "
                             f"choose one of {', '.join(BACKENDS)}")
    return name


def require_onnx() -> None:
    """Raise :class:`~flashpoint.errors.BackboneMissing` unless onnxruntime can be imported."""
    if not onnx_available():
        raise BackboneMissing("onnx and onnxruntime are not installed; run `make install` "
                              "(they are in requirements.txt), or use `analyze --fast`")


def onnx_available() -> bool:
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


class _Graph:
    """Accumulates the nodes and initializers of the layer graph."""

    def __init__(self) -> None:
        from onnx import helper, numpy_helper

        self.helper, self.numpy_helper = helper, numpy_helper
        self.nodes: list[Any] = []
        self.inits: list[Any] = []

    def const(self, name: str, value: npt.NDArray[Any]) -> str:
        self.inits.append(self.numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(self, op: str, inputs: Sequence[str], output: str, **attrs: Any) -> str:
        self.nodes.append(self.helper.make_node(op, list(inputs), [output], name=output, **attrs))
        return output

    def linear(self, x: str, w: F32, b: F32, name: str) -> str:
        product = self.node("MatMul", [x, self.const(name + ".w", w)], name + ".mm")
        return self.node("Add", [product, self.const(name + ".b", b)], name)


def build_graph(layers: Sequence[Layer], hidden: int, heads: int) -> Any:
    """An ONNX model: inputs ``x`` (batch, tokens, hidden) and ``bias`` (batch, 1, 1, tokens),
    outputs ``h1`` .. ``hN``, the states after each of ``layers`` (post-LayerNorm BERT)."""
    from onnx import TensorProto, helper

    g = _Graph()
    d = hidden // heads
    g.const("shape.heads", np.array([0, 0, heads, d], dtype=np.int64))
    g.const("shape.hidden", np.array([0, 0, hidden], dtype=np.int64))
    g.const("scale", np.array(1.0 / np.sqrt(d), dtype=np.float32))
    x, outputs = "x", []
    for number, layer in enumerate(layers, start=1):
        p = f"l{number}."
        split = {"q": slice(0, hidden), "k": slice(hidden, 2 * hidden),
                 "v": slice(2 * hidden, 3 * hidden)}
        perms = {"q": [0, 2, 1, 3], "k": [0, 2, 3, 1], "v": [0, 2, 1, 3]}
        proj = {}
        for key, cols in split.items():
            y = g.linear(x, layer.qkv[:, cols], layer.qkv_b[cols], p + key)
            y = g.node("Reshape", [y, "shape.heads"], p + key + ".heads")
            proj[key] = g.node("Transpose", [y], p + key + ".t", perm=perms[key])
        s = g.node("MatMul", [proj["q"], proj["k"]], p + "scores")
        s = g.node("Mul", [s, "scale"], p + "scaled")
        s = g.node("Add", [s, "bias"], p + "masked")
        s = g.node("Softmax", [s], p + "attention", axis=-1)
        ctx = g.node("MatMul", [s, proj["v"]], p + "context")
        ctx = g.node("Transpose", [ctx], p + "context.t", perm=[0, 2, 1, 3])
        ctx = g.node("Reshape", [ctx, "shape.hidden"], p + "context.flat")
        y = g.node("Add", [x, g.linear(ctx, layer.out, layer.out_b, p + "out")], p + "res1")
        y = g.node("LayerNormalization", [y, g.const(p + "ln1.w", layer.ln1_w),
                                          g.const(p + "ln1.b", layer.ln1_b)],
                   p + "ln1", axis=-1, epsilon=1e-12)
        up = g.node("Gelu", [g.linear(y, layer.up, layer.up_b, p + "up")], p + "gelu")
        z = g.node("Add", [y, g.linear(up, layer.down, layer.down_b, p + "down")], p + "res2")
        x = g.node("LayerNormalization", [z, g.const(p + "ln2.w", layer.ln2_w),
                                          g.const(p + "ln2.b", layer.ln2_b)],
                   f"h{number}", axis=-1, epsilon=1e-12)
        outputs.append(x)
    graph = helper.make_graph(
        g.nodes, "minilm_layers",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "tokens", hidden]),
         helper.make_tensor_value_info("bias", TensorProto.FLOAT, ["batch", 1, 1, "tokens"])],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, ["batch", "tokens", hidden])
         for o in outputs],
        initializer=g.inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                             ir_version=9)


def _quantized_bytes(model: Any) -> bytes:
    """``model`` with int8 weights (per channel), serialised; see :data:`FLOAT_PROJECTIONS`."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    keep_float = [n.name for n in model.graph.node
                  if n.op_type == "MatMul" and n.name.rsplit(".", 2)[-2] in FLOAT_PROJECTIONS]
    with tempfile.TemporaryDirectory(prefix="flashpoint-encoder-") as tmp:
        out = Path(tmp) / "minilm-int8.onnx"
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # quantize_dynamic warns about optional pre-processing
        try:
            quantize_dynamic(model, out, per_channel=True, weight_type=QuantType.QInt8,
                             nodes_to_exclude=keep_float)
        finally:
            root.setLevel(level)
        return out.read_bytes()


CACHE_ENV = filecache.CACHE_ENV
"""Where the quantised graph is kept between runs (``none``: nowhere); default
``$XDG_CACHE_HOME/flashpoint`` or ``~/.cache/flashpoint`` (see :func:`cache_dir_from_env`)."""


def cache_dir_from_env(environ: Mapping[str, str]) -> str | None:
    """The cache folder that ``environ`` names (:data:`CACHE_ENV`), or the default one: the
    file cache's folder (:func:`flashpoint.filecache.dir_from_env`)."""
    return filecache.dir_from_env(environ)


def quantized(model: Any, cache_dir: str | None) -> bytes:
    """:func:`_quantized_bytes` of ``model``, read from ``cache_dir`` when an earlier run put it
    there (about 1 s saved per process start). The file name is a hash of the float graph, the
    onnxruntime version and the float projections, so a changed input never reads a stale file;
    files are written whole (temporary name, then renamed); an unwritable folder is skipped."""
    if not cache_dir:
        return _quantized_bytes(model)
    import onnxruntime

    tag = f"|onnxruntime {onnxruntime.__version__}|{FLOAT_PROJECTIONS}".encode()
    key = hashlib.sha256(model.SerializeToString() + tag).hexdigest()[:24]
    return filecache.kept_bytes(Path(cache_dir) / f"minilm-int8-{key}.onnx",
                                lambda: _quantized_bytes(model))


GRAPH_OPTIMIZATION = "ORT_ENABLE_ALL"
"""onnxruntime graph optimisation level (a ``GraphOptimizationLevel`` name). Measured on
583 PTC sentences, int8, one thread: ALL, EXTENDED and none run at the same speed within
noise, BASIC is slower (0.77x); every level but EXTENDED changes the states a little
(pooled cosine 0.99997 to ALL's), so the level the heads were trained on stays."""


def new_session(payload: bytes, threads: int) -> Any:
    """An onnxruntime session of ``payload`` on the CPU: ``threads`` intra-op threads, one
    inter-op thread (sequential execution), graph optimisation :data:`GRAPH_OPTIMIZATION`."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = getattr(ort.GraphOptimizationLevel, GRAPH_OPTIMIZATION)
    options.log_severity_level = 3
    return ort.InferenceSession(payload, options, providers=["CPUExecutionProvider"])


class OnnxLayers:
    """The transformer layers as onnxruntime sessions (int8 or float32).

    onnxruntime runs a whole graph whatever outputs are asked for, so there is
    one session per depth (built on first use): asking for layers 4 and 5 runs
    five layers, not six.
    """

    def __init__(self, layers: Sequence[Layer], hidden: int, heads: int,
                 quantize: bool, threads: int, cache_dir: str | None = None) -> None:
        self.layers = tuple(layers)
        self.hidden, self.heads = hidden, heads
        self.quantize, self.threads = quantize, threads
        self.cache_dir = cache_dir
        self.name = "onnx-int8" if quantize else "onnx-fp32"
        self._payloads: dict[int, bytes] = {}
        self._sessions: dict[int, Any] = {}
        self._pid = os.getpid()

    def payload(self, depth: int, use_cache: bool = True) -> bytes:
        """The serialised graph of the first ``depth`` layers (built and quantised once;
        the quantised graph is kept in :attr:`cache_dir` when set, see :func:`quantized`)."""
        if depth not in self._payloads:
            model = build_graph(self.layers[:depth], self.hidden, self.heads)
            self._payloads[depth] = (
                quantized(model, self.cache_dir if use_cache else None) if self.quantize
                else model.SerializeToString())
        return self._payloads[depth]

    def session(self, depth: int) -> Any:
        """The session running the first ``depth`` layers (outputs ``h1`` .. ``h<depth>``).

        Sessions belong to the process that created them: a worker forked from a
        process that already ran the encoder builds its own from the inherited
        serialised graph (about 30 ms; building and quantising it takes about 1 s).
        """
        if self._pid != os.getpid():
            self._sessions, self._pid = {}, os.getpid()
        if depth not in self._sessions:
            try:
                self._sessions[depth] = new_session(self.payload(depth), self.threads)
            except Exception:  # a damaged cache file: quantise again, without the cache
                if not (self.quantize and self.cache_dir):
                    raise
                self._payloads.pop(depth, None)
                self._sessions[depth] = new_session(self.payload(depth, use_cache=False),
                                                    self.threads)
        return self._sessions[depth]

    def __call__(self, x: F32, bias: F32, keep: Sequence[int]) -> list[F32]:
        """States after each layer number in ``keep`` (1 .. depth, ascending).

        Each sentence (row of the right-padded batch) runs on its own, unpadded:
        int8 activations are quantised with one scale per run, so a sentence
        batched with others would get slightly different states depending on its
        neighbours. Alone, a sentence always gets the same states, and costs about
        what it costs in a padded batch.
        """
        wanted = [f"h{n}" for n in keep]
        session = self.session(max(keep))
        lengths = (bias[:, 0, 0, :] == 0).sum(axis=1)
        out = [np.zeros_like(x) for _ in wanted]
        for row, n in enumerate(lengths):
            states = session.run(wanted, {"x": x[row : row + 1, :n],
                                          "bias": bias[row : row + 1, :, :, :n]})
            for target, state in zip(out, states, strict=True):
                target[row, :n] = state[0]
        return out
