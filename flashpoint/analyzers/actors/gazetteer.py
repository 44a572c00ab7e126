"""The actor gazetteer: curated tables of states, organisations, regions and office-holders.

The tables are CSV files in ``flashpoint/data/gazetteer/`` (each opens with ``#`` comment
lines naming its version and source). :func:`load` reads them once per process (and once per
user override file), normalises every surface form and compiles one dictionary from token
tuples to :class:`Alias` records, so that lookup during analysis is a dict probe per token.

Normalisation (:func:`normalise`) transliterates to ASCII with ``unidecode`` and case-folds,
so ``Erdoğan``/``Erdogan`` and ``Sünik``/``Sunik`` meet; spelling variants that are not mere
diacritics (``Syunik``/``Siunik``) are listed as aliases. Acronyms (``US``, ``WHO``) match
only in their exact capitalisation; other names must start with a capital letter in the text.

A user file (``--gazetteer FILE``, option ``gazetteer``) has the columns of
``organizations.csv`` (``id,name,kind,belongs_to,aliases``) plus optional ``via``, ``role``,
``start``, ``end``. A row whose id exists overrides that entry's name, kind and owner and adds
its aliases; a new id adds an entry; an alias written ``!Name`` removes that surface form from
every entry; rows of kind ``person`` with a ``role`` add a term of office.
"""

from __future__ import annotations

import calendar
import csv
import email.utils
import functools
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import cast

import spacy
from spacy.tokenizer import Tokenizer
from unidecode import unidecode

from ... import filecache
from ...errors import GazetteerError
from ...model import ActorKind, Via

TABLES_DIR = Path(__file__).resolve().parents[2] / "data" / "gazetteer"
KINDS: frozenset[str] = frozenset(
    {"state", "igo", "organization", "company", "person", "group", "region", "media"}
)
ROLES = (
    "head_of_state", "head_of_government", "foreign_minister", "defence_minister",
    "head_of_organization",
)
DEFAULT_TITLES = {
    "head_of_state": "president", "head_of_government": "prime minister",
    "foreign_minister": "foreign minister", "defence_minister": "defence minister",
    "head_of_organization": "secretary general",
}
_TABLE_VIA: dict[str, Via] = {"region": "region", "state": "name", "person": "leader"}
_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "‐": "-", "‑": "-", "–": "-", "—": "-"})


@dataclass(frozen=True, slots=True)
class Entry:
    """One canonical actor the gazetteer knows."""

    id: str
    name: str
    kind: ActorKind
    belongs_to: str | None = None
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Alias:
    """One surface form of an entry and how it is recognised."""

    entry: str
    via: Via
    exact: str | None = None
    """For acronyms: the only spelling accepted (``US`` but not ``us``)."""
    needs_ner: bool = False
    """Ambiguous word (``Victoria``, ``Male``): accepted only where spaCy tags it GPE."""
    capital_first: bool = True
    """The form starts with a capital letter, so the text must too (``al-Assad`` does not)."""


