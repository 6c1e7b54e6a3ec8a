"""Reading GPX files and a Strava activities.csv into runs, without a database."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import gpxpy.gpx
import pytest

from kneecheck.errors import ExitCode, KneecheckError
from kneecheck.importers import (
    ImportedRun,
    ImportFileError,
    ImportResult,
    Skipped,
    read_import,
)

UTC = datetime.timezone.utc
KM_PER_MILE = 1.609344
# 02:00 UTC on 20 November is still the evening of the 19th at UTC-5.
START = datetime.datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _local_time_is_utc_minus_5() -> Iterator[None]:
    """Pin the local time zone, so a UTC time near midnight has a known local date."""
    if not hasattr(time, "tzset"):
        pytest.skip("needs time.tzset to pin the local time zone")
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "XST+05"  # POSIX: five hours behind UTC, no daylight saving
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


# --- GPX fixtures, built with gpxpy itself -----------------------------------


def make_gpx(
    km: float = 2.0,
    *,
    seconds: float = 600.0,
    kind: str | None = "running",
    name: str | None = "Evening Run",
    timed: bool = True,
    start: datetime.datetime = START,
    points: int = 21,
    climb_m: float = 0.0,
) -> str:
    """A straight track northwards; 0.009 degrees of latitude is about 1 km."""
    gpx = gpxpy.gpx.GPX()
    track = gpxpy.gpx.GPXTrack(name=name)
    track.type = kind
    segment = gpxpy.gpx.GPXTrackSegment()
    for i in range(points):
        share = i / (points - 1)
        segment.points.append(
            gpxpy.gpx.GPXTrackPoint(
                latitude=51.0 + km * 0.009 * share,
                longitude=-0.1,
                elevation=20.0 + climb_m * share,
                time=start + datetime.timedelta(seconds=seconds * share)
                if timed
                else None,
            )
        )
    track.segments.append(segment)
    gpx.tracks.append(track)
    return gpx.to_xml()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --- Strava activities.csv fixtures --------------------------------------------

# The real export's header, trimmed: "Distance" and "Elapsed Time" appear twice,
# first in display units (here miles), later raw (metres, seconds).
STRAVA_HEADER = [
    "Activity ID",
    "Activity Date",
    "Activity Name",
    "Activity Type",
    "Activity Description",
    "Elapsed Time",
    "Distance",
    "Max Heart Rate",
    "Activity Gear",
    "Filename",
    "Elapsed Time",
    "Moving Time",
    "Distance",
    "Max Speed",
]


def strava_row(
    activity_id: str,
    date: str,
    name: str,
    kind: str,
    miles: str,
    metres: str,
    *,
    elapsed: str = "3001",
    moving: str = "2950.0",
    gear: str = "",
    description: str = "",
) -> list[str]:
    return [
        activity_id,
        date,
        name,
        kind,
        description,
        elapsed,
        miles,
        "151.0",
        gear,
        f"activities/{activity_id}.gpx",
        f"{elapsed}.0" if elapsed else "",
        moving,
        metres,
        "4.1",
    ]


STRAVA_ROWS = [
    # row 2: its description spans two lines, yet it is one spreadsheet row
    strava_row(
        "1001",
        "Nov 20, 2026, 3:15:32 AM",
        "Morning Run",
        "Run",
        "6.23",
        "10020.0",
        gear="  Pegasus 40 ",
        description="Easy, with friends\nknee fine",
    ),
    strava_row(
        "1002", "Nov 20, 2026, 5:00:00 PM", "Commute", "Ride", "12.4", "20000.0"
    ),
    strava_row("1003", "Nov 21, 2026, 9:00:00 AM", "Dog walk", "Walk", "1.9", "3000.0"),
    strava_row(
        "1004",
        "Nov 22, 2026, 2:05:00 PM",
        "Hills",
        "Trail Run",
        "9.63",
        "15500.0",
        elapsed="",
        moving="4500.0",
    ),
    strava_row("1005", "Nov 23, 2026, 2:05:00 PM", "Forgot", "Run", "0.0", "0.0"),
]


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    return out.getvalue()


def strava_csv(tmp_path: Path, rows: list[list[str]] | None = None) -> Path:
    text = csv_text(STRAVA_HEADER, STRAVA_ROWS if rows is None else rows)
    return write(tmp_path / "activities.csv", text)


EXPECTED_STRAVA_RUNS = (
    ImportedRun(
        date=datetime.date(2026, 11, 19),  # 03:15 UTC is 22:15 the day before
        distance_km=10.02,
        duration_min=50.02,
        shoes="Pegasus 40",
        source="strava",
        source_key="strava:1001",
        name="Morning Run",
        where="activities.csv row 2",
        start=datetime.datetime(2026, 11, 20, 3, 15, 32, tzinfo=datetime.timezone.utc),
    ),
    ImportedRun(
        date=datetime.date(2026, 11, 22),
        distance_km=15.5,
        duration_min=75.0,
        shoes=None,
        source="strava",
        source_key="strava:1004",
        name="Hills",
        where="activities.csv row 5",
        start=datetime.datetime(2026, 11, 22, 14, 5, tzinfo=datetime.timezone.utc),
    ),
)
EXPECTED_STRAVA_SKIPPED = (
    Skipped("activities.csv row 3", "not a run (Ride)"),
    Skipped("activities.csv row 4", "not a run (Walk)"),
    Skipped("activities.csv row 6", "no distance", file="activities/1005.gpx"),
)


def import_error(path: Path, unit: str | None = None) -> str:
    with pytest.raises(ImportFileError) as caught:
        read_import(path, unit)
    return caught.value.message


# --- GPX ---------------------------------------------------------------------


def test_gpx_run_distance_date_duration_and_key(tmp_path: Path) -> None:
    """A GPX run gives its km, local start date, elapsed minutes and file hash."""
    path = write(tmp_path / "evening.gpx", make_gpx(2.0, seconds=600))

    result = read_import(path)

    assert result.skipped == ()
    [run] = result.runs
    assert run.distance_km == pytest.approx(2.0, abs=0.02)
    assert run.distance_km == round(run.distance_km, 3)
    assert run.date == datetime.date(2026, 11, 19)
    assert run.duration_min == 10.0
    assert run.source == "gpx"
    assert run.source_key == "gpx:" + hashlib.sha256(path.read_bytes()).hexdigest()
    assert run.name == "Evening Run"
    assert run.shoes is None


def test_gpx_sums_every_track(tmp_path: Path) -> None:
    """A file with two tracks counts the length of both."""
    first = gpxpy.parse(make_gpx(1.0))
    second = gpxpy.parse(make_gpx(3.0, start=START + datetime.timedelta(hours=1)))
    first.tracks.extend(second.tracks)
    path = write(tmp_path / "two.gpx", first.to_xml())

    [run] = read_import(path).runs

    assert run.distance_km == pytest.approx(4.0, abs=0.04)
    assert run.duration_min == 70.0


def test_gpx_distance_counts_the_climb(tmp_path: Path) -> None:
    """Distance is the 3D length: 2 km across while climbing 1 km is about 2.24 km."""
    path = write(tmp_path / "climb.gpx", make_gpx(2.0, climb_m=1000.0))

    [run] = read_import(path).runs

    assert run.distance_km == pytest.approx(5**0.5, abs=0.02)


def test_gpx_naive_times_keep_their_date(tmp_path: Path) -> None:
    """Times without a zone are taken as local: their date is not shifted."""
    naive = datetime.datetime(2026, 11, 20, 2, 0)
    path = write(tmp_path / "naive.gpx", make_gpx(start=naive))

    [run] = read_import(path).runs

    assert run.date == datetime.date(2026, 11, 20)


@pytest.mark.parametrize(
    "kind", ["cycling", "Hiking", "walking", "Ride", "swim", "road_biking", "1"]
)
def test_gpx_that_is_not_a_run_is_skipped(tmp_path: Path, kind: str) -> None:
    """A track typed as another sport is reported as skipped, not imported or fatal."""
    path = write(tmp_path / "other.gpx", make_gpx(kind=kind))

    result = read_import(path)

    assert result.runs == ()
    assert result.skipped == (Skipped("other.gpx", f"not a run ({kind})"),)


@pytest.mark.parametrize(
    "kind", ["running", "9", "Run", "trail_running", "run_walk", None]
)
def test_gpx_running_or_untyped_is_imported(tmp_path: Path, kind: str | None) -> None:
    """Strava's "running" and "9", other running types and no type are all runs."""
    path = write(tmp_path / "run.gpx", make_gpx(kind=kind))

    result = read_import(path)

    assert len(result.runs) == 1
    assert result.skipped == ()


