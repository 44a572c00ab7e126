"""Evaluate the ``actors`` analyzer: re3d entity mentions and a hand-annotated metonymy set.

re3d (UK DSTL defence and geopolitics NER, CoNLL files under ``datasets/re3d``): every
``Person``, ``Organisation``, ``Location`` and ``Nationality`` span is a gold mention. A
sentence is rebuilt from its tokens (joined by spaces), parsed, and every actor mention the
analyzer finds is a prediction (pronoun coreference mentions excluded, since re3d does not
mark pronouns consistently). Metrics:

* ``re3d_precision``: predicted mentions overlapping a gold mention / predicted mentions;
* ``re3d_recall``: gold mentions overlapped by a predicted mention / gold mentions;
* ``re3d_f1`` their harmonic mean; ``re3d_exact_*`` the same with exact span equality;
* ``re3d_recall_<type>``: recall per gold type.

Metonymy (``flashpoint/data/eval/metonymy.jsonl``, our own sentences): each capital or
seat of government is labelled ``agent`` (stands for a government, with its actor id) or
``place``. The analyzer predicts agent when it reports a ``capital``/``seat`` mention there.

* ``metonymy_accuracy``: correct readings / labelled mentions;
* ``metonymy_agent_precision``/``_recall``/``_f1``: for the agent reading;
* ``metonymy_actor_accuracy``: agent mentions resolved to the right actor id / agent gold.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..analyzers.actors import find_actors
from ..analyzers.actors.coref import PRONOUNS
from ..analyzers.actors.gazetteer import parse_day
from ..nlp import load
from . import default_datasets_dir, require

RE3D_TYPES = ("Person", "Organisation", "Location", "Nationality")
METONYMY_FILE = Path(__file__).resolve().parent.parent / "data" / "eval" / "metonymy.jsonl"
RESOLUTION_FILE = METONYMY_FILE.with_name("resolution.jsonl")


@dataclass(frozen=True, slots=True)
class Gold:
    start: int
    end: int
    label: str


def read_conll(path: Path) -> Iterator[tuple[str, list[Gold]]]:
    """Sentences of a CoNLL BIO file as (text, gold spans), tokens joined by spaces."""
    tokens: list[tuple[str, str]] = []
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if line:
            word, _, tag = line.rpartition("\t") if "\t" in line else line.rpartition(" ")
            tokens.append((word, tag))
            continue
        if tokens:
            yield _sentence(tokens)
            tokens = []


def _sentence(tokens: list[tuple[str, str]]) -> tuple[str, list[Gold]]:
    text, spans = "", []
    current: list[int] | None = None
    label = ""
    for word, tag in tokens:
        if text:
            text += " "
        start = len(text)
        text += word
        kind = tag[2:] if len(tag) > 2 else ""
        if tag.startswith("B-") or (tag.startswith("I-") and (current is None or kind != label)):
            if current is not None:
                spans.append(Gold(current[0], current[1], label))
            current, label = [start, len(text)], kind
        elif tag.startswith("I-") and current is not None:
            current[1] = len(text)
        else:
            if current is not None:
                spans.append(Gold(current[0], current[1], label))
            current = None
    if current is not None:
        spans.append(Gold(current[0], current[1], label))
    return text, [s for s in spans if s.label in RE3D_TYPES]


def _predicted(texts: list[str], keep_pronouns: bool = False
               ) -> list[list[tuple[int, int, str, str]]]:
    """(start, end, via, actor id) of every mention found in each text."""
    nlp = load()
    out: list[list[tuple[int, int, str, str]]] = []
    for doc in nlp.pipe(texts, batch_size=64):
        found: list[tuple[int, int, str, str]] = []
        for actor in find_actors(doc, None):
            for m in actor.mentions:
                if m.via == "coreference" and m.text.lower() in PRONOUNS and not keep_pronouns:
                    continue
                found.append((m.start, m.end, m.via, actor.id))
        out.append(found)
    return out


def _prf(tp_p: int, n_p: int, tp_g: int, n_g: int) -> tuple[float, float, float]:
    p = tp_p / n_p if n_p else 0.0
    r = tp_g / n_g if n_g else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_re3d(sentences: Iterable[tuple[str, list[Gold]]], keep_pronouns: bool = False
               ) -> dict[str, float]:
    data = list(sentences)
    preds = _predicted([t for t, _ in data], keep_pronouns)
    c: Counter[str] = Counter()
    for (_, golds), found in zip(data, preds, strict=True):
        pspans = [(s, e) for s, e, _, _ in found]
        c["pred"] += len(pspans)
        c["gold"] += len(golds)
        c["tp_pred"] += sum(any(_overlaps(p, (g.start, g.end)) for g in golds) for p in pspans)
        c["tp_pred_exact"] += sum(any(p == (g.start, g.end) for g in golds) for p in pspans)
        for g in golds:
            c[f"gold_{g.label}"] += 1
            if any(_overlaps(p, (g.start, g.end)) for p in pspans):
                c["tp_gold"] += 1
                c[f"tp_{g.label}"] += 1
            if (g.start, g.end) in pspans:
                c["tp_gold_exact"] += 1
    p, r, f = _prf(c["tp_pred"], c["pred"], c["tp_gold"], c["gold"])
    ep, er, ef = _prf(c["tp_pred_exact"], c["pred"], c["tp_gold_exact"], c["gold"])
    metrics = {"re3d_precision": p, "re3d_recall": r, "re3d_f1": f, "re3d_exact_precision": ep,
               "re3d_exact_recall": er, "re3d_exact_f1": ef,
               "re3d_sentences": float(len(data)), "re3d_gold_mentions": float(c["gold"])}
    for label in RE3D_TYPES:
        n = c[f"gold_{label}"]
        metrics[f"re3d_recall_{label.lower()}"] = c[f"tp_{label}"] / n if n else 0.0
    return metrics


def read_metonymy(path: Path, split: str = "all") -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if split == "all" or r.get("split") == split]


def score_metonymy(rows: list[dict[str, Any]], prefix: str = "metonymy") -> dict[str, float]:
    preds = _predicted([r["text"] for r in rows])
    c: Counter[str] = Counter()
    for row, found in zip(rows, preds, strict=True):
        for g in row["mentions"]:
            hits = [(via, aid) for s, e, via, aid in found if _overlaps((s, e), (g["start"],
                                                                                   g["end"]))
                    and via in ("capital", "seat")]
            agent = bool(hits)
            gold_agent = g["reading"] == "agent"
            c["n"] += 1
            c["correct"] += agent == gold_agent
            c["pred_agent"] += agent
            c["gold_agent"] += gold_agent
            c["tp"] += agent and gold_agent
            c["actor_ok"] += gold_agent and any(aid == g["actor"] for _, aid in hits)
    p, r, f = _prf(c["tp"], c["pred_agent"], c["tp"], c["gold_agent"])
    return {f"{prefix}_accuracy": c["correct"] / c["n"] if c["n"] else 0.0,
            f"{prefix}_agent_precision": p, f"{prefix}_agent_recall": r,
            f"{prefix}_agent_f1": f,
            f"{prefix}_actor_accuracy": c["actor_ok"] / c["gold_agent"] if c["gold_agent"]
            else 0.0,
            f"{prefix}_mentions": float(c["n"])}


def score_resolution(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Mention-level scores with actor ids, on sentences that carry a publication date.

    A gold mention lists the acceptable ids; an empty list marks a span that may or may not
    be reported (a place, a bare role) and is ignored on both sides.
    """
    nlp = load()
    c: Counter[str] = Counter()
    docs = nlp.pipe([r["text"] for r in rows], batch_size=64)
    for row, doc in zip(rows, docs, strict=True):
        day = parse_day(row.get("published"))
        found = [(m.start, m.end, a.id) for a in find_actors(doc, day) for m in a.mentions
                 if not (m.via == "coreference" and m.text.lower() in PRONOUNS)]
        golds = [g for g in row["mentions"] if g["actors"]]
        ignored = [(g["start"], g["end"]) for g in row["mentions"] if not g["actors"]]
        for s, e, aid in found:
            gold = [g for g in golds if _overlaps((s, e), (g["start"], g["end"]))]
            if not gold and any(_overlaps((s, e), span) for span in ignored):
                continue
            c["pred"] += 1
            c["tp_pred"] += any(aid in g["actors"] for g in gold)
        for g in golds:
            c["gold"] += 1
            c["tp_gold"] += any(_overlaps((s, e), (g["start"], g["end"])) and aid in g["actors"]
                                for s, e, aid in found)
    p, r, f = _prf(c["tp_pred"], c["pred"], c["tp_gold"], c["gold"])
    return {"resolution_precision": p, "resolution_recall": r, "resolution_f1": f,
            "resolution_mentions": float(c["gold"])}


