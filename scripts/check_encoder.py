"""Check ``flashpoint.encoder`` (NumPy) against the torch reference in ``torch_minilm.py``.

    .venv/bin/python scripts/check_encoder.py   # needs torch==2.13.0 (training only)

Prints the largest absolute difference of the pooled layer-6 states and of the
normalised embeddings on a few sentences of different lengths; fails above 1e-4.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from torch_minilm import MiniLM, mean_pool

from flashpoint import encoder
from tests.encoder_reference import reference  # the NumPy reference forward pass

SENTENCES = [
    "The finance ministry in Lima said inflation slowed to 3.1% in October.",
    "Critics argue the treaty is a betrayal that will haunt the coalition for years.",
    "Is it really a coincidence that the talks collapsed the day after the vote?",
    "Hi.",
    "",
    " ".join(["The delegation from Ghana met officials in Accra and Kumasi."] * 30),
]


def main() -> None:
    torch.set_num_threads(2)
    enc = reference()  # the float32 NumPy forward pass
    start = time.perf_counter()
    ours = enc.pooled(SENTENCES)
    ours_norm = enc.pooled(SENTENCES, normalize=True)
    took = time.perf_counter() - start
    model = MiniLM(encoder.read_safetensors(encoder.model_dir() / "model.safetensors")).eval()
    ids = enc.token_ids(SENTENCES)
    width = max(map(len, ids))
    pad = torch.zeros(len(ids), width, dtype=torch.long)
    mask = torch.zeros(len(ids), width, dtype=torch.long)
    for i, s in enumerate(ids):
        pad[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = 1
    with torch.no_grad():
        ref = mean_pool(model(pad, mask), mask).numpy()
    ref_norm = ref / np.linalg.norm(ref, axis=1, keepdims=True)
    diff = float(np.abs(ours - ref).max())
    diff_norm = float(np.abs(ours_norm - ref_norm).max())
    print(f"max |numpy - torch|: pooled {diff:.2e}, normalised {diff_norm:.2e} "
          f"({len(SENTENCES)} sentences, numpy {took * 1000:.0f} ms, tokens {list(map(len, ids))})")
    if max(diff, diff_norm) > 1e-4:
        raise SystemExit("encoder parity check FAILED")
    print("encoder parity OK")


if __name__ == "__main__":
    main()
