"""The diary as library functions: log, history, shoes, import, report, export,
forget, info, units. Questions arrive as callables; nothing here prints."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..catalogue import Catalogue
from ..diary import (
    PAIN_RANGE,
    Diary,
    DiaryError,
    Entry,
    EntryError,
    NewEntry,
    Shoe,
    check_entry,
    check_shoe,
    delete_diary,
    diary_path,
    exists,
    home,
    implausible,
    open_diary,
    pain_in_range,
)
from ..errors import UsageError
from ..namedtuples import NamedTuple
from ..output import envelope, printable
from ..paths import default_catalogue_dir
from ..trends import History, history, shoe_rows
from ..units import from_km, localise, shown, to_km

# ---------------------------------------------------------------- the diary


class EntryFields(NamedTuple):
    """One diary entry as the runner gives it (distance in their units)."""

    date: date
    rest: bool = False
    distance: float | None = None
    duration: float | None = None
    pain_during: int | None = None
    pain_after: int | None = None
    next_morning: int | None = None
    shoes: str | None = None
    note: str | None = None

    def entry(self, units: str, shoes: str | None = None) -> NewEntry:
        """The diary entry: km, and the shoes resolved (check_entry refuses
        shoes named for a rest day, never dropping them without a word)."""
        km = None if self.distance is None else round(to_km(self.distance, units), 3)
        return NewEntry(
            date=self.date,
            kind="rest" if self.rest else "run",
            distance_km=km,
            duration_min=self.duration,
            shoes=shoes,
            pain_during=self.pain_during,
            pain_after=self.pain_after,
            next_morning=self.next_morning,
            note=self.note,
        )


@contextmanager
def _in_units(units: str) -> Iterator[None]:
    """A refused value is named in the runner's units, as they typed it."""
    try:
        yield
    except EntryError as exc:
        raise EntryError(localise(exc.message, units), *exc.fields) from None


def _units() -> str:
    """The runner's units, read without making a diary."""
    with open_diary(readonly=True) as diary:
        return diary.units()


def check_entry_fields(fields: EntryFields) -> None:
    """Refuse what cannot be written before the diary is written (or created),
    in the runner's units."""
    units = _units()
    with _in_units(units):
        check_entry(fields.entry(units, fields.shoes))
    if fields.shoes and not exists():
        raise EntryError(
            f"no shoes called '{fields.shoes}'; add them with `kneecheck shoes add`"
        )


def entry_from_json(source: str) -> EntryFields:
    """One entry from a JSON object in a file, or standard input as '-': the
    keys are the fields of EntryFields, as `log` takes them (distance in the
    runner's units, next_morning 0-10 or "settled"). Anything else is a
    one-line usage error."""
    from ..catalogue.types import json_type, quote
    from ..inputs import read_json

    raw = read_json(source, "entry", UsageError)
    if not isinstance(raw, dict):
        raise UsageError(f"an entry must be a JSON object, not {json_type(raw)}")
    unknown = sorted(k for k in raw if k not in EntryFields._fields)
    if unknown:
        raise UsageError(
            f"unknown entry key {quote(unknown[0])} (known keys: "
            f"{', '.join(EntryFields._fields)})"
        )

    def number(key: str) -> float | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise UsageError(f"'{key}' must be a number, not {json_type(value)}")
        return float(value)

    def pain(key: str) -> int | None:
        value = raw.get(key)
        if key == "next_morning" and value == "settled":
            return 0
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise UsageError(f"'{key}' must be a whole number, not {json_type(value)}")
        if not pain_in_range(value):
            raise UsageError(f"'{key}' is {value}, out of range ({PAIN_RANGE})")
        return value

    def text(key: str) -> str | None:
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            raise UsageError(f"'{key}' must be a string, not {json_type(value)}")
        return value

    when = text("date")
    try:
        day = date.today() if when is None else date.fromisoformat(when)
    except ValueError:
        raise UsageError(
            f"'date' {quote(when or '')} is not a date like 2026-11-25"
        ) from None
    rest = raw.get("rest", False)
    if not isinstance(rest, bool):
        raise UsageError(f"'rest' must be true or false, not {json_type(rest)}")
    return EntryFields(
        day,
        rest,
        number("distance"),
        number("duration"),
        pain("pain_during"),
        pain("pain_after"),
        pain("next_morning"),
        text("shoes"),
        text("note"),
    )


