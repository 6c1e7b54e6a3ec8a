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
) -> None:
    """Answer the questionnaire: urgency, likely causes, running advice, what to do.

    Without --answers it asks the questions in the terminal; warning signs come
    first and end the questionnaire early.

    Examples:

      kneecheck assess

      kneecheck assess --answers my-knee.json --json
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
        if as_json:
            _print_json(result.to_dict())
        else:
            from .render import make_console, render_assessment

            render_assessment(result, make_console())

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
