"""A checked catalogue never crashes a command.

Each field of an exported catalogue is deleted in turn. Either `catalogue check`
refuses the result, naming the file, or every command runs with it: never an
internal error.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import app
from typer.testing import CliRunner

from kneecheck.catalogue import check_catalogue, packaged_dir
from kneecheck.errors import CatalogueError, ExitCode

Step = str | int
ANSWERS = [
    {},  # nothing known
    {  # a full picture
        "age": 50,
        "sex": "female",
        "onset": "gradual",
        "where": ["around_kneecap", "outside"],
        "worse_with": ["stairs_down", "running"],
        "timing": ["set_distance", "at_rest"],
        "feels": ["grinding", "catching"],
        "swelling": "mild",
        "morning_stiffness_min": 10,
        "limp": False,
        "pain_during_run": 3,
        "pain_after_run": 4,
        "settles_by_morning": False,
        "trend": "worse",
        "rested_week": True,
        "duration_weeks": 9,
        "weekly_km": 40,
        "weekly_km_change_pct": 40,
        "longest_run_change_pct": 35,
        "shoe_km": 900,
        "new_shoes_or_surface": True,
    },
    {"age": 12, "limp": True, "red_flags": ["hot_red_swollen", "fever"]},
]


def field_paths(data: Any, at: tuple[Step, ...] = ()) -> list[tuple[Step, ...]]:
    """Every field once by shape: each key of a dict; in a list of objects, each
    key from the first object that has it (the rest share its shape)."""
    out: list[tuple[Step, ...]] = []
    if isinstance(data, dict):
        keys = list(data)
        # scoring.json keys its conditions by id: one stands for all of them
        by_id = at[-1:] == ("conditions",) and all(
            isinstance(v, dict) and "features" in v for v in data.values()
        )
        for key in keys[:1] if by_id else keys:
            out.append((*at, key))
            out += field_paths(data[key], (*at, key))
    elif isinstance(data, list):
        seen: set[str] = set()
        for i, item in enumerate(data):
            if isinstance(item, dict):
                for key in item:
                    if key not in seen:
                        seen.add(key)
                        out.append((*at, i, key))
                        out += field_paths(item[key], (*at, i, key))
    return out


CASES = [
    (path.name, steps)
    for path in sorted(packaged_dir().glob("*.json"))
    for steps in field_paths(json.loads(path.read_text(encoding="utf-8")))
]


def delete(data: Any, steps: tuple[Step, ...]) -> None:
    for step in steps[:-1]:
        data = data[step]
    del data[steps[-1]]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exported")
    for path in packaged_dir().glob("*.json"):
        shutil.copyfile(path, folder / path.name)
    return folder


def commands(folder: Path) -> list[list[str]]:
    return [
        *(["assess", "--answers", "-", "--json", "--no-diary"] for _ in ANSWERS),
        ["tips", "--json"],
        ["tips"],
        ["conditions"],
        ["explain", "patellofemoral_pain"],
        ["plan", "patellofemoral_pain", "--json"],
        ["plan", "iliotibial_band_syndrome", "--step", "2", "--pain", "3"],
        ["history"],
        ["shoes", "list"],
        ["report", "--format", "md", "--output", str(folder / "report.md")],
        ["schema", "answers"],
    ]


def fill_diary() -> None:
    from kneecheck.diary import NewEntry, open_diary

    today = date.today()
    with open_diary() as diary:
        diary.add_shoe("Blue", 450, default=True)
        diary.add_entries(
            [
                NewEntry(
                    today - timedelta(days=n),
                    distance_km=8 + n,
                    pain_during=3,
                    pain_after=2,
                    shoes="Blue",
                )
                for n in range(0, 20, 2)
            ]
        )


@pytest.mark.parametrize(
    ("file", "steps"), CASES, ids=[f"{f}:{'.'.join(map(str, s))}" for f, s in CASES]
)
def test_a_deleted_field_is_refused_or_harmless(
    exported: Path, tmp_path: Path, file: str, steps: tuple[Step, ...]
) -> None:
    """Refused by the check (each problem naming its file and entry; a deleted
    link may surface in the file it points to), or every command exits
    cleanly."""
    folder = tmp_path / "catalogue"
    shutil.copytree(exported, folder)
    data = json.loads((folder / file).read_text(encoding="utf-8"))
    delete(data, steps)
    (folder / file).write_text(json.dumps(data), encoding="utf-8")
    try:
        check_catalogue(folder)
    except CatalogueError as exc:  # refused: every problem names its file
        assert exc.problems
        assert all(p.split(":")[0].endswith(".json") for p in exc.problems)
        return
    fill_diary()
    runner = CliRunner()
    inputs = [json.dumps(a) for a in ANSWERS]
    for args in commands(tmp_path):
        stdin = inputs.pop(0) if args[0] == "assess" else None
        done = runner.invoke(app, ["--catalogue", str(folder), *args], input=stdin)
        assert done.exit_code != ExitCode.INTERNAL, (args, done.output)
        assert done.exception is None or isinstance(done.exception, SystemExit), (
            args,
            done.exception,
        )
