"""`psstrat init [DIR]`: start a new strategy repository that validates clean at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from psstrat.cli.options import start_option
from psstrat.cli.policy import today


def command(
    directory: Annotated[
        Path,
        typer.Argument(help="Where to create it (default: here); created if missing."),
    ] = Path(),
    title: Annotated[
        str, typer.Option("--title", help="The strategy's title.")
    ] = "Professional Standards Strategy",
    committee: Annotated[
        str, typer.Option("--committee", help="The oversight committee the reports go to.")
    ] = "Professional Standards Committee",
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            metavar="OWNER/REPO",
            help="Where psstrat is hosted on GitHub, for the CI workflow and pre-commit config "
            "(default: a <owner>/psstrat placeholder to replace).",
            show_default=False,
        ),
    ] = None,
    start: Annotated[dt.date | None, start_option()] = None,
) -> None:
    """Create a strategy repository: settings, one strand, risk and SIA, the CI workflow,
    pre-commit config, editor schemas and a README. Never overwrites a file."""
    from psstrat.commands.init import initialise

    for line in initialise(directory, title, committee, source, start or today()):
        print(line)
