"""A diary you can trust (issue 13): wild values never lock the runner out,
damage is named, data never carries terminal escapes, the files stay private,
entries can be fixed and backups restore."""

from __future__ import annotations

import json
import sqlite3

import pytest
from helpers import D, app, command_paths, days_ago

from kneecheck.diary import diary_path


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
    day = days_ago(2).strftime("%b %d, %Y")
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


# ---- 8. small things a newcomer hits


def test_log_help_examples_work_on_a_fresh_diary(runner) -> None:
    """Every `kneecheck log` example in its help runs, in order, on a new home."""
    import shlex

    text = ok(runner, "log", "--help")
    examples = [
        line.strip()
        for line in text.splitlines()
        if "kneecheck log" in line and not line.startswith("Usage")
    ]
    assert len(examples) >= 2
    for line in examples:
        shell, _, command = line.rpartition("kneecheck ")
        stdin = None
        if shell:  # echo '{...}' | kneecheck log --json-input -
            stdin = shlex.split(shell.rstrip(" |"))[1]
        ok(runner, *shlex.split(command), input=stdin)


def test_export_on_a_fresh_home_is_empty_not_an_error(runner) -> None:
    """Nothing logged yet: an empty export, exit 0, and no diary created."""
    doc = json.loads(ok(runner, "export", "--format", "json"))
    assert doc["kind"] == "backup" and doc["entries"] == [] and doc["shoes"] == []
    assert ok(runner, "export", "--format", "csv").startswith("id,date,kind")
    assert not diary_path().exists()


def test_empty_diary_has_nothing_to_judge(runner) -> None:
    """No runs: no green CONTINUE, but nothing to judge yet."""
    doc = json.loads(ok(runner, "history", "--json"))
    assert doc["verdict"]["verdict"] is None
    text = ok(runner, "history")
    assert "CONTINUE" not in text and "NOTHING TO JUDGE YET" in text
    assert "No verdict yet" in ok(runner, "report")


def test_help_metavars_read_as_words(runner) -> None:
    """No <float range>, <int range> or <str> in any command's help."""
    import re

    for path in command_paths():
        text = ok(runner, *path, "--help")
        bad = re.findall(r"<(?:float|int|str|text|path)\b[^>|]*>|\w+:<", text)
        assert not bad, (path, bad)
    assert "--distance DISTANCE" in ok(runner, "log", "--help")
    assert "answers|result" in ok(runner, "schema", "--help")


def test_log_takes_one_entry_as_json(runner, tmp_path) -> None:
    """--json-input FILE or - takes the keys of the options; bad ones exit 2."""
    ok(runner, "shoes", "add", "Blue")
    entry = {
        "date": D[1],
        "distance": 8,
        "duration": 45,
        "pain_during": 2,
        "next_morning": "settled",
        "note": "easy",
    }
    ok(runner, "log", "--json-input", "-", input=json.dumps(entry))
    path = tmp_path / "rest.json"
    path.write_text('{"rest": true}', encoding="utf-8")
    ok(runner, "log", "--json-input", str(path))
    got = json.loads(ok(runner, "export"))["entries"]
    assert [(e["kind"], e["distance_km"], e["shoes"]) for e in got] == [
        ("run", 8.0, "Blue"),
        ("rest", None, None),
    ]
    assert got[0]["next_morning"] == 0 and got[0]["note"] == "easy"
    for text, message in (
        ('{"distance": "far"}', "'distance' must be a number"),
        ('{"distance": 5, "pace": 4}', "unknown entry key 'pace'"),
        ('{"distance": 5, "pain_during": 11}', "out of range (0 to 10)"),
        ('{"distance": 99999}', "out of range"),
        ('{"date": "soon", "distance": 5}', "not a date"),
        ("[1]", "must be a JSON object"),
        ("{", "not valid JSON"),
    ):
        result = runner.invoke(app, ["log", "--json-input", "-"], input=text)
        assert result.exit_code == 2, (text, result.output)
        assert message in result.stderr, (text, result.stderr)
    both = runner.invoke(app, ["log", "--json-input", "-", "--distance", "5"])
    assert both.exit_code == 2 and "either" in both.stderr
    assert len(json.loads(ok(runner, "export"))["entries"]) == 2


# ---- 3. no terminal escapes from data

ESCAPES = "\x1b]0;owned\x07\x1b[2J\x00\x9b\u202e"


def _no_controls(text: str) -> None:
    for ch in ("\x1b", "\x07", "\x00", "\x9b", "\u202e"):
        assert ch not in text, repr(text)


