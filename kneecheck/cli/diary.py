"""Diary commands: log, history, shoes, import, report, config, info, export, forget.

Each parses its options, calls one function of `kneecheck.actions` and renders
the result. Imports stay inside the commands so the rest of kneecheck starts
without SQLite or Rich.
"""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from .. import __version__
from ..errors import UsageError
from ..output import envelope, print_json
from .common import (
    JsonFlag,
    guarded,
    has_terminal,
    require_terminal,
    settings,
    warn,
    write_atomically,
)

T = TypeVar("T")

if TYPE_CHECKING:  # names for the helpers' annotations; never imported at run time
    from ..actions.diary import EntryFields, ImportReport
    from ..diary import Entry, NewEntry, Shoe
    from ..importers import Skipped

shoes_app = typer.Typer(
    rich_markup_mode=None,
    help="Your running shoes and the distance each pair has done.",
    no_args_is_help=True,
)
entries_app = typer.Typer(rich_markup_mode=None, invoke_without_command=True)
config_app = typer.Typer(
    rich_markup_mode=None, help="Settings: distance units.", no_args_is_help=True
)


class Units(str, Enum):
    """Distance units a runner can choose."""

    km = "km"
    mi = "mi"


class ExportFormat(str, Enum):
    """What `export` writes."""

    csv = "csv"
    json = "json"


class ReportFormat(str, Enum):
    """What `report` writes."""

    md = "md"
    html = "html"
    json = "json"


OutputFile = Annotated[
    Path | None,
    typer.Option(
        "--output",
        metavar="FILE",
        help="Write to FILE instead of the screen ('-': the screen).",
    ),
]


def _parse_date(text: str | None, option: str = "--date") -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{option} '{text}' is not a real date like 2026-11-25"
        ) from None


def _parse_morning(text: str | None) -> int | None:
    """--next-morning takes 0-10 or the word 'settled' (meaning 0)."""
    from ..diary import PAIN_RANGE, pain_in_range

    if text is None:
        return None
    if text.strip().lower() == "settled":
        return 0
    try:
        value = int(text)
    except ValueError:
        raise UsageError(
            f"--next-morning '{text}' must be {PAIN_RANGE} or 'settled'"
        ) from None
    if not pain_in_range(value):
        raise UsageError(f"--next-morning {value} is out of range ({PAIN_RANGE})")
    return value


def _distance(km: float | None, units: str) -> str:
    from ..units import shown

    return shown(km, units)


def _write_or_print(text: str, output: Path | None) -> None:
    # '-' is standard output, as for --answers: never a file named '-'
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return
    write_atomically(output, text)
    typer.echo(f"Wrote {output}")


# The option that gives each value an EntryError can be about (its fields).
_OPTION_OF = {
    "date": "--date",
    "distance_km": "--distance",
    "duration_min": "--duration",
    "pain_during": "--pain-during",
    "pain_after": "--pain-after",
    "next_morning": "--next-morning",
    "start_km": "--start-distance",
    "shoes": "--shoes",
}


@contextmanager
def _options_named() -> Iterator[None]:
    """A value refused by the diary's checks is named by its option."""
    from ..diary import EntryError

    try:
        yield
    except EntryError as exc:
        options = [_OPTION_OF[f] for f in exc.fields if f in _OPTION_OF]
        if not options:
            raise
        raise EntryError(f"{', '.join(options)}: {exc.message}") from None


