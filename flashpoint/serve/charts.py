"""Small hand-written SVG charts, rendered on the server (no chart library, no script).

Why SVG by hand rather than plotly.js: the pages need a sparkline and one line chart whose
points are links; plain SVG does both with no 3.5 MB script, works with JavaScript off, and
each point is an ``<a>`` that the keyboard can reach. Every value written into the SVG is a
number formatted here or text passed through :func:`markupsafe.escape`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

CHANNELS = ("action", "rhetoric", "speculation", "cooperation")
"""The index's four channels, drawn beside the tension line."""

LINE_STYLES = {
    "tension": ("", 3.0),
    "action": ("", 1.5),
    "rhetoric": ("6 3", 1.5),
    "speculation": ("2 3", 1.5),
    "cooperation": ("9 3 2 3", 1.5),
}
"""Dash pattern and width per line, so the lines differ by more than colour."""


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def sparkline(values: Sequence[float], *, width: int = 120, height: int = 24,
              label: str = "") -> Markup:
    """A tiny line chart of ``values`` (an ``<svg role="img">`` with ``label`` as its name)."""
    if len(values) == 1:  # one period: a flat line, not an invisible single point
        values = [values[0], values[0]]
    n = len(values)
    top = max((v for v in values), default=0.0) or 1.0
    step = width / max(n - 1, 1)
    points = " ".join(f"{_fmt(i * step)},{_fmt(height - 2 - (v / top) * (height - 4))}"
                      for i, v in enumerate(values))
    title = escape(label)
    return Markup(
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{title}"><title>{title}</title>'
        f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{points}"/>'
        "</svg>"
    )


@dataclass(frozen=True, slots=True)
class ChartGeometry:
    width: int = 900
    height: int = 320
    left: int = 48
    right: int = 16
    top: int = 16
    bottom: int = 40

    @property
    def inner_w(self) -> float:
        return float(self.width - self.left - self.right)

    @property
    def inner_h(self) -> float:
        return float(self.height - self.top - self.bottom)


def _x(geo: ChartGeometry, i: int, n: int) -> float:
    return geo.left + (geo.inner_w * (i + 0.5) / max(n, 1))


def _y(geo: ChartGeometry, v: float, top: float) -> float:
    return geo.top + geo.inner_h * (1 - (v / top if top else 0.0))


def _axes(geo: ChartGeometry, top: float, periods: Sequence[str]) -> list[str]:
    base = geo.top + geo.inner_h
    parts = [f'<line class="axis" x1="{geo.left}" y1="{_fmt(base)}" '
             f'x2="{geo.width - geo.right}" y2="{_fmt(base)}"/>',
             f'<text class="tick" x="{geo.left - 6}" y="{geo.top + 4}" text-anchor="end">'
             f"{top:.3g}</text>",
             f'<text class="tick" x="{geo.left - 6}" y="{_fmt(base)}" text-anchor="end">0</text>']
    n = len(periods)
    every = max(1, -(-n * 84 // int(geo.inner_w)))  # ~84 px per date label
    for i in range(0, n, every):
        parts.append(f'<text class="tick" x="{_fmt(_x(geo, i, n))}" y="{_fmt(base + 16)}" '
                     f'text-anchor="middle">{escape(periods[i])}</text>')
    return parts


def series_chart(series: Sequence[Mapping[str, object]], *, href: str,
                 selected: str | None = None, geo: ChartGeometry | None = None) -> Markup:
    """The dyad chart: tension and the four channels per period, alerts marked, points linked.

    ``series`` is the index's list of period rows (``period``, the channels, ``tension``,
    ``alert``). Each period gets an invisible, focusable hit area linking to
    ``href.format(period=...)`` (the page's evidence list for that point); an alert period
    carries a triangle and the word "alert" in its title, not only a colour.
    """
    geo = geo or ChartGeometry()
    periods = [str(row.get("period", "")) for row in series]
    n = len(periods)
    values = {name: [_num(row.get(name)) for row in series] for name in LINE_STYLES}
    top = max((v for vs in values.values() for v in vs), default=0.0) or 1.0
    parts = [f'<svg class="chart" id="dyad-chart" viewBox="0 0 {geo.width} {geo.height}" '
             f'role="group" aria-label="Tension and channels per period">',
             *_axes(geo, top, periods)]
    for name, (dash, width) in LINE_STYLES.items():
        pts = " ".join(f"{_fmt(_x(geo, i, n))},{_fmt(_y(geo, v, top))}"
                       for i, v in enumerate(values[name]))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline class="line line-{name}" fill="none" stroke-width="{width}"'
                     f'{dash_attr} points="{pts}"><title>{name}</title></polyline>')
    parts.extend(_points(geo, series, periods, values["tension"], top, href, selected))
    parts.append("</svg>")
    return Markup("".join(parts))


def _num(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0


def _points(geo: ChartGeometry, series: Sequence[Mapping[str, object]], periods: Sequence[str],
            tension: Sequence[float], top: float, href: str, selected: str | None) -> list[str]:
    n = len(periods)
    band = geo.inner_w / max(n, 1)
    out = []
    for i, row in enumerate(series):
        x, y = _x(geo, i, n), _y(geo, tension[i], top)
        alert = bool(row.get("alert"))
        title = (f"{periods[i]}: tension {tension[i]:.3g}, "
                 + ", ".join(f"{c} {_num(row.get(c)):.3g}" for c in CHANNELS)
                 + f", {int(_num(row.get('events')))} events"
                 + (" — ALERT" if alert else ""))
        cls = "pt" + (" pt-alert" if alert else "") + (" pt-selected" if periods[i] == selected
                                                        else "")
        link = escape(href.format(period=periods[i]))
        shape = (f'<path class="alert-mark" d="M{_fmt(x)},{_fmt(geo.top - 12)} l-6,10 h12 z"/>'
                 if alert else "")
        out.append(
            f'<a class="{cls}" href="{link}" data-period="{escape(periods[i])}" '
            f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
            f'<rect class="hit" x="{_fmt(x - band / 2)}" y="{geo.top}" width="{_fmt(band)}" '
            f'height="{_fmt(geo.inner_h)}"/>'
            f'<circle class="dot" cx="{_fmt(x)}" cy="{_fmt(y)}" r="{4 if alert else 3}"/>'
            f"{shape}</a>")
    return out