def test_gpx_without_timestamps_is_an_error(tmp_path: Path) -> None:
    """Without times the date is unknown, so the file is refused by name."""
    path = write(tmp_path / "untimed.gpx", make_gpx(timed=False))

    message = import_error(path)

    assert message == "untimed.gpx: has no timestamps, so its date is unknown"


@pytest.mark.parametrize(
    "text",
    [
        '<?xml version="1.0"?><gpx><trk><trkseg><trkpt lat="51"',
        "this is not xml at all",
        '<gpx><trk><trkseg><trkpt lat="north" lon="1"/></trkseg></trk></gpx>',
    ],
)
def test_malformed_gpx_is_a_one_line_error(tmp_path: Path, text: str) -> None:
    """Broken XML or bad values give one line naming the file, no traceback."""
    path = write(tmp_path / "broken.gpx", text)

    message = import_error(path)

    assert message.startswith("broken.gpx: not a valid GPX file")
    assert "\n" not in message
    assert "Traceback" not in message


def test_gpx_without_track_points_is_an_error(tmp_path: Path) -> None:
    """A GPX with nothing recorded is refused rather than imported as 0 km."""
    path = write(tmp_path / "empty.gpx", gpxpy.gpx.GPX().to_xml())

    assert import_error(path) == "empty.gpx: no track points"


