"""Speed and fidelity of the MiniLM encoder backends on the same sentences, in one run.

Usage::

    python benchmarks/bench_encoder.py [--articles N] [--layers 4,5]

Reads the sentences (one a line) of the first N PTC training articles under
../shared/datasets when present, else the lines of ``samples/``; encodes them
with each backend of :mod:`flashpoint.encoder.onnx` (one thread each, as in the
pipeline) and prints sentences/s, the speed-up over NumPy, and how close the
mean-pooled states of each layer stay to the NumPy float32 reference (max
absolute difference, min and mean cosine similarity over sentences).
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from pathlib import Path

import numpy as np

from flashpoint import encoder
from flashpoint.encoder import onnx as encoder_onnx
from flashpoint.evaluation import default_datasets_dir

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.encoder_reference import reference  # noqa: E402  (the NumPy reference pass)


def _sentences(limit: int) -> tuple[list[str], str]:
    ptc = default_datasets_dir() / "ptc2020" / "train-articles"
    files = sorted(ptc.glob("*.txt"))[:limit] if ptc.is_dir() else sorted(
        p for p in (ROOT / "samples").iterdir() if p.is_file())
    lines = [line.strip() for f in files
             for line in f.read_text(encoding="utf-8", errors="replace").splitlines()]
    return [s for s in lines if s], str(files[0].parent) if files else "nothing"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=20)
    ap.add_argument("--layers", default="4,5", help="layer numbers to keep, comma-separated")
    args = ap.parse_args()
    keep = tuple(int(x) for x in args.layers.split(","))
    texts, origin = _sentences(args.articles)
    pieces = sum(len(ids) for ids in encoder.load_encoder().token_ids(texts))
    print(f"{len(texts)} sentences ({pieces} word pieces) from {origin}; layers {keep}; "
          f"{encoder.blas_threads()} thread(s)")
    os.environ.setdefault(encoder.THREADS_ENV, "1")
    encoder.configure(encoder.settings_from_env(os.environ))
    base = encoder.load_encoder()
    results: dict[str, tuple[float, np.ndarray]] = {}
    for name in ("numpy", *encoder_onnx.BACKENDS[::-1]):  # numpy first: it is the reference
        enc = reference(base) if name == "numpy" else copy.copy(base)
        if name != "numpy":
            enc.backend, enc._onnx = name, None
        enc.pooled(texts[:4], keep=keep)  # builds the session outside the clock
        t0 = time.perf_counter()
        pooled = enc.pooled(texts, keep=keep)
        results[name] = (time.perf_counter() - t0, pooled)
    ref_s, ref = results["numpy"]
    for name, (seconds, pooled) in results.items():
        line = (f"{name:10s} {len(texts) / seconds:8.1f} sentences/s  "
                f"{ref_s / seconds:4.2f}x NumPy")
        for i, layer in enumerate(keep):
            a = ref[:, i * encoder.HIDDEN : (i + 1) * encoder.HIDDEN]
            b = pooled[:, i * encoder.HIDDEN : (i + 1) * encoder.HIDDEN]
            cos = (a * b).sum(1) / np.maximum(
                np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-12)
            line += (f"  | layer {layer}: max |diff| {np.abs(a - b).max():.2g}, "
                     f"cos min {cos.min():.4f} mean {cos.mean():.4f}")
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
