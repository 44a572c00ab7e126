"""Train the genre and frames models of the persuasion family and write their weights.

    .venv/bin/python scripts/train_genre_frames.py [--datasets ../shared/datasets] [--cv]

Runs the SemEval-2023 Task 3 English train articles (426) through the analyzers
the models read (sentences, actors, quotes, sentence_scores; about 6 minutes on
one core), then writes
``flashpoint/data/persuasion/genre.npz`` (opinion vs reporting from the genre
cues) and ``flashpoint/data/persuasion/frames.npz`` (14 frame regressions on
the article's MiniLM vector, with per-frame thresholds from 5-fold CV on the
training articles). See ``flashpoint/train/genre_frames.py`` and docs/persuasion.md.
Fixed seed; the same data and encoder backend give the same weights. ``--cv``
also prints the cross-validated figures of ``flashpoint eval genre`` and
``flashpoint eval frames`` from the same inputs (no second pass over the articles).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flashpoint.analyzers.persuasion import frames, genre
from flashpoint.evaluation import default_datasets_dir, require
from flashpoint.evaluation import genre_frames as ev
from flashpoint.train import genre_frames as train


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=None,
                        help="datasets folder (default: ../shared/datasets)")
    parser.add_argument("--cv", action="store_true", help="also print the CV figures")
    parser.add_argument("--workers", type=int, default=2,
                        help="processes that run the analyzers over the articles (default 2)")
    args = parser.parse_args()
    base = args.datasets or default_datasets_dir()
    start = time.perf_counter()
    ids, texts, genre_labels, frame_labels = train.read_semeval(require(base / "semeval2023_en"))
    data = train.prepare(ids, texts, args.workers)
    print(f"inputs: {len(ids)} articles ({time.perf_counter() - start:.0f} s)")
    keep = [k for k, i in enumerate(ids) if genre_labels.get(i) in train.GENRES]
    labels = np.asarray([genre_labels[ids[k]] == "opinion" for k in keep], dtype=np.int64)
    cues = data.cues[keep]
    g = train.fit_genre(cues, labels, data="semeval2023_en subtask 1")
    g.save(genre.MODEL_PATH)
    drift = max(abs(g.probability(r) - genre.GenreModel.load(genre.MODEL_PATH).probability(r))
                for r in cues[:200])
    print(f"genre: {len(labels)} articles, drift {drift:.1e} -> {genre.MODEL_PATH}")
    gold = train.frame_matrix(ids, frame_labels)
    f = train.fit_frames(data.vectors, gold, data="semeval2023_en subtask 2")
    f.save(frames.MODEL_PATH)
    print(f"frames: {len(ids)} articles, thresholds {np.round(f.threshold, 3).tolist()}, "
          f"{frames.MODEL_PATH.stat().st_size / 1e3:.0f} kB -> {frames.MODEL_PATH}")
    if args.cv:
        print("genre CV:", json.dumps(ev.genre_cv(cues, labels, 5, (0, 1, 2))))
        print("frames CV:", json.dumps(ev.frames_cv(data.vectors, gold, 5, (0, 1))))


if __name__ == "__main__":
    main()
