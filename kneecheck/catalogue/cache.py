"""A private cache of the checked catalogue, so a run need not check it again.

Checking every feature, rule and cross-reference takes longer than the rest of
`assess --json`; the result only changes when a file of the catalogue, or
kneecheck itself, does. The cache is a speed-up and nothing more: any problem
reading or writing it means the catalogue is simply loaded and checked.
"""

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from .. import __version__
from ..paths import cache_dir, ensure_private
from .models import Catalogue

try:  # the C unpickler alone: pickle.py costs more to import than the load
    from _pickle import load
except ImportError:  # not CPython
    from pickle import load

CACHE_FILE = "catalogue.pickle"


# The modules whose classes the cache holds: a change to them (while developing,
# within one version) must not bring back records of the old shape.
RECORD_MODULES = (
    Path(__file__).with_name("models.py"),
    Path(__file__).parent.parent / "predicates.py",
)


def cache_key(folder: Path) -> str:
    """Changes with kneecheck's version and record modules, the folder, and any
    catalogue file's size or time."""
    parts = [__version__, str(folder)]
    # iterdir, not glob: the same files without compiling a pattern
    files = sorted(p for p in folder.iterdir() if p.name.endswith(".json"))
    for path in (*RECORD_MODULES, *files):
        stat = path.stat()
        parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def cached(folder: Path, build: Callable[[], Catalogue]) -> Catalogue:
    """The catalogue of `folder` from the cache, else `build()` it and keep it.
    A broken catalogue raises from `build()` and is never kept."""
    try:
        path, key = cache_dir() / CACHE_FILE, cache_key(folder)
    except OSError:  # a folder we cannot list: no caching
        return build()
    try:
        with path.open("rb") as f:
            stored_key, catalogue = load(f)
        if stored_key == key and isinstance(catalogue, Catalogue):
            return catalogue
    except Exception:  # no cache yet, another catalogue's, an old or damaged one
        pass
    catalogue = build()
    with contextlib.suppress(Exception):  # a read-only home: fine, just slower
        _keep(path, key, catalogue)
    return catalogue


def _keep(path: Path, key: str, catalogue: Catalogue) -> None:
    import pickle
    import tempfile

    ensure_private(path.parent)
    # mkstemp makes the file 0600, like everything else in the kneecheck home
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump((key, catalogue), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
