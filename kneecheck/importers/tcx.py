"""TCX activity files (Garmin Training Center XML): laps add up to the run."""

import datetime
import hashlib
import pathlib
import xml.etree.ElementTree as ET

from .records import ImportedRun, ImportFileError, Skipped, one_line, read_bytes

NS = "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}"


def read_tcx(
    path: pathlib.Path, _csv_unit: float | None = None
) -> tuple[list[ImportedRun], list[Skipped]]:
    """One .tcx (or .tcx.gz) file: a run for each running activity in it."""
    data = read_bytes(path)
    runs: list[ImportedRun] = []
    skipped: list[Skipped] = []
    for item in tcx_runs(path.name, data):
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            runs.append(item)
    return runs, skipped


def tcx_runs(name: str, data: bytes) -> list[ImportedRun | Skipped]:
    """Every activity of a TCX file as a run, or why it was skipped."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ImportFileError(f"{name}: not valid XML ({one_line(exc)})") from None
    if root.tag != f"{NS}TrainingCenterDatabase":
        raise ImportFileError(f"{name}: XML, but not a TCX file")
    activities = root.findall(f"{NS}Activities/{NS}Activity")
    if not activities:
        raise ImportFileError(f"{name}: a TCX file with no activity")
    out: list[ImportedRun | Skipped] = []
    for n, activity in enumerate(activities, 1):
        where = name if len(activities) == 1 else f"{name} activity {n}"
        sport = (activity.get("Sport") or "").strip()
        if sport.lower() != "running":
            out.append(Skipped(where, f"not a run ({sport or 'no sport'})"))
            continue
        laps = activity.findall(f"{NS}Lap")
        starts = [_time(where, lap.get("StartTime")) for lap in laps]
        if not laps or starts[0] is None:
            raise ImportFileError(f"{where}: no laps with a start time")
        metres = sum(
            _number(where, lap.findtext(f"{NS}DistanceMeters")) for lap in laps
        )
        seconds = sum(
            _number(where, lap.findtext(f"{NS}TotalTimeSeconds")) for lap in laps
        )
        if metres <= 0:
            out.append(Skipped(where, "no distance"))
            continue
        out.append(
            ImportedRun(
                date=starts[0].astimezone().date(),
                distance_km=round(metres / 1000, 3),
                duration_min=round(seconds / 60, 2) if seconds > 0 else None,
                shoes=None,
                source="tcx",
                source_key=f"tcx:{hashlib.sha256(data).hexdigest()}:{n}",
                name=None,
                where=where,
                start=starts[0],
            )
        )
    return out


def _time(where: str, raw: str | None) -> datetime.datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ImportFileError(
            f"{where}: start time {raw[:30]!r} is not a date"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def _number(where: str, raw: str | None) -> float:
    if raw is None or not raw.strip():
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        raise ImportFileError(f"{where}: {raw[:30]!r} is not a number") from None
    if value != value or value < 0 or value == float("inf"):
        raise ImportFileError(f"{where}: {raw[:30]!r} is not a distance or time")
    return value
