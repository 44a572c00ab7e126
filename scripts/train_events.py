"""Train the sentence quad-class model of the ``events`` analyzer on CAMEO penta-class data.

Usage (from the repository root)::

    .venv/bin/python scripts/train_events.py         # writes data/events/penta_model.json
    .venv/bin/python scripts/train_events.py --cv 5  # also prints 5-fold CV macro-F1

The recipe (TF-IDF over words, word bigrams and PLOVER lexicon pseudo-words;
multinomial logistic regression, C=30, class-balanced, newton-cg, which is
deterministic) lives in :mod:`flashpoint.evaluation.events` so that training
and evaluation cannot drift apart. The weights are written as JSON, read at
run time by :mod:`flashpoint.analyzers.events.classifier` without scikit-learn.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flashpoint.analyzers.events.classifier import featurize  # noqa: E402
from flashpoint.evaluation import default_datasets_dir  # noqa: E402
from flashpoint.evaluation import events as recipe  # noqa: E402

OUT = ROOT / "flashpoint" / "data" / "events" / "penta_model.json"
DIGITS = 5


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path,
                    default=default_datasets_dir() / "cameo" / "penta_train.tsv")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--cv", type=int, default=0, help="also report k-fold CV macro-F1")
    args = ap.parse_args(argv)

    texts, labels = recipe.read_penta(args.data)
    model = recipe.build_estimator()
    model.fit([featurize(t) for t in texts], labels)
    vectorizer, classifier = model[0], model[-1]
    vocabulary = {term: int(j) for term, j in sorted(vectorizer.vocabulary_.items())}
    data = {
        "_doc": "Quad-class model of flashpoint's events analyzer; made by scripts/train_events.py "
                "from CAMEO penta-class sentences (ConfliBERT evaluation data, Hu et al. 2022).",
        "classes": [int(c) for c in classifier.classes_],
        "ngram_max": 2,
        "vocabulary": vocabulary,
        "idf": [round(float(v), DIGITS) for v in vectorizer.idf_],
        "coef": [[round(float(v), DIGITS) for v in row] for row in classifier.coef_],
        "intercept": [round(float(v), DIGITS) for v in classifier.intercept_],
    }
    args.out.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB, {len(vocabulary)} features, "
          f"{len(texts)} sentences)")
    if args.cv:
        scores = recipe.penta(args.data, folds=args.cv)
        print(json.dumps({k: round(v, 4) for k, v in scores.items()}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
