"""The README stays true: commands, contract, real example output."""

from __future__ import annotations

import json
import re

import pytest
from helpers import (
    ACCURACY_ROWS,
    CASES,
    DATA,
    HOLDOUT,
    INTERVIEWED_TIMEOUT,
    KNOWN_UNDER_TRIAGE,
    PUBLISHED,
    TESTS,
    VIGNETTES,
    accuracy_cells,
    app,
    interview_cells,
    load_tool,
    measured_cv_rows,
    measured_hand_rows,
    readme_rows,
    refit_cells,
)
from typer.testing import CliRunner

from kneecheck.evaluate import evaluate

README = (TESTS.parent / "README.md").read_text(encoding="utf-8")
PROSE = " ".join(README.split())  # line breaks fall anywhere in prose
SCORING = json.loads((DATA / "scoring.json").read_text(encoding="utf-8"))


def block(name: str) -> str:
    match = re.search(
        rf"<!-- {name} -->\n```\w*\n(.*?)\n```\n<!-- /{name} -->", README, re.S
    )
    assert match, name
    return match.group(1)


def test_two_setup_commands() -> None:
    """One command installs and runs assess; one installs tests and runs them."""
    assert "kneecheck assess" in block("run-command")
    assert "pip install" in block("run-command")
    assert "[test]" in block("test-command")
    assert "pytest" in block("test-command")


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run reads the test command from the README instead of keeping its own."""
    ci = (TESTS.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "test-command" in ci and "README.md" in ci


def test_example_result_is_real(tmp_path) -> None:
    """The README's --json example is what kneecheck prints for its example answers."""
    answers = tmp_path / "example.json"
    answers.write_text(block("example-answers"), encoding="utf-8")
    result = CliRunner().invoke(app, ["assess", "--answers", str(answers), "--json"])
    shown = json.loads(block("example-result"))
    actual = json.loads(result.stdout)
    shown.pop("kneecheck_version")
    actual.pop("kneecheck_version")
    assert shown == actual, "stale README example: run python tests/update_readme.py"


def test_example_summary_is_real(tmp_path) -> None:
    """The README's captured summary is what kneecheck prints at 88 columns."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "88"}
    done = subprocess.run(
        [sys.executable, "-m", "kneecheck", "assess", "--answers", "-"],
        input=block("example-answers"),
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    lines = [line.rstrip() for line in done.stdout.splitlines()]
    assert "\n".join(lines) == block("example-summary"), (
        "stale README example: run python tests/update_readme.py"
    )


def test_every_command_and_key_documented(catalogue) -> None:
    """Each command, answer key, exit code and source id appears in the README."""
    for command in (
        "assess",
        "tips",
        "schema",
        "conditions",
        "explain",
        "plan",
        "--json",
        "--answers",
        "--topic",
        "--plan",
        "--format md",
        "--weeks",
        "--start",
        "--step",
    ):
        assert command in README
    for q in catalogue.questions:
        assert f"`{q.id}`" in README, q.id
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 130 |"):
        assert code in README
    for sid in catalogue.sources:
        assert f"`{sid}`" in README, sid


@pytest.mark.parametrize("label", list(ACCURACY_ROWS))
def test_accuracy_table_is_measured(catalogue, label: str) -> None:
    """The README's accuracy table holds what `evaluate` prints today, so adding
    cases or changing a ratio without re-measuring fails."""
    folders, split = ACCURACY_ROWS[label]
    if VIGNETTES in folders and not VIGNETTES.is_dir():
        pytest.skip("the shared vignettes are not beside this checkout")
    got = evaluate(catalogue, list(folders), split).to_dict()
    assert readme_rows(README, label)[0] == accuracy_cells(got)


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("published, tune split", "tune"),
        ("written cases and shared vignettes", "written"),
    ],
)
@INTERVIEWED_TIMEOUT
def test_interview_table_is_measured(interviewed, label: str, name: str) -> None:
    """The README's interview table holds what `evaluate --adaptive` prints
    today for the tune split and the written cases (the holdout's row is too
    slow to measure here: `update_readme.py --figures` writes it)."""
    if name == "written" and not VIGNETTES.is_dir():
        pytest.skip("the shared vignettes are not beside this checkout")
    assert readme_rows(README, label)[1] == interview_cells(interviewed[name].to_dict())


_UNITS = "zero one two three four five six seven eight nine ten eleven twelve "
_UNITS += "thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
_TENS |= {"seventy": 70, "eighty": 80, "ninety": 90}


def _number(words: str) -> int:
    """A number written out in the README's words ("Twenty-two" is 22)."""
    units = {w: i for i, w in enumerate(_UNITS.split())}
    total = 0
    for part in words.lower().split("-"):
        total += _TENS.get(part, units.get(part, 0))
    return total


def test_triage_miss_counts_are_measured(catalogue) -> None:
    """The README's counts of under-triaged published cases, in words, are the
    ones `evaluate` finds; on the tune split they are the documented set."""
    assert _number("Eighteen") == 18 and _number("Twenty-two") == 22
    assert _number("sixty") == 60 and _number("Ninety-nine") == 99
    for split, phrase in (
        ("tune", "tune cases are still under-triaged"),
        ("holdout", "holdout cases are triaged less urgently"),
    ):
        found = re.search(rf"^([A-Z][a-z-]+) {phrase}", README, re.M)
        assert found, phrase
        got = evaluate(catalogue, [PUBLISHED], split).to_dict()["under_triaged"]
        assert _number(found.group(1)) == got, split
        if split == "tune":
            assert got == len(KNOWN_UNDER_TRIAGE)


