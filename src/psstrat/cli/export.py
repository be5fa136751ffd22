"""`psstrat export`: the register and the plan as a spreadsheet, as at a date."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from psstrat.cli.options import (
    AllowErrorsOption,
    AsOfOption,
    RootOption,
    SessionOption,
    choice_option,
)
from psstrat.cli.policy import repository_at, require_clean, today
from psstrat.commands.export import FORMATS
from psstrat.errors import PsstratError
from psstrat.sessions import Session

SHEETS = ("register", "milestones", "actions", "strands")


def command(
    output: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="The file to write: .xlsx or .ods (every sheet), or .csv (one sheet).",
            show_default=False,
        ),
    ],
    sheet: Annotated[
        str | None,
        choice_option(
            "--sheet",
            values=SHEETS,
            what="a sheet",
            help="Only this sheet (a .csv holds one: default register).",
        ),
    ] = None,
    root: RootOption = None,
    as_of: AsOfOption = None,
    session: SessionOption = Session.open,
    allow_errors: AllowErrorsOption = False,
) -> None:
    """Write the risk register, the milestones, the actions and the strands' status as a
    spreadsheet, as at the date: one sheet each, headings with filters (frozen in .xlsx),
    dates as date cells, the marking in every header and footer. `psstrat import FILE
    --update` reads it back."""
    from psstrat.commands.export import export_book
    from psstrat.safefiles import write_atomically

    fmt = _format(output)
    sheets = (sheet,) if sheet else (("register",) if fmt == "csv" else SHEETS)
    day = as_of or today()
    repo = repository_at(root)
    view = require_clean(repo, session.value, day, allow_errors).view
    strategy = view.repo.strategy
    title = strategy.title if strategy is not None else "Strategy"
    made = export_book(view, day, fmt, sheets, f"{title}: register and plan")
    private = session is not Session.open
    write_atomically(output, made.data, private=private)
    if private:  # also over a file that was readable by others
        output.chmod(0o600)
    print(
        f"wrote {output} ({made.marking}, {session.value} session, as at {day}): "
        f"{made.rows} rows in {', '.join(made.sheets)}",
        file=sys.stderr,
    )


def _format(output: Path) -> str:
    if output.is_dir():
        raise PsstratError(
            f"{output} is a folder; give a file name, e.g. {output / 'register.xlsx'}"
        )
    suffix = output.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise PsstratError(
            f"cannot tell the format from {output.name}; name it .xlsx, .ods or .csv"
        )
    return suffix
