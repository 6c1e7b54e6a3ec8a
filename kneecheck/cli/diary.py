"""Diary commands: log, history, shoes, import, report, config, info, export, forget.

Like cli.py: parse options, call the core, render. Imports stay inside the
commands so the rest of kneecheck starts without SQLite or Rich.
"""

import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import __version__
from ..errors import UsageError
from ..output import envelope, print_json, to_json
from .common import guarded

if TYPE_CHECKING:
    from ..diary import Diary

shoes_app = typer.Typer(
    rich_markup_mode=None,
    help="Your running shoes and the distance each pair has done.",
    no_args_is_help=True,
)
config_app = typer.Typer(
    rich_markup_mode=None, help="Settings: distance units.", no_args_is_help=True
)


class Units(str, Enum):
    km = "km"
    mi = "mi"


class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"


class ReportFormat(str, Enum):
    md = "md"
    html = "html"
    json = "json"


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
    if text is None:
        return None
    if text.strip().lower() == "settled":
        return 0
    try:
        value = int(text)
    except ValueError:
        raise UsageError(
            f"--next-morning '{text}' must be 0 to 10 or 'settled'"
        ) from None
    if not 0 <= value <= 10:
        raise UsageError(f"--next-morning {value} is out of range (0 to 10)")
    return value


def _fmt_distance(km: float | None, units: str) -> str:
    from ..units import from_km

    return "-" if km is None else f"{from_km(km, units):.1f} {units}"


def log(
    when: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="YYYY-MM-DD", help="Day of the run (default: today)."
        ),
    ] = None,
    distance: Annotated[
        float | None,
        typer.Option("--distance", min=0, help="Distance, in your units (km or mi)."),
    ] = None,
    duration: Annotated[
        float | None,
        typer.Option("--duration", min=0, metavar="MIN", help="Duration in minutes."),
    ] = None,
    pain_during: Annotated[
        int | None,
        typer.Option(
            "--pain-during", min=0, max=10, help="Worst pain during the run, 0-10."
        ),
    ] = None,
    pain_after: Annotated[
        int | None,
        typer.Option(
            "--pain-after", min=0, max=10, help="Pain in the hours after, 0-10."
        ),
    ] = None,
    next_morning: Annotated[
        str | None,
        typer.Option(
            "--next-morning",
            metavar="0-10|settled",
            help="Pain the next morning, or 'settled'.",
        ),
    ] = None,
    shoes: Annotated[
        str | None,
        typer.Option(
            "--shoes", metavar="NAME", help="Shoes worn (default: your default pair)."
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note.")] = None,
    rest: Annotated[bool, typer.Option("--rest", help="Log a rest day.")] = False,
    morning: Annotated[
        bool,
        typer.Option(
            "--morning", help="Only record the next-morning check for the latest run."
        ),
    ] = False,
) -> None:
    """Record a run, a rest day or the morning check.

    Without options (in a terminal) it asks. Distances are in your units.

    Examples:

      kneecheck log --distance 8 --pain-during 3 --pain-after 2 --shoes Blue

      kneecheck log --morning --next-morning settled
    """

    def body() -> None:
        from ..diary import EntryError, NewEntry, check_entry, exists, open_diary, to_km

        morning_pain = _parse_morning(next_morning)
        given = any(
            v is not None
            for v in (
                when,
                distance,
                duration,
                pain_during,
                pain_after,
                next_morning,
                shoes,
                note,
            )
        )
        # Refuse what cannot be written before the diary is opened (or created).
        if morning and not exists():
            raise EntryError(
                "there is no run in the diary to add a morning check "
                "to; log a run first"
            )
        if not morning and (given or rest):
            check_entry(
                NewEntry(
                    date=_parse_date(when),
                    kind="rest" if rest else "run",
                    distance_km=distance,
                    duration_min=duration,
                    pain_during=pain_during,
                    pain_after=pain_after,
                    next_morning=morning_pain,
                )
            )
            if shoes and not exists():
                raise EntryError(
                    f"no shoes called '{shoes}'; add them with `kneecheck shoes add`"
                )
        with open_diary() as diary:
            if morning:
                if morning_pain is None:
                    morning_pain = _ask_or_fail(
                        "--next-morning", lambda: _ask_morning()
                    )
                entry = diary.set_next_morning(morning_pain)
                typer.echo(
                    f"Next-morning check for the run on {entry.date}: "
                    f"{'settled' if entry.settled else f'{morning_pain}/10'}."
                )
                return
            units = _units(diary)
            if not given and not rest:
                fields = _ask_or_fail("--distance", lambda: _ask_entry(diary, units))
            else:
                fields = {
                    "date": _parse_date(when),
                    "distance": distance,
                    "duration": duration,
                    "pain_during": pain_during,
                    "pain_after": pain_after,
                    "next_morning": morning_pain,
                    "shoes": shoes,
                    "note": note,
                    "rest": rest,
                }
            run = not fields["rest"]
            shoe = fields["shoes"]
            if run and shoe is None and diary.default_shoe() is not None:
                shoe = diary.default_shoe().name  # type: ignore[union-attr]
            if shoe is not None:
                shoe = diary.shoe(shoe).name  # unknown shoes: a clear error
            dist = fields["distance"]
            new = NewEntry(
                date=fields["date"],
                kind="run" if run else "rest",
                distance_km=None if dist is None else round(to_km(dist, units), 3),
                duration_min=fields["duration"],
                shoes=shoe if run else None,
                pain_during=fields["pain_during"],
                pain_after=fields["pain_after"],
                next_morning=fields["next_morning"],
                note=fields["note"],
            )
            diary.add_entries([new])
        what = f"run of {_fmt_distance(new.distance_km, units)}" if run else "rest day"
        extra = f" in {shoe}" if run and shoe else ""
        typer.echo(f"Logged a {what} on {new.date.isoformat()}{extra}.")

    guarded(body)


def _ask_or_fail(option: str, ask: Any) -> Any:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            f"no terminal to ask on; give {option} (see kneecheck log --help)"
        )
    return ask()


