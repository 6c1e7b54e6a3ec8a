"""Turn training files (GPX tracks, a Strava activities.csv) into runs.

Pure parsing: nothing here touches the database. The caller stores what
`read_import` returns, all of it or nothing, so every problem raises before
anything is returned.
"""

import csv
import datetime
import hashlib
import io
import math
import pathlib
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

import gpxpy
import gpxpy.gpx

from ..errors import ExitCode, KneecheckError
from ..units import KM_PER_MILE

__all__ = [
    "ImportFileError",
    "ImportResult",
    "ImportedRun",
    "Skipped",
    "read_import",
]


class ImportedRun(NamedTuple):
    """One run read from a file, ready to be stored."""

    date: datetime.date  # local date of the start of the activity
    distance_km: float  # > 0, rounded to 3 decimals
    duration_min: float | None  # elapsed (or moving) time in minutes, None if unknown
    shoes: str | None  # gear name, stripped, None if empty
    source: str  # "gpx" or "strava"
    source_key: str  # "gpx:<sha256 of file bytes>" or "strava:<Activity ID>"
    name: str | None  # activity name/title if any


class Skipped(NamedTuple):
    """An activity that was read but deliberately not imported."""

    where: str  # "file.csv row 7" or "walk.gpx"
    reason: str  # e.g. "not a run (Ride)"


class ImportResult(NamedTuple):
    runs: tuple[ImportedRun, ...]
    skipped: tuple[Skipped, ...]


class ImportFileError(KneecheckError):
    """A malformed file or row: the message names the file (and the row)."""

    exit_code = ExitCode.USAGE


_KM_PER = {"km": 1.0, "mi": KM_PER_MILE, "m": 0.001}

# Strava activity types imported from activities.csv (compared lower-cased).
_CSV_RUN_TYPES = frozenset({"run", "trail run", "virtual run"})

# GPX <trk><type> values: anything mentioning running is a run; these words
# (as a word of the type, e.g. "road_biking", "Mountain Biking") are clearly not.
_GPX_RUN_WORDS = frozenset({"run", "running", "9"})  # Strava writes "running" or "9"
# fmt: off
_GPX_OTHER_WORDS = frozenset(
    {
        "bike", "biking", "cycling", "ride", "ebike", "mtb",
        "hike", "hiking", "walk", "walking",
        "swim", "swimming", "row", "rowing", "kayaking", "canoeing", "paddling",
        "ski", "skiing", "snowboard", "snowboarding", "skate", "skating",
        "elliptical",
        "1",  # Strava's numeric code for a ride
    }
)
_GPX_OTHER_COMPACT = frozenset(
    {
        "virtualride", "ebikeride", "mountainbikeride", "gravelride",
        "alpineski", "nordicski", "backcountryski", "inlineskate", "iceskate",
        "standuppaddling",
    }
)

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
# fmt: on

# "Nov 20, 2026, 7:15:32 AM"; \s also matches the narrow no-break space that
# newer exports put before AM/PM.
_STRAVA_DATE = re.compile(
    r"([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{1,2}),\s*(\d{4}),?\s+"
    r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])"
)

_REQUIRED_COLUMNS = ("Activity ID", "Activity Date", "Activity Type", "Distance")


def read_import(
    path: pathlib.Path, csv_distance_unit: str | None = None
) -> ImportResult:
    """A .gpx file, a folder (every *.gpx in it, sorted, and an activities.csv
    if present), or a Strava activities.csv (any .csv)."""
    km_per_unit = _unit_factor(csv_distance_unit)
    if not path.exists():
        raise ImportFileError(f"{path} not found")
    runs: list[ImportedRun] = []
    skipped: list[Skipped] = []
    for file in _files_to_read(path):
        if file.suffix.lower() == ".gpx":
            item = _read_gpx(file)
            if isinstance(item, Skipped):
                skipped.append(item)
            else:
                runs.append(item)
        else:
            csv_runs, csv_skipped = _read_strava_csv(file, km_per_unit)
            runs.extend(csv_runs)
            skipped.extend(csv_skipped)
    return ImportResult(runs=_first_of_each_key(runs), skipped=tuple(skipped))


def _unit_factor(unit: str | None) -> float | None:
    """Kilometres per unit of a single Distance column; None means km by default."""
    if unit is None:
        return None
    factor = _KM_PER.get(unit.strip().lower())
    if factor is None:
        raise ImportFileError(f"unknown CSV distance unit {unit!r}: use km, mi or m")
    return factor


