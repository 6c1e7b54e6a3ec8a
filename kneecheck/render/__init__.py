"""Rich rendering of results for the terminal: the only package that draws.

Each function reads a result object (the same one `--json` prints) and draws it;
none computes anything a script could not get from the JSON.
"""

from __future__ import annotations

from .assessment import (
    render_assessment,
    render_condition_page,
    render_conditions,
    render_from_diary,
    render_gate,
    render_plan,
    render_tips,
)
from .diary import import_progress, render_entries, render_history, render_shoes
from .evaluation import render_evaluation
from .widgets import make_console

__all__ = [
    "import_progress",
    "make_console",
    "render_assessment",
    "render_condition_page",
    "render_conditions",
    "render_entries",
    "render_evaluation",
    "render_from_diary",
    "render_gate",
    "render_history",
    "render_plan",
    "render_shoes",
    "render_tips",
]
