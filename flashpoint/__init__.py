"""flashpoint: read geopolitical news like a careful analyst.

    >>> from flashpoint import analyze_text
    >>> article = analyze_text("Moscow accused Kyiv of shelling the plant.")
    >>> [s.span.text for s in article.sentences]
    ['Moscow accused Kyiv of shelling the plant.']
"""

from __future__ import annotations

import logging

from .errors import FlashpointError, IngestError
from .ingest import read_bytes, read_paths
from .model import Article, Metadata, Span, article_from_json, article_to_json
from .pipeline import AnalysisInput, Analyzer, Pipeline
from .runner import analyze_paths, analyze_text, build_pipeline

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

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
