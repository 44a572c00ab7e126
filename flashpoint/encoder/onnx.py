"""The MiniLM encoder layers as an ONNX graph run by onnxruntime, optionally int8.

:mod:`flashpoint.encoder` computes the embeddings (a gather and a LayerNorm)
in NumPy and hands the six transformer layers to a backend. This module builds
those layers as an ONNX graph from the same NumPy weights (no torch, no file
to download or commit: the graph is assembled with ``onnx.helper`` when the
encoder loads, in well under a second) and runs it with onnxruntime.

Backends (``$FLASHPOINT_ENCODER``, see :data:`BACKENDS`):

* ``onnx-int8`` (default): the weight matrices are quantised to int8 per output
  channel (``onnxruntime.quantization.quantize_dynamic``), activations are
  quantised per run at run time, with one scale for the whole tensor. The
  feed-forward's hidden activations (after GELU) have a few outlier channels,
  one or two per layer several times larger than the rest (:data:`OUTLIERS_FILE`):
  those channels' rows of the second projection stay float32 and the rest is
  int8, so the outliers no longer set the scale of every other channel. Pooled
  states keep a mean cosine similarity of about 0.9986 with float32 (layers 4
  and 5; ``benchmarks/bench_encoder.py`` measures both), as close as the
  earlier int8 graph that kept the whole second projection float32, at about
  half its cost. Every head trained on encoder features is trained on this
  backend's output.
* ``onnx-fp32``: the same graph unquantised (and without the outlier split); equal to
  the NumPy reference forward pass of the tests (``tests/encoder_reference.py``) within 1e-5.

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
FLOAT_PROJECTIONS = ("down_outliers",)
"""Projections left in float32 by the int8 backend (see the module docstring)."""
OUTLIERS_FILE = Path(__file__).resolve().parent.parent / "data" / "encoder" / "ffn_outliers.json"
"""Per layer, the feed-forward channels whose second projection stays float32 in the int8
backend: the channels with the largest activations after GELU on news sentences, measured
with the float32 reference by ``scripts/encoder_outliers.py``."""


def ffn_outliers(path: Path = OUTLIERS_FILE) -> tuple[tuple[int, ...], ...]:
    """The feed-forward outlier channels of each layer (:data:`OUTLIERS_FILE`)."""
    import json

    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(tuple(int(c) for c in layer) for layer in data["channels"])


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


def build_graph(layers: Sequence[Layer], hidden: int, heads: int,
                outliers: Sequence[Sequence[int]] = ()) -> Any:
    """An ONNX model: input ``x`` (batch, tokens, hidden), outputs ``h1`` .. ``hN``, the states
    after each of ``layers`` (post-LayerNorm BERT), for unpadded input (no attention mask:
    :class:`OnnxLayers` runs one sentence at a time).

    Each layer's self-attention is onnxruntime's fused ``Attention`` operator (query, key and
    value in one product; ``QAttention`` once quantised). With ``outliers`` (channel numbers
    per layer), each layer's feed-forward is two products summed: the ``outliers`` channels
    (``down_outliers``, left in float32 by the int8 backend) and the others (``down``).
    """
    from onnx import TensorProto, helper

    g = _Graph()
    x, outputs = "x", []
    for number, layer in enumerate(layers, start=1):
        p = f"l{number}."
        g.nodes.append(helper.make_node(
            "Attention", [x, g.const(p + "qkv.w", layer.qkv), g.const(p + "qkv.b", layer.qkv_b)],
            [p + "attention"], name=p + "attention", domain="com.microsoft", num_heads=heads))
        y = g.node("Add", [x, g.linear(p + "attention", layer.out, layer.out_b, p + "out")],
                   p + "res1")
        y = g.node("LayerNormalization", [y, g.const(p + "ln1.w", layer.ln1_w),
                                          g.const(p + "ln1.b", layer.ln1_b)],
                   p + "ln1", axis=-1, epsilon=1e-12)
        z = g.node("Add", [y, _feed_forward(g, y, layer, p, outliers[number - 1]
                                            if number <= len(outliers) else ())], p + "res2")
        x = g.node("LayerNormalization", [z, g.const(p + "ln2.w", layer.ln2_w),
                                          g.const(p + "ln2.b", layer.ln2_b)],
                   f"h{number}", axis=-1, epsilon=1e-12)
        outputs.append(x)
    graph = helper.make_graph(
        g.nodes, "minilm_layers",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "tokens", hidden])],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, ["batch", "tokens", hidden])
         for o in outputs],
        initializer=g.inits,
    )
    return helper.make_model(graph, ir_version=9, opset_imports=[
        helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)])


def _feed_forward(g: _Graph, y: str, layer: Layer, p: str, outliers: Sequence[int]) -> str:
    """``down(gelu(up(y)))`` of one layer, the ``outliers`` channels a product of their own."""
    if not outliers:
        return g.linear(g.node("Gelu", [g.linear(y, layer.up, layer.up_b, p + "up")],
                               p + "gelu"), layer.down, layer.down_b, p + "down")
    hi = np.array(sorted(set(outliers)), dtype=np.int64)
    lo = np.setdiff1d(np.arange(layer.up.shape[1]), hi)
    up_hi = g.node("Gelu", [g.linear(y, layer.up[:, hi], layer.up_b[hi], p + "up_outliers")],
                   p + "gelu_outliers")
    up_lo = g.node("Gelu", [g.linear(y, layer.up[:, lo], layer.up_b[lo], p + "up")], p + "gelu")
    down_hi = g.node("MatMul", [up_hi, g.const(p + "down_outliers.w", layer.down[hi])],
                     p + "down_outliers.mm")
    return g.node("Add", [g.linear(up_lo, layer.down[lo], layer.down_b, p + "down"), down_hi],
                  p + "ffn")


def _quantized_bytes(model: Any) -> bytes:
    """``model`` with int8 weights (per channel), serialised; see :data:`FLOAT_PROJECTIONS`."""
    import logging

    from onnx import TensorProto
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
                             nodes_to_exclude=keep_float,
                             # shape inference cannot type what follows a com.microsoft operator
                             extra_options={"DefaultTensorType": TensorProto.FLOAT})
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
noise, BASIC is slower (0.77x)."""
DISABLED_OPTIMIZERS = ("SkipLayerNormFusion",)
"""onnxruntime graph rewrites left out: its fused residual-add-and-LayerNorm kernel took
about 70 us per call on a 30-word-piece sentence, against a few for the two operators
(445 PTC sentences, one thread: the whole graph 10-20% faster without it)."""


