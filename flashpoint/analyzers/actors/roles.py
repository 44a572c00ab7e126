"""Parse-based decisions for the ``actors`` analyzer: agent or place, demonym heads, titles.

A capital or seat of government ("Moscow", "the Kremlin") stands for a government only
when it acts: subject of a verb ("Baku has simulated..."), agent of a passive, possessor
("Ankara's decision"), object of a verb of saying or relating ("urged Baku"), or object of a
relational preposition ("talks with Moscow", "tensions between Baku and Moscow"). It is a
place when it is the object of a locative or directional preposition ("in Yekaterinburg",
"flights to Moscow"), the object of a verb of motion or strike ("visited Moscow", "shelled
Kyiv"), or a modifier of a place noun ("Moscow metro"). :func:`is_agent` encodes this.
"""

from __future__ import annotations

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

PLACE_PREPS = frozenset({
    "in", "at", "into", "near", "through", "outside", "inside", "around", "across", "via",
    "within", "throughout", "over", "beyond", "past", "along", "onto", "off", "upon", "under",
    "above", "below", "behind", "beside", "nearby", "out", "amid", "opposite", "until", "till",
})
AGENT_PREPS = frozenset({
    "with", "between", "against", "by", "on", "for", "like", "unlike", "than", "as", "after",
    "before", "including", "among", "besides", "despite", "about", "per", "vs", "versus",
})
SPEECH_HEADS = frozenset({
    "message", "letter", "appeal", "warning", "threat", "offer", "ultimatum", "proposal", "note",
    "signal", "response", "reply", "criticism", "support", "pressure", "demand", "request",
    "call", "statement", "complaint", "protest", "apology", "aid", "assistance", "loan",
    "sanction", "concession", "gift", "tribute", "loyalty", "allegiance", "close", "loyal",
    "ally", "hostile", "friendly", "opposed", "subordinate", "answerable", "signals", "say",
    "tell", "write", "sell", "give", "hand", "send", "ship", "provide", "deliver", "supply",
    "transfer", "report", "turn",
    "pledge", "promise", "reach", "owe", "object", "speak", "talk", "policy",
    "attitude", "stance", "approach", "hostility", "overture", "openness", "pivot",
})
MOTION_WORDS = frozenset({
    "flight", "trip", "travel", "visit", "fly", "service", "crossing", "return", "go", "come",
    "move", "arrive",
    "route", "road", "train", "journey", "way", "drive", "march", "advance", "bus", "ferry",
    "sail", "head", "evacuate", "flee", "escape", "deport", "dispatch",
    "deploy", "relocate", "transport", "smuggle", "bring", "take", "walk", "commute",
    "migrate", "emigrate", "defect", "distance", "kilometre", "kilometer", "mile", "border",
    "link", "pipeline", "corridor", "rail", "railway", "highway",
    "invite", "summon", "recall", "expel", "extradite", "attack", "strike", "missile",
    "drone", "fire", "launch", "rocket", "shell", "bomb",
})
PLACE_VERBS = frozenset({
    "visit", "leave", "reach", "enter", "attack", "shell", "strike", "hit", "bomb", "target",
    "capture", "seize", "surround", "besiege", "encircle", "liberate", "evacuate", "flee",
    "tour", "flood", "occupy", "storm", "take", "raid", "defend", "fortify", "bombard",
    "control", "retake", "recapture", "overrun", "blockade", "rock", "shake", "devastate",
    "lie", "sit", "host", "border", "see", "experience", "swelter", "cover",
    "locate", "situate", "base", "paralyse", "paralyze", "blanket", "engulf", "rename",
})
PLACE_HEADS = frozenset({
    "street", "resident", "airport", "mayor", "metro", "centre", "center", "suburb", "outskirt",
    "skyline", "population", "district", "hospital", "city", "subway", "square", "region",
    "area", "heart", "part", "edge", "time", "underground", "stadium", "university", "court",
    "hotel", "citizen", "station", "zoo", "school", "museum", "theatre", "theater", "apartment",
    "neighbourhood", "neighborhood", "downtown", "oblast", "province", "skies", "sky", "air",
    "weather", "river", "bridge", "port", "harbour", "harbor", "exchange", "marathon",
    "festival", "office", "bureau", "correspondent", "-based", "based", "born", "home",
    "visitor", "tourist", "restaurant", "shop", "market", "mall", "club", "team", "fan",
    "police", "prosecutor", "municipality", "council", "governor", "traffic", "north",
    "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "outskirts",
    "kilometre", "kilometer", "mile", "km", "climate", "landmark", "monument", "cathedral",
    "embassy", "consulate", "building", "palace", "wall", "gate", "ground", "mosque", "church",
})
OFFICIALS = frozenset({
    "official", "authority", "government", "leader", "diplomat", "source", "regime",
    "politician", "policymaker", "leadership", "establishment", "elite", "hawk", "insider",
    "decision-maker", "strategist", "planner", "administration", "counterpart",
})
AGENT_HEADS = frozenset({
    "government", "regime", "authority", "leadership", "official", "administration", "side",
    "leader", "spokesman", "spokeswoman", "spokesperson", "aide", "secretary", "statement",
    "position", "decision", "policy", "stance", "move", "plan", "strategy", "response", "claim",
    "narrative", "line", "view", "demand", "offer", "proposal", "tandem", "axis", "alliance",
    "partnership", "rapprochement", "relation", "talk", "deal", "pact", "agreement", "tie",
    "camp", "envoy", "diplomat", "establishment", "elite", "insider", "source", "press",
    "approach", "doctrine", "ambition", "interest", "objective", "goal", "ally", "partner",
    "accusation", "allegation", "denial", "warning", "threat", "pressure", "influence",
    "backing", "support", "reaction", "role", "propaganda", "rhetoric", "negotiator",
    "chief", "control", "patronage", "orbit", "watcher", "watchers", "critic", "loyalist",
    "-backed", "backed", "led", "-led", "friendly", "aligned", "sponsored", "imposed", "brokered",
})
PASSIVE_PLACE = frozenset({
    "hit", "strike", "attack", "shell", "bomb", "target", "visit", "flood", "evacuate",
    "cover", "rock", "shake", "capture", "seize", "occupy", "surround", "besiege", "locate",
    "situate", "base", "bombard", "blanket", "engulf", "paralyse", "paralyze", "liberate",
    "found", "build", "rename", "damage", "destroy", "devastate", "reach", "plunge",
})


