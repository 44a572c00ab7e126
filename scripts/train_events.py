"""Train the sentence quad-class model of the ``events`` analyzer on CAMEO penta-class data.

Usage (from the repository root)::

    .venv/bin/python scripts/train_events.py         # writes data/events/penta_model.json
    .venv/bin/python scripts/train_events.py --cv 5  # also prints 5-fold CV macro-F1
    .venv/bin/python scripts/train_events.py --spans # also data/events/span_model.json

The recipe (TF-IDF over words, word bigrams and PLOVER lexicon pseudo-words;
multinomial logistic regression, C=30, class-balanced, newton-cg, which is
deterministic) lives in :mod:`flashpoint.evaluation.events` so that training
and evaluation cannot drift apart. ``--spans`` then trains the main event's
argument-span chooser (:mod:`flashpoint.analyzers.events.spans`): the events
pipeline, with the quad-class model just written, is run over CAMEO
``actors_train.txt`` and per role a logistic regression and a ranking (conditional
logit over each sentence's candidates) are fitted on the candidate phrases of every
main event, labelled by the gold S and T tokens.
The weights are written as JSON, read at run time by
:mod:`flashpoint.analyzers.events.classifier` and :mod:`.spans` without
scikit-learn.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flashpoint.evaluation import default_datasets_dir  # noqa: E402
from flashpoint.evaluation import events as recipe  # noqa: E402

OUT = ROOT / "flashpoint" / "data" / "events" / "penta_model.json"
SPANS_OUT = OUT.with_name("span_model.json")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path,
                    default=default_datasets_dir() / "cameo" / "penta_train.tsv")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--cv", type=int, default=0, help="also report k-fold CV macro-F1")
    ap.add_argument("--spans", action="store_true",
                    help="also train the argument-span chooser on cameo/actors_train.txt")
    ap.add_argument("--spans-out", type=Path, default=SPANS_OUT)
    args = ap.parse_args(argv)

    texts, labels = recipe.read_penta(args.data)
    data = recipe.train_model(texts, labels)
    vocabulary = data["vocabulary"]
    args.out.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB, {len(vocabulary)} features, "
          f"{len(texts)} sentences)")
    if args.spans:
        _train_spans(args.data, args.out, args.spans_out)
    if args.cv:
        scores = recipe.penta(args.data, folds=args.cv)
        print(json.dumps({k: round(v, 4) for k, v in scores.items()}, indent=1))
    return 0


def _train_spans(penta: Path, model_path: Path, out: Path) -> None:
    """Fit the span chooser on the main events the pipeline finds with the new penta model."""
    from flashpoint.analyzers.events.classifier import PentaModel
    from flashpoint.analyzers.events.spans import recording, use_span_model

    data = recipe.read_bio(penta.with_name("actors_train.txt"))
    texts, offsets = recipe._bio_texts(data)
    model = PentaModel(json.loads(model_path.read_text("utf-8")))
    with recording() as records, use_span_model(None):
        recipe._run_folds(texts, [0] * len(texts), [model], "actors")
    rows = {t: i for i, t in enumerate(texts)}
    examples = recipe.span_examples(records, data, offsets, rows)
    spans = recipe.train_spans(examples)
    out.write_text(json.dumps(spans, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
                   + "\n", "utf-8")
    sizes = {role: len(w) for role, w in spans["weights"].items()}
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB, features {sizes}, "
          f"{len(examples)} candidates of {len(data)} sentences)")


if __name__ == "__main__":
    raise SystemExit(main())