@dataclass(frozen=True, slots=True)
class Term:
    """A term of office: ``person`` held ``role`` for ``state`` from ``start`` to ``end``."""

    person: str
    state: str
    role: str
    start: date
    end: date | None
    title: str = ""
    """The usual English title of the office ("president", "chancellor", "king")."""

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(slots=True)
class Gazetteer:
    """Entries, a compiled alias index and the terms of office."""

    entries: dict[str, Entry] = field(default_factory=dict)
    index: dict[tuple[str, ...], list[Alias]] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    surnames: dict[str, set[str]] = field(default_factory=dict)
    by_tag: dict[tuple[str, str], str] = field(default_factory=dict)
    """(owner, tag) -> entry id, filled on first use of :meth:`tagged`."""
    demonyms: dict[str, str] = field(default_factory=dict)
    """State id -> its first listed adjective ("AZE" -> "Azerbaijani")."""
    max_len: int = 1
    firsts: Counter[str] = field(default_factory=Counter)
    """First word of each alias key -> how many keys start with it (a lookup starts only there)."""

    # -- building ------------------------------------------------------------------
    def add_entry(self, entry: Entry) -> None:
        self.entries[entry.id] = entry

    def add_alias(self, surface: str, alias: Alias) -> None:
        key = key_of(surface)
        if not key:
            return
        bucket = self.index.get(key)
        if bucket is None:
            bucket = self.index[key] = []
            self.firsts[key[0]] += 1
        if all((a.entry, a.via) != (alias.entry, alias.via) for a in bucket):
            bucket.append(alias)
        self.max_len = max(self.max_len, len(key))

    def remove_alias(self, surface: str) -> None:
        key = key_of(surface)
        if self.index.pop(key, None) is not None:
            self.firsts[key[0]] -= 1
            if not self.firsts[key[0]]:
                del self.firsts[key[0]]

    # -- lookup --------------------------------------------------------------------
    def lookup(self, surface: str) -> list[Alias]:
        """Every alias record whose surface form normalises like ``surface``."""
        return list(self.index.get(key_of(surface), ()))

    def find(self, words: Sequence[str]) -> Iterator[tuple[int, int, list[Alias]]]:
        """Longest matches, left to right, over normalised token texts ``words``."""
        i, n = 0, len(words)
        while i < n:
            for j in range(min(n, i + self.max_len), i, -1):
                hit = self.index.get(tuple(words[i:j]))
                if hit:
                    yield i, j, hit
                    i = j
                    break
            else:
                i += 1

    def holders(self, state: str, wanted: str | Iterable[str], on: date | None) -> list[str]:
        """People holding an office for ``state`` on day ``on`` (``None``: current holders).

        ``wanted`` names roles (``head_of_state``) or titles (``president``, ``chancellor``).
        """
        want = {wanted} if isinstance(wanted, str) else set(wanted)
        return sorted({t.person for t in self.terms if t.state == state and
                       (t.role in want or t.title in want) and _term_matches(t, on)})

    def tagged(self, owner: str, tag: str) -> str | None:
        """The entry owned by ``owner`` with ``tag`` ("military": a state's armed forces)."""
        if not self.by_tag:
            for entry in self.entries.values():
                for t in entry.tags:
                    self.by_tag.setdefault((entry.belongs_to or "", t), entry.id)
        return self.by_tag.get((owner, tag))

    def state_of(self, person: str, on: date | None) -> str | None:
        """The state (or organisation) ``person`` served on ``on``, else their latest."""
        terms = self.terms_of(person)
        live = [t for t in terms if _term_matches(t, on)]
        if live:
            return live[0].state
        if terms:
            return max(terms, key=lambda t: t.end or date.max).state
        entry = self.entries.get(person)
        return entry.belongs_to if entry else None

    def terms_of(self, person: str) -> list[Term]:
        return [t for t in self.terms if t.person == person]

    def pick_person(self, candidates: Iterable[str], on: date | None,
                    roles: Iterable[str] = ()) -> str | None:
        """Of several people, the one in office on ``on`` (preferring ``roles`` or titles).

        Two people in office on the day of a handover: the one who took office last. Nobody
        in office: the one whose last term ended most recently before ``on``.
        """
        cands = sorted(set(candidates))
        wanted = set(roles)
        for need_role in (True, False):
            starts = {p: max((t.start for t in self.terms_of(p) if _term_matches(t, on) and (
                not need_role or not wanted or t.role in wanted or t.title in wanted)),
                default=None) for p in cands}
            live = [(start, p) for p, start in starts.items() if start is not None]
            if live:
                return max(live)[1]
        if len(cands) == 1:
            return cands[0]
        dated = [(max((t.end or date.max) for t in self.terms_of(p)), p) for p in cands
                 if self.terms_of(p)]
        if not dated:
            return None
        if on is not None:
            before = [(end, p) for end, p in dated if end <= on]
            dated = before or dated
        return max(dated)[1]

    def accepts(self, alias: Alias, surface: str, ent_label: str) -> bool:
        """Whether ``surface`` (as written in the text) may be read as ``alias``."""
        if alias.needs_ner and ent_label != "GPE":
            return False
        flat = _SPACES.sub(" ", unidecode(surface.translate(_QUOTES))).strip()
        if alias.exact is not None:
            return flat == alias.exact
        letters = [c for c in flat if c.isalpha()]
        if not letters or not any(c.isupper() for c in letters):
            return False
        return letters[0].isupper() or not alias.capital_first


def _term_matches(term: Term, on: date | None) -> bool:
    return term.end is None if on is None else term.covers(on)


# -- normalisation ------------------------------------------------------------------

