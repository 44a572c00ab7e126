"""Train the propaganda-technique model on the PTC train split and save it in the package.

    .venv/bin/python scripts/train_techniques.py [--ptc ../shared/datasets/ptc2020]
        [--out flashpoint/data/techniques]

Encodes every line of the PTC train articles once with the MiniLM encoder
(:func:`flashpoint.encoder.sentence_states`, the run-time backend, layers 4 and
5), then fine-tunes a copy of encoder layer 5 together with the span head
over the layer-4 states (torch, one thread; the result is NumPy weights),
chooses the decoding thresholds in 3-fold CV on the training articles (three
more fine-tuning runs), and trains the technique classifier. Deterministic up
to the encoder backend's arithmetic (fixed seeds, stateless feature hashing);
about 13 minutes on one core of an otherwise idle machine (30 on a busy one). The
output is four small files:
``tuned.npz`` (the fine-tuned layer 5) and ``head.npz`` (span identification),
``classifier.npz`` (technique classification) and ``model.json`` (decoding
thresholds, encoder layers and training facts). Retrain after any change to
the encoder or its backend.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from flashpoint import encoder
from flashpoint.evaluation import default_datasets_dir
from flashpoint.techniques import ptc
from flashpoint.techniques.finetune import TUNE_EPOCHS, TUNE_LAYERS, TUNE_LR
from flashpoint.techniques.model import DATA_DIR, save_model
from flashpoint.techniques.train import CLASSIFIER_C, HEAD_HIDDEN, SEED, train


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
        "classifier_C": CLASSIFIER_C,
        "head_hidden": HEAD_HIDDEN,
        "tuned_layers": TUNE_LAYERS,
        "tune_epochs": TUNE_EPOCHS,
        "tune_lr": TUNE_LR,
        "encoder_backend": encoder.load_encoder().backend,
        "classifier_columns": len(model.classifier.columns),
    }
    save_model(model, args.out, meta)
    print(f"trained on {len(texts)} articles, {len(items)} spans in {time.time() - t0:.0f}s "
          f"-> {args.out}")


if __name__ == "__main__":
    main()
