"""The training and pain diary: one SQLite file in the user's data folder.

Every write is one transaction, so an entry, an import or a deletion is either
all there or not at all. A file that is damaged, from a newer kneecheck or not
a kneecheck diary is never touched: the user gets the reason and a hint.
"""

import json
import os
import sqlite3
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from .errors import ExitCode, KneecheckError, UnwritableError
from .namedtuples import NamedTuple
from .output import plain_number, printable
from .paths import diary_path, ensure_private, home

__all__ = [
    "Diary",
    "DiaryBusy",
    "DiaryError",
    "DiaryUnwritable",
    "Entry",
    "EntryError",
    "NewEntry",
    "Shoe",
    "delete_diary",
    "diary_path",
    "exists",
    "home",
    "open_diary",
]

if TYPE_CHECKING:
    from .backup import Backup, Keys

APP_ID = 0x4B4E4545  # "KNEE": marks the file as a kneecheck diary

# Append-only: a released migration is never edited, only followed by a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE shoes (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        start_km REAL NOT NULL DEFAULT 0 CHECK (start_km >= 0),
        retired INTEGER NOT NULL DEFAULT 0,
        is_default INTEGER NOT NULL DEFAULT 0,
        added TEXT NOT NULL
    );
    CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        date TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('run', 'rest')),
        distance_km REAL CHECK (distance_km IS NULL OR distance_km >= 0),
        duration_min REAL CHECK (duration_min IS NULL OR duration_min >= 0),
        shoe_id INTEGER REFERENCES shoes (id),
        pain_during INTEGER CHECK (pain_during BETWEEN 0 AND 10),
        pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),
        next_morning INTEGER CHECK (next_morning BETWEEN 0 AND 10),
        note TEXT,
        source TEXT NOT NULL DEFAULT 'manual',
        source_key TEXT UNIQUE,
        created_at TEXT NOT NULL
    );
    CREATE INDEX entries_by_date ON entries (date);
    CREATE TABLE assessments (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        answers TEXT NOT NULL,
        result TEXT NOT NULL
    );
    """,
    # 2: when a run started (UTC), so the same run from two sources is one
    """
    ALTER TABLE entries ADD COLUMN started_at TEXT;
    CREATE INDEX entries_by_start ON entries (started_at);
    CREATE TABLE merged_keys (
        source_key TEXT PRIMARY KEY,
        entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE
    );
    CREATE TABLE imported_files (sha256 TEXT PRIMARY KEY, imported_at TEXT NOT NULL);
    """,
    # 3: every entry has a key, kept through edits and written into backups,
    # so a restore knows an entry it holds however it was edited since
    """
    UPDATE entries SET source_key = 'entry:' || lower(hex(randomblob(16)))
    WHERE source_key IS NULL;
    """,
)
# The same run recorded twice (watch and phone, or an export and the watch's
# own file): starts this close together, distances this close.
SAME_START_SECONDS = 120
SAME_DISTANCE_SHARE = 0.03

# What a diary entry can plausibly hold. Beyond these a value is a typo or a GPS
# glitch, and stored it would poison every weekly figure after it.
MAX_RUN_KM = 350.0  # past the 24-hour world record (about 320 km)
MAX_RUN_MINUTES = 72 * 60  # three days: the longest races aside, a watch left on
MAX_SPEED_KMH = 30.0  # faster than the 1000 m world record (27.5 km/h) on average
MAX_SHOE_START_KM = 10_000.0  # already on a pair of shoes when it is added
EARLIEST_DATE = date(1970, 1, 1)
PAIN_MAX = 10  # pain scores run from 0 (none) to 10 (the worst imaginable)
PAIN_RANGE = f"0 to {PAIN_MAX}"


def pain_in_range(pain: int) -> bool:
    """A pain score on the 0-10 scale of the diary and the answers."""
    return 0 <= pain <= PAIN_MAX


# What opening the diary checks first (see open_diary).
Check = Literal["all", "structure", "none"]


class DiaryError(KneecheckError):
    """The diary file cannot be used as it is; it is left untouched."""

    exit_code = ExitCode.DIARY
    detail = ""  # for a damaged row: what is wrong with it, in a few words
    entry_id: object = None  # for a damaged entry: its id


class DiaryUnwritable(DiaryError, UnwritableError):
    """The diary is sound but cannot be used from here now: read-only, locked by
    another process, its folder cannot be made, or the disk is full."""

    exit_code = ExitCode.UNWRITABLE


class DiaryBusy(DiaryUnwritable):
    """Another process holds the diary's lock, and kneecheck waited for it."""


