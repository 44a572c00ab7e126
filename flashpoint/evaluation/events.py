"""Evaluation of the ``events`` family.

Two parts (see ``docs/events.md``):

* **penta**: on the CAMEO penta-class sentences (``cameo/penta_train.tsv``,
  ``sentence<TAB>label``, 0 no event, 1-4 the quad classes), the macro-F1 of
  the sentence's strongest event's quad class, by stratified k-fold
  cross-validation of the quad-class model (TF-IDF words + PLOVER cues,
  logistic regression; the same recipe ``scripts/train_events.py`` trains).
  Also reported: the lexicon alone (``penta_lexicon_macro_f1``: the most
  frequent quad class among the sentence's trigger words, no training).
* **pipeline**: what ``analyze`` outputs. Each penta sentence is run through the
  events pipeline (events and the analyzers it requires) and labelled with its
  ``main`` event's quad class, 0 when it has none (``pipeline_penta_*``, with a
  confusion matrix). The analyzer uses the quad-class model (gate, back-off and
  veto of the main event), which is trained on these sentences, so this is a
  stratified k-fold cross-validation: each fold is scored by a model trained on
  the others (:func:`fold_models`). On ``cameo/actors_train.txt`` (tokens tagged
  S source, T target, R reciprocal) the main event's ``evidence.source`` and
  ``evidence.target`` spans are scored by token F1 (``pipeline_source_token_f1``,
  ``pipeline_target_token_f1``), each sentence with the model of the fold it was
  held out of (most are also penta sentences).
* **coded**: on ``flashpoint/data/eval/events_coded.jsonl``, sentences we
  wrote and coded by hand (gold trigger, PLOVER category, source, target,
  mode), the full pipeline is run and each gold event is matched to the
  predicted event whose trigger overlaps the gold trigger. Reported:
  ``category_accuracy``, ``source_accuracy``, ``target_accuracy``,
  ``mode_accuracy`` (a missed event counts as wrong on all),
  ``trigger_recall``, ``spurious_rate`` (events predicted on sentences
  coded as having none, per such sentence) and ``no_event_clean_rate``
  (share of those sentences with no event at all). The same metrics with a
  ``blind_`` prefix come from ``events_coded_blind.jsonl`` (written after the
  rules were tuned on the first file; some lexicon gaps it revealed were
  filled later), with a ``heldout_`` prefix from ``events_coded_heldout.jsonl``
  and with ``heldout2_`` from ``events_coded_heldout2.jsonl`` (held out: never tuned on).
"""

from __future__ import annotations

import functools
import json
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import default_datasets_dir, require

CODED_PATH = Path(__file__).resolve().parent.parent / "data" / "eval" / "events_coded.jsonl"
BLIND_PATH = CODED_PATH.with_name("events_coded_blind.jsonl")
"""Sentences written after the rules were tuned on ``CODED_PATH``; a few lexicon gaps they
showed were filled afterwards, so they are no longer fully blind."""
HELDOUT_PATH = CODED_PATH.with_name("events_coded_heldout.jsonl")
"""Sentences written after every rule and lexicon change of 2026-12-06's first rounds; scored
after each round since, never tuned on."""
HELDOUT2_PATH = CODED_PATH.with_name("events_coded_heldout2.jsonl")
"""A second held-out set, written and coded from the guidelines by another writer before the
third round's results were seen (docs/events.md); never tuned on."""
SEED = 13
C = 30.0
MIN_DF = 2


def read_penta(path: Path) -> tuple[list[str], list[int]]:
    """Sentences and labels of a penta-class TSV (``sentence<TAB>label``)."""
    texts: list[str] = []
    labels: list[int] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        sentence, sep, label = line.rpartition("\t")
        if sep and label.strip().isdigit():
            texts.append(sentence)
            labels.append(int(label))
    return texts, labels


