"""A diary you can trust (issue 13): wild values never lock the runner out,
damage is named, data never carries terminal escapes, the files stay private,
entries can be fixed and backups restore."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta

import pytest
from helpers import app

from kneecheck.diary import diary_path

TODAY = date.today()
D = [(TODAY - timedelta(days=n)).isoformat() for n in range(40)]


def ok(runner, *args: str, input: str | None = None) -> str:
    result = runner.invoke(app, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.stdout


def raw_sql(sql: str, *args: object) -> None:
    """Write to the diary behind kneecheck's back, as an old version might have."""
    with sqlite3.connect(diary_path()) as db:
        db.execute(sql, args)
    db.close()


# ---- 1. a wild value never locks the runner out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["log", "--distance", "99999"], "out of range (at most 350 km)"),
        (["log", "--distance", "nan"], "out of range"),
        (["log", "--distance", "inf"], "out of range"),
        (["log", "--distance", "10", "--duration", "10"], "faster than anyone runs"),
        (["log", "--distance", "10", "--duration", "nan"], "out of range"),
        (["log", "--distance", "10", "--duration", "99999"], "out of range"),
        (["log", "--distance", "5", "--date", "1969-12-31"], "before 1970"),
        (["shoes", "add", "Blue", "--start-distance", "nan"], "out of range"),
        (["shoes", "add", "Blue", "--start-distance", "1e9"], "out of range"),
    ],
)
def test_implausible_values_are_refused_where_they_enter(runner, args, message):
    """A typo or NaN is refused with its reason, exit 2; nothing is stored."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    if diary_path().exists():
        doc = json.loads(ok(runner, "export", "--format", "json"))
        assert doc["entries"] == [] and doc["shoes"] == []


def test_wild_value_in_the_diary_never_blocks_assess(runner) -> None:
    """A run of 99999 km stored by an older kneecheck: assess still answers,
    leaves the weekly distance out and says why."""
    ok(runner, "log", "--date", D[2], "--distance", "10")
    raw_sql("UPDATE entries SET distance_km = 99999")
    ok(runner, "log", "--date", D[1], "--distance", "10")
    result = runner.invoke(app, ["assess", "--answers", "-", "--json"], input="{}")
    assert result.exit_code == 0, result.output
    assert "left out of the assessment: 'weekly_km' is 100009" in result.stderr
    doc = json.loads(result.stdout)
    assert "weekly_km" not in doc.get("from_diary", {})
    assert "weekly_km" not in doc["answers"]


def test_wild_derived_shoe_distance_is_left_out(runner, catalogue) -> None:
    """The questionnaire is never offered a value it would then reject."""
    from kneecheck.actions.check import prefill_from_diary

    ok(runner, "shoes", "add", "Blue")
    ok(runner, "log", "--date", D[1], "--distance", "10")
    raw_sql("UPDATE entries SET distance_km = 2000")
    prefill = prefill_from_diary(catalogue)
    assert "weekly_km" not in prefill.answers
    assert prefill.warning and "weekly_km" in prefill.warning
    assert prefill.answers["shoe_km"] == 2000


def test_gps_glitch_in_an_import_is_skipped_and_named(runner, tmp_path) -> None:
    """A 5000 km run in a Strava export is named as skipped; the rest imports."""
    day = (TODAY - timedelta(days=2)).strftime("%b %d, %Y")
    csv_path = tmp_path / "activities.csv"
    csv_path.write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,"
        "Distance\n"
        f'1,"{day}, 7:00:00 AM",Fine,Run,3000,10.0\n'
        f'2,"{day}, 6:00:00 PM",Glitch,Run,1800,5000.0\n',
        encoding="utf-8",
    )
    out = ok(runner, "import", str(csv_path))
    assert "Imported 1 run" in out and "skipped 1" in out
    assert "activities.csv row 3" in out and "out of range" in out
    result = runner.invoke(app, ["assess", "--answers", "-", "--json"], input="{}")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["from_diary"]["weekly_km"] == 10.0
