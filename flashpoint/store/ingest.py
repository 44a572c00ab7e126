"""Filling the store: ``ingest`` (analyse what is new, store it) and ``load`` (no NLP).

Ingest hashes each input text and skips what is already stored BEFORE any
analysis, so a rerun after a crash does not redo committed work; each article
is then committed in its own transaction. The store never imports the analysis:
:func:`ingest` is handed it (:func:`flashpoint.runner.ingest_paths` wires the
runner's reader and pipeline to it), so ``import flashpoint.store`` loads no model.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import FlashpointError, IngestError, MalformedRecord, ModelError
from ..model import Article, article_to_json
from .db import AddResult, Hook, Store


@dataclass(slots=True)
class IngestStats:
    """Counts of one ``ingest`` or ``load`` run (the summary line)."""

    new: int = 0
    already: int = 0
    near_duplicates: int = 0
    replaced: int = 0
    reanalyzed: int = 0
    input_errors: int = 0
    analyzer_failures: int = 0

    @property
    def stored(self) -> int:
        return self.new + self.replaced + self.reanalyzed

    @property
    def exit_code(self) -> int:
        """As ``analyze``: 0 all good; 3 something failed; 1 nothing could be read."""
        if self.stored + self.already == 0 and self.input_errors:
            return 1
        return 3 if self.input_errors or self.analyzer_failures else 0

    def count(self, result: AddResult) -> None:
        if result.status == "new":
            self.new += 1
        elif result.status in ("exists", "superseded"):
            self.already += 1
        elif result.status == "replaced":
            self.replaced += 1
        else:
            self.reanalyzed += 1
        self.near_duplicates += result.status in ("new", "replaced") and result.near_duplicate

    def summary(self) -> str:
        extra = "".join(f", {n} {what}" for n, what in ((self.replaced, "with changed text"),
                                                       (self.reanalyzed, "re-analysed")) if n)
        return (f"{self.new} new, {self.already} already stored, {self.near_duplicates} "
                f"near-duplicates, {self.input_errors} input errors, {self.analyzer_failures} "
                f"analyzer failures{extra}")


def _family_versions(names: Iterable[str]) -> dict[str, int]:
    """``{"events": 2}`` from ``["events.v2", ...]`` (names without a version count as 0)."""
    out: dict[str, int] = {}
    for name in names:
        family, _, ver = name.rpartition(".v")
        if family and ver.isdigit():
            out[family] = max(out.get(family, 0), int(ver))
        else:
            out[name] = max(out.get(name, 0), 0)
    return out


def is_stale(stored: Iterable[str], installed: Iterable[str]) -> bool:
    """True when an installed analyzer is newer than the one that analysed the article."""
    have = _family_versions(stored)
    return any(family in have and ver > have[family]
               for family, ver in _family_versions(installed).items())


ProgressFn = Callable[[int], None]


Analyse = Callable[[Callable[[Article], bool]], Iterable[Article]]
"""Runs the analysis over the input articles that the given ``keep`` accepts, in order
(:func:`flashpoint.runner.ingest_paths` passes the runner's ``analyze_paths``)."""


def ingest(
    store: Store,
    analyse: Analyse,
    installed: Sequence[str],
    *,
    reanalyze: bool = False,
    hooks: Sequence[Hook] = (),
    input_errors: Callable[[], int] = lambda: 0,
    on_article: Callable[[Article, AddResult], None] = lambda a, r: None,
    on_skip: Callable[[Article], None] = lambda a: None,
) -> IngestStats:
    """Store what ``analyse`` produces, having it skip texts already stored BEFORE analysis.

    ``installed`` names the pipeline's analyzers (``events.v2``): with ``reanalyze``,
    stored articles analysed by older versions are analysed again and replace
    their stored analysis. Each article is committed on its own. ``input_errors``
    reads the reader's problem count at the end; ``on_article`` gets each stored
    article, ``on_skip`` each one skipped before analysis (for a progress bar).
    """
    stats = IngestStats()
    redo: set[str] = set()
    seen: set[str] = set()

    def keep(item: Article) -> bool:
        wanted = _wanted(item, store, seen, redo, reanalyze, installed)
        if not wanted:
            stats.already += 1
            on_skip(item)
        return wanted

    try:
        for article in analyse(keep):
            stats.analyzer_failures += len(article.failures)
            result = store.add(article, hooks=hooks, replace=article.id in redo)
            stats.count(result)
            on_article(article, result)
    finally:
        stats.input_errors = input_errors()
    return stats


def _wanted(item: Article, store: Store, seen: set[str], redo: set[str], reanalyze: bool,
            installed: Sequence[str]) -> bool:
    if item.id in seen:
        return False
    seen.add(item.id)
    known = store.lookup(item.id)
    if known is None:
        return True
    if reanalyze and known["state"] == "stored" and is_stale(known["analyzers"], installed):
        redo.add(item.id)
        return True
    return False


def stale_articles(store: Store, installed: Sequence[str], batch: int = 500
                   ) -> Iterator[Article]:
    """Stored articles analysed by analyzers older than ``installed``, as bare inputs.

    Each comes back with its text, source and metadata only (the analysis
    emptied), ready for the pipeline; ``ingest --reanalyze`` without inputs runs
    them and stores the result with ``replace=True``.
    """
    last = 0
    while True:
        rows = store.query("SELECT seq, id, analyzers FROM articles WHERE seq>? ORDER BY seq "
                           "LIMIT ?", (last, batch))
        for row in rows:
            if is_stale(json.loads(row["analyzers"]), installed):
                old = store.get(row["id"])
                yield Article(text=old.text, source=old.source, metadata=old.metadata, id=old.id)
        if len(rows) < batch:
            return
        last = rows[-1]["seq"]


def count_stale(store: Store, installed: Sequence[str]) -> int:
    """How many stored articles :func:`stale_articles` would yield (a progress bar's total)."""
    return sum(is_stale(json.loads(r["analyzers"]), installed)
               for r in store.query("SELECT analyzers FROM articles"))


def reanalyze_stored(store: Store, analyse: Callable[[Iterable[Article]], Iterable[Article]],
                     installed: Sequence[str], *, hooks: Sequence[Hook] = (),
                     on_article: Callable[[Article, AddResult], None] = lambda a, r: None,
                     ) -> IngestStats:
    """Analyse again every stored article whose analysis is outdated, from its stored text.

    ``analyse`` maps bare articles to analysed ones (the runner's pool). Each
    article replaces its old analysis in its own transaction, so an interrupted
    run keeps what it finished and a rerun picks up the rest.
    """
    stats = IngestStats()
    for article in analyse(stale_articles(store, installed)):
        stats.analyzer_failures += len(article.failures)
        result = store.add(article, hooks=hooks, replace=True)
        stats.count(result)
        on_article(article, result)
    return stats


def count_new(store: Store, items: Iterable[object]) -> int:
    """How many of the input articles are not stored yet (the progress bar's total)."""
    seen: set[str] = set()
    for item in items:
        if isinstance(item, Article) and item.id not in seen and store.lookup(item.id) is None:
            seen.add(item.id)
    return len(seen)


# --- load: analyses made elsewhere ---------------------------------------------------------


_VALIDATOR: Any = None


def validate_record(article: Article, source: str) -> Article:
    """``article`` when its record is valid ``flashpoint.article/1``; else :class:`MalformedRecord`.

    The JSON Schema is checked (value ranges, enumerations) as well as the model's
    own checks (span offsets agree with the text).
    """
    global _VALIDATOR
    if _VALIDATOR is None:
        import jsonschema

        from ..schema import load_schema

        _VALIDATOR = jsonschema.Draft202012Validator(load_schema())
    error = next(iter(_VALIDATOR.iter_errors(article_to_json(article))), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise MalformedRecord(source, f"not a valid flashpoint.article/1 record: {where}: "
                                      f"{error.message[:200]}")
    try:
        article.check_offsets()
    except ModelError as exc:
        raise MalformedRecord(source, f"not a valid flashpoint.article/1 record: "
                                      f"{exc.message}") from None
    return article


def load_files(store: Store, files: Sequence[str], *, hooks: Sequence[Hook] = (),
               batch: int = 1, on_problem: Callable[[FlashpointError], None] = lambda e: None,
               on_article: Callable[[Article, AddResult], None] = lambda a, r: None,
               ) -> IngestStats:
    """Store analysed records from JSONL/JSON files, validated, without re-analysis.

    A bad record is one problem (``on_problem``) and the rest goes on. ``batch > 1``
    commits that many articles per transaction (faster bulk loads, still all-or-none).
    """
    stats = IngestStats()
    pending: list[Article] = []

    def flush() -> None:
        for article, result in zip(pending, store.add_many(pending, hooks=hooks), strict=True):
            stats.count(result)
            on_article(article, result)
        pending.clear()

    for path in files:
        for n, item in enumerate(_records_or_problem(path, stats, on_problem), 1):
            try:
                if isinstance(item, MalformedRecord):
                    raise item
                article = validate_record(item, f"{path} (record {n})")
            except IngestError as exc:
                stats.input_errors += 1
                on_problem(exc)
                continue
            if store.lookup(article.id) is not None:
                stats.already += 1
                continue
            stats.analyzer_failures += len(article.failures)
            pending.append(article)
            if len(pending) >= batch:
                flush()
    if pending:
        flush()
    return stats


def _records_or_problem(path: str, stats: IngestStats,
                        on_problem: Callable[[FlashpointError], None],
                        ) -> Iterator[Article | MalformedRecord]:
    from ..jsonio import read_results

    try:
        yield from read_results(path)
    except OSError as exc:
        stats.input_errors += 1
        on_problem(IngestError(path, f"cannot read: {exc.strerror or exc}"))


def summary_json(stats: IngestStats) -> Mapping[str, int]:
    """The counts as a JSON object."""
    return {"new": stats.new, "already_stored": stats.already,
            "near_duplicates": stats.near_duplicates, "replaced": stats.replaced,
            "reanalyzed": stats.reanalyzed, "input_errors": stats.input_errors,
            "analyzer_failures": stats.analyzer_failures}