def normalise(text: str) -> str:
    """ASCII-transliterated, case-folded, whitespace-collapsed form of ``text``."""
    return _SPACES.sub(" ", unidecode(text.translate(_QUOTES))).strip().casefold()


@functools.lru_cache(maxsize=1)
def _tokenizer() -> Tokenizer:
    return cast(Tokenizer, spacy.blank("en").tokenizer)


@functools.lru_cache(maxsize=65536)
def key_of(surface: str) -> tuple[str, ...]:
    """The token tuple a surface form is indexed under (spaCy's English tokenisation)."""
    clean = surface.translate(_QUOTES).strip()
    return tuple(normalise(t.text) for t in _tokenizer()(clean) if not t.is_space)


_SUFFIXES = frozenset({"i", "ii", "iii", "iv", "v", "vi", "jr", "jr.", "sr", "sr."})


def surname_key(name: str) -> str:
    """The normalised last name of a full name (regnal numbers and Jr./Sr. skipped)."""
    toks = [t for t in key_of(name) if (t not in _SUFFIXES and t.isalpha()) or "-" in t]
    return toks[-1] if toks else normalise(name)


def _is_acronym(surface: str) -> bool:
    letters = [c for c in surface if c.isalpha()]
    return 0 < len(letters) <= 6 and all(c.isupper() for c in letters) and " " not in surface


def parse_day(text: str | None, *, end: bool = False) -> date | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a prefix of an ISO timestamp) as a date.

    Partial dates resolve to the first day of the period, or its last day when ``end``.
    """
    if not text:
        return None
    m = re.match(r"\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text)
    if not m:
        return _rfc2822_day(text)
    year = int(m.group(1))
    month = int(m.group(2) or (12 if end else 1))
    last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 28
    day = int(m.group(3) or (last if end else 1))
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _rfc2822_day(text: str) -> date | None:
    """The date of an e-mail/RSS style timestamp ("Tue, 05 Mar 2024 10:00:00 GMT")."""
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


# -- loading ------------------------------------------------------------------------

def read_table(path: Path) -> list[dict[str, str]]:
    """Rows of a gazetteer CSV; lines starting with ``#`` are comments."""
    text = path.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]


def table_header(path: Path) -> dict[str, str]:
    """The ``# key: value`` comment lines at the top of a table (version, source, ...)."""
    meta: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line.lstrip("# ").partition(":")
        if value:
            meta[key.strip()] = value.strip()
    return meta


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.split("|") if p.strip()]


def _alias(gaz: Gazetteer, surface: str, entry: str, via: Via) -> None:
    needs_ner = surface.endswith("?")
    surface = surface.rstrip("?")
    exact = unidecode(surface) if _is_acronym(surface) else None
    letters = [c for c in surface if c.isalpha()]
    cap = bool(letters) and letters[0].isupper()
    gaz.add_alias(surface, Alias(entry, via, exact, needs_ner, cap))


def _load_states(gaz: Gazetteer, rows: list[dict[str, str]]) -> None:
    for r in rows:
        sid = r["id"]
        gaz.add_entry(Entry(sid, r["name"], "state"))
        _alias(gaz, r["name"], sid, "name")
        for a in _split(r.get("aliases", "")):
            _alias(gaz, a, sid, "alias")
        for c in _split(r.get("capitals", "")):
            _alias(gaz, c, sid, "capital")
        for d in _split(r.get("demonyms", "")):
            _alias(gaz, d, sid, "demonym")
            gaz.demonyms.setdefault(sid, d.rstrip("?"))


def _load_entries(gaz: Gazetteer, rows: list[dict[str, str]], default_via: Via) -> None:
    for r in rows:
        kind = r.get("kind") or ("region" if default_via == "region" else "organization")
        if kind not in KINDS:
            raise GazetteerError(f"entry {r.get('id')!r}: kind {kind!r} is not one of "
                                 f"{sorted(KINDS)}")
        old = gaz.entries.get(r["id"])
        entry = Entry(r["id"], r.get("name") or (old.name if old else r["id"]),
                      cast(ActorKind, kind), r.get("belongs_to") or None,
                      frozenset(_split(r.get("tags", ""))))
        gaz.add_entry(entry)
        via = cast(Via, r.get("via") or _TABLE_VIA.get(kind, default_via))
        if r.get("name"):
            _alias(gaz, r["name"], entry.id, via)
        alias_via: Via = "alias" if via == "name" else via
        for a in _split(r.get("aliases", "")):
            if a.startswith("!"):
                gaz.remove_alias(a[1:])
            else:
                _alias(gaz, a, entry.id, alias_via)
        for d in _split(r.get("demonyms", "")):
            _alias(gaz, d, entry.id, "demonym")
        if kind == "person" and r.get("role"):
            _add_term(gaz, r, entry.id)


