"""The events analyzer on sentences written for these tests.

Most tests run ``sentences`` + ``events`` only, so actors come from the
gazetteer fallback (ISO alpha-3 ids for states, ``igo:...`` for
organisations) and do not move when the ``actors`` analyzer changes; one test
runs the whole registered pipeline.
"""

from __future__ import annotations

import dataclasses

import pytest
from spacy.language import Language

from flashpoint.analyzers import events, registry, sentences
from flashpoint.model import (
    Actor,
    ActorMention,
    Article,
    Claim,
    ClaimSource,
    Event,
    Quote,
    Span,
    Speaker,
)
from flashpoint.pipeline import AnalysisInput, Pipeline

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def pipeline(nlp: Language) -> Pipeline:
    # events alone (actors from its gazetteer fallback): relax the declared requirements
    alone = dataclasses.replace(events.ANALYZER, requires=frozenset({"doc", "sentences"}))
    return Pipeline([sentences.ANALYZER, alone], nlp=nlp)


def run(pipeline: Pipeline, text: str) -> Article:
    (article,) = pipeline.run([Article(text=text, source="test")])
    article.check_offsets()
    assert not article.failures
    return article


def find(article: Article, trigger: str) -> list[Event]:
    return [e for e in article.events if trigger in e.evidence.trigger.text]


@pytest.mark.parametrize(("text", "trigger", "category", "source", "target"), [
    # active voice, direct object
    ("Peru expelled the Bolivian ambassador on Monday.", "expelled", "SANCTION", "PER", "BOL"),
    # passive with agent
    ("A Ghanaian fishing boat was seized by the Togolese navy.", "seized", "COERCE", "TGO", "GHA"),
    # nominalisation: of = target, by = source
    ("The bombing of Sudanese villages by Chadian aircraft drew criticism.", "bombing",
     "ASSAULT", "TCD", "SDN"),
    # possessive source, on-object target
    ("Uganda's attack on rebels in Congo began at dawn.", "attack", "ASSAULT", "UGA", None),
    # light verb lends its subject and objects to the noun
    ("Norway imposed sanctions on Iran's shipping companies.", "sanctions", "SANCTION",
     "NOR", "IRN"),
    ("Brazilian troops launched an offensive against Paraguayan smugglers.", "offensive",
     "ASSAULT", "BRA", "PRY"),
    # verb + object combination
    ("Senegal cut diplomatic ties with Gambia after the dispute.", "cut", "SANCTION",
     "SEN", "GMB"),
    # between X and Y
    ("Talks between Chile and Argentina resumed in Santiago.", "Talks", "CONSULT", "CHL", "ARG"),
    # demonym modifiers as source
    ("Canadian warplanes struck Libyan air defences.", "struck", "ASSAULT", "CAN", "LBY"),
    # a group of nationals as target
    ("A gang made up of Albanian nationals was broken up by Italian police.", "broken",
     "COERCE", "ITA", "ALB"),
    # come to X's aid: the possessor is the recipient
    ("Portugal came to Angola's aid after the floods.", "aid", "AID", "PRT", "AGO"),
    # object control: "urged X to ..."
    ("Finland urged Estonia to close the crossing.", "urged", "DEMAND", "FIN", "EST"),
    # host: the visitor is the source
    ("Hungary hosted the Serbian president in Budapest.", "hosted", "CONSULT", "SRB", "HUN"),
    # labour strike is a protest, not an attack
    ("A strike by Greek dock workers closed the port.", "strike", "PROTEST", "GRC", None),
    # crowds storming a building protest
    ("Bangladeshi protesters stormed the Indian consulate.", "stormed", "PROTEST", "BGD", "IND"),
    # a verb aimed at someone
    ("Armenian troops fired at Azerbaijani positions overnight.", "fired", "ASSAULT", "ARM",
     "AZE"),
    # mediation between two parties
    ("Oman mediated between Iran and Iraq.", "mediated", "CONSULT", "IRN", "IRQ"),
    # headline passive: the subject is the recipient
    ("Belgian spy sentenced to prison in Russia", "sentenced", "COERCE", None, "BEL"),
    # the subject of a raising or control construction is the infinitive's source
    ("Uruguay is expected to impose tariffs on Paraguayan beef.", "impose", "SANCTION", "URY",
     "PRY"),
    ("Malawi was forced to withdraw its troops from Mozambique.", "withdraw", "RETREAT", "MWI",
     "MOZ"),
    ("Latvia is ready to retaliate against Belarus.", "retaliate", "ASSAULT", "LVA", "BLR"),
    ("Is Chad about to attack Cameroon?", "attack", "ASSAULT", "TCD", "CMR"),
    ("Guyana appears poised to arrest Venezuelan miners.", "arrest", "COERCE", "GUY", "VEN"),
    ("Zambia suspects Angolan agents of hacking its central bank.", "hacking", "CRIME", "AGO",
     "ZMB"),
    # weapons tests and joint exercises (the guidelines of docs/events.md)
    ("Pakistan test-fired a cruise missile over the Arabian Sea.", "fired", "MOBILIZE", "PAK",
     None),
    ("Kenya and Uganda staged joint naval drills on Lake Victoria.", "staged", "COOPERATE", "KEN",
     "UGA"),
    ("Algeria held military drills on the border with Morocco on Sunday.", "held", "MOBILIZE",
     "DZA", "MAR"),
    ("Bolivia staged a protest against Chile's port fees.", "protest", "PROTEST", "BOL", "CHL"),
    # expelling diplomats or inspectors cuts relations; expelling people is coercion
    ("Nicaragua expelled the UN inspectors.", "expelled", "SANCTION", "NIC", "igo:un"),
    ("Niger expelled Beninese traders from Niamey.", "expelled", "COERCE", "NER", "BEN"),
    ("Poland blocked the EU statement on migration.", "blocked", "REJECT", "POL", "igo:eu"),
    ("Libya's rival factions violated the ceasefire with Egypt.", "violated", "ASSAULT", "LBY",
     "EGY"),
])
def test_events_source_target_category(pipeline: Pipeline, text: str, trigger: str,
                                       category: str, source: str | None,
                                       target: str | None) -> None:
    found = find(run(pipeline, text), trigger)
    assert any(
        e.category == category and e.source == source and e.target == target for e in found
    ), [(e.category, e.source, e.target) for e in found]