def build_estimator() -> Any:
    """The untrained quad-class pipeline (TF-IDF 1-2 grams + logistic regression)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=MIN_DF),
        LogisticRegression(C=C, max_iter=3000, class_weight="balanced", solver="newton-cg"),
    )


DIGITS = 5


def category_prior(texts: Sequence[str], labels: Sequence[int]) -> dict[str, str]:
    """Quad class -> the commonest lexicon cue category among the sentences labelled with it
    (weak supervision: the label gives the class, the lexicon the category)."""
    from ..analyzers.events.classifier import cue_words
    from ..analyzers.events.plover import PENTA
    from ..analyzers.events.plover import load as load_lexicon

    lex = load_lexicon()
    quads = {v: k for k, v in PENTA.items()}
    counts: dict[str, Counter[str]] = {q: Counter() for q in PENTA}
    for text, label in zip(texts, labels, strict=True):
        if label in quads:
            counts[quads[label]].update(
                c for c in (w[len("plovc_"):].upper() for w in cue_words(text)
                            if w.startswith("plovc_")) if lex.quad(c) == quads[label])
    return {q: max(sorted(c), key=lambda k: c[k]) for q, c in counts.items() if c}


def train_model(texts: Sequence[str], labels: Sequence[int]) -> dict[str, Any]:
    """Fit the quad-class recipe and return its weights as the JSON structure the analyzer
    reads (:class:`flashpoint.analyzers.events.classifier.PentaModel`)."""
    from ..analyzers.events.classifier import featurize

    model = build_estimator()
    model.fit([featurize(t) for t in texts], list(labels))
    vectorizer, classifier = model[0], model[-1]
    vocabulary = {term: int(j) for term, j in sorted(vectorizer.vocabulary_.items())}
    return {
        "_doc": "Quad-class model of flashpoint's events analyzer; made by scripts/train_events.py "
                "from CAMEO penta-class sentences (ConfliBERT evaluation data, Hu et al. 2022).",
        "classes": [int(c) for c in classifier.classes_],
        "ngram_max": 2,
        "category_prior": category_prior(texts, labels),
        "vocabulary": vocabulary,
        "idf": [round(float(v), DIGITS) for v in vectorizer.idf_],
        "coef": [[round(float(v), DIGITS) for v in row] for row in classifier.coef_],
        "intercept": [round(float(v), DIGITS) for v in classifier.intercept_],
    }


def _penta_path(path: Path | None) -> Path:
    if path is None:
        return require(default_datasets_dir() / "cameo" / "penta_train.tsv")
    if path.is_dir():
        return require(path / "cameo" / "penta_train.tsv") if (path / "cameo").is_dir() \
            else require(path / "penta_train.tsv")
    return require(path)


def lexicon_label(text: str) -> int:
    """The penta label the lexicon alone gives: the commonest quad class of the trigger words."""
    from ..analyzers.events.classifier import cue_words
    from ..analyzers.events.plover import PENTA

    quads = Counter(w[len("plovq_"):] for w in cue_words(text) if w.startswith("plovq_"))
    if not quads:
        return 0
    return PENTA[max(sorted(quads), key=lambda q: quads[q])]


def penta(path: Path | None = None, folds: int = 5) -> dict[str, Any]:
    """Cross-validated macro-F1 of the quad-class model on a penta-class TSV."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from ..analyzers.events.classifier import featurize

    texts, labels = read_penta(_penta_path(path))
    features = [featurize(t) for t in texts]
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    predicted = cross_val_predict(build_estimator(), features, labels, cv=cv)
    lexical = [lexicon_label(t) for t in texts]
    per_class = f1_score(labels, predicted, average=None, labels=[0, 1, 2, 3, 4], zero_division=0)
    return {
        "penta_macro_f1": float(f1_score(labels, predicted, average="macro")),
        "penta_accuracy": float(sum(p == g for p, g in zip(predicted, labels, strict=True))
                                / len(labels)),
        "penta_lexicon_macro_f1": float(f1_score(labels, lexical, average="macro")),
        **{f"penta_f1_class{k}": float(v) for k, v in enumerate(per_class)},
        "penta_sentences": float(len(labels)),
    }