def test_gpx_that_does_not_move_is_skipped(tmp_path: Path) -> None:
    """A track with no distance is skipped, never stored as a 0 km run."""
    path = write(tmp_path / "still.gpx", make_gpx(0.0))

    result = read_import(path)

    assert result.runs == ()
    assert result.skipped == (Skipped("still.gpx", "no distance"),)


def test_same_gpx_read_twice_has_the_same_key(tmp_path: Path) -> None:
    """Re-importing a file gives the same source_key, so nothing is stored twice."""
    path = write(tmp_path / "a.gpx", make_gpx())
    copy = tmp_path / "copy" / "renamed.gpx"
    copy.parent.mkdir()
    shutil.copyfile(path, copy)
    other = write(tmp_path / "b.gpx", make_gpx(3.0))

    first = read_import(path).runs[0].source_key
    again = read_import(path).runs[0].source_key
    renamed = read_import(copy).runs[0].source_key
    different = read_import(other).runs[0].source_key

    assert first == again == renamed
    assert different != first


# --- folders ---------------------------------------------------------------


def test_folder_imports_sorted_gpx_then_activities_csv(tmp_path: Path) -> None:
    """A folder gives every .gpx by name, then the Strava runs; other files are left."""
    write(tmp_path / "b.gpx", make_gpx(3.0))
    write(tmp_path / "a.gpx", make_gpx(1.0))
    write(tmp_path / "notes.txt", "not training data")
    write(tmp_path / "bikes.csv", "Bike Name,Bike Brand\nRoadie,Acme\n")
    strava_csv(tmp_path)

    result = read_import(tmp_path)

    assert [r.source for r in result.runs] == ["gpx", "gpx", "strava", "strava"]
    assert [r.distance_km for r in result.runs[:2]] == pytest.approx(
        [1.0, 3.0], abs=0.03
    )
    assert result.runs[2:] == EXPECTED_STRAVA_RUNS
    assert result.skipped == EXPECTED_STRAVA_SKIPPED


def test_folder_collapses_duplicate_keys(tmp_path: Path) -> None:
    """The same file twice in one folder is imported once, keeping the first."""
    write(tmp_path / "a.gpx", make_gpx(name="First"))
    shutil.copyfile(tmp_path / "a.gpx", tmp_path / "b.gpx")

    result = read_import(tmp_path)

    assert [r.name for r in result.runs] == ["First"]


def test_folder_with_one_bad_file_skips_it(tmp_path: Path) -> None:
    """A broken file in a folder is named with its reason and skipped; the rest
    imports. (A broken file given on its own is an error: see above.)"""
    write(tmp_path / "a.gpx", make_gpx())
    write(tmp_path / "b.gpx", "<gpx><trk>")

    result = read_import(tmp_path)
    assert [r.where for r in result.runs] == ["a.gpx"]
    (bad,) = result.skipped
    assert bad.where == "b.gpx" and bad.unreadable
    assert bad.reason.startswith("not a valid GPX file")


def test_folder_with_nothing_to_import_is_an_error(tmp_path: Path) -> None:
    """An empty folder is a mistake worth saying, not a silent zero-run import."""
    write(tmp_path / "notes.txt", "nothing here")

    assert "no activity files to import" in import_error(tmp_path)


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    """A path that does not exist is named in the error."""
    path = tmp_path / "nowhere.gpx"

    assert import_error(path) == f"{path} not found"


def test_other_file_types_are_refused(tmp_path: Path) -> None:
    """A .txt file is refused rather than guessed at."""
    path = write(tmp_path / "run.txt", "text")

    assert import_error(path) == f"{path}: not a .gpx, .fit, .tcx, .csv or .zip file"


# --- Strava activities.csv ---------------------------------------------------


def test_strava_csv_imports_runs_only(tmp_path: Path) -> None:
    """Runs are imported with metres, gear as shoes and local dates; others skipped."""
    result = read_import(strava_csv(tmp_path))

    assert result[:2] == ImportResult(EXPECTED_STRAVA_RUNS, EXPECTED_STRAVA_SKIPPED)[:2]


