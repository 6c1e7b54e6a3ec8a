"""Shared plumbing of the commands: one-line errors, exit codes, plain JSON."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import NoReturn

import typer

from ..errors import ExitCode, KneecheckError


def fail(message: str, code: int) -> NoReturn:
    typer.echo(f"kneecheck: {message}", err=True)
    raise typer.Exit(code)


def guarded(body: Callable[[], None]) -> None:
    """Run a command body, turning expected failures into one line and an exit code."""
    try:
        body()
    except KneecheckError as exc:
        fail(f"error: {exc.message}", exc.exit_code)
    except KeyboardInterrupt:
        fail("cancelled; nothing was saved.", ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (for example `| head`): not an error of ours.
        silence_stdout()
        raise typer.Exit(0) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # one line, no traceback: answers must not leak
        where = write_debug_log(exc)
        detail = f"; details in {where}" if where else ""
        fail(
            f"internal error ({type(exc).__name__}){detail}. Please report it.",
            ExitCode.INTERNAL,
        )


def write_debug_log(exc: BaseException) -> str | None:
    """The traceback goes to a private file, never to the terminal: the locals
    and messages around a crash can hold health answers or diary entries."""
    import traceback
    from datetime import datetime

    from ..diary import home

    try:
        folder = home() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "debug.log"
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as f:
            f.write(
                f"--- {datetime.now().isoformat(timespec='seconds')} "
                f"kneecheck {sys.argv[1:2]}\n{text}"
            )
        return str(path)
    except Exception:  # the log is a courtesy; never fail because of it
        return None


def silence_stdout() -> None:
    # Python's last flush of a closed pipe would print a warning; point the
    # descriptor at /dev/null instead (the recipe from the signal docs).
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        pass  # not a real file (tests): nothing to flush
