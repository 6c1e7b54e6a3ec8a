"""A report for a physiotherapist or doctor, as Markdown or one HTML page.

Pure: one JSON-ready dict in, one string out. No files, no clock, no network,
standard library only, so the same data always gives the same report.

The HTML page is self-contained (inline CSS and SVG, no scripts, no links out)
so it can be emailed or printed and opened anywhere. Every string from the data
is escaped, because notes and shoe names are typed by the user. Meaning never
rests on colour alone: levels, verdicts and chart series are all named in words.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from ..trends import DAY_BY_DAY_LIMIT
from ..units import from_km

TOP_CONDITIONS = 5
NOT_RECORDED = "–"
NO_ASSESSMENT = "No assessment recorded yet. Run `kneecheck assess`."
NO_RUNS = "No runs logged yet."
PRIVACY = "Data stays on this computer; this file contains health information."

# Our own month names: strftime follows the locale, and the report is English.
MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
UNIT_WORDS = {"km": "kilometres", "mi": "miles"}
TREND_WORDS = {
    "better": "getting better",
    "same": "about the same",
    "worse": "getting worse",
}
LEVEL_CLASSES = {"self_care", "appointment", "urgent", "emergency"}
VERDICT_CLASSES = {"continue", "reduce", "stop"}

# ---------------------------------------------------------------------------
# Formatting shared by both outputs


def _units(data: dict[str, Any]) -> str:
    units = str(data.get("units") or "km")
    if units not in UNIT_WORDS:
        # A wrong unit label on a clinical report is worse than no report.
        raise ValueError(f"units must be 'km' or 'mi', not {units!r}")
    return units


def _distance(km: Any, units: str) -> str:
    if km is None:
        return NOT_RECORDED
    value = from_km(float(km), units)
    return f"{value:.1f} {units}"


def _convert(km: Any, units: str) -> float:
    return from_km(float(km or 0.0), units)


def _parse_day(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def _day(text: Any) -> str:
    """'2026-11-20' -> '20 Nov 2026'; anything unreadable is shown as given."""
    day = _parse_day(text)
    if day is None:
        return NOT_RECORDED if text is None else str(text)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _short_day(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"


def _when(text: Any) -> str:
    """'2026-11-25T09:30:00' -> '25 Nov 2026 at 09:30'."""
    try:
        moment = dt.datetime.fromisoformat(str(text))
    except ValueError:
        return NOT_RECORDED if text is None else str(text)
    return f"{_day(moment.date().isoformat())} at {moment:%H:%M}"


def _pain(value: Any) -> str:
    return NOT_RECORDED if value is None else f"{_number(value)}/10"


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _yes_no(value: Any) -> str:
    if value is None:
        return NOT_RECORDED
    return "yes" if value else "no"


def _percent(value: Any, signed: bool = False) -> str:
    if value is None:
        return NOT_RECORDED
    return f"{float(value):+.1f}%" if signed else f"{float(value):.1f}%"


def _label(key: str) -> str:
    """'pain_during_run' -> 'Pain during run'."""
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _answer(value: Any) -> str:
    # bool first: True is also an int.
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "not answered"
    if isinstance(value, (list, tuple)):
        return ", ".join(_answer(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return "; ".join(f"{_label(str(k))}: {_answer(v)}" for k, v in value.items())
    return _number(value)


def _verdict_words(data: dict[str, Any], verdict: Any) -> str:
    """The catalogue's title for a run verdict, as the terminal shows it."""
    titles = data.get("verdict_titles") or {}
    return str(titles.get(str(verdict)) or _label(str(verdict)))


def _trend_sentence(trend: Any) -> str:
    if trend in TREND_WORDS:
        return f"Trend in pain from week to week: {TREND_WORDS[trend]}."
    return "Trend in pain from week to week: not enough entries yet to tell."


def _strings(items: Any) -> list[str]:
    return [str(item) for item in items or []]


# ---------------------------------------------------------------------------
# The facts each section shows, as plain rows; both outputs draw from these.


class Table(NamedTuple):
    headers: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()  # columns to right-align in HTML


def _history(data: dict[str, Any]) -> dict[str, Any]:
    history = data.get("history")
    return history if isinstance(history, dict) else {}


def _entries(data: dict[str, Any]) -> list[dict[str, Any]]:
    entries = [e for e in _history(data).get("entries") or [] if isinstance(e, dict)]
    # Oldest first; the id keeps two entries on one day in the order logged.
    return sorted(entries, key=lambda e: (str(e.get("date")), e.get("id") or 0))