def test_names_and_notes_never_carry_terminal_escapes(runner, tmp_path) -> None:
    """A note, a shoe name and a Strava activity or gear name are stored and
    shown without control characters, wherever they appear."""
    ok(runner, "shoes", "add", f"Blue{ESCAPES}")
    ok(runner, "log", "--date", D[3], "--distance", "5", "--note", f"ok{ESCAPES}")
    day = days_ago(2).strftime("%b %d, %Y")
    csv_path = tmp_path / "activities.csv"
    csv_path.write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,"
        "Distance,Activity Gear\n"
        f'1,"{day}, 7:00:00 AM",Run{ESCAPES},Run,3000,10.0,Red{ESCAPES}\n'
        f'2,"{day}, 8:00:00 AM",x,Swim{ESCAPES},3000,1.0,\n',
        encoding="utf-8",
    )
    out = ok(runner, "import", str(csv_path))
    _no_controls(out)
    names = {
        s["name"] for s in json.loads(ok(runner, "shoes", "list", "--json"))["shoes"]
    }
    assert names == {"Blue]0;owned[2J", "Red]0;owned[2J"}
    for command in (
        ["history"],
        ["history", "--json"],
        ["shoes", "list"],
        ["report"],
        ["report", "--format", "html"],
        ["export"],
        ["export", "--format", "csv"],
    ):
        _no_controls(ok(runner, *command))
    ok(runner, "log", "--distance", "5", "--shoes", f"blue{ESCAPES}")


def test_an_overflowing_distance_never_crashes_and_json_stays_valid(runner) -> None:
    """1e308 km written behind kneecheck's back overflows every weekly sum:
    history, the reports and export still answer, the JSON stays valid (null,
    not Infinity), and assess leaves the figure out with a warning."""
    ok(runner, "log", "--date", D[1], "--distance", "10")
    ok(runner, "log", "--date", D[2], "--distance", "10")
    raw_sql("UPDATE entries SET distance_km = 1e308")
    ok(runner, "history")
    ok(runner, "report", "--format", "html")
    for command in (["history", "--json"], ["report", "--format", "json"], ["export"]):
        json.loads(ok(runner, *command), parse_constant=lambda c: pytest.fail(c))
    result = runner.invoke(app, ["assess", "--answers", "-", "--json"], input="{}")
    assert result.exit_code == 0 and "left out" in result.stderr


def test_bytes_that_are_not_utf8_are_stored_as_a_replacement_mark(runner) -> None:
    """A note or a shoe name typed in a Latin-1 terminal reaches Python as a
    lone surrogate ("caf\\udce9"): stored as "caf\ufffd", never an internal
    error that leaves an empty diary behind."""
    ok(runner, "shoes", "add", "Caf\udce9")
    ok(runner, "log", "--distance", "5", "--note", "caf\udce9", "--shoes", "Caf\ufffd")
    entry = json.loads(ok(runner, "entries", "--json"))["entries"][0]
    assert (entry["note"], entry["shoes"]) == ("caf\ufffd", "Caf\ufffd")


def test_a_home_folder_whose_name_is_not_utf8_works(
    runner, tmp_path, monkeypatch
) -> None:
    """KNEECHECK_HOME with a byte that is not UTF-8 (a Latin-1 folder name):
    the diary is made and read there, never an internal error."""
    monkeypatch.setenv("KNEECHECK_HOME", str(tmp_path / "caf\udce9"))
    ok(runner, "log", "--distance", "5")
    assert len(json.loads(ok(runner, "entries", "--json"))["entries"]) == 1
    assert (tmp_path / "caf\udce9" / "diary.sqlite3").exists()


def test_escapes_stored_by_an_older_version_are_not_shown(runner) -> None:
    """A note written before notes were cleaned never reaches the terminal raw."""
    ok(runner, "log", "--date", D[3], "--distance", "5", "--note", "x")
    raw_sql("UPDATE entries SET note = ?", f"bad{ESCAPES}")
    for command in (["history"], ["history", "--json"], ["report"]):
        _no_controls(ok(runner, *command))


def test_error_messages_never_carry_terminal_escapes(runner, tmp_path) -> None:
    """A message quoting a file or shoe name from outside is cleaned too."""
    result = runner.invoke(app, ["log", "--distance", "5", "--shoes", f"X{ESCAPES}"])
    assert result.exit_code == 2
    _no_controls(result.stderr)
    bad = tmp_path / f"run{ESCAPES.replace(chr(0), '')}.gpx"
    bad.write_text("garbage", encoding="utf-8")
    result = runner.invoke(app, ["import", str(bad)])
    assert result.exit_code == 2
    _no_controls(result.stderr)


