"""A synthetic corpus of analysed articles, loaded into a store without running the NLP.

For benchmarks (store, index, web) and for validating the tension index on a
known truth. Articles look like the pipeline's output: actors with ISO 3166
alpha-3 ids (and office-holders that ``belongs_to`` their state), outlets,
dates over five years (a few undated), PLOVER events with modes, quad classes
and intensities whose evidence spans point into the text, quotes with speakers,
claims, sentences, a genre; and syndicated copies (the same wire story in other
outlets, with a byline added or a sentence changed) that the store clusters.

Library use (deterministic for a seed)::

    from scripts.make_synthetic_corpus import Escalation, generate, load

    plant = [Escalation("RUS", "AZE", "2024-10-01", "2024-10-21", per_day=6)]
    for article in generate(10_000, seed=1, escalations=plant): ...
    load("corpus.db", 1_000_000, seed=1, escalations=plant, hooks=[index.hook])

An :class:`Escalation` adds ``per_day`` articles (Poisson) on each day of its
window in which ``source`` commits material/verbal conflict against ``target``
(and the target answers); they are part of the ``n`` articles, not extra.

Command line::

    python scripts/make_synthetic_corpus.py --db synthetic.db -n 1000000 \
        --escalate RUS:AZE:2024-10-01:2024-10-21:6
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flashpoint.model import (
    Actor,
    ActorMention,
    Article,
    Claim,
    ClaimSource,
    Event,
    Evidence,
    Genre,
    Metadata,
    Quote,
    Sentence,
    Span,
    Speaker,
)

STATES: dict[str, tuple[str, str]] = {
    "RUS": ("Russia", "Moscow"), "UKR": ("Ukraine", "Kyiv"), "AZE": ("Azerbaijan", "Baku"),
    "ARM": ("Armenia", "Yerevan"), "TUR": ("Turkey", "Ankara"), "USA": ("United States",
                                                                        "Washington"),
    "CHN": ("China", "Beijing"), "TWN": ("Taiwan", "Taipei"), "IRN": ("Iran", "Tehran"),
    "ISR": ("Israel", "Jerusalem"), "IND": ("India", "New Delhi"), "PAK": ("Pakistan",
                                                                           "Islamabad"),
    "GEO": ("Georgia", "Tbilisi"), "FRA": ("France", "Paris"), "DEU": ("Germany", "Berlin"),
    "GBR": ("United Kingdom", "London"), "POL": ("Poland", "Warsaw"), "SRB": ("Serbia",
                                                                             "Belgrade"),
    "KOR": ("South Korea", "Seoul"), "PRK": ("North Korea", "Pyongyang"),
    "JPN": ("Japan", "Tokyo"), "EGY": ("Egypt", "Cairo"), "ETH": ("Ethiopia", "Addis Ababa"),
    "SDN": ("Sudan", "Khartoum"), "VEN": ("Venezuela", "Caracas"), "COL": ("Colombia", "Bogota"),
}
LEADERS: dict[str, tuple[str, str]] = {
    "RUS": ("Vladimir Putin", "head_of_state"), "UKR": ("Volodymyr Zelensky", "head_of_state"),
    "AZE": ("Ilham Aliyev", "head_of_state"), "ARM": ("Nikol Pashinyan", "head_of_government"),
    "TUR": ("Recep Tayyip Erdogan", "head_of_state"), "CHN": ("Wang Yi", "foreign_minister"),
    "IRN": ("Abbas Araghchi", "foreign_minister"), "ISR": ("Israel Katz", "defence_minister"),
    "FRA": ("Emmanuel Macron", "head_of_state"), "DEU": ("Olaf Scholz", "head_of_government"),
    "IND": ("Narendra Modi", "head_of_government"), "PAK": ("Shehbaz Sharif",
                                                            "head_of_government"),
}
HOT_PAIRS = [("RUS", "UKR"), ("AZE", "ARM"), ("CHN", "TWN"), ("ISR", "IRN"), ("IND", "PAK"),
             ("PRK", "KOR"), ("ETH", "SDN"), ("SRB", "GBR"), ("VEN", "COL"), ("RUS", "GEO")]
OUTLETS = [
    ("Reuters", "reuters.com"), ("Associated Press", "apnews.com"), ("AFP", "afp.com"),
    ("BBC News", "bbc.co.uk"), ("Al Jazeera", "aljazeera.com"), ("TASS", "tass.com"),
    ("Kyiv Independent", "kyivindependent.com"), ("Trend", "trend.az"), ("Armenpress",
                                                                          "armenpress.am"),
    ("Anadolu", "aa.com.tr"), ("Xinhua", "xinhuanet.com"), ("Taipei Times", "taipeitimes.com"),
    ("Times of Israel", "timesofisrael.com"), ("Tehran Times", "tehrantimes.com"),
    ("The Hindu", "thehindu.com"), ("Dawn", "dawn.com"), ("Yonhap", "yna.co.kr"),
    ("Le Monde", "lemonde.fr"), ("Deutsche Welle", "dw.com"), ("The Guardian",
                                                               "theguardian.com"),
    ("Civil Georgia", "civil.ge"), ("Meduza", "meduza.io"), ("OC Media", "oc-media.org"),
    ("Addis Standard", "addisstandard.com"), ("El Tiempo", "eltiempo.com"),
]
CATEGORIES: dict[str, tuple[str, float, tuple[str, ...]]] = {
    "AGREE": ("verbal_cooperation", 4.0, ("agreed with", "signed a deal with")),
    "CONSULT": ("verbal_cooperation", 1.0, ("held talks with", "met envoys of")),
    "SUPPORT": ("verbal_cooperation", 3.5, ("praised", "backed")),
    "COOPERATE": ("material_cooperation", 6.0, ("exchanged prisoners with",)),
    "AID": ("material_cooperation", 7.0, ("sent aid to",)),
    "DEMAND": ("verbal_conflict", -5.0, ("demanded concessions from",)),
    "DISAPPROVE": ("verbal_conflict", -2.0, ("criticised", "accused")),
    "REJECT": ("verbal_conflict", -4.0, ("rejected a proposal by",)),
    "THREATEN": ("verbal_conflict", -6.0, ("threatened", "warned")),
    "SANCTION": ("verbal_conflict", -4.0, ("imposed sanctions on",)),
    "MOBILIZE": ("material_conflict", -7.2, ("massed troops near",)),
    "COERCE": ("material_conflict", -7.0, ("seized vessels of", "expelled diplomats of")),
    "ASSAULT": ("material_conflict", -9.5, ("shelled positions of", "struck targets in")),
}
CONFLICT = ["THREATEN", "DEMAND", "DISAPPROVE", "MOBILIZE", "COERCE", "ASSAULT", "SANCTION"]
MODES = (("actual", 0.72), ("alleged", 0.1), ("future", 0.07), ("hypothetical", 0.04),
         ("negated", 0.04), ("question", 0.03))
MODE_LEAD = {"actual": "", "alleged": "Officials said that ", "future": "Analysts expect that ",
             "hypothetical": "If talks fail, ", "negated": "Diplomats denied that ",
             "question": "Observers asked whether "}
FILLER = [
    "The statement came after weeks of rising tension along the line of contact.",
    "Markets in the region reacted calmly to the news.",
    "Independent verification of the reports was not possible.",
    "The foreign ministry summoned the ambassador for an explanation.",
    "Humanitarian groups called for restraint from all sides.",
    "Officials promised to release more details later in the week.",
    "The dispute has simmered for years without a lasting settlement.",
]
GENRES = (("reporting", 0.8), ("opinion", 0.15), ("satire", 0.05))
_WORDS = (
    "officials convoy border talks ministry troops village ceasefire envoy statement drone "
    "pipeline harbour election parliament protest reporters region checkpoint artillery "
    "refugees corridor summit delegation sanctions exports grain energy bridge airport "
    "capital province mayor governor militia brigade patrol satellite images witnesses "
    "casualties hospital water power station negotiations mediators observers mission "
    "agreement deadline ultimatum blockade shipping insurers tanker coastline island strait "
    "garrison reservists budget loan currency inflation wheat fertiliser gas tariffs court "
    "ruling opposition coalition minister spokesman embassy consulate visa passport trade "
    "route highway railway depot warehouse fuel shortages queues residents families night "
    "morning weekend overnight sirens shelters schools markets farmers fishermen miners "
    "soldiers volunteers medics journalists analysts diplomats lawmakers prosecutors "
    "investigators inspectors monitors peacekeepers fighters rebels separatists police"
)
_SYLLABLE_TEXT = "ka lo mi ra te su no vi da pe ri go sa bu le tan mor vel hid zar qu en ost bri"
_SYLLABLES = _SYLLABLE_TEXT.split()


def _vocabulary(size: int = 12_000) -> tuple[tuple[str, ...], list[float]]:
    """A Zipf-distributed vocabulary: the news words at ranks 40, 55, 70, ... among
    pseudo-words, so word frequencies (and full-text hit counts) look like real text."""
    pseudo = (a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in _SYLLABLES)
    words = [next(pseudo) for _ in range(size)]
    for i, word in enumerate(_WORDS.split()):
        words[40 + 15 * i] = word
    cum, total = [], 0.0
    for rank in range(size):
        total += 1.0 / (rank + 1)
        cum.append(total)
    return tuple(words), cum


VOCABULARY, _CUM = _vocabulary()


@dataclass(frozen=True, slots=True)
class Escalation:
    """Plant a conflict burst: ``source`` against ``target`` from ``start`` to ``end``."""

    source: str
    target: str
    start: str
    end: str
    per_day: float = 5.0

    def days(self) -> list[date]:
        a, b = date.fromisoformat(self.start), date.fromisoformat(self.end)
        return [a + timedelta(d) for d in range((b - a).days + 1)]


@dataclass(slots=True)
class _Plan:
    """What an article says, before it is rendered into text and spans."""

    day: date | None
    outlet: int
    clauses: list[tuple[str, str, str, str]]  # (source, target, category, mode)
    fillers: list[int]
    body: list[str]
    quote_by: str | None
    genre: str
    hour: int
    serial: int
    byline: str = ""
    extra: list[str] = field(default_factory=list)


class _Text:
    """Builds a text piece by piece, remembering where each tagged piece landed."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.n = 0

    def add(self, s: str) -> tuple[int, int]:
        start = self.n
        self.parts.append(s)
        self.n += len(s)
        return start, self.n

    def text(self) -> str:
        return "".join(self.parts)


