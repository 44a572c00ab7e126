"""Train the propaganda-technique model on the PTC train split and save it in the package.

    .venv/bin/python scripts/train_techniques.py [--ptc ../shared/datasets/ptc2020]
        [--out flashpoint/data/techniques]

Deterministic (fixed seeds, stateless feature hashing); takes a few minutes on
a laptop CPU. The output is three small files: ``tagger.npz`` (span
identification), ``classifier.npz`` (technique classification) and
``model.json`` (decoding thresholds and training facts).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from flashpoint.evaluation import default_datasets_dir
from flashpoint.techniques import ptc
from flashpoint.techniques.model import DATA_DIR, save_model
from flashpoint.techniques.train import CLASSIFIER_C, SEED, TAGGER_C, train


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ptc", type=Path, default=default_datasets_dir() / "ptc2020")
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args()
    t0 = time.time()
    texts = ptc.read_articles(args.ptc)
    items = ptc.read_tc_labels(args.ptc)
    if not texts or not items:
        raise SystemExit(f"no PTC articles/labels under {args.ptc}")
    model = train(texts, items)
    meta = {
        "data": "PTC v2 (SemEval-2020 Task 11) train split",
        "articles": len(texts),
        "spans": len(items),
        "seed": SEED,
        "tagger_C": TAGGER_C,
        "classifier_C": CLASSIFIER_C,
        "tagger_columns": len(model.tagger.columns),
        "classifier_columns": len(model.classifier.columns),
    }
    save_model(model, args.out, meta)
    print(f"trained on {len(texts)} articles, {len(items)} spans in {time.time() - t0:.0f}s "
          f"-> {args.out}")


if __name__ == "__main__":
    main()
