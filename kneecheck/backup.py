"""The backup formats: what `export` writes and `import` reads back.

`export --format json` holds everything (entries, shoes, assessments, units);
`export --format csv` the entries. Both read back through `read_backup`, which
checks every value before anything is written and names the file and the entry
or row of a problem.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .diary import (
    Entry,
    EntryError,
    NewEntry,
    Shoe,
    check_entry,
    check_shoe_start,
    readable_assessment,
)
from .errors import UsageError
from .inputs import parse_json
from .namedtuples import NamedTuple
from .output import envelope, printable, to_json

BACKUP_KIND = "backup"  # the `kind` of the JSON document
# The columns of `export --format csv`, one diary entry a row.
CSV_FIELDS = (
    "id",
    "date",
    "kind",
    "distance_km",
    "duration_min",
    "pain_during",
    "pain_after",
    "next_morning",
    "settled",
    "shoes",
    "note",
    "source",
)
MAX_ENTRY_ID = 2**63 - 1  # SQLite's largest rowid; ids start at 1
MAX_BACKUP_BYTES = 64 << 20  # ten years of daily entries are a few MiB


class BackupEntry(NamedTuple):
    """One entry of a backup: what to add, the id it had, and the keys of the
    copies that were merged into it (so a re-import still knows them)."""

    id: int | None
    entry: NewEntry
    merged_keys: tuple[str, ...] = ()


class BackupShoe(NamedTuple):
    """A pair of shoes as a backup holds it."""

    name: str
    start_km: float
    retired: bool
    default: bool


class Backup(NamedTuple):
    """Everything a backup file holds, checked."""

    units: str | None
    entries: tuple[BackupEntry, ...]
    shoes: tuple[BackupShoe, ...]
    assessments: tuple[dict[str, Any], ...]
    imported_files: tuple[str, ...]


class Keys(NamedTuple):
    """What the diary keeps beside an entry for telling copies apart."""

    source_key: str | None
    started_at: str | None
    merged_keys: tuple[str, ...]


def export_text(
    fmt: str,
    entries: Sequence[Entry],
    units: str,
    shoes: Sequence[Shoe],
    assessments: Sequence[dict[str, Any]],
    keys: dict[int, Keys],
    imported_files: Sequence[str],
) -> str:
    """The text of `export`: CSV of the entries, or the whole diary as JSON."""
    rows = [e.to_dict() for e in entries]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue()
    for row in rows:
        k = keys.get(row["id"])
        row["source_key"] = k.source_key if k else None
        row["started_at"] = k.started_at if k else None
        row["merged_keys"] = list(k.merged_keys) if k else []
    return to_json(
        envelope(
            BACKUP_KIND,
            {
                "units": units,
                "entries": rows,
                "shoes": [
                    {
                        "name": s.name,
                        "start_km": s.start_km,
                        "distance_km": s.distance_km,
                        "retired": s.retired,
                        "default": s.default,
                    }
                    for s in shoes
                ],
                "assessments": list(assessments),
                "imported_files": list(imported_files),
            },
        )
    )


def is_backup(path: Path) -> bool:
    """A file `export` wrote: JSON of kind backup, or CSV with its header.
    Every .json file is read as a backup: no activity file is JSON, and a
    wrong one is then told what a backup is."""
    if not path.is_file():
        return False
    if path.suffix.lower() == ".json":
        return True
    try:
        with path.open(encoding="utf-8-sig") as f:
            head = f.read(4096)
    except (OSError, UnicodeDecodeError):
        return False
    if path.suffix.lower() == ".csv":
        return head.splitlines()[:1] == [",".join(CSV_FIELDS)]
    return False


def read_backup(path: Path) -> Backup:
    """A backup file, checked whole; a UsageError names the file and the entry
    or row of the first problem."""
    try:
        if path.stat().st_size > MAX_BACKUP_BYTES:
            raise UsageError(f"{path.name}: larger than {MAX_BACKUP_BYTES >> 20} MiB")
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise UsageError(f"{path.name}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path.name}: not UTF-8 text") from None
    if path.suffix.lower() == ".csv":
        return _from_csv(path.name, text)
    return _from_json(path.name, text)


def _from_json(name: str, text: str) -> Backup:
    doc = parse_json(text, name, "backup", UsageError)
    if not isinstance(doc, dict) or doc.get("kind") != BACKUP_KIND:
        raise UsageError(
            f"{name}: not a kneecheck backup (`kneecheck export --format json` "
            "writes one)"
        )
    units = doc.get("units")
    if units not in (None, "km", "mi"):
        raise UsageError(f"{name}: units {str(units)[:20]!r} are not km or mi")
    entries = tuple(
        _entry(f"{name} entry {i}{_id_of(raw)}", raw)
        for i, raw in enumerate(_list(name, doc, "entries"), 1)
    )
    shoes = tuple(
        _shoe(f"{name} shoes {_name_of(raw) or i}", raw)
        for i, raw in enumerate(_list(name, doc, "shoes"), 1)
    )
    assessments = []
    for i, raw in enumerate(_list(name, doc, "assessments"), 1):
        if not (
            isinstance(raw, dict)
            and _timestamp(raw.get("created_at"))
            and readable_assessment(raw.get("answers"), raw.get("result"))
        ):
            raise UsageError(
                f"{name} assessment {i}: needs created_at (a date and time), "
                "answers and a result with its triage, conditions and run guidance"
            )
        # stored as text without control characters, like notes and names
        assessments.append(_printable_json(raw))
    files = _list(name, doc, "imported_files")
    if not all(isinstance(h, str) for h in files):
        raise UsageError(f"{name}: imported_files must list strings")
    return Backup(units, entries, shoes, tuple(assessments), tuple(files))


def _timestamp(value: object) -> bool:
    """An ISO date and time, as `assess` stores them."""
    if not isinstance(value, str) or len(value) > 40:
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _printable_json(value: Any) -> Any:
    """A JSON value with every string (keys too) freed of control characters."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [_printable_json(v) for v in value]
    if isinstance(value, dict):
        return {printable(str(k)): _printable_json(v) for k, v in value.items()}
    return value