def _pick(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def _plan(rng: random.Random, day: date | None, serial: int,
          dyad: tuple[str, str] | None = None) -> _Plan:
    if dyad is None:
        a, b = rng.choice(HOT_PAIRS) if rng.random() < 0.7 else rng.sample(sorted(STATES), 2)
        if rng.random() < 0.5:
            a, b = b, a
        cats = [rng.choice(list(CATEGORIES)) for _ in range(rng.randint(1, 3))]
    else:
        a, b = dyad
        cats = [rng.choice(CONFLICT[3:]), rng.choice(CONFLICT)]
    clauses = [(a, b, c, _pick(rng, MODES)) if i % 2 == 0 else (b, a, c, _pick(rng, MODES))
               for i, c in enumerate(cats)]
    if dyad is not None:
        clauses[0] = (a, b, clauses[0][2], "actual")
    quote_by = a if a in LEADERS and rng.random() < 0.5 else None
    body = [" ".join(rng.choices(VOCABULARY, cum_weights=_CUM, k=rng.randint(10, 22)))
            .capitalize() + "."
            for _ in range(rng.randint(4, 9))]
    return _Plan(day, rng.randrange(len(OUTLETS)), clauses,
                 rng.sample(range(len(FILLER)), rng.randint(1, 3)), body, quote_by,
                 _pick(rng, GENRES), rng.randrange(24), serial)


def _render(plan: _Plan, rng: random.Random) -> Article:
    t = _Text()
    mentions: dict[str, list[ActorMention]] = {}
    events, sentences, quotes, claims = [], [], [], []
    if plan.byline:
        sentences.append(Sentence(span=Span(*t.add(plan.byline), plan.byline)))
        t.add(" ")
    for src, tgt, cat, mode in plan.clauses:
        quad, intensity, verbs = CATEGORIES[cat]
        s0 = t.add(MODE_LEAD[mode])[0]
        name_span = t.add(STATES[src][0])
        mentions.setdefault(src, []).append(ActorMention(*name_span, STATES[src][0], "name"))
        t.add(" ")
        verb = verbs[plan.serial % len(verbs)]
        trig = t.add(verb)
        t.add(" ")
        tspan = t.add(STATES[tgt][0])
        mentions.setdefault(tgt, []).append(ActorMention(*tspan, STATES[tgt][0], "name"))
        s1 = t.add(f" on {plan.day.strftime('%A') if plan.day else 'Monday'}.")[1]
        text_so_far = "".join(t.parts)
        sentence = Span(s0, s1, text_so_far[s0:s1])
        sentences.append(Sentence(span=sentence, subjectivity=round(rng.random(), 3)))
        events.append(Event(source=src, target=tgt, category=cat, quad_class=quad,
                            intensity=intensity, mode=mode,
                            evidence=Evidence(trigger=Span(*trig, verb), sentence=sentence)))
        claims.append(Claim(span=sentence, status=("asserted",),
                            source=ClaimSource(kind="author")))
        t.add(" ")
    if plan.quote_by:
        leader = LEADERS[plan.quote_by][0]
        t.add('"')
        words = "We will defend our people and answer every provocation"
        content = t.add(words)
        t.add('," said ')
        who = t.add(leader)
        t.add(".")
        pid = f"person:{leader.split()[-1].lower()}"
        mentions.setdefault(pid, []).append(ActorMention(*who, leader, "name"))
        quotes.append(Quote(id="q1", kind="direct", content=Span(*content, words),
                            speaker=Speaker(text=Span(*who, leader), name=leader, actor=pid)))
        t.add(" ")
    for line in plan.body + [FILLER[i] for i in plan.fillers + [int(x) for x in plan.extra]]:
        start, end = t.add(line)
        sentences.append(Sentence(span=Span(start, end, line)))
        t.add(" ")
    text = t.text().rstrip()
    actors = []
    for aid, ms in mentions.items():
        if aid.startswith("person:"):
            state = next(s for s, (n, _) in LEADERS.items() if aid.endswith(n.split()[-1].lower()))
            actors.append(Actor(id=aid, name=LEADERS[state][0], kind="person", belongs_to=state,
                                role=LEADERS[state][1], mentions=tuple(ms)))
        else:
            actors.append(Actor(id=aid, name=STATES[aid][0], kind="state", mentions=tuple(ms)))
    outlet, domain = OUTLETS[plan.outlet]
    a, b = plan.clauses[0][:2]
    title = f"{STATES[a][0]} and {STATES[b][0]}: {plan.clauses[0][2].lower()} ({plan.serial})"
    published = None
    if plan.day is not None:
        published = f"{plan.day.isoformat()}T{plan.hour:02d}:{plan.serial % 60:02d}:00+02:00"
    meta = Metadata(title=title, outlet=outlet, published=published, language="en",
                    url=f"https://{domain}/{plan.serial}", authors=("Staff",))
    return Article(text=text, source=f"synthetic:{plan.serial}", metadata=meta,
                   analyzers=("sentences.v1", "actors.v1", "quotes.v1", "claims.v1", "events.v1",
                              "persuasion.v1"),
                   actors=tuple(actors), quotes=tuple(quotes), sentences=tuple(sentences),
                   claims=tuple(claims), events=tuple(events),
                   genre=Genre(label=plan.genre, score=0.9))


def generate(n: int, seed: int = 0, *, escalations: Sequence[Escalation] = (),
             start: str = "2021-01-01", days: int = 5 * 365, dup_rate: float = 0.1,
             undated_rate: float = 0.02) -> Iterator[Article]:
    """``n`` analysed articles in publication order (undated ones interleaved)."""
    rng = random.Random(seed)
    first = date.fromisoformat(start)
    planted: list[tuple[date, tuple[str, str]]] = []
    for esc in escalations:
        for d in esc.days():
            k = _poisson(rng, esc.per_day)
            planted += [(d, (esc.source, esc.target))] * k
    base = max(n - len(planted), 0)
    offsets = sorted(rng.randrange(days) for _ in range(base))
    slots: list[tuple[date, tuple[str, str] | None]] = [(first + timedelta(o), None)
                                                        for o in offsets]
    slots = sorted(slots + planted[:n], key=lambda s: s[0])
    recent: deque[_Plan] = deque(maxlen=50)
    for serial, (day, dyad) in enumerate(slots):
        undated = rng.random() < undated_rate
        if dyad is None and recent and rng.random() < dup_rate:
            plan = _copy(rng, rng.choice(recent), serial)
        else:
            plan = _plan(rng, None if undated else day, serial, dyad)
            recent.append(plan)
        yield _render(plan, rng)


def _copy(rng: random.Random, orig: _Plan, serial: int) -> _Plan:
    """A syndicated copy: another outlet, same clauses, a byline or one more sentence."""
    outlet = (orig.outlet + rng.randrange(1, len(OUTLETS))) % len(OUTLETS)
    copy = _Plan(orig.day, outlet, list(orig.clauses), list(orig.fillers), list(orig.body),
                 orig.quote_by,
                 orig.genre, orig.hour, serial)
    if rng.random() < 0.5:
        copy.byline = f"By {OUTLETS[outlet][0]} staff."
    else:
        copy.extra = [str(rng.randrange(len(FILLER)))]
    return copy


def _poisson(rng: random.Random, lam: float) -> int:
    k, p, limit = 0, 1.0, pow(2.718281828459045, -lam)
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def load(db: str | Path, n: int, seed: int = 0, *, escalations: Sequence[Escalation] = (),
         batch: int = 1000, hooks: Sequence[Any] = (),
         progress: Callable[[int], None] | None = None, **gen: Any) -> dict[str, Any]:
    """Generate ``n`` articles into the store at ``db``, ``batch`` per transaction."""
    from flashpoint.store import Store

    started = time.perf_counter()
    counts: dict[str, int] = {}
    pending: list[Article] = []
    with Store.open(db) as store:
        for article in generate(n, seed, escalations=escalations, **gen):
            pending.append(article)
            if len(pending) >= batch:
                _flush(store, pending, hooks, counts)
                if progress:
                    progress(sum(counts.values()))
        if pending:
            _flush(store, pending, hooks, counts)
    return {"articles": n, "seconds": round(time.perf_counter() - started, 1), **counts}


def _flush(store: Any, pending: list[Article], hooks: Sequence[Any],
           counts: dict[str, int]) -> None:
    for r in store.add_many(pending, hooks=hooks):
        key = "near_duplicates" if r.near_duplicate and r.added else r.status
        counts[key] = counts.get(key, 0) + 1
    pending.clear()


def _escalation(value: str) -> Escalation:
    parts = value.split(":")
    if len(parts) not in (4, 5):
        raise argparse.ArgumentTypeError("expected SOURCE:TARGET:START:END[:PER_DAY]")
    return Escalation(*parts[:4], float(parts[4]) if len(parts) == 5 else 5.0)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", required=True, help="The store to fill (created if missing).")
    p.add_argument("-n", type=int, default=100_000, help="Articles (default 100000).")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch", type=int, default=1000, help="Articles per transaction.")
    p.add_argument("--escalate", type=_escalation, action="append", default=[],
                   metavar="SRC:TGT:START:END[:PER_DAY]")
    args = p.parse_args(argv)

    def show(k: int) -> None:
        print(f"\r{k} articles", end="", file=sys.stderr, flush=True)

    result = load(args.db, args.n, args.seed, escalations=args.escalate, batch=args.batch,
                  progress=show if sys.stderr.isatty() else None)
    print(file=sys.stderr)
    print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
