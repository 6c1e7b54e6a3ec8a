"""The SQLite diary: migrations, safety of the file, transactions, concurrency."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from helpers import days_ago, kneecheck_env

from kneecheck.diary import (
    APP_ID,
    MIGRATIONS,
    DiaryError,
    EntryError,
    NewEntry,
    diary_path,
    open_diary,
)


def test_new_diary_is_marked_and_migrated() -> None:
    """A new diary carries the kneecheck id and the latest schema version."""
    open_diary().close()
    conn = sqlite3.connect(diary_path())
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APP_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    tables = {
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    assert {"entries", "shoes", "assessments", "settings"} <= tables


def test_a_new_diary_home_is_private() -> None:
    """The folder a new diary creates holds health data: the runner's alone."""
    assert not diary_path().parent.exists()
    open_diary().close()
    assert oct(diary_path().parent.stat().st_mode & 0o777) == "0o700"


def test_reopening_changes_nothing() -> None:
    """Opening twice keeps the data and applies no migration again."""
    with open_diary() as d:
        d.add_entries([NewEntry(days_ago(0), distance_km=5)])
    with open_diary() as d:
        assert len(d.entries()) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not a database at all, just text" * 100, "damaged or not a SQLite"),
        (b"", None),  # an empty file is a new diary
    ],
)
def test_damaged_file_is_left_untouched(content: bytes, message: str | None) -> None:
    """A file that is not SQLite: a clear error, and the bytes are not changed."""
    path = diary_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    if message is None:
        open_diary().close()
        return
    with pytest.raises(DiaryError, match=message) as info:
        open_diary()
    assert "left untouched" in info.value.message
    assert path.read_bytes() == content


def test_foreign_database_is_refused() -> None:
    """Another program's SQLite file is not taken over."""
    path = diary_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DiaryError, match="not a kneecheck diary"):
        open_diary()
    assert path.read_bytes() == before


def test_a_version_1_diary_is_migrated_with_its_entries() -> None:
    """A diary from kneecheck 0.1 (one migration) gains the start-time column
    and the merged-keys table, and its entries keys of their own; they stay
    as they were."""
    from kneecheck.diary import APP_ID

    diary_path().parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(diary_path())
    conn.executescript(MIGRATIONS[0])
    conn.execute(
        "INSERT INTO entries (date, kind, distance_km, source, created_at) "
        "VALUES ('2026-11-01', 'run', 8.5, 'manual', '2026-11-01T08:00:00')"
    )
    conn.execute("PRAGMA user_version = 1")
    conn.execute(f"PRAGMA application_id = {APP_ID}")
    conn.commit()
    conn.close()
    with open_diary() as d:
        (entry,) = d.entries()
        assert (entry.date, entry.distance_km) == (date(2026, 11, 1), 8.5)
    conn = sqlite3.connect(diary_path())
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 3
    columns = {r[1] for r in conn.execute("PRAGMA table_info(entries)")}
    assert "started_at" in columns
    assert conn.execute("SELECT COUNT(*) FROM merged_keys").fetchone()[0] == 0
    (key,) = conn.execute("SELECT source_key FROM entries").fetchone()
    assert re.fullmatch("entry:[0-9a-f]{32}", key)
    conn.close()


def test_newer_diary_is_refused() -> None:
    """A diary from a newer kneecheck is refused and left alone."""
    open_diary().close()
    conn = sqlite3.connect(diary_path())
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.commit()
    conn.close()
    before = diary_path().read_bytes()
    with pytest.raises(DiaryError, match="newer kneecheck"):
        open_diary()
    assert diary_path().read_bytes() == before


def test_no_diary_when_not_creating() -> None:
    """Reading commands do not create a diary."""
    with pytest.raises(DiaryError, match="no diary yet"):
        open_diary(create=False)
    assert not diary_path().exists()


@pytest.mark.parametrize(
    ("ago", "fields", "message"),
    [
        (0, {}, "a run needs a distance"),
        (0, {"distance_km": -1}, "the distance -1 km is out of range"),
        (-1, {"distance_km": 5}, "in the future"),
        (0, {"distance_km": 5, "pain_during": 11}, "pain during is 11"),
        (0, {"distance_km": 5, "next_morning": -1}, "next-morning pain is -1"),
        (0, {"kind": "rest", "distance_km": 5}, "a rest day has no distance"),
        (0, {"distance_km": 5, "shoes": "Nope"}, "no shoes called 'Nope'"),
    ],
)
def test_bad_entries_write_nothing(ago: int, fields: dict, message: str) -> None:
    """Bad values are refused before anything is written, batch included. (The
    entry is built when the test runs, so "tomorrow" is still in the future.)"""
    entry = NewEntry(days_ago(ago), **fields)
    with open_diary() as d:
        with pytest.raises(EntryError, match=message):
            d.add_entries([NewEntry(days_ago(0), distance_km=3), entry])
        assert d.entries() == []


def test_import_keys_are_added_once() -> None:
    """Entries with a source key are added once, however often they come."""
    batch = [NewEntry(days_ago(0), distance_km=5, source="gpx", source_key="gpx:abc")]
    with open_diary() as d:
        assert d.add_entries(batch) == (1, 0, 0)
        assert d.add_entries(batch) == (0, 1, 0)
        assert len(d.entries()) == 1


