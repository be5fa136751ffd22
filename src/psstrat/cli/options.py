"""The options several commands share, and their parsers: declarations only (what a
command does with them is psstrat.cli.policy's and the command's)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from psstrat.sessions import Session

if TYPE_CHECKING:
    pass


def parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    from psstrat.isodate import parse_iso
    from psstrat.schedule import FIRST_DAY, LAST_DAY

    try:
        day = parse_iso(value)
    except ValueError:
        day = None
    if day is None:
        raise typer.BadParameter(f"`{value}` is not a date; write it as YYYY-MM-DD")

    if not FIRST_DAY <= day <= LAST_DAY:
        raise typer.BadParameter(
            f"`{value}` is out of range; give a date from {FIRST_DAY} to {LAST_DAY}"
        )
    return day


RootOption = Annotated[
    Path | None,
    typer.Option(
        "--root",
        help="The strategy repository (default: found from the current directory upwards).",
        file_okay=False,
        show_default=False,
    ),
]


def _as_of(default: str) -> Any:
    return typer.Option(
        "--as-of",
        metavar="YYYY-MM-DD",
        parser=parse_date,
        help=f"Compute everything as of this date (default: {default}).",
        show_default=False,
    )


AsOfOption = Annotated[dt.date | None, _as_of("today")]


def start_option() -> Any:
    return typer.Option(
        "--start",
        metavar="YYYY-MM-DD",
        parser=parse_date,
        help="The day the strategy starts; its period and first dates count from it "
        "(default: today).",
        show_default=False,
    )


ReportAsOfOption = Annotated[
    dt.date | None, _as_of("the quarter's last day, or today if the quarter has not ended")
]


C = TypeVar("C", bound=str)


def choice(values: Iterable[C], what: str) -> Callable[[str], C]:
    """An option's parser that accepts one of ``values`` (any case: names, or a StrEnum's
    members) and otherwise says, in psstrat's words, what it takes."""
    known = {str(v): v for v in values}

    def parse(value: str) -> C:
        found = known.get(str(value).lower())
        if found is None:
            allowed = ", ".join(known)
            raise typer.BadParameter(f"`{value}` is not {what}; use one of: {allowed}")
        return found

    return parse


def choice_option(*names: str, values: Iterable[str], what: str, help: str) -> Any:
    """An option taking one of ``values``, shown as `a|b|c` in --help."""
    values = list(values)
    return typer.Option(*names, parser=choice(values, what), metavar="|".join(values), help=help)


def format_option(formats: Iterable[str], help: str = "Output format.") -> Any:
    """`--format`/`-f`, taking one of a command's output formats (the names its presenter
    registers, e.g. psstrat.output.status.FORMATS)."""
    return choice_option("--format", "-f", values=formats, what="an output format", help=help)


SessionOption = Annotated[
    Session,
    choice_option(
        "--session",
        values=Session,
        what="a session",
        help="open or closed leaves out anything marked above open_session_max or "
        "closed_session_max; all shows everything, labelling what is above open.",
    ),
]
AllowErrorsOption = Annotated[
    bool,
    typer.Option("--allow-errors", help="Run even when validate finds errors in the data."),
]
