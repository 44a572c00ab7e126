"""Where actors are mentioned, for the events analyzer: character ranges to actor ids.

When the ``actors`` analyzer ran, its mentions are used as they are; capitals and
country names it read as places (``visited Kyiv``, ``Kyiv was hit``) still
name the target of an event, through the gazetteer lookup below. When it
did not (an events-only pipeline, or an actors failure), a small fallback
recognises states and intergovernmental organisations by name, alias,
capital and demonym from the shared gazetteer in
``flashpoint/data/gazetteer/`` (the same ids as ``actors``: ISO 3166-1
alpha-3 for states, ``igo:...`` for organisations), so events still get
sources and targets. Ambiguous gazetteer entries (marked ``?``) are skipped.
"""

from __future__ import annotations

import bisect
import csv
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources

from spacy.tokens import Doc

from ...model import Article

MAX_NAME_TOKENS = 6


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    actor: str


class ActorIndex:
    """Actor mentions sorted by position, with range queries."""

    def __init__(self, mentions: Iterable[Mention], belongs_to: dict[str, str] | None = None,
                 places: ActorIndex | None = None):
        self.mentions = sorted(mentions, key=lambda m: (m.start, m.end))
        self.places = places
        """Gazetteer names the actors analyzer read as places (``visited Kyiv``): targets only."""
        self.belongs_to = dict(belongs_to or {})
        self._starts = [m.start for m in self.mentions]
        self._longest = max((m.end - m.start for m in self.mentions), default=0)

    def within(self, start: int, end: int) -> list[Mention]:
        """Mentions that overlap ``[start, end)``, in text order."""
        lo = bisect.bisect_left(self._starts, start - self._longest)
        hi = bisect.bisect_left(self._starts, end)
        return [m for m in self.mentions[lo:hi] if m.start < end and start < m.end]

    def actors_within(self, ranges: Iterable[tuple[int, int]]) -> list[str]:
        """Distinct actor ids mentioned in any of ``ranges``, in text order."""
        found: list[tuple[int, str]] = []
        for start, end in ranges:
            found.extend((m.start, m.actor) for m in self.within(start, end))
        seen: list[str] = []
        for _, actor in sorted(found):
            if actor not in seen:
                seen.append(actor)
        return seen

    def __len__(self) -> int:
        return len(self.mentions)


def from_article(article: Article, doc: Doc) -> ActorIndex:
    """The article's own actor mentions, or the gazetteer fallback when ``actors`` did not run."""
    ran = any(name.startswith("actors.") for name in article.analyzers)
    if ran or article.actors:
        mentions = [Mention(m.start, m.end, a.id) for a in article.actors for m in a.mentions
                    if a.kind != "region" or a.belongs_to]  # seas and macro-regions are places
        owners = {a.id: a.belongs_to for a in article.actors if a.belongs_to}
        return ActorIndex(mentions, owners, places=ActorIndex(fallback_mentions(doc)))
    return ActorIndex(fallback_mentions(doc))


def fallback_mentions(doc: Doc) -> Iterator[Mention]:
    """Longest-match gazetteer lookup over the tokens of ``doc``."""
    names = _names()
    text = doc.text
    i, n = 0, len(doc)
    while i < n:
        if not doc[i].text[:1].isupper():
            i += 1
            continue
        for width in range(min(MAX_NAME_TOKENS, n - i), 0, -1):
            start, end = doc[i].idx, doc[i + width - 1].idx + len(doc[i + width - 1].text)
            actor = names.get(text[start:end])
            if actor is not None:
                yield Mention(start, end, actor)
                i += width
                break
        else:
            i += 1


def _rows(name: str) -> Iterator[dict[str, str]]:
    path = resources.files("flashpoint").joinpath(f"data/gazetteer/{name}")
    try:
        text = path.read_text("utf-8")
    except (FileNotFoundError, OSError):
        return
    lines = (line for line in text.splitlines() if line and not line.startswith("#"))
    yield from csv.DictReader(lines)


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split("|") if v and not v.endswith("?")]


@functools.lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for row in _rows("states.csv"):
        for field in ("aliases", "capitals", "demonyms"):
            for alias in _split(row.get(field)):
                names.setdefault(alias, row["id"])
        names[row["name"]] = row["id"]
    for row in _rows("organizations.csv"):
        if row.get("kind") != "igo":
            continue
        for alias in [row["name"], *_split(row.get("aliases"))]:
            names.setdefault(alias, row["id"])
    for row in _rows("seats.csv"):
        actor = row.get("actor", "")
        if actor and not row["alias"].endswith("?") and ":" not in actor:
            names.setdefault(row["alias"], actor)
    return names
