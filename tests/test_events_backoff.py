"""The sentence classifier as gate, back-off and veto of a sentence's main event.

The analyzer tests run with a stand-in model whose probabilities are fixed (a
:class:`PentaModel` with no features, only intercepts) so that they test the analyzer's
rules, not the trained weights.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language

from flashpoint.analyzers import registry
from flashpoint.analyzers.events import backoff
from flashpoint.analyzers.events.classifier import PentaModel, load_model, use_model
from flashpoint.evaluation import events as ev
from flashpoint.model import Article, Event
from flashpoint.pipeline import Pipeline, select

PRIOR = {"verbal_cooperation": "CONSULT", "material_cooperation": "AID",
         "verbal_conflict": "REJECT", "material_conflict": "ASSAULT"}


def fixed(probabilities: dict[int, float]) -> PentaModel:
    """A model that gives every sentence ``probabilities``."""
    classes = sorted(probabilities)
    return PentaModel({
        "vocabulary": {}, "idf": [], "coef": [[] for _ in classes], "classes": classes,
        "intercept": [math.log(probabilities[c]) for c in classes], "category_prior": PRIOR,
    })


def spread(label: int, p: float) -> dict[int, float]:
    """``p`` on ``label``, the rest shared by the other classes."""
    rest = (1.0 - p) / 4
    return {k: p if k == label else rest for k in range(5)}


@pytest.fixture(scope="module")
def pipeline(nlp: Language) -> Pipeline:
    return Pipeline(select(registry(plugins=False), ["events"]), nlp=nlp)


def events_with(pipeline: Pipeline, text: str, probabilities: dict[int, float]) -> list[Event]:
    with use_model(fixed(probabilities)):
        (article,) = pipeline.run([Article(text=text, source="test")])
    assert not article.failures
    return list(article.events)


def test_events_backoff_thresholds() -> None:
    assert backoff.gated(spread(0, 0.6)) and not backoff.gated(spread(0, 0.4))
    assert backoff.best_class(spread(0, 0.6)) is None
    assert backoff.best_class(spread(2, 0.7)) == ("material_cooperation", pytest.approx(0.7))
    assert backoff.vetoed(spread(2, 0.7), 4)  # the lexicon's conflict, the model's cooperation
    assert not backoff.vetoed(spread(2, 0.7), 2)
    assert not backoff.vetoed(spread(4, 0.9), 2)  # a veto never makes a material conflict
    assert not backoff.vetoed(spread(2, 0.45), 4)  # not sure enough


def test_events_use_model_restores_the_packaged_model() -> None:
    model = fixed(spread(1, 0.9))
    with use_model(model):
        from flashpoint.analyzers.events.classifier import active_model
        assert active_model() is model
    assert active_model() is load_model()


def test_events_packaged_model_has_a_prior_for_every_quad_class() -> None:
    assert set(load_model().category_prior) == set(PRIOR)


@pytest.mark.model
def test_events_backoff_codes_an_unlisted_light_verb(pipeline: Pipeline) -> None:
    evs = events_with(pipeline, "Japan provided equipment to Vietnam.", spread(2, 0.9))
    (main,) = [e for e in evs if e.main]
    assert (main.source, main.target, main.quad_class) == ("JPN", "VNM", "material_cooperation")
    assert main.evidence.trigger.text == "provided equipment"
    assert main.confidence == pytest.approx(0.9)


@pytest.mark.model
def test_events_no_backoff_when_the_model_sees_no_event(pipeline: Pipeline) -> None:
    assert events_with(pipeline, "Japan provided equipment to Vietnam.", spread(0, 0.9)) == []


@pytest.mark.model
def test_events_gate_keeps_the_events_but_marks_no_main(pipeline: Pipeline) -> None:
    evs = events_with(pipeline, "Peru expelled the Bolivian ambassador.", spread(0, 0.9))
    assert evs and not any(e.main for e in evs)
    assert all(e.confidence == 1.0 for e in evs)


@pytest.mark.model
def test_events_lexicon_main_stands_when_the_model_agrees(pipeline: Pipeline) -> None:
    evs = events_with(pipeline, "Peru expelled the Bolivian ambassador.", spread(3, 0.9))
    (main,) = [e for e in evs if e.main]
    assert (main.category, main.confidence) == ("SANCTION", 1.0)


@pytest.mark.model
def test_events_veto_moves_main_to_a_lexicon_event_of_the_model_class(pipeline: Pipeline) -> None:
    text = "Peru criticised Bolivia's aid to Chile."
    assert {e.category for e in events_with(pipeline, text, spread(3, 0.9)) if e.main} == {
        "DISAPPROVE"}
    evs = events_with(pipeline, text, spread(2, 0.9))
    (main,) = [e for e in evs if e.main]
    assert (main.category, main.source, main.target) == ("AID", "BOL", "CHL")
    assert {e.category for e in evs} == {"DISAPPROVE", "AID"}  # both events stay


@pytest.mark.model
def test_events_veto_keeps_the_lexicon_reading_of_a_verb(pipeline: Pipeline) -> None:
    evs = events_with(pipeline, "Peru expelled the Bolivian ambassador.", spread(2, 0.9))
    (main,) = [e for e in evs if e.main]
    assert main.category == "SANCTION" and main.confidence == 1.0
    assert all(e.confidence == 1.0 for e in evs)


@pytest.mark.model
def test_events_veto_never_makes_an_attack(pipeline: Pipeline) -> None:
    evs = events_with(pipeline, "Peru praised Bolivia.", spread(4, 0.9))
    (main,) = [e for e in evs if e.main]
    assert main.category == "SUPPORT" and main.confidence == 1.0


@pytest.mark.model
@pytest.mark.parametrize(("text", "mode"), [
    ("Chile could pummel Bolivian border posts.", "hypothetical"),
    ("Did Chile pummel Bolivian border posts?", "question"),
    ("Chile did not pummel Bolivian border posts.", "negated"),
])
def test_events_backoff_attack_keeps_the_clause_mode(pipeline: Pipeline, text: str,
                                                     mode: str) -> None:
    evs = events_with(pipeline, text, spread(4, 0.9))
    assert evs and all(e.mode == mode for e in evs)
    assert not [e for e in evs if e.category == "ASSAULT" and e.mode == "actual"]


@pytest.mark.model
@pytest.mark.parametrize("text", [
    "An earthquake near Chile flattened Bolivian villages.",  # a disaster is no assault
    "War scenarios exist for Chile and Bolivia.",  # a verb of state reports no act
])
def test_events_backoff_no_attack(pipeline: Pipeline, text: str) -> None:
    evs = events_with(pipeline, text, spread(4, 0.9))
    assert not [e for e in evs if e.category == "ASSAULT"]


@pytest.fixture()
def penta_file(tmp_path: Path) -> Iterator[Path]:
    lines = [("Peru expelled the Bolivian ambassador.", 3), ("Chile expelled a Peruvian envoy.", 3),
             ("The weather in Lima was mild.", 0), ("The harvest in Chile was late.", 0),
             ("Chadian troops shelled Sudanese villages.", 4),
             ("Nigerien troops shelled Malian posts.", 4)]
    path = tmp_path / "penta_train.tsv"
    path.write_text("".join(f"{t}\t{label}\n" for t, label in lines), "utf-8")
    yield path


def test_events_fold_models_hold_out_every_sentence_once(penta_file: Path) -> None:
    assigned, models = ev.fold_models(penta_file, folds=2)
    assert sorted(set(assigned)) == [0, 1] and len(models) == 2
    assert all(isinstance(m, PentaModel) for m in models)
    texts, _ = ev.read_penta(penta_file)
    for k in (0, 1):  # each fold's model knows only the words of the other fold
        trained = {w for t, f in zip(texts, assigned, strict=True) if f != k
                   for w in t.lower().rstrip(".").split()}
        words = {w for w in models[k].vocabulary if " " not in w and not w.startswith("plov")}
        assert words and words <= trained


def test_events_category_prior_is_the_commonest_cue_of_the_class() -> None:
    texts = ["Peru sanctioned the envoy.", "Chile sanctioned a diplomat.", "Peru criticised Chile."]
    prior = ev.category_prior(texts, [3, 3, 3])
    assert prior == {"verbal_conflict": "SANCTION"}


def test_events_confidence_survives_json_and_defaults_to_one() -> None:
    from flashpoint.model import Evidence, Span, article_from_json, article_to_json
    from flashpoint.schema import validate

    text = "Japan provided equipment to Vietnam."
    event = Event(source="JPN", target="VNM", category="AID", quad_class="material_cooperation",
                  intensity=7.0, mode="actual", main=True, confidence=0.83,
                  evidence=Evidence(trigger=Span.of(text, 6, 23),
                                    sentence=Span.of(text, 0, len(text))))
    data = article_to_json(Article(text=text, source="test", events=(event,)))
    validate(data)
    assert article_from_json(data).events == (event,)
    del data["events"][0]["confidence"]  # type: ignore[index]
    (old,) = article_from_json(data).events
    assert old.confidence == 1.0


@pytest.mark.model
@pytest.mark.parametrize(("text", "mode"), [
    ("Unidentified gunmen attacked a bus in eastern Afghanistan.", "actual"),
    ("Unidentified gunmen could attack a bus in eastern Afghanistan.", "hypothetical"),
    ("Unidentified gunmen did not attack the bus in eastern Afghanistan.", "negated"),
    ("Did unidentified gunmen attack a bus in eastern Afghanistan?", "question"),
])
def test_events_unnamed_main_event_from_a_lexicon_trigger(pipeline: Pipeline, text: str,
                                                           mode: str) -> None:
    """No actor is source or target: the lexicon trigger the model agrees with still gives
    the sentence's main event, with its phrases as written and its clause's mode."""
    evs = events_with(pipeline, text, spread(4, 0.9))
    (main,) = [e for e in evs if e.main]
    assert (main.category, main.source, main.target, main.mode) == (
        "ASSAULT", None, None, mode)
    assert main.evidence.source is not None
    assert main.evidence.source.text.lower() == "unidentified gunmen"
    assert main.confidence == pytest.approx(0.9)


@pytest.mark.model
def test_events_unnamed_main_event_needs_the_model_and_a_lexicon_trigger(
        pipeline: Pipeline) -> None:
    text = "Unidentified gunmen attacked a bus in eastern Afghanistan."
    assert events_with(pipeline, text, spread(4, 0.45)) == []  # under BACKOFF_AGREE
    assert events_with(pipeline, text, spread(0, 0.9)) == []
    # the main verb alone (no lexicon trigger) never gives an event without an actor
    assert events_with(pipeline, "Voters in Ireland go to the polls on Friday.",
                       spread(2, 0.9)) == []
    # voting is domestic procedure: never a model-backed event, however sure the model
    assert events_with(pipeline, "Millions of Peruvians voted in local elections.",
                       spread(2, 0.9)) == []


@pytest.mark.model
def test_events_lexicon_trigger_backoff_needs_less_than_the_main_verb(pipeline: Pipeline) -> None:
    """Where the lexicon and the model agree on the class, BACKOFF_AGREE is enough; the main
    verb's back-off (the model alone) needs BACKOFF_BEST."""
    assert backoff.BACKOFF_AGREE < backoff.BACKOFF_BEST
    p = (backoff.BACKOFF_AGREE + backoff.BACKOFF_BEST) / 2
    (main,) = [e for e in events_with(pipeline, "Japan met with officials on Monday.",
                                      spread(1, p)) if e.main]
    assert (main.category, main.source, main.confidence) == ("CONSULT", "JPN",
                                                             pytest.approx(p, abs=1e-3))
    assert events_with(pipeline, "Japan provided equipment to Vietnam.", spread(2, p)) == []
