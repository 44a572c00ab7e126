"""The quotes analyzer on every quote shape, with sentences written for these tests."""

from __future__ import annotations

from typing import Any

import pytest
from spacy.language import Language

from flashpoint import nlp as backbone
from flashpoint.analyzers import quotes as analyzer
from flashpoint.model import Quote


def run(nlp: Language, text: str) -> tuple[Quote, ...]:
    doc = next(backbone.parse_many(nlp, [text]))
    return analyzer.extract(doc)


def find(quotes: tuple[Quote, ...], needle: str) -> Quote:
    """The quote whose content (or one of its parts) contains ``needle``."""
    for q in quotes:
        pieces = [p.text for p in q.parts] or [q.content.text]
        if any(needle in p for p in pieces):
            return q
    raise AssertionError(f"no quote contains {needle!r}: {[q.content.text for q in quotes]}")


SHAPES: list[tuple[str, str, dict[str, Any]]] = [
    (  # direct, speaker after
        '"We will not sign this deal under pressure," Finnish President Sauli Niinisto said.',
        "We will not sign",
        {"kind": "direct", "cue": "said", "name": "Sauli Niinisto"},
    ),
    (  # direct, speaker before, colon
        'The Kenyan foreign minister, Raychelle Omamo, said: "Our troops will stay in Somalia."',
        "Our troops will stay",
        {"kind": "direct", "cue": "said", "name": "Raychelle Omamo"},
    ),
    (  # guillemets
        "The French minister was blunt. «Nous ne céderons pas», said Jean-Yves Le Drian.",
        "Nous ne céderons pas",
        {"kind": "direct"},
    ),
    (  # typographic single quotes
        "The general told troops: ‘Hold the bridge at any cost until reinforcements arrive.’",
        "Hold the bridge",
        {"kind": "direct", "cue": "told"},
    ),
    (  # German low-high quotes
        "Chancellor Olaf Scholz said: „Germany stands by Ukraine for as long as it takes.“",
        "Germany stands by Ukraine",
        {"kind": "direct", "name": "Olaf Scholz"},
    ),
    (  # indirect with that
        "Indonesian officials said that the navy had intercepted two fishing vessels near Natuna.",
        "that the navy had intercepted",
        {"kind": "indirect", "cue": "said", "vague": "officials"},
    ),
    (  # indirect, believes, no that
        "Brazilian diplomat Celso Amorim believes Washington is losing patience with Caracas.",
        "Washington is losing patience",
        {"kind": "indirect", "cue": "believes", "name": "Celso Amorim",
         "descriptor": "Brazilian diplomat"},
    ),
    (  # according to
        "According to Nigerian army spokesman Onyema Nwachukwu, the insurgents fled into Cameroon.",
        "the insurgents fled into Cameroon",
        {"kind": "indirect", "cue": "According to", "name": "Onyema Nwachukwu"},
    ),
    (  # does not rule out
        "Polish Defence Minister Mariusz Blaszczak does not rule out sending more tanks to Kyiv.",
        "sending more tanks",
        {"kind": "indirect", "name": "Mariusz Blaszczak"},
    ),
    (  # told Y that, with outlet
        "Thai army chief Narongpan Jittkaewtae told the Bangkok Post that the border would reopen.",
        "that the border would reopen",
        {"kind": "indirect", "cue": "told", "name": "Narongpan Jittkaewtae",
         "outlet": "the Bangkok Post"},
    ),
    (  # mixed
        'Ethiopian Prime Minister Abiy Ahmed said the rebels were "a cancer" to be removed.',
        "a cancer",
        {"kind": "mixed", "name": "Abiy Ahmed"},
    ),
    (  # vague media
        "Serbian media claimed Kosovo police had detained three ethnic Serbs overnight.",
        "Kosovo police had detained",
        {"vague": "media", "cue": "claimed"},
    ),
    (  # vague experts
        "Experts say the drought in Somalia could push a million people out of their homes.",
        "the drought in Somalia",
        {"vague": "experts"},
    ),
    (  # vague anonymous sources
        "Sources said the Iranian delegation would arrive in Vienna on Tuesday.",
        "the Iranian delegation would arrive",
        {"vague": "anonymous"},
    ),
    (  # in an interview with an outlet
        "In an interview with Al Jazeera, Qatari envoy Majed al-Ansari said the talks had stalled.",
        "the talks had stalled",
        {"name": "Majed al-Ansari", "outlet": "Al Jazeera"},
    ),
    (  # explained to an outlet, direct before the cue
        '"The ceasefire will not hold without monitors," Colombian senator Ivan Cepeda explained '
        "to El Tiempo.",
        "The ceasefire will not hold",
        {"kind": "direct", "cue": "explained", "outlet": "El Tiempo", "name": "Ivan Cepeda"},
    ),
]