def _first_conjunct(tok: Token) -> Token:
    seen = 0
    while tok.dep_ == "conj" and tok.head is not tok and seen < 10:
        tok = tok.head
        seen += 1
    return tok


def _prep_object_is_agent(prep: Token) -> bool:
    word = prep.lower_
    head = prep.head
    lemma = head.lemma_.lower()
    if prep.dep_ == "agent":
        return True
    if lemma in MOTION_WORDS or lemma in PLACE_HEADS:
        return False  # "the highway between Ankara and Istanbul", "flights from Riga"
    if word in AGENT_PREPS:
        return True
    if word in PLACE_PREPS:
        return lemma in OFFICIALS and word in ("in", "at")  # "officials in Ankara"
    if word == "of":
        return head.lemma_.lower() not in PLACE_HEADS
    if word in ("to", "from", "toward", "towards"):
        return lemma in SPEECH_HEADS
    return True


def _modifier_is_agent(tok: Token, span: SpacySpan) -> bool:
    head = tok.head
    lemma = head.lemma_.lower()
    nxt = span.doc[span.end] if span.end < len(span.doc) else None
    if nxt is not None and nxt.text in ("-", "–") and span.end + 1 < len(span.doc):
        after = span.doc[span.end + 1].lower_
        if after in ("based", "born", "bound"):
            return False
        if after in AGENT_HEADS or after in ("backed", "led", "friendly", "aligned"):
            return True
        other = span.doc[span.end + 1]
        if other.ent_type_ in ("GPE", "NORP", "ORG") or other.pos_ == "PROPN" or other.is_title:
            return True  # "the Ankara-Baku tandem", "the Moscow-Beijing axis"
    if lemma in PLACE_HEADS:
        return False
    if lemma in AGENT_HEADS:
        return True
    if head.ent_type_ in ("GPE",) and head.dep_ in ("compound", "conj"):
        return _modifier_is_agent(head, span.doc[head.i : head.i + 1])
    return False