def _diary_texts() -> dict[str, str]:
    from ..catalogue import load_catalogue

    return load_catalogue().diary_texts


def _ask_morning() -> int:
    from ..prompts import ask_pain

    return ask_pain(_diary_texts()["morning"])


def _ask_entry(diary: "Diary", units: str) -> dict[str, Any]:
    from ..prompts import ask_log

    return ask_log(
        _diary_texts(),
        [s.name for s in diary.shoes(include_retired=False)],
        units,
        diary.default_shoe(),
    )


def _units(diary: "Diary") -> str:
    """The chosen units; asked once on first interactive use, km otherwise."""
    chosen = diary.setting("units")
    if chosen:
        return chosen
    if sys.stdin.isatty() and sys.stdout.isatty():
        from ..prompts import ask_units

        chosen = ask_units(_diary_texts())
        diary.set_setting("units", chosen)
        return chosen
    return "km"


def history(
    weeks: Annotated[
        int, typer.Option("--weeks", min=1, max=520, help="How many weeks to show.")
    ] = 8,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Pain against distance, spikes, the verdict.

    The last weeks at a glance: a chart of pain against distance, weekly
    distance and change, runs over 110% of the month's longest, shoes, and the
    pain-monitoring verdict.

    Examples:

      kneecheck history

      kneecheck history --weeks 12 --json
    """

    def body() -> None:
        doc, _ = _history_doc(weeks)
        if as_json:
            print_json(doc)
        else:
            from ..render import make_console
            from ..render.diary import render_history

            render_history(doc, make_console())

    guarded(body)


def _history_doc(weeks: int) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The history object, and the latest stored assessment in full (for the
    report), from one read of the diary."""
    from ..catalogue import load_catalogue
    from ..diary import open_diary
    from ..trends import history as build

    msg = load_catalogue().advice
    with open_diary() as diary:
        stored = diary.assessments()
        doc = build(
            diary.entries(),
            diary.shoes(),
            stored,
            date.today(),
            weeks,
            diary.units(),
            msg,
        )
    latest = None
    if stored:
        latest = {**stored[-1]["result"], "created_at": stored[-1]["created_at"]}
    return doc, latest


@shoes_app.command("add")
def shoes_add(
    name: Annotated[str, typer.Argument(help="A name you will recognise.")],
    start: Annotated[
        float,
        typer.Option(
            "--start-distance",
            min=0,
            help="Distance already on them (second-hand shoes), in your units.",
        ),
    ] = 0.0,
    default: Annotated[
        bool, typer.Option("--default", help="Make this your default pair.")
    ] = False,
) -> None:
    """Add a pair of shoes. Example: kneecheck shoes add "Blue trainers" --default"""

    def body() -> None:
        from ..diary import open_diary, to_km

        with open_diary() as diary:
            shoe = diary.add_shoe(name, to_km(start, diary.units()), default)
            units = diary.units()
        flag = " (default)" if shoe.default else ""
        typer.echo(
            f"Added {shoe.name}{flag}, starting at "
            f"{_fmt_distance(shoe.start_km, units)}."
        )

    guarded(body)


@shoes_app.command("list")
def shoes_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Every pair with its distance and a warning past the usual range.

    Example: kneecheck shoes list --json
    """

    def body() -> None:
        from ..catalogue import load_catalogue
        from ..diary import open_diary
        from ..trends import shoe_rows

        msg = load_catalogue().advice
        with open_diary() as diary:
            rows = shoe_rows(diary.shoes(), msg)
            units = diary.units()
        if as_json:
            print_json(envelope("shoes", {"units": units, "shoes": rows}))
            return
        from ..render import make_console
        from ..render.diary import render_shoes

        render_shoes(rows, units, make_console())

    guarded(body)


@shoes_app.command("retire")
def shoes_retire(
    name: Annotated[str, typer.Argument(help="The pair to retire.")],
) -> None:
    """Retire a pair: it keeps its history. Example: kneecheck shoes retire Blue"""

    def body() -> None:
        from ..diary import open_diary

        with open_diary() as diary:
            shoe = diary.retire_shoe(name)
            units = diary.units()
        typer.echo(f"Retired {shoe.name} at {_fmt_distance(shoe.distance_km, units)}.")

    guarded(body)


@shoes_app.command("default")
def shoes_default(
    name: Annotated[str, typer.Argument(help="The pair to use.")],
) -> None:
    """Make a pair the default for new runs. Example: kneecheck shoes default Blue"""

    def body() -> None:
        from ..diary import open_diary

        with open_diary() as diary:
            shoe = diary.set_default_shoe(name)
        typer.echo(f"{shoe.name} is now your default pair.")

    guarded(body)


def import_(
    path: Annotated[
        Path,
        typer.Argument(
            help="A .gpx file, a folder of them, or a Strava activities.csv."
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
) -> None:
    """Import runs from GPX files or a Strava export.

    A .gpx file, a folder of them, or a Strava activities.csv; nothing is
    added twice.

    Examples:

      kneecheck import morning-run.gpx

      kneecheck import ~/Downloads/strava_export/activities.csv
    """

    def body() -> None:
        from ..diary import NewEntry, open_diary
        from ..importers import read_import

        result = read_import(path, csv_units)
        new = [
            NewEntry(
                date=r.date,
                distance_km=r.distance_km,
                duration_min=r.duration_min,
                shoes=r.shoes,
                note=r.name,
                source=r.source,
                source_key=r.source_key,
            )
            for r in result.runs
            if r.date <= date.today()
        ]
        with open_diary() as diary:
            added, duplicates = diary.add_entries(new, create_shoes=True)
        typer.echo(
            f"Imported {added} run{'s' * (added != 1)} from {path}"
            + (f"; {duplicates} already in the diary" if duplicates else "")
            + (f"; skipped {len(result.skipped)}" if result.skipped else "")
            + "."
        )
        for s in result.skipped[:10]:
            typer.echo(f"  skipped {s.where}: {s.reason}")

    guarded(body)


def report(
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            help="md (Markdown), html (a self-contained page) or json (the data).",
        ),
    ] = ReportFormat.md,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", metavar="FILE", help="Write to FILE instead of the screen."
        ),
    ] = None,
    weeks: Annotated[
        int,
        typer.Option(
            "--weeks", min=1, max=520, help="How many weeks of diary to include."
        ),
    ] = 8,
) -> None:
    """A report for a physio: Markdown or HTML.

    The latest assessment, the pain and distance chart, shoes and notes.

    Examples:

      kneecheck report --format html --output knee-report.html

      kneecheck report > knee-report.md
    """

    def body() -> None:
        from datetime import datetime

        from ..catalogue import load_catalogue
        from ..report import to_html, to_markdown
        from ..units import localise

        catalogue = load_catalogue()
        history_doc, latest = _history_doc(weeks)

        for shoe in history_doc["shoes"]:  # the report shows the runner's units
            if shoe["warning"]:
                shoe["warning"] = localise(shoe["warning"], history_doc["units"])
        data = {
            "generated": datetime.now().isoformat(timespec="seconds"),
            "units": history_doc["units"],
            "disclaimer": catalogue.advice.disclaimer,
            "pain_limit": catalogue.advice.run_rules.pain_limit,
            "verdict_titles": {
                v: t.title for v, t in catalogue.advice.verdicts.items()
            },
            "history": history_doc,
            "assessment": latest,
            "red_flags_screened": [
                {"id": f.id, "label": f.label} for f in catalogue.red_flags
            ],
        }
        data = envelope("report", data)
        if fmt is ReportFormat.json:
            text = to_json(data)
        else:
            text = to_html(data) if fmt is ReportFormat.html else to_markdown(data)
        if output is None:
            sys.stdout.write(text)
            return
        _write_atomically(output, text)
        typer.echo(f"Wrote {output}")

    guarded(body)


def _write_atomically(path: Path, text: str) -> None:
    """Write beside the target, then rename: never a half-written file."""
    import os
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


@config_app.command("units")
def config_units(
    units: Annotated[
        Units | None,
        typer.Argument(help="km or mi; leave out to show the current setting."),
    ] = None,
) -> None:
    """Choose kilometres or miles for everything. Example: kneecheck config units mi"""

    def body() -> None:
        from ..diary import open_diary

        with open_diary() as diary:
            if units is not None:
                diary.set_setting("units", units.value)
            current = diary.units()
        typer.echo(
            f"Distances are in {'miles' if current == 'mi' else 'kilometres'} "
            f"({current})."
        )

    guarded(body)


def info(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Where kneecheck keeps your data, and what it holds. Example: kneecheck info"""

    def body() -> None:
        from ..catalogue import default_catalogue_dir
        from ..diary import diary_path, exists, home, open_diary

        doc: dict[str, Any] = {
            "home": str(home()),
            "diary": str(diary_path()),
            "diary_exists": exists(),
            "catalogue": str(default_catalogue_dir().resolve()),
        }
        if exists():
            with open_diary(create=False) as diary:
                doc |= {
                    "entries": len(diary.entries()),
                    "shoes": len(diary.shoes()),
                    "assessments": len(diary.assessments()),
                    "units": diary.units(),
                    "diary_bytes": diary_path().stat().st_size,
                }
        if as_json:
            print_json(envelope("info", doc))
            return
        doc = {"kneecheck_version": __version__, **doc}
        for key, value in doc.items():
            typer.echo(f"{key.replace('_', ' ')}: {value}")
        typer.echo("Everything stays on this computer; `kneecheck forget` deletes it.")

    guarded(body)


def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", help="csv (the diary entries) or json (everything)."),
    ] = ExportFormat.json,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", metavar="FILE", help="Write to FILE instead of the screen."
        ),
    ] = None,
) -> None:
    """Export your data as JSON or CSV.

    json holds everything, csv the diary entries.

    Examples:

      kneecheck export --format json --output kneecheck-backup.json

      kneecheck export --format csv > runs.csv
    """

    def body() -> None:
        import csv
        import io
        import json

        from ..diary import open_diary

        with open_diary(create=False) as diary:
            entries = [e.to_dict() for e in diary.entries()]
            everything = envelope(
                "backup",
                {
                    "units": diary.units(),
                    "entries": entries,
                    "shoes": [
                        {
                            "name": s.name,
                            "start_km": s.start_km,
                            "distance_km": s.distance_km,
                            "retired": s.retired,
                            "default": s.default,
                        }
                        for s in diary.shoes()
                    ],
                    "assessments": diary.assessments(),
                },
            )
        if fmt is ExportFormat.json:
            text = json.dumps(everything, indent=2, ensure_ascii=False) + "\n"
        else:
            buf = io.StringIO()
            fields = [
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
            ]
            writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(entries)
            text = buf.getvalue()
        if output is None:
            sys.stdout.write(text)
        else:
            _write_atomically(output, text)
            typer.echo(f"Wrote {output}")

    guarded(body)


def forget(
    yes: Annotated[
        bool,
        typer.Option("--yes", help="Do not ask: delete straight away (for scripts)."),
    ] = False,
) -> None:
    """Delete the diary: runs, shoes, assessments and settings. Example: kneecheck
    forget --yes"""

    def body() -> None:
        from ..diary import diary_path, open_diary

        path = diary_path()
        if not path.exists():
            typer.echo("There is no diary to delete.")
            return
        open_diary(create=False).close()  # refuse to delete what is not ours
        if not yes:
            if not (sys.stdin.isatty() and sys.stdout.isatty()):
                raise UsageError(
                    "no terminal to confirm on; add --yes to delete the diary"
                )
            from ..prompts import confirm

            if not confirm(f"Delete the diary at {path}? This cannot be undone."):
                typer.echo("Nothing deleted.")
                return
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        typer.echo(f"Deleted {path}.")

    guarded(body)


def register(app: typer.Typer) -> None:
    """Add the diary commands to the main app."""
    app.command()(log)
    app.command()(history)
    app.add_typer(shoes_app, name="shoes")
    app.command("import")(import_)
    app.command()(report)
    app.add_typer(config_app, name="config")
    app.command()(info)
    app.command()(export)
    app.command()(forget)
