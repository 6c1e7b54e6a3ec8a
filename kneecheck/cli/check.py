"""The check and what surrounds it: assess, tips, conditions, explain, plan,
schema, evaluate. Each parses its options, calls one core function and renders.

Imports stay inside the commands so `--help` and `--json` start fast; real
annotations (no `from __future__ import annotations`) so Typer evaluates nothing.
"""

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import UsageError
from ..output import envelope, print_json
from .app import app
from .common import (
    JsonFlag,
    guarded,
    has_terminal,
    require_terminal,
    settings,
    warn,
)

if TYPE_CHECKING:  # names for the helpers' annotations; never imported at run time
    from ..actions.check import Prefill
    from ..answers import Answers
    from ..engine import Assessment


@app.command()
@guarded
def assess(
    ctx: typer.Context,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers",
            metavar="FILE",
            help="Read the answers (a JSON object, contract v1) from FILE instead of "
            "asking; '-' reads standard input.",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print only the result object as JSON.")
    ] = False,
    use_diary: Annotated[
        bool,
        typer.Option(
            "--diary/--no-diary",
            help="Fill in distances, spikes, shoes and trend from the diary, and "
            "keep this assessment in it (default) - or leave the diary alone.",
        ),
    ] = True,
    with_plan: Annotated[
        bool,
        typer.Option(
            "--plan",
            help="Add the exercise and return-to-run plan for the top condition "
            "(not while something urgent needs a doctor first).",
        ),
    ] = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Ask every question, in the usual order, instead of only the "
            "ones whose answers could still change the result.",
        ),
    ] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain-questions",
            help="Show under each question why it is asked.",
        ),
    ] = False,
) -> None:
    """Check a sore knee: urgency, causes, what to do.

    Answer the questionnaire, then see how urgent it is, the likely causes,
    whether to keep running, and what to do now.

    Without --answers it asks the questions in the terminal: warning signs
    first (a ticked one ends the questions), then only the questions whose
    answers could still change the result (--full asks them all).

    Examples:

      kneecheck assess

      kneecheck assess --explain-questions

      kneecheck assess --answers my-knee.json --json --plan
    """
    from ..actions import check as actions
    from ..answers import read_answers
    from ..catalogue import load_catalogue

    s = settings(ctx)
    catalogue = load_catalogue(s.catalogue)
    prefill = actions.prefill_from_diary(catalogue) if use_diary else actions.NO_PREFILL
    warn(prefill.warning)
    stopped = False
    if answers is not None:
        given = read_answers(answers, catalogue)
        given, from_diary = actions.merge_answers(catalogue, given, prefill)
    else:
        given, stopped = _ask(ctx, prefill, full, explain)
        from_diary = actions.kept_from_diary(given, prefill)
    done = actions.assess_and_store(
        catalogue, given, stopped_early=stopped, from_diary=from_diary,
        with_plan=with_plan, store=use_diary, busy=prefill.busy,
    )  # fmt: skip
    warn(done.warning)
    if as_json:
        print_json(done.result.to_dict())
    else:
        _show(ctx, done.result, prefill.units, interactive=answers is None)


@app.command("next")
@guarded
def next_(
    ctx: typer.Context,
    answers: Annotated[
        str,
        typer.Option(
            "--answers",
            metavar="FILE",
            help="The answers so far (a JSON object, contract v1); '-' reads "
            "standard input.",
        ),
    ],
    as_json: JsonFlag = False,
    full: Annotated[
        bool,
        typer.Option("--full", help="Every question, in the usual order."),
    ] = False,
) -> None:
    """Which question to ask next, for a front end of your own (contract 1.1).

    Add the answer under the question's key (or the key to dont_know) and call
    again; when it says done, run assess on the same answers.

    Examples:

      kneecheck next --answers partial.json --json
    """
    from ..answers import read_answers
    from ..catalogue import load_catalogue
    from ..interview import next_question

    catalogue = load_catalogue(settings(ctx).catalogue)
    step = next_question(catalogue, read_answers(answers, catalogue), full)
    if as_json:
        print_json(step.to_dict())
    elif step.question is None:
        typer.echo(f"done after {step.asked} answers: run kneecheck assess")
    else:
        typer.echo(f"{step.question.id}: {step.question.text}")
        for choice in step.question.choices:
            typer.echo(f"  {choice.value}: {choice.label}")
        typer.echo(f"why: {step.why}")


