"""`psstrat plan` as a domain function: the committee's forward plan as of a date.

The meetings after the date with the papers each is to take, and each strand with when the
committee last heard about it and when it is next to: what the secretariat agrees the agenda
from. Only what the session may see is in it, so a withheld meeting or paper is simply not
there (nothing counts it), and a strand reported only at a withheld meeting shows as not
reported, exactly as if that meeting had been deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from psstrat import schedule
from psstrat.asat import as_at
from psstrat.marking import View
from psstrat.model.paper import Paper
from psstrat.model.strategy import Meeting, MeetingsFile
from psstrat.repository import Repository
from psstrat.rules.strand_unreported import Reporting, reporting, unreported

QUARTER = "quarter"
"""The kind of the quarter's paper a meeting names in its own `report` and `title`."""


@dataclass(frozen=True)
class PlannedPaper:
    report: str | None
    title: str | None
    """None for a quarter's paper the meeting names only by its strands."""
    kind: str
    """The paper's kind (strategy, strand, sia, programme, highlight), or `quarter` for the
    quarter's paper a meeting names in its own `report`, `title` and `strands`."""
    strands: tuple[str, ...]
    sia: str | None
    authors: tuple[str, ...]
    """Its authors as people know them (roles); empty: no author. A quarter's paper names
    the report's contact (report.author in psstrat.yaml, else the strategy's author), as
    `report --quarter` prints it."""
    marking: str | None = None
    """The paper's effective marking when above the open session (session `all` or closed)."""


@dataclass(frozen=True)
class PlannedMeeting:
    date: dt.date
    committee: str | None
    """The body that meets: the file's committee, or another body the meeting names."""
    own_committee: bool
    """One of the committee's own meetings (False: another body's, marked as such)."""
    papers: tuple[PlannedPaper, ...]
    marking: str | None = None


@dataclass(frozen=True)
class StrandPlan:
    id: str
    title: str
    last_reported: dt.date | None
    """The last of the committee's own meetings on or before the date to present it."""
    next_planned: dt.date | None
    """The first of the committee's own meetings after the date planned to present it."""
    unreported: bool
    """Not reported within `strand_report_months`: the `strand-unreported` rule's test, on
    what the session sees (never without data/meetings.yaml, as the rule)."""
    marking: str | None = None


@dataclass(frozen=True)
class Plan:
    as_of: dt.date
    committee: str | None
    strand_report_months: int
    meetings: tuple[PlannedMeeting, ...]
    strands: tuple[StrandPlan, ...]


def build_plan(view: View, as_of: dt.date) -> Plan:
    """The forward plan from what the session may see, as it stood on ``as_of``: the
    meetings dated after it, by date (meetings on one day in the file's order), each with its
    papers in the file's order, then every strand."""
    view = as_at(view, as_of)
    repo = view.repo
    meetings = repo.meetings
    months = repo.settings.strand_report_months
    planned = (
        [
            _meeting(view, meetings, m)
            for m in sorted(meetings.meetings, key=lambda m: m.date)
            if m.date > as_of
        ]
        if meetings
        else []
    )
    strands = []
    for s in repo.strands:
        dates = reporting(meetings, s.id, as_of) if meetings else Reporting(None, None)
        late = (
            meetings is not None
            and repo.strategy is not None
            and unreported(repo.strategy.period, dates, as_of, months)
        )
        strands.append(
            StrandPlan(s.id, s.title, dates.last, dates.next, late, marking=view.label(s))
        )
    return Plan(
        as_of=as_of,
        committee=meetings.committee if meetings else None,
        strand_report_months=months,
        meetings=tuple(planned),
        strands=tuple(strands),
    )


def _meeting(view: View, meetings: MeetingsFile, meeting: Meeting) -> PlannedMeeting:
    return PlannedMeeting(
        date=meeting.date,
        committee=schedule.committee_of(meetings, meeting),
        own_committee=schedule.is_the_committees(meetings, meeting),
        papers=tuple(_papers(view, meeting)),
        marking=view.label(meeting),
    )


def _papers(view: View, meeting: Meeting) -> list[PlannedPaper]:
    repo = view.repo
    found = []
    if meeting.report is not None or meeting.title is not None or meeting.strands:
        contact = repo.settings.report.author or (repo.strategy.author if repo.strategy else None)
        found.append(
            PlannedPaper(
                report=meeting.report,
                title=meeting.title,
                kind=QUARTER,
                strands=tuple(meeting.strands),
                sia=None,
                authors=(repo.owner_label(contact),) if contact else (),
                marking=view.label(meeting),
            )
        )
    found.extend(_paper(view, repo, p) for p in meeting.papers)
    return found


def _paper(view: View, repo: Repository, paper: Paper) -> PlannedPaper:
    return PlannedPaper(
        report=paper.report,
        title=paper.title,
        kind=paper.kind,
        strands=tuple(paper.strands),
        sia=paper.sia,
        authors=tuple(repo.owner_label(a) for a in paper.authors),
        marking=view.label(paper),
    )
