"""What every command does alike before its own work: the clock (the one place psstrat reads
it), where the repository is, the session's view of data with errors, and the terminal."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from psstrat.errors import PsstratError

if TYPE_CHECKING:
    from psstrat.commands.validate import Judgement
    from psstrat.output import Screen
    from psstrat.repository import Repository


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


def repository_at(root: Path | None) -> Repository:
    """The repository at --root (or found upwards), loaded but not yet checked. The commands
    that call this report a problem only to refuse data with errors, so positions are worked
    out only for the files such a problem is in (validate keeps them all)."""
    from psstrat.repository import load_repository

    return load_repository(resolve_root(root), positions=False)


def require_clean(repo: Repository, session: str, as_of: dt.date, allow_errors: bool) -> Judgement:
    """The session's view, or Refused (exit 1) for data with errors unless --allow-errors
    (psstrat.commands.validate.checked); its warnings on stderr."""
    from psstrat.commands.validate import checked

    done = checked(repo, session, as_of, allow_errors)
    warn(done.notes)
    return done.judgement


def warn(notes: Iterable[str]) -> None:
    """Each note as a warning on stderr (it may quote the data: `visible` and `inert`)."""
    from psstrat.safetext import inert, visible

    for note in notes:
        print(inert(f"psstrat: warning: {visible(note)}"), file=sys.stderr)


def terminal() -> Screen:
    """Width and colour for tables: the terminal's, or 80 columns when output is not a
    terminal (CI logs, pipes); colour only on a terminal, and never with NO_COLOR set or
    TERM=dumb."""
    import os
    import shutil

    from psstrat.output import Screen

    if not sys.stdout.isatty():
        return Screen(80, False)
    colour = not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    return Screen(shutil.get_terminal_size((80, 24)).columns, colour)