def run(path: Path | None = None, **options: Any) -> dict[str, Any]:
    """Score on re3d (``split``: dev|test|train, ``limit`` sentences) and the metonymy set.

    ``path`` is the re3d folder (default ``<datasets>/re3d``); ``metonymy`` a JSONL file
    (default: the one shipped with flashpoint); ``metonymy_split``: dev|test|all.
    """
    folder = require(path if path is not None else default_datasets_dir() / "re3d")
    split = str(options.get("split", "dev"))
    sentences = list(read_conll(require(folder / f"{split}.txt")))
    limit = options.get("limit")
    if limit:
        sentences = sentences[: int(limit)]
    metrics = score_re3d(sentences, bool(options.get("keep_pronouns", False)))
    mpath = Path(options.get("metonymy", METONYMY_FILE))
    msplit = str(options.get("metonymy_split", "all"))
    metrics.update(score_metonymy(read_metonymy(mpath, msplit)))
    for part in ("dev", "test"):
        metrics.update(score_metonymy(read_metonymy(mpath, part), f"metonymy_{part}"))
    metrics.update(score_resolution(read_metonymy(RESOLUTION_FILE)))
    return {"metrics": metrics, "re3d_split": split, "metonymy_split": msplit,
            "data": {"re3d": str(folder), "metonymy": str(mpath)}}
