"""FIT and TCX files, gzipped or not, alone or in folders; damaged ones skipped."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest

from kneecheck.importers import ImportFileError, kind_of, read_import

START = dt.datetime(2026, 11, 20, 7, 30, tzinfo=dt.timezone.utc)


def make_fit(
    path: Path,
    km: float = 5.0,
    minutes: int = 2,
    sport: str = "RUNNING",
    step: int = 10,
) -> Path:
    """A real FIT activity written with fit-tool: records (one every `step`
    seconds; a watch writes one a second), a session, an activity."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.activity_message import ActivityMessage
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.messages.session_message import SessionMessage
    from fit_tool.profile.profile_type import FileType, Manufacturer, Sport

    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.GARMIN.value
    file_id.product = 0
    file_id.serial_number = 1
    file_id.time_created = round(START.timestamp() * 1000)
    builder.add(file_id)
    seconds = minutes * 60
    for i in range(0, seconds, step):
        record = RecordMessage()
        record.timestamp = round((START.timestamp() + i) * 1000)
        record.distance = km * 1000 * i / seconds
        builder.add(record)
    session = SessionMessage()
    session.timestamp = round((START.timestamp() + seconds) * 1000)
    session.start_time = round(START.timestamp() * 1000)
    session.sport = getattr(Sport, sport)
    session.total_elapsed_time = seconds
    session.total_timer_time = seconds
    session.total_distance = km * 1000
    session.total_ascent = 12
    session.total_descent = 11
    builder.add(session)
    activity = ActivityMessage()
    activity.timestamp = session.timestamp
    activity.num_sessions = 1
    builder.add(activity)
    builder.build().to_file(str(path))
    return path


def tcx(
    sport: str = "Running",
    laps: tuple[tuple[float, float], ...] = ((1000, 300), (1500, 420)),
) -> str:
    """A TCX document with one activity of the given laps (metres, seconds)."""
    body = "".join(
        f'<Lap StartTime="2026-11-20T07:{30 + n:02d}:00Z">'
        f"<TotalTimeSeconds>{secs}</TotalTimeSeconds>"
        f"<DistanceMeters>{metres}</DistanceMeters></Lap>"
        for n, (metres, secs) in enumerate(laps)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2"><Activities>'
        f'<Activity Sport="{sport}"><Id>2026-11-20T07:30:00Z</Id>{body}</Activity>'
        "</Activities></TrainingCenterDatabase>"
    )


def gz(path: Path) -> Path:
    """A gzipped copy beside the file: name.ext.gz."""
    target = path.with_name(path.name + ".gz")
    target.write_bytes(gzip.compress(path.read_bytes()))
    return target


def test_fit_session_gives_the_run(tmp_path: Path) -> None:
    """Distance, duration and the local date come from the session message."""
    (run,) = read_import(make_fit(tmp_path / "run.fit", km=5.0, minutes=2)).runs
    assert run.distance_km == 5.0 and run.duration_min == 2.0
    assert run.date == START.astimezone().date()
    assert run.source == "fit" and run.where == "run.fit"


def test_fit_that_is_not_a_run_is_skipped(tmp_path: Path) -> None:
    result = read_import(make_fit(tmp_path / "ride.fit", sport="CYCLING"))
    assert result.runs == ()
    assert result.skipped[0].reason == "not a run (cycling)"
    assert not result.skipped[0].unreadable


def test_gzipped_fit_is_the_same_run(tmp_path: Path) -> None:
    """A .fit.gz holds the same run: same content, same key, imported once."""
    plain = make_fit(tmp_path / "run.fit")
    packed = gz(plain)
    assert kind_of(packed) == ".fit"
    (a,), (b,) = read_import(packed).runs, read_import(plain).runs
    assert a._replace(where="") == b._replace(where="")
    assert len(read_import(tmp_path).runs) == 1  # both in one folder: once


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("cut.fit", None, "FIT file"),
        ("text.fit", b"hello, this is not FIT", "not a FIT file"),
        ("bad.fit.gz", b"not gzip at all", "not a valid gzip file"),
        ("bad.tcx", b"<notxml", "not valid XML"),
        ("other.tcx", b"<gpx></gpx>", "XML, but not a TCX file"),
    ],
)
def test_a_damaged_file_is_named_and_skipped(
    tmp_path: Path, name: str, content: bytes | None, reason: str
) -> None:
    """In a folder the damaged file is skipped with its reason and the rest
    imports; alone, it is an error naming the file."""
    make_fit(tmp_path / "good.fit")
    bad = tmp_path / name
    if content is None:  # a FIT file cut short: its CRC cannot match
        bad.write_bytes((tmp_path / "good.fit").read_bytes()[:200])
    else:
        bad.write_bytes(content)
    result = read_import(tmp_path)
    assert [r.where for r in result.runs] == ["good.fit"]
    (skipped,) = result.skipped
    assert skipped.where == name and skipped.unreadable and reason in skipped.reason
    with pytest.raises(ImportFileError, match=rf"^{name}: .*{reason}"):
        read_import(bad)


