"""Turn training files into runs: readers registered by file type.

Pure parsing: nothing here touches the database. The caller stores what
`read_import` returns, all of it or nothing, so every problem raises before
anything is returned. A new format is one module with a reader, and one line in
READERS.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable, Iterable

from ..namedtuples import NamedTuple
from .records import KM_PER_UNIT, ImportedRun, ImportFileError, ImportResult, Skipped

__all__ = [
    "READERS",
    "ImportFileError",
    "ImportResult",
    "ImportedRun",
    "Skipped",
    "read_import",
]

Read = Callable[
    [pathlib.Path, "float | None"], "tuple[list[ImportedRun], list[Skipped]]"
]


class Reader(NamedTuple):
    """How to read one file type, and which files of a folder are of it."""

    read: Read
    in_folder: Callable[[pathlib.Path], bool]


def _gpx(
    path: pathlib.Path, unit: float | None
) -> tuple[list[ImportedRun], list[Skipped]]:
    from .gpx import read_gpx  # gpxpy is imported only when a GPX file is read

    return read_gpx(path, unit)


def _fit(
    path: pathlib.Path, unit: float | None
) -> tuple[list[ImportedRun], list[Skipped]]:
    from .fit import read_fit  # the FIT SDK is imported only when a FIT file is read

    return read_fit(path, unit)


def _tcx(
    path: pathlib.Path, unit: float | None
) -> tuple[list[ImportedRun], list[Skipped]]:
    from .tcx import read_tcx

    return read_tcx(path, unit)


def _zip(
    path: pathlib.Path, unit: float | None
) -> tuple[list[ImportedRun], list[Skipped]]:
    from .strava_zip import read_strava_zip

    return read_strava_zip(path, unit)


def _strava(
    path: pathlib.Path, unit: float | None
) -> tuple[list[ImportedRun], list[Skipped]]:
    from .strava_csv import read_strava_csv

    runs, skipped = read_strava_csv(path, unit)
    return list(runs), list(skipped)


# file type -> reader; a folder is read for the files each reader claims. A
# file type may also come gzipped (name.fit.gz): see kind_of.
READERS: dict[str, Reader] = {
    ".gpx": Reader(_gpx, lambda p: True),
    ".fit": Reader(_fit, lambda p: True),
    ".tcx": Reader(_tcx, lambda p: True),
    ".csv": Reader(_strava, lambda p: p.name.lower() == "activities.csv"),
    ".zip": Reader(_zip, lambda p: False),  # a Strava export, given by name
}


def kind_of(path: pathlib.Path) -> str:
    """A file's type for READERS: its suffix, looking through a final .gz."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return pathlib.PurePath(name).suffix


Progress = Callable[[int, int, int], None]  # files done, files in all, runs found


def read_import(
    path: pathlib.Path,
    csv_distance_unit: str | None = None,
    known: frozenset[str] = frozenset(),
    progress: Progress | None = None,
) -> ImportResult:
    """A file of a registered type, or a folder (every file a reader claims,
    sorted by type then name: GPX, FIT and TCX files, gzipped or not, and an
    activities.csv).

    A file whose content hash is in `known` (imported before) is passed over
    without parsing it; `progress` hears about every file done.
    """
    km_per_unit = _unit_factor(csv_distance_unit)
    if not path.exists():
        raise ImportFileError(f"{path} not found")
    runs: list[ImportedRun] = []
    skipped: list[Skipped] = []
    read: list[str] = []
    passed_over = 0
    files = _files_to_read(path)
    for done, file in enumerate(files, 1):
        digest = content_hash(file)
        if digest is not None and digest in known:
            passed_over += 1
        else:
            try:
                got, passed = READERS[kind_of(file)].read(file, km_per_unit)
            except ImportFileError as exc:
                if len(files) == 1 and file == path:
                    raise  # the one file asked for: nothing else can import
                skipped.append(Skipped(file.name, _reason(file, exc), unreadable=True))
            else:
                runs += got
                skipped += passed
                if digest is not None:
                    read.append(digest)
        if progress is not None:
            progress(done, len(files), len(runs))
    return ImportResult(
        _first_of_each_key(runs), tuple(skipped), tuple(read), passed_over
    )


def content_hash(path: pathlib.Path) -> str | None:
    """The SHA-256 of a file's bytes, streamed; None when it cannot be read (the
    reader will then say why)."""
    import hashlib

    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _reason(file: pathlib.Path, exc: ImportFileError) -> str:
    """The message without the file name it starts with (the row names it)."""
    prefix = f"{file.name}: "
    return exc.message[len(prefix) :] if exc.message.startswith(prefix) else exc.message


def _unit_factor(unit: str | None) -> float | None:
    """Kilometres per unit of a single Distance column; None means km by default."""
    if unit is None:
        return None
    factor = KM_PER_UNIT.get(unit.strip().lower())
    if factor is None:
        raise ImportFileError(f"unknown CSV distance unit {unit!r}: use km, mi or m")
    return factor


def _files_to_read(path: pathlib.Path) -> list[pathlib.Path]:
    if path.is_dir():
        files = sorted((p for p in path.iterdir() if p.is_file()), key=lambda p: p.name)
        found = [
            p
            for suffix, reader in READERS.items()
            for p in files
            if kind_of(p) == suffix and reader.in_folder(p)
        ]
        if not found:
            raise ImportFileError(
                f"{path}: no activity files to import (looked for *.gpx, *.fit, "
                "*.tcx, gzipped or not, and activities.csv)"
            )
        return found
    if kind_of(path) not in READERS:
        *others, last = READERS  # the message follows the registry
        raise ImportFileError(f"{path}: not a {', '.join(others)} or {last} file")
    return [path]


def _first_of_each_key(runs: Iterable[ImportedRun]) -> tuple[ImportedRun, ...]:
    seen: set[str] = set()
    kept: list[ImportedRun] = []
    for run in runs:
        if run.source_key not in seen:
            seen.add(run.source_key)
            kept.append(run)
    return tuple(kept)
