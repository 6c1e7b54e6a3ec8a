"""The report's content: wording of values, and the tables each section shows.

Shared by the Markdown and HTML writers, so both say the same thing.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from ..namedtuples import NamedTuple
from ..output import printable
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
    """A table of the report: a caption, its header and its rows of text."""

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


def _chance(condition: dict[str, Any]) -> str:
    """A condition's probability (contract 1.1; `score` in older results) in words."""
    value = condition.get("probability", condition.get("score"))
    if value is None:
        return NOT_RECORDED
    pct = round(float(value) * 100)
    return "under 1 % chance" if pct < 1 else f"about {pct} % chance"


def _e(value: Any) -> str:
    """Text for the HTML page: no control character (data can be doctored), and
    nothing the browser would read as markup."""
    return html.escape(printable(str(value)))


_SPIKE_INTRO = "Runs more than 10% longer than the longest run in the 30 days before."
_NO_SPIKES = "No run was more than 10% longer than the longest of the 30 days before."


def md_escape(text: Any) -> str:
    """Escape user text for Markdown: '|' would split a table cell, '<' could
    start raw HTML, and the rest would start emphasis, code or links. Control
    characters go, line breaks become spaces, as on the terminal."""
    out = printable(str(text))
    for char in "\\`*[]<>|":
        out = out.replace(char, "\\" + char)
    return out
