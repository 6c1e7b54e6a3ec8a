"""What the importers produce: runs, skipped activities, and the errors."""

from __future__ import annotations

import datetime
import io
import pathlib

from ..errors import ExitCode, KneecheckError
from ..namedtuples import NamedTuple
from ..units import KM_PER_MILE

MAX_FILE_BYTES = 64 << 20  # one activity file; a day-long ultra is a few MiB
# kilometres per distance unit a file may use
KM_PER_UNIT = {"km": 1.0, "mi": KM_PER_MILE, "m": 0.001}


class ImportedRun(NamedTuple):
    """One run read from a file, ready to be stored."""

    date: datetime.date  # local date of the start of the activity
    distance_km: float  # > 0, rounded to 3 decimals
    duration_min: float | None  # elapsed (or moving) time in minutes, None if unknown
    shoes: str | None  # gear name, stripped, None if empty
    source: str  # "gpx" or "strava"
    source_key: str  # "gpx:<sha256 of file bytes>" or "strava:<Activity ID>"
    name: str | None  # activity name/title if any
    where: str = ""  # the file, or "file.csv row 7": how to name it to the runner
    start: datetime.datetime | None = None  # when it started (aware), to match copies


class Skipped(NamedTuple):
    """An activity that was read but deliberately not imported."""

    where: str  # "file.csv row 7" or "walk.gpx"
    reason: str  # e.g. "not a run (Ride)"
    unreadable: bool = False  # a damaged or mislabelled file, not a choice
    file: str = ""  # a summary row's own activity file, which may hold what it lacks


class ImportResult(NamedTuple):
    """Everything one import read: the runs and what was skipped."""

    runs: tuple[ImportedRun, ...]
    skipped: tuple[Skipped, ...]
    read: tuple[str, ...] = ()  # content hashes of the files read whole
    known: int = 0  # files passed over: the same content was imported before


class ImportFileError(KneecheckError):
    """A malformed file or row: the message names the file (and the row)."""

    exit_code = ExitCode.USAGE


def read_bytes(path: pathlib.Path) -> bytes:
    """A file's bytes (unzipped when it ends in .gz), or an ImportFileError
    naming it. The size is capped: no activity file comes near it."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ImportFileError(
                f"{path.name}: larger than {MAX_FILE_BYTES >> 20} MiB"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            f"{path.name}: cannot be read ({exc.strerror or exc})"
        ) from None
    return gunzip(path.name, data) if path.name.lower().endswith(".gz") else data


def gunzip(name: str, data: bytes) -> bytes:
    """The content of a .gz file, capped; an ImportFileError when it is not gzip."""
    import gzip
    import zlib

    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
            out = f.read(MAX_FILE_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ImportFileError(
            f"{name}: not a valid gzip file ({one_line(exc)})"
        ) from None
    if len(out) > MAX_FILE_BYTES:
        raise ImportFileError(
            f"{name}: unpacks to more than {MAX_FILE_BYTES >> 20} MiB"
        )
    return out


def decode(name: str, data: bytes) -> str:
    """UTF-8 text (a byte-order mark allowed), or an ImportFileError naming the file."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(f"{name}: not UTF-8 text") from None


def one_line(exc: BaseException) -> str:
    """The first line of an exception's message, for a one-line error."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
