"""The typed data model: one immutable text, findings that point into it.

An :class:`Article` owns ``text``. Every finding (actor mention, quote, claim,
event, technique) refers to the text through :class:`Span` objects whose
``start``/``end`` are character offsets (end exclusive, Python slice
semantics). ``Span.text`` repeats ``article.text[start:end]`` so that JSON is
readable on its own; :meth:`Article.check_offsets` verifies that the two agree.

All classes are frozen, slotted dataclasses: cheap, picklable, comparable.
Analyzers never mutate an article; the pipeline builds a new one with
:func:`dataclasses.replace`. JSON conversion is generic (see :func:`to_json`
and :func:`from_json`) and follows the schema ``flashpoint.article/1``
documented in ``flashpoint/schema/article-1.schema.json``.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

from .errors import InvalidSpan, ModelError

SCHEMA_ID = "flashpoint.article/1"

ActorKind = Literal["state", "igo", "organization", "company", "person", "group", "region", "media"]
Via = Literal[
    "name", "alias", "capital", "seat", "demonym", "leader", "org", "region", "coreference"
]
QuoteKind = Literal["direct", "indirect", "mixed"]
VagueKind = Literal["media", "experts", "officials", "anonymous", "other"]
ClaimStatus = Literal[
    "asserted", "attributed", "hedged", "hypothetical", "prediction", "question", "negated",
    "boosted",
]
SourceKind = Literal["author", "person", "organization", "outlet", "vague", "anonymous"]
QuadClass = Literal[
    "verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict"
]
EventMode = Literal["actual", "alleged", "hypothetical", "future", "negated", "question"]
GenreLabel = Literal["opinion", "reporting", "satire"]

JSON = Any  # a value json.dumps accepts


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the article's text: ``text == article.text[start:end]``."""

    start: int
    end: int
    text: str

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise InvalidSpan(f"span ({self.start}, {self.end}) must satisfy 0 <= start < end")
        if len(self.text) != self.end - self.start:
            raise InvalidSpan(
                f"span ({self.start}, {self.end}) has text of length {len(self.text)}, "
                f"expected {self.end - self.start}"
            )

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        """The span of ``text[start:end]``; raises :class:`InvalidSpan` outside ``text``."""
        if not 0 <= start < end <= len(text):
            raise InvalidSpan(f"span ({start}, {end}) lies outside a text of length {len(text)}")
        return cls(start, end, text[start:end])

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True, slots=True)
class ActorMention:
    """One mention of an actor, and how it was recognised (``via``)."""

    start: int
    end: int
    text: str
    via: Via
    head: str | None = None
    """For ``via="demonym"``: the noun the adjective modifies ("media" in "Azerbaijani media")."""

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.text)


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    id: str
    name: str
    kind: ActorKind
    belongs_to: str | None = None
    mentions: tuple[ActorMention, ...] = ()
    role: str | None = None
    """For office-holders: the office held at the article's date (``head_of_state``, ...)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Speaker:
    text: Span | None = None
    name: str | None = None
    actor: str | None = None
    descriptor: Span | None = None
    vague: VagueKind | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    id: str
    kind: QuoteKind
    content: Span
    cue: Span | None = None
    speaker: Speaker = field(default_factory=Speaker)
    outlet: Span | None = None
    parts: tuple[Span, ...] = ()
    """The content's pieces when it is discontinuous (a quote split by "he said"); else empty."""
    score: float | None = None
    """Confidence of the cue (0-1) when a learned model found it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Sentence:
    span: Span
    subjectivity: float | None = None
    checkworthiness: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimSource:
    kind: SourceKind
    name: str | None = None
    actor: str | None = None
    quote: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    span: Span
    status: tuple[ClaimStatus, ...]
    source: ClaimSource
    cues: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    trigger: Span
    sentence: Span
    source: Span | None = None
    """The source argument as written (the phrase that names it), or ``None``."""
    target: Span | None = None
    """The target argument as written, or ``None``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    source: str | None
    target: str | None
    category: str
    quad_class: QuadClass
    intensity: float
    mode: EventMode
    evidence: Evidence
    quote: str | None = None
    main: bool = False
    """The event the sentence reports (at the root of its main clause); at most one a sentence."""
    confidence: float = 1.0
    """1.0 for a lexicon trigger; below 1 for a model-backed event (no lexicon trigger, the
    sentence classifier's probability of its quad class)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Technique:
    technique: str
    span: Span
    score: float
    explanation: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Genre:
    label: GenreLabel
    score: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Frame:
    label: str
    score: float
    cues: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    """An analyzer that failed on this article, and why. The article is still output."""

    analyzer: str
    code: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Metadata:
    title: str | None = None
    authors: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    outlet: str | None = None
    published: str | None = None
    language: str | None = None
    url: str | None = None
    extra: Mapping[str, JSON] = field(default_factory=dict)


def text_id(text: str) -> str:
    """The stable id of an article: a hash of its text, independent of where it came from."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """An article and everything found in it. ``text`` never changes after ingest."""

    text: str
    source: str
    metadata: Metadata = field(default_factory=Metadata)
    id: str = ""
    schema: str = SCHEMA_ID
    analyzers: tuple[str, ...] = ()
    actors: tuple[Actor, ...] = ()
    quotes: tuple[Quote, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    claims: tuple[Claim, ...] = ()
    events: tuple[Event, ...] = ()
    techniques: tuple[Technique, ...] = ()
    genre: Genre | None = None
    frames: tuple[Frame, ...] = ()
    failures: tuple[Failure, ...] = ()

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", text_id(self.text))

    def span(self, start: int, end: int) -> Span:
        """The :class:`Span` of ``text[start:end]``."""
        return Span.of(self.text, start, end)

    def spans(self) -> Iterator[tuple[str, Span | ActorMention]]:
        """Every span in the article's findings, with a path naming where it sits."""
        for name in RESULT_FIELDS:
            yield from _walk_spans(getattr(self, name), name)

    def check_offsets(self, fields: Iterable[str] | None = None) -> None:
        """Raise :class:`InvalidSpan` unless every span lies inside ``text`` and matches it.

        ``fields`` limits the check to those result fields (the pipeline checks what each
        analyzer produced); by default all of :data:`RESULT_FIELDS`.
        """
        n, text = len(self.text), self.text

        def fits(s: Span | ActorMention) -> bool:
            return 0 <= s.start < s.end <= n and text[s.start : s.end] == s.text

        for name in RESULT_FIELDS if fields is None else fields:
            value = getattr(self, name)
            if all(fits(s) for s in _spans_in(value)):
                continue
            path, s = next((p, s) for p, s in _walk_spans(value, name) if not fits(s))
            if not 0 <= s.start < s.end <= n:
                raise InvalidSpan(f"{path}: ({s.start}, {s.end}) outside text of length {n}")
            raise InvalidSpan(f"{path}: span text {s.text!r} differs from text[{s.start}:{s.end}] "
                              f"{text[s.start:s.end]!r}")