# ---- 2. damage is named, a read-only diary is read, and assess always answers


def run_unprivileged(*args: str, stdin: str | None = None, home=None):
    """kneecheck in a real process that obeys file modes even when the tests
    run as root: the capabilities that override them are dropped first."""
    import ctypes
    import os
    import subprocess
    import sys

    from helpers import kneecheck_env

    def drop() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
            if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "cannot drop root's powers")

    return subprocess.run(
        [sys.executable, "-m", "kneecheck", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**kneecheck_env(), "KNEECHECK_HOME": str(home or diary_path().parent)},
        timeout=60,
        preexec_fn=drop if os.geteuid() == 0 else None,
    )


def _two_runs(runner) -> None:
    ok(runner, "log", "--date", D[3], "--distance", "5", "--pain-during", "2")
    ok(runner, "log", "--date", D[1], "--distance", "6", "--pain-during", "2")


def _corrupt_pages() -> None:
    with sqlite3.connect(diary_path()) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data = bytearray(diary_path().read_bytes())
    data[2 * 4096 :] = b"\x55" * (len(data) - 2 * 4096)
    diary_path().write_bytes(bytes(data))


DAMAGE = {
    "dropped table": lambda: raw_sql("DROP TABLE shoes"),
    "wrong-typed date": lambda: raw_sql("UPDATE entries SET date = 'soon'"),
    "wrong-typed distance": lambda: raw_sql("UPDATE entries SET distance_km = 'x'"),
    "wrong-typed note": lambda: raw_sql("UPDATE entries SET note = x'00ff'"),
    "corrupt page": _corrupt_pages,
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_damage_is_named_and_assess_still_answers(runner, damage) -> None:
    """Each kind of damage: one line saying so, exit 4, the file untouched; and
    assess answers with a warning that the diary was not used."""
    _two_runs(runner)
    DAMAGE[damage]()
    before = diary_path().read_bytes()
    # a damaged row is left out of an export and named (a backup can be made)
    readers = [["history"], ["report"]] + (
        [["export"]] if "wrong" not in damage else []
    )
    for command in readers:
        result = runner.invoke(app, command)
        assert result.exit_code == 4, (command, result.output)
        assert "is damaged" in result.stderr and "left untouched" in result.stderr
        assert "internal error" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    result = runner.invoke(app, ["assess", "--answers", "-", "--json"], input="{}")
    assert result.exit_code == 0, result.output
    assert "warning: diary not used" in result.stderr
    assert "triage" in json.loads(result.stdout)
    assert diary_path().read_bytes()[:4096] == before[:4096]


@pytest.mark.parametrize("where", ["file", "folder"])
def test_a_read_only_diary_is_read_never_called_damaged(runner, where) -> None:
    """A healthy diary in a read-only file or folder: history, report and
    export work; log exits 5 saying read-only; assess answers with a warning."""
    _two_runs(runner)
    target = diary_path() if where == "file" else diary_path().parent
    mode = target.stat().st_mode
    target.chmod(0o444 if where == "file" else 0o555)
    try:
        for command in (["history", "--json"], ["export"], ["report"]):
            done = run_unprivileged(*command)
            assert done.returncode == 0, (command, done.stderr)
        assert len(json.loads(run_unprivileged("export").stdout)["entries"]) == 2
        done = run_unprivileged("log", "--distance", "3")
        assert done.returncode == 5, done.stderr
        assert "read-only" in done.stderr or "cannot be written" in done.stderr
        assert "damaged" not in done.stderr and "move it aside" not in done.stderr
        done = run_unprivileged("assess", "--answers", "-", "--json", stdin="{}")
        assert done.returncode == 0, done.stderr
        assert "assessment not saved" in done.stderr
        assert "damaged" not in done.stderr
        assert json.loads(done.stdout)["from_diary"]["weekly_km"] == 11.0
    finally:
        target.chmod(mode)
    assert len(json.loads(ok(runner, "export"))["entries"]) == 2


def test_home_that_is_a_file(runner, tmp_path, monkeypatch) -> None:
    """KNEECHECK_HOME naming a file: one line, exit 5; assess still answers."""
    afile = tmp_path / "not-a-folder"
    afile.write_text("mine", encoding="utf-8")
    monkeypatch.setenv("KNEECHECK_HOME", str(afile))
    for command in (["log", "--distance", "5"], ["history"], ["shoes", "list"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 5, (command, result.output)
        assert "KNEECHECK_HOME" in result.stderr
        assert "internal error" not in result.stderr
    result = runner.invoke(app, ["assess", "--answers", "-", "--json"], input="{}")
    assert result.exit_code == 0, result.output
    assert "KNEECHECK_HOME" in result.stderr
    assert afile.read_text(encoding="utf-8") == "mine"


def test_a_diary_locked_by_another_process(runner, monkeypatch) -> None:
    """Another writer holds the lock: log waits, then says so (exit 5); reading
    and assess still work."""
    import kneecheck.diary

    _two_runs(runner)
    monkeypatch.setattr(kneecheck.diary, "LOCK_WAIT_SECONDS", 0.2)
    holder = sqlite3.connect(diary_path(), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = runner.invoke(app, ["log", "--distance", "3"])
        assert result.exit_code == 5, result.output
        assert "in use by another process" in result.stderr
        assert len(json.loads(ok(runner, "export"))["entries"]) == 2
        result = runner.invoke(app, ["assess", "--answers", "-", "--json"], input="{}")
        assert result.exit_code == 0, result.output
        assert "assessment not saved" in result.stderr
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# ---- 4. private by default


def test_diary_and_its_side_files_are_private(runner, tmp_path) -> None:
    """The diary, -wal and -shm are 0600 in a 0700 folder; exports and reports
    written with --output are 0600, even over a file that was not."""
    import stat

    ok(runner, "log", "--distance", "5")
    reader = sqlite3.connect(diary_path())  # keeps the side files while open
    try:
        reader.execute("SELECT COUNT(*) FROM entries").fetchone()
        ok(runner, "log", "--distance", "6")
        for suffix in ("", "-wal", "-shm"):
            f = diary_path().with_name(diary_path().name + suffix)
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, suffix
    finally:
        reader.close()
    assert stat.S_IMODE(diary_path().parent.stat().st_mode) == 0o700
    for command, name in ((["export"], "backup.json"), (["report"], "report.md")):
        target = tmp_path / name
        target.write_text("old", encoding="utf-8")
        target.chmod(0o644)
        ok(runner, *command, "--output", str(target))
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_diary_readable_by_others_is_made_private(runner) -> None:
    """A diary an older version left 0644 is 0600 after the next write."""
    import stat

    ok(runner, "log", "--distance", "5")
    diary_path().chmod(0o644)
    ok(runner, "log", "--distance", "6")
    assert stat.S_IMODE(diary_path().stat().st_mode) == 0o600


# ---- 7. hostile input gets a clean error


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"age": ' + "9" * 5000 + "}", "digits long"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"age": ' + "1" + "0" * 400 + "}", "digits long"),
        ("{" * 300_000, "larger than 256 KiB"),
        # JSON itself would keep the last limp and drop the first unsaid
        ('{"limp": true, "age": 30, "limp": false}', "the key 'limp' twice"),
        ('{"a\\u001bb": 1, "a\\u001bb": 2}', "the key 'a\\x1bb' twice"),
    ],
)
def test_hostile_answers_get_one_line_and_exit_2(runner, tmp_path, text, message):
    """Huge numbers, deep nesting and oversized files: one line, exit 2."""
    path = tmp_path / "answers.json"
    path.write_text(text, encoding="utf-8")
    for source, stdin in ((str(path), None), ("-", text)):
        result = runner.invoke(
            app, ["assess", "--answers", source, "--json"], input=stdin
        )
        assert result.exit_code == 2, result.output
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert result.stdout == ""


@pytest.mark.parametrize("device", ["/dev/urandom", "/dev/zero"])
def test_an_endless_answers_stream_is_cut_short(device) -> None:
    """Read at most the cap, then exit 2 with one line."""
    from helpers import run_kneecheck

    done = run_kneecheck("assess", "--answers", device, "--json")
    assert done.returncode == 2, done.stderr
    assert device in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("command", "start"), [(["export"], "{"), (["report"], "# kneecheck report")]
)
def test_output_dash_is_standard_output(runner, tmp_path, monkeypatch, command, start):
    """--output - prints, as --answers - reads standard input: no file '-'."""
    monkeypatch.chdir(tmp_path)
    out = ok(runner, *command, "--output", "-")
    assert out.startswith(start) and "Wrote" not in out
    assert not (tmp_path / "-").exists()