class Logged(NamedTuple):
    """What `log` wrote (or, when `added` is false, would have), and the units
    to show it in."""

    entry: NewEntry
    units: str
    added: bool = True


AskUnits = Callable[[], str]
AskEntry = Callable[[str, list[str], Shoe | None], EntryFields]
# Asked when a manual run looks like one an import already holds: add it too?
ConfirmDuplicate = Callable[[Entry, str], bool]


def log_entry(
    fields: EntryFields | None,
    ask_units: AskUnits | None = None,
    ask_entry: AskEntry | None = None,
    confirm_duplicate: ConfirmDuplicate | None = None,
    add_anyway: bool = False,
) -> Logged:
    """Add one run or rest day. With no fields, `ask_entry` asks for them; the
    units are asked once on first use when `ask_units` is given. A run with no
    shoes named takes the default pair; unknown shoes are an error. A run that
    an import already holds (same day, distance within 3 %) is added only with
    `add_anyway` or when `confirm_duplicate` says yes; without either it is a
    usage error with the hint. Everything is asked before anything is
    written, and a diary that is not there yet is made only then: a question
    cancelled leaves no diary and no setting behind."""
    fresh = not exists()
    with open_diary(readonly=fresh) as diary:  # readonly: nothing made yet
        units = diary.setting("units")
        chosen = None  # units asked now, stored with the entry
        if not units:
            units = "km"
            if ask_units is not None:
                units = chosen = ask_units()
        if fields is None:
            if ask_entry is None:
                raise UsageError("nothing to log")
            shoes = [s.name for s in diary.shoes(include_retired=False)]
            fields = ask_entry(units, shoes, diary.default_shoe())
        shoe = fields.shoes
        default = diary.default_shoe()
        if not fields.rest and shoe is None and default is not None:
            shoe = default.name
        if shoe is not None:
            shoe = diary.shoe(shoe).name  # unknown shoes: a clear error
        new = fields.entry(units, shoe)
        twin = None if add_anyway else diary.same_imported_run(new)
        if twin is not None:
            if confirm_duplicate is None:
                raise UsageError(
                    f"entry {twin.id}, a {twin.source} run of "
                    f"{shown(twin.distance_km, units)} on {twin.date}, looks like "
                    "this one; add --add-anyway to log it too, or change that one "
                    f"with `kneecheck entries edit {twin.id}`"
                )
            if not confirm_duplicate(twin, units):
                return Logged(new, units, added=False)
        if not fresh:
            _store(diary, new, chosen, units)
    if fresh:
        with open_diary() as diary:
            _store(diary, new, chosen, units)
    return Logged(new, units)


def _store(diary: Diary, new: NewEntry, chosen: str | None, units: str) -> None:
    """Write what `log` asked: the entry, then the units chosen (a refused
    entry leaves no setting behind)."""
    with _in_units(units):
        diary.add_entries([new])
    if chosen is not None:
        diary.set_setting("units", chosen)


class EntryList(NamedTuple):
    """Diary entries with their ids, and the units to show them in."""

    units: str
    entries: list[Entry]

    def to_dict(self) -> dict[str, Any]:
        """The `entries --json` document (distances in km, as everywhere)."""
        return envelope(
            "entries",
            {"units": self.units, "entries": [e.to_dict() for e in self.entries]},
        )


def list_entries(since: date | None = None, limit: int | None = None) -> EntryList:
    """The entries from `since`, the latest `limit` of them, oldest first."""
    with open_diary(readonly=True) as diary:
        found = diary.entries(since)
        units = diary.units()
    return EntryList(units, found[-limit:] if limit else found)


# The diary column each change of `entries edit` replaces.
_COLUMN_OF = {
    "distance": "distance_km",
    "duration": "duration_min",
    "pain_during": "pain_during",
    "pain_after": "pain_after",
    "next_morning": "next_morning",
    "note": "note",
}