class EntryError(KneecheckError):
    """A value for the diary is out of range or inconsistent; nothing was written."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, *fields: str) -> None:
        super().__init__(message)
        # what it is about, by NewEntry's names (start_km for a pair of
        # shoes), so the command line can name the options that gave them
        self.fields = fields


def exists() -> bool:
    """Whether a diary file is there (it is created on first use)."""
    return diary_path().is_file()


def delete_diary() -> Path | None:
    """Delete the diary and SQLite's side files; None when there is none.

    A file that is not a kneecheck diary is refused (DiaryError), never deleted.
    """
    path = diary_path()
    if not path.exists():
        return None
    # refuse what is not ours; read-only, so a full disk cannot stop the delete
    open_diary(create=False, readonly=True, check="none").close()
    try:  # the diary itself first: when it cannot go, nothing has gone
        _unlink_with_side_files(path)
    except OSError as exc:
        raise DiaryUnwritable(
            f"cannot delete the diary {path}: {exc.strerror or exc}"
        ) from None
    return path


class Entry(NamedTuple):
    """One stored diary entry: a run or a rest day, with its pain scores."""

    id: int
    date: date
    kind: str
    distance_km: float | None
    duration_min: float | None
    shoes: str | None
    pain_during: int | None
    pain_after: int | None
    next_morning: int | None
    note: str | None
    source: str

    @property
    def settled(self) -> bool | None:
        """Settled by the next morning: no next-morning pain."""
        return None if self.next_morning is None else self.next_morning == 0

    def to_dict(self) -> dict[str, Any]:
        """The entry as JSON-ready values (dates as ISO text)."""
        return {
            "id": self.id,
            "date": self.date.isoformat(),
            "kind": self.kind,
            "distance_km": self.distance_km,
            "duration_min": self.duration_min,
            "pain_during": self.pain_during,
            "pain_after": self.pain_after,
            "next_morning": self.next_morning,
            "settled": self.settled,
            "shoes": self.shoes,
            "note": self.note,
            "source": self.source,
        }


class Shoe(NamedTuple):
    """A pair of shoes and the distance it started with and has run."""

    id: int
    name: str
    start_km: float
    retired: bool
    default: bool
    run_km: float  # from the diary

    @property
    def distance_km(self) -> float:
        """Distance on the shoes: what they started with plus every run in them."""
        return round(self.start_km + self.run_km, 3)


class NewEntry(NamedTuple):
    """An entry to add; validated by `add_entries` before anything is written."""

    date: date
    kind: str = "run"
    distance_km: float | None = None
    duration_min: float | None = None
    shoes: str | None = None
    pain_during: int | None = None
    pain_after: int | None = None
    next_morning: int | None = None
    note: str | None = None
    source: str = "manual"
    source_key: str | None = None
    started_at: datetime | None = None  # aware; imports know it, `log` does not


class Added(NamedTuple):
    """What `add_entries` did: added, already there (same source), and merged
    into the same run from another source."""

    added: int
    duplicates: int
    merged: int = 0


class Restored(NamedTuple):
    """What a restore added, and how many entries were there already."""

    entries: int
    duplicates: int
    shoes: int
    assessments: int


class Diary:
    """An open diary. Use `open_diary()`; close it (or use it as a context manager)."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path, skip_damaged: bool = False
    ) -> None:
        self.conn = conn
        self.path = path
        # Reading what is readable (export): a damaged entry or assessment is
        # left out and named here instead of stopping the read.
        self.skip_damaged = skip_damaged
        self.skipped: list[str] = []

    def __enter__(self) -> "Diary":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, _tb: object
    ) -> None:
        self.close()
        if isinstance(exc, sqlite3.Error):
            # a failure met while using the diary, named instead of "internal error"
            raise diary_failure(exc, self.path) from None

    def close(self) -> None:
        """Close the database."""
        self.conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction; IMMEDIATE takes the write lock up front, so two
        processes queue rather than fail half-way."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            # A full disk makes SQLite roll back by itself; a ROLLBACK then
            # would fail and hide the real failure behind "no transaction".
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    # ---- settings --------------------------------------------------------

    def setting(self, key: str) -> str | None:
        """A stored setting, or None."""
        row = self.conn.execute(
            "SELECT value FROM settings WHERE key = ?", (key,)
        ).fetchone()
        return None if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        """Store a setting."""
        with self.write() as db:
            db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT "
                "(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def units(self) -> str:
        """The runner's distance units, km unless chosen."""
        return self.setting("units") or "km"

    # ---- shoes -----------------------------------------------------------

    def shoes(self, include_retired: bool = True) -> list[Shoe]:
        """Every pair, oldest first; retired ones only when asked."""
        rows = self.conn.execute(
            "SELECT s.id, s.name, s.start_km, s.retired, s.is_default, "
            "COALESCE(SUM(e.distance_km), 0) FROM shoes s LEFT JOIN entries e "
            "ON e.shoe_id = s.id AND e.kind = 'run' GROUP BY s.id ORDER BY s.id"
        ).fetchall()
        out = []
        for r in rows:
            problem = None
            if not isinstance(r[1], str):
                problem = f"the name {repr(r[1])[:40]}"
            for value in (r[2], r[5]):
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    problem = f"the distance {repr(value)[:40]}"
            if problem is None:
                out.append(
                    Shoe(r[0], printable(r[1]), r[2], bool(r[3]), bool(r[4]), r[5])
                )
            elif self.skip_damaged:
                self.skipped.append(f"shoes {r[0]} ({problem})")
            else:
                raise DiaryError(
                    f"{self.path} is damaged: shoes {r[0]} have {problem}, which "
                    f"kneecheck never writes; it was left untouched; {RESTORE_HINT}"
                )
        return [s for s in out if include_retired or not s.retired]

    def add_shoe(self, name: str, start_km: float = 0.0, default: bool = False) -> Shoe:
        """Add a pair (names are unique, case aside); optionally the default."""
        name = check_shoe(name, start_km)
        with self.write() as db:
            if db.execute("SELECT 1 FROM shoes WHERE name = ?", (name,)).fetchone():
                raise EntryError(f"there is already a pair called '{name}'")
            first = (
                db.execute("SELECT COUNT(*) FROM shoes WHERE retired = 0").fetchone()[0]
                == 0
            )
            if default or first:  # the first pair is the default until told otherwise
                db.execute("UPDATE shoes SET is_default = 0")
            db.execute(
                "INSERT INTO shoes (name, start_km, is_default, added) VALUES "
                "(?, ?, ?, ?)",
                (name, start_km, int(default or first), _now()),
            )
        return self.shoe(name)

    def shoe(self, name: str) -> Shoe:
        """The pair with this name (case aside), or an EntryError naming the known
        ones."""
        wanted = printable(name).strip().lower()
        for s in self.shoes():
            if s.name.lower() == wanted:
                return s
        known = ", ".join(s.name for s in self.shoes()) or "none yet"
        raise EntryError(
            f"no shoes called '{name}' (known: {known}); add them with "
            "`kneecheck shoes add`"
        )

    def retire_shoe(self, name: str) -> Shoe:
        """Retire a pair: it keeps its history and leaves the default."""
        shoe = self.shoe(name)
        with self.write() as db:
            db.execute(
                "UPDATE shoes SET retired = 1, is_default = 0 WHERE id = ?", (shoe.id,)
            )
        return self.shoe(name)

    def set_default_shoe(self, name: str) -> Shoe:
        """Make a pair the default for new runs."""
        shoe = self.shoe(name)
        if shoe.retired:
            raise EntryError(f"'{shoe.name}' is retired and cannot be the default")
        with self.write() as db:
            db.execute("UPDATE shoes SET is_default = (id = ?)", (shoe.id,))
        return self.shoe(name)

    def default_shoe(self) -> Shoe | None:
        """The default pair, if any."""
        return next((s for s in self.shoes() if s.default), None)

    # ---- entries ---------------------------------------------------------

    def add_entries(self, new: Sequence[NewEntry], create_shoes: bool = False) -> Added:
        """Add entries in one transaction.

        Entries whose source_key is already in the diary are left out, so a
        second import of the same file adds nothing. A run that started within
        two minutes of one already there, with a distance within 3 %, is the
        same run from another source: it fills in what the stored one lacks
        (duration, shoes, name) and is counted as merged. Unknown shoes are an
        error unless `create_shoes` (imports name gear that may be new). Notes
        and shoe names are stored without control characters.
        """
        new = [_printable(e) for e in new]
        for e in new:
            check_entry(e)
        added = duplicates = merged = 0
        with self.write() as db:
            shoe_ids = {
                printable(r[1]).lower(): r[0]
                for r in db.execute("SELECT id, name FROM shoes")
            }
            for e in new:
                if _key_known(db, e.source_key):
                    duplicates += 1
                    continue
                shoe_id = None
                if e.shoes:
                    shoe_id = shoe_ids.get(e.shoes.strip().lower())
                    if shoe_id is None:
                        if not create_shoes:
                            raise EntryError(
                                f"no shoes called '{e.shoes}'; add them "
                                "with `kneecheck shoes add`"
                            )
                        cur = db.execute(
                            "INSERT INTO shoes (name, added) VALUES (?, ?)",
                            (e.shoes.strip(), _now()),
                        )
                        shoe_id = int(cur.lastrowid or 0)
                        shoe_ids[e.shoes.strip().lower()] = shoe_id
                if _merge_same_run(db, e, shoe_id):
                    merged += 1
                    continue
                _insert(db, e, shoe_id)
                added += 1
        return Added(added, duplicates, merged)

    def keys(self) -> "dict[int, Keys]":
        """Per entry id: its source key, start time and the keys merged into it
        (what a backup keeps so re-imports after a restore add nothing)."""
        from .backup import Keys

        merged: dict[int, list[str]] = {}
        for key, entry_id in self.conn.execute(
            "SELECT source_key, entry_id FROM merged_keys ORDER BY source_key"
        ):
            merged.setdefault(entry_id, []).append(key)
        return {
            r[0]: Keys(r[1], r[2], tuple(merged.get(r[0], ())))
            for r in self.conn.execute("SELECT id, source_key, started_at FROM entries")
        }

    def restore(self, backup: "Backup") -> Restored:
        """Add what a backup holds that the diary lacks, in one transaction: an
        entry already there (the same source key, the same values, or a run the
        diary held on the same day with the same distance, edited since) and an
        assessment already there are passed over, shoes are matched by name.
        Into an empty diary, entries keep their ids: the restore is exact."""
        with self.write() as db:
            shoe_ids = {
                printable(r[1]).lower(): r[0]
                for r in db.execute("SELECT id, name FROM shoes")
            }
            has_default = bool(
                db.execute("SELECT 1 FROM shoes WHERE is_default = 1").fetchone()
            )
            shoes_added = 0
            for shoe in backup.shoes:
                name = printable(shoe.name).strip()
                if not name or name.lower() in shoe_ids:
                    continue
                default = shoe.default and not has_default
                has_default = has_default or default
                cur = db.execute(
                    "INSERT INTO shoes (name, start_km, retired, is_default, added) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (name, shoe.start_km, int(shoe.retired), int(default), _now()),
                )
                shoe_ids[name.lower()] = int(cur.lastrowid or 0)
                shoes_added += 1
            added = duplicates = 0
            before = frozenset(r[0] for r in db.execute("SELECT id FROM entries"))
            for item in backup.entries:
                e = _printable(item.entry)
                shoe_id = shoe_ids.get(e.shoes.strip().lower()) if e.shoes else None
                if e.shoes and shoe_id is None:
                    cur = db.execute(
                        "INSERT INTO shoes (name, added) VALUES (?, ?)",
                        (e.shoes.strip(), _now()),
                    )
                    shoe_id = int(cur.lastrowid or 0)
                    shoe_ids[e.shoes.strip().lower()] = shoe_id
                    shoes_added += 1
                if _already_there(db, e, shoe_id, before) or _same_run_before(
                    db, e, before
                ):
                    duplicates += 1
                    continue
                taken = (
                    item.id is not None
                    and db.execute(
                        "SELECT 1 FROM entries WHERE id = ?", (item.id,)
                    ).fetchone()
                )
                new_id = _insert(db, e, shoe_id, None if taken else item.id)
                db.executemany(
                    "INSERT OR IGNORE INTO merged_keys (source_key, entry_id) "
                    "VALUES (?, ?)",
                    [(k, new_id) for k in item.merged_keys],
                )
                added += 1
            assessments = 0
            for a in backup.assessments:
                answers, result = json.dumps(a["answers"]), json.dumps(a["result"])
                if db.execute(
                    "SELECT 1 FROM assessments WHERE created_at = ? AND answers = ? "
                    "AND result = ?",
                    (a["created_at"], answers, result),
                ).fetchone():
                    continue
                db.execute(
                    "INSERT INTO assessments (created_at, answers, result) "
                    "VALUES (?, ?, ?)",
                    (a["created_at"], answers, result),
                )
                assessments += 1
            db.executemany(
                "INSERT OR IGNORE INTO imported_files (sha256, imported_at) "
                "VALUES (?, ?)",
                [(h, _now()) for h in backup.imported_files],
            )
            if (
                backup.units
                and not db.execute(
                    "SELECT 1 FROM settings WHERE key = 'units'"
                ).fetchone()
            ):
                db.execute(
                    "INSERT INTO settings (key, value) VALUES ('units', ?)",
                    (backup.units,),
                )
        return Restored(added, duplicates, shoes_added, assessments)

    def imported_files(self) -> frozenset[str]:
        """Content hashes of the files imported before (read whole)."""
        rows = self.conn.execute("SELECT sha256 FROM imported_files").fetchall()
        return frozenset(r[0] for r in rows)

    def remember_files(self, hashes: Sequence[str]) -> None:
        """Remember files read whole, so a re-import passes over them."""
        with self.write() as db:
            db.executemany(
                "INSERT OR IGNORE INTO imported_files (sha256, imported_at) "
                "VALUES (?, ?)",
                [(h, _now()) for h in hashes],
            )

    def entries(self, since: date | None = None) -> list[Entry]:
        """Every entry, oldest first."""
        if since is None:
            return self._select("", ())
        return self._select("WHERE e.date >= ?", (since.isoformat(),))

    def _select(
        self, where: str, args: tuple[object, ...], unread: Collection[str] = ()
    ) -> list[Entry]:
        rows = self.conn.execute(
            "SELECT e.id, e.date, e.kind, e.distance_km, e.duration_min, s.name, "
            "e.pain_during, e.pain_after, e.next_morning, e.note, e.source "
            f"FROM entries e LEFT JOIN shoes s ON s.id = e.shoe_id {where} "
            "ORDER BY e.date, e.id",
            args,
        ).fetchall()
        if unread:  # cells about to be replaced: read as empty, damaged or not
            blank = {_ENTRY_COLUMNS.index(c) for c in unread}
            rows = [[None if i in blank else v for i, v in enumerate(r)] for r in rows]
        found = []
        for r in rows:
            try:
                found.append(self._entry(r))
            except DiaryError as exc:
                if not self.skip_damaged:
                    raise
                self.skipped.append(f"entry {r[0]} ({exc.detail})")
        return found

    def _entry(self, r: Sequence[Any]) -> Entry:
        """A stored row as an Entry; a cell of the wrong type (a file edited by
        hand, or damaged) is named as damage instead of failing later."""
        try:
            day = date.fromisoformat(r[1])
        except (TypeError, ValueError):
            raise self._bad_cell(r[0], "date", r[1]) from None
        if r[2] not in ("run", "rest"):
            raise self._bad_cell(r[0], "kind", r[2])
        for column, i, kind in (
            ("distance_km", 3, (int, float)),
            ("duration_min", 4, (int, float)),
            ("pain_during", 6, int),
            ("pain_after", 7, int),
            ("next_morning", 8, int),
            ("note", 9, str),
            ("source", 10, str),
        ):
            if (r[i] is not None or column == "source") and not isinstance(r[i], kind):
                raise self._bad_cell(r[0], column, r[i])
        # printable: a diary written before notes were cleaned may hold escapes
        return Entry(
            r[0], day, r[2], r[3], r[4], _clean(r[5]), r[6], r[7], r[8],
            _clean(r[9]), r[10],
        )  # fmt: skip

    def _bad_cell(self, entry_id: object, column: str, value: object) -> DiaryError:
        detail = f"{column} {repr(value)[:40]}"
        option = _MENDED_BY.get(column)
        mend = (
            f"`kneecheck entries edit {entry_id} {option} ...` mends it, or "
            if option
            else ""
        )
        error = DiaryError(
            f"{self.path} is damaged: entry {entry_id} has {detail}, which "
            f"kneecheck never writes; it was left untouched; {mend}delete that "
            f"entry with `kneecheck entries delete {entry_id}` ({BACKUP_FIRST})"
        )
        error.detail = detail
        error.entry_id = entry_id
        return error

    def bad_assessment(self, assessment_id: object) -> DiaryError:
        """The error naming a stored assessment that cannot be read."""
        error = DiaryError(
            f"{self.path} is damaged: assessment {assessment_id} is not readable; "
            f"it was left untouched; {RESTORE_HINT}"
        )
        error.detail = "not readable"
        return error

    def entry(self, entry_id: int, unread: Collection[str] = ()) -> Entry:
        """One entry by its id, or an EntryError naming the id. The columns
        `unread` (distance_km, note...) are read as empty: `entries edit`
        replaces them, so a damaged cell among them can be mended."""
        skip, self.skip_damaged = self.skip_damaged, False  # named, never skipped
        try:
            found = self._select("WHERE e.id = ?", (entry_id,), unread)
        finally:
            self.skip_damaged = skip
        if not found:
            raise EntryError(_NO_ENTRY.format(entry_id))
        return found[0]

    def update_entry(self, entry_id: int, new: NewEntry) -> Entry:
        """Replace what entry `entry_id` holds (its source stays); shoes must be
        known. Checked like a new entry before anything is written."""
        new = _printable(new)
        check_entry(new)
        if not self.conn.execute(  # an unknown id is refused before writing
            "SELECT 1 FROM entries WHERE id = ?", (entry_id,)
        ).fetchone():
            raise EntryError(_NO_ENTRY.format(entry_id))
        with self.write() as db:
            shoe_id = None
            if new.shoes:
                shoe_id = self.shoe(new.shoes).id
            db.execute(
                "UPDATE entries SET date = ?, kind = ?, distance_km = ?, "
                "duration_min = ?, shoe_id = ?, pain_during = ?, pain_after = ?, "
                "next_morning = ?, note = ? WHERE id = ?",
                (
                    new.date.isoformat(),
                    new.kind,
                    new.distance_km,
                    new.duration_min,
                    shoe_id,
                    new.pain_during,
                    new.pain_after,
                    new.next_morning,
                    new.note,
                    entry_id,
                ),
            )
        return self.entry(entry_id)

    def entry_or_damage(self, entry_id: int) -> Entry | str:
        """One entry by its id, or what is wrong with it when it is damaged
        (so it can still be deleted); an EntryError for an unknown id."""
        try:
            return self.entry(entry_id)
        except DiaryError as exc:
            if not exc.detail:
                raise
            return exc.detail

    def delete_entries(self, ids: Sequence[int]) -> list[int]:
        """Delete entries by id, all or none (an unknown id deletes nothing);
        a damaged entry can be deleted too. Shoe distances and weekly figures
        are computed from the entries, so they follow."""
        gone = list(dict.fromkeys(ids))
        with self.write() as db:
            for i in gone:
                if not db.execute(
                    "SELECT 1 FROM entries WHERE id = ?", (i,)
                ).fetchone():
                    raise EntryError(_NO_ENTRY.format(i))
            db.executemany("DELETE FROM entries WHERE id = ?", [(i,) for i in gone])
        return gone

    def same_imported_run(self, e: NewEntry) -> Entry | None:
        """An imported run on the same day with a distance this close: what a
        manual `log` of it would duplicate."""
        if e.kind != "run" or not e.distance_km:
            return None
        for old in self._select(
            "WHERE e.date = ? AND e.kind = 'run' AND e.source != 'manual'",
            (e.date.isoformat(),),
        ):
            if same_distance(old.distance_km, e.distance_km):
                return old
        return None

    def set_next_morning(self, pain: int) -> Entry:
        """Record the next-morning check on the latest run."""
        if not pain_in_range(pain):
            raise EntryError(
                f"next-morning pain is {pain}, out of range ({PAIN_RANGE})"
            )
        with self.write() as db:
            row = db.execute(
                "SELECT id FROM entries WHERE kind = 'run' ORDER BY "
                "date DESC, id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                raise EntryError(
                    "there is no run in the diary to add a morning "
                    "check to; log a run first"
                )
            db.execute(
                "UPDATE entries SET next_morning = ? WHERE id = ?", (pain, row[0])
            )
        return next(e for e in self.entries() if e.id == row[0])

    # ---- assessments -----------------------------------------------------

    def add_assessment(self, answers: dict[str, Any], result: dict[str, Any]) -> int:
        """Keep an assessment and its answers; returns its id."""
        with self.write() as db:
            cur = db.execute(
                "INSERT INTO assessments (created_at, answers, result) "
                "VALUES (?, ?, ?)",
                (_now(), json.dumps(answers), json.dumps(result)),
            )
            return int(cur.lastrowid or 0)

    def assessments(self) -> list[dict[str, Any]]:
        """Every stored assessment, oldest first, with its answers and result;
        one that cannot be read is named (DiaryError), never dropped."""
        bad = {r[0] for r in self.conn.execute(_BAD_ASSESSMENT)}
        found = []
        for r in self.conn.execute(
            "SELECT id, created_at, answers, result FROM assessments ORDER BY id"
        ):
            if r[0] in bad:
                if not self.skip_damaged:
                    raise self.bad_assessment(r[0])
                self.skipped.append(f"assessment {r[0]} (not readable)")
                continue
            found.append(
                {
                    "id": r[0],
                    "created_at": r[1],
                    "answers": json.loads(r[2]),
                    "result": json.loads(r[3]),
                }
            )
        return found


