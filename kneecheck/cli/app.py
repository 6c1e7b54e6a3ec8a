"""The Typer app and its root options, shared by every command module."""

from typing import Annotated, Any

import typer

from .. import __version__
from ..settings import Settings

app = typer.Typer(
    name="kneecheck",
    help="A knee-pain self-check for runners: warning signs first, likely causes, "
    "whether to keep running, and what to do now. Not a diagnosis.",
    no_args_is_help=True,
    # Plain help: Rich-formatted help would import Rich on every --help and
    # roughly double its start-up time.
    rich_markup_mode=None,
    # Answers are health data: never print them in a traceback.
    pretty_exceptions_show_locals=False,
    pretty_exceptions_enable=False,
)


def _plain_words(make_metavar: Any) -> Any:
    """Help metavars as plain words: Typer writes a required argument as
    `{name}` and a choice as `<csv|json>`; kneecheck shows `NAME`, `csv|json`."""

    def plain(self: Any, ctx: Any, **kwargs: Any) -> str:
        var = str(make_metavar(self, ctx, **kwargs))
        if var[:1] + var[-1:] in ("{}", "<>"):
            var = var[1:-1]
        if isinstance(self, typer.core.TyperArgument) and self.metavar is None:
            var = var.upper()  # an argument named in code: shoes add NAME
        return var

    return plain


for _kind in (typer.core.TyperArgument, typer.core.TyperOption):
    _kind.make_metavar = _plain_words(_kind.make_metavar)  # type: ignore[method-assign]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kneecheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
    plain: Annotated[
        bool,
        typer.Option(
            "--plain",
            envvar="KNEECHECK_PLAIN",
            help="Plain text: no colour, no boxes, no symbols; for screen readers "
            "(also TERM=dumb).",
        ),
    ] = False,
    catalogue: Annotated[
        str | None,
        typer.Option(
            "--catalogue",
            metavar="PATH",
            envvar="KNEECHECK_CATALOGUE",
            help="Use the catalogue in this folder instead of the built-in one "
            "(also KNEECHECK_CATALOGUE; may be given after the command too).",
        ),
    ] = None,
) -> None:
    """A knee-pain self-check for runners. Not a diagnosis.

    Example: kneecheck assess
    """
    ctx.obj = Settings.decide(plain, catalogue)
