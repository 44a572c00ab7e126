"""The main job as a library call: read inputs, analyse, stream results.

The CLI is a thin wrapper over :func:`analyze_paths`; so is any other surface
(web, batch engine). Problems with inputs are handed to ``on_problem`` and
counted in :class:`RunStats`; they never stop the run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import analyzers as analyzer_registry
from . import encoder, filecache
from .errors import IngestError, InputWarning
from .ingest import DEFAULT_LIMITS, IngestLimits, read_paths
from .model import Article, Metadata
from .pipeline import Pipeline, select
from .scale import local

if TYPE_CHECKING:
    from .store import AddResult, Hook, Store
    from .store.ingest import IngestStats


@dataclass(slots=True)
class RunStats:
    articles: int = 0
    input_errors: int = 0
    analyzer_failures: int = 0
    input_warnings: int = 0
    """Inputs read with a caveat (:class:`~flashpoint.errors.InputWarning`); not failures."""

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
    """A pipeline of the registered analyzers (all, or those named), options checked.

    The encoder's environment variables are read here, once (see
    :func:`flashpoint.encoder.settings_from_env`), and the file cache's folder
    (:func:`flashpoint.filecache.dir_from_env`).
    """
    encoder.configure(encoder.settings_from_env(os.environ))
    filecache.configure(filecache.dir_from_env(os.environ))
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
    keep: Callable[[Article], bool] = lambda a: True,
    limits: IngestLimits = DEFAULT_LIMITS,
) -> Iterator[Article]:
    """Analysed articles from the given inputs, in input order, streaming.

    ``keep`` sees each article read, before analysis; those it rejects are not
    analysed (``ingest`` skips texts already stored). ``on_problem`` sees every
    input problem and every :class:`~flashpoint.errors.InputWarning`; ``limits``
    bound what one input may hold (see :class:`~flashpoint.ingest.IngestLimits`).
    """

    def articles() -> Iterator[Article]:
        for item in read_paths(paths, verbatim=verbatim, encoding=encoding, limits=limits):
            if isinstance(item, InputWarning):
                stats.input_warnings += 1
                on_problem(item)
            elif isinstance(item, IngestError):
                stats.input_errors += 1
                on_problem(item)
            elif keep(item):
                yield item

    for article in local.run(pipeline, articles(), workers):
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



def ingest_paths(
    store: Store,
    paths: Sequence[str],
    pipeline: Pipeline,
    *,
    workers: int = 1,
    reanalyze: bool = False,
    verbatim: bool = False,
    encoding: str | None = None,
    limits: IngestLimits = DEFAULT_LIMITS,
    hooks: Sequence[Hook] = (),
    on_problem: Callable[[IngestError], None] = lambda e: None,
    on_article: Callable[[Article, AddResult], None] = lambda a, r: None,
    on_skip: Callable[[Article], None] = lambda a: None,
) -> IngestStats:
    """``flashpoint ingest`` as a library call: read ``paths`` like :func:`analyze_paths`,
    analyse only the texts ``store`` does not hold yet, store each in its own transaction
    (see :func:`flashpoint.store.ingest.ingest`; ``reanalyze`` redoes outdated analyses)."""
    from .store.ingest import ingest

    run = RunStats()

    def analyse(keep: Callable[[Article], bool]) -> Iterator[Article]:
        return analyze_paths(paths, pipeline, run, verbatim=verbatim, encoding=encoding,
                             workers=workers, on_problem=on_problem, keep=keep, limits=limits)

    return ingest(store, analyse, [a.name for a in pipeline.analyzers], reanalyze=reanalyze,
                  hooks=hooks, input_errors=lambda: run.input_errors, on_article=on_article,
                  on_skip=on_skip)


def reanalyze_store(
    store: Store,
    pipeline: Pipeline,
    *,
    workers: int = 1,
    hooks: Sequence[Hook] = (),
    on_article: Callable[[Article, AddResult], None] = lambda a, r: None,
) -> IngestStats:
    """``flashpoint ingest --reanalyze`` without inputs: analyse again, from their stored
    texts, the stored articles whose analyzers are older than ``pipeline``'s
    (see :func:`flashpoint.store.ingest.reanalyze_stored`)."""
    from .store.ingest import reanalyze_stored

    def analyse(articles: Iterable[Article]) -> Iterator[Article]:
        return local.run(pipeline, articles, workers)

    return reanalyze_stored(store, analyse, [a.name for a in pipeline.analyzers], hooks=hooks,
                            on_article=on_article)
