"""Strava's bulk export, as downloaded: a ZIP read in place, never unpacked.

The export's activities.csv already summarises every activity, so a run is
read from it; the activity's own file (activities/123.fit.gz, .gpx, .tcx...)
is opened only when the summary lacks the distance. Members are read one at a
time, capped in size, and only when the CSV names them: a member's path can
never reach outside the archive, because nothing is ever written to disk.
"""

import pathlib
import posixpath
import zipfile

from .records import (
    MAX_FILE_BYTES,
    ImportedRun,
    ImportFileError,
    Skipped,
    gunzip,
    one_line,
)

CSV_NAME = "activities.csv"
MAX_CSV_BYTES = 64 << 20  # tens of thousands of activities fit in a few MiB


def read_strava_zip(
    path: pathlib.Path, km_per_unit: float | None = None
) -> tuple[list[ImportedRun], list[Skipped]]:
    """The runs of a Strava export ZIP, and what was skipped, with why."""
    from .strava_csv import strava_rows

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(
            f"{path.name}: not a valid ZIP file ({one_line(exc)})"
        ) from None
    with archive:
        members = {info.filename: info for info in archive.infolist()}
        if CSV_NAME not in members:
            raise ImportFileError(
                f"{path.name}: a ZIP file, but not a Strava export (no {CSV_NAME})"
            )
        text = _member(archive, members[CSV_NAME], MAX_CSV_BYTES, path.name)
        try:
            csv_text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError(
                f"{path.name}: {CSV_NAME} is not UTF-8 text"
            ) from None
        runs, skipped = strava_rows(f"{path.name}/{CSV_NAME}", csv_text, km_per_unit)
        kept: list[Skipped] = []
        for item in skipped:
            found = _from_own_file(archive, members, item, path.name)
            if isinstance(found, ImportedRun):
                runs.append(found)
            else:
                kept.append(found)
    return runs, kept


def _from_own_file(
    archive: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    item: Skipped,
    zip_name: str,
) -> ImportedRun | Skipped:
    """A run row without a distance, completed from its own activity file."""
    if not item.file:
        return item
    name = safe_member_name(item.file)
    if name is None or name not in members:
        return item._replace(
            reason=f"{item.reason} (its file {item.file!r} is not in the export)"
        )
    try:
        data = _member(archive, members[name], MAX_FILE_BYTES, zip_name)
        if name.lower().endswith(".gz"):
            data = gunzip(name, data)
        found = _parse(name, data)
    except ImportFileError as exc:
        return Skipped(item.where, exc.message, unreadable=True)
    if not isinstance(found, ImportedRun):
        return item
    # the summary row's identity wins: the same activity, not another one
    return found._replace(where=item.where)


def _parse(name: str, data: bytes) -> ImportedRun | Skipped:
    from .fit import fit_run
    from .gpx import gpx_run
    from .tcx import tcx_runs

    inner = name.lower().removesuffix(".gz")
    if inner.endswith(".fit"):
        return fit_run(name, data)
    if inner.endswith(".gpx"):
        return gpx_run(name, data)
    if inner.endswith(".tcx"):
        first = tcx_runs(name, data)[0]
        return first
    raise ImportFileError(f"{name}: not a .fit, .gpx or .tcx activity file")


def safe_member_name(name: str) -> str | None:
    """A member name as the archive stores it, or None when it climbs out
    ('../'), is absolute, or names a drive: such a name is never read."""
    if not name or "\\" in name or name.startswith("/") or ":" in name:
        return None
    clean = posixpath.normpath(name)
    if clean.startswith("../") or clean == ".." or clean.startswith("/"):
        return None
    return clean


def _member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, zip_name: str
) -> bytes:
    """One member's bytes, streamed and capped (a ZIP bomb stops at the cap)."""
    try:
        with archive.open(info) as f:
            data = f.read(cap + 1)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
        raise ImportFileError(
            f"{zip_name}: {info.filename} cannot be read ({one_line(exc)})"
        ) from None
    if len(data) > cap:
        raise ImportFileError(
            f"{zip_name}: {info.filename} is larger than {cap >> 20} MiB"
        )
    return data