def test_output_through_a_symlink_writes_its_target(runner, tmp_path) -> None:
    """--output via a symbolic link writes the file it points at; the link stays."""
    target = tmp_path / "real.json"
    link = tmp_path / "link.json"
    link.symlink_to(target)
    ok(runner, "export", "--output", str(link))
    assert link.is_symlink() and json.loads(target.read_text("utf-8"))["kind"]


@pytest.mark.parametrize("command", [["export"], ["report"]])
def test_output_through_a_loop_of_symlinks_is_refused(
    runner, tmp_path, command
) -> None:
    """Two links pointing at each other: a one-line refusal, exit 2, no file."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "l1").symlink_to(out / "l2")
    (out / "l2").symlink_to(out / "l1")
    result = runner.invoke(app, [*command, "--output", str(out / "l1")])
    assert result.exit_code == 2, result.output
    assert "l1" in result.stderr and "loop of symbolic links" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in out.iterdir()) == ["l1", "l2"]


def test_a_full_disk_is_named(runner, tmp_path, monkeypatch) -> None:
    """No space left for --output or on standard output: said so, exit 5."""
    import errno
    import tempfile

    from helpers import kneecheck_env

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(tempfile, "mkstemp", full)
        result = runner.invoke(app, ["export", "--output", str(tmp_path / "b.json")])
    assert result.exit_code == 5, result.output
    assert "no space left on device" in result.stderr
    import subprocess
    import sys

    for command in (["export"], ["history"]):
        with open("/dev/full", "w") as devfull:
            done = subprocess.run(
                [sys.executable, "-m", "kneecheck", *command],
                stdout=devfull,
                stderr=subprocess.PIPE,
                text=True,
                env={**kneecheck_env(), "KNEECHECK_HOME": str(diary_path().parent)},
                timeout=60,
            )
        assert done.returncode == 5, done.stderr
        assert "no space left on device" in done.stderr
        assert "internal error" not in done.stderr


@pytest.mark.parametrize("command", [["history", "--weeks", "520"], ["export"]])
def test_output_piped_into_head_exits_0(runner, command) -> None:
    """The reader going away (`| head`) is not an error: exit 0, nothing said."""
    import subprocess
    import sys

    from helpers import kneecheck_env

    ok(runner, "log", "--date", D[1], "--distance", "5")
    with sqlite3.connect(diary_path()) as db:
        db.executemany(
            "INSERT INTO entries (date, kind, distance_km, note, created_at) "
            "VALUES (?, 'run', 5, 'a note long enough to fill the pipe', 'x')",
            [(days_ago(n % 3000 + 1).isoformat(),) for n in range(3000)],
        )
    db.close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kneecheck", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**kneecheck_env(), "KNEECHECK_HOME": str(diary_path().parent)},
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(100)
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == 0, stderr
    assert stderr == b""


# ---- 5. entries can be fixed


def test_entries_list_edit_and_delete(runner) -> None:
    """entries lists ids (--json, --since, --limit); edit changes only what is
    given; delete updates shoe distance and the weekly figures."""
    ok(runner, "shoes", "add", "Blue")
    ok(runner, "log", "--date", D[3], "--distance", "5", "--note", "easy")
    ok(runner, "log", "--date", D[2], "--rest")
    ok(runner, "log", "--date", D[1], "--distance", "8", "--pain-during", "2")
    doc = json.loads(ok(runner, "entries", "--json"))
    assert doc["kind"] == "entries"
    assert [(e["id"], e["kind"]) for e in doc["entries"]] == [
        (1, "run"),
        (2, "rest"),
        (3, "run"),
    ]
    latest = json.loads(ok(runner, "entries", "--json", "--limit", "1"))["entries"]
    assert [e["id"] for e in latest] == [3]
    since = json.loads(ok(runner, "entries", "--json", "--since", D[2]))["entries"]
    assert [e["id"] for e in since] == [2, 3]
    text = ok(runner, "entries")
    assert "id" in text and "easy" in text and "manual" in text

    ok(runner, "entries", "edit", "1", "--distance", "6", "--pain-after", "3")
    first = json.loads(ok(runner, "entries", "--json"))["entries"][0]
    assert (first["distance_km"], first["pain_after"], first["note"]) == (
        6.0,
        3,
        "easy",
    )
    assert first["shoes"] == "Blue"
    ok(runner, "entries", "edit", "1", "--note", "")
    assert json.loads(ok(runner, "entries", "--json"))["entries"][0]["note"] is None
    ok(runner, "entries", "edit", "2", "--distance", "4")  # a rest day becomes a run
    assert json.loads(ok(runner, "entries", "--json"))["entries"][1]["kind"] == "run"
    for args, message in (
        (["edit", "9", "--rest"], "no entry 9"),
        (["edit", "1"], "give what to change"),
        (["edit", "1", "--distance", "99999"], "out of range"),
        (["delete", "1"], "--yes"),
        (["delete", "1", "99", "--yes"], "no entry 99"),
    ):
        result = runner.invoke(app, ["entries", *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr
    assert len(json.loads(ok(runner, "entries", "--json"))["entries"]) == 3

    weekly = json.loads(ok(runner, "history", "--json"))["weeks"]
    before = sum(w["distance_km"] for w in weekly)
    ok(runner, "entries", "delete", "3", "--yes")
    shoes = json.loads(ok(runner, "shoes", "list", "--json"))["shoes"]
    assert shoes[0]["distance_km"] == 6.0  # 6 km left in them: entry 1
    weekly = json.loads(ok(runner, "history", "--json"))["weeks"]
    assert sum(w["distance_km"] for w in weekly) == before - 8


def test_manual_log_of_an_imported_run_is_refused_with_a_hint(runner, tmp_path):
    """The same day and distance as an imported run: scripted, refused with
    the --add-anyway hint; with it, added."""
    day = days_ago(2)
    csv_path = tmp_path / "activities.csv"
    csv_path.write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,"
        f'Distance\n1,"{day.strftime("%b %d, %Y")}, 7:00:00 AM",Run,Run,3000,10.0\n',
        encoding="utf-8",
    )
    ok(runner, "import", str(csv_path))
    args = ["log", "--date", day.isoformat(), "--distance", "10.2"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "--add-anyway" in result.stderr and "entries edit 1" in result.stderr
    ok(runner, "log", "--date", day.isoformat(), "--distance", "12")  # not the same
    ok(runner, *args, "--add-anyway")
    assert len(json.loads(ok(runner, "entries", "--json"))["entries"]) == 3


# ---- 6. backups restore


def _full_diary(runner, tmp_path) -> None:
    ok(runner, "config", "units", "mi")
    ok(runner, "shoes", "add", "Blue", "--start-distance", "10")
    ok(runner, "shoes", "add", "Old")
    ok(runner, "shoes", "retire", "Old")
    ok(runner, "log", "--date", D[5], "--distance", "5", "--note", "n1",
       "--pain-during", "2", "--next-morning", "settled")  # fmt: skip
    ok(runner, "log", "--date", D[4], "--rest")
    ok(runner, "entries", "delete", "2", "--yes")  # ids need not be 1, 2, 3
    ok(runner, "log", "--date", D[3], "--rest", "--note", "tired")
    day = days_ago(2).strftime("%b %d, %Y")
    csv_path = tmp_path / "activities.csv"
    csv_path.write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,"
        f'Distance,Activity Gear\n7,"{day}, 7:00:00 AM",Tempo,Run,3000,10.0,Red\n',
        encoding="utf-8",
    )
    ok(runner, "import", str(csv_path))
    ok(runner, "assess", "--answers", "-", input='{"where": ["outside"]}')


def test_a_json_backup_restores_exactly_and_merges_once(
    runner, tmp_path, monkeypatch
) -> None:
    """import of `export --format json` into an empty diary gives the same
    export back; a second import adds nothing; a re-import of the original
    activity file adds nothing either."""
    _full_diary(runner, tmp_path)
    backup = tmp_path / "kneecheck-backup.json"
    ok(runner, "export", "--output", str(backup))
    original = json.loads(backup.read_text("utf-8"))
    monkeypatch.setenv("KNEECHECK_HOME", str(tmp_path / "new-home"))
    out = ok(runner, "import", str(backup))
    assert "Restored 3 entries" in out and "1 assessment" in out
    restored = json.loads(ok(runner, "export"))
    assert restored == original
    again = ok(runner, "import", str(backup))
    assert "Restored 0 entries" in again and "3 already in the diary" in again
    assert "Imported 0 runs" in ok(runner, "import", str(tmp_path / "activities.csv"))
    assert json.loads(ok(runner, "export")) == original


def test_a_backup_merges_into_a_diary_without_duplicates(
    runner, tmp_path, monkeypatch
) -> None:
    """Restoring into a diary that holds some of the same entries and others:
    the missing ones are added, nothing twice, the diary's own kept."""
    _full_diary(runner, tmp_path)
    backup = tmp_path / "backup.json"
    ok(runner, "export", "--output", str(backup))
    monkeypatch.setenv("KNEECHECK_HOME", str(tmp_path / "other"))
    ok(runner, "import", str(backup))
    first = json.loads(ok(runner, "entries", "--json"))["entries"][0]["id"]
    ok(runner, "entries", "delete", str(first), "--yes")
    ok(runner, "log", "--date", D[1], "--distance", "3", "--note", "own")
    done = json.loads(ok(runner, "import", str(backup), "--json"))
    assert done["kind"] == "restore"
    assert (done["entries"], done["already_in_diary"]) == (1, 2)
    entries = json.loads(ok(runner, "export"))["entries"]
    assert len(entries) == 4  # the backup's three and the diary's own
    assert {e["note"] for e in entries} == {"n1", "tired", "Tempo", "own"}
    assert len(json.loads(ok(runner, "export"))["assessments"]) == 1