@pytest.mark.parametrize(("text", "trigger", "pairs"), [
    ("Mongolia and Kazakhstan signed a transit agreement.", "signed",
     {("MNG", "KAZ"), ("KAZ", "MNG")}),
    ("Egypt and Jordan condemned the raid on Syria.", "condemned",
     {("EGY", "SYR"), ("JOR", "SYR")}),
    ("Tunisia and Libya are trying to provoke Algeria, the minister believes.", "provoke",
     {("TUN", "DZA"), ("LBY", "DZA")}),
])
def test_events_coordinated_actors(pipeline: Pipeline, text: str, trigger: str,
                                   pairs: set[tuple[str, str]]) -> None:
    found = find(run(pipeline, text), trigger)
    assert {(e.source, e.target) for e in found} >= pairs


@pytest.mark.parametrize(("text", "trigger", "mode"), [
    ("Nigeria could strike Niger's border posts, a general warned.", "strike", "hypothetical"),
    ("If Rwanda invaded Burundi, the region would collapse.", "invaded", "hypothetical"),
    ("Did Cambodia attack Thai positions overnight?", "attack", "question"),
    ("Ecuador did not expel the Mexican diplomats.", "expel", "negated"),
    ("Colombia will send aid to Haiti next week.", "aid", "future"),
    ("Guatemalan media claimed Honduras had attacked the border post.", "attacked", "alleged"),
    ("Bolivia allegedly arrested Peruvian traders.", "arrested", "alleged"),
    ("A war between Laos and Vietnam remains unlikely.", "war", "hypothetical"),
    ("In the event of a Kenyan attack on Somalia, the union would meet.", "attack",
     "hypothetical"),
    ("Slovenia is considering sanctions on Croatia.", "sanctions", "hypothetical"),
    ("Latvia is ready to retaliate against Belarus.", "retaliate", "hypothetical"),
    ("Chad is about to attack Cameroon.", "attack", "future"),
    ("Peru's congress voted to expel Bolivian traders.", "expel", "future"),
])
def test_events_mode_is_never_actual_in_irrealis_context(
    pipeline: Pipeline, text: str, trigger: str, mode: str
) -> None:
    found = find(run(pipeline, text), trigger)
    assert found, "no event found"
    assert {e.mode for e in found} == {mode}


