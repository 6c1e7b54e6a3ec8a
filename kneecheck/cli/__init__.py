"""Command line: parse options, call one function of the core, render its result.

`app` (cli/app.py) holds the root options; cli/check.py has the check and its
pages, cli/diary.py the diary commands (built only when one of them runs),
cli/catalogue.py `catalogue check|export`.
"""

import copy
import gc
import os
import sys

import typer
from typer.main import get_command_name

from . import check  # noqa: F401  (registers the check commands on the app)
from .app import app

# Commands that never touch the diary: for these the diary commands are not
# even built, which keeps `assess --json` and friends quick to start.
CORE_COMMANDS = frozenset(
    {"assess", "next", "tips", "conditions", "explain", "plan", "schema", "evaluate"}
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


def one_command(name: str) -> typer.Typer:
    """The app with its root options and the command `name` alone, for running
    that command: Typer builds the options of every command it holds first.
    Completion's root options are left out too: they are never given after
    the command, and completion itself runs on the full app."""
    only = copy.copy(app)
    only.registered_commands = [
        c
        for c in app.registered_commands
        if (c.name or get_command_name(c.callback.__name__ if c.callback else ""))
        == name
    ]
    only._add_completion = False
    return only


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
    """Console-script entry point: the arguments, with --catalogue moved first."""
    # Start-up makes tens of thousands of objects that live to the end (modules,
    # records, the catalogue) and next to no cycles: collecting after every 700
    # new ones walks them again and again. Every 10,000 still keeps garbage low.
    gc.set_threshold(10_000, 10, 10)
    option, rest = hoist_catalogue(sys.argv[1:])
    completing = any(k.endswith("_COMPLETE") for k in os.environ)
    core = bool(rest) and rest[0] in CORE_COMMANDS and not completing
    run = one_command(rest[0]) if core else full_app()
    try:
        run(args=option + rest, prog_name="kneecheck")
    finally:
        # The process ends here. Frozen, the objects are left out of the
        # collector's last pass at exit, a walk over everything (Typer, the
        # catalogue) that frees only memory the system takes back anyway; files
        # and the diary are closed by then, and plain objects still go by
        # reference counting. Some 30 of the 320 M instructions of `assess --json`.
        gc.freeze()


__all__ = ["CORE_COMMANDS", "app", "full_app", "hoist_catalogue", "main", "one_command"]