def _load_seats(gaz: Gazetteer, rows: list[dict[str, str]]) -> None:
    for r in rows:
        _alias(gaz, r["alias"], r["actor"], "seat")


def _add_term(gaz: Gazetteer, r: dict[str, str], person: str) -> None:
    start = parse_day(r.get("start"))
    if start is None or r.get("role") not in ROLES:
        raise GazetteerError(f"term of {person!r}: bad role {r.get('role')!r} or start "
                             f"{r.get('start')!r} (roles: {', '.join(ROLES)})")
    state = r.get("state") or r.get("belongs_to") or ""
    title = r.get("title") or DEFAULT_TITLES[r["role"]]
    gaz.terms.append(Term(person, state, r["role"], start, parse_day(r.get("end"), end=True),
                          title))


def _load_people(gaz: Gazetteer, rows: list[dict[str, str]]) -> None:
    for r in rows:
        pid = r["id"]
        gaz.add_entry(Entry(pid, r["name"], "person", r["state"]))
        _alias(gaz, r["name"], pid, "leader")
        for a in _split(r.get("aliases", "")):
            _alias(gaz, a, pid, "leader")
        gaz.surnames.setdefault(surname_key(r["name"]), set()).add(pid)
        _add_term(gaz, r, pid)


TABLES: tuple[tuple[str, str], ...] = (
    ("states.csv", "states"), ("regions.csv", "regions"), ("organizations.csv", "orgs"),
    ("seats.csv", "seats"), ("people.csv", "people"),
)


def build(user_file: Path | None = None) -> Gazetteer:
    """Read the shipped tables (and ``user_file``) into a fresh :class:`Gazetteer`."""
    gaz = Gazetteer()
    for filename, table in TABLES:
        rows = read_table(TABLES_DIR / filename)
        if table == "states":
            _load_states(gaz, rows)
        elif table == "regions":
            _load_entries(gaz, rows, "region")
        elif table == "orgs":
            _load_entries(gaz, rows, "org")
        elif table == "seats":
            _load_seats(gaz, rows)
        else:
            _load_people(gaz, rows)
    if user_file is not None:
        if not user_file.is_file():
            raise GazetteerError(f"user gazetteer {str(user_file)!r} not found; pass the path "
                                 "of a CSV with columns id,name,kind,belongs_to,aliases")
        _load_entries(gaz, read_table(user_file), "org")
        for r in read_table(user_file):
            if r.get("kind") == "person":
                gaz.surnames.setdefault(surname_key(r["name"]), set()).add(r["id"])
    return gaz


@functools.lru_cache(maxsize=8)
def _cached(user_file: str | None, mtime: float) -> Gazetteer:
    path = Path(user_file) if user_file else None
    try:
        parts = _build_inputs(path)
    except OSError:  # missing or unreadable: build() says what is wrong
        return build(path)
    return filecache.cached("gazetteer", parts, lambda: build(path))


def _build_inputs(user_file: Path | None) -> list[bytes | str]:
    """Everything :func:`build` reads: the tables, the user file, this module, the versions.

    Raises :class:`OSError` when the user file cannot be read (never the cached tables alone
    for a user file that is gone)."""
    parts: list[bytes | str] = [Path(__file__).read_bytes(), spacy.about.__version__,
                                unidecode_version()]
    parts += [(TABLES_DIR / filename).read_bytes() for filename, _ in TABLES]
    if user_file is not None:
        parts += ["user file", user_file.read_bytes()]
    return parts


def unidecode_version() -> str:
    """The installed unidecode's version (its tables decide every normalised form)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("Unidecode")
    except PackageNotFoundError:
        return "?"


def load(user_file: str | Path | None = None) -> Gazetteer:
    """The gazetteer, built once per process and user file (rebuilt if the file changes)."""
    if user_file is None or str(user_file) == "":
        return _cached(None, 0.0)
    path = Path(user_file)
    mtime = path.stat().st_mtime if path.exists() else -1.0
    return _cached(str(path), mtime)