def edit_entry(entry_id: int, changes: dict[str, Any]) -> Logged:
    """Change what entry `entry_id` holds: `changes` has the keys of EntryFields
    that were given (distance in the runner's units); the rest stays. `rest`
    makes it a rest day; a distance makes a rest day a run."""
    unknown = set(changes) - set(EntryFields._fields)
    if unknown:
        raise UsageError(f"cannot change {', '.join(sorted(unknown))}")
    _require_entries(entry_id)
    # a damaged cell that is given a new value is mended, not refused
    replaced = [_COLUMN_OF[k] for k in changes if k in _COLUMN_OF]
    with _open_to_mend(entry_id) as diary:
        old = diary.entry(entry_id, unread=replaced)
        units = diary.units()
        rest = changes.get("rest", old.kind == "rest" and "distance" not in changes)
        distance = changes.get(
            "distance",
            None if old.distance_km is None else from_km(old.distance_km, units),
        )
        # a run made a rest day keeps nothing of the run unless it is given
        run_only = rest and old.kind == "run"
        fields = EntryFields(
            date=changes.get("date", old.date),
            rest=bool(rest),
            distance=None if rest else distance,
            duration=changes.get("duration", None if run_only else old.duration_min),
            pain_during=changes.get(
                "pain_during", None if run_only else old.pain_during
            ),
            pain_after=changes.get("pain_after", old.pain_after),
            next_morning=changes.get("next_morning", old.next_morning),
            shoes=changes.get("shoes", None if run_only else old.shoes) or None,
            note=changes.get("note", old.note) or None,
        )
        new = fields.entry(units, fields.shoes)
        if "distance" not in changes and not rest:
            new = new._replace(distance_km=old.distance_km)  # no rounding trip
        with _in_units(units):
            diary.update_entry(entry_id, new)
    return Logged(new, units)


def _open_to_mend(*ids: int) -> Diary:
    """The diary, to change or delete entries `ids`: refused when damaged, as
    for every writer, unless the damage found is in one of those entries
    (the change or the deletion is the way out of it)."""
    try:
        return open_diary(create=False)
    except DiaryError as exc:
        if exc.entry_id not in ids:
            raise
    return open_diary(create=False, check="structure")


def _require_entries(*ids: int) -> None:
    """With no diary yet no id exists: a usage error, not a missing diary."""
    if not exists():
        with open_diary(readonly=True) as diary:  # empty: names the first id
            diary.entry(ids[0])


def delete_entries(
    ids: list[int], confirm: Callable[[list[str]], bool] | None = None
) -> list[int]:
    """Delete entries by id after `confirm` says yes to their descriptions
    ("12 (2026-11-29 run)"; None: no question); an unknown id deletes
    nothing. A damaged entry can be deleted: that is the way out of it.
    Returns the ids deleted (empty: nothing)."""
    _require_entries(*ids)
    with _open_to_mend(*ids) as diary:
        found = [diary.entry_or_damage(i) for i in ids]
        if confirm is not None:
            words = [
                f"{i} (damaged: {e})"
                if isinstance(e, str)
                else f"{i} ({e.date} {e.kind})"
                for i, e in zip(ids, found, strict=True)
            ]
            if not confirm(words):
                return []
        return diary.delete_entries(ids)


def record_morning(pain: int | None, ask: Callable[[], int] | None = None) -> Entry:
    """The next-morning pain for the latest run (asked when not given)."""
    if not exists():
        raise EntryError(
            "there is no run in the diary to add a morning check to; log a run first"
        )
    if pain is None:
        if ask is None:
            raise UsageError("give the next-morning pain")
        pain = ask()
    with open_diary() as diary:
        return diary.set_next_morning(pain)


class HistoryData(NamedTuple):
    """The history and the latest stored assessment in full."""

    history: History
    latest: dict[str, Any] | None


def history_data(catalogue: Catalogue, weeks: int) -> HistoryData:
    """The history and the latest assessment, from one read of the diary."""
    with open_diary(readonly=True) as diary:
        stored = diary.assessments()
        doc = history(
            diary.entries(),
            diary.shoes(),
            stored,
            date.today(),
            weeks,
            diary.units(),
            catalogue.advice,
        )
    latest = None
    if stored:
        latest = {**stored[-1]["result"], "created_at": stored[-1]["created_at"]}
    return HistoryData(doc, latest)


class ShoeList(NamedTuple):
    """Every pair with its distance and warning, and the units to show them in."""

    units: str
    rows: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """The `shoes list --json` document."""
        return envelope("shoes", {"units": self.units, "shoes": self.rows})


def shoe_list(catalogue: Catalogue) -> ShoeList:
    """Every pair, retired ones too."""
    with open_diary(readonly=True) as diary:
        return ShoeList(diary.units(), shoe_rows(diary.shoes(), catalogue.advice))


class ShoeChange(NamedTuple):
    """A pair after a change, and the units to show its distance in."""

    shoe: Shoe
    units: str


