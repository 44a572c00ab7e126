"""The tension index: where tension is rising between which actors, traced to its sentences.

Library first (the ``dyad``, ``dyads``, ``evidence``, ``alerts`` and ``reindex``
commands are thin wrappers)::

    from flashpoint import index
    from flashpoint.store import Store

    index.register(Store)                      # the index tables, created at open
    with Store.open("flashpoint.db") as store:
        store.add(article, hooks=[index.hook])  # aggregates updated in the same transaction
        series = index.dyad(store, "RUS", "AZE", by="week")

Importing this package loads no NLP model (spacy, sklearn, torch, onnxruntime).
Rules and their reasons: ``docs/index.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .hook import hook, register, reindex
from .queries import all_alerts, dyad, evidence, top_dyads
from .rules import CHANNELS, ArticleFacts, Report, channel_of, reports_of, root_of, weight_of
from .tables import index_article

__all__ = [
    "CHANNELS", "ArticleFacts", "Report", "all_alerts", "channel_of", "dyad", "evidence", "hook",
    "index_article", "open_store", "register", "reindex", "reports_of", "root_of", "top_dyads",
    "weight_of",
]


def open_store(path: str | Path, *, readonly: bool = False) -> Any:
    """Open a store with the index tables registered (created when writable and missing)."""
    from ..errors import IndexNotBuilt
    from ..store import Store

    register(Store)
    store = Store.open(path, readonly=readonly)
    if readonly and not _built(store):
        store.close()
        raise IndexNotBuilt(f"{path}: the tension index is missing or from an older version; "
                            f"run `flashpoint reindex --db {path}`")
    return store


def _built(store: Any) -> bool:
    """Whether the index tables exist and hold the dated articles (none missing at all)."""
    if not store.query("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                       "AND name = 'ix_corpus_day'"):
        return False
    if store.query("SELECT 1 FROM ix_article LIMIT 1"):
        return True
    return not store.query("SELECT 1 FROM articles WHERE published_day IS NOT NULL LIMIT 1")
