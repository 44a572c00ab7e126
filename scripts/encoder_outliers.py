"""Find the feed-forward outlier channels of each MiniLM layer (kept float32 by the int8 backend).

    .venv/bin/python scripts/encoder_outliers.py [--ptc ../shared/datasets/ptc2020]
        [--articles 40] [--channels 8] [--out flashpoint/data/encoder/ffn_outliers.json]

Runs the lines of the first ``--articles`` PTC training articles (news text)
through the float32 NumPy reference of the encoder (``tests/encoder_reference.py``)
and records, for each layer, the largest absolute activation of each of the
feed-forward's hidden channels (after GELU). The ``--channels`` channels with the
largest maxima are written out: :mod:`flashpoint.encoder.onnx` keeps their rows of
the second projection in float32, since int8 activations share one scale per run and
these channels would set it. Deterministic (the same text and weights give the same
file). Rerun, then retrain every head on encoder features (``scripts/train_claims.py``,
``train_genre_frames.py``, ``train_techniques.py``), when the encoder's weights change.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flashpoint import encoder  # noqa: E402
from flashpoint.encoder.onnx import OUTLIERS_FILE  # noqa: E402
from flashpoint.evaluation import default_datasets_dir  # noqa: E402
from tests.encoder_reference import feed_forward_maxima  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ptc", type=Path, default=default_datasets_dir() / "ptc2020")
    ap.add_argument("--articles", type=int, default=40)
    ap.add_argument("--channels", type=int, default=8)
    ap.add_argument("--out", type=Path, default=OUTLIERS_FILE)
    args = ap.parse_args()
    files = sorted((args.ptc / "train-articles").glob("*.txt"))[: args.articles]
    if not files:
        print(f"no PTC training articles under {args.ptc}", file=sys.stderr)
        return 2
    texts = [line.strip() for f in files
             for line in f.read_text(encoding="utf-8", errors="replace").splitlines()
             if line.strip()]
    maxima = feed_forward_maxima(encoder.load_encoder(), texts)
    channels = [sorted(int(c) for c in np.argsort(-row, kind="stable")[: args.channels])
                for row in maxima]
    for number, row in enumerate(maxima, start=1):
        top = np.sort(row)[::-1]
        print(f"layer {number}: largest {', '.join(f'{v:.1f}' for v in top[: args.channels])}, "
              f"99th percentile {np.percentile(row, 99):.1f}, median {np.median(row):.1f}")
    facts = {
        "channels": channels,
        "measured_on": f"{len(texts)} lines of the first {len(files)} PTC-2020 training articles",
        "largest": [[round(float(v), 2) for v in np.sort(row)[::-1][: args.channels]]
                    for row in maxima],
        "median": [round(float(np.median(row)), 2) for row in maxima],
        "command": "scripts/encoder_outliers.py",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    lines = [f" {json.dumps(k)}: {json.dumps(v)}" for k, v in facts.items()]
    args.out.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