def add_shoe(name: str, start: float, default: bool) -> ShoeChange:
    """A new pair; `start` (already run in them) is in the runner's units.
    A pair refused is refused before a diary is made."""
    if not exists():  # a new diary is in km until the runner says otherwise
        check_shoe(name, start)
    with open_diary() as diary:
        units = diary.units()
        with _in_units(units):
            shoe = diary.add_shoe(name, to_km(start, units), default)
        return ShoeChange(shoe, units)


def retire_shoe(name: str) -> ShoeChange:
    """Retire a pair: it keeps its history."""
    with open_diary() as diary:
        return ShoeChange(diary.retire_shoe(name), diary.units())


def set_default_shoe(name: str) -> Shoe:
    """The pair new runs use when none is named."""
    with open_diary() as diary:
        return diary.set_default_shoe(name)


class ImportReport(NamedTuple):
    """What an import did: added, already there, merged with the same run from
    another source, skipped while reading (with why), runs dated in the future
    (refused, never silently dropped), and files passed over as imported before."""

    path: Path
    added: int
    duplicates: int  # the same file or activity, imported before
    merged: int  # the same run from another source (watch and export...)
    skipped: tuple[Any, ...]  # importers.Skipped: a file or row, and why
    future: tuple[Any, ...]  # importers.ImportedRun dated after today
    dates: tuple[date, date] | None  # the first and last day of the runs read
    known_files: int = 0  # passed over unread: the same content as before

    def to_dict(self) -> dict[str, Any]:
        """The `import --json` document."""
        return envelope(
            "import",
            {
                "path": str(self.path),
                "added": self.added,
                "already_in_diary": self.duplicates,
                "duplicates_merged": self.merged,
                "files_already_imported": self.known_files,
                "skipped": [
                    {"where": s.where, "reason": s.reason}
                    for s in self.skipped
                    if not s.unreadable
                ]
                + [
                    {"where": r.where, "reason": f"dated {r.date}, in the future"}
                    for r in self.future
                ],
                "unreadable": [
                    {"where": s.where, "reason": s.reason}
                    for s in self.skipped
                    if s.unreadable
                ],
                "from": self.dates[0].isoformat() if self.dates else None,
                "to": self.dates[1].isoformat() if self.dates else None,
            },
        )


