"""The main job as a library call: read inputs, analyse, stream results.

The CLI is a thin wrapper over :func:`analyze_paths`; so is any other surface
(web, batch engine). Problems with inputs are handed to ``on_problem`` and
counted in :class:`RunStats`; they never stop the run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import IO, Any

from . import analyzers as analyzer_registry
from .errors import IngestError
from .ingest import read_paths
from .model import Article, Metadata, article_to_json
from .pipeline import Pipeline, select


@dataclass(slots=True)
class RunStats:
    articles: int = 0
    input_errors: int = 0
    analyzer_failures: int = 0

    @property
    def exit_code(self) -> int:
        """0 all good; 3 output written but something failed; 1 nothing could be analysed."""
        if self.articles == 0 and self.input_errors:
            return 1
        return 3 if self.input_errors or self.analyzer_failures else 0


FAST_OPTIONS: Mapping[str, Mapping[str, object]] = {
    "sentence_scores.v1": {"encoder": False},
    "persuasion.v1": {"encoder": False},
}
"""Analyzer options of ``analyze --fast``: no MiniLM encoder pass anywhere."""


def build_pipeline(
    names: Sequence[str] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> Pipeline:
    """A pipeline of the registered analyzers (all, or those named)."""
    return Pipeline(select(analyzer_registry.registry(), names), options=options)


def analyze_paths(
    paths: Iterable[str],
    pipeline: Pipeline,
    stats: RunStats,
    *,
    verbatim: bool = False,
    encoding: str | None = None,
    workers: int = 1,
    on_problem: Callable[[IngestError], None] = lambda e: None,
) -> Iterator[Article]:
    """Analysed articles from the given inputs, in input order, streaming."""

    def articles() -> Iterator[Article]:
        for item in read_paths(paths, verbatim=verbatim, encoding=encoding):
            if isinstance(item, IngestError):
                stats.input_errors += 1
                on_problem(item)
            else:
                yield item

    for article in pipeline.run(articles(), workers=workers):
        stats.articles += 1
        stats.analyzer_failures += len(article.failures)
        yield article


def analyze_text(text: str, pipeline: Pipeline | None = None, **metadata: Any) -> Article:
    """Analyse one text as it is (offsets index into ``text``).

    ``metadata`` takes the fields of :class:`~flashpoint.model.Metadata`.
    """
    pipeline = pipeline or build_pipeline()
    article = Article(text=text, source="<text>", metadata=Metadata(**metadata))
    (result,) = pipeline.run([article])
    return result


def write_json(articles: Iterable[Article], out: IO[str]) -> int:
    """One JSON object for a single article, an array for several (streamed)."""
    it = iter(articles)
    first = next(it, None)
    if first is None:
        out.write("[]\n")
        return 0
    second = next(it, None)
    if second is None:
        json.dump(article_to_json(first), out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 1
    out.write("[\n")
    n = 0
    for a in chain((first, second), it):
        out.write(",\n" if n else "")
        json.dump(article_to_json(a), out, ensure_ascii=False, indent=2)
        n += 1
    out.write("\n]\n")
    return n


def write_jsonl(articles: Iterable[Article], out: IO[str]) -> int:
    n = 0
    for a in articles:
        out.write(json.dumps(article_to_json(a), ensure_ascii=False))
        out.write("\n")
        n += 1
    return n
