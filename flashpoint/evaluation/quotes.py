"""Score the ``quotes`` analyzer on PolNeAR (brat standoff attribution relations).

A PolNeAR split directory holds ``text/<slug>.txt`` and
``attributions/<slug>[_<annotator>].ann``. Each ``E`` line ties an attribution's
``Content``, ``Cue`` and (optional) ``Source`` text-bound annotations; a span
may be discontinuous (``start end;start end``). Articles annotated by several
annotators are scored against the first annotation file in name order.

Metrics (all micro-averaged over the split, see ``docs/quotes.md``):

* ``content_exact_*``: a predicted content matches a gold content when both
  cover exactly the same letters and digits (punctuation, quotation marks and
  whitespace at the edges or between fragments are ignored); one-to-one.
* ``content_overlap_*``: a predicted content matches a gold content when they
  share at least one letter or digit; predictions and golds are paired
  one-to-one, largest overlap first.
* ``cue_exact_*`` / ``cue_overlap_*``: the same two matchings for cue spans.
* ``source_*``: over the content-overlap pairs. ``source_precision`` is the
  share of pairs with a predicted speaker whose speaker is right;
  ``source_recall`` the share of pairs with a gold source whose speaker is
  right; right means the predicted speaker span overlaps the gold source span,
  or the predicted resolved name shares a capitalised word with it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..model import Article, Quote
from . import default_datasets_dir, require

Frags = tuple[tuple[int, int], ...]

_ANN_NAME = re.compile(r"^(?P<slug>.+?)(?:_(?P<annotator>[0-9a-f]{4}))?\.ann$")
_ROLE_NUMBER = re.compile(r"\d+$")


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    content: Frags
    cue: Frags = ()
    source: Frags = ()


@dataclass(frozen=True, slots=True)
class GoldArticle:
    slug: str
    text: str
    attributions: tuple[GoldAttribution, ...] = field(default_factory=tuple)


def read_polnear(split_dir: Path) -> list[GoldArticle]:
    """Every article of a PolNeAR split directory with its (first) annotation file."""
    anns: dict[str, list[Path]] = {}
    for p in sorted((split_dir / "attributions").glob("*.ann")):
        m = _ANN_NAME.match(p.name)
        if m:
            anns.setdefault(m["slug"], []).append(p)
    out = []
    for t in sorted((split_dir / "text").glob("*.txt")):
        files = anns.get(t.stem)
        if not files:
            continue
        text = t.read_text(encoding="utf-8")
        rels = parse_ann(files[0].read_text(encoding="utf-8"), len(text))
        out.append(GoldArticle(t.stem, text, tuple(rels)))
    return out


def parse_ann(data: str, text_len: int) -> list[GoldAttribution]:
    """Attribution relations of one brat ``.ann`` file (relations without content dropped)."""
    spans: dict[str, Frags] = {}
    events: list[dict[str, list[str]]] = []
    for line in data.splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if line.startswith("T"):
            frags = _parse_frags(parts[1].partition(" ")[2], text_len)
            if frags:
                spans[parts[0]] = frags
        elif line.startswith("E"):
            roles: dict[str, list[str]] = {}
            for arg in parts[1].split():
                key, _, ref = arg.partition(":")
                roles.setdefault(_ROLE_NUMBER.sub("", key), []).append(ref)
            events.append(roles)
    return [rel for roles in events if (rel := _relation(roles, spans)) is not None]


def _relation(roles: dict[str, list[str]], spans: dict[str, Frags]) -> GoldAttribution | None:
    def role(name: str) -> Frags:
        return tuple(sorted(f for ref in roles.get(name, []) for f in spans.get(ref, ())))

    content = role("Content")
    return GoldAttribution(content, role("Cue"), role("Source")) if content else None


def _parse_frags(ranges: str, text_len: int) -> Frags:
    out = []
    for piece in ranges.split(";"):
        bits = piece.split()
        if len(bits) != 2 or not all(b.isdigit() for b in bits):
            return ()
        a, b = int(bits[0]), int(bits[1])
        if 0 <= a < b <= text_len:
            out.append((a, b))
    return tuple(out)


# --- matching ----------------------------------------------------------------------------


def letters(text: str, frags: Iterable[tuple[int, int]]) -> frozenset[int]:
    """Offsets of the letters and digits covered by ``frags``."""
    return frozenset(i for a, b in frags for i in range(a, b) if text[i].isalnum())


def match_overlap(
    pred: Sequence[frozenset[int]], gold: Sequence[frozenset[int]]
) -> list[tuple[int, int]]:
    """One-to-one (pred, gold) pairs sharing a letter, largest overlap first."""
    pairs = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            n = len(p & g)
            if n:
                pairs.append((n, i, j))
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = []
    for _, i, j in sorted(pairs, key=lambda x: (-x[0], x[1], x[2])):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((i, j))
    return out


def match_exact(pred: Sequence[frozenset[int]], gold: Sequence[frozenset[int]]) -> int:
    """Number of one-to-one pairs covering exactly the same letters."""
    remaining: dict[frozenset[int], int] = {}
    for g in gold:
        if g:
            remaining[g] = remaining.get(g, 0) + 1
    hits = 0
    for p in pred:
        if remaining.get(p, 0):
            remaining[p] -= 1
            hits += 1
    return hits


def prf(tp: float, n_pred: float, n_gold: float, prefix: str) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {f"{prefix}_precision": p, f"{prefix}_recall": r, f"{prefix}_f1": f}


def quote_frags(q: Quote) -> Frags:
    if q.parts:
        return tuple((s.start, s.end) for s in q.parts)
    return ((q.content.start, q.content.end),)


@dataclass(slots=True)
class Counts:
    """Running totals for all metrics."""

    n_pred: int = 0
    n_gold: int = 0
    content_exact: int = 0
    content_overlap: int = 0
    n_pred_cue: int = 0
    n_gold_cue: int = 0
    cue_exact: int = 0
    cue_overlap: int = 0
    pairs_pred_src: int = 0
    pairs_gold_src: int = 0
    src_right_p: int = 0
    src_right_r: int = 0

    def add(self, text: str, quotes: Sequence[Quote], gold: Sequence[GoldAttribution]) -> None:
        pc = [letters(text, quote_frags(q)) for q in quotes]
        gc = [letters(text, g.content) for g in gold]
        self.n_pred += len(pc)
        self.n_gold += len(gc)
        self.content_exact += match_exact(pc, gc)
        pairs = match_overlap(pc, gc)
        self.content_overlap += len(pairs)
        pq = [letters(text, [(q.cue.start, q.cue.end)]) if q.cue else frozenset() for q in quotes]
        gq = [letters(text, g.cue) for g in gold]
        pq_, gq_ = [x for x in pq if x], [x for x in gq if x]
        self.n_pred_cue += len(pq_)
        self.n_gold_cue += len(gq_)
        self.cue_exact += match_exact(pq_, gq_)
        self.cue_overlap += len(match_overlap(pq_, gq_))
        for i, j in pairs:
            self._source(text, quotes[i], gold[j])

    def _source(self, text: str, q: Quote, g: GoldAttribution) -> None:
        has_pred = q.speaker.text is not None or q.speaker.name is not None
        has_gold = bool(g.source)
        self.pairs_pred_src += has_pred
        self.pairs_gold_src += has_gold
        if has_pred and has_gold and source_right(text, q, g):
            self.src_right_p += 1
            self.src_right_r += 1

    def metrics(self) -> dict[str, float]:
        m: dict[str, float] = {}
        m.update(prf(self.content_exact, self.n_pred, self.n_gold, "content_exact"))
        m.update(prf(self.content_overlap, self.n_pred, self.n_gold, "content_overlap"))
        m.update(prf(self.cue_exact, self.n_pred_cue, self.n_gold_cue, "cue_exact"))
        m.update(prf(self.cue_overlap, self.n_pred_cue, self.n_gold_cue, "cue_overlap"))
        m.update(prf(self.src_right_p, self.pairs_pred_src, self.pairs_gold_src, "source"))
        return m


_CAPWORD = re.compile(r"\b[A-Z][\w'’.-]+")


def source_right(text: str, q: Quote, g: GoldAttribution) -> bool:
    """Whether the predicted speaker is the gold source (span overlap or same name)."""
    gold = letters(text, g.source)
    sp = q.speaker
    if sp.text is not None and letters(text, [(sp.text.start, sp.text.end)]) & gold:
        return True
    if sp.name:
        names = set(_CAPWORD.findall(sp.name))
        gold_words = {w for a, b in g.source for w in _CAPWORD.findall(text[a:b])}
        return bool(names & gold_words)
    return False


# --- speaker resolution on a hand-written set --------------------------------------------

RESOLUTION_SET = Path(__file__).resolve().parent.parent / "data" / "quotes" / "resolution.jsonl"


def resolution_accuracy(path: Path = RESOLUTION_SET) -> dict[str, float]:
    """Share of the hand-written cases whose quote is found with the right resolved speaker.

    Each case is a short paragraph (written for flashpoint, not taken from any
    corpus) where a pronoun, a surname or a definite description (``the
    economist``) speaks; ``speaker`` is the full name it should resolve to.
    """
    from .. import nlp as backbone
    from ..analyzers.quotes import extract

    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    docs = backbone.parse_many(backbone.load(), (c["text"] for c in cases))
    right = found = 0
    for case, doc in zip(cases, docs, strict=True):
        hits = [q for q in extract(doc) if any(case["content"] in p.text
                                               for p in (q.parts or (q.content,)))]
        found += bool(hits)
        right += bool(hits) and hits[0].speaker.name == case["speaker"]
    n = len(cases) or 1
    return {"resolution_accuracy": right / n, "resolution_quote_found": found / n}


# --- running -----------------------------------------------------------------------------


def default_split(split: str = "dev") -> Path:
    return default_datasets_dir() / "polnear" / split


def analyse(articles: Sequence[GoldArticle], pipeline: bool = True) -> Iterator[Article]:
    """Analyse the gold texts (parsed with ``nlp.pipe``).

    With ``pipeline`` the registered analyzers up to ``quotes`` run through
    :class:`~flashpoint.pipeline.Pipeline` (so ``actors`` fill ``speaker.actor``);
    without, the quotes analyzer runs alone on each parsed ``Doc`` (faster; the
    scores are the same, since no metric reads actor ids).
    """
    from ..analyzers import registry
    from ..pipeline import Pipeline

    sources = (Article(text=a.text, source=f"polnear:{a.slug}") for a in articles)
    if not pipeline:
        from .. import nlp as backbone
        from ..analyzers.quotes import extract

        docs = backbone.parse_many(backbone.load(), (a.text for a in articles))
        for article, doc in zip(sources, docs, strict=True):
            yield replace(article, quotes=extract(doc))
        return
    analyzers = registry(plugins=False)
    names = [a.name for a in analyzers]
    upto = next(i for i, n in enumerate(names) if n.startswith("quotes.")) + 1
    yield from Pipeline(analyzers[:upto]).run(sources)


_PRONOUNS = frozenset({"he", "she", "him", "her", "they", "them"})


def run(
    path: Path | None = None, split: str = "dev", limit: int | None = None,
    pipeline: bool = True,
) -> dict[str, Any]:
    """Score the analyzer on a PolNeAR split directory (default: ``polnear/dev``).

    ``split`` picks ``polnear/<split>`` when ``path`` is not given (``train`` also
    works); ``limit`` scores only the first articles; ``pipeline=False`` runs the
    analyzer directly on the parse (see :func:`analyse`).
    """
    split_dir = require(path if path is not None else default_split(split))
    if not (split_dir / "attributions").is_dir():
        split_dir = require(split_dir / split)
    articles = read_polnear(split_dir)[:limit]
    began = time.monotonic()
    counts = Counts()
    failures = pronouns = resolved = 0
    for gold, article in zip(articles, analyse(articles, pipeline), strict=True):
        failures += sum(f.analyzer.startswith("quotes.") for f in article.failures)
        counts.add(gold.text, article.quotes, gold.attributions)
        for q in article.quotes:
            if q.speaker.text is not None and q.speaker.text.text.lower() in _PRONOUNS:
                pronouns += 1
                resolved += q.speaker.name is not None
    metrics = counts.metrics()
    metrics["pronoun_speakers_resolved"] = resolved / pronouns if pronouns else 0.0
    metrics.update(resolution_accuracy())
    return {
        "metrics": metrics,
        "dataset": str(split_dir),
        "articles": len(articles),
        "gold_attributions": counts.n_gold,
        "predicted_quotes": counts.n_pred,
        "failures": failures,
        "seconds": round(time.monotonic() - began, 1),
    }
