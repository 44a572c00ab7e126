"""The learned argument-span chooser of the main event (events/spans.py) and its training."""

from __future__ import annotations

import pytest
from spacy.language import Language

from flashpoint.analyzers import registry
from flashpoint.analyzers.events import spans
from flashpoint.analyzers.events.actors import ActorIndex, Mention
from flashpoint.evaluation import events as ev
from flashpoint.model import Article
from flashpoint.pipeline import Pipeline, select


def cand(start: int, *features: str) -> spans.Candidate:
    return spans.Candidate(start, start + 3, ("bias", *features))


def model(threshold: float = 0.5) -> spans.SpanModel:
    return spans.SpanModel({"weights": {"target": {"bias": -1.0, "good": 3.0, "bad": -2.0}},
                            "threshold": {"target": threshold}})


def test_events_spans_choose_the_most_probable_candidate() -> None:
    chosen = model().choose("target", [cand(0, "bad"), cand(5, "good"), cand(9)])
    assert chosen is not None and chosen.start == 5


def test_events_spans_choose_nothing_under_the_threshold_or_without_a_role() -> None:
    assert model(0.9).choose("target", [cand(0, "good")]) is None  # P = 0.88
    assert model().choose("source", [cand(0, "good")]) is None  # no source weights
    assert model().choose("target", []) is None


def test_events_spans_ties_go_to_the_earlier_phrase() -> None:
    chosen = model().choose("target", [cand(7, "good"), cand(2, "good")])
    assert chosen is not None and chosen.start == 2


def test_events_spans_training_learns_which_features_mark_the_phrase() -> None:
    examples = [(i, "target", ("bias", "path=dobj" if i % 2 else "path=nsubj"), i % 2)
                for i in range(40)]
    data = ev.train_spans(examples)
    weights = data["weights"]["target"]
    assert weights["path=dobj"] > 0 > weights["path=nsubj"]
    assert "source" not in data["weights"]  # no positive source example: no source model
    learned = spans.SpanModel(data)
    chosen = learned.choose("target", [cand(0, "path=nsubj"), cand(4, "path=dobj")])
    assert chosen is not None and chosen.start == 4


def test_events_spans_examples_are_labelled_by_token_f1() -> None:
    text = "Rebels attacked the army base in Goma ."
    tokens = text.split()
    tags = ["B-S", "O", "B-T", "I-T", "I-T", "O", "O", "O"]
    data = [(tokens, tags)]
    texts, offsets = ev._bio_texts(data)
    assert texts == [text]
    whole = text.index("the army base")
    record = spans.Record(text, "target", (
        spans.Candidate(whole, whole + len("the army base"), ("bias", "a")),
        spans.Candidate(text.index("Goma"), len(text) - 2, ("bias", "b")),
        spans.Candidate(whole, whole + len("the army base in Goma"), ("bias", "c")),
    ))
    labels = [label for *_, label in ev.span_examples([record], data, offsets, {text: 0})]
    assert labels == [1, 0, 0]  # "... in Goma" has F1 0.75, 0.25 below the best


@pytest.fixture(scope="module")
def pipeline(nlp: Language) -> Pipeline:
    return Pipeline(select(registry(plugins=False), ["events"]), nlp=nlp)


@pytest.mark.model
def test_events_spans_candidates_are_whole_phrases(nlp: Language) -> None:
    text = "Chad imposed sanctions on North Korea, Iran and Syria after the talks."
    doc = nlp(text)
    sent = doc[:]
    trigger = next(t for t in doc if t.text == "imposed")
    anchor = spans.Anchor(trigger=trigger, governor=None, quad="material_conflict",
                          kind="verb", rule=None, other=None)
    index = ActorIndex([Mention(0, 4, "TCD"), Mention(26, 37, "PRK")])
    found = {text[c.start:c.end]: c for c in spans.candidates(anchor, sent, index)}
    assert "North" not in found  # inside a name
    assert "North Korea" in found and "Chad" in found
    assert "North Korea, Iran and Syria" in found  # the coordination as one phrase
    assert "actor=True" in found["North Korea"].features
    assert "prep=on" in found["North Korea"].features
    assert "side=left" in found["Chad"].features
    blocked = spans.candidates(anchor, sent, index, blocked=[(0, 4)])
    assert all(c.start >= 4 for c in blocked)


@pytest.mark.model
def test_events_spans_main_event_spans_are_exact_and_recorded(pipeline: Pipeline) -> None:
    text = "Iraqi troops launched an assault on the last ISIS bastion in the country on Monday."
    with spans.recording() as records:
        (article,) = pipeline.run([Article(text=text, source="test")])
    article.check_offsets()
    main = next(e for e in article.events if e.main)
    assert {r.role for r in records} == {"source", "target"}
    assert all(r.text == text for r in records)
    source, target = main.evidence.source, main.evidence.target
    assert source is not None and target is not None
    for span in (source, target):
        assert text[span.start:span.end] == span.text
    assert "bastion" in target.text
    assert "Iraqi troops" in source.text
    assert not target.overlaps(main.evidence.trigger)


@pytest.mark.model
def test_events_spans_without_a_model_the_rules_phrases_stay(pipeline: Pipeline) -> None:
    text = "Polish prosecutors charged two Belarusian nationals with espionage."
    with spans.use_span_model(None):
        (article,) = pipeline.run([Article(text=text, source="test")])
    main = next(e for e in article.events if e.main)
    assert main.evidence.source is not None
    assert main.evidence.source.text == "Polish prosecutors"


def test_events_spans_ranking_weights_pick_the_phrase_the_regression_gates() -> None:
    data = {"weights": {"target": {"bias": -1.0, "good": 3.0, "bad": -2.0}},
            "threshold": {"target": 0.5}, "rank": {"target": {"bad": 2.0, "good": -1.0}}}
    ranked = spans.SpanModel(data)
    chosen = ranked.choose("target", [cand(0, "good"), cand(5, "bad")])
    assert chosen is not None and chosen.start == 5  # the ranking decides which phrase
    assert ranked.choose("target", [cand(0, "bad"), cand(5)]) is None  # no phrase is sure
    assert ranked.rank_score("target", cand(0, "bad")) == pytest.approx(2.0)
    assert model().rank_score("target", cand(0)) == model().probability("target", cand(0))


def test_events_spans_ranking_learns_the_sentence_s_right_phrase() -> None:
    rows: list[tuple[int, tuple[str, ...], int]] = []
    for sentence in range(30):
        right = "path=dobj" if sentence % 3 else "path=pobj<prep"
        rows.append((sentence, ("bias", right), 1))
        rows.extend((sentence, ("bias", wrong), 0) for wrong in ("path=nsubj", "path=conj")
                    if wrong != right)
    rows.append((99, ("bias", "path=nsubj"), 0))  # a sentence with no right phrase: left out
    weights = ev.fit_ranking(rows)
    assert weights["path=dobj"] > 0 > weights["path=nsubj"]
    assert weights["path=pobj<prep"] > weights["path=conj"]
    assert "bias" not in weights  # the same in every candidate: nothing to rank by
    assert ev.fit_ranking([(0, ("bias",), 0)]) == {}


def test_events_spans_trained_model_carries_ranking_weights() -> None:
    examples = [(i // 2, role, ("bias", "path=dobj" if i % 2 else "path=nsubj"), i % 2)
                for i in range(40) for role in ("source", "target")]
    data = ev.train_spans(examples)
    assert set(data["rank"]) == {"source", "target"}
    assert data["rank"]["target"]["path=dobj"] > 0
