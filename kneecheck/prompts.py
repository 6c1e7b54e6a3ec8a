"""The interactive questionnaire: the only module that talks to questionary.

It fills in the same answers object that `--answers` reads, then hands it to
the same validation, so interactive and scripted runs cannot drift apart.
"""

from __future__ import annotations

from typing import Any

import questionary
from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from .answers import Answers
from .catalogue import Catalogue, Question
from .predicates import all_hold

DONT_KNOW = "__dont_know__"
_STYLE = questionary.Style([("qmark", "bold"), ("question", "bold")])


def ask_all(catalogue: Catalogue, console: Console) -> tuple[Answers, bool]:
    """Ask every question that can matter; return (answers, stopped_at_red_flags).

    Raises KeyboardInterrupt on Ctrl-C (or Ctrl-D), never returns half an answer.
    """
    answers: Answers = {}
    section = ""
    console.print(Text(catalogue.advice["intro"], style="bold"))
    for q in catalogue.questions:
        if q.skip_if and all_hold(q.skip_if, answers):
            continue  # this answer cannot change the result
        if q.section != section:
            section = q.section
            console.print(Text(f"\n{section}", style="bold underline"))
        if q.picture:
            _show_picture(catalogue.pictures[q.picture], console)
        if q.help:
            console.print(Text(q.help, style="dim"))
        value = _ask_one(catalogue, q)
        if value is not None:
            answers[q.id] = value
        if q.id == "red_flags" and value:
            return answers, True  # like NHS 111: a warning sign ends the interview
    return answers, False


def _show_picture(lines: tuple[str, ...], console: Console) -> None:
    # Wrapped line art is unreadable; the choices carry the same letters anyway.
    if max(map(len, lines)) + 4 > console.width:
        console.print(
            Text("(A wider terminal shows a picture of these areas.)", style="dim")
        )
        return
    console.print(
        Panel(
            Text("\n".join(lines)), title="Your knee", title_align="left", expand=False
        )
    )


def confirm(text: str) -> bool:
    """A yes/no question outside the questionnaire (Ctrl-C still cancels)."""
    return bool(_run(questionary.confirm(text, default=False, style=_STYLE)))


def _ask_one(catalogue: Catalogue, q: Question) -> Any:
    dont_know = questionary.Choice(catalogue.dont_know_label, value=DONT_KNOW)
    text = q.text
    if q.type == "multi":
        choices = [
            questionary.Choice(
                c.label if not c.mark else f"{c.mark}  {c.label}", value=c.value
            )
            for c in q.choices
        ]
        picked = _run(
            questionary.checkbox(
                text,
                choices=[*choices, questionary.Separator(), dont_know],
                instruction="(space ticks, enter confirms)",
                style=_STYLE,
            )
        )
        if DONT_KNOW in picked:
            rest = [v for v in picked if v != DONT_KNOW]
            return rest or None
        return picked
    if q.type in ("single", "yes_no", "scale"):
        if q.type == "single":
            options = [questionary.Choice(c.label, value=c.value) for c in q.choices]
        elif q.type == "yes_no":
            options = [
                questionary.Choice("Yes", value=True),
                questionary.Choice("No", value=False),
            ]
        else:
            lo, hi = int(q.min or 0), int(q.max or 10)
            options = [questionary.Choice(str(n), value=n) for n in range(lo, hi + 1)]
        picked = _run(
            questionary.select(text, choices=[*options, dont_know], style=_STYLE)
        )
        return None if picked == DONT_KNOW else picked
    raw = _run(
        questionary.text(
            text,
            instruction=f"(leave empty if you don't know; {q.min:g}-{q.max:g})",
            validate=lambda s: _number_error(q, s) or True,
            style=_STYLE,
        )
    )
    return _to_number(q, raw)


def _run(question: questionary.Question) -> Any:
    # unsafe_ask lets Ctrl-C raise instead of returning None as if answered.
    value = question.unsafe_ask()
    if value is None:
        raise KeyboardInterrupt
    return value


def _number_error(q: Question, raw: str) -> str | None:
    if not raw.strip():
        return None
    try:
        value = _to_number(q, raw)
    except ValueError:
        return (
            "Please type a whole number"
            if q.type == "integer"
            else "Please type a number"
        )
    assert value is not None and q.min is not None and q.max is not None
    if not q.min <= value <= q.max:
        return f"Please give a value from {q.min:g} to {q.max:g}"
    return None


def _to_number(q: Question, raw: str) -> int | float | None:
    raw = raw.strip().replace(",", ".")
    if not raw:
        return None
    if q.type == "integer":
        return int(raw)
    value = float(raw)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(raw)
    return int(value) if value.is_integer() else value
