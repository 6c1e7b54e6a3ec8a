"""conditions, explain and plan on the command line, and assess --plan."""

from __future__ import annotations

import json

import pytest
from helpers import app

ITB = {
    "age": 34,
    "onset": "gradual",
    "where": ["outside"],
    "timing": ["set_distance"],
    "worse_with": ["downhill"],
    "red_flags": [],
    "limp": False,
    "pain_during_run": 3,
    "pain_after_run": 2,
    "settles_by_morning": True,
    "trend": "same",
}


def test_conditions_table(runner, catalogue) -> None:
    """The table lists every condition id."""
    result = runner.invoke(app, ["conditions"])
    assert result.exit_code == 0
    for c in catalogue.conditions:
        assert c.id in result.stdout


def test_conditions_json(runner, catalogue) -> None:
    """--json gives the same rows to scripts."""
    doc = json.loads(runner.invoke(app, ["conditions", "--json"]).stdout)
    assert len(doc["conditions"]) == len(catalogue.conditions)
    assert doc["conditions"][0] == {
        "id": "patellofemoral_pain",
        "name": catalogue.conditions[0].name,
        "area": catalogue.conditions[0].area,
        "how_common": "very_common",
    }


def test_explain_page(runner) -> None:
    """explain by alias shows every section of the page."""
    result = runner.invoke(app, ["explain", "jumper's knee"])
    assert result.exit_code == 0, result.output
    for part in (
        "Patellar tendinopathy",
        "What it is",
        "look-alike",
        "What helps",
        "evidence",
        "When to see someone",
        "What to expect",
        "Sources",
        "Exercises",
    ):
        assert part in result.stdout, part


def test_explain_clinician_first(runner) -> None:
    """A condition that needs a clinician says so on its page."""
    result = runner.invoke(app, ["explain", "stress fracture"])
    assert "See a clinician first" in result.stdout


def test_explain_json(runner) -> None:
    """--json gives the page as one object."""
    doc = json.loads(runner.invoke(app, ["explain", "itb", "--json"]).stdout)
    assert doc["id"] == "iliotibial_band_syndrome"
    assert doc["look_alikes"] and doc["what_helps"] and doc["sources"]


@pytest.mark.parametrize("command", ["explain", "plan"])
def test_unknown_condition_suggests(runner, command: str) -> None:
    """An unknown id: exit 2 and the closest ids."""
    result = runner.invoke(app, [command, "patelar tendinopathy"])
    assert result.exit_code == 2
    assert "did you mean patellar_tendinopathy" in result.stderr


def test_plan_text(runner) -> None:
    """plan shows stages, the walk-run rule and the calendar."""
    result = runner.invoke(app, ["plan", "itb", "--start", "2026-12-01"])
    assert result.exit_code == 0, result.output
    for part in (
        "Return to running",
        "The rule:",
        "Calendar",
        "2026-12-01",
        "Side plank",
        "Move on when",
    ):
        assert part in result.stdout, part


def test_plan_markdown_and_json(runner) -> None:
    """--format md prints Markdown; --json the same plan as data."""
    md = runner.invoke(
        app,
        [
            "plan",
            "runner's knee",
            "--format",
            "md",
            "--start",
            "2026-12-01",
            "--weeks",
            "4",
        ],
    ).stdout
    assert md.startswith("# Exercise and return-to-run plan")
    doc = json.loads(
        runner.invoke(app, ["plan", "pfp", "--json", "--weeks", "4"]).stdout
    )
    assert doc["condition"]["id"] == "patellofemoral_pain"
    assert len(doc["calendar"]) == 4


def test_plan_clinician_first(runner) -> None:
    """A clinician-first condition gets no programme, and the reason why."""
    result = runner.invoke(app, ["plan", "meniscus_tear"])
    assert result.exit_code == 0
    assert "See a clinician first" in result.stdout
    assert "Calendar" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2026-02-30"], "is not a date like"),
        (["--start", "soon"], "is not a date like"),
        (["--weeks", "0"], "--weeks"),
        (["--weeks", "53"], "--weeks"),
        (["--step", "3"], "--step and --pain go together"),
        (["--step", "99", "--pain", "2"], "--step must be 1 to"),
        (["--step", "2", "--pain", "11"], "--pain"),
        (["--format", "pdf"], "--format"),
    ],
)
def test_plan_bad_options(runner, args: list[str], message: str) -> None:
    """Bad dates, weeks, steps or formats: exit 2 with the option named."""
    result = runner.invoke(app, ["plan", "itb", *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_plan_gate_on_the_command_line(runner) -> None:
    """--step/--pain say which walk-run step comes next."""
    back = json.loads(
        runner.invoke(
            app, ["plan", "itb", "--step", "3", "--pain", "6", "--json"]
        ).stdout
    )
    assert (back["step"], back["action"]) == (2, "back")
    on = json.loads(
        runner.invoke(
            app, ["plan", "itb", "--step", "3", "--pain", "2", "--good", "1", "--json"]
        ).stdout
    )
    assert (on["step"], on["action"]) == (4, "advance")
    text = runner.invoke(
        app, ["plan", "itb", "--step", "3", "--pain", "2", "--not-settled"]
    ).stdout
    assert "BACK" in text and "step 2" in text


def test_assess_plan_adds_the_plan(runner, tmp_path) -> None:
    """assess --plan puts the top condition's plan in the result and the summary."""
    path = tmp_path / "a.json"
    path.write_text(json.dumps(ITB), encoding="utf-8")
    doc = json.loads(
        runner.invoke(
            app, ["assess", "--answers", str(path), "--json", "--plan"]
        ).stdout
    )
    assert doc["plan"]["condition"]["id"] == "iliotibial_band_syndrome"
    text = runner.invoke(app, ["assess", "--answers", str(path), "--plan"]).stdout
    assert "Calendar" in text


def test_assess_offers_the_plan_command(runner, tmp_path) -> None:
    """Without --plan a scripted summary ends with the plan command to run."""
    path = tmp_path / "a.json"
    path.write_text(json.dumps(ITB), encoding="utf-8")
    text = runner.invoke(app, ["assess", "--answers", str(path)]).stdout
    assert "kneecheck plan iliotibial_band_syndrome" in text


def test_no_plan_while_urgent(runner) -> None:
    """While a doctor must see the knee first, --plan adds null, not a programme."""
    doc = json.loads(
        runner.invoke(
            app,
            ["assess", "--answers", "-", "--json", "--plan"],
            input=json.dumps({**ITB, "red_flags": ["locked"]}),
        ).stdout
    )
    assert doc["plan"] is None