def import_runs(
    path: Path,
    csv_units: str | None,
    today: date | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> ImportReport:
    """Read runs from a file, folder or export and add the new ones to the
    diary; files imported before (same content) are passed over unread."""
    from ..importers import Skipped, read_import

    known: frozenset[str] = frozenset()
    if exists():  # a failed first import must not leave an empty diary behind
        with open_diary(readonly=True) as diary:
            known = diary.imported_files()
    result = read_import(path, csv_units, known, progress)
    today = today or date.today()
    future = tuple(r for r in result.runs if r.date > today)
    # A GPS glitch (a 5000 km "run") is named and skipped, never stored.
    wild = {
        r.source_key: problem
        for r in result.runs
        if r.date <= today
        and (problem := implausible(r.date, r.distance_km, r.duration_min, today))
    }
    skipped = tuple(
        # names from a file or an export are shown: never with control characters
        s._replace(where=printable(s.where), reason=printable(s.reason))
        for s in (
            *result.skipped,
            *(
                Skipped(r.where, wild[r.source_key])
                for r in result.runs
                if r.source_key in wild
            ),
        )
    )
    future = tuple(r._replace(where=printable(r.where)) for r in future)
    new = [
        NewEntry(
            date=r.date,
            distance_km=r.distance_km,
            duration_min=r.duration_min,
            shoes=r.shoes,
            note=r.name,
            source=r.source,
            source_key=r.source_key,
            started_at=r.start,
        )
        for r in result.runs
        if r.date <= today and r.source_key not in wild
    ]
    with open_diary() as diary:
        done = diary.add_entries(new, create_shoes=True)
        diary.remember_files(result.read)  # after the runs: never ahead of them
    days = sorted(e.date for e in new)
    span = (days[0], days[-1]) if days else None
    return ImportReport(
        path,
        done.added,
        done.duplicates,
        done.merged,
        skipped,
        future,
        span,
        result.known,
    )


class ReportData(NamedTuple):
    """Everything the physio report shows; its writers read `to_dict()`."""

    generated: str  # ISO time the report was made
    units: str
    disclaimer: str
    pain_limit: int
    verdict_titles: dict[str, str]  # the catalogue's title of each verdict
    history: History
    assessment: dict[str, Any] | None  # the latest stored result, in full
    red_flags_screened: list[dict[str, str]]  # id, label

    def to_dict(self) -> dict[str, Any]:
        """The `report --format json` document (the history in the runner's units)."""
        history = self.history.to_dict()
        for shoe in history["shoes"]:
            if shoe["warning"]:
                shoe["warning"] = localise(shoe["warning"], self.units)
        fields = self._asdict() | {"history": history}
        return envelope("report", fields)


def report_data(catalogue: Catalogue, weeks: int) -> ReportData:
    """Everything the physio report shows, from one read of the diary."""
    data = history_data(catalogue, weeks)
    return ReportData(
        generated=datetime.now().isoformat(timespec="seconds"),
        units=data.history.units,
        disclaimer=catalogue.advice.disclaimer,
        pain_limit=catalogue.advice.run_rules.pain_limit,
        verdict_titles={v: t.title for v, t in catalogue.advice.verdicts.items()},
        history=data.history,
        assessment=data.latest,
        red_flags_screened=[
            {"id": f.id, "label": f.label} for f in catalogue.red_flags
        ],
    )


class Exported(NamedTuple):
    """The text of an export, and the damaged entries and assessments it left
    out (each named, "entry 5 (distance_km 'abc')")."""

    text: str
    skipped: tuple[str, ...]


def export_text(fmt: str) -> Exported:
    """Everything as a JSON backup (`json`), or the diary entries as CSV. With
    no diary yet the export is empty (and no diary is created). A damaged
    entry or assessment is left out and named, so a backup can still be made
    of everything else."""
    from ..backup import export_text as write

    with open_diary(readonly=True, check="structure") as diary:
        text = write(
            fmt,
            diary.entries(),
            diary.units(),
            diary.shoes(),
            diary.assessments() if fmt == "json" else [],
            diary.keys(),
            sorted(diary.imported_files()),
        )
        return Exported(text, tuple(diary.skipped))


class RestoreReport(NamedTuple):
    """What `import` of a backup did."""

    path: Path
    entries: int
    already_in_diary: int
    shoes: int
    assessments: int

    def to_dict(self) -> dict[str, Any]:
        """The `import --json` document of a restore."""
        fields = self._asdict() | {"path": str(self.path)}
        return envelope("restore", fields)


def is_backup(path: Path) -> bool:
    """Whether `path` is a file `export` wrote (JSON or CSV), to restore."""
    from ..backup import is_backup as check

    return check(path)


def restore_backup(path: Path) -> RestoreReport:
    """Restore a backup: everything into an empty diary, or what is missing
    into an existing one (never twice). Checked whole before anything is
    written; a problem names the file and the entry or row."""
    from ..backup import read_backup

    backup = read_backup(path)
    with open_diary() as diary:
        done = diary.restore(backup)
    return RestoreReport(path, *done)


class Forgotten(NamedTuple):
    """What `forget` did to the diary at `path`."""

    path: Path
    existed: bool
    deleted: bool


def forget(confirm: Callable[[Path], bool] | None = None) -> Forgotten:
    """Delete the diary, after `confirm` says yes (None: no question). A file
    that is not a kneecheck diary is refused before anything is asked."""
    path = diary_path()
    if not path.exists():
        return Forgotten(path, False, False)
    # refuse what is not ours before asking; a damaged diary of ours may go
    open_diary(readonly=True, check="none").close()
    if confirm is not None and not confirm(path):
        return Forgotten(path, True, False)
    delete_diary()
    return Forgotten(path, True, True)


def info(catalogue_dir: Path | None) -> dict[str, Any]:
    """Where kneecheck keeps the runner's data, and what it holds."""
    doc: dict[str, Any] = {
        "home": str(home()),
        "diary": str(diary_path()),
        "diary_exists": exists(),
        "catalogue": str((catalogue_dir or default_catalogue_dir()).resolve()),
    }
    if exists():
        with open_diary(readonly=True) as diary:
            doc |= {
                "entries": len(diary.entries()),
                "shoes": len(diary.shoes()),
                "assessments": len(diary.assessments()),
                "units": diary.units(),
                "diary_bytes": diary_path().stat().st_size,
            }
    return doc


def units_setting(units: str | None) -> str:
    """Set the distance units (km or mi) when given; return the current ones
    (only read, so a read-only diary still answers)."""
    with open_diary(readonly=units is None) as diary:
        if units is not None:
            diary.set_setting("units", units)
        return diary.units()
