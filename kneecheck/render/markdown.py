"""Plans as Markdown, to print or send: from the same object as `plan --json`.

Text is escaped with the report's `md_escape`, so every Markdown writer of
kneecheck escapes the same way.
"""

from __future__ import annotations

from typing import Any

from ..plans import PlanResult
from ..report.sections import md_escape


def plan_to_markdown(result: PlanResult) -> str:
    """A printable plan to take to a physio, from the same object as --json."""
    plan = result.to_dict()
    name = plan["condition"]["name"]
    lines = [
        f"# Exercise and return-to-run plan: {name}",
        "",
        f"Starting {plan['start']}. {plan['disclaimer']}",
        "",
    ]
    if plan["clinician_first"]:
        lines += [
            "## See a clinician first",
            "",
            plan["clinician_first"],
            "",
            plan["clinician_first_note"],
            "",
        ]
        lines += [f"- {s}" for s in plan["see_someone"]] + [""]
        lines += _md_sources(plan)
        return "\n".join(lines)
    lines += ["## Running", "", plan["running"], ""]
    shown: set[str] = set()
    for s in plan["stages"]:
        lines += [
            f"## Stage: {s['title']} ({s['span']})",
            "",
            f"Aim: {s['aim']}",
            "",
            f"Move on when: {s['move_on_when']}",
            "",
            "| exercise | dose | how |",
            "|---|---|---|",
        ]
        for e in s["exercises"]:
            how = (
                md_escape(" ".join(e["how"]))
                if e["id"] not in shown
                else "As in the earlier stage."
            )
            shown.add(e["id"])
            name, dose = md_escape(e["name"]), md_escape(e["dose_text"])
            lines.append(f"| {name} | {dose} | {how} |")
        lines.append("")
    rtr = plan["return_to_run"]
    if rtr:
        lines += [
            f"## {rtr['title']} (from week {rtr['from_week']})",
            "",
            rtr["intro"],
            "",
            f"**The rule:** {rtr['rule']}",
            "",
            "| step | session |",
            "|---|---|",
        ]
        lines += [f"| {st['step']} | {st['text']} |" for st in rtr["steps"]]
        lines += ["", f"Evidence: {rtr['evidence_note']}", ""]
    lines += [
        "## Calendar",
        "",
        "| week | dates | stage | runs (if every session goes well) |",
        "|---|---|---|---|",
    ]
    for w in plan["calendar"]:
        runs = "; ".join(f"{r['date']}: step {r['step']}" for r in w["runs"]) or "-"
        lines.append(
            f"| {w['week']} | {w['from']} to {w['to']} | {w['stage']} | {runs} |"
        )
    lines += ["", "## When to see someone", ""]
    lines += [f"- {s}" for s in plan["see_someone"]] + [""]
    lines += _md_sources(plan)
    return "\n".join(lines)


def _md_sources(plan: dict[str, Any]) -> list[str]:
    return ["## Sources", "", *[f"- {s['citation']}" for s in plan["sources"]], ""]
