"""The acceptance check of issue 13 (qa13): a full disk is never damage, every
writer refuses a damaged diary as readers do, a bad backup blames the backup,
nothing is silently left out, and Ctrl-D at a question is a cancel."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from helpers import app
from test_diary_trust import ok, raw_sql, run_unprivileged

from kneecheck.diary import NewEntry, diary_path, open_diary

TODAY = date.today()
D = [(TODAY - timedelta(days=n)).isoformat() for n in range(40)]


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
        diary.add_entries(
            [NewEntry(TODAY - timedelta(days=n), distance_km=5.0) for n in range(30)]
        )
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