# The options of one entry: `log` and `entries edit` take the same.
DateOption = Annotated[
    str | None,
    typer.Option(
        "--date", metavar="YYYY-MM-DD", help="Day of the run (default: today)."
    ),
]
DistanceOption = Annotated[
    float | None,
    typer.Option(
        "--distance", metavar="DISTANCE", help="Distance, in your units (km or mi)."
    ),
]
# No min= or max= on these: the diary checks every value where its limits live
# (kneecheck.diary), and _options_named names the option in one line, where
# Typer would print a box of usage lines.
DurationOption = Annotated[
    float | None,
    typer.Option("--duration", metavar="MIN", help="Duration in minutes."),
]
PainDuringOption = Annotated[
    int | None,
    typer.Option(
        "--pain-during", metavar="0-10", help="Worst pain during the run, 0-10."
    ),
]
PainAfterOption = Annotated[
    int | None,
    typer.Option("--pain-after", metavar="0-10", help="Pain in the hours after, 0-10."),
]
NextMorningOption = Annotated[
    str | None,
    typer.Option(
        "--next-morning",
        metavar="0-10|settled",
        help="Pain the next morning, or 'settled'.",
    ),
]
ShoesOption = Annotated[
    str | None,
    typer.Option(
        "--shoes", metavar="NAME", help="Shoes worn (default: your default pair)."
    ),
]
NoteOption = Annotated[
    str | None, typer.Option("--note", metavar="TEXT", help="A note.")
]
# `entries edit` changes only what is given: no defaults to promise
EditDateOption = Annotated[
    str | None,
    typer.Option("--date", metavar="YYYY-MM-DD", help="The day it was, if not that."),
]
EditShoesOption = Annotated[
    str | None,
    typer.Option("--shoes", metavar="NAME", help="Shoes worn (empty: none)."),
]


@guarded
def log(
    ctx: typer.Context,
    when: DateOption = None,
    distance: DistanceOption = None,
    duration: DurationOption = None,
    pain_during: PainDuringOption = None,
    pain_after: PainAfterOption = None,
    next_morning: NextMorningOption = None,
    shoes: ShoesOption = None,
    note: NoteOption = None,
    rest: Annotated[bool, typer.Option("--rest", help="Log a rest day.")] = False,
    morning: Annotated[
        bool,
        typer.Option(
            "--morning", help="Only record the next-morning check for the latest run."
        ),
    ] = False,
    json_input: Annotated[
        str | None,
        typer.Option(
            "--json-input",
            metavar="FILE|-",
            help="Read one entry as a JSON object (keys as the options: date, "
            "rest, distance, duration, pain_during, pain_after, next_morning, "
            "shoes, note) from FILE, or standard input as '-'.",
        ),
    ] = None,
    add_anyway: Annotated[
        bool,
        typer.Option(
            "--add-anyway",
            help="Add the run even if an imported run of that day and distance "
            "is in the diary.",
        ),
    ] = False,
) -> None:
    """Record a run, a rest day or the morning check.

    Without options (in a terminal) it asks. Distances are in your units.

    Examples:

      kneecheck log --distance 8 --pain-during 3 --pain-after 2 --note easy

      kneecheck log --morning --next-morning settled

      echo '{"distance": 5, "pain_during": 1}' | kneecheck log --json-input -
    """
    from ..actions import diary as actions

    given = (when, distance, duration, pain_during, pain_after, next_morning, shoes)
    options = rest or any(v is not None for v in (*given, note))
    if json_input is not None and (options or morning):
        raise UsageError("give the entry either as options or with --json-input")
    pain = _parse_morning(next_morning)
    if morning:
        asked = _asker(ctx, "--next-morning", _ask_morning)
        entry = actions.record_morning(pain, asked)
        settled = "settled" if entry.settled else f"{entry.next_morning}/10"
        typer.echo(f"Next-morning check for the run on {entry.date}: {settled}.")
        return
    fields = None
    if json_input is not None:
        fields = actions.entry_from_json(json_input)
        actions.check_entry_fields(fields)
    elif options:
        fields = actions.EntryFields(
            _parse_date(when), rest, distance, duration, pain_during, pain_after,
            pain, shoes, note,
        )  # fmt: skip
        with _options_named():
            actions.check_entry_fields(fields)
    units = _asker(ctx, "", _ask_units) if has_terminal() else None
    ask = None if fields else _asker(ctx, "--distance", _ask_entry)
    confirm = _confirm_duplicate(ctx) if has_terminal() else None
    logged = actions.log_entry(fields, units, ask, confirm, add_anyway)
    if not logged.added:
        typer.echo("Nothing logged.")
        return
    typer.echo(f"Logged {_entry_words(logged.entry, logged.units)}.")


