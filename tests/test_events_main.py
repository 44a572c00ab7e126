"""The main event of a sentence, argument spans as written, and the pipeline-level scores."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from flashpoint.analyzers import registry
from flashpoint.evaluation import events as ev
from flashpoint.model import Article, Event, Evidence, Span, article_from_json, article_to_json
from flashpoint.pipeline import Pipeline, select
from flashpoint.schema import validate


@pytest.fixture(scope="module")
def pipeline(nlp: Language) -> Pipeline:
    return Pipeline(select(registry(plugins=False), ["events"]), nlp=nlp)


def run(pipeline: Pipeline, text: str) -> Article:
    (article,) = pipeline.run([Article(text=text, source="test")])
    article.check_offsets()
    assert not article.failures
    return article


def main_of(article: Article) -> Event:
    marked = [e for e in article.events if e.main]
    assert len(marked) == 1, article.events
    return marked[0]


@pytest.mark.model
@pytest.mark.parametrize(("text", "trigger", "category"), [
    # the accusation is reported, the crimes are embedded in it
    ("Peru accused Bolivia of war crimes against civilians.", "accused", "DISAPPROVE"),
    # the condemnation is reported, not the strikes it is about
    ("Tunisia condemned the Israeli strikes on Gaza.", "condemned", "DISAPPROVE"),
    # a light verb with its noun stands where the verb stands
    ("Iraqi troops launched an assault on the ISIS bastion after Kurdish fighters protested.",
     "assault", "ASSAULT"),
])
def test_events_main_event_is_the_main_clause(pipeline: Pipeline, text: str, trigger: str,
                                              category: str) -> None:
    main = main_of(run(pipeline, text))
    assert trigger in main.evidence.trigger.text
    assert main.category == category


@pytest.mark.model
def test_events_at_most_one_main_event_per_sentence(pipeline: Pipeline) -> None:
    article = run(pipeline, "Chad and Niger condemned the attack on Mali. Peru expelled the "
                            "Bolivian ambassador and accused Bolivia of espionage.")
    per_sentence: dict[int, int] = {}
    for e in article.events:
        per_sentence[e.evidence.sentence.start] = per_sentence.get(
            e.evidence.sentence.start, 0) + e.main
    assert sorted(per_sentence.values()) == [1, 1]


@pytest.mark.model
def test_events_argument_spans_as_written(pipeline: Pipeline) -> None:
    article = run(pipeline, "Tunisia and Libya condemned the Croatian government's decision.")
    libya = [e for e in article.events if e.source == "LBY"]
    assert libya
    evidence = libya[0].evidence
    assert evidence.source is not None and evidence.source.text == "Libya"
    assert evidence.target is not None
    assert evidence.target.text == "the Croatian government's decision"


@pytest.mark.model
def test_events_unnamed_argument_keeps_its_phrase(pipeline: Pipeline) -> None:
    article = run(pipeline, "A car bomb killed three Syrian soldiers in Damascus.")
    (event,) = [e for e in article.events if e.category == "ASSAULT"]
    assert event.source is None
    assert event.evidence.source is not None and event.evidence.source.text == "A car bomb"
    assert event.evidence.target is not None
    assert event.evidence.target.text == "three Syrian soldiers"


@pytest.mark.model
@pytest.mark.parametrize("text", [
    "If Russia attacks Georgia, NATO will respond.",
    "Did Russia attack Georgia last night?",
    "Russia did not attack Georgia.",
    "Russia could invade Georgia next year.",
])
def test_events_no_actual_assault_outside_a_factual_clause(pipeline: Pipeline,
                                                            text: str) -> None:
    article = run(pipeline, text)
    assert not [e for e in article.events if e.category == "ASSAULT" and e.mode == "actual"]


def test_events_main_and_spans_survive_json() -> None:
    text = "Peru expelled the Bolivian ambassador."
    event = Event(
        source="PER", target="BOL", category="SANCTION", quad_class="verbal_conflict",
        intensity=-4.0, mode="actual", main=True,
        evidence=Evidence(trigger=Span.of(text, 5, 13), sentence=Span.of(text, 0, len(text)),
                          source=Span.of(text, 0, 4), target=Span.of(text, 14, 37)),
    )
    article = Article(text=text, source="test", events=(event,))
    data = article_to_json(article)
    validate(data)
    assert article_from_json(data).events == (event,)


def test_events_old_records_default_to_no_main_and_no_spans() -> None:
    text = "Peru expelled the Bolivian ambassador."
    event = Event(source="PER", target="BOL", category="SANCTION",
                  quad_class="verbal_conflict", intensity=-4.0, mode="actual",
                  evidence=Evidence(trigger=Span.of(text, 5, 13),
                                    sentence=Span.of(text, 0, len(text))))
    data = article_to_json(Article(text=text, source="test", events=(event,)))
    record = data["events"][0]  # type: ignore[index]
    del record["main"], record["evidence"]["source"], record["evidence"]["target"]
    (back,) = article_from_json(data).events
    assert back.main is False and back.evidence.source is None


def test_events_read_bio_and_confusion(tmp_path: Path) -> None:
    path = tmp_path / "actors_train.txt"
    path.write_text("Peru B-S\nexpelled O\ndiplomats B-T\n. O\n\nThey B-R\nmet O\n", "utf-8")
    assert ev.read_bio(path) == [(["Peru", "expelled", "diplomats", "."], ["B-S", "O", "B-T", "O"]),
                                 (["They", "met"], ["B-R", "O"])]
    assert ev.confusion([0, 4, 4], [0, 4, 3]) == [
        [1, 0, 0, 0, 0], [0] * 5, [0] * 5, [0] * 5, [0, 0, 0, 1, 1]]


@pytest.mark.model
def test_events_pipeline_scores_on_small_files(tmp_path: Path) -> None:
    (tmp_path / "penta_train.tsv").write_text(
        "Peru expelled the Bolivian ambassador.\t3\nThe weather in Lima was mild.\t0\n"
        "Chadian troops shelled Sudanese villages.\t4\nChile expelled a Peruvian envoy.\t3\n"
        "The harvest in Chile was late.\t0\nNigerien troops shelled Malian posts.\t4\n",
        "utf-8")
    (tmp_path / "actors_train.txt").write_text(
        "Peru B-S\nexpelled O\nthe B-T\nBolivian I-T\nambassador I-T\n. O\n", "utf-8")
    scored = ev.pipeline_penta(tmp_path, folds=2)  # each fold's model trained on 3 sentences
    assert sum(map(sum, scored["confusion"])) == 6
    assert scored["confusion"][3][3] == 2  # the lexicon events, which the gate lets through
    spans = ev.argument_spans(tmp_path, folds=2)
    assert spans["pipeline_source_token_f1"] == 1.0
    assert spans["pipeline_target_token_f1"] == 1.0