def test_strava_csv_with_bom_reads_the_same(tmp_path: Path) -> None:
    """A byte-order mark before "Activity ID" does not hide the first column."""
    text = csv_text(STRAVA_HEADER, STRAVA_ROWS)
    path = write(tmp_path / "activities.csv", text, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    result = read_import(path)

    assert result[:2] == ImportResult(EXPECTED_STRAVA_RUNS, EXPECTED_STRAVA_SKIPPED)[:2]


def test_strava_csv_collapses_repeated_activity_ids(tmp_path: Path) -> None:
    """The same Activity ID twice in one export is imported once, the first."""
    again = strava_row("1001", "Nov 25, 2026, 8:00:00 AM", "Again", "Run", "1", "1609")
    path = strava_csv(tmp_path, [*STRAVA_ROWS, again])

    result = read_import(path)

    assert result.runs == EXPECTED_STRAVA_RUNS


def test_strava_csv_accepts_iso_dates_and_virtual_runs(tmp_path: Path) -> None:
    """ISO timestamps (UTC, with or without Z) are read and shifted to local time."""
    rows = [
        strava_row("1", "2026-11-20 03:15:32", "A", "Virtual Run", "3.1", "5000.0"),
        strava_row("2", "2026-11-20T07:15:32Z", "B", "run", "3.1", "5000.0"),
    ]

    result = read_import(strava_csv(tmp_path, rows))

    assert [r.date for r in result.runs] == [
        datetime.date(2026, 11, 19),
        datetime.date(2026, 11, 20),
    ]


@pytest.mark.parametrize(
    ("unit", "expected_km"),
    [(None, 6.2), ("km", 6.2), ("mi", round(6.2 * KM_PER_MILE, 3)), ("m", 0.006)],
)
def test_single_distance_column_uses_the_given_unit(
    tmp_path: Path, unit: str | None, expected_km: float
) -> None:
    """With one Distance column the unit is km unless the caller says mi or m."""
    header = ["Activity ID", "Activity Date", "Activity Type", "Distance"]
    rows = [["7", "Nov 20, 2026, 7:15:32 AM", "Run", "6.2"]]
    path = write(tmp_path / "export.csv", csv_text(header, rows))

    [run] = read_import(path, unit).runs

    assert run.distance_km == expected_km
    assert run.duration_min is None
    assert run.shoes is None
    assert run.name is None


def test_unknown_csv_unit_is_an_error(tmp_path: Path) -> None:
    """A distance unit other than km, mi or m is refused, with exit code 2."""
    path = strava_csv(tmp_path)

    with pytest.raises(ImportFileError) as caught:
        read_import(path, "yards")

    assert "'yards'" in caught.value.message
    assert isinstance(caught.value, KneecheckError)
    assert caught.value.exit_code == ExitCode.USAGE


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        (12, "abc", "activities.csv row 4: 'Distance' is 'abc', not a number"),
        (12, "-5", "activities.csv row 4: 'Distance' is '-5', below zero"),
        (1, "yesterday", "activities.csv row 4: 'Activity Date' is 'yesterday', not"),
        (1, "", "activities.csv row 4: 'Activity Date' is empty, not a date"),
        (1, "Foo 20, 2026, 7:15:32 AM", "activities.csv row 4: 'Activity Date' is"),
        (11, "fast", "activities.csv row 4: 'Moving Time' is 'fast', not a number"),
    ],
)
def test_bad_run_row_names_file_and_row(
    tmp_path: Path, column: int, value: str, expected: str
) -> None:
    """A malformed run row fails the import, naming the spreadsheet row."""
    rows = [list(r) for r in STRAVA_ROWS]
    rows[2] = strava_row("1010", "Nov 21, 2026, 9:00:00 AM", "Bad", "Run", "1", "1")
    rows[2][column] = value

    assert import_error(strava_csv(tmp_path, rows)).startswith(expected)


def test_row_with_wrong_number_of_columns_is_an_error(tmp_path: Path) -> None:
    """A row cut short is a broken file, not a run with missing values."""
    rows = [list(r) for r in STRAVA_ROWS]
    rows[3] = rows[3][:5]

    message = import_error(strava_csv(tmp_path, rows))

    assert message == "activities.csv row 5: has 5 columns, the header has 14"


def test_missing_required_header_is_an_error(tmp_path: Path) -> None:
    """Without an "Activity Date" column the file is refused, naming the column."""
    header = ["Activity ID", "Activity Type", "Distance"]
    path = write(tmp_path / "activities.csv", csv_text(header, [["1", "Run", "5"]]))

    message = import_error(path)

    assert message == "activities.csv row 1: missing column 'Activity Date'"
