"""The diary commands on the command line: log, history, shoes, config, info,
export, forget, and assess reading the diary."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from helpers import D, app, days_ago

from kneecheck.diary import diary_path


def ok(runner, *args: str, input: str | None = None) -> str:
    result = runner.invoke(app, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.stdout


def history_json(runner, *args: str) -> dict:
    return json.loads(ok(runner, "history", "--json", *args))


def test_log_and_history_json(runner) -> None:
    """A logged run shows in history --json with every documented field."""
    ok(runner, "shoes", "add", "Blue")
    out = ok(
        runner,
        "log",
        "--date",
        D[2],
        "--distance",
        "8",
        "--duration",
        "45",
        "--pain-during",
        "3",
        "--pain-after",
        "2",
        "--next-morning",
        "settled",
        "--note",
        "easy",
    )
    assert "Logged a run of 8.0 km" in out and "Blue" in out
    doc = history_json(runner)
    entry = doc["entries"][0]
    assert entry == {
        "id": 1,
        "date": D[2],
        "kind": "run",
        "distance_km": 8.0,
        "duration_min": 45.0,
        "pain_during": 3,
        "pain_after": 2,
        "next_morning": 0,
        "settled": True,
        "shoes": "Blue",
        "note": "easy",
        "source": "manual",
    }
    assert doc["verdict"]["verdict"] in ("continue", "reduce", "stop")
    assert set(doc) >= {"entries", "weeks", "spikes", "verdict"}
    assert set(doc["weeks"][0]) >= {"week_start", "distance_km", "change_pct"}


def test_several_entries_a_day_and_rest_days(runner) -> None:
    """Two runs on one day and a rest day are all kept."""
    ok(runner, "log", "--distance", "5")
    ok(runner, "log", "--distance", "3")
    ok(runner, "log", "--rest")
    kinds = [e["kind"] for e in history_json(runner)["entries"]]
    assert kinds == ["run", "run", "rest"]


def test_morning_check(runner) -> None:
    """log --morning records the next-morning pain on the latest run."""
    ok(runner, "log", "--date", D[1], "--distance", "6", "--pain-during", "2")
    ok(runner, "log", "--morning", "--next-morning", "4")
    entry = history_json(runner)["entries"][-1]
    assert (entry["next_morning"], entry["settled"]) == (4, False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--distance", "5", "--pain-during", "11"], "--pain-during"),
        (["--distance", "-3"], "--distance"),
        (["--distance", "5", "--date", "2026-02-30"], "is not a real date"),
        (["--distance", "5", "--date", "yesterday"], "is not a real date"),
        (
            ["--distance", "5", "--date", days_ago(-3).isoformat()],
            "is in the future",
        ),
        (["--pain-during", "3"], "a run needs a distance"),
        (["--distance", "0"], "a run needs a distance"),
        (["--distance", "5", "--next-morning", "sore"], "must be 0 to 10"),
        (["--distance", "5", "--next-morning", "12"], "out of range"),
        (["--distance", "5", "--shoes", "Ghost"], "no shoes called 'Ghost'"),
        (["--rest", "--distance", "5"], "a rest day has no distance"),
        (["--morning"], "no run in the diary"),
    ],
)
def test_log_bad_input_exits_2_and_writes_nothing(runner, args, message) -> None:
    """Pain 11, a negative distance, an impossible or future date: exit 2, no entry."""
    result = runner.invoke(app, ["log", *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    if diary_path().exists():
        assert history_json(runner)["entries"] == []


def test_units_in_miles_everywhere(runner) -> None:
    """With miles chosen, log takes miles, the diary keeps km, displays show miles."""
    ok(runner, "config", "units", "mi")
    assert "miles" in ok(runner, "config", "units")
    ok(runner, "shoes", "add", "Blue", "--start-distance", "100")
    out = ok(runner, "log", "--distance", "5")
    assert "5.0 mi" in out
    doc = history_json(runner)
    assert doc["units"] == "mi"
    assert doc["entries"][0]["distance_km"] == pytest.approx(8.047, abs=0.001)
    assert doc["shoes"][0]["distance_km"] == pytest.approx(169.0, abs=0.1)
    text = ok(runner, "history")
    assert "5.0 mi" in text
    assert "105 mi" in ok(runner, "shoes", "list")


def test_config_rejects_other_units(runner) -> None:
    """Only km and mi."""
    assert runner.invoke(app, ["config", "units", "furlongs"]).exit_code == 2


def test_shoes_commands(runner) -> None:
    """add, list (with warning), default and retire."""
    ok(runner, "shoes", "add", "Old pair", "--start-distance", "490")
    ok(runner, "shoes", "add", "New pair", "--default")
    ok(runner, "log", "--distance", "15", "--shoes", "Old pair")
    doc = json.loads(ok(runner, "shoes", "list", "--json"))
    rows = {s["name"]: s for s in doc["shoes"]}
    assert rows["Old pair"]["distance_km"] == 505
    assert "machine tests" in rows["Old pair"]["warning"]
    assert rows["New pair"]["default"] and rows["New pair"]["warning"] is None
    assert "past 500 km" in ok(runner, "shoes", "list")
    ok(runner, "shoes", "retire", "Old pair")
    doc = json.loads(ok(runner, "shoes", "list", "--json"))
    assert {s["name"]: s["retired"] for s in doc["shoes"]}["Old pair"]
    assert runner.invoke(app, ["shoes", "retire", "Nope"]).exit_code == 2
    ok(runner, "shoes", "default", "New pair")


def test_history_table_and_chart(runner) -> None:
    """history draws the chart with the 5/10 line and lists spikes."""
    ok(runner, "log", "--date", D[10], "--distance", "10", "--pain-during", "2")
    ok(
        runner,
        "log",
        "--date",
        D[3],
        "--distance",
        "16",
        "--pain-during",
        "6",
        "--pain-after",
        "4",
        "--next-morning",
        "3",
    )
    out = ok(runner, "history", "--weeks", "3")
    for part in (
        "STOP",
        "Pain and distance",
        "pain 0    5    10",
        "D = pain during",
        "Weeks",
        "Runs over 110%",
        "+60%",
    ):
        assert part in out, part


def test_assess_fills_in_from_the_diary_and_is_stored(runner) -> None:
    """assess takes weekly distance and the long-run spike from the diary, says
    so, lets given answers win, and history lists the assessment."""
    ok(runner, "log", "--date", D[20], "--distance", "10")
    ok(runner, "log", "--date", D[2], "--distance", "20")
    answers = json.dumps({"where": ["outside"], "weekly_km": 50})
    doc = json.loads(ok(runner, "assess", "--answers", "-", "--json", input=answers))
    assert doc["answers"]["weekly_km"] == 50  # the runner's answer wins
    assert doc["from_diary"]["longest_run_change_pct"] == 100.0
    assert "weekly_km" not in doc["from_diary"]
    text = ok(runner, "assess", "--answers", "-", input=answers)
    assert "From your diary" in text
    assessments = history_json(runner)["assessments"]
    assert len(assessments) == 2
    assert assessments[0]["top_condition"] == doc["conditions"][0]["id"]


def test_assess_no_diary_leaves_it_alone(runner) -> None:
    """--no-diary neither reads nor writes the diary."""
    ok(runner, "assess", "--answers", "-", "--json", "--no-diary", input="{}")
    assert not diary_path().exists()


def test_assess_survives_a_broken_diary(runner) -> None:
    """A damaged diary never blocks the check: a warning, and the result."""
    diary_path().parent.mkdir(parents=True, exist_ok=True)
    diary_path().write_bytes(b"garbage" * 200)
    result = runner.invoke(
        app, ["assess", "--answers", "-", "--json"], input='{"where": ["outside"]}'
    )
    assert result.exit_code == 0
    assert "warning: diary not used" in result.stderr
    assert json.loads(result.stdout)["conditions"]
    assert diary_path().read_bytes() == b"garbage" * 200


@pytest.mark.parametrize(
    "command", [["history"], ["log", "--distance", "5"], ["shoes", "list"], ["export"]]
)
def test_broken_diary_is_a_clear_error(runner, command) -> None:
    """Diary commands on a damaged file: exit 4, a hint, the file untouched."""
    diary_path().parent.mkdir(parents=True, exist_ok=True)
    diary_path().write_bytes(b"garbage" * 200)
    result = runner.invoke(app, command)
    assert result.exit_code == 4
    assert "left untouched" in result.stderr
    assert diary_path().read_bytes() == b"garbage" * 200


def test_info(runner) -> None:
    """info says where the data lives."""
    ok(runner, "log", "--distance", "5")
    doc = json.loads(ok(runner, "info", "--json"))
    assert doc["diary"] == str(diary_path())
    assert doc["entries"] == 1
    assert str(diary_path()) in ok(runner, "info")


def test_export_json_and_csv(runner, tmp_path) -> None:
    """export json holds everything; csv the entries; --output writes a file."""
    ok(runner, "shoes", "add", "Blue")
    ok(runner, "log", "--distance", "5", "--note", 'with "quotes", and commas')
    ok(runner, "assess", "--answers", "-", input="{}")
    doc = json.loads(ok(runner, "export", "--format", "json"))
    assert len(doc["entries"]) == 1 and doc["shoes"] and doc["assessments"]
    rows = list(csv.DictReader(io.StringIO(ok(runner, "export", "--format", "csv"))))
    assert rows[0]["note"] == 'with "quotes", and commas'
    assert rows[0]["distance_km"] == "5.0"
    target = tmp_path / "backup.json"
    ok(runner, "export", "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["entries"]


def test_export_without_diary(runner) -> None:
    """Nothing to export yet: an empty export (exit 4 is for damage)."""
    result = runner.invoke(app, ["export"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["entries"] == []


def test_forget(runner) -> None:
    """forget needs --yes without a terminal, then deletes the diary."""
    ok(runner, "log", "--distance", "5")
    refused = runner.invoke(app, ["forget"])
    assert refused.exit_code == 2
    assert "--yes" in refused.stderr
    assert diary_path().exists()
    assert "Deleted" in ok(runner, "forget", "--yes")
    assert not diary_path().exists()
    assert "no diary" in ok(runner, "forget", "--yes")


def test_forget_refuses_a_foreign_file(runner) -> None:
    """forget never deletes a file that is not a kneecheck diary."""
    diary_path().parent.mkdir(parents=True, exist_ok=True)
    diary_path().write_bytes(b"precious" * 300)
    assert runner.invoke(app, ["forget", "--yes"]).exit_code == 4
    assert diary_path().exists()


def test_forget_names_a_diary_it_may_not_delete(runner, monkeypatch) -> None:
    """An immutable diary file (or a read-only folder): one line, exit 5, the
    diary kept; never "internal error"."""
    import pathlib

    ok(runner, "log", "--distance", "5")
    real_unlink = pathlib.Path.unlink

    def refuse(self, missing_ok=False):
        if self == diary_path():
            raise PermissionError(1, "Operation not permitted", str(self))
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(pathlib.Path, "unlink", refuse)
    result = runner.invoke(app, ["forget", "--yes"])
    assert result.exit_code == 5, result.output
    assert "cannot delete" in result.stderr
    assert "Operation not permitted" in result.stderr
    assert "internal error" not in result.stderr
    assert diary_path().exists()


def test_shoes_for_a_rest_day_are_refused_not_dropped(runner) -> None:
    """--shoes with --rest (log or entries edit) is one line naming the option,
    exit 2, nothing changed; a run made a rest day loses its shoes quietly."""
    ok(runner, "shoes", "add", "Blue")
    refused = runner.invoke(app, ["log", "--rest", "--shoes", "Blue"])
    assert refused.exit_code == 2
    assert "--shoes: a rest day has no shoes" in refused.stderr
    assert "No entries yet" in ok(runner, "entries")
    ok(runner, "log", "--rest")
    refused = runner.invoke(app, ["entries", "edit", "1", "--shoes", "Blue"])
    assert refused.exit_code == 2 and "a rest day has no shoes" in refused.stderr
    ok(runner, "log", "--distance", "5", "--shoes", "Blue")
    ok(runner, "entries", "edit", "2", "--rest")
    assert json.loads(ok(runner, "entries", "--json"))["entries"][0]["shoes"] is None


def test_log_without_terminal_or_options(runner) -> None:
    """Bare log without a terminal asks for options instead of hanging."""
    result = runner.invoke(app, ["log"])
    assert result.exit_code == 2
    assert "--distance" in result.stderr


def _gpx(path, km: float, day: date) -> None:
    import datetime as dt

    import gpxpy.gpx

    gpx = gpxpy.gpx.GPX()
    track = gpxpy.gpx.GPXTrack()
    track.type = "running"
    segment = gpxpy.gpx.GPXTrackSegment()
    start = dt.datetime(day.year, day.month, day.day, 12, 0)
    steps = 10
    for i in range(steps + 1):
        segment.points.append(
            gpxpy.gpx.GPXTrackPoint(
                50 + 0.009 * km * i / steps,
                0.0,
                time=start + dt.timedelta(minutes=6 * km * i / steps),
            )
        )
    track.segments.append(segment)
    gpx.tracks.append(track)
    path.write_text(gpx.to_xml(), encoding="utf-8")


STRAVA = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,"
    "Moving Time,Distance,Activity Gear\n"
    '101,"{d1}, 7:15:32 AM",Morning Run,Run,3000,10.0,2900,10000.0,Old shoes\n'
    '102,"{d2}, 6:00:00 PM",Commute,Ride,1800,8.0,1700,8000.0,\n'
    '103,"{d2}, 7:00:00 AM",Tempo,Run,2000,6.0,1900,6000.0,Old shoes\n'
)


def test_import_reports_runs_dated_in_the_future(runner, tmp_path) -> None:
    """A run dated after today (a clock gone wrong) is named as skipped, and
    not added; the others are."""

    folder = tmp_path / "runs"
    folder.mkdir()
    _gpx(folder / "today.gpx", 5, date.today())
    _gpx(folder / "later.gpx", 7, date.today() + timedelta(days=30))
    result = runner.invoke(app, ["import", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Imported 1 run" in result.stdout and "skipped 1" in result.stdout
    assert "in the future" in result.stdout and "later.gpx" in result.stdout
    doc = json.loads(runner.invoke(app, ["history", "--json"]).stdout)
    assert [e["distance_km"] for e in doc["entries"] if e["kind"] == "run"] == [
        pytest.approx(5, abs=0.2)
    ]


def test_import_gpx_folder_and_strava(runner, tmp_path) -> None:
    """GPX files and a Strava CSV import once; gear becomes shoes; rides skipped."""
    folder = tmp_path / "runs"
    folder.mkdir()
    _gpx(folder / "a.gpx", 5, days_ago(3))
    _gpx(folder / "b.gpx", 8, days_ago(2))
    out = ok(runner, "import", str(folder))
    assert "Imported 2 runs" in out
    assert "Imported 0 runs" in ok(runner, "import", str(folder / "a.gpx"))
    fmt = "%b %d, %Y"
    csv_path = tmp_path / "activities.csv"
    csv_path.write_text(
        STRAVA.format(
            d1=days_ago(5).strftime(fmt),
            d2=days_ago(4).strftime(fmt),
        ),
        encoding="utf-8",
    )
    out = ok(runner, "import", str(csv_path))
    assert "Imported 2 runs" in out and "skipped 1" in out and "Ride" in out
    again = ok(runner, "import", str(csv_path))
    assert "Imported 0 runs" in again and "1 file imported before" in again
    doc = history_json(runner)
    sources = sorted(e["source"] for e in doc["entries"])
    assert sources == ["gpx", "gpx", "strava", "strava"]
    assert {s["name"]: round(s["distance_km"]) for s in doc["shoes"]} == {
        "Old shoes": 16
    }


def test_malformed_import_adds_nothing(runner, tmp_path) -> None:
    """A bad row names file and row, exits 2, and nothing is half-imported."""
    bad = tmp_path / "activities.csv"
    day = days_ago(2).strftime("%b %d, %Y")
    bad.write_text(
        STRAVA.format(d1=day, d2=day) + '104,"not a date",Oops,Run,10,1.0,10,abc,\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", str(bad)])
    assert result.exit_code == 2
    assert "activities.csv row 5" in result.stderr
    assert not diary_path().exists() or history_json(runner)["entries"] == []


def test_report_markdown_and_html(runner, tmp_path) -> None:
    """report writes Markdown to the screen and a self-contained HTML file."""
    ok(runner, "shoes", "add", "Blue")
    ok(
        runner,
        "log",
        "--date",
        D[3],
        "--distance",
        "10",
        "--pain-during",
        "3",
        "--note",
        "<b>tight</b> calf",
    )
    ok(runner, "assess", "--answers", "-", input='{"where": ["outside"]}')
    md = ok(runner, "report")
    assert md.startswith("# kneecheck report")
    assert "Iliotibial band syndrome" in md and "Blue" in md
    target = tmp_path / "report.html"
    assert "Wrote" in ok(runner, "report", "--format", "html", "--output", str(target))
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") or page.lower().startswith("<!doctype")
    assert "&lt;b&gt;tight&lt;/b&gt; calf" in page
    assert "<svg" in page


def test_report_bad_output_path(runner, tmp_path) -> None:
    """An output folder that does not exist: a clear error, exit 2."""
    ok(runner, "log", "--distance", "5")
    result = runner.invoke(app, ["report", "--output", str(tmp_path / "no" / "r.md")])
    assert result.exit_code == 2
    assert "cannot write" in result.stderr


def test_morning_without_terminal_or_value(runner) -> None:
    """--morning without a value and without a terminal asks for --next-morning."""
    ok(runner, "log", "--distance", "5")
    result = runner.invoke(app, ["log", "--morning"])
    assert result.exit_code == 2
    assert "--next-morning" in result.stderr


def test_summary_distances_in_miles(runner) -> None:
    """With miles chosen, the summary's distances read in miles; JSON stays km."""
    ok(runner, "config", "units", "mi")
    answers = json.dumps({"where": ["around_kneecap"], "shoe_km": 900, "weekly_km": 40})
    text = ok(runner, "assess", "--answers", "-", input=answers)
    assert "at least 311 mi" in text
    assert "500 km" not in text
    doc = json.loads(ok(runner, "assess", "--answers", "-", "--json", input=answers))
    assert doc["answers"]["shoe_km"] == 900
    assert any("500 km" in t["why"] for t in doc["prevention_tips"])


def test_localise() -> None:
    """Only 'N km' figures change, and only for miles."""
    from kneecheck.units import localise

    assert localise("past 500 km, 5.5 km", "mi") == "past 311 mi, 3.4 mi"
    assert localise("past 500 km", "km") == "past 500 km"
    assert localise("skm 5 kmh", "mi") == "skm 5 kmh"
    # a range converts at both ends (it read "500-497 mi")
    assert localise("the usual 500-800 km", "mi") == "the usual 311-497 mi"
    assert localise("500–800 km", "mi") == "311–497 mi"
