"""The figures of `kneecheck evaluate`, drawn: shares with their 95 % ranges,
the reliability table, the misses, and what a catalogue change moved."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from ..output import printable
from .widgets import Table


def _pct(value: float | None) -> str:
    """A share of `evaluate`, as printed ("-" where there were no cases)."""
    return "-" if value is None else f"{value * 100:.1f} %"


def _error(value: float | None) -> str:
    """A calibration error of `evaluate`, as printed."""
    return "-" if value is None else f"{value:.3f}"


def render_evaluation(report: dict[str, Any], console: Console) -> None:
    """The figures of `kneecheck evaluate`, then every miss by file."""
    split = f" (split: {report['split']})" if report["split"] else ""
    console.print(
        Text(
            f"{report['cases']} cases{split}, {report['with_condition']} "
            "with an expected condition",
            style="bold",
        )
    )

    def share(key: str) -> str:  # with its 95 % range, where there is one
        interval = report["intervals_95"].get(key)
        if report[key] is None or interval is None:
            return _pct(report[key])
        low, high = interval
        return f"{_pct(report[key])}  (95 % range {low * 100:.0f}-{high * 100:.0f})"

    table = Table(show_header=False, box=None)
    rows = [
        ("right condition first (top-1)", share("top1")),
        ("right condition in the top 3", share("top3")),
        ("triage safe (never less urgent than needed)", share("triage_safe")),
        ("triage within the expected range", _pct(report["triage_exact"])),
        ("over-triage (more urgent than reasonable)", share("over_triage")),
        ("run verdict agrees", share("verdict_agreement")),
        (
            "calibration error of the top probability (ECE)",
            _error(report["calibration_error"]),
        ),
        (
            "ECE counting every case (no listed cause: wrong)",
            _error(report["calibration_error_every_case"]),
        ),
    ]
    adaptive = report.get("adaptive")
    if adaptive:
        full = adaptive["full"]
        rows += [
            (
                "questions asked by the adaptive interview",
                f"median {adaptive['questions_median']:g}, "
                f"at most {adaptive['questions_max']}",
            ),
            ("with every answer given: top-1", _pct(full["top1"])),
            ("with every answer given: top-3", _pct(full["top3"])),
            ("with every answer given: triage safe", _pct(full["triage_safe"])),
            (
                "less urgent than with every answer",
                ", ".join(adaptive["less_urgent_than_full"]) or "none",
            ),
        ]
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    if report["reliability"]:
        console.print(
            Text(
                "Reliability (cases with an expected condition): top probability "
                "against how often it was right",
                style="bold",
            )
        )
        rel = Table()
        for column in ("probability", "cases", "said", "right"):
            rel.add_column(column)
        for b in report["reliability"]:
            rel.add_row(
                f"{b['low']:.1f}-{b['high']:.1f}",
                str(b["cases"]),
                f"{b['confidence'] * 100:.0f} %",
                f"{b['accuracy'] * 100:.0f} %",
            )
        console.print(rel)
    if report["misses"]:
        console.print(Text(f"Misses ({len(report['misses'])})", style="bold"))
        for miss in report["misses"]:
            console.print(
                # a case id is a file's text: never a control character on screen
                Text(f"- {printable(miss['id'])}: {'; '.join(miss['problems'])}"),
                highlight=False,
            )
    if report.get("baseline"):
        _render_against_baseline(report, report["baseline"], console)


def _render_against_baseline(
    report: dict[str, Any], before: dict[str, Any], console: Console
) -> None:
    """The figures before and after a catalogue change, then what moved. Last,
    so it is what stays on the screen."""
    where = printable(before["catalogue"])
    console.print(Text(f"Against the baseline {where}", style="bold"))
    table = Table()
    for column in ("", "baseline", "now"):
        table.add_column(column)
    for key, name in (
        ("top1", "top-1"),
        ("top3", "top-3"),
        ("triage_safe", "triage safe"),
        ("over_triage", "over-triage"),
        ("verdict_agreement", "verdict"),
    ):
        table.add_row(name, _pct(before[key]), _pct(report[key]))
    for key, name in (
        ("calibration_error", "calibration error"),
        ("calibration_error_every_case", "calibration error, every case"),
    ):
        table.add_row(name, _error(before[key]), _error(report[key]))
    console.print(table)
    moved = before["changed"]
    console.print(Text(f"Cases that moved ({len(moved)})", style="bold"))
    for case in moved:
        console.print(
            Text(f"- {printable(case['id'])}: {'; '.join(case['changes'])}"),
            highlight=False,
        )