def _confirm_duplicate(ctx: typer.Context) -> "Callable[[Entry, str], bool]":
    def confirm(twin: "Entry", units: str) -> bool:
        from ..prompts import configure
        from ..prompts import confirm as ask

        configure(settings(ctx).plain)
        return ask(
            f"Entry {twin.id} is a {twin.source} run of "
            f"{_distance(twin.distance_km, units)} on {twin.date}. Add this one too?"
        )

    return confirm


def _asker(
    ctx: typer.Context, option: str, ask: "Callable[..., T]"
) -> "Callable[..., T]":
    """A question for actions to call when it needs one, in the catalogue's
    words; without a terminal, a usage error naming the option that would have
    answered it."""

    def asked(*args: object) -> T:
        require_terminal(f"give {option} (see kneecheck log --help)")
        from ..catalogue import load_catalogue
        from ..prompts import configure

        s = settings(ctx)
        configure(s.plain)
        return ask(load_catalogue(s.catalogue).diary_texts, *args)

    return asked


def _ask_morning(texts: dict[str, str]) -> int:
    from ..prompts import ask_pain

    return ask_pain(texts["morning"])


def _ask_units(texts: dict[str, str]) -> str:
    from ..prompts import ask_units

    return ask_units(texts)


def _ask_entry(
    texts: dict[str, str], units: str, shoes: list[str], default: "Shoe | None"
) -> "EntryFields":
    from ..actions.diary import EntryFields
    from ..prompts import ask_log

    f = ask_log(texts, shoes, units, default)
    return EntryFields(
        f["date"], f["rest"], f["distance"], f["duration"], f["pain_during"],
        f["pain_after"], f["next_morning"], f["shoes"], f["note"],
    )  # fmt: skip