def is_agent(span: SpacySpan) -> bool:
    """Whether a capital/seat ``span`` acts (a government) rather than names a place."""
    root = _first_conjunct(span.root)
    dep = root.dep_
    head = root.head
    if dep in ("nsubj", "csubj", "expl"):
        return head.lemma_.lower() not in PLACE_VERBS
    if dep == "nsubjpass":
        return head.lemma_.lower() not in PASSIVE_PLACE
    if dep == "poss":
        return head.lemma_.lower() not in PLACE_HEADS
    if dep in ("compound", "amod", "nmod", "npadvmod") and head is not root:
        return _modifier_is_agent(root, span)
    if dep == "pobj" and head.dep_ in ("prep", "agent", "dative"):
        return _prep_object_is_agent(head)
    if dep in ("dobj", "dative", "oprd"):
        return head.lemma_.lower() not in PLACE_VERBS
    if dep == "appos":
        return is_agent(head.doc[head.i : head.i + 1]) if head.ent_type_ == "GPE" else True
    return dep not in ("attr", "acomp", "pcomp")


# -- demonym heads ---------------------------------------------------------------------

HEAD_GROUPS: dict[str, tuple[str, str]] = {}
"""Head noun lemma -> (category id suffix, actor kind) for demonym-derived actors."""


def _group(suffix: str, kind: str, words: str) -> None:
    for w in words.split():
        HEAD_GROUPS[w] = (suffix, kind)


_group("media", "media", "media outlet press broadcaster newspaper television tv channel "
       "journalist reporter tabloid daily newswire agency blogger propagandist commentator "
       "pundit presenter")
_group("government", "organization", "authority government official administration leadership "
       "ministry diplomat embassy envoy delegation regime side lawmaker parliament negotiator "
       "politician state cabinet minister diplomacy prosecutor court judge consulate mission "
       "spokesman spokeswoman spokesperson legislator lawmakers deputy mp senator")
_group("military", "organization", "military army force troop soldier navy servicemen "
       "serviceman unit command commander general fleet airforce marine sailor pilot "
       "paratrooper mercenary conscript officer brigade battalion garrison contingent "
       "peacekeeper peacekeepers artillery")
_group("security", "organization", "intelligence police spy agent security service "
       "counterintelligence guard border-guard")
_group("people", "group", "national citizen people diaspora community population resident "
       "migrant worker civilian refugee public society volunteer student tourist prisoner "
       "activist protester nationalist opposition émigré emigre expatriate voter family "
       "youth minority descent origin")
_group("experts", "group", "analyst expert observer scholar academic economist researcher "
       "historian political_scientist scientist think-tank thinktank specialist")
_group("companies", "company", "company firm bank business corporation investor industry "
       "oligarch exporter producer manufacturer operator conglomerate giant contractor "
       "supplier lender insurer")

_FM = ("foreign minister", "foreign secretary", "secretary of state",
       "external affairs minister", "foreign_minister")
