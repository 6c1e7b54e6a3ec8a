"""Rich rendering of results. Imported only by commands that draw to a terminal.

Everything here reads the same Assessment that --json prints, so the summary
and the JSON cannot disagree. Meaning never rests on colour or emoji alone:
every level and verdict is also spelled out in words.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from .catalogue import Catalogue, Tip, Topic
from .engine import Assessment

LEVEL_STYLE = {
    "emergency": "bold white on red",
    "urgent": "bold red",
    "appointment": "bold yellow",
    "self_care": "bold green",
}
VERDICT_STYLE = {"stop": "bold red", "reduce": "bold yellow", "continue": "bold green"}
BAND_STYLE = {"likely": "bold green", "possible": "bold yellow", "unlikely": "bold"}
MIN_SHOWN = 3


def make_console(stderr: bool = False) -> Console:
    # Rich already honours NO_COLOR, FORCE_COLOR, TERM=dumb and non-terminal output.
    return Console(stderr=stderr, highlight=False)


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


def render_assessment(result: Assessment, console: Console) -> None:
    """Print the whole summary: urgency, causes, running, what to do, prevention."""
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
            box=box.ROUNDED,
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
            line.append(f"  {c.band}, score {c.score:.2f}", style="dim")
            console.print(line)
            console.print(Padding(_evidence("For", c.for_), (0, 0, 0, 3)))
            if c.against:
                console.print(Padding(_evidence("Against", c.against), (0, 0, 0, 3)))
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
            box=box.ROUNDED,
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
    console.print(
        Panel(Group(*blocks), title=heading, title_align="left", box=box.ROUNDED)
    )

    if result.prevention:
        console.print(Text("Prevention tips for you", style="bold"))
        for tip in result.prevention:
            line = Text(f"- {tip.title}: ", style="bold")
            line.append(tip.text, style="")
            why = result.tip_reasons.get(tip.id)
            if why:
                line.append(f" ({why})", style="dim")
            console.print(Padding(line, (0, 0, 0, 1)))
    console.print()
    console.print(Text(result.disclaimer, style="italic"))


def render_tips(
    catalogue: Catalogue,
    topics: Sequence[Topic],
    tips: Sequence[Tip],
    console: Console,
) -> None:
    """Print prevention tips grouped by topic, each with its evidence note."""
    for topic in topics:
        chosen = [t for t in tips if t.topic == topic.id]
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
                box=box.ROUNDED,
            )
        )
    console.print(Text(catalogue.advice["disclaimer"], style="italic"))
