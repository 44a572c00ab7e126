"""The corpus store: analysed articles in one SQLite database, deduplicated and searchable.

Importing this package loads no NLP model: the analysis is handed to
:func:`flashpoint.store.ingest.ingest` by :func:`flashpoint.runner.ingest_paths`. The
contract with upper layers (table names, :class:`Store` methods, hooks) is documented in
``docs/store.md``::

    from flashpoint.store import Store

    with Store.open("flashpoint.db") as store:
        result = store.add(article)           # atomic, idempotent
        rows = store.query("SELECT count(*) AS n FROM events WHERE mode = ?", ("actual",))
"""

from __future__ import annotations

from .db import AddResult, Hook, Store, StoredArticle, StoredEvent, Writer
from .rows import normalize_published
from .schema import SCHEMA_VERSION
from .search import Filters, format_stats, matching_ids, search, stats

__all__ = [
    "SCHEMA_VERSION", "AddResult", "Filters", "Hook", "Store", "StoredArticle", "StoredEvent",
    "Writer", "format_stats", "matching_ids", "normalize_published", "search", "stats",
]
