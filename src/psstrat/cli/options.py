"""Options shared by several commands, and the one place that reads the clock."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from psstrat.errors import PsstratError

if TYPE_CHECKING:
    from psstrat.repository import Repository


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    # fromisoformat alone would also take 20041231 and 2004-W53; only YYYY-MM-DD is a date here.
    try:
        if len(value) != 10 or value[4] != "-" or value[7] != "-":
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"`{value}` is not a date; write it as YYYY-MM-DD") from None


RootOption = Annotated[
    Path | None,
    typer.Option(
        "--root",
        help="The strategy repository (default: found from the current directory upwards).",
        file_okay=False,
        show_default=False,
    ),
]
AsOfOption = Annotated[
    dt.date | None,
    typer.Option(
        "--as-of",
        metavar="YYYY-MM-DD",
        parser=_parse_date,
        help="Compute everything as of this date (default: today).",
        show_default=False,
    ),
]


def today() -> dt.date:
    """The only place psstrat reads the clock: the default for --as-of."""
    return dt.date.today()


def resolve_root(root: Path | None) -> Path:
    from psstrat.repository import find_root

    if root is not None:
        if not root.is_dir():
            raise PsstratError(f"--root {root} is not a directory; pass an existing directory")
        return root.resolve()
    return find_root(Path.cwd())


def fail(exc: PsstratError) -> NoReturn:
    """Print a PsstratError as one line on stderr and exit 2."""
    print(f"psstrat: error: {exc}", file=sys.stderr)
    raise typer.Exit(2)


def load_repository(root: Path | None) -> Repository:
    """Load the repository for a command that reports on it (not validate).

    Files that cannot be read or validated are left out of the report; say so on stderr, so
    nobody mistakes a partial picture for the whole one.
    """
    from psstrat.validate import load

    repo = load(resolve_root(root))
    broken = sorted(
        {f.location.path for code, f in repo.load_findings if code in ("yaml-syntax", "schema")}
    )
    if broken:
        print(
            f"psstrat: warning: {len(broken)} file(s) have errors and are left out "
            f"({', '.join(broken[:3])}{', ...' if len(broken) > 3 else ''}); "
            "run `psstrat validate` to see them",
            file=sys.stderr,
        )
    return repo


def terminal() -> tuple[int, bool]:
    """Width and colour for tables: the terminal's, or 80 columns and no colour when output
    is not a terminal (CI logs, pipes) or NO_COLOR is set."""
    import os
    import shutil

    if not sys.stdout.isatty():
        return 80, False
    return shutil.get_terminal_size((80, 24)).columns, not os.environ.get("NO_COLOR")
