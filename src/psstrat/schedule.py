"""Time, always "as of" a date D: quarters, milestone states, RAG, risk scores.

Nothing here reads the clock. Anything dated after D does not exist yet at D, so a report or
a check for a past date computes the same whenever it is run. Every command and every
date-dependent rule uses these functions; there is no second implementation.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from dateutil.relativedelta import relativedelta

from psstrat.errors import PsstratError
from psstrat.model.common import Dated, DatedAssessment, natural_key
from psstrat.model.paper import Action
from psstrat.model.risk import Risk
from psstrat.model.strand import Milestone, Strand, WorkElement
from psstrat.model.strategy import Meeting, MeetingsFile

# -- quarters --------------------------------------------------------------------------------

_QUARTER = re.compile(r"(?P<year>\d{4})(?:/(?P<next>\d{2}|\d{4}))?-?Q(?P<n>[1-4])")
QUARTER_FORMS = "2004-Q3, 2004Q3 or 2004/05-Q3"
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(9998, 12, 31)
"""The dates psstrat computes as of: no strategy runs outside them, and the calendar's own
ends (year 1 and 9999) would overflow quarter and due-soon arithmetic."""


@dataclass(frozen=True, order=True)
class Quarter:
    """Quarter ``n`` (1-4) of the year that starts in ``start_month`` of ``year``."""

    year: int
    n: int
    start_month: int = 4

    @classmethod
    def parse(cls, text: str, start_month: int = 4) -> Quarter:
        match = _QUARTER.fullmatch(text.strip().upper())
        if not match:
            raise PsstratError(
                f"`{text}` is not a quarter; write it as {QUARTER_FORMS} (case does not matter)"
            )
        year = int(match["year"])
        nxt = match["next"]
        if nxt is not None:
            expected = year + 1
            if int(nxt) not in (expected, expected % 100):
                raise PsstratError(
                    f"`{text}`: {year}/{nxt} is not one year followed by the next; "
                    f"write it as {year}/{str(expected)[-2:]}-Q{match['n']}"
                )
            if start_month == 1:
                raise PsstratError(
                    f"`{text}` names a split year, but quarters here follow the calendar year "
                    f"(year_start_month: 1); write it as {year}-Q{match['n']}"
                )
        if not FIRST_DAY.year <= year < LAST_DAY.year:
            raise PsstratError(
                f"`{text}` is out of range; quarters run from {FIRST_DAY.year} to "
                f"{LAST_DAY.year - 1}"
            )
        return cls(year, int(match["n"]), start_month)

    @classmethod
    def containing(cls, day: dt.date, start_month: int = 4) -> Quarter:
        months = (day.year * 12 + day.month - 1) - (start_month - 1)
        year, offset = divmod(months, 12)
        return cls(year, offset // 3 + 1, start_month)

    @functools.cached_property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.start_month, 1) + relativedelta(months=3 * (self.n - 1))

    @functools.cached_property
    def last_day(self) -> dt.date:
        return self.first_day + relativedelta(months=3, days=-1)

    @property
    def label(self) -> str:
        """ "Q3 2004/05" for a year starting in April, "Q3 2004" for calendar years."""
        if self.start_month == 1:
            return f"Q{self.n} {self.year}"
        return f"Q{self.n} {self.year}/{(self.year + 1) % 100:02d}"

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.n}"

    def next(self) -> Quarter:
        return Quarter.containing(self.last_day + dt.timedelta(days=1), self.start_month)

    def previous(self) -> Quarter:
        return Quarter.containing(self.first_day - dt.timedelta(days=1), self.start_month)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.first_day <= day <= self.last_day

    def as_at(self, as_of: dt.date) -> Span:
        """The part of the quarter a report as at ``as_of`` covers: from its first day to its
        last, or to ``as_of`` when that comes first."""
        return Span(self.first_day, min(self.last_day, as_of))


@dataclass(frozen=True)
class Span:
    """The days from ``first`` to ``last``, both included."""

    first: dt.date
    last: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.first <= day <= self.last


# -- milestones ------------------------------------------------------------------------------


class MilestoneState(enum.StrEnum):
    COMPLETE = "complete"
    CANCELLED = "cancelled"
    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    PENDING = "pending"


@dataclass(frozen=True)
class MilestoneStatus:
    state: MilestoneState
    effective_due: dt.date
    days_overdue: int
    slippage_days: int


def milestone_status(m: Milestone, as_of: dt.date, due_soon_days: int) -> MilestoneStatus:
    due = m.effective_due
    slippage = (due - m.due).days
    if m.completed is not None and m.completed <= as_of:
        state = MilestoneState.COMPLETE
    elif m.cancelled:
        state = MilestoneState.CANCELLED
    elif as_of > due:
        return MilestoneStatus(MilestoneState.OVERDUE, due, (as_of - due).days, slippage)
    elif due <= as_of + dt.timedelta(days=due_soon_days):
        state = MilestoneState.DUE_SOON
    else:
        state = MilestoneState.PENDING
    return MilestoneStatus(state, due, 0, slippage)


# -- RAG -------------------------------------------------------------------------------------


class Rag(enum.StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    GREY = "grey"
    COMPLETE = "complete"
    CANCELLED = "cancelled"


_ELEMENT_RAG = {
    "on-track": Rag.GREEN,
    "at-risk": Rag.AMBER,
    "off-track": Rag.RED,
    "complete": Rag.COMPLETE,
    "cancelled": Rag.CANCELLED,
    "not-started": Rag.GREY,
    "not-recorded": Rag.GREY,  # as at a day before its first dated status (psstrat.asat)
}
_SEVERITY = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.GREY]


def element_rag(element: WorkElement) -> Rag:
    return _ELEMENT_RAG[element.status]


def strand_rag(strand: Strand) -> Rag:
    """The worst RAG of the strand's open work elements (red over amber over green)."""
    rags = {element_rag(e) for e in strand.work_elements if e.is_open}
    for rag in _SEVERITY:
        if rag in rags:
            return rag
    statuses = {e.status for e in strand.work_elements}
    if statuses == {"cancelled"}:
        return Rag.CANCELLED
    return Rag.COMPLETE if statuses else Rag.GREY