def test_a_csv_export_reads_back(runner, tmp_path, monkeypatch) -> None:
    """export --format csv imports back: the same entries."""
    _full_diary(runner, tmp_path)
    path = tmp_path / "runs.csv"
    ok(runner, "export", "--format", "csv", "--output", str(path))
    before = json.loads(ok(runner, "export"))["entries"]
    monkeypatch.setenv("KNEECHECK_HOME", str(tmp_path / "other"))
    assert "Restored 3 entries" in ok(runner, "import", str(path))
    after = json.loads(ok(runner, "export"))["entries"]
    keep = ("id", "date", "kind", "distance_km", "pain_during", "note", "shoes")
    assert [{k: e[k] for k in keep} for e in after] == [
        {k: e[k] for k in keep} for e in before
    ]
    assert "3 already in the diary" in ok(runner, "import", str(path))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"kind": "result"}', "not a kneecheck backup"),
        ("[1, 2]", "not a kneecheck backup"),
        ("\ufeff", "not valid JSON"),
        ('{"kind": "backup", "entries": [{"date": "x"}]}', "entry 1: 'date'"),
        (
            '{"kind": "backup", "entries": [{"date": "2026-01-01", "kind": "run", '
            '"distance_km": 99999}]}',
            "entry 1: the distance 99999 km is out of range",
        ),
        ('{"kind": "backup", "entries": 3}', "'entries' must be a list"),
        ('{"kind": "backup", "x": ' + "9" * 5000 + "}", "a number 5000 digits long"),
        (
            "[" * 100_000 + "]" * 100_000,
            "nested too deeply: not a backup file",
        ),
        ('{"kind": "backup", "entries": [}', "not valid JSON (line 1, column 32"),
        (
            '{"kind": "backup", "entries": [{"date": "2026-01-01", "kind": "run", '
            '"distance_km": 5, "distance_km": 50}]}',
            "backup.json gives the key 'distance_km' twice in one object",
        ),
        (
            '{"kind": "backup", "entries": [{"id": 100000000000000000000000, '
            '"date": "2026-01-01", "kind": "rest"}]}',
            "backup.json holds a number 24 digits long",
        ),
        (
            '{"kind": "backup", "assessments": [{"created_at": "2026-01-01", '
            '"answers": {}, "result": {}}]}',
            "assessment 1: needs created_at (a date and time), answers and a result",
        ),
        (
            '{"kind": "backup", "entries": [{"id": -5, "date": "2026-01-01", '
            '"kind": "rest"}]}',
            "entry 1: 'id' is -5, not an entry id",
        ),
    ],
)
def test_a_bad_backup_names_the_entry_and_adds_nothing(runner, tmp_path, text, message):
    path = tmp_path / "backup.json"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 2, result.output
    assert "backup.json" in result.stderr and message in result.stderr
    assert json.loads(ok(runner, "export"))["entries"] == []