@pytest.mark.model
@pytest.mark.parametrize(("text", "needle", "expected"), SHAPES)
def test_quotes_shape(nlp: Language, text: str, needle: str, expected: dict[str, Any]) -> None:
    q = find(run(nlp, text), needle)
    if "kind" in expected:
        assert q.kind == expected["kind"]
    if "cue" in expected:
        assert q.cue is not None and q.cue.text == expected["cue"]
    if "name" in expected:
        assert q.speaker.name == expected["name"]
    if "vague" in expected:
        assert q.speaker.vague == expected["vague"]
    if "outlet" in expected:
        assert q.outlet is not None and q.outlet.text == expected["outlet"]
    if "descriptor" in expected:
        assert q.speaker.descriptor is not None
        assert q.speaker.descriptor.text == expected["descriptor"]


@pytest.mark.model
def test_quotes_split_direct_quote_is_one_quote_with_parts(nlp: Language) -> None:
    text = ('"Our patience has limits," Japanese Defence Minister Yasukazu Hamada said. '
            '"We will respond to every incursion."')
    q = find(run(nlp, text), "Our patience")
    assert q.kind == "direct"
    assert [p.text for p in q.parts] == ['"Our patience has limits,"',
                                         '"We will respond to every incursion."']
    assert q.speaker.name == "Yasukazu Hamada"


@pytest.mark.model
def test_quotes_quote_across_paragraphs(nlp: Language) -> None:
    text = ('Chilean President Gabriel Boric spoke to reporters after the summit.\n\n'
            '"Lithium belongs to all Chileans. We will not hand it over cheaply.\n\n'
            '"The contracts will be reviewed one by one," Boric said.')
    q = find(run(nlp, text), "Lithium belongs")
    assert q.kind == "direct"
    assert "contracts will be reviewed" in q.content.text
    assert q.speaker.name == "Gabriel Boric"


@pytest.mark.model
def test_quotes_quote_opening_before_and_continuing_after_speaker(nlp: Language) -> None:
    text = ('Analyst Farah Siddiqui followed the vote closely. "The opposition has no majority," '
            'she added. "It will have to negotiate with the army."')
    q = find(run(nlp, text), "The opposition has no majority")
    assert [p.text for p in q.parts][-1] == '"It will have to negotiate with the army."'
    assert q.speaker.text is not None and q.speaker.text.text == "she"
    assert q.speaker.name == "Farah Siddiqui"


@pytest.mark.model
def test_quotes_pronoun_and_definite_description_resolved(nlp: Language) -> None:
    text = ("Turkish political analyst Cengiz Aktar told Reuters that Ankara would veto the plan. "
            "He said the government had no interest in a compromise. "
            "The analyst also argued that elections were the real motive.")
    qs = run(nlp, text)
    assert find(qs, "the government had no interest").speaker.name == "Cengiz Aktar"
    last = find(qs, "elections were the real motive")
    assert last.speaker.name == "Cengiz Aktar"
    assert last.speaker.descriptor is not None
    assert "analyst" in last.speaker.descriptor.text


@pytest.mark.model
def test_quotes_speaker_actor_from_actor_mentions(nlp: Language) -> None:
    from flashpoint.model import Actor, ActorMention

    text = "Kremlin spokesman Dmitry Peskov said Moscow would respond to the sanctions."
    start = text.index("Dmitry Peskov")
    actor = Actor(id="dmitry-peskov", name="Dmitry Peskov", kind="person", mentions=(
        ActorMention(start, start + 13, "Dmitry Peskov", "name"),))
    doc = next(backbone.parse_many(nlp, [text]))
    q = find(analyzer.extract(doc, (actor,)), "Moscow would respond")
    assert q.speaker.actor == "dmitry-peskov"


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    ["", " \n\n ", 'He said "unbalanced quote and never closed.', "x" * 100_000,
     "Der Minister sagte, dass die Gespräche fortgesetzt werden.", '"""""' * 50,
     "“ ” « » „ ‘ ’ '' ``"],
)
def test_quotes_degenerate_text_does_not_crash(nlp: Language, text: str) -> None:
    qs = run(nlp, text)
    for q in qs:
        assert text[q.content.start:q.content.end] == q.content.text


@pytest.mark.model
def test_quotes_name_colon_lines_but_not_labels(nlp: Language) -> None:
    text = ("Zelensky: ‘Not One Village for a Ceasefire’\n\n"
            "Zelensky: ‘We will not trade territory for peace.’\n\n"
            "Note: this story has been updated.\n\n"
            "Lukashenko: Minsk is ready to host new talks.\n\n"
            "Border Crossings: The Next Bargaining Chip?\n\n"
            "The talks resumed on Monday.")
    qs = run(nlp, text)
    direct = find(qs, "We will not trade territory")
    assert direct.kind == "direct" and direct.speaker.name == "Zelensky"
    assert not [q for q in qs if "One Village" in q.content.text]  # a headline: never a quote
    assert find(qs, "Minsk is ready").speaker.name == "Lukashenko"
    assert not [q for q in qs if "story has been updated" in q.content.text]
    assert not [q for q in qs if "Bargaining Chip" in q.content.text]  # a subheading


@pytest.mark.model
def test_quotes_outlet_is_never_a_date(nlp: Language) -> None:
    text = ("Chile's foreign ministry on Tuesday ordered the envoy to leave, "
            "and the minister said on Friday that talks were over.")
    quotes = run(nlp, text)
    assert quotes and all(q.outlet is None or q.outlet.text not in ("Tuesday", "Friday")
                           for q in quotes)
