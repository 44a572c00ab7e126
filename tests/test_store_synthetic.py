"""The synthetic corpus generator (scripts/make_synthetic_corpus.py): valid, deterministic,
escalations planted where asked, and loadable into a store."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from flashpoint.store import Store, stats
from scripts.make_synthetic_corpus import Escalation, generate, load


def test_store_synthetic_articles_are_valid_and_deterministic() -> None:
    a = list(generate(200, seed=5))
    assert len(a) == 200 and a == list(generate(200, seed=5))
    assert a != list(generate(200, seed=6))
    for article in a:
        article.check_offsets()
        assert article.events and article.actors and article.metadata.outlet
        for e in article.events:
            assert e.evidence.trigger.text in article.text
    assert any(x.metadata.published is None for x in a)
    people = [act for x in a for act in x.actors if act.kind == "person"]
    assert people and all(p.belongs_to and len(p.belongs_to) == 3 for p in people)
    years = {x.metadata.published[:4] for x in a if x.metadata.published}
    assert len(years) == 5


def test_store_synthetic_escalation_is_planted_in_its_window() -> None:
    plant = Escalation("RUS", "AZE", "2024-10-01", "2024-10-10", per_day=8)
    arts = list(generate(3000, seed=2, escalations=[plant]))
    assert len(arts) == 3000

    def conflict(x: object) -> int:
        return sum(1 for e in x.events  # type: ignore[attr-defined]
                   if {e.source, e.target} == {"RUS", "AZE"} and "conflict" in e.quad_class)

    inside = Counter(x.metadata.published[:10] for x in arts if conflict(x)
                     and x.metadata.published and "2024-10-01" <= x.metadata.published[:10]
                     <= "2024-10-10")
    outside = sum(conflict(x) for x in arts if x.metadata.published
                  and not "2024-10-01" <= x.metadata.published[:10] <= "2024-10-10")
    assert sum(inside.values()) >= 50 and outside < sum(inside.values()) / 5


def test_store_synthetic_load_fills_a_store_with_clusters(tmp_path: Path) -> None:
    result = load(tmp_path / "s.db", 400, seed=3, batch=100)
    with Store.open(tmp_path / "s.db", readonly=True) as s:
        st = stats(s)
    assert st["articles"] == result.get("new", 0) + result.get("near_duplicates", 0)
    assert st["near_duplicates"] >= 20 and st["outlets"] > 10 and st["undated"] > 0
