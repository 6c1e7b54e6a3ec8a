"""Rich rendering of the diary: the pain/distance chart, weeks, spikes, shoes.

Renders the same object `history --json` prints. The chart is plain characters
with letters, not colour, so it reads the same on any terminal.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.cells import cell_len
from rich.console import Console, Group
from rich.progress import TaskID
from rich.text import Text

from ..trends import History
from ..units import from_km, localise
from .widgets import VERDICT_STYLE, Panel, Table, make_console

BAR = 18
RECENT_ROWS = 14


def _bar(value: float, peak: float) -> str:
    share = value / peak if peak else 0.0
    if not math.isfinite(share):  # a hand-edited 1e308 km overflows the sums
        share = 1.0 if value else 0.0
    filled = round(BAR * min(max(share, 0.0), 1.0))
    return "#" * filled + "." * (BAR - filled)


def pain_scale(during: int | None, after: int | None, morning: int | None) -> str:
    """0..10 as eleven cells; D, A and M mark the scores, '|' the 5/10 limit."""
    cells = ["."] * 11
    cells[5] = "|"
    for letter, value in (("D", during), ("A", after), ("M", morning)):
        if value is not None:
            cells[value] = letter if cells[value] in ".|" else "*"
    return "".join(cells)


def chart(doc: dict[str, Any]) -> Text:
    """Distance and pain per day (or per week for long periods) as text."""
    units = doc["units"]
    runs = [e for e in doc["entries"] if e["kind"] == "run"]
    lines = []
    if doc["day_by_day"]:
        peak = max((e["distance_km"] or 0 for e in runs), default=0)
        lines.append("date        distance" + " " * (BAR - 1) + "pain 0    5    10")
        for e in doc["entries"]:
            dist = e["distance_km"] or 0
            label = (
                f"{from_km(dist, units):5.1f} {units}"
                if e["kind"] == "run"
                else "rest    "
            )
            scale = pain_scale(e["pain_during"], e["pain_after"], e["next_morning"])
            lines.append(f"{e['date']}  {_bar(dist, peak)} {label}      {scale}")
        lines.append(
            "D = pain during, A = after, M = next morning, * = two at the "
            "same score; | marks the 5/10 limit"
        )
    else:
        peak = max((w["distance_km"] for w in doc["weeks"]), default=0)
        lines.append(
            "week of      distance" + " " * (BAR - 1) + "worst pain 0    5    10"
        )
        for w in doc["weeks"]:
            lines.append(
                f"{w['week_start']}  {_bar(w['distance_km'], peak)} "
                f"{from_km(w['distance_km'], units):6.1f} {units}      "
                f"{pain_scale(w['max_pain_during'], None, None)}"
            )
        lines.append("D = worst pain during a run that week; | marks the 5/10 limit")
    return Text("\n".join(lines))


def render_history(history: History, console: Console) -> None:
    """The history: verdict, chart, weeks, spikes, shoes and the latest entries."""
    doc = history.to_dict()
    units = doc["units"]
    v = doc["verdict"]
    if v["verdict"] is None:
        head = Text(" NOTHING TO JUDGE YET ", style="bold")
    else:
        head = Text(f" {v['verdict'].upper()} ", style=VERDICT_STYLE[v["verdict"]])
    head.append("  the pain-monitoring rule on your logged runs")
    body: list[Text] = [head, *(Text(f"- {r}") for r in v["reasons"])]
    if doc["trend"]:
        body.append(Text(f"Week on week: {doc['trend']}"))
    console.print(
        Panel(
            Group(*body),
            title=f"Your knee, {doc['from']} to {doc['to']}",
            title_align="left",
        )
    )
    if not doc["entries"]:
        console.print(
            Text(
                "Nothing logged in this period. Add a run with kneecheck "
                "log --distance N, or import one with kneecheck import.",
                style="italic",
            )
        )
    else:
        console.print(
            Panel(
                chart(doc),
                title="Pain and distance",
                title_align="left",
            )
        )
    if doc["entries"]:
        render_entries(doc["entries"][-RECENT_ROWS:], units, console)
    weeks = Table(title="Weeks", title_justify="left")
    for col in ("week of", "distance", "change", "runs", "worst pain"):
        weeks.add_column(col)
    for w in doc["weeks"]:
        change = "-" if w["change_pct"] is None else f"{w['change_pct']:+.0f}%"
        worst = "-" if w["max_pain_during"] is None else f"{w['max_pain_during']}/10"
        weeks.add_row(
            w["week_start"],
            f"{from_km(w['distance_km'], units):.1f} {units}",
            change,
            str(w["runs"]),
            worst,
        )
    console.print(weeks)
    if doc["spikes"]:
        spikes = Table(
            title="Runs over 110% of the longest of the 30 days before",
            title_justify="left",
        )
        for col in ("date", "distance", "longest before", "over"):
            spikes.add_column(col)
        for s in doc["spikes"]:
            spikes.add_row(
                s["date"],
                f"{from_km(s['distance_km'], units):.1f}",
                f"{from_km(s['previous_longest_km'], units):.1f}",
                f"+{s['over_pct']:.0f}%",
            )
        console.print(spikes)
    if doc["shoes"]:
        render_shoes(doc["shoes"], units, console)
    if doc["assessments"]:
        table = Table(title="Assessments", title_justify="left")
        for col in ("when", "urgency", "most likely", "running"):
            table.add_column(col)
        for a in doc["assessments"]:
            table.add_row(
                a["created_at"].replace("T", " "),
                a["triage_level"],
                a["top_condition_name"] or "-",
                a["verdict"],
            )
        console.print(table)


def render_shoes(rows: Sequence[dict[str, Any]], units: str, console: Console) -> None:
    """Every pair with its distance and warning."""
    if not rows:
        console.print(Text("No shoes yet: kneecheck shoes add NAME", style="italic"))
        return
    table = Table(title="Shoes", title_justify="left")
    # a name or warning too long for the terminal is folded, never cut short
    table.add_column("name", overflow="fold")
    table.add_column("distance", no_wrap=True)
    table.add_column("status", overflow="fold")
    for s in rows:
        status = "retired" if s["retired"] else "default" if s["default"] else ""
        if s["warning"]:
            status = (status + "; " if status else "") + localise(s["warning"], units)
        table.add_row(
            s["name"], f"{from_km(s['distance_km'], units):.0f} {units}", status
        )
    console.print(table)


MIN_TEXT_WIDTH = 6  # a shoe name or note wrapped narrower holds barely a word


def render_entries(
    entries: Sequence[dict[str, Any]],
    units: str,
    console: Console,
    with_ids: bool = False,
) -> None:
    """The latest entries with their numbers, for reading exactly what was
    logged; `with_ids` adds the id and source (for `kneecheck entries`)."""

    def pain(value: int | None) -> str:
        return "-" if value is None else f"{value}/10"

    title = "Entries" if with_ids else "Latest entries"
    cols = ["date", "distance", "during", "after", "morning", "shoes", "note"]
    rows = []
    for e in entries:
        morning = "settled" if e["settled"] else pain(e["next_morning"])
        distance = (
            f"{from_km(e['distance_km'], units):.1f} {units}"
            if e["kind"] == "run" and e["distance_km"]
            else "rest"
        )
        row = [
            e["date"],
            distance,
            pain(e["pain_during"]),
            pain(e["pain_after"]),
            morning,
            e["shoes"] or "",
            e["note"] or "",
        ]
        rows.append([str(e["id"]), *row, e["source"]] if with_ids else row)
    names = ["id", *cols, "source"] if with_ids else cols
    # An id or a date cut short could name the wrong run: every column but the
    # shoes and the note keeps its full width, and those two share what is
    # left, wrapped (never cut), however narrow the terminal or pipe.
    widths = [
        max([cell_len(col), *(cell_len(r[i]) for r in rows)])
        for i, col in enumerate(names)
    ]
    flexible = [names.index("shoes"), names.index("note")]

    def table(flex: dict[int, int], compact: bool) -> Table:
        made = Table(
            title=f"{title} ({len(entries)})",
            title_justify="left",
            collapse_padding=compact,
            pad_edge=not compact,
        )
        for i, col in enumerate(names):
            if i in flex:
                made.add_column(col, overflow="fold", width=flex[i])
            else:
                made.add_column(col, no_wrap=True, width=widths[i])
        return made

    wide = console.options.update_width(10_000)  # measured, not squeezed
    for compact in (False, True):  # closer columns only when they must be
        fixed = console.measure(
            table(dict.fromkeys(flexible, 1), compact), options=wide
        ).maximum - len(flexible)
        spare = console.width - fixed
        if spare >= sum(widths[i] for i in flexible):
            break
    flex = {}
    for n, i in enumerate(sorted(flexible, key=lambda i: widths[i])):
        # the shorter takes what it needs of its half, the longer the rest
        flex[i] = min(widths[i], max(spare // (len(flexible) - n), MIN_TEXT_WIDTH))
        spare -= flex[i]
    shown = table(flex, compact)
    for row in rows:
        shown.add_row(*row)
    # narrower than that, the terminal wraps the line rather than Rich cut it
    needed = fixed + sum(flex.values())
    width = console.width
    console.width = max(width, needed)
    try:
        console.print(shown, crop=False)
    finally:
        console.width = width


@contextmanager
def import_progress(
    enabled: bool, plain: bool = False, after: float = 1.0
) -> Iterator[Callable[[int, int, int], None] | None]:
    """A progress bar on standard error (files done, runs found, time left),
    shown only once an import has taken `after` seconds; None when disabled."""
    if not enabled:
        yield None
        return
    import time

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    started = time.monotonic()
    bar = Progress(
        TextColumn("Importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files, {task.fields[runs]} runs"),
        TimeRemainingColumn(),
        console=make_console(plain, stderr=True),
        transient=True,
    )
    task: list[TaskID] = []

    def update(done: int, total: int, runs: int) -> None:
        if not task:
            if time.monotonic() - started < after:
                return  # quick imports stay quiet
            bar.start()
            task.append(bar.add_task("import", total=total, runs=runs))
        bar.update(task[0], completed=done, runs=runs)

    try:
        yield update
    finally:
        if task:
            bar.stop()