def test_tcx_laps_add_up(tmp_path: Path) -> None:
    path = tmp_path / "run.tcx"
    path.write_text(tcx(), encoding="utf-8")
    (run,) = read_import(path).runs
    assert run.distance_km == 2.5 and run.duration_min == 12.0
    assert run.source == "tcx"
    (again,) = read_import(gz(path)).runs
    assert again.distance_km == 2.5


def test_tcx_of_another_sport_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "ride.tcx"
    path.write_text(tcx(sport="Biking"), encoding="utf-8")
    result = read_import(path)
    assert result.runs == () and result.skipped[0].reason == "not a run (Biking)"


def test_mixed_folder(tmp_path: Path) -> None:
    """FIT, TCX and their gzipped forms together: each run once."""
    make_fit(tmp_path / "a.fit", km=5.0)
    (tmp_path / "b.tcx").write_text(tcx(), encoding="utf-8")
    gz(tmp_path / "b.tcx").rename(tmp_path / "c.tcx.gz")  # the same content
    make_fit(tmp_path / "d.fit", km=7.0, minutes=3)
    gz(tmp_path / "d.fit")
    (tmp_path / "d.fit").unlink()
    runs = read_import(tmp_path).runs
    assert sorted(r.distance_km for r in runs) == [2.5, 5.0, 7.0]


def test_import_command_names_unreadable_files(tmp_path: Path) -> None:
    """The summary counts them; each is named with its reason on standard error."""
    from helpers import run_kneecheck

    folder = tmp_path / "watch"
    folder.mkdir()
    make_fit(folder / "good.fit")
    (folder / "broken.fit").write_bytes(b"\x0e\x10garbage")
    done = run_kneecheck("import", str(folder))
    assert done.returncode == 0, done.stderr
    assert "Imported 1 run" in done.stdout and "1 unreadable" in done.stdout
    assert "kneecheck: warning: broken.fit: " in done.stderr


# --- the Strava export ZIP ---------------------------------------------------

EXPORT_CSV = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,"
    "Activity Gear,Filename,Distance\n"
    '1,"Nov 2, 2026, 6:30:00 AM","Easy, then hills",Run,3000,10.0,'
    '"Pegasus, blue",activities/1.fit.gz,10000.0\n'
    '2,"Nov 3, 2026, 6:30:00 AM",Commute,Ride,1800,8.0,,activities/2.gpx,8000.0\n'
    '3,"Nov 4, 2026, 6:30:00 AM",Watch only,Run,600,,,activities/3.fit.gz,\n'
    '4,"Nov 5, 2026, 6:30:00 AM",Sneaky,Run,600,,,../../etc/passwd,\n'
)


def export_zip(tmp_path: Path, members: dict[str, bytes] | None = None) -> Path:
    """A Strava export as downloaded: the CSV, activity files, and other things."""
    import zipfile

    fit = make_fit(tmp_path / "own.fit", km=3.0, minutes=2).read_bytes()
    path = tmp_path / "export_12345.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("activities.csv", EXPORT_CSV)
        z.writestr("activities/1.fit.gz", gzip.compress(fit))
        z.writestr("activities/3.fit.gz", gzip.compress(fit))
        z.writestr("profile.csv", "Athlete ID,Email\n1,x@example.org\n")
        z.writestr("media/photo.jpg", b"\xff\xd8\xff")
        for name, data in (members or {}).items():
            z.writestr(name, data)
    return path