def _ask(
    ctx: typer.Context, prefill: "Prefill", full: bool, explain: bool
) -> "tuple[Answers, bool]":
    """The questionnaire, with the diary's answers offered pre-filled (full) or
    taken as given (the adaptive interview)."""
    from ..answers import validate_answers
    from ..catalogue import load_catalogue
    from ..prompts import ask_all, configure
    from ..render import make_console

    require_terminal(
        "give the answers with --answers FILE (or --answers - to read standard input)"
    )
    s = settings(ctx)
    catalogue = load_catalogue(s.catalogue)
    configure(s.plain)
    raw, stopped = ask_all(
        catalogue,
        make_console(s.plain),
        prefill.answers,
        prefill.units,
        full=full,
        explain=explain,
    )
    return validate_answers(raw, catalogue), stopped


def _show(
    ctx: typer.Context, result: "Assessment", units: str, interactive: bool
) -> None:
    """The summary; then the plan, offered as a physio would."""
    from ..actions import check as actions
    from ..catalogue import load_catalogue
    from ..render import make_console, render_assessment, render_from_diary, render_plan

    s = settings(ctx)
    catalogue = load_catalogue(s.catalogue)
    console = make_console(s.plain)
    render_assessment(result, console, units)
    if result.extra and result.extra.get("from_diary"):
        render_from_diary(catalogue, result.extra["from_diary"], units, console)
    plan_for = result.plan_condition()
    if (result.extra and "plan" in result.extra) or plan_for is None:
        return
    if interactive and has_terminal():
        from ..prompts import confirm

        name = catalogue.condition(plan_for).name
        if confirm(f"Show a week-by-week exercise plan for {name}?"):
            plan = actions.plan_for(catalogue, plan_for)
            assert plan is not None
            render_plan(plan, console)
            return
    console.print(
        f"For an exercise and return-to-run plan: kneecheck plan {plan_for}",
        highlight=False,
    )


