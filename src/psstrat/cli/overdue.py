"""`psstrat overdue`: the milestones (and actions) past due as of a date, worst first."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from psstrat.cli.options import (
    AllowErrorsOption,
    AsOfOption,
    RootOption,
    SessionOption,
    choice_option,
    format_option,
)
from psstrat.cli.policy import repository_at, require_clean, terminal, today
from psstrat.commands.overdue import KINDS
from psstrat.output.overdue import FORMATS, Listing
from psstrat.sessions import Session

MAX_WITHIN = 36_500


def days(value: str) -> int:
    """--within: a whole number of days from 0 to MAX_WITHIN, said in psstrat's words."""
    try:
        number = int(value)
    except ValueError:
        number = -1
    if not 0 <= number <= MAX_WITHIN:
        raise typer.BadParameter(
            f"`{value}` is not a number of days; give a whole number from 0 to {MAX_WITHIN}"
        )
    return number


def command(
    root: RootOption = None,
    as_of: AsOfOption = None,
    within: Annotated[
        int,
        typer.Option(
            "--within",
            metavar="DAYS",
            parser=days,
            help="Also list those due in the next DAYS days.",
        ),
    ] = 0,
    strand: Annotated[
        str | None, typer.Option("--strand", metavar="ID", help="Only this strand, e.g. S4.")
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option("--owner", metavar="ID", help="Only work elements this owner leads."),
    ] = None,
    kind: Annotated[
        str,
        choice_option(
            "--kind",
            values=KINDS,
            what="a kind of item",
            help="milestone (default), action (set at a meeting) or all.",
        ),
    ] = "milestone",
    format: Annotated[str, format_option(FORMATS)] = "table",
    fail_on_overdue: Annotated[
        bool, typer.Option("--fail", help="Exit 1 when any milestone is overdue.")
    ] = False,
    session: SessionOption = Session.open,
    allow_errors: AllowErrorsOption = False,
) -> None:
    """List milestones (and, with --kind, the actions meetings set) past due as of the date:
    id, title, strand, work element, lead, due, revised due, days overdue."""
    from psstrat.commands.overdue import find_overdue

    day = as_of or today()
    repo = repository_at(root)
    view = require_clean(repo, session.value, day, allow_errors).view
    rows = find_overdue(view, day, within, strand, owner, kind)
    sys.stdout.write(FORMATS[format](Listing(rows, day, kind), terminal()))
    if fail_on_overdue and any(r.days_overdue > 0 for r in rows):
        raise typer.Exit(1)