def test_a_doctored_backup_assessment_is_stored_without_controls(
    runner, tmp_path, monkeypatch
) -> None:
    """An assessment in a backup is data from outside: its text is stored
    without control characters, so the report never emits them; a created_at
    that is not a date and time is refused, naming the assessment."""
    _full_diary(runner, tmp_path)
    backup = tmp_path / "backup.json"
    ok(runner, "export", "--output", str(backup))
    doc = json.loads(backup.read_text("utf-8"))
    doc["assessments"][0]["result"]["triage"]["title"] = "T\x1b]0;PWN\x07itle\x00"
    doc["assessments"][0]["answers"]["note\x1b[2J"] = "x\x9by"
    backup.write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setenv("KNEECHECK_HOME", str(tmp_path / "new-home"))
    ok(runner, "import", str(backup))
    for fmt in ("md", "html"):
        page = ok(runner, "report", "--format", fmt)
        assert "PWNitle" in page
        assert not any(c in page for c in "\x1b\x07\x00\x9b")
    stored = json.loads(ok(runner, "export"))["assessments"][0]
    assert stored["result"]["triage"]["title"] == "T]0;PWNitle"
    assert stored["answers"]["note[2J"] == "xy"
    doc["assessments"][0]["created_at"] = "2026\x1b[2J-12-05"
    backup.write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setenv("KNEECHECK_HOME", str(tmp_path / "third-home"))
    result = runner.invoke(app, ["import", str(backup)])
    assert result.exit_code == 2
    assert "assessment 1: needs created_at (a date and time)" in result.stderr


