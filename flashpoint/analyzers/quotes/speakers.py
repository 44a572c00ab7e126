"""What may speak, and which lines are headings: the two guards of a speaker page.

A quote is only worth listing under its speaker when the speaker is something
that can speak and the words were said, not set as a title. Two checks,
independent of the learned models:

* :func:`can_speak`: the speaker's head word is a pronoun, a proper noun, a
  PERSON / ORG / GPE / NORP entity, an actor mention, or a noun from
  :data:`SPEAKING_NOUNS` (people by role, collective bodies, media outlets and
  the documents they publish, vague groups such as ``experts``). An abstract
  head (``cracks``, ``tandem``, ``relations``, ``crisis``) is no speaker.
* :func:`heading_line`: the cue stands on a heading (a title or subheading: a
  line that does not end as a sentence and is either the text's first line or
  short and title-cased). A heading is never a quote.

WordNet-like noun classes are not available offline, so the noun list is
curated; agent suffixes (``-ist``, ``-ian``) cover the long tail of people by
profession (``columnist``, ``historian``).
"""

from __future__ import annotations

from spacy.tokens import Token

from ...nlp import entities
from .features import sent_bounds
from .rules import VAGUE_HEADS

SPEAKING_ENTS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
"""Entity types whose members can speak: people, organisations, states, nationalities."""


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