def check_shoe(name: str, start_km: float) -> str:
    """Refuse a pair no shoes can be; its name as stored (trimmed, no
    control characters)."""
    name = printable(name).strip()
    if not name:
        raise EntryError("a pair of shoes needs a name")
    check_shoe_start(start_km)
    return name


def check_shoe_start(start_km: float) -> None:
    """Refuse a starting distance for a pair no shoes can have (NaN too)."""
    if not 0 <= start_km <= MAX_SHOE_START_KM:  # NaN fails both comparisons
        raise EntryError(
            f"the starting distance {plain_number(start_km)} km is out of range "
            f"(0 to {plain_number(MAX_SHOE_START_KM)} km)",
            "start_km",
        )


def check_entry(e: NewEntry) -> None:
    """Refuse impossible values before anything is written."""
    if e.kind not in ("run", "rest"):
        raise EntryError(f"unknown entry kind '{e.kind}'", "kind")
    check_plausible(e.date, e.distance_km, e.duration_min)
    if e.kind == "run" and not e.distance_km:
        raise EntryError(
            "a run needs a distance greater than 0 (or use --rest)", "distance_km"
        )
    if e.kind == "rest" and e.distance_km:
        raise EntryError("a rest day has no distance", "distance_km")
    if e.kind == "rest" and (e.duration_min or e.pain_during is not None):
        raise EntryError("a rest day has no duration and no pain during a run")
    if e.kind == "rest" and e.shoes:
        raise EntryError("a rest day has no shoes", "shoes")
    for field, name, pain in (
        ("pain_during", "pain during", e.pain_during),
        ("pain_after", "pain after", e.pain_after),
        ("next_morning", "next-morning pain", e.next_morning),
    ):
        if pain is not None and not pain_in_range(pain):
            raise EntryError(f"{name} is {pain}, out of range ({PAIN_RANGE})", field)