def new_session(payload: bytes, threads: int) -> Any:
    """An onnxruntime session of ``payload`` on the CPU: ``threads`` intra-op threads, one
    inter-op thread (sequential execution), graph optimisation :data:`GRAPH_OPTIMIZATION`
    without :data:`DISABLED_OPTIMIZERS`."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = getattr(ort.GraphOptimizationLevel, GRAPH_OPTIMIZATION)
    options.log_severity_level = 3
    return ort.InferenceSession(payload, options, providers=["CPUExecutionProvider"],
                                disabled_optimizers=list(DISABLED_OPTIMIZERS))


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
            model = build_graph(self.layers[:depth], self.hidden, self.heads,
                                ffn_outliers() if self.quantize else ())
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

    def __call__(self, x: F32, lengths: Sequence[int], keep: Sequence[int]) -> list[F32]:
        """States after each layer number in ``keep`` (1 .. depth, ascending) of the
        right-padded batch ``x`` whose rows hold ``lengths`` word pieces.

        Each sentence (row) runs on its own, unpadded:
        int8 activations are quantised with one scale per run, so a sentence
        batched with others would get slightly different states depending on its
        neighbours. Alone, a sentence always gets the same states, and costs about
        what it costs in a padded batch.
        """
        wanted = [f"h{n}" for n in keep]
        session = self.session(max(keep))
        out = [np.zeros_like(x) for _ in wanted]
        for row, n in enumerate(lengths):
            states = session.run(wanted, {"x": x[row : row + 1, :n]})
            for target, state in zip(out, states, strict=True):
                target[row, :n] = state[0]
        return out