_PEOPLE = _words("""
    man men woman women boy boys girl girls child children kid kids father mother son daughter
    brother sister wife husband family families parent parents friend friends neighbour neighbor
    neighbours neighbors resident residents citizen citizens voter voters worker workers
    employee employees member members supporter supporters opponent opponents protester protesters
    protestor protestors demonstrator demonstrators activist activists victim victims survivor
    survivors refugee refugees migrant migrants soldier soldiers troops veteran veterans officer
    officers police policeman policemen fighter fighters rebel rebels militant militants
    insurgent insurgents leader leaders head heads chief chiefs president vice-president
    premier minister ministers secretary secretaries chancellor king queen prince princess
    emperor monarch ruler governor governors mayor mayors senator senators congressman
    congresswoman congressmen legislator legislators deputy deputies mp mps ambassador
    ambassadors envoy envoys consul negotiator negotiators general generals admiral commander
    commanders colonel captain lieutenant sergeant major marshal judge judges justice justices
    prosecutor prosecutors lawyer lawyers attorney attorneys counsel defendant plaintiff
    director directors manager managers executive executives ceo chairman chairwoman chairperson
    chair founder owner owners partner partners candidate candidates nominee nominees winner
    challenger incumbent host guest author authors writer writers editor editors columnist
    correspondent anchor host presenter publisher producer professor professors teacher
    teachers student students doctor doctors physician nurse nurses scientist researcher
    investigator investigators inspector inspectors auditor adviser advisers advisor advisors
    consultant consultants strategist strategists pollster pollsters campaigner campaigners
    organiser organizer organisers organizers volunteer volunteers staff staffer staffers
    clergy priest pastor bishop imam rabbi cleric clerics pope patriarch mullah
    businessman businessmen entrepreneur investor investors trader traders banker bankers farmer
    farmers owner landlord tenant customer customers user users fan fans player players coach
    councillor councilor councillors councilors delegate delegates observer monitor monitors
    inmate inmates prisoner prisoners detainee detainees hostage hostages captive suspect suspects
    whistleblower defector defectors dissident dissidents mediator mediators peacekeeper
    peacekeepers ally allies rival rivals counterpart counterparts colleague colleagues
    predecessor successor incumbent someone somebody anyone anybody everyone everybody nobody
    one ones many some most few several others other both all none each either neither
    surrogate surrogates boss bosses lady ladies gentleman gentlemen mate sibling siblings
    niece nephew uncle aunt cousin grandmother grandfather advocate advocates ex spouse
    widow widower fellow crew staffers youth elder elders conservative conservatives liberal
    liberals progressive progressives moderate moderates mogul moguls tycoon tycoons star stars
    actor actors actress celebrity surgeon surgeons donor donors operative operatives elite elites
    heavyweight heavyweights folk folks adult adults millennial millennials hundred hundreds
    thousand thousands million millions half third quarter percentage proportion share handful
    couple pair electorate generation circle body sen rep gov
    majority minority side sides party parties camp crowd crowds public audience
""")
_BODIES = _words("""
    government governments administration regime cabinet ministry ministries department
    departments agency agencies office offices bureau service services authority authorities
    parliament congress senate assembly legislature council councils committee committees
    commission commissions court courts tribunal board boards panel panels delegation
    delegations embassy embassies consulate mission missions army armies military navy
    force forces command headquarters staff guard militia militias police intelligence
    company companies firm firms corporation corporations business businesses bank banks
    group groups organisation organization organisations organizations association associations
    union unions federation league alliance alliances coalition coalitions bloc blocs
    movement movements network networks institute institutes foundation foundations charity
    charities ngo ngos club clubs team teams campaign campaigns opposition leadership
    presidency secretariat directorate inspectorate prosecution defence defense
    court university universities school schools hospital hospitals church
    country countries state states nation nations republic kingdom city cities town towns
    province provinces region regions community communities tribe tribes clan clans
    operator operators producer producers manufacturer manufacturers maker makers
    carrier airline airlines regulator regulators watchdog watchdogs think-tank tank
    spokesman spokeswoman spokesperson spokespeople fund funds chapter chapters branch
    wing faction factions caucus lobby
""")
_MEDIA = _words("""
    media press newspaper newspapers paper papers daily weekly magazine magazines journal
    outlet outlets channel channels broadcaster broadcasters station stations network
    agency tabloid tabloids website websites site blog blogs newsletter wire radio television
    tv report reports reporting statement statements communique release survey surveys poll
    polls study studies research document documents letter letters memo filing filings
    complaint lawsuit ruling verdict indictment resolution declaration bill law decree order
    article articles editorial op-ed column post posts tweet tweets message messages email
    emails note transcript video footage analysis analyses assessment assessments estimate
    estimates forecast forecasts projection projections data figures numbers statistics
    findings results review audit investigation probe inquiry census index book memoir
    page account accounts database ad ads advert advertisement commercial spot clip piece film
    documentary speech speeches slide slides publication publications story stories version
    announcement remark remarks proposal submission brief plan program programme platform
    manifesto agreement deal treaty policy rule rules guidance guideline guidelines advice
    promise pledge conference summit meeting hearing testimony evidence record records
    percent dozen dozens number average survey rating ratings affidavit summary petition
    photo photos placard placards comment comments opinion opinions conversation interview
    commentary readout missive textbook tally ranking rankings polling call word words voice
    criticism reference nonprofit nonprofits chancellery college colleges
""")
SPEAKING_NOUNS: frozenset[str] = _PEOPLE | _BODIES | _MEDIA | frozenset(VAGUE_HEADS)
"""Head nouns (lower-case, singular and plural) of speakers that name no entity."""

_AGENT_SUFFIXES = ("ist", "ian", "er", "or", "ee", "ant", "ent")
_NOT_AGENTS = _words("""
    list twist mist fist wrist gist christian guardian median librarian
    number order border water matter power center centre chapter computer disaster cancer
    danger murder answer layer meter filter corner paper manner character factor sector error
    horror terror mirror floor door honour honor labour labor favor favour rumor rumour
    behavior behaviour vapor tumor motor interior exterior minor major anger hunger finger
    winter summer weather feather leather silver river liver letter shelter thunder cluster
    trigger barrier carrier charter quarter encounter cover offer transfer register wonder
    degree guarantee coffee fee free tree three
    event incident content extent accident talent patent plant grant giant chant warrant
    current element moment comment component constant instant payment argument judgment
    movement agreement statement treatment development department environment achievement
    investment settlement parent percent
""")