def _period(data: dict[str, Any]) -> str:
    history = _history(data)
    return f"From {_day(history.get('from'))} to {_day(history.get('to'))}."


def _daily_table(data: dict[str, Any], units: str) -> tuple[Table, str]:
    entries = _entries(data)
    shown = entries[-DAY_BY_DAY_LIMIT:]
    rows = [
        [
            _day(e.get("date")),
            "rest day"
            if e.get("kind") == "rest"
            else _distance(e.get("distance_km"), units),
            _pain(e.get("pain_during")),
            _pain(e.get("pain_after")),
            _pain(e.get("next_morning")),
            str(e.get("shoes") or NOT_RECORDED),
            str(e.get("note") or ""),
        ]
        for e in shown
    ]
    if len(entries) > len(shown):
        intro = f"The last {len(shown)} of {len(entries)} entries, oldest first."
    else:
        intro = f"All {len(entries)} entries, oldest first."
    intro += f" Pain is scored from 0 to 10; {NOT_RECORDED} means not recorded."
    headers = ["Date", "Distance", "Pain during", "Pain after", "Next morning"]
    headers += ["Shoes", "Note"]
    return Table(headers, rows, frozenset({1, 2, 3, 4})), intro


def _weekly_table(data: dict[str, Any], units: str) -> Table:
    weeks = [w for w in _history(data).get("weeks") or [] if isinstance(w, dict)]
    rows = [
        [
            _day(w.get("week_start")),
            _distance(w.get("distance_km"), units),
            _percent(w.get("change_pct"), signed=True),
            _number(w.get("runs", 0)),
            _pain(w.get("max_pain_during")),
        ]
        for w in sorted(weeks, key=lambda w: str(w.get("week_start")))
    ]
    headers = ["Week starting", "Distance", "Change", "Runs", "Worst pain during"]
    return Table(headers, rows, frozenset({1, 2, 3, 4}))


def _spike_table(data: dict[str, Any], units: str) -> Table:
    spikes = [s for s in _history(data).get("spikes") or [] if isinstance(s, dict)]
    rows = [
        [
            _day(s.get("date")),
            _distance(s.get("distance_km"), units),
            _distance(s.get("previous_longest_km"), units),
            _percent(s.get("over_pct")),
        ]
        for s in spikes
    ]
    headers = ["Date", "Distance", "Longest run in the 30 days before", "Longer by"]
    return Table(headers, rows, frozenset({1, 2, 3}))


def _shoe_table(data: dict[str, Any], units: str) -> Table:
    shoes = [s for s in _history(data).get("shoes") or [] if isinstance(s, dict)]
    rows = [
        [
            str(s.get("name") or NOT_RECORDED),
            _distance(s.get("distance_km"), units),
            _yes_no(s.get("retired")),
            _yes_no(s.get("default")),
            str(s.get("warning") or "none"),
        ]
        for s in shoes
    ]
    return Table(
        ["Shoe", "Distance", "Retired", "Default", "Warning"], rows, frozenset({1})
    )


def _notes(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (_day(e.get("date")), str(e["note"])) for e in _entries(data) if e.get("note")
    ]


def _red_flag_table(data: dict[str, Any], assessment: dict[str, Any]) -> Table:
    answers = assessment.get("answers") or {}
    asked = "red_flags" in answers
    present = set(_strings(answers.get("red_flags")))
    screened = [f for f in data.get("red_flags_screened") or [] if isinstance(f, dict)]
    rows: list[list[str]] = []
    for flag in screened:
        fid = str(flag.get("id"))
        state = ("yes" if fid in present else "no") if asked else "not asked"
        rows.append([str(flag.get("label") or fid), state])
    # A sign the list no longer knows must still show, not vanish.
    known = {str(f.get("id")) for f in screened}
    rows += [[fid, "yes"] for fid in sorted(present - known)]
    return Table(["Warning sign", "Present"], rows)


def _answer_table(assessment: dict[str, Any]) -> Table:
    answers = assessment.get("answers") or {}
    rows = [[_label(str(k)), _answer(v)] for k, v in answers.items()]
    return Table(["Question", "Answer"], rows)


def _top_conditions(assessment: dict[str, Any]) -> list[dict[str, Any]]:
    conditions = [c for c in assessment.get("conditions") or [] if isinstance(c, dict)]
    ranked = sorted(conditions, key=lambda c: -float(c.get("score") or 0.0))
    return ranked[:TOP_CONDITIONS]


def _score(value: Any) -> str:
    return NOT_RECORDED if value is None else f"{float(value):.2f}"