def _files_to_read(path: pathlib.Path) -> list[pathlib.Path]:
    if path.is_dir():
        files = sorted((p for p in path.iterdir() if p.is_file()), key=lambda p: p.name)
        gpx = [p for p in files if p.suffix.lower() == ".gpx"]
        csvs = [p for p in files if p.name.lower() == "activities.csv"]
        if not gpx and not csvs:
            raise ImportFileError(
                f"{path}: no .gpx or .csv files to import"
                " (looked for *.gpx and activities.csv)"
            )
        return gpx + csvs
    if path.suffix.lower() not in (".gpx", ".csv"):
        raise ImportFileError(f"{path}: not a .gpx or .csv file")
    return [path]


def _first_of_each_key(runs: Iterable[ImportedRun]) -> tuple[ImportedRun, ...]:
    seen: set[str] = set()
    kept: list[ImportedRun] = []
    for run in runs:
        if run.source_key not in seen:
            seen.add(run.source_key)
            kept.append(run)
    return tuple(kept)


def _read_bytes(path: pathlib.Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            f"{path.name}: cannot be read ({exc.strerror or exc})"
        ) from None


def _decode(path: pathlib.Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(f"{path.name}: not UTF-8 text") from None


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


# --- GPX -------------------------------------------------------------------


def _read_gpx(path: pathlib.Path) -> ImportedRun | Skipped:
    data = _read_bytes(path)
    text = _decode(path, data)
    try:
        gpx = gpxpy.parse(text)
    except (gpxpy.gpx.GPXException, ValueError) as exc:
        raise ImportFileError(
            f"{path.name}: not a valid GPX file ({_one_line(exc)})"
        ) from None

    points = [
        point
        for track in gpx.tracks
        for segment in track.segments
        for point in segment.points
    ]
    if not points:
        raise ImportFileError(f"{path.name}: no track points")

    for track in gpx.tracks:
        if track.type and _gpx_type_is_not_running(track.type):
            return Skipped(path.name, f"not a run ({track.type.strip()})")

    times = [p.time for p in points if p.time is not None]
    if not times:
        raise ImportFileError(f"{path.name}: has no timestamps, so its date is unknown")
    start, end = times[0], times[-1]
    if (start.tzinfo is None) != (end.tzinfo is None):
        raise ImportFileError(
            f"{path.name}: mixes timestamps with and without a time zone"
        )
    local_start = start.astimezone() if start.tzinfo is not None else start
    seconds = (end - start).total_seconds()

    metres = 0.0
    for track in gpx.tracks:
        metres += track.length_3d() or track.length_2d() or 0.0
    distance_km = round(metres / 1000, 3)
    if distance_km <= 0:
        return Skipped(path.name, "no distance")

    names = [t.name for t in gpx.tracks] + [gpx.name]
    return ImportedRun(
        date=local_start.date(),
        distance_km=distance_km,
        duration_min=round(seconds / 60, 2) if seconds > 0 else None,
        shoes=None,
        source="gpx",
        source_key="gpx:" + hashlib.sha256(data).hexdigest(),
        name=next((n.strip() for n in names if n and n.strip()), None),
    )


def _gpx_type_is_not_running(kind: str) -> bool:
    words = re.split(r"[\s_\-/]+", kind.strip().lower())
    if _GPX_RUN_WORDS.intersection(words):
        return False
    return bool(_GPX_OTHER_WORDS.intersection(words)) or (
        "".join(words) in _GPX_OTHER_COMPACT
    )


# --- Strava activities.csv ---------------------------------------------------


def _read_strava_csv(
    path: pathlib.Path, km_per_unit: float | None
) -> tuple[list[ImportedRun], list[Skipped]]:
    text = _decode(path, _read_bytes(path))
    rows = csv.reader(io.StringIO(text, newline=""))
    header = _next_row(path.name, 1, rows)
    if header is None:
        raise ImportFileError(f"{path.name}: empty file, no header row")
    columns = _Columns(path.name, [h.strip() for h in header])
    if columns.distance_is_metres:
        factor = _KM_PER["m"]
    else:
        factor = km_per_unit if km_per_unit is not None else _KM_PER["km"]

    runs: list[ImportedRun] = []
    skipped: list[Skipped] = []
    # Rows are counted as a spreadsheet shows them: the header is row 1, and a
    # quoted value spanning several lines is still one row.
    row_no = 2
    while (row := _next_row(path.name, row_no, rows)) is not None:
        if row:  # a blank line is a row with nothing in it
            item = _strava_row(path.name, row_no, row, columns, factor)
            if isinstance(item, Skipped):
                skipped.append(item)
            else:
                runs.append(item)
        row_no += 1
    return runs, skipped


def _next_row(file: str, row_no: int, rows: Iterator[list[str]]) -> list[str] | None:
    try:
        return next(rows, None)
    except csv.Error as exc:
        raise ImportFileError(
            f"{file} row {row_no}: not valid CSV ({_one_line(exc)})"
        ) from None


class _Columns:
    """Where the columns of interest sit in a Strava activities.csv header."""

    def __init__(self, file: str, header: Sequence[str]) -> None:
        self.width = len(header)
        positions: dict[str, list[int]] = {}
        for i, name in enumerate(header):
            positions.setdefault(name, []).append(i)
        missing = [c for c in _REQUIRED_COLUMNS if c not in positions]
        if missing:
            names = ", ".join(repr(c) for c in missing)
            raise ImportFileError(f"{file} row 1: missing column {names}")
        # The export repeats some columns; the later copy is the raw value
        # (Distance in metres, Elapsed Time as seconds with decimals).
        self._at = {name: where[-1] for name, where in positions.items()}
        self.distance_is_metres = len(positions["Distance"]) > 1

    def get(self, row: Sequence[str], name: str) -> str:
        i = self._at.get(name)
        return row[i].strip() if i is not None else ""


def _strava_row(
    file: str, row_no: int, row: Sequence[str], columns: _Columns, km_per: float
) -> ImportedRun | Skipped:
    where = f"{file} row {row_no}"
    if len(row) != columns.width:
        raise ImportFileError(
            f"{where}: has {len(row)} columns, the header has {columns.width}"
        )
    kind = columns.get(row, "Activity Type")
    if kind.lower() not in _CSV_RUN_TYPES:
        return Skipped(where, f"not a run ({kind or 'no activity type'})")

    activity_id = columns.get(row, "Activity ID")
    if not activity_id:
        raise ImportFileError(f"{where}: 'Activity ID' is empty")
    date = _strava_local_date(where, columns.get(row, "Activity Date"))

    raw_distance = columns.get(row, "Distance")
    if not raw_distance:
        return Skipped(where, "no distance")
    distance = _number(where, "Distance", raw_distance)
    distance_km = round(distance * km_per, 3)
    if distance_km == 0:
        return Skipped(where, "no distance")

    # Elapsed time, else moving time; 0 or empty means unknown.
    times = [
        _number(where, column, raw)
        for column in ("Elapsed Time", "Moving Time")
        if (raw := columns.get(row, column))
    ]
    seconds = next((t for t in times if t > 0), None)

    gear = columns.get(row, "Activity Gear")
    name = columns.get(row, "Activity Name")
    return ImportedRun(
        date=date,
        distance_km=distance_km,
        duration_min=round(seconds / 60, 2) if seconds is not None else None,
        shoes=gear or None,
        source="strava",
        source_key=f"strava:{activity_id}",
        name=name or None,
    )


def _number(where: str, column: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ImportFileError(f"{where}: {column!r} is {raw!r}, not a number")
    if value < 0:
        raise ImportFileError(f"{where}: {column!r} is {raw!r}, below zero")
    return value


def _strava_local_date(where: str, raw: str) -> datetime.date:
    """The local date of a Strava export timestamp, which is in UTC."""
    moment = _parse_strava_time(raw)
    if moment is None:
        shown = repr(raw) if raw else "empty"
        raise ImportFileError(f"{where}: 'Activity Date' is {shown}, not a date")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    try:
        return moment.astimezone().date()
    except (OverflowError, ValueError):
        raise ImportFileError(
            f"{where}: 'Activity Date' {raw!r} is out of range"
        ) from None


def _parse_strava_time(raw: str) -> datetime.datetime | None:
    match = _STRAVA_DATE.fullmatch(raw)
    if match:
        month = _MONTHS.get(match[1].lower())
        hour = int(match[4])
        if month is None or not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match[7].lower() == "pm" else 0)
        try:
            return datetime.datetime(
                int(match[3]),
                month,
                int(match[2]),
                hour,
                int(match[5]),
                int(match[6] or 0),
            )
        except ValueError:
            return None
    iso = raw[:-1] + "+00:00" if raw[-1:] in ("Z", "z") else raw
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*", iso):
        return None  # a bare date has no time to convert from UTC
    try:
        return datetime.datetime.fromisoformat(iso)
    except ValueError:
        return None
