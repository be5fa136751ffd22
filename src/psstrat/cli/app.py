"""The typer application: one module per command."""

from __future__ import annotations

from typing import Annotated

import typer

from psstrat import __version__
from psstrat.cli import (
    changes,
    explain,
    fmt,
    history,
    init,
    new,
    overdue,
    plan,
    report,
    schema,
    status,
    validate,
)

app = typer.Typer(
    name="psstrat",
    help="Keep a professional standards strategy as YAML in git: validate it, list what is "
    "overdue, and render the committee report.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        print(f"psstrat {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """psstrat: the strategy, its risks and the committee report, as YAML in git."""


app.command(name="init")(init.command)
app.command(name="validate")(validate.command)
app.command(name="overdue")(overdue.command)
app.command(name="status")(status.command)
app.command(name="plan")(plan.command)
app.command(name="report")(report.command)
app.command(name="changes")(changes.command)
app.command(name="history")(history.command)
app.command(name="explain")(explain.command)
app.command(name="schema")(schema.command)
app.command(name="fmt")(fmt.command)
app.add_typer(new.app, name="new")
