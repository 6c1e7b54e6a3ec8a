"""Rich rendering of results. Imported only by commands that draw to a terminal.

Everything here reads the same Assessment that --json prints, so the summary
and the JSON cannot disagree. Meaning never rests on colour or emoji alone:
every level and verdict is also spelled out in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table as RichTable
from rich.text import Text

from ..catalogue import Catalogue
from ..engine import Assessment
from ..pages import ConditionPage, TipSelection
from ..plans import PlanResult
from ..units import localise
from .widgets import VERDICT_STYLE, Panel, Table

LEVEL_STYLE = {
    "emergency": "bold white on red",
    "urgent": "bold red",
    "appointment": "bold yellow",
    "self_care": "bold green",
}
BAND_STYLE = {"likely": "bold green", "possible": "bold yellow", "unlikely": "bold"}
MIN_SHOWN = 3


def _percent(probability: float) -> str:
    """A chance in words a runner reads at a glance; never a falsely exact 0 %."""
    pct = round(max(probability, 0.0) * 100)
    return "under 1 % chance" if pct < 1 else f"about {pct} % chance"


def _bullets(items: Sequence[str]) -> Text:
    return Text("\n").join(Text(f"- {item}") for item in items)


def _evidence(label: str, items: Sequence[str]) -> Text:
    """'Worse with: stairs; Worse with: squatting' reads as 'Worse with: stairs,
    squatting'; the JSON keeps one entry per answer."""
    groups: dict[str, list[str]] = {}
    for item in items:
        head, sep, rest = item.partition(": ")
        if sep:
            groups.setdefault(head, []).append(rest)
        else:
            groups.setdefault(item, [])
    line = Text(f"{label}: ", style="bold")
    line.append(
        "; ".join(f"{h}: {', '.join(r)}" if r else h for h, r in groups.items()),
        style="",
    )
    return line


def render_assessment(result: Assessment, console: Console, units: str = "km") -> None:
    """Print the whole summary: urgency, causes, running, what to do, prevention.

    Distances in the answer texts show in the runner's `units`."""
    t = result.triage
    head = Text()
    head.append(f" {t.title.upper()} ", style=LEVEL_STYLE[t.level])
    head.append(f"  {t.action}")
    parts: list[Text] = [head]
    if t.reasons:
        parts.append(Text("Why:", style="bold"))
        parts.append(_bullets([r.message for r in t.reasons]))
    if result.stopped_early:
        parts.append(
            Text(
                "The questionnaire stopped at the warning signs: they come "
                "first, whatever the rest would say.",
                style="italic",
            )
        )
    console.print(
        Panel(
            Group(*parts),
            title="How urgent is it?",
            title_align="left",
        )
    )

    if result.conditions:
        console.print(
            Text("Possible causes, most likely first (not a diagnosis)", style="bold")
        )
        # Always three to compare; more only while they are real contenders.
        shown = [
            c
            for i, c in enumerate(result.conditions)
            if i < MIN_SHOWN or c.band != "unlikely"
        ]
        for i, c in enumerate(shown, 1):
            line = Text(f"{i}. ")
            line.append(c.name, style=BAND_STYLE[c.band] or "bold")
            line.append(f"  {c.band}, {_percent(c.probability)}", style="dim")
            console.print(line)
            pro = [localise(x, units) for x in c.for_]
            console.print(Padding(_evidence("For", pro), (0, 0, 0, 3)))
            if c.against:
                con = [localise(x, units) for x in c.against]
                console.print(Padding(_evidence("Against", con), (0, 0, 0, 3)))
        other = 1 - sum(c.probability for c in result.conditions)
        console.print(
            Text(f"   Something else, not listed here: {_percent(other)}", style="dim")
        )
        rest = len(result.conditions) - len(shown)
        if rest > 0:
            console.print(
                Text(f"   ({rest} more with weak support: see --json)", style="dim")
            )
        console.print()
    else:
        console.print(
            Text("No condition in the catalogue matched your answers.", style="italic")
        )

    g = result.run_guidance
    run = Text()
    run.append(f" {g.verdict.upper()} ", style=VERDICT_STYLE[g.verdict])
    run.append(f"  {g.title}")
    console.print(
        Panel(
            Group(run, _bullets(g.reasons), Text(g.advice)),
            title="Can I keep running?",
            title_align="left",
        )
    )

    care = result.care
    heading = "What to do now"
    if care.condition and result.conditions:
        heading += f" (for {result.conditions[0].name})"
    blocks: list[Text] = [_bullets(care.self_care)]
    if care.exercises:
        blocks.append(
            Text("Exercises: ", style="bold").append(
                ", ".join(e["name"] for e in care.exercises), style=""
            )
        )
    if care.see_someone:
        blocks.append(Text("See someone:", style="bold"))
        blocks.append(_bullets(care.see_someone))
    console.print(Panel(Group(*blocks), title=heading, title_align="left"))

    if result.prevention:
        console.print(Text("Prevention tips for you", style="bold"))
        for tip in result.prevention:
            line = Text(f"- {tip.title}: ", style="bold")
            line.append(tip.text, style="")
            why = localise(result.tip_reasons.get(tip.id, ""), units)
            if why:
                line.append(f" ({why})", style="dim")
            console.print(Padding(line, (0, 0, 0, 1)))
    console.print()
    console.print(Text(result.disclaimer, style="italic"))
    plan = (result.extra or {}).get("plan")
    if plan:
        console.print()
        _draw_plan(plan, console)


