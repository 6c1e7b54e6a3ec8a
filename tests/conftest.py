"""Shared fixtures: an isolated home, the real catalogue, a CLI runner.

Helpers that tests import live in helpers.py.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest
from helpers import CASES, HOLDOUT, PUBLISHED, VIGNETTES
from typer.testing import CliRunner

from kneecheck.catalogue import Catalogue, default_catalogue_dir, load_catalogue
from kneecheck.evaluate import Case, Outcome, Report, load_cases, run


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


WORKERS = os.cpu_count() or 1  # as refit_lrs.py --cv shares its folds


def _interview(job: tuple[Catalogue, list[Case]]) -> list[Outcome]:
    """One worker's share of the interviews (module level: it crosses processes)."""
    catalogue, cases = job
    return run(catalogue, cases, adaptive=True)


@pytest.fixture(scope="session")
def interviewed(
    catalogue: Catalogue, published_tune_cases: list[Case], written_cases: list[Case]
) -> dict[str, Report]:
    """The tune split and the written cases, each run with every answer and
    through the adaptive interview (slow: run once, shared by the tests; the
    interviews, about two minutes on one core, are shared among the cores)."""
    sets = {"tune": published_tune_cases, "written": written_cases}
    jobs = [
        (catalogue, cases[k::WORKERS])
        for cases in sets.values()
        for k in range(WORKERS)
    ]
    with ProcessPoolExecutor(WORKERS, mp_context=get_context("fork")) as pool:
        parts = list(pool.map(_interview, jobs))
    reports = {}
    for i, (name, cases) in enumerate(sets.items()):
        shares = parts[i * WORKERS : (i + 1) * WORKERS]
        # back in the cases' order: worker k had cases k, k + WORKERS, ...
        adaptive = tuple(shares[j % WORKERS][j // WORKERS] for j in range(len(cases)))
        assert [o.case.id for o in adaptive] == [c.id for c in cases]
        reports[name] = Report(adaptive, (), None, tuple(run(catalogue, cases)))
    return reports


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
