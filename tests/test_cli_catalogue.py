"""Extending the catalogue: check, export, and running with --catalogue."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import app
from helpers import run_kneecheck as kneecheck

from kneecheck.cli import hoist_catalogue


def test_export_then_check(runner, tmp_path: Path) -> None:
    """The exported built-in catalogue checks clean."""
    target = tmp_path / "mine"
    result = runner.invoke(app, ["catalogue", "export", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "conditions.json").is_file()
    check = runner.invoke(app, ["catalogue", "check", str(target)])
    assert check.exit_code == 0
    assert check.stdout.startswith("OK: ")
    doc = json.loads(
        runner.invoke(app, ["catalogue", "check", str(target), "--json"]).stdout
    )
    assert doc["ok"] and doc["conditions"] >= 17


def test_export_refuses_to_overwrite(runner, tmp_path: Path) -> None:
    """A second export into the same folder needs --force."""
    runner.invoke(app, ["catalogue", "export", str(tmp_path)])
    again = runner.invoke(app, ["catalogue", "export", str(tmp_path)])
    assert again.exit_code == 2
    assert "--force" in again.stderr
    assert (
        runner.invoke(app, ["catalogue", "export", str(tmp_path), "--force"]).exit_code
        == 0
    )


def test_check_lists_every_problem_and_exits_1(runner, catalogue_copy: Path) -> None:
    """Problems are listed one per line with file and entry; exit code 1."""
    path = catalogue_copy / "scoring.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["conditions"]["bakers_cyst"]["features"][0]["key"] = "shoe"
    data["conditions"]["plica_syndrome"]["features"].append(
        {"key": "age", "op": "gt", "value": 150, "lr": 2, "basis": "estimate"}
    )
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(app, ["catalogue", "check", str(catalogue_copy)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2 problems")
    assert "scoring.json: condition 'bakers_cyst' feature #1" in lines[1]
    assert "gt 150 can never be true" in lines[2]


def test_check_missing_files_says_so_once(runner, tmp_path: Path) -> None:
    """An empty folder: one line per missing file, not a cascade."""
    result = runner.invoke(app, ["catalogue", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert all("file not found" in line for line in result.stdout.splitlines()[1:])


def test_check_not_a_folder(runner, tmp_path: Path) -> None:
    """A path that is not a folder is a usage error."""
    result = runner.invoke(app, ["catalogue", "check", str(tmp_path / "nope")])
    assert result.exit_code == 2


def test_custom_catalogue_runs_and_names_its_version(catalogue_copy: Path) -> None:
    """--catalogue (before or after the command) runs with the clinic's catalogue;
    the result names its version; its own advice text is used."""
    path = catalogue_copy / "catalogue.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest |= {"name": "Riverside physio", "version": "clinic-7"}
    path.write_text(json.dumps(manifest), encoding="utf-8")
    advice = catalogue_copy / "advice.json"
    data = json.loads(advice.read_text(encoding="utf-8"))
    data["disclaimer"] = "Riverside says: this is not a diagnosis."
    advice.write_text(json.dumps(data), encoding="utf-8")
    for args in (
        ["--catalogue", str(catalogue_copy), "assess"],
        ["assess", "--catalogue", str(catalogue_copy)],
        ["assess", f"--catalogue={catalogue_copy}"],
    ):
        done = kneecheck(*args, "--answers", "-", "--json", "--no-diary", stdin="{}")
        assert done.returncode == 0, done.stderr
        doc = json.loads(done.stdout)
        assert doc["catalogue_version"] == "clinic-7"
        assert doc["catalogue_name"] == "Riverside physio"
        assert doc["disclaimer"].startswith("Riverside says")


def test_custom_catalogue_must_keep_contract_ids(catalogue_copy: Path) -> None:
    """A catalogue without a contract condition is refused (exit 3)."""
    path = catalogue_copy / "conditions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["conditions"] = [c for c in data["conditions"] if c["id"] != "bakers_cyst"]
    path.write_text(json.dumps(data), encoding="utf-8")
    done = kneecheck("tips", "--catalogue", str(catalogue_copy))
    assert done.returncode == 3
    assert "contract condition 'bakers_cyst' is missing" in done.stderr


def test_extra_condition_in_a_custom_catalogue(catalogue_copy: Path) -> None:
    """A clinic can add a condition: it is scored and listed like the others."""
    conditions = catalogue_copy / "conditions.json"
    data = json.loads(conditions.read_text(encoding="utf-8"))
    extra = dict(next(c for c in data["conditions"] if c["id"] == "bakers_cyst"))
    extra |= {
        "id": "gout_flare",
        "name": "Gout flare",
        "aliases": ["gout"],
        "look_alikes": [],
        "exercises": [],
        "clinician_first": "See a GP.",
    }
    data["conditions"].append(extra)
    conditions.write_text(json.dumps(data), encoding="utf-8")
    scoring = catalogue_copy / "scoring.json"
    model = json.loads(scoring.read_text(encoding="utf-8"))
    model["conditions"]["gout_flare"] = {
        "prior": {"young": 0.5, "adult": 1, "older": 2},
        "care_level": "appointment",
        "sources": ["glos_nhs_knee_pathway"],
        "features": [
            {
                "key": "red_flags",
                "op": "includes",
                "value": "hot_red_swollen",
                "lr": 40,
                "basis": "estimate",
            }
        ],
    }
    scoring.write_text(json.dumps(model), encoding="utf-8")
    done = kneecheck(
        "--catalogue",
        str(catalogue_copy),
        "assess",
        "--answers",
        "-",
        "--json",
        "--no-diary",
        stdin='{"red_flags": ["hot_red_swollen"]}',
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["conditions"][0]["id"] == "gout_flare"
    page = kneecheck("--catalogue", str(catalogue_copy), "explain", "gout")
    assert "Gout flare" in page.stdout


def test_hoist_catalogue() -> None:
    """--catalogue anywhere moves to the front; '--' stops the search."""
    assert hoist_catalogue(["assess", "--catalogue", "x", "--json"]) == (
        ["--catalogue", "x"],
        ["assess", "--json"],
    )
    assert hoist_catalogue(["tips", "--catalogue=y"]) == (["--catalogue=y"], ["tips"])
    assert hoist_catalogue(["log", "--", "--catalogue", "z"]) == (
        [],
        ["log", "--", "--catalogue", "z"],
    )
