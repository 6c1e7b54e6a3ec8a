"""The interactive questionnaire: the only module that talks to questionary.

It fills in the same answers object that `--answers` reads, then hands it to
the same validation, so interactive and scripted runs cannot drift apart.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from typing import Any

import questionary
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from rich.console import Console
from rich.text import Text

from .answers import DONT_KNOW_KEY, Answers
from .catalogue import Catalogue, Question
from .engine import stops_questionnaire
from .interview import next_question
from .render.widgets import Panel
from .units import KM_PER_MILE

DONT_KNOW = "__dont_know__"
TICK_HINT = "(space ticks, enter confirms)"
SELECT_HINT = "(Use arrow keys)"  # questionary's own, named to measure it
NONE_OF_THESE = "__none_of_these__"
_STYLE = questionary.Style([("qmark", "bold"), ("question", "bold")])
_pointer = "»"
_box = questionary.constants.INDICATOR_UNSELECTED  # as drawn before a choice


def configure(plain: bool) -> None:
    """Set up questionary for this run: called when asking starts, never at
    import. Plain means no colour and ASCII pointer and tick boxes, for screen
    readers; NO_COLOR means no colour."""
    global _pointer, _box
    _pointer = ">" if plain else "»"
    if plain or os.environ.get("NO_COLOR"):
        # prompt_toolkit reads its colour depth from the environment only
        os.environ.setdefault("PROMPT_TOOLKIT_COLOR_DEPTH", "DEPTH_1_BIT")
    if plain:
        import questionary.prompts.common as common

        # questionary reads these module constants when it draws a checkbox
        setattr(common, "INDICATOR_SELECTED", "[x]")  # noqa: B010
        setattr(common, "INDICATOR_UNSELECTED", "[ ]")  # noqa: B010
        _box = "[ ]"


def ask_all(
    catalogue: Catalogue,
    console: Console,
    defaults: Answers | None = None,
    units: str = "km",
    *,
    full: bool = False,
    explain: bool = False,
) -> tuple[Answers, bool]:
    """Ask the questions that can matter; return (answers, stopped_at_red_flags).

    The interview picks each question (`full`: every question, in order).
    `defaults` (from the diary): in full, offered as the pre-filled answer the
    runner can keep or change; otherwise taken as given, so the interview
    does not ask what the diary already knows. Distances are asked in `units`
    and returned in km, as the contract wants. `explain` shows why each
    question is asked.
    Raises KeyboardInterrupt on Ctrl-C (or Ctrl-D), never returns half an answer.
    """
    defaults = defaults or {}
    answers: Answers = {} if full else dict(defaults)
    section = ""
    console.print(Text(catalogue.advice.intro, style="bold"))
    progress = catalogue.interview.texts.progress
    # the same choice as `kneecheck next`, so every front end asks alike
    while (step := next_question(catalogue, answers, full)).question is not None:
        q = step.question
        if q.section != section:
            section = q.section
            console.print(Text(f"\n{section}", style="bold underline"))
        line = progress.format(asked=step.asked + 1, remaining=step.remaining - 1)
        console.print(Text(line, style="dim"))
        if explain:
            console.print(Text(f"Why: {step.why}", style="italic"))
        if q.picture:
            _show_picture(catalogue.pictures[q.picture], console)
        if q.help:
            console.print(Text(q.help, style="dim"))
        value = _ask_one(catalogue, q, defaults.get(q.id), units)
        if value is not None:
            answers[q.id] = value
        else:  # asked and not known: recorded, so no front end asks it again
            answers.setdefault(DONT_KNOW_KEY, []).append(q.id)
    return answers, stops_questionnaire(answers)


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


def _ask_one(
    catalogue: Catalogue, q: Question, default: Any = None, units: str = "km"
) -> Any:
    dont_know = questionary.Choice(catalogue.dont_know_label, value=DONT_KNOW)
    text = q.text
    if q.type == "multi":
        choices = [
            questionary.Choice(
                c.label if not c.mark else f"{c.mark}  {c.label}", value=c.value
            )
            for c in q.choices
        ]
        extra: list[Any] = [questionary.Separator()]
        if q.none_label:  # "none of these" is a real answer here: say it
            extra.append(questionary.Choice(q.none_label, value=NONE_OF_THESE))
        picked = _run(
            questionary.checkbox(
                _fit(text, TICK_HINT),
                choices=_lined_up([*choices, *extra, dont_know], tick=True),
                instruction=TICK_HINT,
                style=_STYLE,
                pointer=_pointer,
            )
        )
        return _ticked(picked)
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
        if default is not None:
            text += "  (pre-filled from your diary)"
        # Enter alone must never answer for the runner: it lands on "Don't know"
        picked = _select(
            text,
            choices=[*options, dont_know],
            default=DONT_KNOW if default is None else default,
        )
        return None if picked == DONT_KNOW else picked
    if q.presets:  # a number asked as choices a runner can answer
        options = [questionary.Choice(label, value=value) for value, label in q.presets]
        known = default if default in {v for v, _ in q.presets} else DONT_KNOW
        picked = _select(text, choices=[*options, dont_know], default=known)
        return None if picked == DONT_KNOW else _whole(picked)
    miles = units == "mi" and q.unit == "km"
    if miles:  # the contract stays in km: convert at the edge
        text = text.replace("(km)", "(miles)")
    low, high = (q.min or 0.0), (q.max or 0.0)
    hint = (
        f"{low / KM_PER_MILE:g}-{high / KM_PER_MILE:.0f}"
        if miles
        else f"{low:g}-{high:g}"
    )
    shown = ""
    if default is not None:
        shown = f"{default / KM_PER_MILE:.1f}" if miles else f"{default:g}"
        hint = f"from your diary; {hint}"
    instruction = f"(leave empty if you don't know; {hint})"
    raw = _run(
        questionary.text(
            _fit(text, instruction),
            default=shown,
            instruction=instruction,
            validate=lambda s: _number_error(q, s, miles) or True,
            style=_STYLE,
        )
    )
    value = _to_number(q, raw)
    return round(value * KM_PER_MILE, 1) if miles and value is not None else value


def _ticked(picked: list[Any]) -> list[str] | None:
    """A tick list's answer: nothing ticked, or "don't know" alone, is no answer
    (it must not count against anything); "none of these" is an empty list."""
    real = [v for v in picked if v not in (DONT_KNOW, NONE_OF_THESE)]
    if real:
        return real
    return [] if NONE_OF_THESE in picked and DONT_KNOW not in picked else None


def _whole(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _select(text: str, choices: list[Any], default: Any = None) -> Any:
    return _run(
        questionary.select(
            _fit(text, SELECT_HINT),
            choices=_lined_up(choices, tick=False),
            default=default,
            style=_STYLE,
            pointer=_pointer,
            instruction=SELECT_HINT,
        )
    )


def _usable_width() -> int:
    """The columns a prompt line may fill: a character in the last one makes
    some terminals wrap."""
    return shutil.get_terminal_size((80, 24)).columns - 1


def _fit(text: str, instruction: str) -> str:
    """The question wrapped at spaces for this terminal, and the instruction
    moved to a line of its own when it would not fit after the text:
    prompt_toolkit would break both mid-word at the edge. questionary draws
    "? " + text + " " + instruction."""
    width = _usable_width()
    lines = textwrap.wrap(
        text, width=width, initial_indent="? ", subsequent_indent="  "
    ) or ["? "]
    if len(lines[-1]) + 1 + len(instruction) > width:
        lines[-1] += "\n "  # questionary adds a space: the hint is indented 2
    return "\n".join(lines)[2:]


def _lined_up(choices: list[Any], tick: bool) -> list[Any]:
    """Choices whose labels are wrapped between words, each later line under the
    first: prompt_toolkit would break a long label mid-word at the edge.
    questionary draws " " + pointer + " " (+ tick box + " ") before a label."""
    indent = len(_pointer) + 2 + (len(_box) + 1 if tick else 0)
    width = max(_usable_width() - indent, 10)
    for choice in choices:
        title = getattr(choice, "title", None)
        if isinstance(title, str) and len(title) > width:
            choice.title = ("\n" + " " * indent).join(textwrap.wrap(title, width))
    return choices


def _run(question: questionary.Question) -> Any:
    # unsafe_ask lets Ctrl-C raise instead of returning None as if answered;
    # Ctrl-D (end of input) is the same wish to stop, never an internal error.
    # Only a text prompt left empty ends on Ctrl-D by itself: a select or a
    # tick list ignores it and waits, so every prompt is given the key.
    app = question.application
    end = KeyBindings()
    end.add("c-d", eager=True)(
        lambda event: event.app.exit(exception=EOFError, style="class:aborting")
    )
    app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), end])
    try:
        value = question.unsafe_ask()
    except EOFError:
        raise KeyboardInterrupt from None
    if value is None:
        raise KeyboardInterrupt
    return value


def _number_error(q: Question, raw: str, miles: bool = False) -> str | None:
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
    lo, hi = q.min, q.max
    if miles:
        lo, hi = lo / KM_PER_MILE, hi / KM_PER_MILE
    if not lo <= value <= hi:
        return f"Please give a value from {lo:g} to {hi:.0f}"
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


def ask_units(texts: dict[str, str]) -> str:
    """Asked once, on first use of the diary."""
    return str(
        _select(
            texts["units"],
            choices=[
                questionary.Choice(texts["km"], value="km"),
                questionary.Choice(texts["mi"], value="mi"),
            ],
        )
    )


def ask_pain(text: str) -> int:
    """A pain score from 0 to 10."""
    return int(
        _select(text, choices=[questionary.Choice(str(n), value=n) for n in range(11)])
    )


def ask_log(
    texts: dict[str, str], shoes: list[str], units: str, default_shoe: Any
) -> dict[str, Any]:
    """The fields of one diary entry, asked in a few seconds; `texts` are the
    diary questions of the catalogue."""
    from datetime import date

    kind = _select(
        texts["kind"],
        choices=[
            questionary.Choice(texts["run"], value="run"),
            questionary.Choice(texts["rest"], value="rest"),
        ],
    )
    day = _run(
        questionary.text(
            texts["date"],
            default=date.today().isoformat(),
            validate=lambda s: _date_error(s) or True,
            style=_STYLE,
        )
    )
    fields: dict[str, Any] = {
        "date": date.fromisoformat(day.strip()),
        "rest": kind == "rest",
        "distance": None,
        "duration": None,
        "pain_during": None,
        "pain_after": None,
        "next_morning": None,
        "shoes": None,
        "note": None,
    }
    if kind == "run":
        fields["distance"] = float(
            _run(
                questionary.text(
                    texts["distance"].format(units=units),
                    validate=lambda s: _positive_error(s) or True,
                    style=_STYLE,
                )
            ).replace(",", ".")
        )
        duration = _run(
            questionary.text(
                texts["duration"],
                validate=lambda s: not s.strip() or _positive_error(s) or True,
                style=_STYLE,
            )
        )
        fields["duration"] = (
            float(duration.replace(",", ".")) if duration.strip() else None
        )
        fields["pain_during"] = ask_pain(texts["pain_during"])
        fields["pain_after"] = ask_pain(texts["pain_after"])
        if shoes:
            default = default_shoe.name if default_shoe is not None else None
            fields["shoes"] = _select(texts["shoes"], choices=shoes, default=default)
    note = _run(questionary.text(texts["note"], style=_STYLE))
    fields["note"] = note.strip() or None
    return fields


def _date_error(raw: str) -> str | None:
    from datetime import date

    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        return "Please type a real date like 2026-11-25"
    return "That date is in the future" if day > date.today() else None


def _positive_error(raw: str) -> str | None:
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        return "Please type a number"
    return None if value > 0 else "Please type a number greater than 0"
