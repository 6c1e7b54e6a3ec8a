"""Strava's activities.csv: one row an activity; runs only."""

from __future__ import annotations

import csv
import datetime
import io
import math
import pathlib
import re
from collections.abc import Iterator, Sequence

from .records import (
    KM_PER_UNIT,
    ImportedRun,
    ImportFileError,
    Skipped,
    decode,
    one_line,
    read_bytes,
)

# Strava activity types imported from activities.csv (compared lower-cased).
_CSV_RUN_TYPES = frozenset({"run", "trail run", "virtual run"})

# fmt: off
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


def read_strava_csv(
    path: pathlib.Path, km_per_unit: float | None
) -> tuple[list[ImportedRun], list[Skipped]]:
    """A Strava activities.csv: its runs, and the other activities skipped."""
    return strava_rows(path.name, decode(path.name, read_bytes(path)), km_per_unit)


def strava_rows(
    name: str, text: str, km_per_unit: float | None
) -> tuple[list[ImportedRun], list[Skipped]]:
    """The rows of an activities.csv: runs, and the rest with why they were
    skipped (a run without a distance names its own activity file, if any)."""

    rows = csv.reader(io.StringIO(text, newline=""))
    header = _next_row(name, 1, rows)
    if header is None:
        raise ImportFileError(f"{name}: empty file, no header row")
    columns = _Columns(name, [h.strip() for h in header])
    if columns.distance_is_metres:
        factor = KM_PER_UNIT["m"]
    else:
        factor = km_per_unit if km_per_unit is not None else KM_PER_UNIT["km"]

    runs: list[ImportedRun] = []
    skipped: list[Skipped] = []
    # Rows are counted as a spreadsheet shows them: the header is row 1, and a
    # quoted value spanning several lines is still one row.
    row_no = 2
    while (row := _next_row(name, row_no, rows)) is not None:
        if row:  # a blank line is a row with nothing in it
            item = _strava_row(name, row_no, row, columns, factor)
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
            f"{file} row {row_no}: not valid CSV ({one_line(exc)})"
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
        """The value of a named column in a row, stripped."""
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
    moment = _strava_moment(where, columns.get(row, "Activity Date"))
    date = _local_date(where, moment)

    raw_distance = columns.get(row, "Distance")
    own_file = columns.get(row, "Filename")
    if not raw_distance:
        return Skipped(where, "no distance", file=own_file)
    distance = _number(where, "Distance", raw_distance)
    distance_km = round(distance * km_per, 3)
    if distance_km == 0:
        return Skipped(where, "no distance", file=own_file)

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
        where=where,
        start=moment,
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


def _strava_moment(where: str, raw: str) -> datetime.datetime:
    """A Strava export timestamp, which is in UTC, as an aware moment."""
    moment = _parse_strava_time(raw)
    if moment is None:
        shown = repr(raw) if raw else "empty"
        raise ImportFileError(f"{where}: 'Activity Date' is {shown}, not a date")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment


def _local_date(where: str, moment: datetime.datetime) -> datetime.date:
    """The runner's local date of a moment."""
    try:
        return moment.astimezone().date()
    except (OverflowError, ValueError):
        raise ImportFileError(
            f"{where}: 'Activity Date' {moment.isoformat()} is out of range"
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
