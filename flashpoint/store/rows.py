"""An analysed :class:`~flashpoint.model.Article` as the rows of the store's tables.

Pure functions, no database: :func:`article_rows` returns every row one
article adds, so that :mod:`flashpoint.store.db` inserts them in one
transaction. ``published`` is normalised here (:func:`normalize_published`).
"""

from __future__ import annotations

import json
import typing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from ..model import Article, Span, article_to_json

Row = tuple[Any, ...]
MIN_YEAR = 1900
FUTURE_SLACK = timedelta(days=2)
"""A date later than now plus this is not usable (a typo or a placeholder): undated."""


def normalize_published(raw: str | None,
                        now: datetime | None = None) -> tuple[str | None, str | None]:
    """``(published, published_day)`` in UTC, or ``(None, None)`` when there is no usable date.

    A date-time with an offset is converted to UTC (``2024-03-01T23:30:00-05:00`` is
    ``2024-03-02T04:30:00Z``, day ``2024-03-02``); one without an offset is taken as UTC;
    a bare date stays a date. RFC 2822 dates (feeds) are accepted too. Dates before
    1900 or more than two days in the future are not usable.
    """
    if not raw or not raw.strip():
        return None, None
    value = raw.strip()
    stamp = _parse(value)
    if stamp is None:
        return None, None
    now = now or datetime.now(UTC)
    if isinstance(stamp, datetime):
        stamp = stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)
        if stamp.year < MIN_YEAR or stamp > now + FUTURE_SLACK:
            return None, None
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), stamp.date().isoformat()
    ok = stamp.year >= MIN_YEAR and stamp <= (now + FUTURE_SLACK).date()
    return (stamp.isoformat(), stamp.isoformat()) if ok else (None, None)


def _parse(value: str) -> datetime | date | None:
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def compact(record: dict[str, Any], text: str) -> dict[str, Any]:
    """The record as stored: without ``text``, and without each span's ``text`` when it is
    ``text[start:end]`` (the bulk of a record; :func:`expand` puts them back)."""
    out = {k: _strip(v, text) for k, v in record.items() if k != "text"}
    return out


def _strip(value: Any, text: str) -> Any:
    if isinstance(value, list):
        return [_strip(v, text) for v in value]
    if isinstance(value, dict):
        if _is_span(value) and text[value["start"]:value["end"]] == value.get("text"):
            return {k: _strip(v, text) for k, v in value.items() if k != "text"}
        return {k: _strip(v, text) for k, v in value.items()}
    return value


def _is_span(value: dict[str, Any]) -> bool:
    return isinstance(value.get("start"), int) and isinstance(value.get("end"), int)


def expand(record: dict[str, Any], text: str) -> dict[str, Any]:
    """The full ``flashpoint.article/1`` record from a :func:`compact` one and its text."""
    out = _fill(record, text)
    out["text"] = text
    return typing.cast(dict[str, Any], out)


def _fill(value: Any, text: str) -> Any:
    if isinstance(value, list):
        return [_fill(v, text) for v in value]
    if isinstance(value, dict):
        out = {k: _fill(v, text) for k, v in value.items()}
        if _is_span(value) and "text" not in value:
            out["text"] = text[value["start"]:value["end"]]
        return out
    return value


@dataclass(slots=True)
class ArticleRows:
    """Everything one article adds to the store, table by table (``articles`` is one row)."""

    article: dict[str, Any]
    events: list[Row] = field(default_factory=list)
    quotes: list[Row] = field(default_factory=list)
    claims: list[Row] = field(default_factory=list)
    actors: list[Row] = field(default_factory=list)
    mentions: list[Row] = field(default_factory=list)


def article_rows(a: Article, *, source: str, cluster_id: str, ingested_at: str,
                 version: str, text_changed_from: str | None,
                 analysis: bool = True) -> ArticleRows:
    """The rows of article ``a`` (``cluster_id`` decided by the caller).

    ``analysis=False`` leaves out the ``articles`` row's ``analysis`` column (the compact
    record, the costliest part to build) for a caller that writes the record elsewhere.
    """
    m = a.metadata
    published, day = normalize_published(m.published)
    head: dict[str, Any] = {
        "id": a.id, "url": m.url, "source": source, "outlet": m.outlet, "title": m.title,
        "published": published, "published_day": day, "published_raw": m.published,
        "language": m.language, "genre": a.genre.label if a.genre else None,
        "genre_score": a.genre.score if a.genre else None, "cluster_id": cluster_id,
        "ingested_at": ingested_at, "flashpoint_version": version,
        "analyzers": json.dumps(list(a.analyzers)), "failures": len(a.failures),
        "text_changed_from": text_changed_from, "text_length": len(a.text), "text": a.text,
    }
    if analysis:
        head["analysis"] = json.dumps(compact(article_to_json(a), a.text), ensure_ascii=False,
                                      allow_nan=False, separators=(",", ":"))
    rows = ArticleRows(head)
    genre = head["genre"]
    for i, e in enumerate(a.events):
        t, s = e.evidence.trigger, e.evidence.sentence
        rows.events.append((f"{a.id}:{i}", a.id, i, e.source, e.target, e.category, e.quad_class,
                            e.intensity, e.mode, e.quote, t.start, t.end, t.text, s.start, s.end,
                            day, m.outlet, cluster_id, genre, int(e.main),
                            *_span_columns(e.evidence.source), *_span_columns(e.evidence.target),
                            e.confidence))
    for i, q in enumerate(a.quotes):
        sp = q.speaker
        rows.quotes.append((a.id, q.id, i, q.kind, q.content.start, q.content.end, q.content.text,
                            sp.name, sp.actor, sp.text.text if sp.text else None, sp.vague,
                            m.outlet, q.outlet.text if q.outlet else None, q.score, day))
    for i, c in enumerate(a.claims):
        src = c.source
        rows.claims.append((a.id, i, c.span.start, c.span.end, c.span.text, json.dumps(c.status),
                            src.kind, src.name, src.actor, src.quote, m.outlet, day))
    for actor in a.actors:
        rows.actors.append((a.id, actor.id, actor.name, actor.kind, actor.belongs_to, actor.role,
                            len(actor.mentions)))
        for i, mention in enumerate(actor.mentions):
            rows.mentions.append((a.id, actor.id, i, mention.start, mention.end, mention.text,
                                  mention.via, mention.head, actor.kind, actor.belongs_to))
    return rows


def _span_columns(span: Span | None) -> tuple[int | None, int | None, str | None]:
    """``(start, end, text)`` of an optional span, for three nullable columns."""
    return (span.start, span.end, span.text) if span else (None, None, None)