@entries_app.callback()
@guarded
def entries(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="YYYY-MM-DD", help="Only from this day on."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=1, metavar="N", help="Only the latest N."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """List diary entries with their ids; edit or delete them by id.

    Entries are listed oldest first; `entries edit ID` takes the options of
    `log`, `entries delete ID...` asks first (--yes for scripts).

    Examples:

      kneecheck entries --limit 10

      kneecheck entries edit 12 --distance 8.5

      kneecheck entries delete 12 13 --yes
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..actions.diary import list_entries

    listing = list_entries(_parse_date(since, "--since") if since else None, limit)
    if as_json:
        print_json(listing.to_dict())
        return
    from ..render import make_console, render_entries

    rows = [e.to_dict() for e in listing.entries]
    console = make_console(settings(ctx).plain)
    if not rows:
        typer.echo("No entries yet: kneecheck log --distance N, or kneecheck import.")
        return
    render_entries(rows, listing.units, console, with_ids=True)


@entries_app.command("edit")
@guarded
def entries_edit(
    entry_id: Annotated[int, typer.Argument(metavar="ID", help="The entry's id.")],
    when: EditDateOption = None,
    distance: DistanceOption = None,
    duration: DurationOption = None,
    pain_during: PainDuringOption = None,
    pain_after: PainAfterOption = None,
    next_morning: NextMorningOption = None,
    shoes: EditShoesOption = None,
    note: NoteOption = None,
    rest: Annotated[bool, typer.Option("--rest", help="Make it a rest day.")] = False,
) -> None:
    """Change an entry: only the options given change (an empty --note or
    --shoes clears it). Example: kneecheck entries edit 12 --pain-after 3"""
    from ..actions.diary import edit_entry

    given = {
        "date": None if when is None else _parse_date(when),
        "distance": distance,
        "duration": duration,
        "pain_during": pain_during,
        "pain_after": pain_after,
        "next_morning": _parse_morning(next_morning),
        "shoes": shoes,
        "note": note,
        "rest": rest or None,
    }
    changes = {k: v for k, v in given.items() if v is not None}
    if not changes:
        raise UsageError("give what to change (see kneecheck entries edit --help)")
    with _options_named():
        logged = edit_entry(entry_id, changes)
    typer.echo(f"Changed entry {entry_id}: {_entry_words(logged.entry, logged.units)}.")


@entries_app.command("delete")
@guarded
def entries_delete(
    ctx: typer.Context,
    ids: Annotated[
        list[int], typer.Argument(metavar="ID...", help="The ids of the entries.")
    ],
    yes: Annotated[
        bool, typer.Option("--yes", help="Do not ask (for scripts).")
    ] = False,
) -> None:
    """Delete entries; shoe distances and weekly figures follow. Example:
    kneecheck entries delete 12 --yes"""
    from ..actions.diary import delete_entries

    def confirm(found: list[str]) -> bool:
        require_terminal("add --yes to delete entries")
        from ..prompts import configure
        from ..prompts import confirm as ask

        configure(settings(ctx).plain)
        return ask(f"Delete entry {', '.join(found)}? This cannot be undone.")

    gone = delete_entries(ids, None if yes else confirm)
    if not gone:
        typer.echo("Nothing deleted.")
        return
    typer.echo(f"Deleted {len(gone)} entr{'y' if len(gone) == 1 else 'ies'}.")


def _entry_words(new: "NewEntry", units: str) -> str:
    """'a run of 8.0 km on 2026-11-25 in Blue' or 'a rest day on ...'."""
    what = (
        "rest day"
        if new.kind == "rest"
        else f"run of {_distance(new.distance_km, units)}"
    )
    extra = f" in {new.shoes}" if new.shoes else ""
    return f"a {what} on {new.date.isoformat()}{extra}"


@guarded
def history(
    ctx: typer.Context,
    weeks: Annotated[
        int,
        typer.Option(
            "--weeks", min=1, max=520, metavar="N", help="How many weeks to show."
        ),
    ] = 8,
    as_json: JsonFlag = False,
) -> None:
    """Pain against distance, spikes, the verdict.

    The last weeks at a glance: a chart of pain against distance, weekly
    distance and change, runs over 110% of the month's longest, shoes, and the
    pain-monitoring verdict.

    Examples:

      kneecheck history

      kneecheck history --weeks 12 --json
    """
    from ..actions.diary import history_data
    from ..catalogue import load_catalogue

    s = settings(ctx)
    doc = history_data(load_catalogue(s.catalogue), weeks).history
    if as_json:
        print_json(doc.to_dict())
        return
    from ..render import make_console, render_history

    render_history(doc, make_console(s.plain))


@shoes_app.command("add")
@guarded
def shoes_add(
    name: Annotated[str, typer.Argument(help="A name you will recognise.")],
    start: Annotated[
        float,
        typer.Option(
            "--start-distance",
            metavar="DISTANCE",
            help="Distance already on them (second-hand shoes), in your units.",
        ),
    ] = 0.0,
    default: Annotated[
        bool, typer.Option("--default", help="Make this your default pair.")
    ] = False,
) -> None:
    """Add a pair of shoes. Example: kneecheck shoes add "Blue trainers" --default"""
    from ..actions.diary import add_shoe

    with _options_named():
        shoe, units = add_shoe(name, start, default)
    flag = " (default)" if shoe.default else ""
    typer.echo(
        f"Added {shoe.name}{flag}, starting at {_distance(shoe.start_km, units)}."
    )


@shoes_app.command("list")
@guarded
def shoes_list(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Every pair with its distance and a warning past the usual range.

    Example: kneecheck shoes list --json
    """
    from ..actions.diary import shoe_list
    from ..catalogue import load_catalogue

    s = settings(ctx)
    listing = shoe_list(load_catalogue(s.catalogue))
    if as_json:
        print_json(listing.to_dict())
        return
    from ..render import make_console, render_shoes

    render_shoes(listing.rows, listing.units, make_console(s.plain))


@shoes_app.command("retire")
@guarded
def shoes_retire(
    name: Annotated[str, typer.Argument(help="The pair to retire.")],
) -> None:
    """Retire a pair: it keeps its history. Example: kneecheck shoes retire Blue"""
    from ..actions.diary import retire_shoe

    shoe, units = retire_shoe(name)
    typer.echo(f"Retired {shoe.name} at {_distance(shoe.distance_km, units)}.")


@shoes_app.command("default")
@guarded
def shoes_default(
    name: Annotated[str, typer.Argument(help="The pair to use.")],
) -> None:
    """Make a pair the default for new runs. Example: kneecheck shoes default Blue"""
    from ..actions.diary import set_default_shoe

    shoe = set_default_shoe(name)
    typer.echo(f"{shoe.name} is now your default pair.")


@guarded
def import_(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            help="A Strava export .zip, a .gpx, .fit or .tcx file (gzipped or "
            "not), a folder of them, or a Strava activities.csv."
        ),
    ],
    csv_units: Annotated[
        str | None,
        typer.Option(
            "--csv-units",
            metavar="km|mi|m",
            help="Units of a CSV with a single Distance column (default km).",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Import runs from a Strava export, a watch's files, GPX or TCX.

    The Strava export ZIP as downloaded, .fit files (Garmin, Coros, Suunto,
    Wahoo), .gpx and .tcx files (gzipped or not), a folder of them, or a Strava
    activities.csv. The same run from two sources is stored once; a re-import
    adds nothing; a damaged file is named and skipped. A backup that `export`
    wrote (JSON or CSV) is restored, without duplicates.

    Examples:

      kneecheck import ~/Downloads/export_12345.zip

      kneecheck import kneecheck-backup.json

      kneecheck import /media/GARMIN/GARMIN/Activity
    """
    from ..actions.diary import import_runs, is_backup, restore_backup

    if is_backup(path):  # a file `export` wrote: restore it
        restored = restore_backup(path)
        if as_json:
            print_json(restored.to_dict())
            return
        typer.echo(
            f"Restored {_count(restored.entries, 'entry', 'entries')}, "
            f"{_count(restored.shoes, 'pair of shoes', 'pairs of shoes')} and "
            f"{_count(restored.assessments, 'assessment', 'assessments')} from "
            f"{path}; {restored.already_in_diary} already in the diary."
        )
        return
    if not as_json and sys.stderr.isatty():  # never mixed into a document
        from ..render import import_progress  # Rich only when it can be seen

        with import_progress(enabled=True, plain=settings(ctx).plain) as progress:
            done = import_runs(path, csv_units, progress=progress)
    else:
        done = import_runs(path, csv_units)
    if as_json:
        print_json(done.to_dict())
        return
    unreadable = [s for s in done.skipped if s.unreadable]
    passed = [s for s in done.skipped if not s.unreadable]
    typer.echo(_import_summary(done, passed, len(unreadable)))
    for s in passed[:10]:
        typer.echo(f"  skipped {s.where}: {s.reason}")
    for run in done.future[:10]:
        typer.echo(f"  skipped {run.where}: dated {run.date}, in the future")
    for s in unreadable:  # every one: the runner may want to fix or re-export it
        typer.echo(f"kneecheck: warning: {s.where}: {s.reason}", err=True)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _import_summary(
    done: "ImportReport", passed: "list[Skipped]", unreadable: int
) -> str:
    """One line: added, dates, already there, merged, skipped by type, unreadable."""
    from collections import Counter

    kinds = Counter(
        s.reason[len("not a run (") : -1]
        if s.reason.startswith("not a run (")
        else s.reason
        for s in passed
    )
    if done.future:
        kinds["dated in the future"] += len(done.future)
    skipped = sum(kinds.values())
    parts = [
        f"Imported {done.added} run{'s' * (done.added != 1)} from {done.path}"
        + (f" ({done.dates[0]} to {done.dates[1]})" if done.dates else "")
    ]
    if done.duplicates:
        parts.append(f"{done.duplicates} already in the diary")
    if done.known_files:
        files = "file" if done.known_files == 1 else "files"
        parts.append(f"{done.known_files} {files} imported before")
    if done.merged:
        parts.append(f"{done.merged} duplicates merged")
    if skipped:
        why = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
        parts.append(f"skipped {skipped} ({why})")
    if unreadable:
        parts.append(f"{unreadable} unreadable")
    return "; ".join(parts) + "."


@guarded
def report(
    ctx: typer.Context,
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            help="md (Markdown), html (a self-contained page) or json (the data).",
        ),
    ] = ReportFormat.md,
    output: OutputFile = None,
    weeks: Annotated[
        int,
        typer.Option(
            "--weeks",
            min=1,
            max=520,
            metavar="N",
            help="How many weeks of diary to include.",
        ),
    ] = 8,
) -> None:
    """A report for a physio: Markdown or HTML.

    The latest assessment, the pain and distance chart, shoes and notes.

    Examples:

      kneecheck report --format html --output knee-report.html

      kneecheck report > knee-report.md
    """
    from ..actions.diary import report_data
    from ..catalogue import load_catalogue
    from ..output import to_json
    from ..report import to_html, to_markdown

    data = report_data(load_catalogue(settings(ctx).catalogue), weeks).to_dict()
    write = {"json": to_json, "html": to_html, "md": to_markdown}[fmt.value]
    _write_or_print(write(data), output)


@config_app.command("units")
@guarded
def config_units(
    units: Annotated[
        Units | None,
        typer.Argument(
            metavar="km|mi", help="km or mi; leave out to show the current setting."
        ),
    ] = None,
) -> None:
    """Choose kilometres or miles for everything. Example: kneecheck config units mi"""
    from ..actions.diary import units_setting

    current = units_setting(units.value if units else None)
    words = "miles" if current == "mi" else "kilometres"
    typer.echo(f"Distances are in {words} ({current}).")


@guarded
def info(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Where kneecheck keeps your data, and what it holds. Example: kneecheck info"""
    from ..actions.diary import info as gather

    doc = gather(settings(ctx).catalogue)
    if as_json:
        print_json(envelope("info", doc))
        return
    for key, value in {"kneecheck_version": __version__, **doc}.items():
        typer.echo(f"{key.replace('_', ' ')}: {value}")
    typer.echo("Everything stays on this computer; `kneecheck forget` deletes it.")


@guarded
def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", help="csv (the diary entries) or json (everything)."),
    ] = ExportFormat.json,
    output: OutputFile = None,
) -> None:
    """Export your data as JSON or CSV.

    json holds everything, csv the diary entries.

    Examples:

      kneecheck export --format json --output kneecheck-backup.json

      kneecheck export --format csv > runs.csv
    """
    from ..actions.diary import export_text

    done = export_text(fmt.value)
    _write_or_print(done.text, output)
    if done.skipped:
        warn(f"left out of the export (damaged): {'; '.join(done.skipped)}")


@guarded
def forget(
    ctx: typer.Context,
    yes: Annotated[
        bool,
        typer.Option("--yes", help="Do not ask: delete straight away (for scripts)."),
    ] = False,
) -> None:
    """Delete the diary: runs, shoes, assessments and settings. Example: kneecheck
    forget --yes"""
    from ..actions.diary import forget as delete

    def confirm(path: Path) -> bool:
        require_terminal("add --yes to delete the diary")
        from ..prompts import configure
        from ..prompts import confirm as ask

        configure(settings(ctx).plain)
        return ask(f"Delete the diary at {path}? This cannot be undone.")

    done = delete(None if yes else confirm)
    if not done.existed:
        typer.echo("There is no diary to delete.")
    else:
        typer.echo(f"Deleted {done.path}." if done.deleted else "Nothing deleted.")


def register(app: typer.Typer) -> None:
    """Add the diary commands to the main app."""
    app.command()(log)
    app.command()(history)
    app.add_typer(shoes_app, name="shoes")
    app.add_typer(entries_app, name="entries")
    app.command("import")(import_)
    app.command()(report)
    app.add_typer(config_app, name="config")
    app.command()(info)
    app.command()(export)
    app.command()(forget)
