"""The corpus store: one SQLite file (WAL mode), one transaction per article.

:class:`Store` is the only code that talks to SQLite; upper layers (the
tension index, the web server) use :meth:`Store.query`, :meth:`Store.add`
hooks and :meth:`Store.register_schema`. Guarantees and their tests:
``docs/store.md``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Literal

from .. import errors
from ..model import Article, article_from_json
from . import dedup
from .rows import ArticleRows, article_rows, expand
from .schema import APPLICATION_ID, CORE_TABLES, MIGRATIONS, SCHEMA_VERSION

AddStatus = Literal["new", "exists", "superseded", "replaced", "reanalyzed"]
Params = Sequence[Any] | dict[str, Any]
DEFAULT_BUSY_TIMEOUT = 30.0
MAX_CANDIDATES = 500
"""LSH candidates compared per new article (bounds the cost when boilerplate is everywhere)."""
CACHE_KIB = 65536
"""Page cache of a writing connection (64 MiB): the LSH and event indexes insert at random."""


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("flashpoint")
    except Exception:  # noqa: BLE001 - running from a source tree without metadata
        return "0+unknown"


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """One row of ``events`` as a hook sees it."""

    event_id: str
    idx: int
    source: str | None
    target: str | None
    category: str
    quad_class: str
    intensity: float
    mode: str
    quote: str | None
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """What :meth:`Store.add` stored, handed to hooks inside the transaction.

    ``replaced`` is the version this one removed (same URL with another text, or
    the same text analysed again by ``--reanalyze``): a hook that keeps
    aggregates subtracts it. ``cluster_size`` counts this article.
    """

    article_id: str
    cluster_id: str
    published_day: str | None
    outlet: str | None
    genre: str | None
    events: tuple[StoredEvent, ...]
    cluster_size: int = 1
    replaced: StoredArticle | None = None


@dataclass(frozen=True, slots=True)
class AddResult:
    """The outcome of :meth:`Store.add`.

    ``status``: ``new``; ``exists`` (same text already stored: nothing done);
    ``superseded`` (this text was stored once and replaced by a later text at its URL:
    nothing done); ``replaced`` (a new text for a stored URL: the old one is removed,
    ``text_changed_from`` names it); ``reanalyzed`` (same text, new analysis).
    ``near_duplicate``: the article joined a cluster holding other articles.
    """

    status: AddStatus
    article_id: str
    cluster_id: str | None = None
    near_duplicate: bool = False
    text_changed_from: str | None = None

    @property
    def added(self) -> bool:
        return self.status in ("new", "replaced", "reanalyzed")


class Writer:
    """The write handle hooks get: statements run inside the article's transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        """Run one statement; rows (as dicts) when it returns any."""
        cur = self._conn.execute(sql, params)
        return _dicts(cur)

    def executemany(self, sql: str, seq: Iterable[Params]) -> None:
        self._conn.executemany(sql, seq)


Hook = Callable[[Writer, StoredArticle], None]


def _dicts(cur: sqlite3.Cursor) -> list[dict[str, Any]]:
    if cur.description is None:
        return []
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


@dataclass(frozen=True, slots=True)
class _Extension:
    name: str
    version: int
    ddl: tuple[str, ...]


class _Hybrid:
    """``Store.register_schema`` works on the class (every store) and on an instance."""

    def __init__(self, func: Callable[..., None]) -> None:
        self.func = func

    def __get__(self, obj: Store | None, owner: type[Store]) -> Callable[[str, int, Sequence[str]],
                                                                         None]:
        def bound(name: str, version: int, ddl_statements: Sequence[str]) -> None:
            self.func(owner, obj, name, version, ddl_statements)

        return bound


def _register(cls: type[Store], store: Store | None, name: str, version: int,
              ddl_statements: Sequence[str]) -> None:
    if version < 1:
        raise errors.StoreError(f"schema extension {name!r}: version must be >= 1, got {version}")
    ext = _Extension(name, version, tuple(ddl_statements))
    if store is None:
        cls._extensions[name] = ext
    else:
        store._own_extensions[name] = ext
        if not store.readonly:
            store._apply_extensions([ext])


