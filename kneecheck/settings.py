"""The run's settings, decided once from the options and the environment.

The CLI builds one `Settings` in its root callback and hands it to the commands
(Typer's `ctx.obj`); nothing writes them into `os.environ`.
"""

import os
from pathlib import Path

from .namedtuples import NamedTuple


class Settings(NamedTuple):
    """What every command needs to know before it starts."""

    plain: bool = False  # no colour, no boxes, no symbols (screen readers)
    catalogue: Path | None = None  # another catalogue folder; None: the built-in

    @classmethod
    def decide(cls, plain: bool, catalogue: str | None) -> "Settings":
        """From the options; TERM=dumb means plain too."""
        dumb = os.environ.get("TERM") == "dumb"
        return cls(plain or dumb, Path(catalogue) if catalogue else None)
