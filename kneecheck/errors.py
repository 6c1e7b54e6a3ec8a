"""Errors that reach the user as one line on standard error, with an exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The exit codes kneecheck uses; documented in the README."""

    OK = 0
    INTERNAL = 1
    BAD_CASE = 1  # evaluate: a case file is malformed (an alias of 1, by request)
    USAGE = 2  # bad options, bad answers, no terminal to ask on
    CATALOGUE = 3  # the catalogue in data/ is broken or inconsistent
    DIARY = 4  # the diary file is damaged, foreign or from a newer version
    # the diary or an output cannot be written now: read-only, locked by another
    # process, its folder cannot be made, or the disk is full
    UNWRITABLE = 5
    INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT


class KneecheckError(Exception):
    """An expected failure: the message is shown as is, no traceback."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AnswersError(KneecheckError):
    """The answers object is malformed, mistyped, out of range or names unknown ids."""

    exit_code = ExitCode.USAGE


class UsageError(KneecheckError):
    """The command was called in a way that cannot work (for example no terminal)."""

    exit_code = ExitCode.USAGE


class UnwritableError(KneecheckError):
    """The diary or an output cannot be written now (read-only, locked, no space)."""

    exit_code = ExitCode.UNWRITABLE


class CatalogueError(KneecheckError):
    """One or more problems in the catalogue files, each naming file and entry."""

    exit_code = ExitCode.CATALOGUE

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        head = problems[0] if len(problems) == 1 else f"{len(problems)} problems"
        body = "" if len(problems) == 1 else "\n  " + "\n  ".join(problems)
        super().__init__(f"broken catalogue: {head}{body}")


class CaseFileError(KneecheckError):
    """A case file for `kneecheck evaluate` is malformed; the message names it."""

    exit_code = ExitCode.BAD_CASE