@dataclass
class Store:
    """A flashpoint corpus database. Open with :meth:`Store.open`; use as a context manager."""

    path: Path
    readonly: bool
    _conn: sqlite3.Connection
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT
    _own_extensions: dict[str, _Extension] = field(default_factory=dict)
    _version: str = field(default_factory=_version)

    _extensions: ClassVar[dict[str, _Extension]] = {}
    register_schema = _Hybrid(_register)
    """``register_schema(name, version, ddl_statements)``: an upper layer's own tables.

    Statements run (in one transaction) when a writable store opens with a
    recorded version lower than ``version`` (or none), and the version is then
    recorded in ``schema_extensions``: write them idempotently (``CREATE TABLE IF
    NOT EXISTS``, ``ALTER TABLE`` guarded by the version you migrate from).
    Called on the class it applies to every store opened later; on an instance, at once.
    """

    # --- opening --------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, readonly: bool = False,
             busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Store:
        """Open (and, when writable, create or migrate) the store at ``path``."""
        p = Path(path)
        if readonly and not p.exists():
            raise errors.StoreError(f"{p}: no such database (run `flashpoint ingest` first)")
        if not readonly:
            _check_writable(p)
        conn = _connect(p, readonly, busy_timeout)
        store = cls(p, readonly, conn, busy_timeout)
        try:
            with store._translate("open"):
                store._check_and_migrate()
        except BaseException:
            conn.close()
            raise
        return store

    def _check_and_migrate(self) -> None:
        version, app = self._pragma("user_version"), self._pragma("application_id")
        tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master")}
        if app not in (0, APPLICATION_ID) or (app == 0 and tables):
            raise errors.NotAStore(f"{self.path}: not a flashpoint database (it is another "
                                   "SQLite database); flashpoint leaves it untouched")
        if version > SCHEMA_VERSION:
            raise errors.StoreTooNew(f"{self.path}: written by a newer flashpoint (schema version "
                                     f"{version}, this one knows up to {SCHEMA_VERSION}); "
                                     "upgrade flashpoint")
        if self.readonly:
            if version < SCHEMA_VERSION:
                raise errors.StoreReadOnly(f"{self.path}: needs a schema upgrade (version "
                                           f"{version} -> {SCHEMA_VERSION}); open it writable once")
            return
        self._conn.execute("PRAGMA journal_mode=WAL")
        if version < SCHEMA_VERSION:
            self._migrate()
        self._apply_extensions([*self._extensions.values(), *self._own_extensions.values()])

    def _migrate(self) -> None:
        with self._transaction():
            current = self._pragma("user_version")  # another process may have migrated
            for v in range(current + 1, SCHEMA_VERSION + 1):
                for sql in MIGRATIONS[v]:
                    self._conn.execute(sql)
            if current == 0:
                self._conn.execute("INSERT INTO store_info VALUES ('created_with', ?), "
                                   "('created_at', ?)", (self._version, _now()))
                self._conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            self._conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _apply_extensions(self, exts: Iterable[_Extension]) -> None:
        for ext in exts:
            with self._translate(f"schema extension {ext.name}"):
                if self._extension_current(ext):  # the common case: no write lock taken
                    continue
                with self._transaction():
                    if not self._extension_current(ext):
                        for sql in ext.ddl:
                            self._conn.execute(sql)
                        self._conn.execute("INSERT OR REPLACE INTO schema_extensions "
                                           "VALUES (?,?,?)", (ext.name, ext.version, _now()))

    def _extension_current(self, ext: _Extension) -> bool:
        row = self._conn.execute("SELECT version FROM schema_extensions WHERE name=?",
                                 (ext.name,)).fetchone()
        if row and row[0] > ext.version:
            raise errors.StoreTooNew(f"{self.path}: schema extension {ext.name!r} is at "
                                     f"version {row[0]}, newer than {ext.version}")
        return bool(row) and row[0] == ext.version

    def _pragma(self, name: str) -> int:
        return int(self._conn.execute(f"PRAGMA {name}").fetchone()[0])

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transactions and errors ------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` (the write lock, waiting up to the busy timeout) ... ``COMMIT``."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.rollback()
            raise
        self._conn.commit()

    @contextlib.contextmanager
    def _translate(self, doing: str) -> Iterator[None]:
        """SQLite errors as one clear :class:`~flashpoint.errors.StoreError`."""
        try:
            yield
        except sqlite3.Error as exc:
            raise _store_error(self.path, doing, exc, self.busy_timeout) from None

    @contextlib.contextmanager
    def writer(self) -> Iterator[Writer]:
        """A :class:`Writer` inside ONE transaction, for an upper layer's rebuild of its own
        tables (``flashpoint reindex``): committed on exit, rolled back on an exception;
        readers see the old state until it commits."""
        if self.readonly:
            raise errors.StoreReadOnly(f"{self.path}: opened read-only")
        with self._translate("writing"), self._transaction() as conn:
            yield Writer(conn)

    # --- reading ----------------------------------------------------------------------------

    def query(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        """Rows of a read-only statement as dicts (for upper layers; they never see sqlite3)."""
        with self._translate("query"), self._reading():
            return _dicts(self._conn.execute(sql, params))

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """``PRAGMA query_only`` around a statement: a write in it fails, whatever its text."""
        if self.readonly or self._conn.in_transaction:
            yield
            return
        self._conn.execute("PRAGMA query_only=1")
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc):
                raise errors.StoreError("Store.query is for reading; write through add() "
                                        "hooks or writer()") from None
            raise
        finally:
            self._conn.execute("PRAGMA query_only=0")

    def query_batches(self, sql: str, params: Params = (),
                      size: int = 10_000) -> Iterator[tuple[list[str], list[tuple[Any, ...]]]]:
        """A large read-only result as ``(column names, rows)`` chunks (one consistent snapshot)."""
        with self._translate("query"), self._reading():
            cur = self._conn.execute(sql, params)
            names = [d[0] for d in cur.description or ()]
            while rows := cur.fetchmany(size):
                yield names, rows

    def columns(self, table: str) -> list[tuple[str, str]]:
        """``(name, declared type)`` of a table's columns."""
        return [(r["name"], r["type"]) for r in self.query(f"PRAGMA table_info({table})")]

    def lookup(self, article_id: str) -> dict[str, Any] | None:
        """``{"state": "stored"|"superseded", "analyzers": [...]}`` or ``None`` when unknown."""
        with self._translate("lookup"):
            row = self._conn.execute("SELECT analyzers FROM articles WHERE id=?",
                                     (article_id,)).fetchone()
            if row:
                return {"state": "stored", "analyzers": json.loads(row[0])}
            row = self._conn.execute("SELECT replaced_by FROM superseded WHERE article_id=?",
                                     (article_id,)).fetchone()
        return {"state": "superseded", "replaced_by": row[0]} if row else None

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and bool(
            self.query("SELECT 1 FROM articles WHERE id=?", (article_id,)))

    def __len__(self) -> int:
        return int(self.query("SELECT count(*) AS n FROM articles")[0]["n"])

    def get(self, article_id: str) -> Article:
        """The stored article, exactly as it was analysed."""
        rows = self.query("SELECT text, analysis FROM articles WHERE id=?", (article_id,))
        if not rows:
            raise errors.ArticleNotStored(f"{self.path}: no article with id {article_id!r}")
        return _article(rows[0]["text"], rows[0]["analysis"])

    def iter_articles(self, ids: Iterable[str] | None = None,
                      batch: int = 500) -> Iterator[Article]:
        """Stored articles, in storage order, or those of ``ids`` in that order."""
        if ids is not None:
            for article_id in ids:
                yield self.get(article_id)
            return
        last = 0
        while True:
            rows = self.query("SELECT seq, text, analysis FROM articles WHERE seq>? ORDER BY seq "
                              "LIMIT ?", (last, batch))
            for r in rows:
                yield _article(r["text"], r["analysis"])
            if len(rows) < batch:
                return
            last = rows[-1]["seq"]

    # --- writing ----------------------------------------------------------------------------

    def add(self, article: Article, *, source: str | None = None, hooks: Sequence[Hook] = (),
            replace: bool = False) -> AddResult:
        """Store one analysed article with all its rows, atomically.

        Idempotent: a text already stored adds nothing. A new text for a stored URL
        replaces the old one (recorded in ``text_changed_from`` and ``superseded``).
        ``replace=True`` re-stores a text already stored (a new analysis). Each hook
        runs inside the transaction; if one raises, nothing of the article is kept.
        """
        (result,) = self.add_many([article], source=source, hooks=hooks, replace=replace)
        return result

    def add_many(self, articles: Sequence[Article], *, source: str | None = None,
                 hooks: Sequence[Hook] = (), replace: bool = False) -> list[AddResult]:
        """:meth:`add` for several articles in ONE transaction (bulk loads): all or none."""
        if self.readonly:
            raise errors.StoreReadOnly(f"{self.path}: opened read-only")
        sigs = dedup.signatures([a.text for a in articles])
        writer = Writer(self._conn)
        with self._translate(f"storing {articles[0].id if articles else ''}"), self._transaction():
            return [self._add_one(a, sig, source, hooks, writer, replace)
                    for a, sig in zip(articles, sigs, strict=True)]

    def _add_one(self, a: Article, sig: dedup.Signature, source: str | None,
                 hooks: Sequence[Hook], writer: Writer, replace: bool) -> AddResult:
        c = self._conn
        old = c.execute("SELECT seq, cluster_id FROM articles WHERE id=?", (a.id,)).fetchone()
        removed: StoredArticle | None = None
        changed_from: str | None = None
        status: AddStatus
        if old and not replace:
            return AddResult("exists", a.id, old[1])
        if not old and c.execute("SELECT 1 FROM superseded WHERE article_id=?",
                                 (a.id,)).fetchone():
            return AddResult("superseded", a.id)
        if old:
            cluster_id, status = str(old[1]), "reanalyzed"
            removed = self._remove(a.id)
        else:
            status = "new"
            prior = self._same_url(a)
            if prior is not None:
                removed = self._remove(prior)
                changed_from, status = prior, "replaced"
                c.execute("INSERT OR REPLACE INTO superseded VALUES (?,?,?,?)",
                          (prior, a.metadata.url, a.id, _now()))
            cluster_id = self._cluster_for(sig) or a.id
        rows = article_rows(a, source=source or a.source, cluster_id=cluster_id,
                            ingested_at=_now(), version=self._version,
                            text_changed_from=changed_from)
        self._insert(rows, sig)
        size = self._touch_cluster(cluster_id)
        stored = _stored(rows, size, removed)
        for hook in hooks:
            hook(writer, stored)
        return AddResult(status, a.id, cluster_id, size > 1, changed_from)

    def _same_url(self, a: Article) -> str | None:
        if not a.metadata.url:
            return None
        row = self._conn.execute("SELECT id FROM articles WHERE url=? AND id<>? LIMIT 1",
                                 (a.metadata.url, a.id)).fetchone()
        return str(row[0]) if row else None

    def _cluster_for(self, sig: dedup.Signature) -> str | None:
        keys = sig.band_keys()
        marks = ",".join("?" * len(keys))
        cands = self._conn.execute(
            f"SELECT DISTINCT m.seq, m.signature, a.cluster_id FROM lsh l JOIN minhash m "
            f"ON m.seq=l.seq JOIN articles a ON a.seq=l.seq WHERE l.band_key IN ({marks}) "
            f"LIMIT {MAX_CANDIDATES}", keys).fetchall()
        best, best_sim = None, dedup.THRESHOLD
        for _, blob, cluster in cands:
            sim = sig.similarity(dedup.Signature.from_bytes(blob))
            if sim >= best_sim:
                best, best_sim = str(cluster), sim
        return best

    def _insert(self, rows: ArticleRows, sig: dedup.Signature) -> int:
        c = self._conn
        head = rows.article
        cols = ",".join(head)
        cur = c.execute(f"INSERT INTO articles ({cols}) VALUES ({','.join('?' * len(head))})",
                        tuple(head.values()))
        seq = int(cur.lastrowid or 0)
        c.execute("INSERT INTO articles_fts(rowid, title, text) VALUES (?,?,?)",
                  (seq, head["title"] or "", head["text"]))
        c.executemany(f"INSERT INTO events VALUES ({','.join('?' * 27)})", rows.events)
        c.executemany(f"INSERT OR IGNORE INTO quotes VALUES ({','.join('?' * 15)})", rows.quotes)
        c.executemany(f"INSERT INTO claims VALUES ({','.join('?' * 12)})", rows.claims)
        c.executemany("INSERT OR IGNORE INTO actors VALUES (?,?,?,?,?,?,?)", rows.actors)
        c.executemany(f"INSERT OR IGNORE INTO mentions VALUES ({','.join('?' * 10)})",
                      rows.mentions)
        c.execute("INSERT INTO minhash VALUES (?,?)", (seq, sig.to_bytes()))
        c.executemany("INSERT OR IGNORE INTO lsh VALUES (?,?)",
                      [(k, seq) for k in sig.band_keys()])
        return seq

    def _touch_cluster(self, cluster_id: str) -> int:
        c = self._conn
        size, first = c.execute("SELECT count(*), min(published_day) FROM articles "
                                "WHERE cluster_id=?", (cluster_id,)).fetchone()
        outlets = [r[0] for r in c.execute("SELECT DISTINCT outlet FROM articles WHERE "
                                           "cluster_id=? AND outlet IS NOT NULL ORDER BY outlet",
                                           (cluster_id,))]
        if size == 0:
            c.execute("DELETE FROM clusters WHERE cluster_id=?", (cluster_id,))
        else:
            c.execute("INSERT OR REPLACE INTO clusters VALUES (?,?,?,?,?)",
                      (cluster_id, size, json.dumps(outlets), first, _now()))
        return int(size)

    def _remove(self, article_id: str) -> StoredArticle:
        """Delete an article and all its rows (inside the caller's transaction)."""
        c = self._conn
        seq, title, text, cluster, day, outlet, genre = c.execute(
            "SELECT seq, title, text, cluster_id, published_day, outlet, genre FROM articles "
            "WHERE id=?", (article_id,)).fetchone()
        events = tuple(StoredEvent(*r) for r in c.execute(
            "SELECT event_id, idx, source, target, category, quad_class, intensity, mode, quote, "
            "confidence FROM events WHERE article_id=? ORDER BY idx", (article_id,)))
        c.execute("INSERT INTO articles_fts(articles_fts, rowid, title, text) "
                  "VALUES ('delete', ?, ?, ?)", (seq, title or "", text))
        for table in ("events", "quotes", "claims", "actors", "mentions"):
            c.execute(f"DELETE FROM {table} WHERE article_id=?", (article_id,))
        blob = c.execute("SELECT signature FROM minhash WHERE seq=?", (seq,)).fetchone()
        if blob:
            keys = dedup.Signature.from_bytes(blob[0]).band_keys()
            c.executemany("DELETE FROM lsh WHERE band_key=? AND seq=?", [(k, seq) for k in keys])
        c.execute("DELETE FROM minhash WHERE seq=?", (seq,))
        c.execute("DELETE FROM articles WHERE seq=?", (seq,))
        self._touch_cluster(cluster)
        return StoredArticle(article_id, cluster, day, outlet, genre, events)


def _stored(rows: ArticleRows, size: int, removed: StoredArticle | None) -> StoredArticle:
    h = rows.article
    # an events row: id, article, idx, source .. quote (0, 2-9), ..., confidence (last)
    events = tuple(StoredEvent(r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[-1])
                   for r in rows.events)
    return StoredArticle(h["id"], h["cluster_id"], h["published_day"], h["outlet"], h["genre"],
                         events, size, removed)


def _article(text: str, analysis: str) -> Article:
    return article_from_json(expand(json.loads(analysis), text))


def _check_writable(p: Path) -> None:
    if p.exists() and not os.access(p, os.W_OK):
        raise errors.StoreReadOnly(f"{p}: the database file is read-only (permissions); "
                                   "fix them, or use a command that only reads")
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.exists():
        raise errors.StoreError(f"{p}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise errors.StoreReadOnly(f"{p}: cannot write in folder {folder} (SQLite needs it for "
                                   "its journal)")


def _connect(p: Path, readonly: bool, busy_timeout: float) -> sqlite3.Connection:
    try:
        if readonly:
            conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True,
                                   timeout=busy_timeout, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA query_only=1")
        else:
            conn = sqlite3.connect(p, timeout=busy_timeout, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        conn.execute("PRAGMA foreign_keys=OFF")
    except sqlite3.Error as exc:
        raise _store_error(p, "open", exc, busy_timeout) from None
    return conn


def _store_error(path: Path, doing: str, exc: sqlite3.Error,
                 busy_timeout: float) -> errors.StoreError:
    msg = str(exc)
    low = msg.lower()
    if "file is not a database" in low or "not a database" in low:
        return errors.NotAStore(f"{path}: not a flashpoint database (not SQLite at all)")
    if "malformed" in low or "corrupt" in low:
        return errors.StoreCorrupt(f"{path}: the database is damaged ({msg}) while {doing}")
    if "readonly" in low or "read-only" in low:
        return errors.StoreReadOnly(f"{path}: cannot write ({msg})")
    if "locked" in low or "busy" in low:
        return errors.StoreBusy(f"{path}: another process holds the write lock; waited "
                                f"{busy_timeout:g} s ({msg})")
    if "full" in low:
        return errors.StoreFull(f"{path}: disk or database full while {doing}; the article "
                                "was rolled back, committed ones are kept")
    if "fts5" in low:
        return errors.BadStoreQuery(f"full-text query not understood: {msg}")
    return errors.StoreError(f"{path}: {doing} failed: {msg}")


__all__ = ["CORE_TABLES", "AddResult", "Hook", "Store", "StoredArticle", "StoredEvent", "Writer"]
