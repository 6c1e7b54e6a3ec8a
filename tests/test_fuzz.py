"""Property-based fuzzing of every input surface: nothing crashes, nothing is lost.

Each surface either works or fails with its own clean error (exit 2 or 3),
never an internal error, and a failed write leaves the diary as it was.
"""

from __future__ import annotations

import copy
import json
import os
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kneecheck.answers import validate_answers
from kneecheck.catalogue import default_catalogue_dir, load_catalogue
from kneecheck.engine import assess
from kneecheck.errors import AnswersError, CatalogueError
from kneecheck.importers import ImportFileError, read_import

CATALOGUE = load_catalogue()
KEYS = [q.id for q in CATALOGUE.questions]
# FUZZ_EXAMPLES=1000 pytest tests/test_fuzz.py digs deeper than the default run.
SLOW = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=20,
)
# answers that look nearly right: real keys with arbitrary values
NEAR_ANSWERS = st.dictionaries(st.sampled_from(KEYS), JSON, max_size=10)


@settings(max_examples=300, deadline=None)
@given(st.one_of(JSON, NEAR_ANSWERS))
def test_any_json_answers_give_a_result_or_a_clean_error(raw: Any) -> None:
    """Whatever JSON arrives, validation accepts it or raises AnswersError."""
    try:
        answers = validate_answers(raw, CATALOGUE)
    except AnswersError as exc:
        assert exc.message and "\n" not in exc.message
        return
    result = assess(CATALOGUE, answers).to_dict()
    json.dumps(result)  # serialisable, so --json can always print it


@SLOW
@given(st.one_of(JSON, NEAR_ANSWERS))
def test_any_json_on_the_command_line(raw: Any) -> None:
    """The CLI answers any JSON with a result (exit 0) or a one-line error (exit 2)."""
    text = json.dumps(raw, allow_nan=True)
    result = CliRunner().invoke(
        app, ["assess", "--answers", "-", "--json", "--no-diary"], input=text
    )
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


FILES = {
    p.name: json.loads(p.read_text(encoding="utf-8"))
    for p in sorted(default_catalogue_dir().glob("*.json"))
}


@SLOW
@given(st.data())
def test_mutated_catalogues_fail_cleanly(tmp_path_factory, data) -> None:
    """Deleting, retyping or replacing any part of any catalogue file gives a
    clean CatalogueError (or a catalogue that still validates), never a crash."""
    folder = tmp_path_factory.mktemp("cat")
    name = data.draw(st.sampled_from(sorted(FILES)))
    doc = copy.deepcopy(FILES[name])
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        action = data.draw(st.sampled_from(["delete", "replace"]))
        if action == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(JSON)
    for other, content in FILES.items():
        text = json.dumps(doc if other == name else content, allow_nan=True)
        (folder / other).write_text(text, encoding="utf-8")
    try:
        load_catalogue(folder)
    except CatalogueError as exc:
        assert exc.problems
        assert all(p.startswith(tuple(FILES)) for p in exc.problems), exc.problems


def _gpx_bytes() -> bytes:
    import datetime as dt

    import gpxpy.gpx

    gpx = gpxpy.gpx.GPX()
    track = gpxpy.gpx.GPXTrack()
    segment = gpxpy.gpx.GPXTrackSegment()
    start = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.timezone.utc)
    for i in range(6):
        segment.points.append(
            gpxpy.gpx.GPXTrackPoint(
                50 + 0.002 * i,
                0.0,
                elevation=10.0,
                time=start + dt.timedelta(minutes=i),
            )
        )
    track.segments.append(segment)
    gpx.tracks.append(track)
    return gpx.to_xml().encode()


CSV = (
    b"Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,"
    b"Moving Time,Distance,Activity Gear\n"
    b'1,"Nov 1, 2026, 7:15:32 AM",Run,Run,3000,10.0,2900,10000.0,Blue\n'
    b'2,"Nov 2, 2026, 7:15:32 AM",Ride,Ride,3000,20.0,2900,20000.0,\n'
)


def _mutate(raw: bytes, rnd: random.Random) -> bytes:
    data = bytearray(raw)
    for _ in range(rnd.randint(1, 6)):
        kind = rnd.choice(["flip", "cut", "insert", "delete"])
        at = rnd.randrange(len(data)) if data else 0
        if kind == "flip" and data:
            data[at] = rnd.randrange(256)
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = rnd.choice(
                [b"<", b">", b",", b'"', b"\n", b"\xff", b"-1", b"abc"]
            )
        elif data:
            del data[at : at + rnd.randint(1, 20)]
    return bytes(data)


@SLOW
@given(st.sampled_from(["run.gpx", "activities.csv"]), st.integers(0, 10**9))
def test_mutated_imports_fail_cleanly_and_leave_the_diary(
    tmp_path_factory, name, seed
) -> None:
    """A damaged GPX or CSV: a clean error naming the file, and the diary as it was."""
    folder = tmp_path_factory.mktemp("imp")
    original = _gpx_bytes() if name.endswith(".gpx") else CSV
    path = folder / name
    path.write_bytes(_mutate(original, random.Random(seed)))
    try:
        read_import(path)
    except ImportFileError as exc:
        assert name in exc.message and "\n" not in exc.message
    runner = CliRunner()
    before = runner.invoke(app, ["export", "--format", "json"]).stdout
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        after = runner.invoke(app, ["export", "--format", "json"]).stdout
        assert after == before


OPTION_VALUES = st.one_of(
    st.text(max_size=12),
    st.integers(-50, 50).map(str),
    st.floats(allow_nan=True).map(str),
    st.sampled_from(
        [
            "",
            "-",
            "1e309",
            "nan",
            "settled",
            "2026-02-30",
            "2026-11-01",
            "10",
            "0",
            "-0",
            "NaN",
            "inf",
            "9" * 30,
        ]
    ),
)


@SLOW
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "--date",
                "--distance",
                "--duration",
                "--pain-during",
                "--pain-after",
                "--next-morning",
                "--shoes",
                "--note",
            ]
        ),
        OPTION_VALUES,
        min_size=1,
        max_size=5,
    )
)
def test_log_with_any_option_values(tmp_path_factory, options) -> None:
    """log with arbitrary option values: logged (exit 0) or refused (exit 2), and a
    refusal writes nothing."""
    runner = CliRunner()
    before = runner.invoke(app, ["export", "--format", "json"]).stdout
    args = ["log"]
    for key, value in options.items():
        args += [key, value]
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 2), (args, result.output)
    if result.exit_code == 2:
        assert runner.invoke(app, ["export", "--format", "json"]).stdout == before


@pytest.fixture(autouse=True)
def _fresh_home(tmp_path: Path, monkeypatch) -> None:
    """Hypothesis runs many examples in one test: start each test's diary empty."""
    home = tmp_path / "fuzz-home"
    shutil.rmtree(home, ignore_errors=True)
    monkeypatch.setenv("KNEECHECK_HOME", str(home))
