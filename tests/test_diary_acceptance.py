"""The acceptance check of issue 13 (qa13): a full disk is never damage, every
writer refuses a damaged diary as readers do, a bad backup blames the backup,
nothing is silently left out, and Ctrl-D at a question is a cancel."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import D, app, command_paths, days_ago
from test_diary_trust import ok, raw_sql, run_unprivileged

from kneecheck.diary import NewEntry, diary_path, open_diary


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs of our own (root only): a disk that can really fill up."""
    where = tmp_path / "disk"
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(disk: Path) -> None:
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)


# ---- QA 1: a full disk is "no space left on device", never damage


def test_a_full_disk_is_never_called_damaged(runner, small_disk, monkeypatch):
    """On a full disk reads work, and every write (and a new diary) exits 5
    saying there is no space; nothing says damaged."""
    monkeypatch.setenv("KNEECHECK_HOME", str(small_disk / "home"))
    with open_diary() as diary:
        diary.add_entries([NewEntry(days_ago(n), distance_km=5.0) for n in range(30)])
    _fill(small_disk)
    for command in (["history"], ["entries"], ["export"], ["report"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, (command, result.output)
    assert len(json.loads(ok(runner, "export"))["entries"]) == 30
    for command in (
        ["log", "--distance", "3"],
        ["entries", "delete", "1", "--yes"],
        ["shoes", "add", "Blue"],
    ):
        result = runner.invoke(app, command)
        assert result.exit_code == 5, (command, result.output)
        assert "no space left on device" in result.stderr
        assert "damaged" not in result.stderr
    result = runner.invoke(app, ["assess", "--answers", "-", "--json"], input="{}")
    assert result.exit_code == 0, result.output
    assert "damaged" not in result.stderr and "no space left" in result.stderr
    monkeypatch.setenv("KNEECHECK_HOME", str(small_disk / "new-home"))
    result = runner.invoke(app, ["shoes", "add", "Blue"])
    assert result.exit_code == 5, result.output
    assert "no space left on device" in result.stderr


def test_a_diary_of_its_first_page_alone_reads_as_empty(runner) -> None:
    """A first write cut short after SQLite wrote page 1 (the switch to WAL
    mode) leaves a one-page file at version 0: an empty diary, never damage."""
    diary_path().parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(diary_path())
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    assert diary_path().stat().st_size == 4096
    for command in (["history"], ["entries"], ["export"], ["report"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, (command, result.output)
    assert "Logged" in ok(runner, "log", "--distance", "5")


def test_a_nearly_full_disk_never_leaves_a_diary_called_damaged(small_disk):
    """With a few pages free a first write gets part of the way (page 1, the
    first tables), then fails: exit 5, and whatever is left reads as an empty
    diary; nothing is ever called damaged."""
    from helpers import kneecheck_env, run_kneecheck

    home = small_disk / "home"
    env = {**kneecheck_env(), "KNEECHECK_HOME": str(home)}
    run_kneecheck("history", env=env)  # the catalogue cache takes its space first
    for kb in (24, 40, 64, 80, 88, 96, 104):
        for left in home.glob("diary*"):
            left.unlink()
        (small_disk / "filler").unlink(missing_ok=True)
        disk = os.statvfs(small_disk)
        (small_disk / "filler").write_bytes(
            bytes(disk.f_bavail * disk.f_frsize - kb * 1024)
        )
        done = run_kneecheck("log", "--distance", "5", env=env)
        assert done.returncode in (0, 5), (kb, done.stderr)
        for command in ("history", "entries", "export"):
            done = run_kneecheck(command, env=env)
            assert done.returncode == 0, (kb, command, done.stderr)


def test_a_write_that_fills_the_disk_says_so_not_cannot_rollback(runner) -> None:
    """SQLite rolls a transaction back itself when the disk fills; a second
    ROLLBACK then failed with "no transaction is active", which hid the full
    disk and was reported as damage. The real failure now comes through."""
    from kneecheck.diary import DiaryUnwritable, diary_failure

    with open_diary() as diary:
        pages = diary.conn.execute("PRAGMA page_count").fetchone()[0]
        diary.conn.execute(f"PRAGMA max_page_count = {pages}")  # a full disk
        with pytest.raises(sqlite3.OperationalError) as caught:
            diary.add_entries([NewEntry(days_ago(0), distance_km=5.0, note="x" * 9000)])
        assert "full" in str(caught.value)
        failure = diary_failure(caught.value, diary.path)
        assert isinstance(failure, DiaryUnwritable)
        assert "no space left on device" in str(failure)
    assert "Logged" in ok(runner, "log", "--distance", "5")  # and nothing broke


def test_every_writable_open_puts_the_diary_in_wal_mode(runner) -> None:
    """A diary left in rollback-journal mode (a first write cut short by a full
    disk) is put back in write-ahead-log mode by the next writer."""
    ok(runner, "log", "--distance", "5")
    raw_sql("PRAGMA journal_mode = DELETE")
    ok(runner, "log", "--distance", "6")
    with sqlite3.connect(diary_path()) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_forget_frees_a_full_disk(runner, small_disk, monkeypatch):
    """Deleting the diary is how a runner may free space: forget works on a
    full disk (it only reads the file to know it is ours)."""
    monkeypatch.setenv("KNEECHECK_HOME", str(small_disk / "home"))
    ok(runner, "log", "--distance", "5")
    _fill(small_disk)
    assert "Deleted" in ok(runner, "forget", "--yes")
    assert not diary_path().exists()


def test_a_full_disk_leaves_no_file_behind(runner, small_disk, monkeypatch):
    """A first write, or an --output, that meets a full disk exits 5 saying
    so and leaves no empty diary (which every later command would call
    damaged) and no partial or temporary output file."""
    monkeypatch.setenv("KNEECHECK_HOME", str(small_disk / "home"))
    _fill(small_disk)
    for command in (
        ["shoes", "add", "Blue"],
        ["log", "--distance", "3"],
        ["config", "units", "mi"],
        ["export", "--output", str(small_disk / "backup.json")],
        ["report", "--output", str(small_disk / "report.md")],
    ):
        result = runner.invoke(app, command)
        assert result.exit_code == 5, (command, result.output)
        assert "no space left on device" in result.stderr
        assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "home"]
        assert [p for p in (small_disk / "home").rglob("*") if p.is_file()] == []
    for command in (["history"], ["entries"], ["export"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, (command, result.output)


def test_an_empty_diary_file_reads_as_an_empty_diary(runner):
    """A 0-byte diary (left by a crash before its first write) is an empty
    diary: readers show nothing and leave it as it is, never call it damaged
    (not even where it cannot be written); the first write makes it a diary."""
    diary_path().parent.mkdir(parents=True)
    diary_path().write_bytes(b"")
    diary_path().parent.chmod(0o500)
    try:
        done = run_unprivileged("entries")
    finally:
        diary_path().parent.chmod(0o700)
    assert done.returncode == 0, done.stderr
    assert "No entries yet" in done.stdout
    assert "No entries yet" in ok(runner, "entries")
    assert json.loads(ok(runner, "export"))["entries"] == []
    assert json.loads(ok(runner, "history", "--json"))["entries"] == []
    assert "Distances are in kilometres" in ok(runner, "config", "units")
    assert diary_path().read_bytes() == b""
    ok(runner, "log", "--date", D[1], "--distance", "5")
    assert len(json.loads(ok(runner, "entries", "--json"))["entries"]) == 1


# ---- QA 6: committed runs in the -wal of a read-only folder are never dropped


def test_runs_still_in_the_wal_are_never_silently_left_out(runner, tmp_path):
    """A diary whose -wal holds a committed run, no -shm, in a read-only
    folder: readers refuse with exit 5 and one line, never list fewer runs."""
    ok(runner, "log", "--date", D[2], "--distance", "5")
    holder = sqlite3.connect(diary_path())  # keeps the -wal from being merged
    try:
        holder.execute("SELECT 1 FROM entries").fetchall()
        ok(runner, "log", "--date", D[1], "--distance", "6")
        folder = tmp_path / "ro"
        folder.mkdir()
        for suffix in ("", "-wal"):
            shutil.copy(f"{diary_path()}{suffix}", folder / f"diary.sqlite3{suffix}")
    finally:
        holder.close()
    folder.chmod(0o500)
    try:
        for command in (["history", "--json"], ["entries"], ["export"]):
            done = run_unprivileged(*command, home=folder)
            assert done.returncode == 5, (command, done.stdout, done.stderr)
            assert "diary.sqlite3-wal" in done.stderr
            assert len(done.stderr.strip().splitlines()) == 1
    finally:
        folder.chmod(0o700)


# ---- QA 2 and 4: every writer refuses a damaged diary, as readers do


def _corrupt_entries_page() -> None:
    """Overwrite the middle of the page holding the entries' rows."""
    with sqlite3.connect(diary_path()) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'entries'"
        ).fetchone()[0]
    db.close()
    data = bytearray(diary_path().read_bytes())
    start = (page - 1) * 4096 + 1500
    data[start : start + 1000] = b"\x55" * 1000
    diary_path().write_bytes(bytes(data))


STRUCTURE = {
    "corrupt entries page": _corrupt_entries_page,
    "dropped assessments": lambda: raw_sql("DROP TABLE assessments"),
    "dropped settings": lambda: raw_sql("DROP TABLE settings"),
    "wrong-typed distance": lambda: raw_sql(
        "UPDATE entries SET distance_km = 'abc' WHERE id = 2"
    ),
}


@pytest.mark.parametrize("damage", STRUCTURE)
def test_every_writer_refuses_a_damaged_diary(runner, tmp_path, damage):
    """log, import, entries edit and delete of a sound entry, shoes add: all
    exit 4 with one line, and the file is left exactly as it was."""
    for n in range(1, 30):  # enough rows for the entries to have pages of their own
        ok(runner, "log", "--date", D[n], "--distance", "5", "--add-anyway")
    gpx = tmp_path / "ok.gpx"
    gpx.write_text(
        '<?xml version="1.0"?><gpx version="1.1" creator="t" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><type>running</type><trkseg>'
        f'<trkpt lat="52.0" lon="4.0"><time>{D[0]}T07:00:00Z</time></trkpt>'
        f'<trkpt lat="52.01" lon="4.0"><time>{D[0]}T07:06:00Z</time></trkpt>'
        "</trkseg></trk></gpx>",
        encoding="utf-8",
    )
    STRUCTURE[damage]()
    before = diary_path().read_bytes()
    for command in (
        ["log", "--distance", "3"],
        ["import", str(gpx)],
        ["entries", "edit", "3", "--distance", "4"],
        ["shoes", "add", "Blue"],
        ["history"],
    ):
        result = runner.invoke(app, command)
        assert result.exit_code == 4, (command, result.output)
        assert "is damaged" in result.stderr and "internal error" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    result = runner.invoke(app, ["entries", "delete", "3", "--yes"])
    assert result.exit_code == 4, result.output  # entry 2 is the damaged one
    assert diary_path().read_bytes() == before


def test_a_damaged_entry_can_be_backed_up_around_and_deleted(runner, tmp_path):
    """The message's advice works: export backs up the rest and names the
    entry it left out; `entries delete ID` removes it; then all is well."""
    _three_runs(runner)
    raw_sql("UPDATE entries SET distance_km = 'abc' WHERE id = 2")
    result = runner.invoke(app, ["log", "--distance", "3"])
    assert result.exit_code == 4, result.output
    assert "entry 2 has distance_km 'abc'" in result.stderr
    assert "kneecheck entries delete 2" in result.stderr
    backup = tmp_path / "kneecheck-backup.json"
    result = runner.invoke(app, ["export", "--output", str(backup)])
    assert result.exit_code == 0, result.output
    assert "left out of the export (damaged): entry 2 (distance_km 'abc')" in (
        result.stderr
    )
    assert [e["id"] for e in json.loads(backup.read_text("utf-8"))["entries"]] == [1, 3]
    ok(runner, "entries", "delete", "2", "--yes")
    ok(runner, "log", "--distance", "3")
    assert len(json.loads(ok(runner, "entries", "--json"))["entries"]) == 3


def test_a_damaged_cell_can_be_mended_with_entries_edit(runner):
    """Giving the damaged cell a new value mends it; changing another cell of
    that entry is still refused, naming the damage."""
    _three_runs(runner)
    raw_sql("UPDATE entries SET distance_km = 'abc' WHERE id = 2")
    result = runner.invoke(app, ["entries", "edit", "2", "--pain-after", "1"])
    assert result.exit_code == 4, result.output
    assert "entry 2 has distance_km 'abc'" in result.stderr
    assert "`kneecheck entries edit 2 --distance ...` mends it" in result.stderr
    ok(runner, "entries", "edit", "2", "--distance", "4")
    entries = json.loads(ok(runner, "entries", "--json"))["entries"]
    assert [e["distance_km"] for e in entries] == [5.0, 4.0, 5.0]


def _three_runs(runner) -> None:
    for n in (3, 2, 1):
        ok(runner, "log", "--date", D[n], "--distance", "5")


# ---- QA 5: an unreadable assessment is named, never silently dropped


@pytest.mark.parametrize("result", ["{bad json", "{}", "[]"])
def test_an_unreadable_assessment_is_named(runner, tmp_path, result):
    """history and report exit 4 naming it; export backs up the rest and names
    it; nothing exits 0 with the assessment silently missing."""
    _three_runs(runner)
    ok(runner, "assess", "--answers", "-", input="{}")
    ok(runner, "assess", "--answers", "-", input="{}")
    raw_sql("UPDATE assessments SET result = ? WHERE id = 1", result)
    for command in (["history", "--json"], ["report"], ["log", "--distance", "3"]):
        done = runner.invoke(app, command)
        assert done.exit_code == 4, (command, done.output)
        assert "assessment 1 is not readable" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    done = runner.invoke(app, ["export", "--output", str(tmp_path / "b.json")])
    assert done.exit_code == 0, done.output
    assert "left out of the export (damaged): assessment 1" in done.stderr
    saved = json.loads((tmp_path / "b.json").read_text("utf-8"))["assessments"]
    assert [a["id"] for a in saved] == [2]


# ---- QA 3: a bad backup blames the backup, never the diary


@pytest.mark.parametrize("start", ["NaN", "-5", "1e12"])
def test_a_bad_shoe_in_a_backup_names_the_backup(runner, tmp_path, start):
    """A shoe's start_km is checked with the limits of `shoes add`: exit 2
    naming the backup file and the shoe; the diary is not blamed or changed."""
    _three_runs(runner)
    path = tmp_path / "bad_shoe.json"
    path.write_text(
        '{"kind": "backup", "shoes": [{"name": "Red", "start_km": ' + start + "}]}",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 2, result.output
    assert "bad_shoe.json shoes 'Red': the starting distance" in result.stderr
    assert "out of range (0 to 10000 km)" in result.stderr
    assert "damaged" not in result.stderr
    assert json.loads(ok(runner, "export"))["shoes"] == []


# ---- QA 7: a restore never adds a run the diary already holds


def test_a_restore_never_adds_a_run_the_diary_holds(runner, tmp_path, monkeypatch):
    """Restore, edit a restored run, restore again: nothing added (same day,
    distance within 3 %: the rule `log` asks about). Two runs of one day in
    the backup still both restore into an empty diary."""
    ok(runner, "log", "--date", D[2], "--distance", "5")
    ok(runner, "log", "--date", D[2], "--distance", "5", "--add-anyway")
    ok(runner, "log", "--date", D[1], "--distance", "8")
    backup = tmp_path / "b1.json"
    ok(runner, "export", "--output", str(backup))
    monkeypatch.setenv("KNEECHECK_HOME", str(tmp_path / "new-home"))
    assert "Restored 3 entries" in ok(runner, "import", str(backup))
    ok(runner, "entries", "edit", "3", "--pain-after", "4")
    again = ok(runner, "import", str(backup))
    assert "Restored 0 entries" in again and "3 already in the diary" in again
    entries = json.loads(ok(runner, "entries", "--json"))["entries"]
    assert len(entries) == 3 and entries[-1]["pain_after"] == 4


BACKUP_ENTRY_KEYS = {
    "id", "date", "kind", "distance_km", "duration_min", "pain_during",
    "pain_after", "next_morning", "settled", "shoes", "note", "source",
    "source_key", "started_at", "merged_keys",
}  # fmt: skip


def _edit_every_entry(runner) -> None:
    """Edits past what looks alike: another distance, another day, a note."""
    ids = [e["id"] for e in json.loads(ok(runner, "entries", "--json"))["entries"]]
    ok(runner, "entries", "edit", str(ids[0]), "--distance", "10")
    ok(runner, "entries", "edit", str(ids[1]), "--date", D[9])
    ok(runner, "entries", "edit", str(ids[2]), "--note", "hills")


def test_a_backup_imported_again_after_edits_adds_nothing(
    runner, tmp_path, monkeypatch
):
    """Export, edit every entry (distance, day, note), import the backup: no
    entry is added twice, into the diary that wrote it or into one restored
    from it; an entry deleted since comes back. The backup's entries have the
    fields they always had."""
    ok(runner, "log", "--date", D[3], "--distance", "5")
    ok(runner, "log", "--date", D[2], "--distance", "8")
    ok(runner, "log", "--date", D[1], "--rest")
    backup = tmp_path / "kneecheck-backup.json"
    ok(runner, "export", "--output", str(backup))
    assert all(
        set(e) == BACKUP_ENTRY_KEYS
        for e in json.loads(backup.read_text("utf-8"))["entries"]
    )
    monkeypatch.setenv("KNEECHECK_HOME", str(tmp_path / "restored"))
    ok(runner, "import", str(backup))
    for home in ("home", "restored"):
        monkeypatch.setenv("KNEECHECK_HOME", str(tmp_path / home))
        _edit_every_entry(runner)
        again = ok(runner, "import", str(backup))
        assert "Restored 0 entries" in again and "3 already in the diary" in again
        entries = json.loads(ok(runner, "entries", "--json"))["entries"]
        assert [e["distance_km"] for e in entries] == [8.0, 10.0, None], home
        ok(runner, "entries", "delete", str(entries[0]["id"]), "--yes")
        assert "Restored 1 entry" in ok(runner, "import", str(backup))


# ---- QA 10: `entries` never cuts an id or a date


@pytest.mark.parametrize("columns", ["80", "50"])
def test_entries_never_cut_ids_or_dates(runner, monkeypatch, columns):
    """Piped at 80 columns or fewer, every id and date is shown whole; a long
    shoe name and note give way instead (wrapped, never cut)."""
    ok(runner, "shoes", "add", "A very long name for a pair of trail shoes")
    for n in (3, 2, 1):
        note = "a rather long note about how the run went today"
        ok(runner, "log", "--date", D[n], "--distance", "12.5", "--note", note)
    monkeypatch.setenv("COLUMNS", columns)
    text = ok(runner, "entries")
    for n, entry_id in ((3, 1), (2, 2), (1, 3)):
        assert any(
            line.split()[:2] == [str(entry_id), D[n]] for line in text.splitlines()
        ), text
    assert "12.5 km" in text and "…" not in text


def test_entries_and_history_are_readable_at_80_columns(runner, monkeypatch):
    """At 80 columns no line is wider, no id or date is cut, and a long shoe
    name and note are wrapped whole, never cut short: every word is there."""
    from rich.cells import cell_len

    shoes = "A very long name for a pair of trail shoes"
    note = "a rather long note about how the run went today on the hills"
    ok(runner, "shoes", "add", shoes)
    for n in (3, 2, 1):
        ok(runner, "log", "--date", D[n], "--distance", "12.5", "--pain-during",
           "2", "--next-morning", "settled", "--note", note)  # fmt: skip
    raw_sql("UPDATE entries SET id = 12345 WHERE id = 3")
    monkeypatch.setenv("COLUMNS", "80")
    for command in (["entries"], ["history", "--weeks", "2"]):
        text = ok(runner, *command)
        assert max(cell_len(line) for line in text.splitlines()) <= 80, text
        lines = [line.split() for line in text.splitlines()]
        for n, entry_id in ((3, "1"), (2, "2"), (1, "12345")):
            row = [entry_id, D[n]] if command == ["entries"] else [D[n], "12.5"]
            assert row in [words[:2] for words in lines], text
        words = text.split()
        assert "…" not in text and {"shoes", "note"} <= set(words), text
        for word in (shoes + " " + note).split():
            assert word in words, (word, text)


def test_a_long_shoe_name_without_spaces_is_folded_not_cut(runner, monkeypatch):
    """history's Shoes table and `shoes list` at 80 columns: a name with no
    space to wrap at is folded over lines, never cut to 'Asics-Gel…'."""
    name = "Asics-Gel-Nimbus-25-Supercalifragilisticexpialidocious-NoSpacesAtAll"
    ok(runner, "shoes", "add", name)
    ok(runner, "log", "--date", D[1], "--distance", "5", "--shoes", name)
    monkeypatch.setenv("COLUMNS", "80")
    for command in (["history"], ["shoes", "list"]):
        text = ok(runner, *command)
        assert "…" not in text, text
        table = re.split(r"─ *\n", text[text.index("Shoes") :], maxsplit=1)[1]
        cells = [re.split(r"\s{2,}", line.strip())[0] for line in table.splitlines()]
        assert name in "".join(cells), text


# ---- QA 9: --output that cannot be written is exit 5, as the README says


def test_an_output_that_cannot_be_written_is_exit_5(runner, tmp_path):
    """A read-only folder or file: exit 5 saying read-only; the file is kept."""
    ok(runner, "log", "--date", D[1], "--distance", "5")
    kept = tmp_path / "kept.md"
    kept.write_text("mine", encoding="utf-8")
    kept.chmod(0o400)
    for target in (kept, Path("/proc/version")):
        result = runner.invoke(app, ["report", "--output", str(target)])
        assert result.exit_code == 5, (target, result.output)
        assert "read-only" in result.stderr
        assert "No such file" not in result.stderr
    assert kept.read_text(encoding="utf-8") == "mine"
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    done = run_unprivileged("report", "--output", str(folder / "r.md"))
    assert done.returncode == 5, done.stderr
    assert "read-only" in done.stderr


# ---- QA 11: a wild shoe distance is left out with a warning, like weekly_km


def test_a_wild_shoe_distance_is_left_out_not_clamped(runner):
    """A pair at 50,000 km: assess leaves shoe_km out and says why, exactly as
    it does for a weekly distance over its range; never a silent 20000."""
    ok(runner, "shoes", "add", "Blue")
    ok(runner, "log", "--date", D[1], "--distance", "10")
    raw_sql("UPDATE shoes SET start_km = 50000")
    result = runner.invoke(app, ["assess", "--answers", "-", "--json"], input="{}")
    assert result.exit_code == 0, result.output
    assert "left out of the assessment: 'shoe_km' is 50010" in result.stderr
    doc = json.loads(result.stdout)
    assert "shoe_km" not in doc.get("from_diary", {})
    assert "shoe_km" not in doc["answers"]


# ---- minor: a refused distance is named in the runner's units


def test_a_refused_distance_is_named_in_miles(runner):
    """A runner who chose miles reads the limit in miles."""
    ok(runner, "config", "units", "mi")
    result = runner.invoke(app, ["log", "--distance", "300"])
    assert result.exit_code == 2, result.output
    assert "the distance 300 mi is out of range (at most 217 mi)" in result.stderr
    result = runner.invoke(app, ["shoes", "add", "Blue", "--start-distance", "9000"])
    assert result.exit_code == 2, result.output
    assert "(0 to 6214 mi)" in result.stderr


# ---- minor: entries edit's help and --rest


def test_edit_to_a_rest_day_keeps_nothing_of_the_run(runner):
    """edit's help promises no defaults; --rest drops the run's duration and
    pain during; a rest day with pain during a run is refused."""
    text = ok(runner, "entries", "edit", "--help")
    assert "default: today" not in text and "default pair" not in text
    ok(runner, "log", "--date", D[1], "--distance", "5", "--duration", "30",
       "--pain-during", "3", "--pain-after", "2")  # fmt: skip
    ok(runner, "entries", "edit", "1", "--rest")
    (entry,) = json.loads(ok(runner, "entries", "--json"))["entries"]
    assert entry["kind"] == "rest" and entry["distance_km"] is None
    assert entry["duration_min"] is None and entry["pain_during"] is None
    assert entry["pain_after"] == 2
    for args in (
        ["entries", "edit", "1", "--pain-during", "2"],
        ["log", "--rest", "--pain-during", "2"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "a rest day has no duration" in result.stderr


# ---- minor: metavars are plain words everywhere


def test_no_braces_or_angle_brackets_in_any_help(runner):
    """`{name}`, `{ID...}`, `<csv|json>` read as NAME, ID..., csv|json."""
    import re

    for path in command_paths():
        text = ok(runner, *path, "--help")
        assert not re.findall(r"\{[^}\s]*\}|<[^>\s]*>", text), (path, text)
    assert "kneecheck shoes add [OPTIONS] NAME" in ok(runner, "shoes", "add", "--help")
    assert "--format csv|json" in ok(runner, "export", "--help")
    assert "ID..." in ok(runner, "entries", "delete", "--help")


# ---- minor: assess waits for a locked diary once, not twice


def test_assess_waits_for_a_locked_diary_once(runner, monkeypatch):
    """A diary another process holds exclusively: assess answers after one
    wait, with both warnings (not used, not saved)."""
    import kneecheck.diary

    ok(runner, "log", "--date", D[1], "--distance", "5")
    monkeypatch.setattr(kneecheck.diary, "LOCK_WAIT_SECONDS", 0.2)
    waits = []
    failure = kneecheck.diary.diary_failure

    def counted(exc, path):
        found = failure(exc, path)
        if "in use by another process" in str(found):
            waits.append(path)
        return found

    monkeypatch.setattr(kneecheck.diary, "diary_failure", counted)
    holder = sqlite3.connect(diary_path(), isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO settings VALUES ('x', 'y')")
    try:
        result = runner.invoke(app, ["assess", "--answers", "-", "--json"], input="{}")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 0, result.output
    assert "diary not used" in result.stderr and "assessment not saved" in result.stderr
    assert len(waits) == 1


# ---- minor: a CSV backup row of the wrong length is named, not restored


@pytest.mark.parametrize(
    ("row", "how"),
    [("1,DAY,run,5.0", "too few"), ("1,DAY,run,5,,,,,,,,manual,x", "too many")],
)
def test_a_csv_row_of_the_wrong_length_is_refused(runner, tmp_path, row, how):
    """A row cut short (or with cells to spare) is named, and nothing is added."""
    from kneecheck.backup import CSV_FIELDS

    path = tmp_path / "runs.csv"
    path.write_text(
        ",".join(CSV_FIELDS) + "\n" + row.replace("DAY", D[1]) + "\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 2, result.output
    assert f"runs.csv row 2: {how} columns" in result.stderr
    assert json.loads(ok(runner, "export"))["entries"] == []


def test_a_damaged_shoe_is_named_as_a_shoe_and_backed_up_around(runner, tmp_path):
    """A pair with a wrongly typed distance: named as that pair (never with
    advice to delete an entry of the same number); export backs up the rest."""
    ok(runner, "shoes", "add", "Blue")
    ok(runner, "shoes", "add", "Red")
    ok(runner, "log", "--date", D[1], "--distance", "5", "--shoes", "Red")
    raw_sql("UPDATE shoes SET start_km = 'far' WHERE name = 'Blue'")
    result = runner.invoke(app, ["shoes", "list"])
    assert result.exit_code == 4, result.output
    assert "shoes 1 have the distance 'far'" in result.stderr
    assert "entries delete" not in result.stderr
    backup = tmp_path / "kneecheck-backup.json"
    result = runner.invoke(app, ["export", "--output", str(backup)])
    assert result.exit_code == 0, result.output
    assert "left out of the export (damaged): shoes 1 (the distance 'far')" in (
        result.stderr
    )
    doc = json.loads(backup.read_text("utf-8"))
    assert [s["name"] for s in doc["shoes"]] == ["Red"]
    assert len(doc["entries"]) == 1


# ---- a wild or negative value is one line naming the option, numbers plain


@pytest.mark.parametrize(
    ("args", "option", "says"),
    [
        (["shoes", "add", "Blue", "--start-distance", "-5"], "--start-distance", "-5"),
        (["shoes", "add", "Blue", "--start-distance", "1e9"], "--start-distance",
         "1000000000 km"),
        (["log", "--distance", "-5"], "--distance", "-5 km"),
        (["log", "--distance", "1e9"], "--distance", "1000000000 km"),
        (["log", "--distance", "5", "--duration", "-1"], "--duration", "-1 min"),
        (["log", "--distance", "5", "--duration", "1e9"], "--duration", "1000000000"),
        (["log", "--distance", "5", "--pain-during", "11"], "--pain-during", "11"),
        (["log", "--distance", "5", "--pain-after", "-1"], "--pain-after", "-1"),
        (["entries", "edit", "1", "--distance", "-3"], "--distance", "-3 km"),
        (["entries", "edit", "1", "--duration", "-3"], "--duration", "-3 min"),
    ],
)  # fmt: skip
def test_a_wild_or_negative_value_names_its_option(runner, args, option, says):
    """One line naming the option and the value as typed, exit 2: never
    Typer's box of usage lines, never 1e+09; nothing is written."""
    ok(runner, "log", "--date", D[1], "--distance", "5")
    before = ok(runner, "export")
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"kneecheck: error: {option}: "), line
    assert says in line and "e+" not in line, line
    assert ok(runner, "export") == before


@pytest.mark.parametrize(
    "args",
    [
        ["shoes", "add", "Blue", "--start-distance", "-5"],
        ["shoes", "add", " "],
        ["log", "--distance", "-5"],
    ],
)
def test_a_refused_first_value_makes_no_diary(runner, args):
    """Exit 2 means nothing written: not even an empty diary on a fresh home."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert not diary_path().exists()


def test_numbers_are_plain_in_miles_and_in_assess(runner):
    """A runner in miles reads a refused distance in miles without an
    exponent; a huge distance an older kneecheck stored is named plainly
    when assess leaves it out."""
    ok(runner, "config", "units", "mi")
    result = runner.invoke(app, ["shoes", "add", "Red", "--start-distance", "1e9"])
    assert result.exit_code == 2, result.output
    assert "1000000000 mi is out of range (0 to 6214 mi)" in result.stderr
    ok(runner, "log", "--date", D[1], "--distance", "5")
    raw_sql("UPDATE entries SET distance_km = 1e9")
    result = runner.invoke(app, ["assess", "--answers", "-", "--json"], input="{}")
    assert result.exit_code == 0, result.output
    assert "'weekly_km' is 1000000000, out of range" in result.stderr
    assert "e+" not in result.stderr


RED = '"shoes": [{"name": "Red", "start_km": START}]'
ENTRY = '"entries": [{"id": 7, "date": "DAY", "kind": KIND}]'
BAD_BACKUPS = [
    (RED.replace("START", "null"), "shoes 'Red': 'start_km' is null"),
    (RED.replace("START", "-5"), "shoes 'Red': the starting distance -5 km"),
    (RED.replace("START", "1e9"), "shoes 'Red': the starting distance 1000000000 km"),
    (ENTRY.replace("KIND", "null"), "entry 1 (id 7): 'kind' is null"),
    (
        ENTRY.replace("KIND", '"run", "distance_km": null'),
        "entry 1 (id 7): a run needs a distance",
    ),
    (
        ENTRY.replace("KIND", '"run", "distance_km": 1e9'),
        "entry 1 (id 7): the distance 1000000000 km",
    ),
    (
        ENTRY.replace("KIND", '"run", "distance_km": true'),
        "entry 1 (id 7): 'distance_km' is true/false",
    ),
    (ENTRY.replace("KIND", '"rest", "note": 5'), "'note' is the number 5"),
    (ENTRY.replace("KIND", '"rest", "pain_after": "3"'), "'pain_after' is the string"),
]


@pytest.mark.parametrize(("backup", "says"), BAD_BACKUPS)
def test_a_bad_backup_names_the_shoe_or_entry_and_shows_json(
    runner, tmp_path, backup, says
):
    """The shoe by its name, the entry by its place and id; a bad value as
    JSON writes it (null, not None); exit 2 and nothing added."""
    path = tmp_path / "b.json"
    path.write_text('{"kind": "backup", ' + backup.replace("DAY", D[1]) + "}")
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert "b.json " in line and says.replace("DAY", D[1]) in line, line
    assert "None" not in line and "e+" not in line, line
    assert json.loads(ok(runner, "export"))["entries"] == []
