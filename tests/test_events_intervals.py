"""The events analyzer finds each trigger's claim and quote through an index, not a scan
(issue 22: linear in article length), with exactly the scan's results."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import pytest
from spacy.language import Language

import flashpoint.analyzers.events as events_analyzer
from flashpoint.analyzers import registry
from flashpoint.analyzers.events import intervals
from flashpoint.model import Article
from flashpoint.pipeline import Pipeline, select

T = TypeVar("T")


class Scan(Generic[T]):
    """The scan the index replaced: every item checked for every offset."""

    def __init__(self, items: Sequence[T], extent: Callable[[T], tuple[int, int]]):
        self.items = list(items)
        self.extent = extent

    def containing(self, offset: int) -> list[T]:
        return [i for i in self.items if self.extent(i)[0] <= offset < self.extent(i)[1]]


def test_events_intervals_match_the_scan_on_random_nested_ranges() -> None:
    rng = random.Random(22)
    for trial in range(60):
        ranges = []
        for _ in range(rng.randint(0, 40)):
            lo = rng.randint(0, 300)
            ranges.append((lo, lo + rng.randint(0, 120)))  # empty ranges included
        if trial % 3 == 0:
            ranges.append((0, 400))  # one range over the whole text
        index = intervals.Stabbing(ranges, lambda r: r)
        scan = Scan(ranges, lambda r: r)
        for offset in range(-2, 430):
            assert index.containing(offset) == scan.containing(offset)


def test_events_intervals_subsampled_cells_stay_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intervals, "CELLS", 3)
    ranges = [(k, k + 7) for k in range(0, 60, 4)] + [(10, 11), (30, 90)]
    index = intervals.Stabbing(ranges, lambda r: r)
    for offset in range(0, 100):
        assert index.containing(offset) == Scan(ranges, lambda r: r).containing(offset)


PARAGRAPH = (
    "Estonia accused Russia on Monday of jamming flights over the Baltic, officials in "
    "Tallinn said. \"We will not accept these attacks,\" the foreign minister told "
    "reporters. Finland could expel Russian diplomats if the jamming continues, a senior "
    "diplomat said. Lithuania claimed that Russia had moved troops closer to Vilnius, a "
    "charge Moscow denied. NATO urged Russia to stop the drills. Poland signed a transit "
    "agreement with Lithuania. \"Poland will never attack Russia,\" the prime minister said. "
    "Did Russia really shoot down the drone?"
)


@pytest.mark.model
def test_events_index_gives_the_scan_s_events_on_a_long_text(
        nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline = Pipeline(select(registry(plugins=False), ["events"]), nlp=nlp)
    text = "\n\n".join([PARAGRAPH] * 12)
    (indexed,) = pipeline.run([Article(text=text, source="test")])
    monkeypatch.setattr(events_analyzer, "Stabbing", Scan)
    (scanned,) = pipeline.run([Article(text=text, source="test")])
    assert not indexed.failures and indexed.claims and indexed.quotes
    assert len(indexed.events) >= 12
    assert {e.quote for e in indexed.events} - {None}  # some events sit in quotes
    assert {e.mode for e in indexed.events} > {"actual"}  # and claims change some modes
    assert indexed.events == scanned.events