def test_export_zip_reads_the_summary_first(tmp_path: Path) -> None:
    """Runs come from activities.csv (names with commas, gear as shoes); a ride is
    skipped; a run without a distance is completed from its own FIT file; a
    path that climbs out of the archive is never read."""
    result = read_import(export_zip(tmp_path))
    by_key = {r.source_key: r for r in result.runs}
    first = by_key["strava:1"]
    assert (first.distance_km, first.shoes, first.name) == (
        10.0,
        "Pegasus, blue",
        "Easy, then hills",
    )
    completed = next(r for r in result.runs if r.source == "fit")
    assert completed.distance_km == 3.0 and "row 4" in completed.where
    reasons = {s.where.rsplit(" ", 1)[-1]: s.reason for s in result.skipped}
    assert reasons["3"] == "not a run (Ride)"
    assert "is not in the export" in reasons["5"]  # ../../etc/passwd


def test_a_zip_that_is_not_an_export_is_refused(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.jpg", b"\xff\xd8")
    with pytest.raises(ImportFileError, match="not a Strava export"):
        read_import(path)
    (tmp_path / "fake.zip").write_bytes(b"PK not really")
    with pytest.raises(ImportFileError, match="not a valid ZIP file"):
        read_import(tmp_path / "fake.zip")


@pytest.mark.parametrize(
    "name", ["../evil.fit.gz", "/abs/evil.fit.gz", "C:/evil.fit.gz", "a\\..\\b.fit"]
)
def test_hostile_member_names_are_never_read(name: str) -> None:
    from kneecheck.importers.strava_zip import safe_member_name

    assert safe_member_name(name) is None
    assert safe_member_name("activities/./1.fit.gz") == "activities/1.fit.gz"


def test_the_same_run_from_two_sources_is_one(tmp_path: Path) -> None:
    """A run in the Strava export and again in the watch's folder (its FIT file
    starts within two minutes, distance within 3 %): stored once, the copy
    merged and counted; importing both again adds nothing."""
    import zipfile

    from kneecheck.actions.diary import import_runs
    from kneecheck.diary import open_diary

    fit = make_fit(tmp_path / "watch.fit", km=10.1, minutes=50)  # 07:30 UTC
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as z:
        z.writestr(
            "activities.csv",
            "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,"
            "Distance,Activity Gear,Filename\n"
            '9,"Nov 20, 2026, 7:31:00 AM",Tempo,Run,3000,10.0,Blue,\n',
        )
    watch = tmp_path / "GARMIN"
    watch.mkdir()
    fit.rename(watch / "watch.fit")
    first = import_runs(export, None)
    second = import_runs(watch, None)
    assert (first.added, second.added, second.merged) == (1, 0, 1)
    with open_diary() as d:
        (entry,) = d.entries()
        assert entry.shoes == "Blue" and entry.distance_km == 10.0
    again = [import_runs(p, None) for p in (export, watch)]
    assert [(r.added, r.merged) for r in again] == [(0, 0), (0, 0)]


def test_a_reimport_passes_over_files_without_parsing_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files imported before (same content) are recognised by their hash and not
    parsed again; a changed file is read."""
    from kneecheck import importers
    from kneecheck.actions.diary import import_runs

    make_fit(tmp_path / "a.fit")
    make_fit(tmp_path / "b.fit", km=7.0, minutes=3)
    first = import_runs(tmp_path, None)
    assert (first.added, first.known_files) == (2, 0)
    calls: list[str] = []
    real = importers.READERS[".fit"]
    monkeypatch.setitem(
        importers.READERS,
        ".fit",
        real._replace(read=lambda p, u: calls.append(p.name) or real.read(p, u)),
    )
    again = import_runs(tmp_path, None)
    assert (again.added, again.known_files, calls) == (0, 2, [])
    make_fit(tmp_path / "c.fit", km=3.0)
    third = import_runs(tmp_path, None)
    assert (third.added, third.known_files, calls) == (1, 2, ["c.fit"])


def test_import_json_document(tmp_path: Path) -> None:
    from helpers import run_kneecheck

    make_fit(tmp_path / "a.fit")
    (tmp_path / "b.fit").write_bytes(b"broken")
    done = run_kneecheck("import", str(tmp_path), "--json")
    import json

    doc = json.loads(done.stdout)
    assert (doc["kind"], doc["added"]) == ("import", 1)
    assert doc["unreadable"][0]["where"] == "b.fit"
    assert done.stderr == ""  # the warnings are in the document


def test_progress_waits_a_second_and_stays_off_when_disabled() -> None:
    from kneecheck.render import import_progress

    with import_progress(enabled=False) as progress:
        assert progress is None
    with import_progress(enabled=True, plain=True, after=0.0) as progress:
        assert progress is not None
        for done in range(1, 4):
            progress(done, 3, done)
