"""Command line: parse options, call one core function, render its result.

Heavy modules (questionary, Rich renderables, the catalogue) are imported
inside the commands that use them, so `--help` and `--json` start fast.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, NoReturn

import typer

from . import __version__
from .errors import ExitCode, KneecheckError, UsageError

app = typer.Typer(
    name="kneecheck",
    help="A knee-pain self-check for runners: warning signs first, likely causes, "
    "whether to keep running, and what to do now. Not a diagnosis.",
    no_args_is_help=True,
    # Answers are health data: never print them in a traceback.
    pretty_exceptions_show_locals=False,
    pretty_exceptions_enable=False,
)


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"kneecheck: {message}", err=True)
    raise typer.Exit(code)


def _guarded(body: Callable[[], None]) -> None:
    """Run a command body, turning expected failures into one line and an exit code."""
    try:
        body()
    except KneecheckError as exc:
        _fail(f"error: {exc.message}", exc.exit_code)
    except KeyboardInterrupt:
        _fail("cancelled; nothing was saved.", ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (for example `| head`): not an error of ours.
        _silence_stdout()
        raise typer.Exit(0) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # one line, no traceback: answers must not leak
        _fail(
            f"internal error ({type(exc).__name__}); please report it.",
            ExitCode.INTERNAL,
        )


def _silence_stdout() -> None:
    # Python's last flush of a closed pipe would print a warning; point the
    # descriptor at /dev/null instead (the recipe from the signal docs).
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        pass  # not a real file (tests): nothing to flush


def _print_json(document: Any) -> None:
    # Plain stdout, never Rich: colour codes would make it invalid JSON.
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kneecheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    """A knee-pain self-check for runners. Not a diagnosis.

    Example: kneecheck assess
    """


@app.command()
def assess(
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
    with_plan: Annotated[
        bool,
        typer.Option(
            "--plan",
            help="Add the exercise and return-to-run plan for the top condition "
            "(not while something urgent needs a doctor first).",
        ),
    ] = False,
) -> None:
    """Answer the questionnaire: urgency, likely causes, running advice, what to do.

    Without --answers it asks the questions in the terminal; warning signs come
    first and end the questionnaire early.

    Examples:

      kneecheck assess

      kneecheck assess --answers my-knee.json --json --plan
    """

    def body() -> None:
        from .answers import read_answers, validate_answers
        from .catalogue import load_catalogue
        from .engine import assess as run_assessment

        catalogue = load_catalogue()
        stopped = False
        if answers is not None:
            given = read_answers(answers, catalogue)
        else:
            if not (sys.stdin.isatty() and sys.stdout.isatty()):
                raise UsageError(
                    "no terminal to ask the questions on; give the answers with "
                    "--answers FILE (or --answers - to read standard input)"
                )
            from .prompts import ask_all
            from .render import make_console

            raw, stopped = ask_all(catalogue, make_console())
            given = validate_answers(raw, catalogue)
        result = run_assessment(catalogue, given, stopped_early=stopped)
        plan_for = result.plan_condition()
        if with_plan:
            result = result.with_plan(_plan_for(catalogue, plan_for))
        if as_json:
            _print_json(result.to_dict())
            return
        from .render import make_console, render_assessment, render_plan

        console = make_console()
        render_assessment(result, console)
        if with_plan or plan_for is None:
            return
        if answers is None:  # interactive: offer it, as a physio would
            from .prompts import confirm

            name = catalogue.condition(plan_for).name
            if confirm(f"Show a week-by-week exercise plan for {name}?"):
                plan_doc = _plan_for(catalogue, plan_for)
                assert plan_doc is not None
                render_plan(plan_doc, console)
                return
        console.print(
            f"For an exercise and return-to-run plan: kneecheck plan {plan_for}",
            highlight=False,
        )

    _guarded(body)


@app.command()
def tips(
    topic: Annotated[
        str | None,
        typer.Option(
            "--topic",
            metavar="TOPIC",
            help="Only this topic: form, footwear, load, strength or cross_training.",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the tips as JSON.")
    ] = False,
) -> None:
    """Prevention advice for runners, by topic, with how strong the evidence is.

    Examples:

      kneecheck tips

      kneecheck tips --topic footwear --json
    """

    def body() -> None:
        from .catalogue import load_catalogue

        catalogue = load_catalogue()
        topics = list(catalogue.topics)
        if topic is not None:
            topics = [t for t in topics if t.id == topic]
            if not topics:
                raise UsageError(
                    f"unknown topic '{topic}' (one of: "
                    f"{', '.join(t.id for t in catalogue.topics)})"
                )
        ids = {t.id for t in topics}
        chosen = [t for t in catalogue.tips if t.topic in ids]
        if as_json:
            _print_json(
                {
                    "schema_version": 1,
                    "kneecheck_version": __version__,
                    "catalogue_version": catalogue.version,
                    "topics": [
                        {
                            "id": t.id,
                            "title": t.title,
                            "tips": [
                                {
                                    "id": tip.id,
                                    "title": tip.title,
                                    "text": tip.text,
                                    "evidence": tip.evidence,
                                    "sources": [
                                        catalogue.sources[s] for s in tip.sources
                                    ],
                                }
                                for tip in chosen
                                if tip.topic == t.id
                            ],
                        }
                        for t in topics
                    ],
                    "disclaimer": catalogue.advice["disclaimer"],
                }
            )
        else:
            from .render import make_console, render_tips

            render_tips(catalogue, topics, chosen, make_console())

    _guarded(body)


@app.command()
def conditions(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the list as JSON.")
    ] = False,
) -> None:
    """List the conditions in the catalogue: id, name, where it hurts, how common.

    Example: kneecheck conditions --json
    """

    def body() -> None:
        from .catalogue import load_catalogue
        from .library import condition_rows

        catalogue = load_catalogue()
        rows = condition_rows(catalogue)
        if as_json:
            _print_json(
                {
                    "schema_version": 1,
                    "kneecheck_version": __version__,
                    "catalogue_version": catalogue.version,
                    "conditions": rows,
                }
            )
        else:
            from .render import make_console, render_conditions

            render_conditions(rows, make_console())

    _guarded(body)


@app.command()
def explain(
    condition: Annotated[
        str,
        typer.Argument(
            metavar="CONDITION",
            help="An id, a name or a common name such as "
            '"runner\'s knee", "ITB" or "jumper\'s knee".',
        ),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the page as JSON.")
    ] = False,
) -> None:
    """What a condition is, how to tell it from look-alikes, what helps, what to expect.

    Examples:

      kneecheck explain "runner's knee"

      kneecheck explain iliotibial_band_syndrome --json
    """

    def body() -> None:
        from .catalogue import load_catalogue
        from .library import condition_page, find_condition

        catalogue = load_catalogue()
        page = condition_page(catalogue, find_condition(catalogue, condition))
        if as_json:
            _print_json(page)
        else:
            from .render import make_console, render_condition_page

            render_condition_page(page, make_console())

    _guarded(body)


class PlanFormat(str, Enum):
    text = "text"
    md = "md"


@app.command()
def plan(
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
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the plan as JSON.")
    ] = False,
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
    """A staged exercise programme and a pain-gated return to running.

    With --step and --pain it tells you which walk-run step to do next.

    Examples:

      kneecheck plan "runner's knee" --start 2026-12-01 --format md > plan.md

      kneecheck plan itb --step 3 --pain 4 --not-settled
    """

    def body() -> None:
        from datetime import date

        from .catalogue import load_catalogue
        from .library import find_condition
        from .plans import build_plan, next_step, step_text, to_markdown

        catalogue = load_catalogue()
        cond = find_condition(catalogue, condition)
        if (step is None) != (pain is None):
            raise UsageError("--step and --pain go together")
        if step is not None and pain is not None:
            rtr = catalogue.return_to_run
            if step > len(rtr.steps):
                raise UsageError(f"--step must be 1 to {len(rtr.steps)}")
            decision = next_step(rtr, step, pain, settled, good)
            text = step_text(rtr.steps[decision.step - 1])
            if as_json:
                _print_json(
                    {
                        "step": decision.step,
                        "good_in_a_row": decision.good_in_a_row,
                        "action": decision.action,
                        "reason": decision.reason,
                        "session": text,
                    }
                )
            else:
                from .render import make_console, render_gate

                render_gate(decision, text, make_console())
            return
        try:
            first = date.fromisoformat(start) if start else date.today()
        except ValueError:
            raise UsageError(
                f"--start '{start}' is not a date like 2026-12-01"
            ) from None
        result = build_plan(catalogue, cond, first, weeks)
        if as_json:
            _print_json(result)
        elif fmt is PlanFormat.md:
            sys.stdout.write(to_markdown(result))
        else:
            from .render import make_console, render_plan

            render_plan(result, make_console())

    _guarded(body)


def _plan_for(catalogue: Any, condition_id: str | None) -> dict[str, Any] | None:
    from datetime import date

    from .plans import build_plan

    if condition_id is None:
        return None
    return build_plan(catalogue, catalogue.condition(condition_id), date.today())


class SchemaName(str, Enum):
    answers = "answers"
    result = "result"


@app.command()
def schema(
    which: Annotated[
        SchemaName,
        typer.Argument(
            help="Which object: answers (input of assess) or result (its --json)."
        ),
    ],
) -> None:
    """Print the JSON Schema of the answers or the result object.

    Example: kneecheck schema result > result.schema.json
    """

    def body() -> None:
        from .catalogue import load_catalogue
        from .schema import answers_schema, result_schema

        catalogue = load_catalogue()
        make = answers_schema if which is SchemaName.answers else result_schema
        _print_json(make(catalogue))

    _guarded(body)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="kneecheck")
