"""A small store built from hand-written articles (no spaCy) for the web tests.

``build_store(path)`` writes: a story about Russia and Azerbaijan (actors, a quote with its
speaker, claims, events, a technique) and its syndicated copy in another outlet; weekly
background articles for RUS-AZE that turn into an escalation in the last weeks (so the index
has a series and an alert); a hostile article whose text, title, URL and findings carry
script tags, event handlers, ``javascript:`` links, broken markup and a very long line; and
an undated article.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from flashpoint.model import (
    Actor,
    ActorMention,
    Article,
    Claim,
    ClaimSource,
    Event,
    Evidence,
    Frame,
    Genre,
    Metadata,
    Quote,
    Span,
    Speaker,
    Technique,
)

STORY_TITLE = "Moscow accuses Baku of shelling border posts"
STORY_TEXT = (
    "Moscow accuses Baku of shelling border posts\n\n"
    "Russia accused Azerbaijan on Monday of shelling two border posts near the Caspian coast. "
    "\"We will not tolerate these provocations,\" said Ilham Aliyev, the president of "
    "Azerbaijan, in an interview with Reuters. Officials in Moscow said the attack was "
    "a deliberate escalation. Critics called the response a shameful betrayal of the region.\n"
)
STORY_QUOTE = "We will not tolerate these provocations,"
HOSTILE_TEXT = (
    "Breaking <script>window.__probe = 'script';</script> news from Moscow.\n"
    "<img src=x onerror=\"window.__probe = 'onerror'\"> Russia threatened Azerbaijan.\n"
    "<a href=\"javascript:window.__probe='link'\">click here</a> <div><b>broken <i>markup\n"
    "<svg onload=\"window.__probe='svg'\"></svg> &lt;escaped&gt; &amp; \"quoted\" 'single'\n"
    + "x" * 6000 + "\n"
    + "Officials said Russia will strike Azerbaijan soon.\n"
)
HOSTILE_TITLE = "<script>window.__probe='title'</script><b onmouseover=\"x()\">Hostile</b>"
HOSTILE_URL = "javascript:window.__probe='url'"
UNDATED_TEXT = "Azerbaijan and Russia held talks on trade, officials said without a date.\n"
START = dt.date(2026, 6, 1)  # a Monday
WEEKS = 14


def span(text: str, needle: str, nth: int = 0) -> Span:
    """The ``nth`` occurrence of ``needle`` in ``text`` as a :class:`Span`."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Span.of(text, start, start + len(needle))