@pytest.mark.parametrize("text", [
    "The central bank raised interest rates on Thursday.",
    "Crowds gathered in the square to watch the parade.",
    "A trajectory reminiscent of the road to war worries diplomats.",
    "Analysts agree that the economy is slowing.",
    "The minister signed the decree on Monday.",
    "The Kenyan president fired the interior minister.",
    "An earthquake in Turkey killed fifty people.",
    "A spokesman for the Egyptian ministry declined to comment.",
    "The Brazilian agency released new figures on deforestation.",
])
def test_events_no_event_without_actors_or_trigger(pipeline: Pipeline, text: str) -> None:
    assert run(pipeline, text).events == ()


def test_events_evidence_is_trigger_inside_its_sentence(pipeline: Pipeline) -> None:
    text = "Rain fell. Austria expelled two Russian diplomats on Monday. Markets rose."
    (ev,) = run(pipeline, text).events
    assert ev.evidence.sentence.text == "Austria expelled two Russian diplomats on Monday."
    assert ev.evidence.trigger.text == "expelled two Russian diplomats"  # verb + its object
    assert ev.evidence.sentence.contains(ev.evidence.trigger)
    assert (ev.quad_class, ev.intensity) == ("verbal_conflict", -5.0)


def _analyse(nlp: Language, article: Article) -> tuple[Event, ...]:
    doc = nlp(article.text)  # the pipeline guarantees sentences: add them as it would
    found = sentences.sentences(AnalysisInput(article, doc))["sentences"]
    out = events.events(AnalysisInput(dataclasses.replace(article, sentences=found), doc))
    result: tuple[Event, ...] = out["events"]
    return result


def test_events_use_actor_mentions_when_actors_ran(nlp: Language) -> None:
    text = "The Ruritanian Navy shelled Grand Fenwick."
    navy = Actor(id="org:ruritania-navy", name="Ruritanian Navy", kind="organization",
                 belongs_to="RUR", mentions=(ActorMention(0, 20, text[0:20], "name"),))
    fenwick = Actor(id="FEN", name="Grand Fenwick", kind="state",
                    mentions=(ActorMention(28, 41, text[28:41], "name"),))
    article = Article(text=text, source="t", actors=(navy, fenwick),
                      analyzers=("sentences.v1", "actors.v1"))
    (ev,) = _analyse(nlp, article)
    assert (ev.source, ev.target, ev.category) == ("org:ruritania-navy", "FEN", "ASSAULT")


def test_events_mode_from_claims_and_quote_id(nlp: Language) -> None:
    text = 'Sources say "Latvia arrested Belarusian smugglers" last week.'
    content = text.index("Latvia"), text.index('" last')
    whole = Span.of(text, 0, len(text))
    claim = Claim(span=whole, status=("attributed",), source=ClaimSource(kind="vague"))
    quote = Quote(id="q1", kind="direct", content=Span.of(text, *content), speaker=Speaker())
    article = Article(text=text, source="t", claims=(claim,), quotes=(quote,))
    (ev,) = _analyse(nlp, article)
    assert (ev.source, ev.target, ev.mode, ev.quote) == ("LVA", "BLR", "alleged", "q1")
    asserted = dataclasses.replace(claim, status=("asserted",), source=ClaimSource(kind="author"))
    (ev,) = _analyse(nlp, dataclasses.replace(article, claims=(asserted,)))
    assert ev.mode == "actual"


def test_events_full_registered_pipeline(nlp: Language) -> None:
    text = ("Azerbaijan expelled three Iranian diplomats on Friday. "
            "Tehran could retaliate against Baku, officials warned.")
    (article,) = Pipeline(registry(plugins=False), nlp=nlp).run([Article(text=text, source="t")])
    assert "events.v2" in article.analyzers
    by_trigger = {e.evidence.trigger.text.split()[0]: e for e in article.events}
    assert (by_trigger["expelled"].source, by_trigger["expelled"].mode) == ("AZE", "actual")
    assert by_trigger["expelled"].category == "SANCTION"
    assert by_trigger["retaliate"].mode == "hypothetical"
