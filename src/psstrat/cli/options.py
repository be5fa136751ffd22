"""Options shared by several commands, and the one place that reads the clock."""

from __future__ import annotations

import datetime as dt
import enum
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from psstrat.errors import PsstratError

if TYPE_CHECKING:
    from psstrat.commands.validate import Judgement
    from psstrat.repository import Repository


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


E = TypeVar("E", bound=enum.Enum)


def choice(kind: type[E], what: str) -> Callable[[str], E]:
    """An option's parser that accepts one of an enum's values (any case) and otherwise says,
    in psstrat's words, what it takes."""

    def parse(value: str | E) -> E:
        if isinstance(value, kind):
            return value
        try:
            return kind(str(value).lower())
        except ValueError:
            allowed = ", ".join(str(m.value) for m in kind)
            raise typer.BadParameter(f"`{value}` is not {what}; use one of: {allowed}") from None

    return parse


def choice_option(*names: str, kind: type[enum.Enum], what: str, help: str) -> Any:
    """An option taking one of an enum's values, shown as `a|b|c` in --help."""
    return typer.Option(
        *names,
        parser=choice(kind, what),
        metavar="|".join(str(m.value) for m in kind),
        help=help,
    )


def format_option(kind: type[enum.Enum], help: str = "Output format.") -> Any:
    """`--format`/`-f`, taking one of a command's output formats."""
    return choice_option("--format", "-f", kind=kind, what="an output format", help=help)


class Session(enum.StrEnum):
    open = "open"
    closed = "closed"
    all = "all"


SessionOption = Annotated[
    Session,
    choice_option(
        "--session",
        kind=Session,
        what="a session",
        help="open or closed leaves out anything marked above open_session_max or "
        "closed_session_max; all shows everything, labelling what is above open.",
    ),
]
AllowErrorsOption = Annotated[
    bool,
    typer.Option("--allow-errors", help="Run even when validate finds errors in the data."),
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
    """Print a PsstratError as one line on stderr and exit 2 (the message may quote the data:
    shown `visible` and `inert`)."""
    from psstrat.safetext import inert, visible

    print(inert(f"psstrat: error: {visible(str(exc))}"), file=sys.stderr)
    raise typer.Exit(2)


def repository_at(root: Path | None) -> Repository:
    """The repository at --root (or found upwards), loaded but not yet checked. The commands
    that call this report a problem only to refuse data with errors, so positions are worked
    out only for the files such a problem is in (validate keeps them all)."""
    from psstrat.repository import load_repository

    return load_repository(resolve_root(root), positions=False)


def require_clean(repo: Repository, session: str, as_of: dt.date, allow_errors: bool) -> Judgement:
    """The session's view, after refusing (exit 1, errors listed on stderr) to report on data
    with errors, unless --allow-errors; then say on stderr which files are left out, so nobody
    mistakes a partial picture for the whole one.

    Only the errors the session judges count (psstrat.commands.validate.judge): in open and closed
    sessions those in what the session may see. Errors in withheld content are counted in one
    line on stderr and never described, and never change the exit status."""
    from psstrat.codes import UNREADABLE
    from psstrat.commands.validate import judge
    from psstrat.output import text as diagnostics_text
    from psstrat.safetext import inert

    judged = judge(repo, session, as_of)
    errors = judged.errors
    if judged.unjudged:
        print(
            f"psstrat: warning: {judged.unjudged} more error(s) not judged in the {session} "
            "session (in, or turning on, what it may not see) and not shown; `psstrat "
            "validate` shows them, where the whole repository may be read",
            file=sys.stderr,
        )
    if not errors:
        return judged
    if not allow_errors:
        sys.stderr.write(diagnostics_text(errors))
        print(
            f"psstrat: error: {len(errors)} error(s) in the data; nothing is reported. Fix "
            "them (psstrat validate), or pass --allow-errors",
            file=sys.stderr,
        )
        raise typer.Exit(1)
    broken = sorted({d.path for d in errors if d.code in UNREADABLE})
    left_out = f"; {len(broken)} file(s) are left out ({_first(broken)})" if broken else ""
    print(
        inert(
            f"psstrat: warning: {len(errors)} error(s) in the data{left_out}; "
            "run `psstrat validate` to see them"
        ),
        file=sys.stderr,
    )
    return judged


def _first(paths: list[str]) -> str:
    from psstrat.safetext import visible

    shown = ", ".join(visible(p) for p in paths[:3])
    return shown + (", ..." if len(paths) > 3 else "")


def terminal() -> tuple[int, bool]:
    """Width and colour for tables: the terminal's, or 80 columns when output is not a
    terminal (CI logs, pipes); colour only on a terminal, and never with NO_COLOR set or
    TERM=dumb."""
    import os
    import shutil

    if not sys.stdout.isatty():
        return 80, False
    colour = not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    return shutil.get_terminal_size((80, 24)).columns, colour
