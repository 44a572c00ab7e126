"""Time and peak memory of one article against its length (issue 22: long articles).

Usage::

    python benchmarks/bench_length.py [--words 1000,5000,10000,25000,50000] [--modes default,fast]

Each article is synthetic, news-like text from the templates below (reporting,
attributed quotes, claims, questions, scare quotes; a fixed seed, so every run
reads the same text). Each (length, mode) is analysed in a fresh subprocess:
the models are loaded and warmed up on a short article first, then the long
article is timed (the spaCy parse and each analyzer), and the process's peak
resident memory (``VmHWM``, models included) is read from ``/proc``. Prints a
table: wall and CPU seconds per article, CPU ms per 1,000 words, peak RSS, and the
per-analyzer CPU ms. CPU time (of this process) is the figure to compare across
lengths on a shared machine: wall time there also counts the other processes' turns.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PEOPLE = ("Maria Lindqvist", "Ahmed Karimov", "Elena Petrova", "John Mercer", "Li Wei",
          "Fatima Diallo", "Tomas Novak", "Aisha Bello", "Carlos Ruiz", "Hana Sato")
ROLES = ("the foreign minister", "a senior diplomat", "the defence ministry spokesman",
         "an opposition leader", "the prime minister", "a military analyst")
COUNTRIES = ("Estonia", "Russia", "Lithuania", "Poland", "Finland", "China", "Japan",
             "Mali", "France", "Nigeria", "Brazil", "Turkey", "Ukraine", "Germany")
ORGS = ("NATO", "the European Union", "the United Nations", "the African Union",
        "the Red Cross", "the World Bank")
CITIES = ("Tallinn", "Vilnius", "Warsaw", "Helsinki", "Bamako", "Paris", "Ankara", "Kyiv")
TOPICS = ("the transit agreement", "the border crossings", "grain exports",
          "the naval exercises", "the sanctions package", "the gas pipeline",
          "the peace talks", "the refugee corridor")
VERBS = ("accused", "criticised", "praised", "warned", "threatened", "urged", "met")

TEMPLATES = (
    "{c1} {verb} {c2} on {day} over {topic}, officials in {city} said.",
    "\"We will not accept any change to {topic},\" {person} told reporters in {city}.",
    "{person}, {role}, said the talks with {c2} had made \"real progress\" on {topic}.",
    "According to {org}, at least {n} people crossed the border near {city} last week.",
    "{c1} claimed that {c2} had moved troops closer to {city}, a charge {c2} denied.",
    "Is it really credible that {c2} knew nothing about {topic}?",
    "It is clear that {topic} will shape relations between {c1} and {c2} for years.",
    "{org} called on both sides to show restraint and to return to the talks in {city}.",
    "The so-called \"temporary measures\" have now lasted {n} months, critics say.",
    "{person} said {c1} was ready to discuss {topic} \"at any level, at any time\".",
    "Shipping through the port of {city} fell by {n} percent in the first quarter.",
    "Analysts said the dispute over {topic} was unlikely to be settled before the summer.",
    "\"This is a dangerous escalation,\" said {person}, {role}.",
    "Make no mistake: {c1} will defend its interests, {person} wrote on social media.",
    "{c2}'s embassy in {city} did not respond to a request for comment on {day}.",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def make_article(words: int, seed: int = 22) -> str:
    """A synthetic news article of about ``words`` words: a headline, then paragraphs."""
    rng = random.Random(seed)
    parts = ["Tensions Rise Over Baltic Transit Talks"]
    count = 6
    while count < words:
        sentences = []
        for _ in range(rng.randint(2, 5)):
            c1, c2 = rng.sample(COUNTRIES, 2)
            sentence = rng.choice(TEMPLATES).format(
                c1=c1, c2=c2, person=rng.choice(PEOPLE), role=rng.choice(ROLES),
                org=rng.choice(ORGS), city=rng.choice(CITIES), topic=rng.choice(TOPICS),
                verb=rng.choice(VERBS), day=rng.choice(DAYS), n=rng.randint(2, 900))
            sentences.append(sentence[0].upper() + sentence[1:])
            count += len(sentence.split())
        parts.append(" ".join(sentences))
    return "\n\n".join(parts) + "\n"


def _vm_hwm_mb() -> float:
    """Peak resident memory of this process (``VmHWM``), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _child(words: int, fast: bool) -> dict[str, Any]:
    """Analyse one article of ``words`` words in this process; the figures as a dict."""
    from bench_analyze import _timed  # this folder is on sys.path

    from flashpoint import nlp as backbone
    from flashpoint.model import Article, Metadata
    from flashpoint.runner import FAST_OPTIONS, build_pipeline

    totals: dict[str, float] = defaultdict(float)
    pipeline = build_pipeline(options=FAST_OPTIONS if fast else {})
    pipeline.analyzers = tuple(_timed(a, totals) for a in pipeline.analyzers)
    warm = Article(text=make_article(300, seed=1), source="warm-up",
                   metadata=Metadata(language="en"))
    list(pipeline.run([warm]))
    totals.clear()
    rss_before = _vm_hwm_mb()
    text = make_article(words)
    article = Article(text=text, source=f"synthetic-{words}", metadata=Metadata(language="en"))
    t0, c0 = time.perf_counter(), time.process_time()
    (doc,) = backbone.parse_many(pipeline.nlp, [text])
    parse_s = time.process_time() - c0
    result = pipeline.analyse(article, doc)
    total_s, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    return {
        "words": len(text.split()), "chars": len(text), "bytes": len(text.encode()),
        "sentences": len(result.sentences), "fast": fast, "seconds": total_s,
        "cpu_seconds": cpu_s, "parse_ms": 1000 * parse_s,
        "analyzers_ms": {k.split(".")[0]: 1000 * v for k, v in totals.items()},
        "failures": [f"{f.analyzer}: {f.code} {f.message[:80]}" for f in result.failures],
        "rss_warm_mb": rss_before, "peak_rss_mb": _vm_hwm_mb(),
    }