def _events_pipeline() -> Any:
    """The pipeline ``analyze`` runs for events: events and the analyzers it requires."""
    from ..analyzers import registry
    from ..pipeline import Pipeline, select

    return Pipeline(select(registry(plugins=False), ["events"]))


def main_event(events: Sequence[Any]) -> Any | None:
    """The event marked ``main`` in a one-sentence article, or None (a sentence whose events
    the quad-class model gates out has none)."""
    marked = [e for e in events if getattr(e, "main", False)]
    return marked[0] if marked else None


def cameo_label(event: Any | None) -> int:
    """The penta label under CAMEO's convention for refusals: a negated cooperative event
    ("will not lift the ban", "failed to reach agreement") is a rejection (CAMEO 12, verbal
    conflict), where flashpoint keeps the negated category with ``mode: negated``."""
    from ..analyzers.events.plover import PENTA

    if event is None:
        return 0
    if event.mode == "negated" and event.quad_class.endswith("cooperation"):
        return PENTA["verbal_conflict"]
    return PENTA[event.quad_class]


def confusion(gold: Sequence[int], predicted: Sequence[int], k: int = 5) -> list[list[int]]:
    """Rows gold class, columns predicted class."""
    matrix = [[0] * k for _ in range(k)]
    for g, p in zip(gold, predicted, strict=True):
        matrix[g][p] += 1
    return matrix


def fold_models(path: Path | None = None, folds: int = 5) -> tuple[list[int], list[Any]]:
    """Each penta sentence's fold, and per fold the quad-class model trained on the others.

    Stratified k-fold with the seed of :func:`penta`; the models are what
    ``scripts/train_events.py`` would write if given those sentences only.
    """
    return _fold_models(_penta_path(path), folds)


@functools.lru_cache(maxsize=2)
def _fold_models(path: Path, folds: int) -> tuple[list[int], list[Any]]:
    from sklearn.model_selection import StratifiedKFold

    from ..analyzers.events.classifier import PentaModel

    texts, labels = read_penta(path)
    cv = StratifiedKFold(n_splits=max(2, min(folds, len(texts))), shuffle=True,
                         random_state=SEED)
    assigned = [0] * len(texts)
    models: list[Any] = []
    for k, (train, test) in enumerate(cv.split(texts, labels)):
        for i in test:
            assigned[i] = k
        models.append(PentaModel(train_model([texts[i] for i in train],
                                             [labels[i] for i in train])))
    return assigned, models


def _run_folds(texts: Sequence[str], assigned: Sequence[int], models: Sequence[Any],
               source: str, span_models: Sequence[Any] | None = None) -> list[Any]:
    """Run the events pipeline on each text with the model of the fold it was held out of
    (and that fold's span chooser when ``span_models`` is given)."""
    from ..analyzers.events.classifier import use_model
    from ..analyzers.events.spans import active_span_model, use_span_model
    from ..model import Article

    pipeline = _events_pipeline()
    articles: list[Any] = [None] * len(texts)
    for k, model in enumerate(models):
        chosen = [i for i, f in enumerate(assigned) if f == k]
        spans = active_span_model() if span_models is None else span_models[k]
        with use_model(model), use_span_model(spans):
            done = list(pipeline.run(Article(text=texts[i], source=source) for i in chosen))
        for i, article in zip(chosen, done, strict=True):
            articles[i] = article
    return articles


