"""flashpoint: read geopolitical news like a careful analyst.

    >>> from flashpoint import analyze_text
    >>> article = analyze_text("Moscow accused Kyiv of shelling the plant.")
    >>> [s.span.text for s in article.sentences]
    ['Moscow accused Kyiv of shelling the plant.']

The names below are re-exported lazily (PEP 562): ``import flashpoint`` or
``import flashpoint.model`` loads neither spaCy nor scikit-learn, torch or
onnxruntime; the first use of, say, :func:`analyze_text` imports what it needs.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from .errors import FlashpointError, IngestError

if TYPE_CHECKING:
    from .ingest import read_bytes, read_paths
    from .model import Article, Metadata, Span, article_from_json, article_to_json
    from .pipeline import AnalysisInput, Analyzer, Pipeline
    from .runner import analyze_paths, analyze_text, build_pipeline

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

_LAZY = {
    "read_bytes": "ingest",
    "read_paths": "ingest",
    "Article": "model",
    "Metadata": "model",
    "Span": "model",
    "article_from_json": "model",
    "article_to_json": "model",
    "AnalysisInput": "pipeline",
    "Analyzer": "pipeline",
    "Pipeline": "pipeline",
    "analyze_paths": "runner",
    "analyze_text": "runner",
    "build_pipeline": "runner",
}
"""Public name -> the module (under ``flashpoint``) that defines it."""


def __getattr__(name: str) -> Any:
    """Import a re-exported name's module on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'flashpoint' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "AnalysisInput",
    "Analyzer",
    "Article",
    "FlashpointError",
    "IngestError",
    "Metadata",
    "Pipeline",
    "Span",
    "__version__",
    "analyze_paths",
    "analyze_text",
    "article_from_json",
    "article_to_json",
    "build_pipeline",
    "read_bytes",
    "read_paths",
]
