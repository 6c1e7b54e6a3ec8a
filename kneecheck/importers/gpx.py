"""GPX tracks (Garmin, Strava, most apps): one track, one run."""

from __future__ import annotations

import hashlib
import pathlib
import re

import gpxpy
import gpxpy.gpx

from .records import ImportedRun, ImportFileError, Skipped, decode, one_line, read_bytes

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
# fmt: on


def read_gpx(
    path: pathlib.Path, _csv_unit: float | None = None
) -> tuple[list[ImportedRun], list[Skipped]]:
    """One .gpx file: its run, or why it was skipped."""
    item = _read_one(path)
    return ([], [item]) if isinstance(item, Skipped) else ([item], [])


def _read_one(path: pathlib.Path) -> ImportedRun | Skipped:
    return gpx_run(path.name, read_bytes(path))


def gpx_run(name: str, data: bytes) -> ImportedRun | Skipped:
    """The run a GPX document records (all its tracks together)."""

    text = decode(name, data)
    try:
        gpx = gpxpy.parse(text)
    except (gpxpy.gpx.GPXException, ValueError) as exc:
        raise ImportFileError(
            f"{name}: not a valid GPX file ({one_line(exc)})"
        ) from None

    points = [
        point
        for track in gpx.tracks
        for segment in track.segments
        for point in segment.points
    ]
    if not points:
        raise ImportFileError(f"{name}: no track points")

    for track in gpx.tracks:
        if track.type and _gpx_type_is_not_running(track.type):
            return Skipped(name, f"not a run ({track.type.strip()})")

    times = [p.time for p in points if p.time is not None]
    if not times:
        raise ImportFileError(f"{name}: has no timestamps, so its date is unknown")
    start, end = times[0], times[-1]
    if (start.tzinfo is None) != (end.tzinfo is None):
        raise ImportFileError(f"{name}: mixes timestamps with and without a time zone")
    local_start = start.astimezone() if start.tzinfo is not None else start
    seconds = (end - start).total_seconds()

    metres = 0.0
    for track in gpx.tracks:
        metres += track.length_3d() or track.length_2d() or 0.0
    distance_km = round(metres / 1000, 3)
    if distance_km <= 0:
        return Skipped(name, "no distance")

    names = [t.name for t in gpx.tracks] + [gpx.name]
    return ImportedRun(
        date=local_start.date(),
        distance_km=distance_km,
        duration_min=round(seconds / 60, 2) if seconds > 0 else None,
        shoes=None,
        source="gpx",
        source_key="gpx:" + hashlib.sha256(data).hexdigest(),
        name=next((n.strip() for n in names if n and n.strip()), None),
        where=name,
        start=start if start.tzinfo is not None else None,
    )


def _gpx_type_is_not_running(kind: str) -> bool:
    words = re.split(r"[\s_\-/]+", kind.strip().lower())
    if _GPX_RUN_WORDS.intersection(words):
        return False
    return bool(_GPX_OTHER_WORDS.intersection(words)) or (
        "".join(words) in _GPX_OTHER_COMPACT
    )