def can_speak(head: Token, has_actor: bool = False, names_person: bool = False) -> bool:
    """Whether the speaker headed by ``head`` can speak.

    Accepted: pronouns, proper nouns, speaking entity types, an actor mention on
    the head (``has_actor``), a speaker span naming a person (``names_person``: the
    parse may pick a wrong head in ``After the election, Jane Roe, an adviser, said``),
    a bare capitalised name the tagger took for a common noun (``Trump knows``), and
    common nouns from :data:`SPEAKING_NOUNS` or with a human agent suffix.
    """
    head = noun_head(head)
    if has_actor or names_person or head.pos_ in ("PRON", "PROPN"):
        return True
    if head.ent_type_ in SPEAKING_ENTS or _bare_name(head):
        return True
    if head.pos_ not in ("NOUN", "ADJ", "DET", "X"):
        return True  # a number (``the two said``) or no noun phrase head: the parse's reading
    words = {head.lower_, head.lemma_.lower()}
    if words & SPEAKING_NOUNS:
        return True
    lemma = head.lemma_.lower()
    return (
        len(lemma) > 4
        and lemma.endswith(_AGENT_SUFFIXES)
        and lemma not in _NOT_AGENTS
        and not lemma.endswith(("ment", "ness", "ation", "ition"))
    )


def noun_head(head: Token) -> Token:
    """The word that says what ``head``'s phrase is, when an entity of a non-speaking type hides it.

    In ``The Ankara-Baku "Turanist tandem"`` the parser heads the phrase on
    ``Baku``, inside an entity (FAC) that ends in the common noun ``tandem``: the
    phrase names a tandem, not a city. Entities of speaking types, and entities
    ending in a proper noun (``the White House``), keep their head.
    """
    if not head.ent_type_ or head.ent_type_ in SPEAKING_ENTS:
        return head
    ent = entities(head.doc).at_token(head.i)
    if ent is None:
        return head
    last = next((t for t in reversed(ent) if not t.is_punct), head)
    return last if last.pos_ == "NOUN" and last.i > head.i else head


_NAME_LINKS = frozenset({"appos", "compound", "conj", "nmod", "poss", "npadvmod"})


def names_person(head: Token) -> bool:
    """Whether ``head``'s phrase names a person in it (not in a clause or phrase hung on it).

    ``After the election, Jane Roe, an adviser`` (a wrong head, the person in
    apposition) names one; ``the axis, strengthened by John's visit`` does not.
    """
    for tok in head.subtree:
        if tok.ent_type_ != "PERSON" or tok.i == head.i:
            continue
        up = tok
        while up.i != head.i and up.dep_ in _NAME_LINKS and up.head.i != up.i:
            up = up.head
        if up.i == head.i:
            return True
    return False


def _bare_name(head: Token) -> bool:
    """A capitalised singular noun standing alone (``Trump knows``), or one inside a sentence."""
    if not head.text[:1].isupper() or (head.text.isupper() and len(head.text) > 4):
        return False
    if head.i > sent_bounds(head).start:
        return True
    return head.tag_ == "NN" and not any(True for _ in head.lefts)


_SENTENCE_ENDS = (".", ":", ";", ",", '."', ".”", ".’", ".'", "…")
HEADING_MAX_WORDS = 20
"""Longest title-cased line taken as a subheading (a headline rarely runs longer)."""


def heading_line(text: str, pos: int) -> bool:
    """Whether the character at ``pos`` sits on a heading: a title or subheading line.

    A heading does not end as a sentence does (a full stop, colon, semicolon or
    comma) and more text follows it; it is the text's first line, or a line of at
    most :data:`HEADING_MAX_WORDS` words with at least 60 % of them capitalised.
    """
    lo = text.rfind("\n", 0, pos) + 1
    hi = text.find("\n", pos)
    if hi < 0 or not text[hi:].strip():
        return False  # the last line (or a one-line text) is body text
    line = text[lo:hi].strip()
    if not line or line.endswith(_SENTENCE_ENDS):
        return False
    if not text[:lo].strip():
        return True
    words = [w for w in line.split() if w[:1].isalpha()]
    return 0 < len(words) <= HEADING_MAX_WORDS and sum(w[0].isupper() for w in words) >= 0.6 * len(
        words
    )