def render_tips(selection: TipSelection, console: Console) -> None:
    """Print prevention tips grouped by topic, each with its evidence note."""
    for topic in selection.topics:
        chosen = [t for t in selection.tips if t.topic == topic.id]
        if not chosen:
            continue
        body: list[Text] = []
        for tip in chosen:
            body.append(Text(tip.title, style="bold"))
            body.append(Text(tip.text))
            body.append(Text(f"Evidence: {tip.evidence}", style="dim"))
            body.append(Text(""))
        console.print(
            Panel(
                Group(*body[:-1]),
                title=topic.title,
                title_align="left",
            )
        )
    console.print(Text(selection.disclaimer, style="italic"))


EVIDENCE_TEXT = {
    "strong": "strong evidence",
    "moderate": "moderate evidence",
    "limited": "limited evidence",
    "expert_opinion": "expert opinion",
}


def render_conditions(rows: Sequence[dict[str, str]], console: Console) -> None:
    """The catalogue as a table."""
    table = Table(title="Conditions kneecheck knows", title_justify="left")
    table.add_column("id", no_wrap=True)  # ids are typed back: never cut them
    table.add_column("name", ratio=2)
    table.add_column("where it hurts", ratio=3)
    table.add_column("in runners", no_wrap=True)
    for r in rows:
        table.add_row(r["id"], r["name"], r["area"], r["how_common"].replace("_", " "))
    console.print(table)
    console.print(
        Text(
            'More on one: kneecheck explain ID (or a name such as "runner\'s knee")',
            style="dim",
        )
    )


def _section(title: str, body: RenderableType) -> RenderableType:
    return Panel(body, title=title, title_align="left")


def _exercise_table(
    exercises: Sequence[dict[str, Any]], shown: set[str] | None = None
) -> RichTable:
    """Exercises with dose and how-to; ids in `shown` were explained earlier."""
    table = Table(expand=True, show_lines=True)
    table.add_column("exercise", ratio=2)
    table.add_column("dose", ratio=2)
    table.add_column("how", ratio=5)
    for e in exercises:
        if shown is not None and e["id"] in shown:
            table.add_row(
                Text(e["name"], style="bold"),
                e["dose_text"],
                Text("As in the earlier stage.", style="dim"),
            )
            continue
        if shown is not None:
            shown.add(e["id"])
        how = Text("\n".join(e["how"]))
        how.append(f"\nProgress: {e['progression']}", style="dim")
        table.add_row(Text(e["name"], style="bold"), e["dose_text"], how)
    return table


def render_condition_page(result: ConditionPage, console: Console) -> None:
    """`kneecheck explain`: what it is, how to tell, what helps, what to expect."""
    page = result.to_dict()
    console.print(Text(page["name"], style="bold underline"))
    if page["aliases"]:
        console.print(Text("Also called: " + ", ".join(page["aliases"]), style="dim"))
    console.print(
        _section(
            "What it is",
            Group(
                Text(page["description"]),
                Text.assemble(("Where it hurts: ", "bold"), page["area"]),
                Text.assemble(("Who gets it: ", "bold"), page["who"]),
                Text.assemble(
                    ("In runners: ", "bold"), page["how_common"].replace("_", " ")
                ),
            ),
        )
    )
    looks = Table(expand=True)
    looks.add_column("look-alike", ratio=1)
    looks.add_column("how to tell them apart", ratio=3)
    for la in page["look_alikes"]:
        looks.add_row(la["name"], la["how_to_tell"])
    console.print(
        _section(
            "Typical signs, and how it differs from look-alikes",
            Group(_bullets(page["typical_signs"]), looks),
        )
    )
    helps = [
        Text.assemble(f"- {t['text']} ", (f"({EVIDENCE_TEXT[t['evidence']]})", "dim"))
        for t in page["what_helps"]
    ]
    console.print(_section("What helps", Group(*helps)))
    if page["clinician_first"]:
        console.print(
            _section(
                "See a clinician first", Text(page["clinician_first"], style="bold")
            )
        )
    console.print(_section("What you can do now", _bullets(page["self_care"])))
    if page["exercises"]:
        console.print(_section("Exercises", _exercise_table(page["exercises"])))
    console.print(_section("When to see someone", _bullets(page["see_someone"])))
    console.print(_section("What to expect", Text(page["recovery"])))
    console.print(Text("Sources", style="bold"))
    console.print(_bullets([s["citation"] for s in page["sources"]]), style="dim")
    console.print(Text(page["disclaimer"], style="italic"))


