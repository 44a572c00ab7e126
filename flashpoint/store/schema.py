"""The store's SQLite schema and its migrations (``PRAGMA user_version``).

``MIGRATIONS[v]`` brings a database from version ``v - 1`` to ``v``; a new
database runs them all. Table and column names are a contract with upper
layers (the tension index, the web server): add columns, never rename.
Meaning of every column: ``docs/store.md``.
"""

from __future__ import annotations

import functools
import sqlite3

APPLICATION_ID = 0x464C5348
"""``PRAGMA application_id`` of a flashpoint store ("FLSH"): tells it from other SQLite files."""

_V1 = (
    """CREATE TABLE store_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE schema_extensions (
        name TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at TEXT NOT NULL)""",
    """CREATE TABLE articles (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        url TEXT,
        source TEXT NOT NULL,
        outlet TEXT,
        title TEXT,
        published TEXT,
        published_day TEXT,
        published_raw TEXT,
        language TEXT,
        genre TEXT,
        genre_score REAL,
        cluster_id TEXT NOT NULL,
        ingested_at TEXT NOT NULL,
        flashpoint_version TEXT NOT NULL,
        analyzers TEXT NOT NULL,
        failures INTEGER NOT NULL DEFAULT 0,
        text_changed_from TEXT,
        text_length INTEGER NOT NULL,
        text TEXT NOT NULL,
        analysis TEXT NOT NULL)""",
    "CREATE INDEX articles_url ON articles(url) WHERE url IS NOT NULL",
    "CREATE INDEX articles_day ON articles(published_day)",
    "CREATE INDEX articles_outlet_day ON articles(outlet, published_day)",
    "CREATE INDEX articles_cluster ON articles(cluster_id)",
    """CREATE TABLE events (
        event_id TEXT PRIMARY KEY,
        article_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        source TEXT,
        target TEXT,
        category TEXT NOT NULL,
        quad_class TEXT NOT NULL,
        intensity REAL NOT NULL,
        mode TEXT NOT NULL,
        quote TEXT,
        trigger_start INTEGER NOT NULL,
        trigger_end INTEGER NOT NULL,
        trigger_text TEXT NOT NULL,
        sentence_start INTEGER NOT NULL,
        sentence_end INTEGER NOT NULL,
        published_day TEXT,
        outlet TEXT,
        cluster_id TEXT NOT NULL,
        genre TEXT)""",
    "CREATE INDEX events_article ON events(article_id)",
    "CREATE INDEX events_day ON events(published_day)",
    "CREATE INDEX events_dyad ON events(source, target, published_day)",
    """CREATE TABLE quotes (
        article_id TEXT NOT NULL,
        quote_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        kind TEXT NOT NULL,
        content_start INTEGER NOT NULL,
        content_end INTEGER NOT NULL,
        content TEXT NOT NULL,
        speaker_name TEXT,
        speaker_actor TEXT,
        speaker_text TEXT,
        speaker_vague TEXT,
        outlet TEXT,
        outlet_cited TEXT,
        score REAL,
        published_day TEXT,
        PRIMARY KEY (article_id, quote_id)) WITHOUT ROWID""",
    "CREATE INDEX quotes_speaker ON quotes(speaker_actor)",
    """CREATE TABLE claims (
        article_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        span_start INTEGER NOT NULL,
        span_end INTEGER NOT NULL,
        text TEXT NOT NULL,
        status TEXT NOT NULL,
        source_kind TEXT NOT NULL,
        source_name TEXT,
        source_actor TEXT,
        source_quote TEXT,
        outlet TEXT,
        published_day TEXT,
        PRIMARY KEY (article_id, idx)) WITHOUT ROWID""",
    """CREATE TABLE actors (
        article_id TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        belongs_to TEXT,
        role TEXT,
        mentions INTEGER NOT NULL,
        PRIMARY KEY (article_id, actor_id)) WITHOUT ROWID""",
    "CREATE INDEX actors_actor ON actors(actor_id)",
    "CREATE INDEX actors_belongs ON actors(belongs_to) WHERE belongs_to IS NOT NULL",
    """CREATE TABLE mentions (
        article_id TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        span_start INTEGER NOT NULL,
        span_end INTEGER NOT NULL,
        text TEXT NOT NULL,
        via TEXT NOT NULL,
        head TEXT,
        kind TEXT NOT NULL,
        belongs_to TEXT,
        PRIMARY KEY (article_id, actor_id, idx)) WITHOUT ROWID""",
    """CREATE TABLE clusters (
        cluster_id TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        outlets TEXT NOT NULL,
        first_day TEXT,
        updated_at TEXT NOT NULL)""",
    """CREATE TABLE minhash (seq INTEGER PRIMARY KEY, signature BLOB NOT NULL)""",
    """CREATE TABLE lsh (
        band_key INTEGER NOT NULL, seq INTEGER NOT NULL,
        PRIMARY KEY (band_key, seq)) WITHOUT ROWID""",
    """CREATE TABLE superseded (
        article_id TEXT PRIMARY KEY,
        url TEXT,
        replaced_by TEXT NOT NULL,
        replaced_at TEXT NOT NULL)""",
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2')""",
)

_V2 = (
    # The events analyzer marks each sentence's main event and keeps the argument spans as
    # written (issue 20): NULL spans where the event has none, main 0 in rows of version 1.
    "ALTER TABLE events ADD COLUMN main INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE events ADD COLUMN source_start INTEGER",
    "ALTER TABLE events ADD COLUMN source_end INTEGER",
    "ALTER TABLE events ADD COLUMN source_text TEXT",
    "ALTER TABLE events ADD COLUMN target_start INTEGER",
    "ALTER TABLE events ADD COLUMN target_end INTEGER",
    "ALTER TABLE events ADD COLUMN target_text TEXT",
)

_V3 = (
    # Model-backed events (issue 20) carry the sentence model's probability; lexicon events 1.0,
    # and so do rows stored before version 3.
    "ALTER TABLE events ADD COLUMN confidence REAL NOT NULL DEFAULT 1.0",
)

MIGRATIONS: dict[int, tuple[str, ...]] = {1: _V1, 2: _V2, 3: _V3}
SCHEMA_VERSION = max(MIGRATIONS)

CORE_TABLES = frozenset({
    "store_info", "schema_extensions", "articles", "events", "quotes", "claims", "actors",
    "mentions", "clusters", "minhash", "lsh", "superseded", "articles_fts",
})


@functools.lru_cache(maxsize=1)
def table_columns() -> dict[str, tuple[tuple[str, str], ...]]:
    """``(name, declared SQL type)`` of every table's columns at :data:`SCHEMA_VERSION`.

    Read from an in-memory database built by the migrations, so that other parts
    (the batch engine's flat Parquet tables) follow the store without parsing its DDL.
    """
    conn = sqlite3.connect(":memory:")
    try:
        for version in sorted(MIGRATIONS):
            for sql in MIGRATIONS[version]:
                conn.execute(sql)
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {name: tuple((r[1], r[2]) for r in conn.execute(f"PRAGMA table_info({name})"))
                for name in names}
    finally:
        conn.close()