RESULT_FIELDS = (
    "actors", "quotes", "sentences", "claims", "events", "techniques", "genre", "frames",
)


def _walk_spans(value: object, path: str) -> Iterator[tuple[str, Span | ActorMention]]:
    if isinstance(value, (Span, ActorMention)):
        yield path, value
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from _walk_spans(item, f"{path}[{i}]")
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from _walk_spans(getattr(value, f.name), f"{path}.{f.name}")


def _spans_in(value: object) -> list[Span | ActorMention]:
    """The spans :func:`_walk_spans` finds in ``value``, without their paths (faster)."""
    out: list[Span | ActorMention] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (Span, ActorMention)):
            out.append(item)
        elif isinstance(item, tuple):
            stack.extend(item)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, name) for name in _field_names(type(item)))
    return out


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


# --- JSON conversion ---------------------------------------------------------------

T = TypeVar("T")


def to_json(obj: object) -> JSON:
    """Convert a model object to plain JSON values (dicts, lists, str, numbers, None)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_json(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (tuple, list)):
        return [to_json(v) for v in obj]
    if isinstance(obj, Mapping):
        return {str(k): to_json(v) for k, v in obj.items()}
    return obj


def article_to_json(article: Article) -> dict[str, JSON]:
    """The JSON object of one article, fields in schema order."""
    data: dict[str, JSON] = to_json(article)
    order = ("schema", "id", "source", "metadata", "text")
    return {**{k: data[k] for k in order}, **{k: v for k, v in data.items() if k not in order}}


def from_json(cls: type[T], data: JSON) -> T:
    """Build a model object of type ``cls`` from :func:`to_json` output.

    Unknown keys are rejected with a :class:`ModelError` that names them, so a
    typo in hand-written JSON does not pass silently.
    """
    return typing.cast(T, _convert(cls, data, cls.__name__))


def article_from_json(data: JSON) -> Article:
    return from_json(Article, data)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = get_type_hints(cls)
    return _HINTS[cls]


def _convert(tp: Any, data: JSON, path: str) -> Any:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = get_args(tp)
        if data is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _convert(inner, data, path)
    if origin is tuple:
        if not isinstance(data, list):
            raise ModelError(f"{path}: expected a list, got {type(data).__name__}")
        (inner, _) = get_args(tp)
        return tuple(_convert(inner, v, f"{path}[{i}]") for i, v in enumerate(data))
    if origin is Literal:
        if data not in get_args(tp):
            raise ModelError(f"{path}: {data!r} is not one of {get_args(tp)}")
        return data
    if (origin is not None and origin in (Mapping, dict)) or tp is Any:
        return data
    if dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise ModelError(f"{path}: expected an object, got {type(data).__name__}")
        hints = _hints(tp)  # type: ignore[arg-type]
        unknown = set(data) - set(hints)
        if unknown:
            raise ModelError(f"{path}: unknown field(s) {sorted(unknown)}")
        kwargs = {k: _convert(hints[k], v, f"{path}.{k}") for k, v in data.items()}
        try:
            return typing.cast(Any, tp)(**kwargs)
        except TypeError as exc:
            raise ModelError(f"{path}: {exc}") from None
    if tp is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    if isinstance(tp, type) and not isinstance(data, tp):
        raise ModelError(f"{path}: expected {tp.__name__}, got {type(data).__name__}")
    return data
