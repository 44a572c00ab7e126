"""Evaluations: each scores one analyzer family on an annotated data set.

An evaluation is a function ``run(path: Path | None, **options) -> dict`` that
returns JSON-ready metrics (a flat ``{"metric": value}`` part under
``"metrics"`` plus anything else worth printing). ``path`` is the data set
(file or folder); ``None`` means the default location under
``../shared/datasets`` (see :func:`default_datasets_dir`). When the data is
absent the function raises :class:`DatasetMissing`, which the CLI and the
quality gate report as a visible skip.

Register a new evaluation with one line in :data:`EVALUATIONS`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import DatasetMissing, FlashpointError

EvaluationFunc = Callable[..., dict[str, Any]]

EVALUATIONS: dict[str, str] = {
    # name -> "module:function" (imported lazily; evaluations may pull heavy deps)
    "techniques": "flashpoint.evaluation.techniques:run",
    "genre": "flashpoint.evaluation.genre_frames:run_genre",
    "frames": "flashpoint.evaluation.genre_frames:run_frames",
    "claims": "flashpoint.evaluation.claims:run",
    "actors": "flashpoint.evaluation.actors:run",
    "events": "flashpoint.evaluation.events:run",
    "quotes": "flashpoint.evaluation.quotes:run",
}


def default_datasets_dir() -> Path:
    """``$FLASHPOINT_DATASETS`` if set, else ``../shared/datasets`` beside the checkout."""
    env = os.environ.get("FLASHPOINT_DATASETS")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent.parent / "shared" / "datasets"
        if candidate.is_dir():
            return candidate
    return Path.cwd().parent / "shared" / "datasets"


def require(path: Path) -> Path:
    """``path`` if it exists, else raise :class:`DatasetMissing` naming it."""
    if not path.exists():
        raise DatasetMissing(f"data set not found at {path}")
    return path


def get(name: str) -> EvaluationFunc:
    if name not in EVALUATIONS:
        raise FlashpointError(f"unknown evaluation {name!r}; known: {sorted(EVALUATIONS)}")
    module, func = EVALUATIONS[name].split(":")
    fn: EvaluationFunc = getattr(importlib.import_module(module), func)
    return fn
