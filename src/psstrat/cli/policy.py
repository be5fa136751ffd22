"""What every command does alike before its own work: the clock (the one place psstrat reads
it), where the repository is, the session's view of data with errors, and the terminal."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Iterable, Iterator
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


def resolve_root(root: Path | None, paths: Iterable[Path] = ()) -> Path:
    """--root, or the strategy repository found upwards: from the files or folders a command
    was given (pre-commit passes them from the top of the git repository, where the strategy
    may be a sub-folder), else from where psstrat runs."""
    from psstrat.repository import find_root

    if root is not None:
        if not root.is_dir():
            raise PsstratError(f"--root {root} is not a directory; pass an existing directory")
        return root.resolve()
    roots = sorted({find_root(p if p.is_dir() else p.parent) for p in paths})
    if len(roots) > 1:
        named = ", ".join(str(r) for r in roots[:3]) + (", ..." if len(roots) > 3 else "")
        raise PsstratError(
            f"the files given are in {len(roots)} strategy repositories ({named}); run psstrat "
            "once for each, with --root"
        )
    return roots[0] if roots else find_root(Path.cwd())


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
    """Width and colour for tables on stdout: the terminal's width, or 80 columns when output
    is not a terminal (CI logs, pipes); colour as `colour` decides for stdout."""
    import shutil

    from psstrat.output import Screen

    tty = sys.stdout.isatty()
    width = shutil.get_terminal_size((80, 24)).columns if tty else 80
    return Screen(width, colour(tty))


def colour(tty: bool) -> bool:
    """Whether output to a stream (``tty``: a terminal) is in colour, by the conventions
    other tools follow, first that applies: NO_COLOR set (no-color.org) never; FORCE_COLOR
    (force-color.org) or CLICOLOR_FORCE (bixense.com/clicolors) set always, piped or not and
    whatever TERM says; CLICOLOR=0 never; otherwise on a terminal unless TERM=dumb. Set means
    set to something other than "" (and, for the forcing two, other than "0")."""
    import os

    env = os.environ
    if env.get("NO_COLOR"):
        return False
    if any(env.get(name, "") not in ("", "0") for name in ("FORCE_COLOR", "CLICOLOR_FORCE")):
        return True
    if env.get("CLICOLOR") == "0":
        return False
    return tty and env.get("TERM") != "dumb"


PROGRESS_DELAY = 1.0
"""Seconds of work before the progress display appears (PSSTRAT_PROGRESS_DELAY): a command
done sooner shows nothing."""


@contextlib.contextmanager
def showing_progress() -> Iterator[None]:
    """While the command runs, long work (psstrat.progress) is shown on stderr, when stderr is
    a terminal (not TERM=dumb) and not in CI (`CI`, `GITHUB_ACTIONS`); a command's --quiet
    turns it off (psstrat.progress.hide). stdout is never touched."""
    from psstrat.progress import shown_by

    delay = _progress_delay()
    display = None
    if delay is not None and _interactive_stderr():
        from psstrat.output.progress import Progress

        display = Progress(sys.stderr, delay, colour(tty=True))
    with shown_by(display):
        yield


def _progress_delay() -> float | None:
    """PSSTRAT_PROGRESS_DELAY: the seconds before the display appears, or `off` (None)."""
    import math
    import os

    text = os.environ.get("PSSTRAT_PROGRESS_DELAY", "").strip()
    if not text:
        return PROGRESS_DELAY
    if text.lower() == "off":
        return None
    try:
        delay = float(text)
    except ValueError:
        delay = -1.0
    if not (math.isfinite(delay) and delay >= 0):
        raise PsstratError(
            f"PSSTRAT_PROGRESS_DELAY=`{text[:20]}` is not a number of seconds; set it to, "
            "e.g., 1.5, to `off` for no progress display, or unset it"
        )
    return delay


def _interactive_stderr() -> bool:
    """Whether stderr is a person's terminal: a terminal, not dumb, and not a CI runner's."""
    import os

    env = os.environ
    ci = env.get("CI", "").lower() not in ("", "0", "false") or bool(env.get("GITHUB_ACTIONS"))
    if ci or env.get("TERM") == "dumb":
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
