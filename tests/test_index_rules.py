"""The tension index's counting rules, as pure functions (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from flashpoint.errors import IndexQueryError
from flashpoint.index import alerts as al
from flashpoint.index.periods import period_end, period_start, periods
from flashpoint.index.rules import channel_of, reports_of, root_of, sum_channels, weight_of
from tests.index_helpers import article, ev

# --- roll-up --------------------------------------------------------------------------------

def test_sub_actors_roll_up_to_their_state() -> None:
    a = article("Kremlin struck Azerbaijan. Putin threatened Baku. Rosatom seized a plant.", [
        ev("RUS/government", "AZE"), ev("person:vladimir-putin", "AZE", "THREATEN"),
        ev("co:rosatom", "person:ilham-aliyev", "COERCE")])
    reports = reports_of(a)
    assert {(r.root_source, r.root_target) for r in reports} == {("RUS", "AZE")}
    assert [r.source for r in reports] == ["RUS/government", "person:vladimir-putin",
                                           "co:rosatom"]


def test_root_of_follows_chains_and_state_prefixes() -> None:
    parents = {"person:x": "org:y", "org:y": "FRA", "FRA": None}
    assert root_of("person:x", parents) == "FRA"
    assert root_of("DEU/military", {}) == "DEU"
    assert root_of("igo:nato", {}) == "igo:nato"
    assert root_of("a", {"a": "b", "b": "a"}) in {"a", "b"}  # a cycle ends, never loops


def test_an_event_inside_one_state_is_no_dyad() -> None:
    a = article("Kremlin criticised Putin.", [ev("RUS/government", "person:vladimir-putin",
                                                    "DISAPPROVE")])
    assert reports_of(a) == []


def test_an_event_without_a_second_party_is_no_dyad() -> None:
    assert reports_of(article("Russia struck.", [ev("RUS", None)])) == []


# --- channels -------------------------------------------------------------------------------

@pytest.mark.parametrize(("quad", "mode", "expected"), [
    ("material_conflict", "actual", "action"),
    ("material_conflict", "alleged", "action"),
    ("verbal_conflict", "actual", "rhetoric"),
    ("material_conflict", "hypothetical", "speculation"),
    ("verbal_conflict", "future", "speculation"),
    ("material_conflict", "question", "speculation"),
    ("material_cooperation", "actual", "cooperation"),
    ("verbal_cooperation", "alleged", "cooperation"),
    ("material_conflict", "negated", None),
    ("verbal_cooperation", "negated", None),
    ("material_cooperation", "future", None),
])
def test_channels(quad: str, mode: str, expected: str | None) -> None:
    assert channel_of(quad, mode, commentary=False, attributed=False) == expected


def test_channels_are_weighted_by_intensity_and_alleged_counts_less() -> None:
    a = article("Russia struck Azerbaijan, reportedly twice.", [
        ev("RUS", "AZE"), ev("RUS", "AZE", mode="alleged"), ev("RUS", "AZE", mode="negated"),
        ev("RUS", "AZE", "COOPERATE"), ev("RUS", "AZE", "THREATEN", mode="hypothetical")])
    totals = sum_channels(reports_of(a))
    assert totals == {"action": 9.5 + 4.75, "rhetoric": 0.0, "speculation": 6.0,
                      "cooperation": 6.0}
    assert weight_of(-9.5, "alleged") == 4.75


def test_a_model_backed_event_weighs_its_confidence() -> None:
    a = article("Russia shelled Azerbaijan.", [ev("RUS", "AZE", confidence=0.75)])
    assert [r.weight for r in reports_of(a)] == [round(9.5 * 0.75, 6)]


# --- genre and voice ------------------------------------------------------------------------

def test_author_voice_in_opinion_is_commentary_never_action() -> None:
    events = [ev("RUS", "AZE"), ev("RUS", "AZE", "THREATEN"), ev("RUS", "AZE", "COOPERATE")]
    for genre in ("opinion", "satire"):
        reports = reports_of(article("Russia attacks Azerbaijan, says our columnist.", events,
                                     genre=genre))
        assert [r.channel for r in reports] == ["speculation", "speculation"]
    reporting = reports_of(article("Russia attacks Azerbaijan, witnesses say.", events))
    assert [r.channel for r in reporting] == ["action", "rhetoric", "cooperation"]


def test_attributed_event_is_the_speakers_rhetoric_whatever_the_genre() -> None:
    for genre in ("opinion", "reporting"):
        a = article("Azerbaijan shelled us, Putin said.", [ev("AZE", "RUS", quote="q1")],
                    genre=genre, quotes=[("q1", "Vladimir Putin", "person:vladimir-putin")])
        (r,) = reports_of(a)
        assert r.channel == "rhetoric"
        assert (r.root_source, r.root_target) == ("RUS", "AZE")  # the speaker accuses AZE
        assert r.speaker == "person:vladimir-putin"


def test_a_third_partys_claim_keeps_the_events_own_pair() -> None:
    """Erdogan saying Russia struck Azerbaijan is rhetoric about RUS-AZE, not TUR-AZE."""
    a = article("Russia struck Azerbaijan, Erdogan said.", [ev("RUS", "AZE", quote="q1"),
                                                           ev(None, "AZE", quote="q1")],
                quotes=[("q1", "Recep Tayyip Erdogan", "TUR")])
    (r,) = reports_of(a)
    assert (r.channel, r.root_source, r.root_target, r.speaker) == ("rhetoric", "RUS", "AZE",
                                                                   "TUR")


def test_unnamed_voice_in_opinion_stays_commentary() -> None:
    a = article("Russia will pay, someone said.", [ev("RUS", "AZE", quote="q1")],
                genre="opinion", quotes=[("q1", None, None)])
    (r,) = reports_of(a)
    assert r.channel == "speculation"


def test_attributed_speculation_stays_speculation() -> None:
    a = article("Russia could strike Baku, an analyst said.",
                [ev("RUS", "AZE", mode="hypothetical", quote="q1")],
                quotes=[("q1", "Ivan Petrov", None)])
    (r,) = reports_of(a)
    assert r.channel == "speculation"


# --- periods and alerts (pure) --------------------------------------------------------------

def test_weeks_start_on_monday_and_months_on_the_first() -> None:
    sunday = dt.date(2024, 1, 7)
    assert period_start(sunday, "week") == dt.date(2024, 1, 1)
    assert period_end(dt.date(2024, 1, 1), "week") == sunday
    assert period_start(sunday, "month") == dt.date(2024, 1, 1)
    assert period_end(dt.date(2024, 2, 1), "month") == dt.date(2024, 2, 29)
    assert len(periods(dt.date(2024, 1, 3), dt.date(2024, 3, 1), "week")) == 9
    with pytest.raises(IndexQueryError, match="20,000 periods"):
        periods(dt.date(783, 5, 13), dt.date(2024, 3, 1), "day")
    assert len(periods(dt.date(1970, 1, 1), dt.date(2024, 3, 1), "day")) == 19784


def test_no_look_ahead_a_verdict_never_changes_when_the_future_arrives() -> None:
    calm = [al.Point(float(3 + (i % 3)), 100.0, 3) for i in range(20)]
    spike = [*calm[:15], al.Point(40.0, 100.0, 8), *calm[15:]]
    before = al.judge(spike[:16])
    after = al.judge([*spike, al.Point(500.0, 100.0, 50), al.Point(0.0, 100.0, 0)])
    assert after[:16] == before
    assert before[15].alert and before[15].kind == "bound"
    assert not any(v.alert for v in before[:15])
    assert all(v.baseline is None for v in before[:al.MIN_HISTORY])


def test_alert_needs_the_minimum_volume() -> None:
    calm = [al.Point(1.0, 100.0, 1) for _ in range(12)]
    assert not al.judge([*calm, al.Point(30.0, 100.0, al.MIN_STORIES - 1)])[-1].alert
    assert al.judge([*calm, al.Point(30.0, 100.0, al.MIN_STORIES)])[-1].alert


def test_baseline_scales_with_exposure() -> None:
    """Twice the coverage with twice the conflict is no alert: the model has an offset."""
    calm = [al.Point(10.0 + (i % 2), 100.0, 4) for i in range(12)]
    doubled = al.judge([*calm, al.Point(21.0, 200.0, 8)])[-1]
    assert not doubled.alert
    assert doubled.baseline == pytest.approx(21.0, rel=0.05)


def test_cusum_catches_a_slow_drift() -> None:
    calm = [al.Point(10.0 + (i % 3) - 1, 100.0, 5) for i in range(10)]
    drift = [al.Point(10.0 + 2.5 * k, 100.0, 5) for k in range(1, 8)]
    verdicts = al.judge([*calm, *drift])
    assert any(v.kind == "cusum" for v in verdicts) or any(v.alert for v in verdicts[10:])


def test_quasi_poisson_fit_is_the_glm_closed_form() -> None:
    pts = [al.Point(y, e, int(y)) for y, e in ((2.0, 10.0), (8.0, 20.0), (3.0, 10.0),
                                                (9.0, 20.0))]
    rate, phi = al.fit(pts)
    assert rate == pytest.approx(22.0 / 60.0)
    mus = [rate * p.exposure for p in pts]
    chi2 = sum((p.value - m) ** 2 / m for p, m in zip(pts, mus, strict=True))
    assert phi == pytest.approx(max(1.0, chi2 / 3))


def test_dispersion_is_never_below_the_mean_cluster_weight() -> None:
    """A sum of weights ~9.5 per event is over-dispersed even when the window looks calm."""
    flat = [al.Point(19.0, 100.0, 2) for _ in range(10)]
    rate, phi = al.fit(flat)
    assert rate == pytest.approx(0.19) and phi == pytest.approx(9.5)
    assert al.weight_floor([al.Point(0.0, 10.0, 0)]) == al.DEFAULT_WEIGHT


def test_upper_bound_is_the_scaled_poisson_quantile() -> None:
    assert al.upper_bound(2.0, 1.0) == 8  # P(Poisson(2) <= 7) < 0.999 <= P(... <= 8)
    assert al.upper_bound(10.0, 5.0) == 5 * 8
    assert al.upper_bound(0.0, 5.0) == 5 * 3  # a silent baseline still needs a real jump
    big = al.upper_bound(5000.0, 2.0)
    assert big == pytest.approx(5000 + al.Z * (2 * 5000) ** 0.5)


def test_dispersion_floor_is_the_compound_poisson_one_with_story_weights() -> None:
    """Stories of weight 2 and 18: E[W^2]/E[W] = (4 + 324) / 20 = 16.4, not the mean 10."""
    window = [al.Point(20.0, 100.0, 2, w1=20.0, w2=328.0) for _ in range(10)]
    assert al.weight_floor(window) == pytest.approx(16.4)
    assert al.fit(window)[1] == pytest.approx(16.4)