def test_readme_says_where_the_diary_lives_and_how_to_keep_it() -> None:
    """The data section: place, modes, exit codes, back up, restore, edit, delete."""
    from helpers import TESTS

    readme = (TESTS.parent / "README.md").read_text(encoding="utf-8")
    data = readme[readme.index("## The diary") : readme.index("## Speed")]
    for needed in (
        "KNEECHECK_HOME",
        "0700",
        "0600",
        "-wal",
        "kneecheck export --format json --output kneecheck-backup.json",
        "kneecheck import kneecheck-backup.json",
        "kneecheck entries edit ID",
        "kneecheck entries delete ID",
        "kneecheck forget",
        "4 the diary is damaged",
        "5 it cannot be",
    ):
        assert needed in data, needed
    assert "| 5 |" in readme


def test_rich_markup_in_data_is_shown_as_written(runner) -> None:
    """A note or shoe name that looks like Rich markup never becomes a
    hyperlink (OSC 8) or a style on a colour terminal: it is shown as typed."""
    import os
    import subprocess
    import sys

    from helpers import kneecheck_env

    ok(runner, "shoes", "add", "[blink]Red")
    ok(runner, "log", "--distance", "5", "--note", "[link=https://x.example]a[/link]")
    env = {k: v for k, v in kneecheck_env().items() if k != "NO_COLOR"}
    env |= {"FORCE_COLOR": "1", "TERM": "xterm", "COLUMNS": "120"}
    env["KNEECHECK_HOME"] = os.environ["KNEECHECK_HOME"]
    shown = {}
    for command in ("entries", "history", "shoes"):
        shown[command] = subprocess.run(
            [sys.executable, "-m", "kneecheck", command]
            + (["list"] if command == "shoes" else []),
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        ).stdout
        assert "\x1b]8;" not in shown[command], command  # no hyperlink
        assert "\x1b[5m" not in shown[command], command  # no blink
    assert "[link=https://x.example]a[/link]" in shown["entries"]
    assert "[blink]Red" in shown["shoes"]