def pipeline_penta(path: Path | None = None, folds: int = 5) -> dict[str, Any]:
    """Penta macro-F1 of what ``analyze`` outputs: each sentence's main event's quad class.

    The events analyzer uses the quad-class model (gate and back-off of the main event),
    which is trained on these sentences, so each sentence is scored by a model trained on the
    other folds (``folds`` stratified folds, seed 13).
    """
    from sklearn.metrics import f1_score

    from ..analyzers.events.plover import PENTA

    texts, labels = read_penta(_penta_path(path))
    assigned, models = fold_models(path, folds)
    articles = _run_folds(texts, assigned, models, "penta")
    mains = [main_event(article.events) for article in articles]
    predicted = [0 if main is None else PENTA[main.quad_class] for main in mains]
    cameo = [cameo_label(main) for main in mains]
    per_class = f1_score(labels, predicted, average=None, labels=[0, 1, 2, 3, 4], zero_division=0)
    return {
        "metrics": {
            "pipeline_penta_macro_f1": float(f1_score(labels, predicted, average="macro")),
            "pipeline_penta_cameo_negation_macro_f1": float(
                f1_score(labels, cameo, average="macro")),
            "pipeline_penta_accuracy": float(
                sum(p == g for p, g in zip(predicted, labels, strict=True)) / len(labels)),
            **{f"pipeline_penta_f1_class{k}": float(v) for k, v in enumerate(per_class)},
        },
        "confusion": confusion(labels, predicted),
    }


def read_bio(path: Path) -> list[tuple[list[str], list[str]]]:
    """Sentences of a CoNLL-style BIO file (``token TAG`` lines, blank line between)."""
    sentences: list[tuple[list[str], list[str]]] = []
    tokens: list[str] = []
    tags: list[str] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        word, _, tag = line.strip().rpartition(" ")
        if not line.strip():
            if tokens:
                sentences.append((tokens, tags))
            tokens, tags = [], []
        elif word:
            tokens.append(word)
            tags.append(tag)
    return sentences


def _actors_path(path: Path | None) -> Path:
    if path is None:
        return require(default_datasets_dir() / "cameo" / "actors_train.txt")
    if path.is_dir():
        return require(path / "cameo" / "actors_train.txt") if (path / "cameo").is_dir() \
            else require(path / "actors_train.txt")
    return require(path.with_name("actors_train.txt"))


def _covered(offsets: Sequence[tuple[int, int]], span: Any | None) -> set[int]:
    if span is None:
        return set()
    return {i for i, (a, b) in enumerate(offsets) if a < span.end and span.start < b}


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / max(2 * tp + fp + fn, 1)


def _normal(text: str) -> str:
    return "".join(text.lower().split())


SPAN_C = 1.0
SPAN_THRESHOLD = 0.1
SPAN_MIN_F1 = 0.5
"""A candidate is a positive example of its role when its token F1 against the gold tokens
is at least this and within :data:`SPAN_SLACK` of the sentence's best candidate."""
SPAN_SLACK = 0.15
SPAN_MIN_WEIGHT = 0.05
"""Smaller weights are dropped (keeps the committed model small)."""


def _bio_texts(data: Sequence[tuple[list[str], list[str]]]) -> tuple[
        list[str], list[list[tuple[int, int]]]]:
    """Each BIO sentence as its tokens joined by spaces, and the tokens' character ranges."""
    texts, offsets = [], []
    for tokens, _ in data:
        pos, spans = 0, []
        for tok in tokens:
            spans.append((pos, pos + len(tok)))
            pos += len(tok) + 1
        texts.append(" ".join(tokens))
        offsets.append(spans)
    return texts, offsets


def _gold(tags: Sequence[str], role: str) -> tuple[set[int], set[int]]:
    """Gold token indices of a role (S or T) and the reciprocal (R) ones, which are neutral."""
    letter = role[0].upper()
    gold = {i for i, t in enumerate(tags) if t.endswith("-" + letter)}
    return gold, {i for i, t in enumerate(tags) if t.endswith("-R")}


def _token_f1(pred: set[int], gold: set[int]) -> float:
    return _f1(len(pred & gold), len(pred - gold), len(gold - pred))