def _run_child(words: int, fast: bool, timeout: float) -> dict[str, Any] | None:
    cmd = [sys.executable, __file__, "--child", str(words)] + (["--fast"] if fast else [])
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        print(f"  {words} words {'fast' if fast else 'default'}: over {timeout:.0f} s, skipped",
              file=sys.stderr)
        return None
    if done.returncode != 0:
        print(f"  {words} words: child failed ({done.returncode}):\n{done.stderr[-2000:]}",
              file=sys.stderr)
        return None
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _table(rows: list[dict[str, Any]]) -> str:
    names = sorted({n for r in rows for n in r["analyzers_ms"]})
    short = {n: n[:9] for n in names}
    head = (f"{'mode':<8}{'words':>7}{'sents':>7}{'wall s':>8}{'cpu s':>8}{'ms/1kw':>8}"
            f"{'peakMB':>8}{'parse':>8}" + "".join(f"{short[n]:>10}" for n in names))
    lines = [head, "-" * len(head)]
    for r in rows:
        per_kw = 1000 * r["cpu_seconds"] / (r["words"] / 1000)
        lines.append(
            f"{'fast' if r['fast'] else 'default':<8}{r['words']:>7}{r['sentences']:>7}"
            f"{r['seconds']:>8.2f}{r['cpu_seconds']:>8.2f}{per_kw:>8.0f}{r['peak_rss_mb']:>8.0f}"
            f"{r['parse_ms']:>8.0f}"
            + "".join(f"{r['analyzers_ms'].get(n, 0.0):>10.0f}" for n in names))
        lines += [f"    failure: {f}" for f in r["failures"]]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--words", default="1000,5000,10000,25000,50000",
                    help="comma-separated article lengths in words")
    ap.add_argument("--modes", default="default,fast", help="default, fast, or both")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per subprocess")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--fast", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        print(json.dumps(_child(args.child, args.fast)))
        return 0
    rows = []
    for mode in args.modes.split(","):
        for words in (int(w) for w in args.words.split(",")):
            figures = _run_child(words, mode == "fast", args.timeout)
            if figures is not None:
                rows.append(figures)
                print(f"  done: {mode} {words} words in {figures['seconds']:.1f} s, "
                      f"{figures['peak_rss_mb']:.0f} MB", file=sys.stderr, flush=True)
    print(_table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
