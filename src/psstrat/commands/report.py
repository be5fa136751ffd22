"""`psstrat report`: what the committee's paper is made from, in one call.

``gather`` takes every step before the paper is laid out, in order: load the repository,
settle the quarter and the as-of date, refuse data with errors (unless asked to go on), the
session's view, the paper's source (its commit, and whether uncommitted changes make it a
draft: ``paper_source``) and what changed since the last report. psstrat.report lays the
result out in the format asked for (psstrat.report.paper.make), as psstrat.output presents
the other commands.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from psstrat.errors import PsstratError

if TYPE_CHECKING:
    from psstrat.commands.changes import Changes
    from psstrat.commands.validate import Judgement
    from psstrat.provenance import Source
    from psstrat.schedule import Quarter


@dataclass(frozen=True)
class PaperRequest:
    """What `psstrat report` was asked for."""

    root: Path
    """The strategy repository (already resolved)."""
    quarter: str
    """As the user wrote it: 2004-Q3, 2004Q3 or 2004/05-Q3."""
    session: str
    """open or closed (psstrat.sessions.PAPER_SESSIONS)."""
    fmt: str
    """A name in psstrat.report.paper.FORMATS."""
    today: dt.date
    """The clock's date (the command line reads it): the default as-of for a quarter not yet
    ended, and the day uncommitted changes are compared on."""
    as_of: dt.date | None = None
    """Default: the quarter's last day, or today if the quarter has not ended."""
    strand: str | None = None
    template: Path | None = None
    allow_errors: bool = False
    since: str | None = None
    """What the changes section compares with (default: the previous quarter's last day)."""


@dataclass(frozen=True)
class Compared:
    """What changed since the last report, as far as git can say."""

    changes: Changes | None
    """None when there is nothing to compare with (``note`` says why)."""
    compared_with: str
    """How the paper names the other side: `the last report (as at 30 June 2004)`."""
    note: str | None = None


@dataclass(frozen=True)
class PaperData:
    """Everything the paper is made from, through the session's gate."""

    request: PaperRequest
    root: Path
    quarter: Quarter
    as_of: dt.date
    judgement: Judgement
    """The session's view, and the errors it judges (gone on with only if allowed)."""
    source: Source
    compared: Compared
    notes: tuple[str, ...]
    """Warnings for stderr (errors gone on with, errors not judged in the session)."""


def gather(request: PaperRequest) -> PaperData:
    """What the paper ``request`` asks for is made from; PsstratError (exit 2) if it cannot
    be made, Refused (exit 1) if the data has errors and ``allow_errors`` is not set."""
    from psstrat.commands.validate import checked
    from psstrat.repository import load_repository
    from psstrat.schedule import Quarter

    repo = load_repository(request.root, positions=False)
    quarter = Quarter.parse(request.quarter, repo.settings.year_start_month)
    day = request.as_of or quarter.as_at(request.today).last
    done = checked(repo, request.session, day, request.allow_errors)
    try:
        source = paper_source(repo.root, request.session, request.today)
        compared = _compared(request, quarter, repo.root)
    except PsstratError as exc:
        exc.notes = (*done.notes, *exc.notes)  # said before the error, as they were found
        raise
    return PaperData(request, repo.root, quarter, day, done.judgement, source, compared, done.notes)


def _compared(request: PaperRequest, quarter: Quarter, root: Path) -> Compared:
    """What changed since the last report; a note when git cannot say."""
    from psstrat.commands.changes import compare
    from psstrat.english import long_date
    from psstrat.snapshots import pair

    since, session = request.since, request.session
    last = quarter.previous().last_day
    compared_with = f"the last report (as at {long_date(last)})" if since is None else since
    try:
        sides = pair(root, since or last.isoformat(), None, request.today, session)
        found = compare(sides, session)
    except PsstratError as exc:
        if since is not None:
            raise  # what the user asked to compare with cannot be compared: say so, exit 2
        why = str(exc).split(";")[0]
        return Compared(None, compared_with, f"Not compared with earlier data: {why}.")
    return Compared(found, compared_with)


def paper_source(root: Path, session: str, today: dt.date) -> Source:
    """The paper's source, as its session sees it: the commit, and whether the paper is made
    from uncommitted changes.

    A change to the templates or settings always makes a paper a draft. A change to the data
    does only if the session sees it (with today's marking governing both sides, as `changes`
    compares): an uncommitted edit of a withheld item leaves an open paper exactly as if it
    had never been made."""
    import dataclasses

    from psstrat.commands.changes import differs
    from psstrat.provenance import source_commit
    from psstrat.snapshots import pair

    source = source_commit(root)
    if not source.dirty or source.commit is None or session == "all":
        return source
    if source_commit(root, ("templates", "psstrat.yaml")).dirty:
        return source
    try:
        if differs(pair(root, "HEAD", None, today, session), session):
            return source
    except PsstratError:
        return source  # it cannot be told: the paper is not called clean
    return dataclasses.replace(source, dirty=False)
