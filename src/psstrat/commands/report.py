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

from psstrat import schedule
from psstrat.english import long_date
from psstrat.errors import PsstratError

if TYPE_CHECKING:
    from psstrat.commands.changes import Changes
    from psstrat.commands.validate import Judgement
    from psstrat.marking import View
    from psstrat.provenance import Source
    from psstrat.schedule import Quarter


@dataclass(frozen=True)
class PaperRequest:
    """What `psstrat report` was asked for."""

    root: Path
    """The strategy repository (already resolved)."""
    quarter: str | None
    """As the user wrote it: 2004-Q3, 2004Q3 or 2004/05-Q3; None for a meeting's paper."""
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
    """What the changes section compares with (default, and `last-meeting`: the last report,
    the paper for the meeting before this paper's, as at its date)."""
    meeting: dt.date | None = None
    """`--meeting`: render a paper this meeting took (data/meetings.yaml) instead."""
    paper: str | None = None
    """`--paper`: which of the meeting's papers, by its report number."""
    appendix: bool = False
    """`--appendix register`: end the paper with the whole register."""


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


@dataclass(frozen=True)
class MeetingPaperData:
    """Everything a meeting's paper is made from, through the session's gate."""

    request: PaperRequest
    root: Path
    judgement: Judgement
    source: Source
    notes: tuple[str, ...]


def gather_meeting(request: PaperRequest) -> MeetingPaperData:
    """What the paper of `--meeting` (and `--paper`) is made from: PsstratError (exit 2) if
    it cannot be made, Refused (exit 1) if the data has errors and ``allow_errors`` is not
    set. The data is judged as at the meeting's date."""
    from psstrat.commands.validate import checked
    from psstrat.repository import load_repository

    assert request.meeting is not None
    for given, flag in ((request.as_of, "--as-of"), (request.since, "--since")):
        if given is not None:
            raise PsstratError(
                f"{flag} applies to a quarter's paper; a meeting's paper is as at its own "
                "`as_of` and reports since its own `since` (data/meetings.yaml): drop "
                f"{flag}, or set them on the paper"
            )
    if request.appendix:
        raise PsstratError(
            "--appendix applies to a quarter's paper; a meeting's paper lists its risks with "
            "`include: risks` (at most report.list_length): drop --appendix"
        )
    if request.strand is not None:
        raise PsstratError(
            "--strand applies to a quarter's paper; a meeting's paper covers the strands its "
            "`strands` names: drop --strand, or choose the paper with --paper"
        )
    repo = load_repository(request.root, positions=False)
    day = min(request.meeting, request.today)
    done = checked(repo, request.session, day, request.allow_errors)
    try:
        source = paper_source(repo.root, request.session, request.today)
    except PsstratError as exc:
        exc.notes = (*done.notes, *exc.notes)
        raise
    return MeetingPaperData(request, repo.root, done.judgement, source, done.notes)


def gather(request: PaperRequest) -> PaperData:
    """What the paper ``request`` asks for is made from; PsstratError (exit 2) if it cannot
    be made, Refused (exit 1) if the data has errors and ``allow_errors`` is not set."""
    from psstrat.commands.validate import checked
    from psstrat.repository import load_repository
    from psstrat.schedule import Quarter

    if request.quarter is None:
        raise PsstratError("name the paper: pass --quarter YYYY-QN or --meeting YYYY-MM-DD")
    repo = load_repository(request.root, positions=False)
    quarter = Quarter.parse(request.quarter, repo.settings.year_start_month)
    day = request.as_of or quarter.as_at(request.today).last
    done = checked(repo, request.session, day, request.allow_errors)
    try:
        source = paper_source(repo.root, request.session, request.today)
        compared = _compared(request, quarter, day, done.judgement.view)
    except PsstratError as exc:
        exc.notes = (*done.notes, *exc.notes)  # said before the error, as they were found
        raise
    return PaperData(request, repo.root, quarter, day, done.judgement, source, compared, done.notes)


def _compared(request: PaperRequest, quarter: Quarter, day: dt.date, view: View) -> Compared:
    """What changed since the last report; a note when it cannot be said.

    The last report is the paper for the meeting before this paper's meeting (the first
    after its quarter: psstrat.schedule.meeting_after), as at the end of the quarter that
    meeting took. Both sides are today's data as at their days (psstrat.asat), so the section
    lists what the dated records say happened between the two papers, and is the same
    whenever the paper is rendered. It does not read git: which files git says changed would
    let an edit inside a withheld item decide what an open paper lists. `--since REF`
    compares with what it names instead, through git (undated edits included)."""
    from psstrat.commands.changes import compare
    from psstrat.schedule import LAST_DAY
    from psstrat.snapshots import Pair, Side

    since, session = request.since, request.session
    if since is not None and since != "last-meeting":
        return _compared_with_git(request, since, (LAST_DAY, day))
    settings = view.repo.settings
    meetings = view.repo.meetings  # only the meetings the session may see
    this = schedule.meeting_after(meetings, quarter.last_day, request.strand)
    before = schedule.meeting_before(
        meetings, this.date if this else quarter.last_day + dt.timedelta(days=1), request.strand
    )
    if before is None:
        note = "No earlier meeting is recorded, so there is no last report to compare with."
        return Compared(None, "the last report", note)
    last = min(schedule.reported_before(before.date, settings.year_start_month), day)
    described = (
        f"the last report (to the meeting of {long_date(before.date)}, as at {long_date(last)})"
    )
    side = Side(view.source or view.repo, None)
    found = compare(Pair(side, side, [], described), session, (last, day))
    return Compared(found, described)


def _compared_with_git(
    request: PaperRequest, since: str, days: tuple[dt.date, dt.date]
) -> Compared:
    """What changed since what `--since` names, through git (undated edits included)."""
    from psstrat.commands.changes import compare
    from psstrat.snapshots import pair

    sides = pair(request.root, since, None, request.today, request.session)
    found = compare(sides, request.session, days)
    return Compared(found, f"{sides.before.label}, the data at {sides.since}")


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
