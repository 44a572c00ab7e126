"""Analyzers and the pipeline that runs them.

An analyzer is a plain function over an :class:`AnalysisInput` (the article as
analysed so far plus its spaCy ``Doc``) that returns a mapping from the
article fields it ``produces`` to their new values. It declares what it
``requires`` (article fields, or ``"doc"`` for the parse), so the pipeline can
check the order before any text is read: every requirement must be produced by
an earlier analyzer (or be ``doc``/``text``/``metadata``, which are always there).

At run time each analyzer's output is checked (right fields, right types, every
span inside the text). Anything that goes wrong inside one analyzer on one
article, an exception or bad output, becomes a :class:`~flashpoint.model.Failure`
on that article; the other analyzers and articles go on.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import typing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from . import nlp as backbone
from .errors import BadAnalyzerOutput, FlashpointError, UnknownAnalyzer, UnmetRequirement
from .model import Article, Failure

ALWAYS_AVAILABLE = frozenset({"doc", "text", "metadata"})


@dataclass(frozen=True, slots=True)
class AnalysisInput:
    """What an analyzer sees: the article so far, its parse, and its own options."""

    article: Article
    doc: Doc
    options: Mapping[str, Any] = field(default_factory=dict)


AnalyzerFunc = Callable[[AnalysisInput], Mapping[str, Any]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Analyzer:
    """A named, versioned analysis step with declared inputs and outputs."""

    name: str
    """Versioned name, ``"<family>.v<N>"`` (e.g. ``"actors.v1"``); recorded on every article."""
    func: AnalyzerFunc
    produces: tuple[str, ...]
    requires: frozenset[str] = frozenset({"doc"})
    languages: frozenset[str] | None = frozenset({"en"})
    """Languages it supports; ``None`` for any. Other languages get a recorded failure."""
    description: str = ""


class Pipeline:
    """Runs analyzers in order over articles, batching the spaCy parse."""

    def __init__(
        self,
        analyzers: Sequence[Analyzer],
        nlp: Language | None = None,
        options: Mapping[str, Mapping[str, Any]] | None = None,
        batch_size: int = 16,
    ) -> None:
        check_order(analyzers)
        self.analyzers = tuple(analyzers)
        self._nlp = nlp
        self.options = dict(options or {})
        self.batch_size = batch_size

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = backbone.load()
        return self._nlp

    def run(self, articles: Iterable[Article], workers: int = 1) -> Iterator[Article]:
        """Analyse articles lazily, ``batch_size`` at a time; order is preserved.

        With ``workers > 1`` batches go to that many processes, each with its own
        spaCy pipeline; at most ``2 * workers`` batches are in flight, so memory
        stays bounded however many articles come in.
        """
        it = iter(articles)
        batches = iter(lambda: list(islice(it, self.batch_size)), [])
        if workers <= 1:
            for batch in batches:
                yield from self.run_batch(batch)
            return
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(self.analyzers, self.options)) as pool:
            pending: deque[Future[list[Article]]] = deque()
            for batch in batches:
                pending.append(pool.submit(_work, batch))
                if len(pending) >= 2 * workers:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()

    def run_batch(self, batch: Sequence[Article]) -> list[Article]:
        """Parse a batch with ``nlp.pipe`` and analyse each article."""
        docs = backbone.parse_many(self.nlp, (a.text for a in batch))
        return [self.analyse(article, doc) for article, doc in zip(batch, docs, strict=True)]

    def analyse(self, article: Article, doc: Doc) -> Article:
        """Run every analyzer on one parsed article."""
        for analyzer in self.analyzers:
            article = self._apply(analyzer, article, doc)
        return article

    def _apply(self, analyzer: Analyzer, article: Article, doc: Doc) -> Article:
        lang = article.metadata.language
        if analyzer.languages is not None and lang is not None and lang not in analyzer.languages:
            return _fail(article, analyzer, "A402", f"language {lang!r} is not supported "
                         f"(supported: {', '.join(sorted(analyzer.languages))})")
        inp = AnalysisInput(article, doc, self.options.get(analyzer.name, {}))
        try:
            out = analyzer.func(inp)
            new = _merge(analyzer, article, out)
            new.check_offsets()
        except FlashpointError as exc:
            return _fail(article, analyzer, exc.code, exc.message)
        except Exception as exc:  # noqa: BLE001 - one analyzer must never sink the article
            return _fail(article, analyzer, "A400", f"{type(exc).__name__}: {exc}")
        return dataclasses.replace(new, analyzers=(*new.analyzers, analyzer.name))


_WORKER: Pipeline | None = None


def _init_worker(analyzers: Sequence[Analyzer], options: Mapping[str, Mapping[str, Any]]) -> None:
    global _WORKER  # one pipeline per worker process, built once
    _WORKER = Pipeline(analyzers, options=options)


def _work(batch: list[Article]) -> list[Article]:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.run_batch(batch)


def _fail(article: Article, analyzer: Analyzer, code: str, message: str) -> Article:
    failure = Failure(analyzer=analyzer.name, code=code, message=message)
    return dataclasses.replace(article, failures=(*article.failures, failure))


_ARTICLE_HINTS = typing.get_type_hints(Article)


def _merge(analyzer: Analyzer, article: Article, out: Mapping[str, Any]) -> Article:
    if not isinstance(out, Mapping):
        raise BadAnalyzerOutput(
            f"returned {type(out).__name__}, expected a mapping of {analyzer.produces}; "
            "maybe you forgot to return the results?"
        )
    if set(out) != set(analyzer.produces):
        raise BadAnalyzerOutput(
            f"returned fields {sorted(out)}, but declares produces={list(analyzer.produces)}"
        )
    for key, value in out.items():
        _check_type(key, value)
    return dataclasses.replace(article, **out)


def _check_type(key: str, value: Any) -> None:
    hint = _ARTICLE_HINTS[key]
    origin = typing.get_origin(hint)
    if origin is tuple:
        (item_type, _) = typing.get_args(hint)
        if not isinstance(value, tuple) or not all(isinstance(v, item_type) for v in value):
            raise BadAnalyzerOutput(f"field {key!r} must be a tuple of {item_type.__name__}")
    elif origin is not None:  # Optional[X]
        allowed = tuple(a for a in typing.get_args(hint) if isinstance(a, type))
        if not isinstance(value, allowed):
            raise BadAnalyzerOutput(f"field {key!r} must be one of {allowed}")
    elif not isinstance(value, hint):
        raise BadAnalyzerOutput(f"field {key!r} must be {hint}")


def check_order(analyzers: Sequence[Analyzer]) -> None:
    """Raise :class:`UnmetRequirement` if an analyzer needs what no earlier one produces."""
    available = set(ALWAYS_AVAILABLE)
    seen: set[str] = set()
    for a in analyzers:
        if a.name in seen:
            raise UnmetRequirement(f"analyzer {a.name!r} appears twice in the pipeline")
        seen.add(a.name)
        missing = a.requires - available
        if missing:
            raise UnmetRequirement(
                f"analyzer {a.name!r} requires {sorted(missing)}, which no earlier analyzer "
                f"produces (available: {sorted(available)})"
            )
        unknown = [p for p in a.produces if p not in _ARTICLE_HINTS]
        if unknown:
            raise UnmetRequirement(f"analyzer {a.name!r} produces unknown fields {unknown}")
        available.update(a.produces)


def select(registry: Sequence[Analyzer], names: Iterable[str] | None) -> list[Analyzer]:
    """The registry's analyzers named in ``names`` (all when ``None``), in registry order.

    A name may omit its version (``"actors"`` selects ``"actors.v1"``). The analyzers
    that produce what a selected one requires are added too, so ``["events"]`` runs
    everything events needs.
    """
    if names is None:
        return list(registry)
    by_family = {a.name.split(".")[0]: a.name for a in registry}
    wanted = {by_family.get(n, n) for n in names}
    known = {a.name for a in registry}
    unknown = sorted(wanted - known)
    if unknown:
        raise UnknownAnalyzer(f"unknown analyzer(s) {unknown}; known: {sorted(known)}")
    producer: dict[str, str] = {}
    for a in registry:
        for field_name in a.produces:
            producer.setdefault(field_name, a.name)
    by_name = {a.name: a for a in registry}
    todo = list(wanted)
    while todo:
        for need in by_name[todo.pop()].requires - ALWAYS_AVAILABLE:
            dep = producer.get(need)
            if dep and dep not in wanted:
                wanted.add(dep)
                todo.append(dep)
    return [a for a in registry if a.name in wanted]