def render_plan(result: PlanResult, console: Console) -> None:
    """`kneecheck plan`: stages with exercises, the gated walk-run steps, a calendar."""
    _draw_plan(result.to_dict(), console)


def _draw_plan(plan: dict[str, Any], console: Console) -> None:
    """A plan document (as `plan --json` prints it; also inside `assess --plan`)."""
    console.print(
        Text(
            f"Plan for {plan['condition']['name']}, starting {plan['start']}",
            style="bold underline",
        )
    )
    if plan["clinician_first"]:
        console.print(
            _section(
                "See a clinician first",
                Group(
                    Text(plan["clinician_first"], style="bold"),
                    Text(plan["clinician_first_note"]),
                    _bullets(plan["see_someone"]),
                ),
            )
        )
        console.print(Text(plan["disclaimer"], style="italic"))
        return
    console.print(_section("Running", Text(plan["running"])))
    shown: set[str] = set()
    for s in plan["stages"]:
        console.print(
            _section(
                f"{s['title']} ({s['span']})",
                Group(
                    Text.assemble(("Aim: ", "bold"), s["aim"]),
                    _exercise_table(s["exercises"], shown),
                    Text.assemble(("Move on when: ", "bold"), s["move_on_when"]),
                ),
            )
        )
    rtr = plan["return_to_run"]
    if rtr:
        steps = Table()
        steps.add_column("step", justify="right")
        steps.add_column("each session")
        for st in rtr["steps"]:
            steps.add_row(str(st["step"]), st["text"])
        console.print(
            _section(
                f"{rtr['title']} (from week {rtr['from_week']})",
                Group(
                    Text(rtr["intro"]),
                    Text.assemble(("The rule: ", "bold"), rtr["rule"]),
                    steps,
                    Text(f"Evidence: {rtr['evidence_note']}", style="dim"),
                ),
            )
        )
    cal = Table(
        title="Calendar (runs show the step if every session goes well)",
        title_justify="left",
        expand=True,
    )
    for col in ("week", "dates", "stage", "runs"):
        cal.add_column(col)
    for w in plan["calendar"]:
        runs = "\n".join(f"{r['date']}: step {r['step']}" for r in w["runs"]) or "-"
        cal.add_row(str(w["week"]), f"{w['from']} to {w['to']}", w["stage"], runs)
    console.print(cal)
    console.print(_section("When to see someone", _bullets(plan["see_someone"])))
    console.print(Text("Sources", style="bold"))
    console.print(_bullets([s["citation"] for s in plan["sources"]]), style="dim")
    console.print(Text(plan["disclaimer"], style="italic"))


def render_gate(decision: Any, step_text: str, console: Console) -> None:
    """The next walk-run step after a session, and why."""
    style = {"advance": "bold green", "repeat": "bold yellow", "back": "bold red"}
    line = Text(f" {decision.action.upper()} ", style=style[decision.action])
    line.append(f"  Next session: step {decision.step} ({step_text}). ")
    line.append(decision.reason[:1].upper() + decision.reason[1:] + ".")
    console.print(line)


def render_from_diary(
    catalogue: Catalogue, from_diary: dict[str, Any], units: str, console: Console
) -> None:
    """Say which answers came from the diary, in the runner's units."""
    from ..units import from_km

    parts = []
    for key, value in from_diary.items():
        q = catalogue.question(key)
        if q.unit == "km":
            value = f"{from_km(value, units):.1f} {units}"
        elif q.unit == "%":
            value = f"{value:+g}%"
        parts.append(f"{q.short.lower()} {value}")
    console.print(
        f"{catalogue.advice.history.from_diary}: {'; '.join(parts)}. "
        "Give an answer yourself to override it.",
        highlight=False,
    )
