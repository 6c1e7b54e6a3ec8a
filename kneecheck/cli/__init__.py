"""Command line: parse options, call one core function, render its result.

Heavy modules (questionary, Rich renderables, the catalogue) are imported
inside the commands that use them, so `--help` and `--json` start fast.
"""

import os
import sys
from enum import Enum
from typing import Annotated, Any

import typer

from .. import __version__
from ..errors import UsageError
from ..output import envelope, print_json
from .common import guarded

app = typer.Typer(
    name="kneecheck",
    help="A knee-pain self-check for runners: warning signs first, likely causes, "
    "whether to keep running, and what to do now. Not a diagnosis.",
    no_args_is_help=True,
    # Plain help: Rich-formatted help would import Rich on every --help and
    # roughly double its start-up time.
    rich_markup_mode=None,
    # Answers are health data: never print them in a traceback.
    pretty_exceptions_show_locals=False,
    pretty_exceptions_enable=False,
)


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
    plain: Annotated[
        bool,
        typer.Option(
            "--plain",
            help="Plain text: no colour, no boxes, no symbols; for screen readers "
            "(also TERM=dumb).",
        ),
    ] = False,
    catalogue: Annotated[
        str | None,
        typer.Option(
            "--catalogue",
            metavar="PATH",
            envvar="KNEECHECK_CATALOGUE",
            help="Use the catalogue in this folder instead of the built-in one "
            "(also KNEECHECK_CATALOGUE; may be given after the command too).",
        ),
    ] = None,
) -> None:
    """A knee-pain self-check for runners. Not a diagnosis.

    Example: kneecheck assess
    """
    if catalogue:
        os.environ["KNEECHECK_CATALOGUE"] = catalogue
    if plain:
        os.environ["KNEECHECK_PLAIN"] = "1"


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
) -> None:
    """Check a sore knee: urgency, causes, what to do.

    Answer the questionnaire, then see how urgent it is, the likely causes,
    whether to keep running, and what to do now.

    Without --answers it asks the questions in the terminal; warning signs come
    first and end the questionnaire early.

    Examples:

      kneecheck assess

      kneecheck assess --answers my-knee.json --json --plan
    """

    def body() -> None:
        from ..answers import read_answers, validate_answers
        from ..catalogue import load_catalogue
        from ..engine import assess as run_assessment

        catalogue = load_catalogue()
        stopped = False
        defaults, units = _diary_answers(catalogue) if use_diary else ({}, "km")
        if answers is not None:
            given = read_answers(answers, catalogue)
            # the runner's own answers always win over the diary's
            from_diary = {k: v for k, v in defaults.items() if k not in given}
            given = validate_answers({**given, **from_diary}, catalogue)
        else:
            if not (sys.stdin.isatty() and sys.stdout.isatty()):
                raise UsageError(
                    "no terminal to ask the questions on; give the answers with "
                    "--answers FILE (or --answers - to read standard input)"
                )
            from ..prompts import ask_all
            from ..render import make_console

            raw, stopped = ask_all(catalogue, make_console(), defaults, units)
            given = validate_answers(raw, catalogue)
            from_diary = {
                k: v for k, v in defaults.items() if k in given and _same(given[k], v)
            }
        result = run_assessment(catalogue, given, stopped_early=stopped)
        if from_diary:
            result = result.with_extra(from_diary=from_diary)
        plan_for = result.plan_condition()
        if with_plan:
            result = result.with_extra(plan=_plan_for(catalogue, plan_for))
        document = result.to_dict()
        if use_diary:
            _store(given, document)
        if as_json:
            print_json(document)
            return
        from ..render import make_console, render_assessment, render_plan

        console = make_console()
        render_assessment(result, console, units)
        if from_diary:
            console.print(_diary_line(catalogue, from_diary, units), highlight=False)
        if with_plan or plan_for is None:
            return
        if answers is None:  # interactive: offer it, as a physio would
            from ..prompts import confirm

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

    guarded(body)


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
    """Prevention advice by topic, with the evidence.

    Examples:

      kneecheck tips

      kneecheck tips --topic footwear --json
    """

    def body() -> None:
        from ..catalogue import load_catalogue

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
            print_json(
                envelope(
                    "tips",
                    {
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
                        "disclaimer": catalogue.advice.disclaimer,
                    },
                )
            )
        else:
            from ..render import make_console, render_tips

            render_tips(catalogue, topics, chosen, make_console())

    guarded(body)


@app.command()
def conditions(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the list as JSON.")
    ] = False,
) -> None:
    """List the conditions kneecheck knows.

    Id, name, where it hurts and how common it is in runners.

    Example: kneecheck conditions --json
    """

    def body() -> None:
        from ..catalogue import load_catalogue
        from ..pages import condition_rows

        catalogue = load_catalogue()
        rows = condition_rows(catalogue)
        if as_json:
            print_json(
                envelope(
                    "conditions",
                    {"catalogue_version": catalogue.version, "conditions": rows},
                )
            )
        else:
            from ..render import make_console, render_conditions

            render_conditions(rows, make_console())

    guarded(body)


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
    """A condition page: signs, look-alikes, what helps.

    What it is, how to tell it from look-alikes, what helps (and how strong the
    evidence is), when to see someone and what to expect.

    Examples:

      kneecheck explain "runner's knee"

      kneecheck explain iliotibial_band_syndrome --json
    """

    def body() -> None:
        from ..catalogue import load_catalogue
        from ..pages import condition_page, find_condition

        catalogue = load_catalogue()
        page = condition_page(catalogue, find_condition(catalogue, condition))
        if as_json:
            print_json(page)
        else:
            from ..render import make_console, render_condition_page

            render_condition_page(page, make_console())

    guarded(body)


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
    """An exercise plan and a pain-gated return to run.

    A staged exercise programme and walk-run steps, laid out week by week.

    With --step and --pain it tells you which walk-run step to do next.

    Examples:

      kneecheck plan "runner's knee" --start 2026-12-01 --format md > plan.md

      kneecheck plan itb --step 3 --pain 4 --not-settled
    """

    def body() -> None:
        from datetime import date

        from ..catalogue import load_catalogue
        from ..pages import find_condition
        from ..plans import build_plan, next_step, step_text, to_markdown

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
                print_json(
                    envelope(
                        "walk_run_step",
                        {
                            "step": decision.step,
                            "good_in_a_row": decision.good_in_a_row,
                            "action": decision.action,
                            "reason": decision.reason,
                            "session": text,
                        },
                    )
                )
            else:
                from ..render import make_console, render_gate

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
            print_json(result)
        elif fmt is PlanFormat.md:
            sys.stdout.write(to_markdown(result))
        else:
            from ..render import make_console, render_plan

            render_plan(result, make_console())

    guarded(body)


