"""Shared fixtures: an isolated home, the real catalogue, a CLI runner.

Helpers that tests import live in helpers.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import CASES, HOLDOUT, PUBLISHED, VIGNETTES
from typer.testing import CliRunner

from kneecheck.catalogue import Catalogue, default_catalogue_dir, load_catalogue
from kneecheck.evaluate import Case, Report, load_cases, run


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


@pytest.fixture(scope="session")
def written_cases(catalogue: Catalogue) -> list[Case]:
    """The cases written from the criteria: ours, our holdout, the vignettes."""
    folders = [CASES, HOLDOUT] + ([VIGNETTES] if VIGNETTES.is_dir() else [])
    return load_cases(folders, catalogue)


@pytest.fixture(scope="session")
def published_tune_cases(catalogue: Catalogue) -> list[Case]:
    """The tune split of the real published patients (never the holdout)."""
    return load_cases([PUBLISHED], catalogue, split="tune")


@pytest.fixture(scope="session")
def interviewed(
    catalogue: Catalogue, published_tune_cases: list[Case], written_cases: list[Case]
) -> dict[str, Report]:
    """The tune split and the written cases, each run with every answer and
    through the adaptive interview (slow: run once, shared by the tests)."""
    return {
        name: Report(
            tuple(run(catalogue, cases, adaptive=True)),
            (),
            None,
            tuple(run(catalogue, cases)),
        )
        for name, cases in (("tune", published_tune_cases), ("written", written_cases))
    }


@pytest.fixture(name="runner")
def _runner() -> CliRunner:
    """Typer's in-process runner."""
    return CliRunner()


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    """A writable copy of the built-in catalogue folder, to break on purpose."""
    target = tmp_path / "catalogue"
    target.mkdir()
    for f in default_catalogue_dir().glob("*.json"):
        (target / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    return target
