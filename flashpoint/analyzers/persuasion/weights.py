"""The ``.npz`` weight files of the learned genre and frames models: arrays plus JSON metadata."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt


def save_npz(path: Path, meta: dict[str, Any], **arrays: npt.NDArray[Any]) -> None:
    """Write ``arrays`` and ``meta`` (stored as UTF-8 JSON bytes) to ``path``, compressed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload: dict[str, Any] = {
        "meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), **arrays}
    np.savez_compressed(path, **payload)


def load_npz(path: Path) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
    """The metadata and the arrays of a file written by :func:`save_npz` (no pickles)."""
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(bytes(data["meta"]).decode())
        arrays = {name: np.asarray(data[name]) for name in data.files if name != "meta"}
    return meta, arrays
