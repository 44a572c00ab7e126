"""Analyzers and the pipeline that runs them.

An analyzer is a plain function over an :class:`AnalysisInput` (the article as
analysed so far plus its spaCy ``Doc``) that returns a mapping from the
article fields it ``produces`` to their new values. It declares what it
``requires`` (article fields, or ``"doc"`` for the parse), so the pipeline can
check the order before any text is read: every requirement must be produced by
an earlier analyzer (or be ``doc``/``text``/``metadata``, which are always there).
An analyzer sees only what it requires: the article it is handed has every
other analysis field empty, so an undeclared read finds nothing instead of
silently depending on what happened to run before.

Each analyzer's options are a frozen dataclass (:attr:`Analyzer.options`),
built and checked when the pipeline is built: an unknown option or a value of
the wrong type is a :class:`~flashpoint.errors.BadOption` at start-up, and an
analyzer's ``prepare`` hook loads what its options name (a gazetteer file)
then too. Options pickle, so worker processes get them as they are.

At run time each analyzer's output is checked (right fields, right types, every
span inside the text). Anything that goes wrong inside one analyzer on one
article, an exception or bad output, becomes a :class:`~flashpoint.model.Failure`
on that article; the other analyzers and articles go on.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

from spacy.language import Language
from spacy.tokens import Doc

from . import nlp as backbone
from .errors import (
    BadAnalyzerOutput,
    BadOption,
    FlashpointError,
    UnknownAnalyzer,
    UnmetRequirement,
)
from .model import Article, Failure

ALWAYS_AVAILABLE = frozenset({"doc", "text", "metadata"})

OptionsT = TypeVar("OptionsT")


@dataclass(frozen=True, slots=True)
class NoOptions:
    """The options of an analyzer that takes none."""


@dataclass(frozen=True, slots=True)
class AnalysisInput:
    """What an analyzer sees: the article so far (its required fields), its parse, its options."""

    article: Article
    doc: Doc
    options: object = NoOptions()

    def options_as(self, cls: type[OptionsT]) -> OptionsT:
        """The options, typed: ``inp.options_as(ActorsOptions).gazetteer``."""
        if not isinstance(self.options, cls):
            raise BadOption(f"expected options of type {cls.__name__}, "
                            f"got {type(self.options).__name__}")
        return self.options


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
    options: type = NoOptions
    """Its options: a frozen dataclass whose fields all have defaults."""
    prepare: Callable[[Any], None] | None = None
    """Called with the checked options when a pipeline is built (load what they name)."""


OptionsArg = Mapping[str, Mapping[str, Any] | object]
"""Options by analyzer name: a mapping of option values, or the options dataclass itself."""


class Pipeline:
    """Runs analyzers in order over articles, batching the spaCy parse.

    ``options`` maps analyzer names to their options; options for analyzers not in
    the pipeline are ignored (``--fast`` names analyzers ``--analyzers`` may leave out).
    Parallel runs over processes are in :mod:`flashpoint.scale.local`.
    """

    def __init__(
        self,
        analyzers: Sequence[Analyzer],
        nlp: Language | None = None,
        options: OptionsArg | None = None,
        batch_size: int = 16,
    ) -> None:
        check_order(analyzers)
        self.analyzers = tuple(analyzers)
        self._nlp = nlp
        given = dict(options or {})
        self.options: dict[str, object] = {
            a.name: build_options(a, given.get(a.name)) for a in self.analyzers}
        for a in self.analyzers:
            if a.prepare is not None:
                a.prepare(self.options[a.name])
        self.batch_size = batch_size
        self._views = {a.name: _hidden_fields(a) for a in self.analyzers}

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = backbone.load()
        return self._nlp

    def batches(self, articles: Iterable[Article]) -> Iterator[list[Article]]:
        """The articles in lists of ``batch_size`` (the last one shorter), lazily."""
        it = iter(articles)
        return iter(lambda: list(islice(it, self.batch_size)), [])

    def run(self, articles: Iterable[Article]) -> Iterator[Article]:
        """Analyse articles lazily, ``batch_size`` at a time, in this process; order is kept."""
        for batch in self.batches(articles):
            yield from self.run_batch(batch)

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
        inp = AnalysisInput(_view(article, self._views[analyzer.name]), doc,
                            self.options[analyzer.name])
        try:
            out = analyzer.func(inp)
            new = _merge(analyzer, article, out)
            new.check_offsets(analyzer.produces)
        except FlashpointError as exc:
            return _fail(article, analyzer, exc.code, exc.message)
        except Exception as exc:  # noqa: BLE001 - one analyzer must never sink the article
            return _fail(article, analyzer, "A400", f"{type(exc).__name__}: {exc}")
        return dataclasses.replace(new, analyzers=(*new.analyzers, analyzer.name))


_ANALYSIS_FIELDS = tuple(
    f.name for f in dataclasses.fields(Article)
    if f.name not in {"text", "source", "metadata", "id", "schema", "analyzers", "failures"})
"""The fields analyzers produce; an analyzer sees those it does not require empty."""


def _hidden_fields(analyzer: Analyzer) -> dict[str, Any]:
    """The empty values of the analysis fields ``analyzer`` does not require."""
    defaults = {f.name: f.default for f in dataclasses.fields(Article)}
    return {name: defaults[name] for name in _ANALYSIS_FIELDS if name not in analyzer.requires}


def _view(article: Article, hidden: Mapping[str, Any]) -> Article:
    """``article`` with the fields in ``hidden`` emptied (nothing to do when all are empty)."""
    if all(getattr(article, k) == v for k, v in hidden.items()):
        return article
    return dataclasses.replace(article, **hidden)


def build_options(analyzer: Analyzer, given: Mapping[str, Any] | object | None) -> object:
    """``analyzer``'s options from ``given``, checked; :class:`BadOption` names what is wrong."""
    cls = analyzer.options
    if given is None:
        return cls()
    if isinstance(given, cls):
        return given
    if not isinstance(given, Mapping):
        raise BadOption(f"options of analyzer {analyzer.name!r} must be a mapping or "
                        f"{cls.__name__}, not {type(given).__name__}")
    hints = typing.get_type_hints(cls)
    known = [f.name for f in dataclasses.fields(cls)]
    for key, value in given.items():
        if key not in known:
            raise BadOption(f"analyzer {analyzer.name!r} has no option {key!r}; "
                            f"its options: {known or 'none'}")
        if not _type_ok(value, hints[key]):
            raise BadOption(f"option {key!r} of analyzer {analyzer.name!r} must be "
                            f"{_type_name(hints[key])}, got {value!r}")
    return cls(**given)


def _type_ok(value: Any, hint: Any) -> bool:
    """Whether ``value`` fits ``hint`` (a class, or a union of classes); bools are not ints."""
    allowed = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    for t in allowed:
        t = type(None) if t is None else t
        if t is int and isinstance(value, bool):
            continue
        if t is float and isinstance(value, int) and not isinstance(value, bool):
            return True
        if isinstance(t, type) and isinstance(value, t):
            return True
    return False


def _type_name(hint: Any) -> str:
    allowed = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    return " or ".join("None" if t in (None, type(None)) else t.__name__ for t in allowed)


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