def sentence_of(text: str, inner: Span) -> Span:
    """The sentence (between full stops or newlines) that holds ``inner``."""
    stop = text.rfind(". ", 0, inner.start)
    start = max(stop + 2 if stop >= 0 else 0, text.rfind("\n", 0, inner.start) + 1)
    ends = [i for i in (text.find(". ", inner.end), text.find("\n", inner.end)) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return Span.of(text, start, end)


def mention(text: str, needle: str, nth: int = 0, via: str = "name") -> ActorMention:
    s = span(text, needle, nth)
    return ActorMention(s.start, s.end, s.text, via)  # type: ignore[arg-type]


RUS = "RUS"
AZE = "AZE"
ALIYEV = "person:ilham-aliyev"


def event(text: str, trigger: str, source: str | None, target: str | None, *,
          category: str = "accuse", quad: str = "verbal_conflict", mode: str = "actual",
          intensity: float = 0.5, quote: str | None = None, nth: int = 0) -> Event:
    t = span(text, trigger, nth)
    return Event(source=source, target=target, category=category,
                 quad_class=quad, intensity=intensity,  # type: ignore[arg-type]
                 mode=mode, evidence=Evidence(trigger=t, sentence=sentence_of(text, t)),  # type: ignore[arg-type]
                 quote=quote)


def story(outlet: str, day: dt.date, title: str = STORY_TITLE, prefix: str = "") -> Article:
    """The annotated story; ``prefix`` makes a lightly edited copy (another text hash)."""
    text = prefix + STORY_TEXT
    actors = (
        Actor(id=RUS, name="Russia", kind="state",
              mentions=(mention(text, "Moscow"), mention(text, "Russia"),
                        mention(text, "Moscow", 1, "capital"))),
        Actor(id=AZE, name="Azerbaijan", kind="state",
              mentions=(mention(text, "Baku", via="capital"), mention(text, "Azerbaijan"),
                        mention(text, "Azerbaijan", 1))),
        Actor(id=ALIYEV, name="Ilham Aliyev", kind="person", belongs_to=AZE,
              role="head_of_state", mentions=(mention(text, "Ilham Aliyev"),)),
    )
    quote = Quote(id="q0", kind="direct", content=span(text, STORY_QUOTE),
                  cue=span(text, "said"),
                  speaker=Speaker(text=span(text, "Ilham Aliyev"), name="Ilham Aliyev",
                                  actor=ALIYEV, descriptor=span(text, "the president of "
                                                                      "Azerbaijan")),
                  outlet=span(text, "Reuters"))
    claims = (
        Claim(span=span(text, "Officials in Moscow said the attack was a deliberate escalation."),
              status=("attributed",), source=ClaimSource(kind="vague", name="officials")),
    )
    events = (
        event(text, "accused", RUS, AZE),
        event(text, "shelling", AZE, RUS, category="fight", quad="material_conflict",
              mode="alleged", intensity=0.9),
        event(text, "tolerate", ALIYEV, RUS, category="threaten", quote="q0", mode="future"),
    )
    techniques = (
        Technique(technique="loaded_language", span=span(text, "shameful betrayal"), score=0.8,
                  explanation="Words with strong emotional weight used to sway the reader."),
    )
    return Article(text=text, source=f"test:{outlet}",
                   metadata=Metadata(title=title, outlet=outlet, published=f"{day}T09:00:00Z",
                                     url=f"https://{outlet}.example/story-{day}"),
                   analyzers=("test/1",), actors=actors, quotes=(quote,), claims=claims,
                   events=events, techniques=techniques,
                   genre=Genre(label="reporting", score=0.9),
                   frames=(Frame(label="security", score=0.7),))


PLACES = ("Ganja", "Lankaran", "Shusha", "Quba", "Sheki", "Zaqatala", "Astara", "Gabala")
VERBS = (("struck", "attack"), ("shelled", "fight"), ("bombed", "attack"),
         ("raided", "fight"), ("attacked", "attack"), ("hit", "fight"),
         ("seized", "seize"), ("blockaded", "coerce"))
FILLER = ("drones", "artillery", "convoys", "depots", "airfields", "bridges", "ports", "radars")


def background(i: int, day: dt.date, outlet: str, escalate: bool) -> Article:
    """A short RUS-AZE article; in an escalation it reports a strike, else a meeting.

    Each text differs in most of its words so that no two are near-duplicates.
    """
    place, (verb, category), thing = PLACES[i % 8], VERBS[(i // 8) % 8], FILLER[(i * 3) % 8]
    if escalate:
        text = (f"Bulletin {i} from {place}: Russia {verb} {thing} in Azerbaijan on {day}, "
                f"witnesses near {place} told reporters about number {i * 7919 % 1000}. "
                f"Azerbaijan condemned the raid and Russia then shelled a second site.\n")
        events = (event(text, verb, RUS, AZE, category=category, quad="material_conflict",
                        intensity=1.0),
                  event(text, "condemned", AZE, RUS, category="accuse", intensity=0.8),
                  event(text, "shelled", RUS, AZE, category="fight", quad="material_conflict",
                        intensity=1.0, nth=text.count("shelled") - 1))
    else:
        text = (f"Memo {i}: Russia and Azerbaijan met in {place} about {thing} on {day}, "
                f"a routine session number {i * 104729 % 1000}.\n")
        events = (event(text, "met", RUS, AZE, category="consult", quad="verbal_cooperation",
                        intensity=0.3),)
    actors = (Actor(id=RUS, name="Russia", kind="state", mentions=(mention(text, "Russia"),)),
              Actor(id=AZE, name="Azerbaijan", kind="state",
                    mentions=(mention(text, "Azerbaijan"),)))
    return Article(text=text, source=f"test:bg{i}",
                   metadata=Metadata(title=f"Background report {i}", outlet=outlet,
                                     published=f"{day}T12:00:00Z",
                                     url=f"https://{outlet}.example/bg-{i}"),
                   analyzers=("test/1",), actors=actors, events=events,
                   genre=Genre(label="reporting", score=0.8))


def hostile(day: dt.date) -> Article:
    """An article made to break a page that inserts text raw."""
    text = HOSTILE_TEXT
    actors = (
        Actor(id=RUS, name="<b>Russia</b>", kind="state",
              mentions=(mention(text, "Moscow"), mention(text, "Russia"),
                        mention(text, "window.__probe = 'script'"))),
        Actor(id=AZE, name="Azerbaijan", kind="state", mentions=(mention(text, "Azerbaijan"),)),
    )
    quote = Quote(id="q0", kind="indirect",
                  content=span(text, "Russia will strike Azerbaijan soon"),
                  speaker=Speaker(name="\"><img src=y onerror=\"window.__probe='speaker'\">",
                                  vague=None))
    events = (event(text, "threatened", RUS, AZE, category="threaten"),
              event(text, "strike", RUS, AZE, category="attack", quad="material_conflict",
                    mode="future", quote="q0"))
    techniques = (Technique(technique="<script>", span=span(text, "<script>window.__probe"),
                            score=0.5,
                            explanation="<img src=z onerror=\"window.__probe='note'\">"),)
    return Article(text=text, source="test:hostile",
                   metadata=Metadata(title=HOSTILE_TITLE, outlet="<i>evil</i> outlet",
                                     published=f"{day}T08:00:00Z", url=HOSTILE_URL),
                   analyzers=("test/1",), actors=actors, quotes=(quote,), events=events,
                   techniques=techniques, genre=Genre(label="opinion", score=0.6))


def undated() -> Article:
    text = UNDATED_TEXT
    return Article(text=text, source="test:undated",
                   metadata=Metadata(title="Undated talks", outlet="wire"),
                   analyzers=("test/1",),
                   actors=(Actor(id=RUS, name="Russia", kind="state",
                                 mentions=(mention(text, "Russia"),)),))


@dataclass(frozen=True)
class Built:
    path: Path
    story_id: str
    copy_id: str
    hostile_id: str
    undated_id: str
    story_day: dt.date
    alert_week: dt.date


def articles() -> tuple[list[Article], Built]:
    """Every article of the test store, and the facts the tests look for."""
    out: list[Article] = []
    outlets = ("alpha", "bravo", "charlie", "delta")
    n = 0
    for week in range(WEEKS):
        monday = START + dt.timedelta(weeks=week)
        escalate = week >= WEEKS - 2
        for k in range(12 if escalate else 3):
            day = monday + dt.timedelta(days=k % 7)
            out.append(background(n, day, outlets[k % 4], escalate))
            n += 1
    story_day = START + dt.timedelta(weeks=WEEKS - 1, days=2)
    first = story("alpha", story_day)
    copy = story("bravo", story_day, title="Russia says Azerbaijan shelled its posts",
                 prefix="By a staff reporter\n")
    bad = hostile(story_day)
    none = undated()
    out += [first, copy, bad, none]
    return out, Built(Path(), first.id, copy.id, bad.id, none.id, story_day,
                      START + dt.timedelta(weeks=WEEKS - 1))


def build_store(path: Path) -> Built:
    """Write the test store at ``path`` (with the index tables filled) and describe it."""
    from flashpoint import index
    from flashpoint.store import Store

    items, built = articles()
    index.register(Store)
    with Store.open(path) as store:
        for article in items:
            store.add(article, hooks=[index.hook])
    return Built(path, built.story_id, built.copy_id, built.hostile_id, built.undated_id,
                 built.story_day, built.alert_week)
