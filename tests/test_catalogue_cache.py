"""The private cache of the checked catalogue: a speed-up, never a source of truth."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest

from kneecheck.catalogue.build import load
from kneecheck.catalogue.cache import CACHE_FILE, cached
from kneecheck.catalogue.reader import Loader
from kneecheck.errors import CatalogueError
from kneecheck.paths import cache_dir


def build(folder: Path):
    return lambda: load(Loader(folder))


def test_second_load_comes_from_the_cache(catalogue_copy: Path) -> None:
    """The first load checks and keeps; the second reads the cache, same result."""
    calls = []

    def counted():
        calls.append(1)
        return load(Loader(catalogue_copy))

    first = cached(catalogue_copy, counted)
    assert (cache_dir() / CACHE_FILE).is_file()
    assert oct((cache_dir()).stat().st_mode & 0o777) == "0o700"
    assert oct((cache_dir().parent).stat().st_mode & 0o777) == "0o700"
    assert oct((cache_dir() / CACHE_FILE).stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in cache_dir().iterdir()] == [CACHE_FILE]  # no leftovers
    second = cached(catalogue_copy, counted)
    assert calls == [1] and second == first


def test_a_changed_file_is_checked_again(catalogue_copy: Path) -> None:
    """Editing a catalogue file (here: a new version name) invalidates the cache."""
    cached(catalogue_copy, build(catalogue_copy))
    manifest = catalogue_copy / "catalogue.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["version"] = "edited-1"
    manifest.write_text(json.dumps(data), encoding="utf-8")
    os.utime(manifest, ns=(1, 1))  # a different time, whatever the clock did
    assert cached(catalogue_copy, build(catalogue_copy)).version == "edited-1"


def test_a_broken_catalogue_is_never_kept(catalogue_copy: Path) -> None:
    """A catalogue that fails the check raises, and leaves no cache behind."""
    (catalogue_copy / "tips.json").write_text("{", encoding="utf-8")
    with pytest.raises(CatalogueError):
        cached(catalogue_copy, build(catalogue_copy))
    assert not (cache_dir() / CACHE_FILE).exists()


def test_a_damaged_cache_is_ignored(catalogue_copy: Path) -> None:
    """Garbage, or another folder's catalogue, in the cache: checked afresh."""
    cache_dir().mkdir(parents=True)
    (cache_dir() / CACHE_FILE).write_bytes(b"not a pickle")
    assert cached(catalogue_copy, build(catalogue_copy)).conditions
    with (cache_dir() / CACHE_FILE).open("wb") as f:
        pickle.dump(("another key", "not a catalogue"), f)
    assert cached(catalogue_copy, build(catalogue_copy)).conditions


def test_an_unwritable_home_only_costs_time(
    catalogue_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A home that is a file (nothing can be written there): still loads."""
    blocker = tmp_path / "blocked"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    monkeypatch.setenv("KNEECHECK_HOME", str(blocker))
    assert cached(catalogue_copy, build(catalogue_copy)).conditions