def check_plausible(
    day: date, km: float | None, minutes: float | None, today: date | None = None
) -> None:
    """Refuse what no run (or rest day) can be: an EntryError with the reason
    in one line, naming the values it is about. The one home of these limits."""
    if day > (today or date.today()):
        raise EntryError(f"the date {day.isoformat()} is in the future", "date")
    if day < EARLIEST_DATE:
        raise EntryError(
            f"the date {day.isoformat()} is before {EARLIEST_DATE.year}", "date"
        )
    # `not 0 <= x <= limit` is also true for NaN, which compares false to all
    if km is not None and not 0 <= km <= MAX_RUN_KM:
        raise EntryError(
            f"the distance {plain_number(km)} km is out of range "
            f"(at most {plain_number(MAX_RUN_KM)} km)",
            "distance_km",
        )
    if minutes is not None and not 0 <= minutes <= MAX_RUN_MINUTES:
        raise EntryError(
            f"the duration {plain_number(minutes)} min is out of range "
            f"(at most {plain_number(MAX_RUN_MINUTES / 60)} hours)",
            "duration_min",
        )
    if km and minutes and km / (minutes / 60) > MAX_SPEED_KMH:
        raise EntryError(
            f"{plain_number(km)} km in {plain_number(minutes)} min is "
            f"{km / (minutes / 60):.0f} km/h, faster than anyone runs "
            f"(at most {plain_number(MAX_SPEED_KMH)} km/h)",
            "distance_km",
            "duration_min",
        )