# -- what exists at D ------------------------------------------------------------------------

N = TypeVar("N", bound=Dated)


def notes_as_of(notes: Iterable[N], as_of: dt.date) -> list[N]:
    """The notes that exist at D, newest first."""
    return sorted((n for n in notes if n.date <= as_of), key=lambda n: n.date, reverse=True)


def notes_between(notes: Iterable[N], span: Span) -> list[N]:
    """The notes dated in ``span``, oldest first."""
    return sorted((n for n in notes if n.date in span), key=lambda n: n.date)


def residual_as_of(risk: Risk, as_of: dt.date) -> DatedAssessment | None:
    """The latest residual assessment dated on or before D (None before the first)."""
    for assessment in reversed(risk.assessments):  # oldest first: the latest is at the end
        if assessment.date <= as_of:
            return assessment
    return None


@dataclass(frozen=True)
class Rating:
    """A risk's score as shown at D: its latest residual assessment, or, when it has none yet,
    its inherent rating (``assessed`` False: the paper says "not yet assessed")."""

    likelihood: int
    impact: int
    assessed: bool

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


def rating_as_of(risk: Risk, as_of: dt.date) -> Rating:
    residual = residual_as_of(risk, as_of)
    if residual is None:
        return Rating(risk.inherent.likelihood, risk.inherent.impact, False)
    return Rating(residual.likelihood, residual.impact, True)


def risk_is_live(risk: Risk, as_of: dt.date) -> bool:
    """In the live register at D: raised on or before D and not closed on or before D."""
    if risk.raised > as_of:
        return False
    return not (risk.closed is not None and risk.closed <= as_of)


def days_past_review(risk: Risk, as_of: dt.date) -> int | None:
    """How many days a live risk's `review_date` is behind D; None when it is not."""
    if risk.review_date is None or risk.review_date >= as_of or not risk_is_live(risk, as_of):
        return None
    return (as_of - risk.review_date).days


@dataclass(frozen=True)
class LiveRisk:
    risk: Risk
    rating: Rating


def live_register(risks: Iterable[Risk], as_of: dt.date) -> list[LiveRisk]:
    """The live risks at D with their ratings, highest first: by score, then impact, then id."""
    live = [LiveRisk(r, rating_as_of(r, as_of)) for r in risks if risk_is_live(r, as_of)]
    live.sort(key=lambda x: (-x.rating.score, -x.rating.impact, natural_key(x.risk.id)))
    return live


def heat_counts(live: Iterable[LiveRisk]) -> list[list[int]]:
    """How many live risks sit at each rating: counts[impact - 1][likelihood - 1]."""
    counts = [[0] * 5 for _ in range(5)]
    for x in live:
        counts[x.rating.impact - 1][x.rating.likelihood - 1] += 1
    return counts