# ---------------------------------------------------------------------------
# Markdown


def _md(text: Any) -> str:
    """Escape user text for Markdown: '|' would split a table cell, '<' could
    start raw HTML, and the rest would start emphasis, code or links."""
    out = str(text).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    for char in "\\`*[]<>|":
        out = out.replace(char, "\\" + char)
    return out


def _md_table(table: Table) -> list[str]:
    lines = ["| " + " | ".join(_md(h) for h in table.headers) + " |"]
    lines.append("|" + "|".join(" --- " for _ in table.headers) + "|")
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in table.rows]
    return [*lines, ""]


def _md_bullets(items: Iterable[str]) -> list[str]:
    return [f"- {_md(item)}" for item in items]


def to_markdown(data: dict[str, Any]) -> str:
    """The report as Markdown: same sections and order as the HTML page."""
    units = _units(data)
    disclaimer = _md(data.get("disclaimer") or "")
    out: list[str] = [
        "# kneecheck report",
        "",
        f"Generated {_md(_when(data.get('generated')))} by kneecheck "
        f"{_md(data.get('kneecheck_version') or NOT_RECORDED)}. "
        f"Distances are in {UNIT_WORDS[units]}.",
        "",
        f"> **Please read:** {disclaimer}",
        "",
    ]
    out += _md_assessment(data)
    out += _md_history(data, units)
    out += _md_verdict(data, units)
    out += ["## Shoes", ""]
    shoes = _shoe_table(data, units)
    out += _md_table(shoes) if shoes.rows else ["No shoes recorded.", ""]
    out += ["## Notes", ""]
    notes = _notes(data)
    out += _md_bullets(f"{d}: {n}" for d, n in notes) if notes else ["No notes."]
    out += ["", "---", "", disclaimer, "", PRIVACY, ""]
    return "\n".join(out)


def _md_assessment(data: dict[str, Any]) -> list[str]:
    out = ["## Latest assessment", ""]
    assessment = data.get("assessment")
    if not isinstance(assessment, dict):
        return [*out, _md(NO_ASSESSMENT), ""]
    out += [f"Assessment taken on {_md(_when(assessment.get('created_at')))}.", ""]

    triage = assessment.get("triage") or {}
    out += ["### Urgency", ""]
    title = _md(triage.get("title") or NOT_RECORDED)
    out += [f"**{title}.** {_md(triage.get('action') or '')}", ""]
    reasons = [
        str(r.get("message"))
        for r in triage.get("reasons") or []
        if isinstance(r, dict)
    ]
    if reasons:
        out += ["Why:", "", *_md_bullets(reasons), ""]

    out += ["### Warning signs screened", ""]
    out += _md_table(_red_flag_table(data, assessment))
    out += ["### Answers given", ""]
    out += _md_table(_answer_table(assessment))

    out += ["### Possible causes", ""]
    conditions = _top_conditions(assessment)
    if not conditions:
        out += ["No causes were ranked.", ""]
    for rank, c in enumerate(conditions, start=1):
        out.append(
            f"{rank}. **{_md(c.get('name') or c.get('id'))}**: "
            f"{_md(c.get('band') or NOT_RECORDED)}, score {_score(c.get('score'))}"
        )
        for label, key in (("Points for", "for"), ("Points against", "against")):
            points = "; ".join(_strings(c.get(key))) or "none"
            out.append(f"   - {label}: {_md(points)}")
    if conditions:
        out.append("")

    guidance = assessment.get("run_guidance") or {}
    out += ["### Running advice", ""]
    verdict = _md(_verdict_words(data, guidance.get("verdict")))
    out += [f"**{verdict}:** {_md(guidance.get('title') or '')}", ""]
    if guidance.get("reasons"):
        out += [*_md_bullets(_strings(guidance.get("reasons"))), ""]
    if guidance.get("advice"):
        out += [_md(guidance["advice"]), ""]
    return out


def _md_history(data: dict[str, Any], units: str) -> list[str]:
    out = ["## Pain and distance over time", ""]
    if not _entries(data):
        return [*out, NO_RUNS, ""]
    daily, intro = _daily_table(data, units)
    out += [_md(_period(data)), "", "### Day by day", "", intro, ""]
    out += _md_table(daily)
    weekly = _weekly_table(data, units)
    out += ["### Week by week", ""]
    out += _md_table(weekly) if weekly.rows else ["No complete weeks yet.", ""]
    return out