def test_shoes_totals_default_and_retire() -> None:
    """Shoe distance = starting distance + runs; first pair is default; retire."""
    with open_diary() as d:
        blue = d.add_shoe("Blue", start_km=100)
        assert blue.default
        d.add_shoe("Red")
        d.add_entries(
            [
                NewEntry(days_ago(0), distance_km=10, shoes="blue"),
                NewEntry(days_ago(0), distance_km=5, shoes="Red"),
                NewEntry(days_ago(0), kind="rest"),
            ]
        )
        totals = {s.name: s.distance_km for s in d.shoes()}
        assert totals == {"Blue": 110, "Red": 5}
        assert d.set_default_shoe("Red").default
        assert not d.shoe("Blue").default
        retired = d.retire_shoe("Red")
        assert retired.retired and not retired.default
        with pytest.raises(EntryError, match="already a pair called"):
            d.add_shoe("blue")
        with pytest.raises(EntryError, match="is retired"):
            d.set_default_shoe("Red")


def test_imports_create_unknown_shoes() -> None:
    """Gear named by an import becomes a pair of shoes."""
    with open_diary() as d:
        d.add_entries(
            [NewEntry(days_ago(0), distance_km=5, shoes="Trail pair")],
            create_shoes=True,
        )
        assert d.shoe("trail pair").distance_km == 5


def test_morning_check_goes_to_the_latest_run() -> None:
    """--morning updates the latest run, not a rest day."""
    with open_diary() as d:
        with pytest.raises(EntryError, match="no run in the diary"):
            d.set_next_morning(0)
        d.add_entries(
            [
                NewEntry(days_ago(2), distance_km=5),
                NewEntry(days_ago(1), distance_km=7),
                NewEntry(days_ago(0), kind="rest"),
            ]
        )
        entry = d.set_next_morning(3)
        assert (entry.distance_km, entry.next_morning, entry.settled) == (7, 3, False)


WRITER = """
import sys
from datetime import date
from kneecheck.diary import NewEntry, open_diary
for i in range(int(sys.argv[1])):
    with open_diary() as d:
        d.add_entries([NewEntry(date.today(), distance_km=1 + i / 100,
                                note=sys.argv[2])])
"""


@pytest.mark.timeout(120)
def test_two_processes_writing_lose_nothing() -> None:
    """Two kneecheck processes writing at once: every entry arrives."""
    open_diary().close()
    env = kneecheck_env()
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, "40", tag], env=env)
        for tag in ("a", "b")
    ]
    assert [p.wait(timeout=100) for p in procs] == [0, 0]
    with open_diary() as d:
        notes = [e.note for e in d.entries()]
    assert notes.count("a") == 40 and notes.count("b") == 40


KILLED = """
import os, signal
from datetime import date
from kneecheck.diary import NewEntry, open_diary
d = open_diary()
batch = [NewEntry(date.today(), distance_km=1, source_key=f"k{i}") for i in range(5000)]
real = d.conn.execute
count = 0
def execute(sql, *args):
    global count
    count += 1
    if count == 2500:  # half-way through the import: die without warning
        os.kill(os.getpid(), signal.SIGKILL)
    return real(sql, *args)
class Proxy:
    def __getattr__(self, name):
        return execute if name == "execute" else getattr(d.conn, name)
d.conn = Proxy()
d.add_entries(batch)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_mid_import_holds_all_or_nothing() -> None:
    """A process killed half-way through an import leaves a diary that opens and
    holds none of the import."""
    with open_diary() as d:
        d.add_entries([NewEntry(days_ago(0), distance_km=9)])
    done = subprocess.run(
        [sys.executable, "-c", KILLED], env=kneecheck_env(), timeout=60
    )
    assert done.returncode == -9
    with open_diary() as d:
        assert [e.distance_km for e in d.entries()] == [9]


def test_paths_follow_kneecheck_home(tmp_path: Path, monkeypatch) -> None:
    """KNEECHECK_HOME decides where the diary lives."""
    monkeypatch.setenv("KNEECHECK_HOME", str(tmp_path / "elsewhere"))
    assert diary_path() == tmp_path / "elsewhere" / "diary.sqlite3"


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.timeout(180)
@pytest.mark.parametrize("delay", [0.3, 0.6, 0.9, 1.2])
def test_real_import_killed_at_any_moment(tmp_path: Path, delay: float) -> None:
    """`kneecheck import` of a large export, killed without warning: the diary
    opens afterwards and holds all of the import or none of it."""
    import signal
    import time

    rows = 20000
    lines = [
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,"
        "Distance,Moving Time,Distance,Activity Gear"
    ]
    first = datetime(2020, 1, 1, 7, 15, 32)
    lines += [  # one run every 3 hours: distinct runs, never merged as duplicates
        f'{i},"{(first + timedelta(hours=3 * i)).strftime("%b %d, %Y, %I:%M:%S %p")}",'
        f"Run {i},Run,1800,5.0,1700,5000.0,Blue"
        for i in range(rows)
    ]
    big = tmp_path / "activities.csv"
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open_diary() as d:
        d.add_entries([NewEntry(days_ago(0), distance_km=9)])
    proc = subprocess.Popen(
        [sys.executable, "-m", "kneecheck", "import", str(big)],
        env=kneecheck_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    with open_diary() as d:
        count = len(d.entries())
    assert count in (1, 1 + rows)