def implausible(
    day: date, km: float | None, minutes: float | None, today: date | None = None
) -> str | None:
    """Why a run (or rest day) cannot be right, in one line; None when it can.
    An import skips such a run, naming the reason."""
    try:
        check_plausible(day, km, minutes, today)
    except EntryError as exc:
        return exc.message
    return None


# The columns _select reads, in order (shoes: the pair's name).
_ENTRY_COLUMNS = (
    "id", "date", "kind", "distance_km", "duration_min", "shoes",
    "pain_during", "pain_after", "next_morning", "note", "source",
)  # fmt: skip
# The option of `entries edit` that gives a damaged cell a new value.
_MENDED_BY = {
    "distance_km": "--distance",
    "duration_min": "--duration",
    "pain_during": "--pain-during",
    "pain_after": "--pain-after",
    "next_morning": "--next-morning",
    "note": "--note",
}
_NO_ENTRY = "there is no entry {} (see the ids with `kneecheck entries`)"
# How long to wait for another kneecheck that is writing (an import) to finish.
LOCK_WAIT_SECONDS = 10.0
BACKUP_FIRST = "`kneecheck export` backs up the rest first, naming what it leaves out"
# The way out of a damaged row that cannot be deleted on its own.
RESTORE_HINT = (
    "back up the rest with `kneecheck export --output kneecheck-backup.json` "
    "(it names what it leaves out), move the file aside, then `kneecheck import "
    "kneecheck-backup.json`"
)
DAMAGED_HINT = (
    "it was left untouched; move it aside to start a new diary, then restore a "
    "backup with `kneecheck import kneecheck-backup.json`"
)


