"""Lint and types are part of the suite, so `pytest` alone keeps main clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        text=True,
        capture_output=True,
        timeout=300,
    )


@pytest.mark.timeout(300)
def test_ruff_clean() -> None:
    """ruff finds nothing and the code is formatted."""
    check = run("ruff", "check", "kneecheck", "tests")
    assert check.returncode == 0, check.stdout
    fmt = run("ruff", "format", "--check", "kneecheck", "tests")
    assert fmt.returncode == 0, fmt.stdout


@pytest.mark.timeout(300)
def test_mypy_clean() -> None:
    """mypy --strict finds nothing in the package."""
    done = run("mypy")
    assert done.returncode == 0, done.stdout
