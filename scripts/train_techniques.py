"""Train the propaganda-technique model on the PTC train split and save it in the package.

    .venv/bin/python scripts/train_techniques.py [--ptc ../shared/datasets/ptc2020]
        [--out flashpoint/data/techniques]

Encodes every line of the PTC train articles once with the MiniLM encoder
(:func:`flashpoint.encoder.sentence_states`, the run-time backend, layers 2 to
5 kept), then trains the two span heads (each a perceptron and a sentence
BiLSTM over the token's and the article's frozen states, one over layers 4 and
5, one over layers 2 and 3; torch, one thread; the result is NumPy weights)
and the lexical token tagger (liblinear), chooses how to decode them (the
tagger's weight in the mix and the hysteresis thresholds) in 3-fold CV on the
training articles (three more trainings of each), and trains the technique
classifier (pooled span states of layers 4 and 5). Deterministic up to the
encoder backend's arithmetic (fixed seeds, stateless feature hashing); about
40 minutes on one core (the other core busy). The output is five small files:
``head.npz``, ``head_2.npz`` and ``tagger.npz`` (span identification),
``classifier.npz`` (technique classification) and ``model.json`` (decoding,
encoder layers and training facts). Retrain after any change to the encoder or
its backend.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from flashpoint import encoder
from flashpoint.analyzers.persuasion.techniques import ptc
from flashpoint.analyzers.persuasion.techniques.model import DATA_DIR, save_model
from flashpoint.evaluation import default_datasets_dir
from flashpoint.train.techniques import (
    CLASSIFIER_C,
    HEAD_EPOCHS,
    HEAD_HIDDEN,
    LSTM_HIDDEN,
    SEED,
    train,
)


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
        "head_lstm_hidden": LSTM_HIDDEN,
        "head_epochs": HEAD_EPOCHS,
        "encoder_backend": encoder.load_encoder().backend,
        "classifier_columns": len(model.classifier.columns),
        "tagger_columns": 0 if model.tagger is None else len(model.tagger.columns),
    }
    save_model(model, args.out, meta)
    print(f"trained on {len(texts)} articles, {len(items)} spans in {time.time() - t0:.0f}s "
          f"(mix {model.mix}, high {model.high}, low {model.low}) -> {args.out}")


if __name__ == "__main__":
    main()
