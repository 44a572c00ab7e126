"""The index's link to the store: schema registration, the ``add`` hook and ``reindex``.

The facts the rules need (actors' ``belongs_to``, quote speakers, events, genre) are
read back from the store's own tables inside the article's transaction, so the hook
and ``reindex`` read the same thing and give the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

from .rules import ArticleFacts, EventFacts, Speaker
from .tables import DDL, SCHEMA_NAME, SCHEMA_VERSION, Writer, index_article, rebuild

REINDEX_BATCH = 2000


class StoredEventLike(Protocol):
    """The fields of ``flashpoint.store.StoredEvent`` the index reads."""

    @property
    def idx(self) -> int: ...
    @property
    def source(self) -> str | None: ...
    @property
    def target(self) -> str | None: ...
    @property
    def category(self) -> str: ...
    @property
    def quad_class(self) -> str: ...
    @property
    def intensity(self) -> float: ...
    @property
    def mode(self) -> str: ...
    @property
    def quote(self) -> str | None: ...
    @property
    def confidence(self) -> float: ...


class StoredArticleLike(Protocol):
    """The fields of ``flashpoint.store.StoredArticle`` the index reads."""

    @property
    def article_id(self) -> str: ...
    @property
    def cluster_id(self) -> str: ...
    @property
    def published_day(self) -> str | None: ...
    @property
    def outlet(self) -> str | None: ...
    @property
    def genre(self) -> str | None: ...
    @property
    def events(self) -> Sequence[StoredEventLike]: ...
    @property
    def replaced(self) -> StoredArticleLike | None: ...


def register(store_cls: Any) -> None:
    """Register the index tables with the store (class or instance): created at open."""
    store_cls.register_schema(SCHEMA_NAME, SCHEMA_VERSION, DDL)


def hook(w: Writer, stored: StoredArticleLike) -> None:
    """``store.add`` hook: update the index inside the article's transaction."""
    replaced = stored.replaced
    if replaced is not None and replaced.article_id != stored.article_id:
        from .tables import unindex_article

        unindex_article(w, replaced.article_id)
    events = tuple(EventFacts(e.idx, e.source, e.target, e.category, e.quad_class,
                              e.intensity, e.mode, e.quote, e.confidence)
                   for e in stored.events)
    facts = _facts(w, stored.article_id, stored.genre, events)
    index_article(w, facts, day=stored.published_day, outlet=stored.outlet,
                  cluster_id=stored.cluster_id)


def _facts(w: Writer, article_id: str, genre: str | None,
           events: tuple[EventFacts, ...]) -> ArticleFacts:
    parents = {r["actor_id"]: r["belongs_to"] for r in w.execute(
        "SELECT actor_id, belongs_to FROM actors WHERE article_id = ?", (article_id,))}
    speakers = {r["quote_id"]: _speaker(r) for r in w.execute(
        "SELECT quote_id, speaker_name, speaker_actor, speaker_vague FROM quotes "
        "WHERE article_id = ?", (article_id,))}
    return ArticleFacts(article_id, genre, parents, speakers, events)


def _speaker(row: Mapping[str, Any]) -> Speaker:
    if row["speaker_vague"]:
        return Speaker(False)
    return Speaker(bool(row["speaker_actor"] or row["speaker_name"]), row["speaker_actor"])


def reindex(store: Any) -> int:
    """Rebuild every index table from the stored analyses; returns articles indexed.

    Runs in one transaction (``store.writer()``): readers see the old index until
    it commits, and a crash leaves the old index whole.
    """
    with store.writer() as w:
        return rebuild(w, _batches(w))


def _batches(w: Writer) -> Iterator[list[tuple[ArticleFacts, str | None, str | None,
                                                str | None]]]:
    last = 0
    while True:
        heads = w.execute(
            "SELECT seq, id, published_day, outlet, cluster_id, genre FROM articles "
            "WHERE seq > ? ORDER BY seq LIMIT ?", (last, REINDEX_BATCH))
        if not heads:
            return
        last = heads[-1]["seq"]
        yield _batch_facts(w, heads)


def _batch_facts(w: Writer, heads: list[dict[str, Any]]) -> list[
        tuple[ArticleFacts, str | None, str | None, str | None]]:
    ids = [h["id"] for h in heads if h["published_day"]]
    marks = ",".join("?" * len(ids))
    events: dict[str, list[EventFacts]] = {i: [] for i in ids}
    parents: dict[str, dict[str, str | None]] = {i: {} for i in ids}
    speakers: dict[str, dict[str, Speaker]] = {i: {} for i in ids}
    if ids:
        for r in w.execute(
                "SELECT article_id, idx, source, target, category, quad_class, intensity, mode, "
                f"quote, confidence FROM events WHERE article_id IN ({marks}) "
                "ORDER BY article_id, idx", ids):
            events[r["article_id"]].append(EventFacts(
                r["idx"], r["source"], r["target"], r["category"], r["quad_class"],
                r["intensity"], r["mode"], r["quote"], r["confidence"]))
        for r in w.execute("SELECT article_id, actor_id, belongs_to FROM actors "
                           f"WHERE article_id IN ({marks})", ids):
            parents[r["article_id"]][r["actor_id"]] = r["belongs_to"]
        for r in w.execute("SELECT article_id, quote_id, speaker_name, speaker_actor, "
                           f"speaker_vague FROM quotes WHERE article_id IN ({marks})", ids):
            speakers[r["article_id"]][r["quote_id"]] = _speaker(r)
    return [(ArticleFacts(h["id"], h["genre"], parents.get(h["id"], {}),
                          speakers.get(h["id"], {}), tuple(events.get(h["id"], ()))),
             h["published_day"], h["outlet"], h["cluster_id"]) for h in heads]
