"""Text, CSV and PNG renderings of the index's answers (JSON is the library's dicts)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .rules import CHANNELS

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float]) -> str:
    """One character per value, scaled from zero to the largest value."""
    top = max(values, default=0.0)
    if top <= 0:
        return BARS[0] * len(values)
    return "".join(BARS[min(len(BARS) - 1, int(v / top * (len(BARS) - 1) + 0.5))]
                   for v in values)


def dyad_text(d: dict[str, Any]) -> str:
    """A readable table of a dyad's series, with a sparkline of its tension."""
    head = d["dyad"]
    arrow = "->" if head["directed"] else "--"
    series = d["series"]
    lines = [f"{head['a']} {arrow} {head['b']}  by {d['by']}  "
             f"tension {sparkline([p['tension'] for p in series])}"]
    cols = ("period", "articles", "events", "clusters", "outlets", *CHANNELS, "tension",
            "baseline", "alert")
    lines.append(" ".join(f"{c:>11}" for c in cols))
    for p in series:
        cells = [p["period"], *(str(p[c]) for c in ("articles", "events", "clusters", "outlets")),
                 *(f"{p[c]:.1f}" for c in CHANNELS), f"{p['tension']:.2f}",
                 "-" if p["baseline"] is None else f"{p['baseline']:.2f}",
                 "ALERT" if p["alert"] else ""]
        lines.append(" ".join(f"{c:>11}" for c in cells))
    for a in d["alerts"]:
        lines.append(f"alert {a['period']} (as of {a['as_of']}, {a['kind']}): tension "
                     f"{a['value']:.2f} > threshold {a['threshold']:.2f} (baseline "
                     f"{a['baseline']:.2f}); {len(a['events'])} event(s)")
    return "\n".join(lines)


def dyads_text(d: dict[str, Any]) -> str:
    """The ranking of ``flashpoint dyads``."""
    if d["latest"] is None:
        return "no dated article in the index yet: nothing to rank"
    lines = [f"dyads rising in the {d['by']} of {d['latest']} (tension against the baseline of "
             "the previous periods)"]
    lines.append(f"{'dyad':<24} {'rise':>7} {'tension':>8} {'baseline':>8} {'stories':>8}"
                 "  history")
    for x in d["dyads"]:
        base = "-" if x["baseline"] is None else f"{x['baseline']:.2f}"
        lines.append(f"{x['a'] + ' -- ' + x['b']:<24} {x['rise']:>7.2f} {x['tension']:>8.2f} "
                     f"{base:>8} {x['stories']:>8}  {sparkline(x['history'])}")
    return "\n".join(lines)


def evidence_text(d: dict[str, Any]) -> str:
    """The events behind one point, one paragraph each."""
    head = d["dyad"]
    lines = [f"{head['a']} -- {head['b']}, {d['by']} of {d['period']}"
             f"{', ' + d['channel'] if d['channel'] else ''}: {len(d['events'])} event(s)"]
    for e in d["events"]:
        lines.append(
            f"- [{e['channel']}] {e['source']} -> {e['target']} {e['category']} ({e['mode']}, "
            f"intensity {e['intensity']}, weight {e['weight']}) trigger {e['trigger']!r}")
        lines.append(f"  {e['sentence']!r}")
        lines.append(f"  {e['title'] or '(no title)'} | {e['outlet'] or '?'} | {e['day']} | "
                     f"{e['url'] or '-'} | same event: {e['same_event_articles']} article(s), "
                     f"{e['same_event_outlets']} outlet(s)")
    return "\n".join(lines)


def alerts_text(rows: Sequence[dict[str, Any]]) -> str:
    """Every alert, newest first."""
    lines = [f"{'period':<11} {'as of':<11} {'dyad':<22} {'kind':<6} {'tension':>8} "
             f"{'threshold':>9} {'baseline':>8} events"]
    for a in rows:
        lines.append(f"{a['period']:<11} {a['as_of']:<11} {a['a'] + ' -- ' + a['b']:<22} "
                     f"{a['kind']:<6} {a['value']:>8.2f} {a['threshold']:>9.2f} "
                     f"{a['baseline']:>8.2f} {len(a['events'])}")
    return "\n".join(lines)


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    """Rows of dicts as CSV (lists joined with spaces)."""
    if not rows:
        return ""
    out = io.StringIO()
    fields = list(rows[0])
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: " ".join(map(str, v)) if isinstance(v, list) else v
                         for k, v in r.items()})
    return out.getvalue()


def plot(d: dict[str, Any], path: str | Path, title: str | None = None) -> None:
    """Write a PNG of the dyad's channels and tension, with alerts marked (matplotlib)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = d["series"]
    x = [p["period"] for p in series]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 6), sharex=True,
                                      gridspec_kw={"height_ratios": [2, 1]})
    for name in CHANNELS:
        top.plot(range(len(x)), [p[name] for p in series], label=name, linewidth=1.2)
    top.set_ylabel("weight (clusters counted once)")
    top.legend(loc="upper left", fontsize=8)
    bottom.plot(range(len(x)), [p["tension"] for p in series], color="black", label="tension")
    bottom.plot(range(len(x)), [p.get("threshold") for p in series], color="grey",
                linestyle=":", label="threshold")
    for i, p in enumerate(series):
        if p["alert"]:
            bottom.axvline(i, color="red", alpha=0.4)
            top.axvline(i, color="red", alpha=0.25)
    bottom.set_ylabel("tension / 100 art.")
    bottom.legend(loc="upper left", fontsize=8)
    step = max(1, len(x) // 12)
    bottom.set_xticks(range(0, len(x), step), [x[i] for i in range(0, len(x), step)],
                      rotation=45, fontsize=7)
    head = d["dyad"]
    fig.suptitle(title or f"{head['a']} - {head['b']} by {d['by']} (red: alerts)")
    fig.tight_layout()
    fig.savefig(str(path), dpi=90)
    plt.close(fig)
