"""Panels and tables that turn plain for `--plain` and TERM=dumb.

Plain output has no colour, no box drawing and no symbols a screen reader
would spell out: a heading line, then the content.
"""

from __future__ import annotations

import os
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel as RichPanel
from rich.table import Table as RichTable
from rich.text import Text

# One style per run verdict, for every screen that shows one.
VERDICT_STYLE = {"stop": "bold red", "reduce": "bold yellow", "continue": "bold green"}


def plain() -> bool:
    return bool(os.environ.get("KNEECHECK_PLAIN")) or os.environ.get("TERM") == "dumb"


def make_console(stderr: bool = False) -> Console:
    # Rich already honours NO_COLOR, FORCE_COLOR and output that is not a terminal.
    if plain():
        return Console(
            stderr=stderr,
            highlight=False,
            no_color=True,
            emoji=False,
            color_system=None,
        )
    return Console(stderr=stderr, highlight=False, emoji=False)


def Panel(
    body: RenderableType, title: str | None = None, **kwargs: Any
) -> RenderableType:
    """A rounded panel, or in plain mode the title as a line above the body."""
    if plain():
        label = title or ""
        if label and label[-1] not in "?:.!)":
            label += ":"
        heading = Text(label, style="bold")
        return Group(heading, body, Text(""))
    kwargs.setdefault("title_align", "left")
    kwargs["box"] = box.ROUNDED
    return RichPanel(body, title=title, **kwargs)


def Table(**kwargs: Any) -> RichTable:
    """A table with a simple rule under the header, or no lines at all when plain."""
    if plain():
        kwargs |= {"box": None, "show_edge": False, "show_lines": False}
    else:
        kwargs.setdefault("box", box.SIMPLE_HEAD)
    return RichTable(**kwargs)
