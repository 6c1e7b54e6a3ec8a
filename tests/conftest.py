"""Shared fixtures: the real catalogue, a CLI runner, and the case files."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kneecheck.catalogue import Catalogue, default_catalogue_dir, load_catalogue

TESTS = Path(__file__).resolve().parent
CASES = TESTS / "cases"
HOLDOUT = TESTS / "holdout"  # written after the weights were tuned; never tuned on
# The shared vignettes sit beside the checkout (../shared); CI has them too.
VIGNETTES = TESTS.parent.parent / "shared" / "vignettes"
LEVELS = ["self_care", "appointment", "urgent", "emergency"]  # least urgent first


def load_cases(folder: Path) -> list[dict[str, Any]]:
    return [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))
    ]


def all_cases() -> list[dict[str, Any]]:
    cases = load_cases(CASES) + load_cases(HOLDOUT)
    if VIGNETTES.is_dir():
        cases += load_cases(VIGNETTES)
    return cases


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test gets its own home and the built-in catalogue, whatever the shell."""
    monkeypatch.setenv("KNEECHECK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KNEECHECK_CATALOGUE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The built-in catalogue, loaded once."""
    return load_catalogue()


@pytest.fixture(name="runner")
def _runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    """A writable copy of the built-in catalogue folder, to break on purpose."""
    target = tmp_path / "catalogue"
    target.mkdir()
    for f in default_catalogue_dir().glob("*.json"):
        (target / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def kneecheck_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("KNEECHECK_CATALOGUE", None)
    return env


PUBLISHED = TESTS / "published"  # real patients from published case reports


def published_split(case_id: str) -> str:
    """The fixed rule that chose the holdout split before any weight was changed:
    a case is held out when the first hex digit of the SHA-256 of its id is 0-6
    (7 of 16, about 44 %). Per case, so adding cases never moves another one."""
    import hashlib

    digit = int(hashlib.sha256(case_id.encode("utf-8")).hexdigest()[0], 16)
    return "holdout" if digit < 7 else "tune"