def diary_failure(exc: sqlite3.Error, path: Path) -> DiaryError:
    """What a SQLite failure means to the runner, in one line: a diary that is
    locked, read-only or out of disk space (exit 5) is never called damaged."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return DiaryBusy(
            f"the diary {path} is in use by another process (waited "
            f"{LOCK_WAIT_SECONDS:g} s); try again when it has finished"
        )
    if "readonly" in text or "read-only" in text:
        return DiaryUnwritable(
            f"the diary {path} is read-only (the file or its folder cannot be "
            "written); nothing was saved"
        )
    if (
        "disk is full" in text
        or "disk full" in text
        or ("disk i/o error" in text and out_of_space(path))
    ):
        # SQLite reports a -shm or -wal it cannot grow as an I/O error
        return DiaryUnwritable(
            f"no space left on device for the diary {path}; nothing was saved"
        )
    if "unable to open" in text:
        return DiaryUnwritable(
            f"cannot open the diary {path}: its folder cannot be written or read"
        )
    return DiaryError(f"{path} is damaged ({exc}); {DAMAGED_HINT}")


# Less free space than this makes a disk I/O error a full disk, not damage.
LOW_SPACE_BYTES = 1 << 20


def out_of_space(path: Path) -> bool:
    """Whether the disk holding the diary is (nearly) full."""
    try:
        st = os.statvfs(path.parent)
    except (OSError, AttributeError):  # statvfs: not on Windows
        return False
    return st.f_bavail * st.f_frsize < LOW_SPACE_BYTES


def open_diary(
    create: bool = True, readonly: bool = False, check: Check = "all"
) -> Diary:
    """Open (and, when asked, create) the diary, applying pending migrations.

    `readonly` is for the commands that only read: it never creates, migrates
    or writes, works in a read-only folder, and a missing diary reads as an
    empty one. Raises DiaryError for a file that is damaged, not a kneecheck
    diary, or from a newer version (the file is left exactly as it was), and
    DiaryUnwritable for one that cannot be opened from here. Every open is
    checked the same way before anything is read or written (`check`): "all"
    refuses a damaged structure and a damaged row; "structure" lets the
    caller meet damaged rows itself (export skips them, delete removes them);
    "none" only makes sure the file is a kneecheck diary (forget).
    """
    path = diary_path()
    if path.parent.exists() and not path.parent.is_dir():
        raise DiaryUnwritable(
            f"the diary's folder {path.parent} is a file, not a folder "
            "(check KNEECHECK_HOME)"
        )
    if readonly and _nothing_written(path):
        return _empty_diary(path)
    if not path.exists():
        if not create:
            raise DiaryError(f"there is no diary yet at {path}")
        if _create_private(path):
            try:
                return _open_file(path, readonly, check)
            except BaseException:
                # never leave the empty file of a diary that could not be
                # written (a full disk): every later command would meet it
                _remove_if_unwritten(path)
                raise
    elif not path.is_file():
        raise DiaryError(f"{path} is not a file")
    return _open_file(path, readonly, check)


def _open_file(path: Path, readonly: bool, check: Check) -> Diary:
    """open_diary once the file is there: connect, recognise, check, migrate."""
    conn = _connect(path, readonly)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc) or "malformed" in str(exc):
            raise DiaryError(
                f"{path} is damaged or not a SQLite file; {DAMAGED_HINT}"
            ) from None
        raise diary_failure(exc, path) from None
    if app_id != APP_ID and (app_id != 0 or tables):
        conn.close()
        raise DiaryError(f"{path} is not a kneecheck diary; {DAMAGED_HINT}")
    if version > len(MIGRATIONS):
        conn.close()
        raise DiaryError(
            f"{path} was written by a newer kneecheck (diary version "
            f"{version}, this one knows {len(MIGRATIONS)}); upgrade "
            "kneecheck. The file was left untouched."
        )
    diary = Diary(conn, path, skip_damaged=check == "structure")
    if check != "none":
        try:
            _check_sound(diary, version, rows=check == "all")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise diary_failure(exc, path) from None
        except DiaryError:
            conn.close()
            raise
    if readonly and version < len(MIGRATIONS):
        # an older diary is brought up to date when it can be, else read as it is
        try:
            upgraded = open_diary(create=False, check=check)
        except DiaryUnwritable:
            return diary
        conn.close()
        return upgraded
    if readonly:
        return diary
    try:
        # Write-ahead logging: a commit is one append, not a journal file
        # created and deleted; readers never block the writer. It sticks, but
        # a first write cut short (a full disk) can leave a diary without it.
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        _migrate(diary, version)
        # In WAL mode NORMAL never corrupts; a power cut may lose the last commit.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        failure = diary_failure(exc, path)
        if type(failure) is DiaryError:
            raise DiaryError(
                f"{path} could not be updated ({exc}); {DAMAGED_HINT}"
            ) from None
        raise failure from None
    _make_private(path)
    return diary


@cache
def expected_schema(version: int) -> dict[str, frozenset[str]]:
    """The tables of a diary at `version` and the columns each must have."""
    conn = sqlite3.connect(":memory:")
    try:
        for migration in MIGRATIONS[:version]:
            conn.executescript(migration)
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {
            t: frozenset(r[1] for r in conn.execute(f"PRAGMA table_info({t})"))
            for t in tables
        }
    finally:
        conn.close()


# A stored row kneecheck could never have written: a cell of the wrong type.
_BAD_ENTRY = """
    SELECT id FROM entries WHERE typeof(date) != 'text'
    OR date NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
    OR kind IS NOT 'run' AND kind IS NOT 'rest'
    OR typeof(distance_km) NOT IN ('integer', 'real', 'null')
    OR typeof(duration_min) NOT IN ('integer', 'real', 'null')
    OR typeof(pain_during) NOT IN ('integer', 'null')
    OR typeof(pain_after) NOT IN ('integer', 'null')
    OR typeof(next_morning) NOT IN ('integer', 'null')
    OR typeof(note) NOT IN ('text', 'null') OR typeof(source) != 'text'
    ORDER BY id LIMIT 1
"""
# ...or an assessment whose answers or result history and report cannot read
_BAD_ASSESSMENT = """
    SELECT id FROM assessments WHERE CASE
    WHEN typeof(answers) != 'text' OR typeof(result) != 'text' THEN 1
    WHEN typeof(created_at) != 'text' THEN 1
    WHEN NOT json_valid(answers) OR NOT json_valid(result) THEN 1
    ELSE json_type(answers) IS NOT 'object'
    OR json_type(result, '$.triage.level') IS NULL
    OR json_type(result, '$.conditions') IS NOT 'array'
    OR json_type(result, '$.run_guidance.verdict') IS NULL END
    ORDER BY id
