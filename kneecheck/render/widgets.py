"""Panels and tables that turn plain for `--plain` and TERM=dumb.

Plain output has no colour, no box drawing and no symbols a screen reader
would spell out: a heading line, then the content.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel as RichPanel
from rich.table import Table as RichTable
from rich.text import Text

# One style per run verdict, for every screen that shows one.
VERDICT_STYLE = {"stop": "bold red", "reduce": "bold yellow", "continue": "bold green"}


class QuietConsole(Console):
    """A console whose reader may go away (`kneecheck history | head`): that is
    not an error, so the command's guard ends it with exit 0, not Rich's 1."""

    def on_broken_pipe(self) -> None:
        """Stop writing; the guard around every command takes it from here."""
        self.quiet = True
        raise BrokenPipeError


class PlainConsole(QuietConsole):
    """A console for --plain and TERM=dumb: the widgets below draw plainly on it."""


def make_console(plain: bool = False, stderr: bool = False) -> Console:
    """A console for the terminal; plain for screen readers and dumb terminals."""
    # Rich already honours NO_COLOR, FORCE_COLOR and output that is not a terminal.
    if plain:
        return PlainConsole(
            stderr=stderr,
            highlight=False,
            no_color=True,
            emoji=False,
            color_system=None,
        )
    return QuietConsole(stderr=stderr, highlight=False, emoji=False)


def is_plain(console: Console) -> bool:
    """True on a console made for plain output."""
    return isinstance(console, PlainConsole)


class Panel:
    """A rounded panel, or on a plain console the title as a line above the body."""

    def __init__(
        self, body: RenderableType, title: str | None = None, **kwargs: Any
    ) -> None:
        self.body, self.title, self.kwargs = body, title, kwargs

    def __rich_console__(
        self, console: Console, options: ConsoleOptions
    ) -> RenderResult:
        if is_plain(console):
            label = self.title or ""
            if label and label[-1] not in "?:.!)":
                label += ":"
            yield Group(Text(label, style="bold"), self.body, Text(""))
            return
        kwargs = {"title_align": "left", **self.kwargs, "box": box.ROUNDED}
        yield RichPanel(self.body, title=self.title, **kwargs)


class Table(RichTable):
    """A table with a simple rule under the header, or no lines on a plain console."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("box", box.SIMPLE_HEAD)
        super().__init__(**kwargs)

    def add_row(self, *cells: RenderableType | None, **kwargs: Any) -> None:
        """A row; text cells are shown as written, never read as Rich markup: a
        note or shoe name such as "[link=...]" must not become a hyperlink."""
        super().add_row(
            *(Text(c) if isinstance(c, str) else c for c in cells), **kwargs
        )

    def __rich_console__(
        self, console: Console, options: ConsoleOptions
    ) -> RenderResult:
        if is_plain(console):
            self.box, self.show_edge, self.show_lines = None, False, False
        yield from super().__rich_console__(console, options)