def _md_verdict(data: dict[str, Any], units: str) -> list[str]:
    history = _history(data)
    verdict = history.get("verdict") or {}
    out = ["## Pain-monitoring verdict", ""]
    if verdict.get("verdict"):
        out += [f"**{_md(_verdict_words(data, verdict.get('verdict')))}.**", ""]
        if verdict.get("reasons"):
            out += [*_md_bullets(_strings(verdict.get("reasons"))), ""]
    else:
        out += ["No verdict yet: it needs some logged runs.", ""]
    out += [_trend_sentence(history.get("trend")), ""]
    out += ["### Jumps in distance", ""]
    spikes = _spike_table(data, units)
    out += [_SPIKE_INTRO, "", *_md_table(spikes)] if spikes.rows else [_NO_SPIKES, ""]
    return out


_SPIKE_INTRO = "Runs more than 10% longer than the longest run in the 30 days before."
_NO_SPIKES = "No run was more than 10% longer than the longest of the 30 days before."


# ---------------------------------------------------------------------------
# HTML


def _e(value: Any) -> str:
    return html.escape(str(value))


def _html_table(table: Table, caption: str = "", cls: str = "") -> str:
    parts = [f'<table class="{cls}">' if cls else "<table>"]
    if caption:
        parts.append(f"<caption>{_e(caption)}</caption>")
    parts.append(
        "<thead><tr>"
        + "".join(f'<th scope="col">{_e(h)}</th>' for h in table.headers)
        + "</tr></thead><tbody>"
    )
    for row in table.rows:
        cells = [
            f'<td class="num">{_e(c)}</td>'
            if i in table.numeric
            else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)
        ]
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return "\n".join(parts)


