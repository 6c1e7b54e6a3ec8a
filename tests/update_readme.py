"""Recapture the README's example output after a catalogue or engine change.

Run by hand:  python tests/update_readme.py [--figures]
It runs `kneecheck assess` on the README's example answers and replaces the
captured summary (88 columns, no colour) and the --json result in README.md.
With --figures it also re-measures the accuracy and interview tables (a few
minutes: the interview runs on every case), the refit table's rows (hand
estimates from `refit_lrs.py`'s hand copy) and the refit's cross-validation. The
prose around the tables (counts in words, lists of misses) stays for the writer.
tests/test_docs.py fails while a capture or a table is stale, or a case count, an
under-triage count or a figure the prose repeats from a table (the refitted rows,
the holdout's calibration errors, their history's range and latest value, the
cross-validated calibration error and top-3, the interview's gap).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from helpers import (
    ACCURACY_ROWS,
    INTERVIEW_ROWS,
    VIGNETTES,
    accuracy_cells,
    interview_cells,
    measured_cv_rows,
    measured_hand_rows,
    readme_row,
    refit_cells,
)

from kneecheck.catalogue import load_catalogue
from kneecheck.evaluate import evaluate

README = Path(__file__).resolve().parent.parent / "README.md"


def replace(text: str, name: str, kind: str, body: str) -> str:
    pattern = re.compile(
        rf"(<!-- {name} -->\n```{kind}\n).*?(\n```\n<!-- /{name} -->)", re.S
    )
    if not pattern.search(text):
        raise SystemExit(f"README.md has no {name} block")
    return pattern.sub(lambda m: m.group(1) + body.rstrip("\n") + m.group(2), text)


def capture(answers: str, *args: str) -> str:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "88"}
    env.pop("KNEECHECK_CATALOGUE", None)
    done = subprocess.run(
        [sys.executable, "-m", "kneecheck", "assess", "--answers", "-", *args],
        input=answers,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    # Rich pads lines to the width; trailing spaces only make noisy diffs.
    return "\n".join(line.rstrip() for line in done.stdout.splitlines())


def replace_row(text: str, label: str, index: int, cells: list[str]) -> str:
    """Put `cells` in the `index`-th table row of that label (0: the accuracy
    table, 1: the interview's), keeping the label and its bracketed note."""
    rows = list(readme_row(label).finditer(text))
    if len(rows) <= index:
        raise SystemExit(f"README.md has no row {index + 1} labelled {label!r}")
    row = rows[index]
    cells_at = slice(row.start(2), row.end(2))
    return text[: cells_at.start] + " | ".join(cells) + text[cells_at.stop :]


def measure(text: str) -> str:
    """The accuracy, interview, refit and cross-validation tables, measured now."""
    if not VIGNETTES.is_dir():  # the refit weighs them: no figures without them
        raise SystemExit("the shared vignettes are not beside this checkout")
    catalogue = load_catalogue()
    for label, (folders, split) in ACCURACY_ROWS.items():
        adaptive = label in INTERVIEW_ROWS
        got = evaluate(catalogue, list(folders), split, adaptive=adaptive).to_dict()
        if adaptive:
            text = replace_row(text, label, 1, interview_cells(got))
            got = got["adaptive"]["full"]  # the accuracy table: every answer given
        text = replace_row(text, label, 0, accuracy_cells(got))
        if split:  # the refit table's "refitted" row repeats the split's
            cells = refit_cells(accuracy_cells(got))
            text = replace_row(text, f"{split}, refitted", 0, cells)
    for label, cells in (measured_hand_rows() | measured_cv_rows()).items():
        text = replace_row(text, label, 0, cells)
    return text


def main() -> None:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- example-answers -->\n```json\n(.*?)\n```", text, re.S)
    if not match:
        raise SystemExit("README.md has no example-answers block")
    answers = match.group(1)
    text = replace(text, "example-summary", "text", capture(answers))
    text = replace(text, "example-result", "json", capture(answers, "--json"))
    if "--figures" in sys.argv[1:]:
        text = measure(text)
    README.write_text(text, encoding="utf-8")
    print(
        "README.md examples"
        + (" and figures" if "--figures" in sys.argv[1:] else "")
        + " recaptured"
    )


if __name__ == "__main__":
    main()
