"""Shared plumbing of the commands: one-line errors, exit codes, settings, options.

Kept free of `from __future__ import annotations` on purpose: Typer reads the
annotations of the aliases below, and real ones cost it nothing at start-up.
"""

import errno
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, ParamSpec

import typer

from ..errors import ExitCode, KneecheckError, UnwritableError, UsageError
from ..settings import Settings

P = ParamSpec("P")

# The --json flag every command that prints a document takes.
JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print one JSON document instead.")
]


def fail(message: str, code: int) -> NoReturn:
    """One line on standard error, then exit with `code`. Control characters
    are taken out: a message may quote a file name or a value from outside."""
    from ..output import printable

    text = "\n".join(printable(line) for line in message.split("\n"))
    typer.echo(f"kneecheck: {text}", err=True)
    raise typer.Exit(code)


def warn(message: str | None) -> None:
    """One warning line on standard error (nothing for None); the command goes on."""
    if message:
        from ..output import printable

        typer.echo(f"kneecheck: warning: {printable(message)}", err=True)


def guarded(command: Callable[P, None]) -> Callable[P, None]:
    """Run a command, turning expected failures into one line and an exit code.

    Health data must never reach a traceback: anything unexpected is one line
    naming a private debug log.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
            sys.stdout.flush()  # here, where a full disk or closed pipe is caught
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
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                internal_error(exc)
            silence_stdout()  # the last flush at exit would fail again
            fail(
                "error: no space left on device; the output is incomplete",
                ExitCode.UNWRITABLE,
            )
        except Exception as exc:
            internal_error(exc)

    return run


def internal_error(exc: BaseException) -> NoReturn:
    """One line, no traceback: answers must not leak; the details go to the log."""
    where = write_debug_log(exc)
    detail = f"; details in {where}" if where else ""
    fail(
        f"internal error ({type(exc).__name__}){detail}. Please report it.",
        ExitCode.INTERNAL,
    )


def settings(ctx: typer.Context) -> Settings:
    """The run's settings, made by the root callback (defaults when a command is
    invoked on its own, as in tests)."""
    found = ctx.find_object(Settings)
    return found if found is not None else Settings()


def has_terminal() -> bool:
    """Both ends are a terminal: questions can be asked."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def require_terminal(hint: str) -> None:
    """Refuse to ask where nobody can answer, instead of waiting forever."""
    if not has_terminal():
        raise UsageError(f"no terminal to ask on; {hint}")


def write_atomically(path: Path, text: str) -> None:
    """Write beside the target, then rename: never a half-written file, and
    readable by the runner alone (0600: reports and exports hold health data).
    Through a symbolic link the link's target is written, the link kept."""
    import tempfile

    try:
        target = path.resolve(strict=False) if path.is_symlink() else path
    except (RuntimeError, OSError):  # RuntimeError before Python 3.13
        raise UsageError(f"cannot write {path}: a loop of symbolic links") from None
    if target.exists() and not target.is_file():
        raise UsageError(f"cannot write {path}: it is not a regular file")
    if target.is_file() and not target.stat().st_mode & 0o222:
        # replacing it would go through: a read-only file is kept, as asked
        raise UnwritableError(f"cannot write {path}: the file is read-only")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        if exc.errno == errno.ENOSPC:
            raise UnwritableError(
                f"cannot write {path}: no space left on device"
            ) from None
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise UnwritableError(
                f"cannot write {path}: its folder is read-only ({exc.strerror})"
            ) from None
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_debug_log(exc: BaseException) -> str | None:
    """The traceback goes to a private file, never to the terminal: the locals
    and messages around a crash can hold health answers or diary entries."""
    import traceback
    from datetime import datetime

    from ..paths import ensure_private, home

    try:
        folder = home() / "logs"
        ensure_private(folder)
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
    """Point standard output at /dev/null: Python's last flush of a closed pipe
    would otherwise print a warning (the recipe from the signal docs)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        pass  # not a real file (tests): nothing to flush