def span_examples(records: Sequence[Any], data: Sequence[tuple[list[str], list[str]]],
                  offsets: Sequence[Sequence[tuple[int, int]]], rows: dict[str, int],
                  ) -> list[tuple[int, str, tuple[str, ...], int]]:
    """Training examples of the span chooser: (sentence row, role, features, label) for every
    candidate recorded on a BIO sentence; label 1 when its token F1 against the gold role
    tokens is at least :data:`SPAN_MIN_F1`."""
    from ..model import Span

    examples: list[tuple[int, str, tuple[str, ...], int]] = []
    for rec in records:
        row = rows.get(rec.text)
        if row is None:
            continue
        gold, neutral = _gold(data[row][1], rec.role)
        scores = [_token_f1(_covered(offsets[row], Span(c.start, c.end, rec.text[c.start:c.end]))
                            - neutral, gold) for c in rec.candidates]
        best = max(scores, default=0.0) - SPAN_SLACK
        for cand, f1 in zip(rec.candidates, scores, strict=True):
            label = int(bool(gold) and f1 >= SPAN_MIN_F1 and f1 >= best)
            examples.append((row, rec.role, cand.features, label))
    return examples


SPAN_RANK_L2 = 1.0
"""L2 penalty of the ranking weights (:func:`fit_ranking`)."""


