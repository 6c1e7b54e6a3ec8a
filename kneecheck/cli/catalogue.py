"""`kneecheck catalogue check|export`: for clinicians adapting the catalogue."""

import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ..output import envelope, print_json
from .common import JsonFlag, guarded

catalogue_app = typer.Typer(
    rich_markup_mode=None,
    help="Check a catalogue folder, or export the built-in one to adapt.",
    no_args_is_help=True,
)


@catalogue_app.command("check")
@guarded
def check(
    path: Annotated[Path, typer.Argument(help="The catalogue folder to check.")],
    as_json: JsonFlag = False,
) -> None:
    """Validate a catalogue folder and list every problem; exit 1 if any.

    Checks the format, cross-references, that every feature names a real
    answer, that every condition can be reached by some answer, that the
    contract's conditions are present, and that every source exists.

    Example: kneecheck catalogue check ./my-clinic-catalogue
    """

    from ..catalogue import check_catalogue
    from ..errors import CatalogueError

    if not path.is_dir():
        raise UsageError(f"{path} is not a folder")
    try:
        catalogue = check_catalogue(path)
    except CatalogueError as exc:
        if as_json:
            print_json(
                envelope("catalogue_check", {"ok": False, "problems": exc.problems})
            )
        else:
            typer.echo(
                f"{len(exc.problems)} problem"
                f"{'s' * (len(exc.problems) != 1)} in {path}:"
            )
            for problem in exc.problems:
                typer.echo(f"  {problem}")
        raise typer.Exit(1) from None
    summary = {
        "ok": True,
        "problems": [],
        "name": catalogue.name,
        "version": catalogue.version,
        "conditions": len(catalogue.conditions),
        "questions": len(catalogue.questions),
        "red_flags": len(catalogue.red_flags),
        "tips": len(catalogue.tips),
        "sources": len(catalogue.sources),
    }
    if as_json:
        print_json(envelope("catalogue_check", summary))
    else:
        typer.echo(
            f"OK: {catalogue.name} {catalogue.version}: "
            f"{summary['conditions']} conditions, "
            f"{summary['questions']} questions, "
            f"{summary['red_flags']} red flags, {summary['tips']} tips, "
            f"{summary['sources']} sources."
        )


@catalogue_app.command("export")
@guarded
def export(
    path: Annotated[Path, typer.Argument(help="A new or empty folder.")],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite catalogue files already there.")
    ] = False,
) -> None:
    """Write the built-in catalogue to a folder, as a starting point to adapt.

    Example: kneecheck catalogue export ./my-clinic-catalogue
    """

    from ..catalogue import packaged_dir

    source = packaged_dir()
    files = sorted(source.glob("*.json"))
    clashes = [f.name for f in files if (path / f.name).exists()]
    if clashes and not force:
        raise UsageError(
            f"{path} already has {', '.join(clashes)}; use --force to overwrite"
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
        for f in files:
            shutil.copyfile(f, path / f.name)
    except OSError as exc:
        raise UsageError(f"cannot write to {path}: {exc.strerror or exc}") from None
    typer.echo(
        f"Wrote {len(files)} files to {path}. Edit them, then run "
        f"`kneecheck catalogue check {path}` and use them with "
        f"--catalogue {path}.",
        file=sys.stdout,
    )