@app.command()
@guarded
def tips(
    ctx: typer.Context,
    topic: Annotated[
        str | None,
        typer.Option(
            "--topic",
            metavar="TOPIC",
            help="Only this topic: form, footwear, load, strength or cross_training.",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Prevention advice by topic, with the evidence.

    Examples:

      kneecheck tips

      kneecheck tips --topic footwear --json
    """
    from ..catalogue import load_catalogue
    from ..pages import select_tips

    s = settings(ctx)
    selection = select_tips(load_catalogue(s.catalogue), topic)
    if as_json:
        print_json(selection.to_dict())
        return
    from ..render import make_console, render_tips

    render_tips(selection, make_console(s.plain))


@app.command()
@guarded
def conditions(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List the conditions kneecheck knows.

    Id, name, where it hurts and how common it is in runners.

    Example: kneecheck conditions --json
    """
    from ..catalogue import load_catalogue
    from ..pages import condition_list

    s = settings(ctx)
    listing = condition_list(load_catalogue(s.catalogue))
    if as_json:
        print_json(listing.to_dict())
        return
    from ..render import make_console, render_conditions

    render_conditions(listing.rows, make_console(s.plain))


@app.command()
@guarded
def explain(
    ctx: typer.Context,
    condition: Annotated[
        str,
        typer.Argument(
            metavar="CONDITION",
            help="An id, a name or a common name such as "
            '"runner\'s knee", "ITB" or "jumper\'s knee".',
        ),
    ],
    as_json: JsonFlag = False,
) -> None:
    """A condition page: signs, look-alikes, what helps.

    What it is, how to tell it from look-alikes, what helps (and how strong the
    evidence is), when to see someone and what to expect.

    Examples:

      kneecheck explain "runner's knee"

      kneecheck explain iliotibial_band_syndrome --json
    """
    from ..catalogue import load_catalogue
    from ..pages import condition_page, find_condition

    s = settings(ctx)
    catalogue = load_catalogue(s.catalogue)
    page = condition_page(catalogue, find_condition(catalogue, condition))
    if as_json:
        print_json(page.to_dict())
        return
    from ..render import make_console, render_condition_page

    render_condition_page(page, make_console(s.plain))


class PlanFormat(str, Enum):
    """How `plan` prints: for the terminal or as Markdown."""

    text = "text"
    md = "md"


@app.command()
@guarded
def plan(
    ctx: typer.Context,
    condition: Annotated[
        str,
        typer.Argument(
            metavar="CONDITION", help="An id, a name or a common name, as for explain."
        ),
    ],
    weeks: Annotated[
        int | None,
        typer.Option(
            "--weeks",
            min=1,
            max=52,
            metavar="N",
            help="Lay the plan out over N weeks (default: as long as it needs).",
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            metavar="YYYY-MM-DD",
            help="First day of the plan (default: today).",
        ),
    ] = None,
    fmt: Annotated[
        PlanFormat,
        typer.Option(
            "--format", help="text for the terminal, md for Markdown to print or send."
        ),
    ] = PlanFormat.text,
    as_json: JsonFlag = False,
    step: Annotated[
        int | None,
        typer.Option(
            "--step",
            min=1,
            metavar="N",
            help="With --pain: the walk-run step of the session you just did.",
        ),
    ] = None,
    pain: Annotated[
        int | None,
        typer.Option(
            "--pain",
            min=0,
            max=10,
            metavar="0-10",
            help="With --step: worst pain during that session.",
        ),
    ] = None,
    settled: Annotated[
        bool,
        typer.Option(
            "--settled/--not-settled",
            help="With --step: had the pain settled by the next morning?",
        ),
    ] = True,
    good: Annotated[
        int,
        typer.Option(
            "--good",
            min=0,
            metavar="N",
            help="With --step: good sessions in a row at this step before this one.",
        ),
    ] = 0,
) -> None:
    """An exercise plan and a pain-gated return to run.

    A staged exercise programme and walk-run steps, laid out week by week.

    With --step and --pain it tells you which walk-run step to do next.

    Examples:

      kneecheck plan "runner's knee" --start 2026-12-01 --format md > plan.md

      kneecheck plan itb --step 3 --pain 4 --not-settled
    """
    from ..catalogue import load_catalogue
    from ..pages import find_condition
    from ..plans import build_plan, gate_step, parse_start
    from ..render import make_console, render_gate, render_plan
    from ..render.markdown import plan_to_markdown

    s = settings(ctx)
    catalogue = load_catalogue(s.catalogue)
    cond = find_condition(catalogue, condition)
    if (step is None) != (pain is None):
        raise UsageError("--step and --pain go together")
    if step is not None and pain is not None:
        gate = gate_step(catalogue.return_to_run, step, pain, settled, good)
        if as_json:
            print_json(envelope("walk_run_step", gate.to_dict()))
        else:
            render_gate(gate.decision, gate.session, make_console(s.plain))
        return
    result = build_plan(catalogue, cond, parse_start(start), weeks)
    if as_json:
        print_json(result.to_dict())
    elif fmt is PlanFormat.md:
        sys.stdout.write(plan_to_markdown(result))
    else:
        render_plan(result, make_console(s.plain))


class SchemaName(str, Enum):
    """Which object `schema` describes."""

    answers = "answers"
    result = "result"


@app.command()
@guarded
def schema(
    ctx: typer.Context,
    which: Annotated[
        SchemaName,
        typer.Argument(
            metavar="answers|result",
            help="Which object: answers (input of assess) or result (its --json).",
        ),
    ],
) -> None:
    """JSON Schema of the answers or the result.

    Example: kneecheck schema result > result.schema.json
    """
    from ..catalogue import load_catalogue
    from ..schema import answers_schema, result_schema

    catalogue = load_catalogue(settings(ctx).catalogue)
    make = answers_schema if which is SchemaName.answers else result_schema
    print_json(make(catalogue))


class SplitName(str, Enum):
    """Which split of the published cases `evaluate` keeps."""

    tune = "tune"
    holdout = "holdout"


@app.command()
@guarded
def evaluate(
    ctx: typer.Context,
    folders: Annotated[
        list[Path],
        typer.Argument(metavar="DIR...", help="Folders of case files (*.json)."),
    ],
    as_json: JsonFlag = False,
    split: Annotated[
        SplitName | None,
        typer.Option(
            "--split", help="Only cases of this split (published cases carry one)."
        ),
    ] = None,
    adaptive: Annotated[
        bool,
        typer.Option(
            "--adaptive",
            help="Let each case answer the adaptive interview ('don't know' where "
            "it is silent) and report the questions asked beside the figures "
            "with every answer given.",
        ),
    ] = False,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            metavar="CATALOGUE_DIR",
            help="Also run the cases on this catalogue (the one before your "
            "change) and list the figures and every case that moved.",
        ),
    ] = None,
) -> None:
    """Accuracy on case files: top-1, top-3, triage, verdict, calibration, misses.

    For clinicians changing the catalogue: --baseline names a copy of the
    catalogue from before the change (`kneecheck catalogue export before/`),
    and the report says what the change moved, case by case.
    A malformed case file stops it with exit code 1, naming the file.

    Examples:

      kneecheck evaluate tests/published --split tune

      kneecheck evaluate tests/cases --adaptive

      kneecheck --catalogue mine/ evaluate tests/published --baseline before/
    """
    from ..catalogue import load_catalogue
    from ..evaluate import evaluate as run_evaluation

    s = settings(ctx)
    catalogue = load_catalogue(s.catalogue)
    report = run_evaluation(
        catalogue,
        folders,
        split.value if split else None,
        adaptive,
        load_catalogue(baseline) if baseline is not None else None,
    )
    if as_json:
        print_json(report.to_dict())
        return
    from ..render import make_console, render_evaluation

    render_evaluation(report.to_dict(), make_console(s.plain))