def _diary_answers(catalogue: Any) -> tuple[dict[str, Any], str]:
    """Answers the diary can give, and its units; nothing when there is no diary.

    A diary that cannot be read never blocks the check: it is only reported.
    """
    from datetime import date

    from ..diary import DiaryError, exists, open_diary
    from ..trends import diary_answers

    if not exists():
        return {}, "km"
    try:
        with open_diary(create=False) as diary:
            found = diary_answers(
                diary.entries(),
                diary.shoes(),
                date.today(),
                catalogue.advice,
            )
            return found, diary.units()
    except DiaryError as exc:
        typer.echo(f"kneecheck: warning: diary not used: {exc.message}", err=True)
        return {}, "km"


def _store(answers: dict[str, Any], result: dict[str, Any]) -> None:
    from ..diary import DiaryError, open_diary

    try:
        with open_diary() as diary:
            diary.add_assessment(answers, result)
    except DiaryError as exc:
        typer.echo(f"kneecheck: warning: assessment not saved: {exc.message}", err=True)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) < 0.1  # a distance shown in miles comes back rounded
    return bool(a == b)


def _diary_line(catalogue: Any, from_diary: dict[str, Any], units: str) -> str:
    from ..units import from_km

    parts = []
    for key, value in from_diary.items():
        q = catalogue.question(key)
        if q.unit == "km":
            value = f"{from_km(value, units):.1f} {units}"
        elif q.unit == "%":
            value = f"{value:+g}%"
        parts.append(f"{q.short.lower()} {value}")
    return (
        f"{catalogue.advice.history.from_diary}: {'; '.join(parts)}. "
        "Give an answer yourself to override it."
    )


def _plan_for(catalogue: Any, condition_id: str | None) -> dict[str, Any] | None:
    from datetime import date

    from ..plans import build_plan

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
    """JSON Schema of the answers or the result.

    Example: kneecheck schema result > result.schema.json
    """

    def body() -> None:
        from ..catalogue import load_catalogue
        from ..schema import answers_schema, result_schema

        catalogue = load_catalogue()
        make = answers_schema if which is SchemaName.answers else result_schema
        print_json(make(catalogue))

    guarded(body)


class SplitName(str, Enum):
    tune = "tune"
    holdout = "holdout"


@app.command()
def evaluate(
    folders: Annotated[
        list[str],
        typer.Argument(metavar="DIR...", help="Folders of case files (*.json)."),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the figures as one JSON document.")
    ] = False,
    split: Annotated[
        SplitName | None,
        typer.Option(
            "--split", help="Only cases of this split (published cases carry one)."
        ),
    ] = None,
) -> None:
    """Accuracy on case files: top-1, top-3, triage, verdict, calibration, misses.

    For clinicians changing the catalogue: run it before and after a change.
    A malformed case file stops it with exit code 1, naming the file.

    Example: kneecheck evaluate tests/published --split tune
    """

    def body() -> None:
        from pathlib import Path

        from ..catalogue import load_catalogue
        from ..evaluate import evaluate as run_evaluation

        report = run_evaluation(
            load_catalogue(), [Path(f) for f in folders], split.value if split else None
        ).to_dict()
        if as_json:
            print_json(report)
            return
        from ..render import make_console, render_evaluation

        render_evaluation(report, make_console())

    guarded(body)


# Commands that never touch the diary: for these the diary commands are not
# even built, which keeps `assess --json` and friends quick to start.
CORE_COMMANDS = frozenset(
    {"assess", "tips", "conditions", "explain", "plan", "schema", "evaluate"}
)
_full = False


def full_app() -> typer.Typer:
    """The app with every command, diary commands included."""
    global _full
    if not _full:
        from .catalogue import catalogue_app
        from .diary import register as register_diary

        register_diary(app)
        app.add_typer(catalogue_app, name="catalogue")
        _full = True
    return app


def hoist_catalogue(args: list[str]) -> tuple[list[str], list[str]]:
    """Split `--catalogue PATH` (given anywhere) from the other arguments, so it
    can go first, where the app-wide option reads it."""
    option: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        if arg == "--catalogue" and i + 1 < len(args):
            option = [arg, args[i + 1]]
            i += 2
            continue
        if arg.startswith("--catalogue="):
            option = [arg]
        else:
            rest.append(arg)
        i += 1
    return option, rest


def main() -> None:
    """Console-script entry point."""
    option, rest = hoist_catalogue(sys.argv[1:])
    sys.argv[1:] = option + rest
    completing = any(k.endswith("_COMPLETE") for k in os.environ)
    core = bool(rest) and rest[0] in CORE_COMMANDS and not completing
    (app if core else full_app())(prog_name="kneecheck")