"""


def readable_assessment(answers: object, result: object) -> bool:
    """What _BAD_ASSESSMENT asks of a stored assessment, for one not stored
    yet (a backup's): answers an object, a result with its triage level,
    conditions and verdict, which history and report read."""
    return (
        isinstance(answers, dict)
        and isinstance(result, dict)
        and isinstance(result.get("triage"), dict)
        and result["triage"].get("level") is not None
        and isinstance(result.get("conditions"), list)
        and isinstance(result.get("run_guidance"), dict)
        and result["run_guidance"].get("verdict") is not None
    )


def _check_sound(diary: Diary, version: int, rows: bool) -> None:
    """The one check every open makes, so that every reader and every writer
    refuses the same damaged file (DiaryError) before touching it: SQLite's
    quick check of the pages, the expected tables and columns, and with
    `rows` no cell of a type kneecheck never writes."""
    conn, path = diary.conn, diary.path
    problem = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    if problem != "ok":  # "*** in database main ***\nPage 4: ...": one line
        problem = " ".join(str(problem).replace("*** in database main ***", "").split())
        raise DiaryError(f"{path} is damaged ({problem[:120]}); {DAMAGED_HINT}")
    for table, columns in expected_schema(version).items():
        found = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        if not found:
            raise DiaryError(f"{path} is damaged (no table {table}); {DAMAGED_HINT}")
        if columns - found:
            missing = ", ".join(sorted(columns - found))
            raise DiaryError(
                f"{path} is damaged (table {table} lacks {missing}); {DAMAGED_HINT}"
            )
    if not rows or version < len(MIGRATIONS):
        return
    bad = conn.execute(_BAD_ENTRY).fetchone()
    if bad is not None:
        diary.entry(bad[0])  # raises the DiaryError naming the entry and the cell
    diary.shoes()  # names a shoe with a damaged name or distance
    bad = conn.execute(f"{_BAD_ASSESSMENT} LIMIT 1").fetchone()
    if bad is not None:
        raise diary.bad_assessment(bad[0])


def _make_private(path: Path) -> None:
    """A diary made readable by others (by a version before 0600, or a copy)
    is made the runner's alone, with its side files, when it is theirs: the
    group and other bits go, the owner's stay (a read-only diary stays so)."""
    for f in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = f.stat().st_mode
            if mode & 0o077 and f.stat().st_uid == os.getuid():
                f.chmod(mode & 0o700)
        except (OSError, AttributeError):  # gone, not ours; getuid: not on Windows
            pass


def _nothing_written(path: Path) -> bool:
    """No diary there yet, or only the empty file of one never written to (a
    crash or a full disk before its first write): an empty diary to read.
    SQLite may have written its first page by then (switching to WAL mode);
    a file of that page alone, at version 0, holds no table."""
    try:
        size = path.stat().st_size
        if size and size <= 65536:
            with path.open("rb") as f:
                head = f.read(100)
            page = int.from_bytes(head[16:18], "big")
            one_page = head.startswith(b"SQLite format 3\0") and size == (
                65536 if page == 1 else page
            )
            size = 0 if one_page and head[60:64] == bytes(4) else size
        return size == 0 and not _wal_holds_commits(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False  # the open that follows names what is wrong


def _remove_if_unwritten(path: Path) -> None:
    """Remove a diary file this run created, with its side files, when
    nothing was written to it."""
    try:
        if _nothing_written(path):
            _unlink_with_side_files(path)
    except OSError:
        pass  # the failure being raised says what went wrong


def _unlink_with_side_files(path: Path) -> None:
    """The diary file first, then SQLite's files beside it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _create_private(path: Path) -> bool:
    """The folder (0700) and an empty diary file readable by the runner alone:
    SQLite gives its -wal and -shm files the mode of the diary. False when
    another kneecheck created the file a moment ago."""
    try:
        ensure_private(path.parent)
    except (FileExistsError, NotADirectoryError):  # a file where a folder goes
        raise DiaryUnwritable(
            f"cannot make the diary's folder {path.parent}: a file is in the "
            "way (check KNEECHECK_HOME)"
        ) from None
    except OSError as exc:
        raise DiaryUnwritable(
            f"cannot make the diary's folder {path.parent}: {exc.strerror or exc}"
        ) from None
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return False  # another kneecheck created it a moment ago
    except OSError as exc:
        raise DiaryUnwritable(
            f"cannot create the diary {path}: {exc.strerror or exc}"
        ) from None
    return True


def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    """A connection, waiting LOCK_WAIT_SECONDS for another writer. Read-only,
    it works where SQLite cannot make its shared-memory file (a read-only
    folder, a full disk): the file is then read as it is on disk, which is
    only the whole diary when its -wal file holds nothing."""
    # the file name's own bytes: a folder name that is not UTF-8 stays usable
    uri = f"file:{quote(os.fsencode(path.absolute()))}"
    modes = ("?mode=ro", "?mode=ro&immutable=1") if readonly else ("?mode=rw",)
    failure: sqlite3.Error | None = None
    for mode in modes:
        if "immutable" in mode and _wal_holds_commits(path):
            # read as it is on disk, the runs committed to the -wal would be missing
            why = (
                "there is no space left on device"
                if out_of_space(path)
                else "its folder cannot be written"
            )
            raise DiaryUnwritable(
                f"cannot read the diary {path} whole from here: its latest "
                f"entries are still in {path.name}-wal and {why}"
            )
        conn = None
        try:
            # isolation_level=None: transactions are explicit (Diary.write)
            conn = sqlite3.connect(
                uri + mode, timeout=LOCK_WAIT_SECONDS, isolation_level=None, uri=True
            )
            conn.execute(f"PRAGMA busy_timeout = {int(LOCK_WAIT_SECONDS * 1000)}")
            conn.execute("PRAGMA schema_version").fetchone()  # reads the file
            return conn
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            failure = exc
            text = str(exc)
            if not (
                "unable to open" in text
                or "readonly" in text
                or ("disk I/O error" in text and out_of_space(path))
            ):
                break
    assert failure is not None
    if isinstance(failure, sqlite3.DatabaseError) and (
        "not a database" in str(failure) or "malformed" in str(failure)
    ):
        raise DiaryError(f"{path} is damaged or not a SQLite file; {DAMAGED_HINT}")
    raise diary_failure(failure, path) from None


def _wal_holds_commits(path: Path) -> bool:
    """The -wal file holds frames (committed or not) past its 32-byte header."""
    try:
        return Path(f"{path}-wal").stat().st_size > 32
    except OSError:
        return False


def _empty_diary(path: Path) -> Diary:
    """A diary with nothing in it, in memory: what a reader sees before the
    first entry (nothing is created on disk)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    for migration in MIGRATIONS:
        conn.executescript(migration)
    return Diary(conn, path)


def _migrate(diary: Diary, version: int) -> None:
    """Every pending step in one transaction: a diary is at its old version or
    the newest, never between (a full disk between two steps left a new diary
    without its later tables, which every reader then called damaged)."""
    if version >= len(MIGRATIONS):
        return
    with diary.write() as db:
        # Re-read under the lock: another process may have migrated meanwhile.
        current = db.execute("PRAGMA user_version").fetchone()[0]
        if current >= len(MIGRATIONS):
            return
        for step in MIGRATIONS[current:]:
            for statement in step.split(";"):
                if statement.strip():
                    db.execute(statement)
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
        db.execute(f"PRAGMA application_id = {APP_ID}")


def _clean(text: str | None) -> str | None:
    return None if text is None else printable(text)


def _printable(e: NewEntry) -> NewEntry:
    """The entry with its note and shoe name free of control characters."""
    return e._replace(note=_clean(e.note), shoes=_clean(e.shoes))


def _insert(
    db: sqlite3.Connection,
    e: NewEntry,
    shoe_id: int | None,
    entry_id: int | None = None,
) -> int:
    """Store one checked entry (with this id when given); returns its id."""
    columns = ("id", *_CONTENT_COLUMNS, "source_key", "created_at", "started_at")
    cur = db.execute(
        f"INSERT INTO entries ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})",
        (
            entry_id,
            *_entry_values(e, shoe_id),
            e.source_key or _new_entry_key(),
            _now(),
            _utc(e.started_at),
        ),
    )
    return int(cur.lastrowid or 0)


# What an entry says, column by column: stored by _insert, compared by
# _already_there (an entry holding exactly these values is the same entry).
_CONTENT_COLUMNS = (
    "date",
    "kind",
    "distance_km",
    "duration_min",
    "shoe_id",
    "pain_during",
    "pain_after",
    "next_morning",
    "note",
    "source",
)


def _entry_values(e: NewEntry, shoe_id: int | None) -> tuple[Any, ...]:
    """The values of _CONTENT_COLUMNS for an entry, in that order."""
    return (
        e.date.isoformat(),
        e.kind,
        e.distance_km,
        e.duration_min,
        shoe_id,
        e.pain_during,
        e.pain_after,
        e.next_morning,
        e.note,
        e.source,
    )


def _new_entry_key() -> str:
    """The key of an entry no source names (a manual one): as migration 3
    gives the entries before it, unique across every diary."""
    return f"entry:{os.urandom(16).hex()}"


def _key_known(db: sqlite3.Connection, key: str | None) -> bool:
    """A source key the diary holds, on an entry or merged into one."""
    return bool(
        key
        and db.execute(
            "SELECT 1 FROM entries WHERE source_key = ? "
            "UNION ALL SELECT 1 FROM merged_keys WHERE source_key = ?",
            (key, key),
        ).fetchone()
    )


def _already_there(
    db: sqlite3.Connection, e: NewEntry, shoe_id: int | None, before: frozenset[int]
) -> bool:
    """The entry is in the diary: its source key is known, or an entry that
    was there `before` the restore holds exactly its values (a manual entry
    restored twice; two equal runs of one day in the backup both restore)."""
    if _key_known(db, e.source_key):
        return True
    same = " AND ".join(f"{c} IS ?" for c in _CONTENT_COLUMNS)  # IS: NULL matches NULL
    return any(
        r[0] in before
        for r in db.execute(
            f"SELECT id FROM entries WHERE {same}", _entry_values(e, shoe_id)
        )
    )


def same_distance(a: float | None, b: float | None) -> bool:
    """Two runs' distances close enough to be the same run (within 3 %)."""
    if not a or not b:
        return False
    return abs(a - b) <= SAME_DISTANCE_SHARE * max(a, b)


def _same_run_before(
    db: sqlite3.Connection, e: NewEntry, before: frozenset[int]
) -> bool:
    """A run the diary held before this restore, on the same day with the
    same distance (the rule a manual `log` is asked about): the entry, edited
    since the backup was made."""
    if e.kind != "run":
        return False
    return any(
        rid in before and same_distance(km, e.distance_km)
        for rid, km in db.execute(
            "SELECT id, distance_km FROM entries WHERE date = ? AND kind = 'run'",
            (e.date.isoformat(),),
        )
    )


def _utc(moment: datetime | None) -> str | None:
    """An aware moment as sortable UTC text, 2026-11-20T07:30:00Z."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _merge_same_run(db: sqlite3.Connection, e: NewEntry, shoe_id: int | None) -> bool:
    """Fold `e` into a stored run it duplicates (see add_entries); True if it did."""
    if e.kind != "run" or e.started_at is None or not e.distance_km:
        return False
    start = e.started_at.astimezone(timezone.utc)
    window = timedelta(seconds=SAME_START_SECONDS)
    rows = db.execute(
        "SELECT id, distance_km FROM entries "
        "WHERE kind = 'run' AND started_at BETWEEN ? AND ?",
        (_utc(start - window), _utc(start + window)),
    ).fetchall()
    for rid, km in rows:
        if same_distance(km, e.distance_km):
            # keep the richer record: fill in only what the stored one lacks
            db.execute(
                "UPDATE entries SET duration_min = COALESCE(duration_min, ?), "
                "shoe_id = COALESCE(shoe_id, ?), note = COALESCE(note, ?) "
                "WHERE id = ?",
                (e.duration_min, shoe_id, e.note, rid),
            )
            if e.source_key:  # a later import of this copy is "already there"
                db.execute(
                    "INSERT OR IGNORE INTO merged_keys (source_key, entry_id) "
                    "VALUES (?, ?)",
                    (e.source_key, rid),
                )
            return True
    return False


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")