_DM = ("defence minister", "defence secretary", "defense secretary", "defence_minister")
ROLE_NOUNS: dict[str, tuple[str, ...]] = {
    "president": ("president",),
    "leader": ("head_of_state", "head_of_government"),
    "premier": ("premier", "prime minister"),
    "prime minister": ("prime minister", "premier"),
    "pm": ("prime minister",),
    "chancellor": ("chancellor",),
    "king": ("king",),
    "queen": ("queen",),
    "emir": ("emir",),
    "emperor": ("emperor",),
    "monarch": ("king", "queen", "emir", "emperor"),
    "supreme leader": ("supreme leader",),
    "crown prince": ("crown prince",),
    "head of state": ("head_of_state",),
    "foreign minister": _FM,
    "foreign secretary": _FM,
    "secretary of state": _FM,
    "top diplomat": _FM,
    "defence minister": _DM,
    "defense minister": _DM,
    "defence secretary": _DM,
    "defense secretary": _DM,
    "secretary general": ("secretary general", "head_of_organization"),
    "secretary-general": ("secretary general", "head_of_organization"),
}
"""A role noun or title -> the office titles (or roles) it can name."""

ROLE_OF_TITLE = {
    "president": "head_of_state", "premier": "head_of_government",
    "prime minister": "head_of_government", "chancellor": "head_of_government",
    "king": "head_of_state", "queen": "head_of_state", "emir": "head_of_state",
    "emperor": "head_of_state", "supreme leader": "head_of_state",
    "foreign minister": "foreign_minister", "defence minister": "defence_minister",
    "secretary general": "head_of_organization",
}

TITLES: dict[tuple[str, ...], tuple[str, ...]] = {
    tuple(k.replace("-", " - ").split()): v for k, v in ROLE_NOUNS.items()
    if k not in ("leader", "head of state", "top diplomat")
}
for _t in ("presidents", "president-elect", "sheikh", "sultan", "crown prince", "prince",
           "minister", "secretary", "vice president", "deputy prime minister", "general",
           "gen.", "lt.", "colonel", "col.", "admiral", "adm.", "marshal", "ambassador",
           "senator", "sen.", "rep.", "governor", "mayor", "mr", "mr.", "mrs", "mrs.", "ms",
           "ms.", "dr", "dr.", "ayatollah", "pope", "supreme leader", "chairman", "commander",
           "envoy", "spokesman", "spokeswoman", "spokesperson", "foreign ministry spokesperson",
           "emperor", "speaker", "field marshal", "lieutenant general", "major general",
           "prime ministers"):
    TITLES.setdefault(tuple(_t.replace("-", " - ").split()), ())
TITLES[("presidents",)] = ROLE_NOUNS["president"]
TITLES[("prime", "ministers")] = ROLE_NOUNS["prime minister"]
TITLE_MAX = max(len(k) for k in TITLES)
TITLE_FIRSTS = frozenset(k[0] for k in TITLES)
"""The first words of the titles: a token that is none of them starts no title."""


def head_phrase(tok: Token) -> tuple[str, int] | None:
    """The (possibly two-word) noun a demonym/state token modifies, and its last index.

    ``Russian foreign minister`` gives ``("foreign minister", i)``; ``Azerbaijani media``
    gives ``("media", i)``. ``None`` when the token modifies no noun.
    """
    first = tok
    while first.dep_ == "conj" and first.head.i < first.i:  # "Russian and Ukrainian officials"
        first = first.head
    if first.dep_ not in ("amod", "compound", "nmod", "poss", "npadvmod"):
        return None
    head = first.head
    if head.i <= tok.i or head.pos_ not in ("NOUN", "PROPN") or head.i - tok.i > 8:
        return None
    doc = tok.doc
    if "\n" in doc[tok.i : head.i + 1].text:
        return None
    words = [t.lower_ for t in doc[tok.i + 1 : head.i + 1] if t.dep_ != "case" and
             t.text not in ("'s", "’s", "'")]
    for n in (3, 2, 1):
        tail = " ".join(words[-n:])
        if tail in ROLE_NOUNS:
            return tail, head.i
    return head.lemma_.lower(), head.i