def _html_list(items: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"


def to_html(data: dict[str, Any]) -> str:
    """The report as one self-contained HTML page: inline CSS and SVG, no
    scripts, no external addresses, readable on screen and on paper."""
    units = _units(data)
    disclaimer = _e(data.get("disclaimer") or "")
    generated = _when(data.get("generated"))
    body = [
        "<header>",
        "<h1>kneecheck report</h1>",
        f'<p class="meta">Generated {_e(generated)} by kneecheck '
        f"{_e(data.get('kneecheck_version') or NOT_RECORDED)}. "
        f"Distances are in {UNIT_WORDS[units]}.</p>",
        f'<p class="disclaimer"><strong>Please read:</strong> {disclaimer}</p>',
        "</header>",
        "<main>",
        _html_assessment(data),
        _html_history(data, units),
        _html_verdict(data, units),
        _html_shoes(data, units),
        _html_notes(data),
        "</main>",
        "<footer>",
        f"<p>{disclaimer}</p>",
        f"<p><strong>{_e(PRIVACY)}</strong></p>",
        "</footer>",
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>kneecheck report, {_e(generated)}</title>\n"
        f"<style>{_CSS}</style>\n</head>\n"
        '<body>\n<div class="page">\n'
        + "\n".join(body)
        + "\n</div>\n</body>\n</html>\n"
    )


def _html_assessment(data: dict[str, Any]) -> str:
    out = ['<section id="assessment">', "<h2>Latest assessment</h2>"]
    assessment = data.get("assessment")
    if not isinstance(assessment, dict):
        # Show the command as code, as in the Markdown.
        return "\n".join(
            [
                *out,
                "<p>No assessment recorded yet. Run <code>kneecheck assess</code>.</p>",
                "</section>",
            ]
        )
    out.append(f"<p>Assessment taken on {_e(_when(assessment.get('created_at')))}.</p>")

    triage = assessment.get("triage") or {}
    level = str(triage.get("level"))
    cls = f"badge level-{level}" if level in LEVEL_CLASSES else "badge"
    out += [
        "<h3>Urgency</h3>",
        f'<p><span class="{cls}">{_e(triage.get("title") or NOT_RECORDED)}</span> '
        f"{_e(triage.get('action') or '')}</p>",
    ]
    reasons = [
        str(r.get("message"))
        for r in triage.get("reasons") or []
        if isinstance(r, dict)
    ]
    if reasons:
        out += ["<p>Why:</p>", _html_list(reasons)]

    out += [
        "<h3>Warning signs screened</h3>",
        _html_table(_red_flag_table(data, assessment), cls="flags"),
    ]
    out += [
        "<h3>Answers given</h3>",
        _html_table(_answer_table(assessment), cls="answers"),
    ]

    out.append("<h3>Possible causes</h3>")
    conditions = _top_conditions(assessment)
    if conditions:
        rows = []
        for rank, c in enumerate(conditions, start=1):
            rows.append(
                "<tr>"
                f'<td class="num">{rank}</td>'
                f"<td><strong>{_e(c.get('name') or c.get('id'))}</strong></td>"
                f"<td>{_e(c.get('band') or NOT_RECORDED)}</td>"
                f'<td class="num">{_score(c.get("score"))}</td>'
                f"<td>{_cell_list(_strings(c.get('for')))}</td>"
                f"<td>{_cell_list(_strings(c.get('against')))}</td>"
                "</tr>"
            )
        heads = ["Rank", "Condition", "Band", "Score", "Points for", "Points against"]
        out.append(
            '<table class="causes wide"><thead><tr>'
            + "".join(f'<th scope="col">{h}</th>' for h in heads)
            + "</tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
        )
    else:
        out.append("<p>No causes were ranked.</p>")

    guidance = assessment.get("run_guidance") or {}
    verdict = str(guidance.get("verdict"))
    vcls = f"badge verdict-{verdict}" if verdict in VERDICT_CLASSES else "badge"
    out += [
        "<h3>Running advice</h3>",
        f'<p><span class="{vcls}">{_e(_verdict_words(data, verdict))}</span> '
        f"{_e(guidance.get('title') or '')}</p>",
    ]
    if guidance.get("reasons"):
        out.append(_html_list(_strings(guidance.get("reasons"))))
    if guidance.get("advice"):
        out.append(f"<p>{_e(guidance['advice'])}</p>")
    out.append("</section>")
    return "\n".join(out)


def _cell_list(items: list[str]) -> str:
    return _html_list(items) if items else "none"


def _html_history(data: dict[str, Any], units: str) -> str:
    out = ['<section id="history">', "<h2>Pain and distance over time</h2>"]
    if not _entries(data):
        return "\n".join([*out, f"<p>{_e(NO_RUNS)}</p>", "</section>"])
    daily, intro = _daily_table(data, units)
    weekly = _weekly_table(data, units)
    out += [
        f"<p>{_e(_period(data))}</p>",
        f'<figure class="chart">{_chart(data, units)}</figure>',
        "<h3>Day by day</h3>",
        f"<p>{_e(intro)}</p>",
        _html_table(daily, cls="daily wide"),
        "<h3>Week by week</h3>",
        _html_table(weekly) if weekly.rows else "<p>No complete weeks yet.</p>",
        "</section>",
    ]
    return "\n".join(out)


def _html_verdict(data: dict[str, Any], units: str) -> str:
    history = _history(data)
    verdict = history.get("verdict") or {}
    out = ['<section id="verdict">', "<h2>Pain-monitoring verdict</h2>"]
    word = str(verdict.get("verdict") or "")
    if word:
        cls = f"badge verdict-{word}" if word in VERDICT_CLASSES else "badge"
        out.append(
            f'<p><span class="{cls}">{_e(_verdict_words(data, word))}</span></p>'
        )
        if verdict.get("reasons"):
            out.append(_html_list(_strings(verdict.get("reasons"))))
    else:
        out.append("<p>No verdict yet: it needs some logged runs.</p>")
    out.append(f"<p>{_e(_trend_sentence(history.get('trend')))}</p>")
    out.append("<h3>Jumps in distance</h3>")
    spikes = _spike_table(data, units)
    if spikes.rows:
        out += [f"<p>{_e(_SPIKE_INTRO)}</p>", _html_table(spikes)]
    else:
        out.append(f"<p>{_e(_NO_SPIKES)}</p>")
    out.append("</section>")
    return "\n".join(out)


def _html_shoes(data: dict[str, Any], units: str) -> str:
    shoes = _shoe_table(data, units)
    content = _html_table(shoes) if shoes.rows else "<p>No shoes recorded.</p>"
    return f'<section id="shoes">\n<h2>Shoes</h2>\n{content}\n</section>'


def _html_notes(data: dict[str, Any]) -> str:
    notes = _notes(data)
    if notes:
        items = "".join(f"<dt>{_e(d)}</dt><dd>{_e(n)}</dd>" for d, n in notes)
        content = f'<dl class="notes">{items}</dl>'
    else:
        content = "<p>No notes.</p>"
    return f'<section id="notes">\n<h2>Notes</h2>\n{content}\n</section>'


# ---------------------------------------------------------------------------
# The chart: bars for distance on the left axis, pain lines on the right axis.


class Point(NamedTuple):
    day: dt.date
    distance: float | None  # in the report's units
    during: float | None
    after: float | None
    morning: float | None


class Series(NamedTuple):
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