def test_a_duplicate_manual_run_is_asked_about_in_a_terminal(runner) -> None:
    """With someone to ask, log asks: no keeps the diary as it was, yes adds."""
    from kneecheck.actions.diary import EntryFields, log_entry
    from kneecheck.diary import NewEntry, open_diary

    day = days_ago(1)
    with open_diary() as diary:
        diary.add_entries(
            [NewEntry(day, distance_km=10.0, source="gpx", source_key="gpx:1")]
        )
    asked = []

    def answer(reply: bool):
        def confirm(twin, units) -> bool:
            asked.append((twin.id, twin.source, units))
            return reply

        return confirm

    fields = EntryFields(day, distance=9.9)
    assert not log_entry(fields, confirm_duplicate=answer(False)).added
    assert log_entry(fields, confirm_duplicate=answer(True)).added
    assert asked == [(1, "gpx", "km"), (1, "gpx", "km")]
    assert len(json.loads(ok(runner, "entries", "--json"))["entries"]) == 2


def test_entries_on_a_fresh_home(runner) -> None:
    """No diary yet: nothing listed, and an id to change is simply unknown
    (exit 2, not the damaged-diary 4); no diary is created."""
    assert "No entries yet" in ok(runner, "entries")
    for args in (["edit", "1", "--rest"], ["delete", "1", "--yes"]):
        result = runner.invoke(app, ["entries", *args])
        assert result.exit_code == 2, result.output
        assert "no entry 1" in result.stderr
    assert not diary_path().exists()