def current_score(risk: Risk, as_of: dt.date) -> int | None:
    assessment = residual_as_of(risk, as_of)
    return assessment.score if assessment else None


class Trend(enum.StrEnum):
    UP = "up"
    DOWN = "down"
    SAME = "same"
    NEW = "new"
    """Raised in the period."""
    FIRST = "first"
    """Raised before the period, first assessed in it: nothing like to compare with."""
    UNASSESSED = "unassessed"
    """No residual assessment by the end of the period."""


@dataclass(frozen=True)
class ScoreChange:
    before: int | None
    after: int | None
    trend: Trend


def score_change(risk: Risk, start: dt.date, end: dt.date) -> ScoreChange:
    """The residual score at the end of a period against the residual score at its start:
    like with like, so an inherent rating is never compared with a residual one."""
    before = current_score(risk, start)
    after = current_score(risk, end)
    if after is None:
        trend = Trend.UNASSESSED
    elif risk.raised > start:
        trend = Trend.NEW
    elif before is None:
        trend = Trend.FIRST
    elif after == before:
        trend = Trend.SAME
    else:
        trend = Trend.UP if after > before else Trend.DOWN
    return ScoreChange(before, after, trend)


# -- meetings ----------------------------------------------------------------------------------


def committee_of(meetings: MeetingsFile, meeting: Meeting) -> str | None:
    """The body that held ``meeting``: its own `committee`, else the file's."""
    return meeting.committee or meetings.committee


def is_the_committees(meetings: MeetingsFile, meeting: Meeting) -> bool:
    """Whether ``meeting`` is one of the committee's own (the file's `committee`), not of
    another body whose decisions the file records (a meeting naming another committee)."""
    return meeting.committee is None or meeting.committee == meetings.committee


def _meetings_for(meetings: MeetingsFile | None, strand_id: str | None) -> list[Meeting]:
    """The committee's own meetings, by date; for a strand's report, those that take the
    strand when any meeting does (in its `strands` or a paper's)."""
    if meetings is None:
        return []
    found = sorted(
        (m for m in meetings.meetings if is_the_committees(meetings, m)), key=lambda m: m.date
    )
    if strand_id and any(m.covers(strand_id) for m in found):
        found = [m for m in found if m.covers(strand_id)]
    return found


def meeting_after(
    meetings: MeetingsFile | None, day: dt.date, strand_id: str | None = None
) -> Meeting | None:
    """The first meeting after ``day``: the one a quarter ending on ``day`` reports to."""
    return next((m for m in _meetings_for(meetings, strand_id) if m.date > day), None)


def meeting_before(
    meetings: MeetingsFile | None, day: dt.date, strand_id: str | None = None
) -> Meeting | None:
    """The last meeting before ``day``."""
    earlier = [m for m in _meetings_for(meetings, strand_id) if m.date < day]
    return earlier[-1] if earlier else None


class ActionState(enum.Enum):
    """An action's state as at a day (its meeting held by then)."""

    OPEN = "open"
    DUE_SOON = "due-soon"
    OVERDUE = "overdue"
    COMPLETE = "complete"


def action_state(action: Action, as_of: dt.date, due_soon_days: int = 0) -> ActionState:
    """Complete once its `completed` date has come; overdue after its due date; due soon in
    the ``due_soon_days`` before it; else open."""
    if action.completed is not None and action.completed <= as_of:
        return ActionState.COMPLETE
    if action.due < as_of:
        return ActionState.OVERDUE
    if (action.due - as_of).days <= due_soon_days:
        return ActionState.DUE_SOON
    return ActionState.OPEN


def actions_set(meetings: MeetingsFile | None, as_of: dt.date) -> Iterator[tuple[Meeting, Action]]:
    """Every action set at a meeting held on or before ``as_of`` (one set later does not
    exist yet), by meeting date then id."""
    held = sorted(
        (m for m in meetings.meetings if m.date <= as_of) if meetings else (),
        key=lambda m: m.date,
    )
    for meeting in held:
        for action in sorted(meeting.actions, key=lambda a: natural_key(a.id)):
            yield meeting, action


def reported_before(day: dt.date, start_month: int) -> dt.date:
    """The as-of date of the report a meeting on ``day`` takes: the last day of the last
    quarter to end before it (the day before the meeting, at the calendar's start)."""
    try:
        return Quarter.containing(day, start_month).previous().last_day
    except (ValueError, OverflowError):  # a meeting in the calendar's first quarter
        return day - dt.timedelta(days=1) if day > dt.date.min else day
