"""The report's chart of distance and pain as inline SVG, and the page's CSS."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from typing import Any

from ..namedtuples import NamedTuple
from .sections import (
    _convert,
    _day,
    _e,
    _entries,
    _history,
    _number,
    _parse_day,
    _short_day,
)

# ---------------------------------------------------------------------------
# The chart: bars for distance on the left axis, pain lines on the right axis.


class Point(NamedTuple):
    """One bar of the chart: a day or a week, its distance and worst pain scores."""

    day: dt.date
    distance: float | None  # in the report's units
    during: float | None
    after: float | None
    morning: float | None


class Series(NamedTuple):
    """One pain series of the chart and how it is drawn."""

    key: str
    label: str
    colour: str
    dash: str  # so the lines differ without colour
    marker: Callable[[float, float, str], str]


def _circle(x: float, y: float, colour: str) -> str:
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}"/>'


def _square(x: float, y: float, colour: str) -> str:
    return (
        f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    )


def _triangle(x: float, y: float, colour: str) -> str:
    pts = f"{x:.1f},{y - 5.5:.1f} {x + 5.5:.1f},{y + 4:.1f} {x - 5.5:.1f},{y + 4:.1f}"
    return f'<polygon points="{pts}" fill="{colour}"/>'


SERIES = (
    Series("during", "Pain during run", "#b2182b", "", _circle),
    Series("after", "Pain after run", "#5e3c99", "7 4", _square),
    Series("morning", "Next-morning pain", "#222222", "2 4", _triangle),
)
W, H = 960, 430
LEFT, RIGHT, TOP, BOTTOM = 74, 74, 64, 74
PLOT_W, PLOT_H = W - LEFT - RIGHT, H - TOP - BOTTOM
_DAY = dt.timedelta(days=1)


def _worst(values: Iterable[Any]) -> float | None:
    known = [float(v) for v in values if v is not None]
    return max(known) if known else None


def _chart_points(data: dict[str, Any], units: str) -> tuple[list[Point], bool]:
    """One point per day, or per week when the period is too long for days."""
    history = _history(data)
    by_day: dict[dt.date, list[dict[str, Any]]] = {}
    for e in _entries(data):
        d = _parse_day(e.get("date"))
        if d:
            by_day.setdefault(d, []).append(e)
    # The stated period, stretched if an entry falls outside it.
    bounds = [*by_day, _parse_day(history.get("from")), _parse_day(history.get("to"))]
    known = [d for d in bounds if d] or [dt.date.min]
    start, end = min(known), max(known)

    def point(day: dt.date, days: int, distance: float | None) -> Point:
        group = [
            e for offset in range(days) for e in by_day.get(day + _DAY * offset, [])
        ]
        return Point(
            day,
            distance,
            _worst(e.get("pain_during") for e in group),
            _worst(e.get("pain_after") for e in group),
            _worst(e.get("next_morning") for e in group),
        )

    weeks = [w for w in history.get("weeks") or [] if isinstance(w, dict)]
    if not history.get("day_by_day", True) and weeks:
        points = []
        for w in sorted(weeks, key=lambda w: str(w.get("week_start"))):
            first = _parse_day(w.get("week_start"))
            if first is not None:
                p = point(first, 7, _convert(w.get("distance_km"), units))
                # The week's own worst pain is the figure the weekly table shows.
                if w.get("max_pain_during") is not None:
                    p = p._replace(during=float(w["max_pain_during"]))
                points.append(p)
        return points, True

    points = []
    for offset in range((end - start).days + 1):
        day = start + _DAY * offset
        runs = [
            _convert(e.get("distance_km"), units)
            for e in by_day.get(day, [])
            if e.get("kind") != "rest" and e.get("distance_km")
        ]
        points.append(point(day, 1, sum(runs) if runs else None))
    return points, False


def _nice_step(top: float) -> float:
    """A round gridline step so that five steps reach at least `top`."""
    raw = max(top, 1.0) / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 2.5, 5.0):
        if factor * magnitude >= raw:
            return float(factor * magnitude)
    return float(10 * magnitude)


def _chart(data: dict[str, Any], units: str) -> str:
    points, weekly = _chart_points(data, units)
    per = "week" if weekly else "day"
    step = _nice_step(max((p.distance or 0.0) for p in points))
    top = 5 * step
    slot = PLOT_W / len(points)
    bar_w = min(slot * 0.62, 36.0)
    base = TOP + PLOT_H

    def x_of(i: int) -> float:
        return LEFT + slot * (i + 0.5)

    def y_pain(v: float) -> float:
        return base - v / 10 * PLOT_H

    first, last = _day(points[0].day.isoformat()), _day(points[-1].day.isoformat())
    summary = (
        f"Chart of distance run per {per} and pain scores out of 10, "
        f"from {first} to {last}. The tables below give the figures."
    )
    out = [
        f'<svg role="img" aria-label="{_e(summary)}" viewBox="0 0 {W} {H}" '
        f'width="{W}" height="{H}" font-size="13">',
        f"<title>{_e(summary)}</title>",
    ]

    # Gridlines are shared: five steps on both axes, so they line up.
    for k in range(6):
        y = base - k / 5 * PLOT_H
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + PLOT_W}" y2="{y:.1f}" '
            'stroke="#d9d9d9" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_number(round(k * step, 1))}</text>"
        )
        out.append(f'<text x="{LEFT + PLOT_W + 8}" y="{y + 4:.1f}">{2 * k}</text>')

    for i, p in enumerate(points):
        if p.distance:
            h = p.distance / top * PLOT_H
            out.append(
                f'<rect x="{x_of(i) - bar_w / 2:.1f}" y="{base - h:.1f}" '
                f'width="{bar_w:.1f}" height="{h:.1f}" class="bar" fill="#a6c8e6" '
                'stroke="#4a7fa8" stroke-width="1"/>'
            )

    # Date labels: few enough not to overlap.
    if weekly:
        every = max(1, math.ceil(len(points) / 10))
    else:
        every = 1 if len(points) <= 14 else 7 if len(points) <= 70 else 14
    for i in range(0, len(points), every):
        out.append(
            f'<line x1="{x_of(i):.1f}" y1="{base}" x2="{x_of(i):.1f}" '
            f'y2="{base + 5}" stroke="#333"/>'
        )
        out.append(
            f'<text x="{x_of(i):.1f}" y="{base + 20}" text-anchor="middle">'
            f"{_short_day(points[i].day)}</text>"
        )

    limit_y = y_pain(int(data.get("pain_limit") or 5))
    out.append(
        f'<line x1="{LEFT}" y1="{limit_y:.1f}" x2="{LEFT + PLOT_W}" y2="{limit_y:.1f}" '
        'stroke="#555" stroke-width="2" stroke-dasharray="12 6"/>'
    )
    for series in SERIES:
        xy = [
            (x_of(i), y_pain(v))
            for i, p in enumerate(points)
            if (v := getattr(p, series.key)) is not None
        ]
        if len(xy) > 1:
            dash = f' stroke-dasharray="{series.dash}"' if series.dash else ""
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
            out.append(
                f'<polyline points="{coords}" fill="none" stroke="{series.colour}" '
                f'stroke-width="2" stroke-linecap="round"{dash}/>'
            )
        out += [series.marker(x, y, series.colour) for x, y in xy]
    # Drawn last so no line or bar covers it; the white halo keeps it readable.
    # Left, because the latest runs on the right matter most.
    out.append(
        f'<text x="{LEFT + 6}" y="{limit_y - 7:.1f}" '
        'font-weight="bold" stroke="#fff" stroke-width="4" paint-order="stroke">'
        "5/10 limit</text>"
    )

    # Axes and their titles.
    out += [
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" stroke="#333"/>',
        f'<line x1="{LEFT + PLOT_W}" y1="{TOP}" x2="{LEFT + PLOT_W}" y2="{base}" '
        'stroke="#333"/>',
        f'<line x1="{LEFT}" y1="{base}" x2="{LEFT + PLOT_W}" y2="{base}" '
        'stroke="#333"/>',
        f'<text transform="translate(22 {TOP + PLOT_H / 2:.0f}) rotate(-90)" '
        f'text-anchor="middle" font-weight="bold">Distance per {per} ({units})</text>',
        f'<text transform="translate({W - 22} {TOP + PLOT_H / 2:.0f}) rotate(90)" '
        'text-anchor="middle" font-weight="bold">Pain score (0 to 10)</text>',
        f'<text x="{LEFT + PLOT_W / 2:.0f}" y="{H - 18}" text-anchor="middle" '
        f'font-weight="bold">{"Week starting" if weekly else "Date"}</text>',
    ]
    out.append(_legend(per, units))
    out.append("</svg>")
    return "\n".join(out)


def _legend(per: str, units: str) -> str:
    """A row of swatches, each with its name in words, above the plot."""
    y = 24
    x = float(LEFT)
    parts = ['<g class="legend">']
    bar_label = f"Distance per {per} ({units})"
    parts.append(
        f'<rect x="{x:.1f}" y="{y - 10}" width="14" height="14" fill="#a6c8e6" '
        'stroke="#4a7fa8"/>'
    )
    parts.append(f'<text x="{x + 20:.1f}" y="{y + 2}">{bar_label}</text>')
    x += 20 + len(bar_label) * 7.2 + 24
    for series in SERIES:
        dash = f' stroke-dasharray="{series.dash}"' if series.dash else ""
        parts.append(
            f'<line x1="{x:.1f}" y1="{y - 3}" x2="{x + 30:.1f}" y2="{y - 3}" '
            f'stroke="{series.colour}" stroke-width="2"{dash}/>'
        )
        parts.append(series.marker(x + 15, y - 3, series.colour))
        parts.append(f'<text x="{x + 36:.1f}" y="{y + 2}">{series.label}</text>')
        x += 36 + len(series.label) * 7.2 + 24
    parts.append(
        f'<line x1="{x:.1f}" y1="{y - 3}" x2="{x + 30:.1f}" y2="{y - 3}" '
        'stroke="#555" stroke-width="2" stroke-dasharray="12 6"/>'
    )
    parts.append(f'<text x="{x + 36:.1f}" y="{y + 2}">5/10 limit</text>')
    parts.append("</g>")
    return "".join(parts)


_CSS = """
@page { margin: 15mm; }
body { margin: 0; color: #1a1a1a; background: #fff; line-height: 1.45;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
.page { max-width: 64rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 2rem; margin: 0 0 .25rem; }
h2 { font-size: 1.4rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem;
  border-bottom: 2px solid #1a1a1a; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
.meta { color: #444; margin: 0 0 1rem; }
.disclaimer { border: 2px solid #1a1a1a; border-left-width: 10px; padding: .75rem 1rem;
  background: #fff6d5; font-size: 1.05rem; }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .95rem; }
table.wide { width: 100%; }
th, td { border: 1px solid #b8b8b8; padding: .3rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #eef1f4; }
td.num { text-align: right; white-space: nowrap; }
td ul { margin: 0; padding-left: 1.1rem; }
table.daily td:last-child { overflow-wrap: anywhere; min-width: 12rem; }
table.flags td:last-child, table.answers th, table.answers td:first-child {
  white-space: nowrap; }
.badge { display: inline-block; border: 2px solid currentColor; border-radius: .25rem;
  padding: 0 .45rem; margin-right: .35rem; font-weight: 700; }
.level-emergency, .level-urgent, .verdict-stop { color: #a50f15; }
.level-appointment, .verdict-reduce { color: #8a4b00; }
.level-self_care, .verdict-continue { color: #1b6b2f; }
figure.chart { margin: 1rem 0; }
figure.chart svg { display: block; width: 100%; height: auto; font-family: inherit; }
dl.notes dt { font-weight: 700; margin-top: .5rem; }
dl.notes dd { margin: 0 0 0 1.5rem; overflow-wrap: anywhere; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; background: #f2f2f2;
  padding: 0 .2rem; }
footer { margin-top: 2.5rem; padding-top: 1rem; border-top: 2px solid #1a1a1a; }
@media print {
  body { font-size: 10pt; }
  .page { max-width: none; padding: 0; }
  .disclaimer { background: none; }
  th { background: none; }
  h2, h3 { break-after: avoid; }
  tr, figure.chart, .disclaimer, dl.notes dd { break-inside: avoid; }
  thead { display: table-header-group; }
}
"""