def train_spans(examples: Sequence[tuple[int, str, tuple[str, ...], int]],
                note: str = "") -> dict[str, Any]:
    """Fit the span chooser and return the JSON structure
    :class:`flashpoint.analyzers.events.spans.SpanModel` reads: per role a logistic regression
    over candidate features (whether the best phrase is sure enough: the threshold) and a
    ranking over the same features (:func:`fit_ranking`: which phrase)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    from ..analyzers.events.spans import ROLES, to_json

    weights: dict[str, dict[str, float]] = {}
    rank: dict[str, dict[str, float]] = {}
    for role in ROLES:
        rows = [(f, y) for _, r, f, y in examples if r == role]
        if len({y for _, y in rows}) < 2:
            continue
        vec = DictVectorizer()
        x = vec.fit_transform([dict.fromkeys(f, 1.0) for f, _ in rows])
        clf = LogisticRegression(C=SPAN_C, max_iter=2000, fit_intercept=False)
        clf.fit(x, [y for _, y in rows])
        weights[role] = {name: round(float(w), 3) for name, w in
                         zip(vec.get_feature_names_out(), clf.coef_[0], strict=True)
                         if abs(w) >= SPAN_MIN_WEIGHT}
        rank[role] = fit_ranking([(g, f, y) for g, r, f, y in examples if r == role])
    return to_json(weights, dict.fromkeys(weights, SPAN_THRESHOLD), note or (
        "Argument-span chooser of flashpoint's events analyzer; made by "
        "scripts/train_events.py --spans from CAMEO actors_train.txt (S/T tags)."), rank)


def fit_ranking(rows: Sequence[tuple[int, tuple[str, ...], int]],
                l2: float = SPAN_RANK_L2) -> dict[str, float]:
    """Ranking weights over candidate features: (sentence, features, label) rows, grouped by
    sentence; maximises the softmax probability, among a sentence's candidates, of its
    positive ones (a conditional logit with several right answers; sentences without a
    positive are left out), with an L2 penalty. L-BFGS, deterministic."""
    import numpy as np
    from scipy import sparse
    from scipy.optimize import minimize
    from sklearn.feature_extraction import DictVectorizer

    positive = {g for g, _, y in rows if y}
    kept = [r for r in rows if r[0] in positive]
    if not kept:
        return {}
    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(f, 1.0) for _, f, _ in kept]).tocsr()
    y = np.array([float(lab) for _, _, lab in kept])
    _, group = np.unique([g for g, _, _ in kept], return_inverse=True)
    member = sparse.csr_matrix((np.ones(len(group)), (group, np.arange(len(group)))))

    def loss(w: Any) -> tuple[float, Any]:
        e = np.exp(np.clip(x @ w, -30.0, 30.0))
        total, right = member @ e, member @ (e * y)
        value = float(np.sum(np.log(total) - np.log(right)) + l2 / 2 * w @ w)
        grad = x.T @ (e / (member.T @ total) - e * y / (member.T @ right)) + l2 * w
        return value, grad

    fitted = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B",
                      options={"maxiter": 500})
    return {name: round(float(w), 3) for name, w in
            zip(vec.get_feature_names_out(), fitted.x, strict=True) if abs(w) >= SPAN_MIN_WEIGHT}


def _score_spans(data: Sequence[tuple[list[str], list[str]]],
                 offsets: Sequence[Sequence[tuple[int, int]]], articles: Sequence[Any],
                 ) -> dict[str, float]:
    counts: Counter[str] = Counter()
    for (_, tags), spans, article in zip(data, offsets, articles, strict=True):
        main = main_event(article.events)
        for role in ("source", "target"):
            gold, neutral = _gold(tags, role)
            span = getattr(main.evidence, role, None) if main is not None else None
            pred = _covered(spans, span) - neutral
            counts[role + "_tp"] += len(pred & gold)
            counts[role + "_fp"] += len(pred - gold)
            counts[role + "_fn"] += len(gold - pred)
    return {
        f"pipeline_{role}_token_f1": _f1(
            counts[role + "_tp"], counts[role + "_fp"], counts[role + "_fn"])
        for role in ("source", "target")
    }


def argument_spans(path: Path | None = None, folds: int = 5) -> dict[str, float]:
    """Token F1 of the main event's source and target spans against gold S and T tags.

    Sentences are the tokens joined by spaces; a token is predicted when the span overlaps
    it. Tokens tagged R (reciprocal) are neither gold nor counted as errors. Most of these
    sentences are also penta sentences: each is run with the quad-class model of the fold
    it was held out of there (the others with fold ``i mod folds``). The span chooser is
    trained inside the same folds: a first run with the rules' phrases (``rules_*``) records
    every main event's candidates; each fold's chooser is trained on the other folds'
    candidates and the fold is run again with it (the ``pipeline_*`` figures).
    """
    from ..analyzers.events.spans import SpanModel, recording, use_span_model

    data = read_bio(_actors_path(path))
    texts, offsets = _bio_texts(data)
    penta_texts, _ = read_penta(_penta_path(path))
    assigned, models = fold_models(path, folds)
    fold_of = {_normal(t): f for t, f in zip(penta_texts, assigned, strict=True)}
    in_fold = [fold_of.get(_normal(t), i % folds) for i, t in enumerate(texts)]
    with recording() as records, use_span_model(None):
        ruled = _run_folds(texts, in_fold, models, "actors")
    rows = {t: i for i, t in enumerate(texts)}
    examples = span_examples(records, data, offsets, rows)
    span_models = [SpanModel(train_spans([e for e in examples if in_fold[e[0]] != k]))
                   for k in range(len(models))]
    learned = _run_folds(texts, in_fold, models, "actors", span_models)
    rules = {f"rules_{k[len('pipeline_'):]}": v
             for k, v in _score_spans(data, offsets, ruled).items()}
    return _score_spans(data, offsets, learned) | rules | {
        "argument_sentences": float(len(data))}


def read_coded(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _same_actor(predicted: str | None, gold: str | None, owners: dict[str, str]) -> bool:
    """Equal ids, or the predicted actor belongs to the gold one (a ministry, a leader)."""
    if predicted == gold:
        return True
    seen = 0
    while predicted is not None and predicted in owners and seen < 4:
        predicted = owners[predicted]
        seen += 1
        if predicted == gold:
            return True
    return False


def coded(path: Path | None = None) -> dict[str, Any]:
    """Category/source/target/mode accuracy of the full pipeline on the hand-coded sentences."""
    from ..analyzers import registry
    from ..model import Article
    from ..pipeline import Pipeline

    items = read_coded(require(path or CODED_PATH))
    pipeline = Pipeline(registry(plugins=False))
    articles = list(pipeline.run(Article(text=item["text"], source="coded") for item in items))
    hits: Counter[str] = Counter()
    gold_events = spurious = empty = clean = 0
    errors: list[dict[str, Any]] = []
    for item, article in zip(items, articles, strict=True):
        owners = {a.id: a.belongs_to for a in article.actors if a.belongs_to}
        if not item["events"]:
            empty += 1
            spurious += len(article.events)
            clean += not article.events
        for gold in item["events"]:
            gold_events += 1
            result = _score(item["text"], gold, article.events, owners)
            hits.update(k for k, ok in result.items() if ok)
            if not all(result.values()):
                errors.append({"text": item["text"], "gold": gold, "wrong": sorted(
                    k for k, ok in result.items() if not ok)})
    n = max(gold_events, 1)
    metrics = {f"{k}_accuracy": hits[k] / n for k in ("category", "source", "target", "mode")}
    metrics["trigger_recall"] = hits["trigger"] / n
    metrics["spurious_rate"] = spurious / max(empty, 1)
    metrics["no_event_clean_rate"] = clean / max(empty, 1)
    metrics["coded_sentences"] = float(len(items))
    metrics["coded_events"] = float(gold_events)
    return {"metrics": metrics, "errors": errors}


def _score(text: str, gold: dict[str, Any], predicted: Sequence[Any],
           owners: dict[str, str]) -> dict[str, bool]:
    start = text.find(gold["trigger"])
    end = start + len(gold["trigger"])
    matches = [e for e in predicted
               if e.evidence.trigger.start < end and start < e.evidence.trigger.end]
    if not matches:
        return {"trigger": False, "category": False, "source": False, "target": False,
                "mode": False}

    def agree(e: Any) -> int:
        return (_same_actor(e.source, gold["source"], owners)
                + _same_actor(e.target, gold["target"], owners))

    best = max(matches, key=agree)
    return {
        "trigger": True,
        "category": best.category == gold["category"],
        "source": _same_actor(best.source, gold["source"], owners),
        "target": _same_actor(best.target, gold["target"], owners),
        "mode": best.mode == gold.get("mode", "actual"),
    }


def run(path: Path | None = None, **options: Any) -> dict[str, Any]:
    """All parts; ``options``: ``folds`` (default 5, also the pipeline-level folds),
    ``coded_path``, ``skip_penta``, ``skip_pipeline`` (the pipeline-level penta and
    argument-span scores), ``skip_blind``."""
    began = time.perf_counter()
    metrics: dict[str, float] = {}
    errors: list[dict[str, Any]] = []
    confusion_matrix: list[list[int]] = []
    if not options.get("skip_penta"):
        metrics.update(penta(path, folds=int(options.get("folds", 5))))
    if not options.get("skip_pipeline"):
        folds = int(options.get("folds", 5))
        scored_penta = pipeline_penta(path, folds=folds)
        metrics.update(scored_penta["metrics"])
        confusion_matrix = scored_penta["confusion"]
        metrics.update(argument_spans(path, folds=folds))
    coded_path = options.get("coded_path")
    result = coded(Path(coded_path) if coded_path else None)
    metrics.update(result["metrics"])
    errors = result["errors"]
    for prefix, extra in (("blind", BLIND_PATH), ("heldout", HELDOUT_PATH),
                          ("heldout2", HELDOUT2_PATH)):
        if not options.get("skip_blind") and extra.exists():
            scored = coded(extra)
            metrics.update({f"{prefix}_{k}": v for k, v in scored["metrics"].items()})
    return {
        "metrics": metrics,
        "errors": errors[:50],
        "pipeline_penta_confusion": confusion_matrix,
        "seconds": round(time.perf_counter() - began, 1),
        "split": "penta: cameo/penta_train.tsv, stratified k-fold CV of the sentence classifier; "
                 "pipeline: penta_train.tsv and actors_train.txt, k-fold CV (the analyzer's "
                 "quad-class model trained on the other folds); coded: events_coded.jsonl "
                 "(dev), events_coded_blind.jsonl, events_coded_heldout.jsonl and "
                 "events_coded_heldout2.jsonl (held out), with "
                 "the packaged model",
    }