def _list(name: str, doc: dict[str, Any], key: str) -> list[Any]:
    value = doc.get(key, [])
    if not isinstance(value, list):
        raise UsageError(f"{name}: '{key}' must be a list")
    return value


def _id_of(raw: object) -> str:
    """' (id 12)' for an entry with an id that can be one, to find it by."""
    found = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(found, bool) or not isinstance(found, int):
        return ""
    return f" (id {found})" if 0 < found <= MAX_ENTRY_ID else ""


def _name_of(raw: object) -> str | None:
    """A pair's name as the backup gives it, quoted, to find it by."""
    from .catalogue.types import quote

    found = raw.get("name") if isinstance(raw, dict) else None
    return quote(found) if isinstance(found, str) else None


def _bad(where: str, key: str, value: object) -> UsageError:
    """A value of the wrong type, as JSON writes it (null, not None)."""
    from .catalogue.types import json_type

    return UsageError(f"{where}: '{key}' is {json_type(value)}")


def _entry(where: str, raw: object) -> BackupEntry:
    if not isinstance(raw, dict):
        raise UsageError(f"{where}: not an object")

    def get(key: str, kind: type | tuple[type, ...]) -> Any:
        value = raw.get(key)
        if value is not None and (
            (isinstance(value, bool) and kind is not bool)
            or not isinstance(value, kind)
        ):
            raise _bad(where, key, value)
        return value

    try:
        day = date.fromisoformat(get("date", str) or "")
    except ValueError:
        raise UsageError(f"{where}: 'date' is not a date like 2026-11-25") from None
    started = get("started_at", str)
    try:
        start = (
            None
            if started is None
            else datetime.fromisoformat(
                started[:-1] + "+00:00" if started.endswith("Z") else started
            )
        )
    except ValueError:
        raise UsageError(f"{where}: 'started_at' is not a time") from None
    merged = get("merged_keys", list) or []
    if not all(isinstance(k, str) for k in merged):
        raise UsageError(f"{where}: 'merged_keys' must list strings")
    kind = get("kind", str)
    if kind is None:
        raise _bad(where, "kind", kind)
    entry = NewEntry(
        date=day,
        kind=kind,
        distance_km=get("distance_km", (int, float)),
        duration_min=get("duration_min", (int, float)),
        shoes=get("shoes", str),
        pain_during=get("pain_during", int),
        pain_after=get("pain_after", int),
        next_morning=get("next_morning", int),
        note=get("note", str),
        source=get("source", str) or "manual",
        source_key=get("source_key", str),
        started_at=start,
    )
    try:
        check_entry(entry)
    except EntryError as exc:
        raise UsageError(f"{where}: {exc.message}") from None
    entry_id = get("id", int)
    if entry_id is not None and not 0 < entry_id <= MAX_ENTRY_ID:
        raise UsageError(f"{where}: 'id' is {str(entry_id)[:40]}, not an entry id")
    return BackupEntry(entry_id, entry, tuple(merged))


def _shoe(where: str, raw: object) -> BackupShoe:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise UsageError(f"{where}: needs a name")
    start = raw.get("start_km", 0)
    if isinstance(start, bool) or not isinstance(start, (int, float)):
        raise _bad(where, "start_km", start)
    try:
        check_shoe_start(float(start))
    except EntryError as exc:
        raise UsageError(f"{where}: {exc.message}") from None
    return BackupShoe(
        raw["name"], float(start), bool(raw.get("retired")), bool(raw.get("default"))
    )


def _from_csv(name: str, text: str) -> Backup:
    reader = csv.DictReader(io.StringIO(text))
    entries = [
        _entry(f"{name} row {reader.line_num}", _csv_row(name, reader.line_num, row))
        for row in reader
    ]
    shoes = {e.entry.shoes for e in entries if e.entry.shoes}
    return Backup(
        None,
        tuple(entries),
        tuple(BackupShoe(s, 0.0, False, False) for s in sorted(shoes)),
        (),
        (),
    )


def _csv_row(name: str, line: int, row: dict[str, str | None]) -> dict[str, Any]:
    """A row of `export --format csv` as the values of a JSON backup entry."""
    # DictReader keys the extra cells of a long row None, and fills a short one
    # with None: either way it is not a row `export` wrote
    if None in row or None in row.values():
        how = "too many" if None in row else "too few"
        raise UsageError(
            f"{name} row {line}: {how} columns (`kneecheck export --format csv` "
            f"writes {len(CSV_FIELDS)})"
        )

    def number(key: str, whole: bool = False) -> Any:
        value = (row.get(key) or "").strip()
        if not value:
            return None
        try:
            return int(value) if whole else float(value)
        except ValueError:
            raise UsageError(f"{name} row {line}: '{key}' is {value[:40]!r}") from None

    return {
        "id": number("id", whole=True),
        "date": row.get("date"),
        "kind": row.get("kind"),
        "distance_km": number("distance_km"),
        "duration_min": number("duration_min"),
        "pain_during": number("pain_during", whole=True),
        "pain_after": number("pain_after", whole=True),
        "next_morning": number("next_morning", whole=True),
        "shoes": row.get("shoes") or None,
        "note": row.get("note") or None,
        "source": row.get("source") or "manual",
    }