def test_case_counts_in_the_prose_are_counted() -> None:
    """The counts the README's prose gives for the published cases match the
    files (the tables are measured above; these sentences are written by hand
    and went stale when cases were added)."""
    if not VIGNETTES.is_dir():
        pytest.skip("the shared vignettes are not beside this checkout")
    cases = [
        json.loads(p.read_text(encoding="utf-8")) for p in PUBLISHED.glob("*.json")
    ]
    tune = [c for c in cases if c["split"] == "tune"]
    named = sum(1 for c in tune if c["expect"]["condition"])
    written = sum(1 for f in (CASES, HOLDOUT, VIGNETTES) for _ in f.rglob("*.json"))
    for sentence in (
        f"`tests/published/` holds {len(cases)} real patients",
        f"from 131 to {len(cases)} over this release: {len(cases) - 131} cases",
        f"on the same {len(cases)} cases",
        f"refitted on all {len(tune)} cases of the tune split ({named} with a "
        "condition)",
        f"Over all {len(cases) + written} cases, published and written",
    ):
        assert sentence in PROSE, sentence


def test_prose_figures_follow_the_tables() -> None:
    """The figures the prose repeats from the measured tables (the refitted rows,
    the holdout's calibration errors, the interview's gap to every answer) are
    the tables' own: re-measuring updates the tables, and these went stale."""
    (acc_t, int_t), (acc_h, int_h) = (
        readme_rows(README, f"published, {split} split")
        for split in ("tune", "holdout")
    )
    for label, acc in (("tune, refitted", acc_t), ("holdout, refitted", acc_h)):
        assert readme_rows(README, label)[0] == refit_cells(acc)
    cases, named = map(int, re.findall(r"\d+", acc_h[0]))
    cv = readme_rows(README, "cross-validated, refitted")[0]
    cv_top3, cv_n = map(int, re.findall(r"\d+", cv[2]))
    for sentence in (
        f"calibration error of the cases with a listed condition ({acc_h[6]})",
        f"(cross-validated on the tune split it is {cv[3]})",
        f"The cross-validated top-3, {round(100 * cv_top3 / cv_n)} %",
        f"and now {acc_h[6]} on",
        f"and {cases} holdout cases (the",
        f"Counting every case it is {acc_h[7]}, because the holdout holds more "
        f"reports of unlisted causes ({cases - named} of {cases})",
        f"the tune split's {acc_t[2]} is what the refit saw",
        f"on the tune split ({int_t[2]} against {acc_t[2]})",
        f"below on the holdout ({int_h[2]} against {acc_h[2]})",
    ):
        assert sentence in PROSE, sentence


def test_moved_ratio_count_is_counted() -> None:
    """The README's count of refitted ratios that moved, and of those the refit
    may move, is scoring.json's own."""
    moved, free = load_tool("refit_lrs").moved_ratios(SCORING)
    sentence = f"{moved} of the other {free} estimated ratios moved"
    assert sentence in PROSE, sentence


def test_refitted_example_ratio_matches_scoring() -> None:
    """The README's example of a refitted ratio (around the kneecap, for
    patellofemoral pain) is the figure scoring.json holds today."""
    [lr] = [
        f["lr"]
        for f in SCORING["conditions"]["patellofemoral_pain"]["features"]
        if f.get("op") == "includes" and f.get("value") == "around_kneecap"
    ]
    sentence = f"around the kneecap counts {lr} for patellofemoral pain"
    assert sentence in PROSE, sentence


def test_refit_table_is_measured() -> None:
    """The refit table's hand-estimate rows are what `evaluate` gives with every
    estimate back at its clinician's figure (`refit_lrs.py --hand-copy`)."""
    for label, cells in measured_hand_rows().items():
        assert readme_rows(README, label)[0] == cells


def test_cross_validation_table_is_measured() -> None:
    """The README's cross-validation table is what `refit_lrs.py --cv` prints
    today (slow: five refits)."""
    if not VIGNETTES.is_dir():
        pytest.skip("the shared vignettes are not beside this checkout")
    for label, cells in measured_cv_rows().items():
        assert readme_rows(README, label)[0] == cells


def test_figures_updater_rewrites_only_its_row() -> None:
    """`update_readme.py --figures` puts new cells in the row asked for, keeps
    the label and its note, and refuses a row that is not there."""
    from update_readme import replace_row

    text = "| a, b (note) | 1 | 2 |\n| a, b | 3 | 4 |\n| a, bc | 5 | 6 |\n"
    assert replace_row(text, "a, b", 1, ["7", "8"]) == (
        "| a, b (note) | 1 | 2 |\n| a, b | 7 | 8 |\n| a, bc | 5 | 6 |\n"
    )
    assert replace_row(text, "a, b", 0, ["9"]).startswith("| a, b (note) | 9 |\n")
    with pytest.raises(SystemExit, match="no row 3 labelled 'a, b'"):
        replace_row(text, "a, b", 2, ["0"])


def test_calibration_history_summary_follows_the_history() -> None:
    """The range, the number of measures and how often the holdout's
    calibration error was over the goal, as the prose says them, are the
    history list's own (the range once missed its largest value)."""
    history = re.search(r"its calibration error was (.+?) on \d", PROSE)
    assert history, "no calibration history in the README"
    values = [float(v) for v in re.findall(r"0\.\d+", history.group(1))]
    summary = re.search(
        r"It has moved between (0\.\d+) and (0\.\d+) as cases were added, and was "
        r"over the goal after ([a-z-]+) of the ([a-z-]+) measures below",
        PROSE,
    )
    assert summary, "no summary of the calibration history in the README"
    low, high, over, measures = summary.groups()
    assert (float(low), float(high)) == (min(values), max(values))
    assert _number(over) == sum(v > 0.10 for v in values)
    assert _number(measures) == len(values)
