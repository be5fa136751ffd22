"""`psstrat status` as a domain function: the one-screen picture before a meeting."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from psstrat import schedule
from psstrat.asat import as_at
from psstrat.marking import View
from psstrat.model.common import natural_key
from psstrat.model.strand import Strand

STATES = [s.value for s in schedule.MilestoneState]


@dataclass(frozen=True)
class NextMilestone:
    id: str
    title: str
    due: dt.date


@dataclass(frozen=True)
class StrandStatus:
    id: str
    title: str
    rag: str
    lead: str
    milestones: dict[str, int]
    """How many of the strand's milestones are in each state."""
    marking: str | None
    """Shown when the strand is marked above the open session (session `all`)."""
    next_milestone: NextMilestone | None


@dataclass(frozen=True)
class HeatMap:
    rows: str
    columns: str
    counts: list[list[int]]
    """Counts of live risks by residual score: counts[impact - 1][likelihood - 1]."""


@dataclass(frozen=True)
class RiskLine:
    id: str
    title: str
    score: int
    likelihood: int
    impact: int
    band: str
    owner: str
    marking: str | None = None
    assessed: bool = True
    """False: no residual assessment yet, scored at the inherent rating."""


@dataclass(frozen=True)
class Status:
    as_of: dt.date
    session: str
    strands: list[StrandStatus]
    heat: HeatMap = field(metadata={"json": "risk_heat_map"})
    live_risks: int
    top_risks: list[RiskLine] = field(metadata={"json": "highest_risks"})
    withheld: dict[str, int]
    """Items above the session's maximum, left out, by kind: their only trace."""
    actions: dict[str, int] = field(default_factory=dict)
    """How many of the actions meetings set (by the as-of date) are in each state: open,
    due-soon, overdue, complete."""


def build_status(view: View, as_of: dt.date, top: int = 5) -> Status:
    """The picture from what the session may see (a strand's RAG and counts are over its
    visible work elements and milestones; the heat map over its visible risks), as it stood
    on ``as_of`` (psstrat.asat)."""
    view = as_at(view, as_of)
    repo = view.repo
    live = schedule.live_register(repo.risks, as_of)
    lines = [
        RiskLine(
            x.risk.id,
            x.risk.title,
            x.rating.score,
            x.rating.likelihood,
            x.rating.impact,
            repo.settings.band(x.rating.score),
            repo.owner_label(x.risk.owner),
            view.label(x.risk),
            x.rating.assessed,
        )
        for x in live[:top]
    ]
    withheld = Counter(h.kind for h in view.held)
    soon = repo.settings.due_soon_days
    actions = Counter(
        schedule.action_state(a, as_of, soon).value
        for _, a in schedule.actions_set(repo.meetings, as_of)
    )
    return Status(
        as_of=as_of,
        session=view.session,
        strands=[_strand(view, s, as_of) for s in repo.strands],
        heat=HeatMap("impact 1..5", "likelihood 1..5", schedule.heat_counts(live)),
        live_risks=len(live),
        top_risks=lines,
        withheld=dict(sorted(withheld.items())),
        actions={state.value: actions.get(state.value, 0) for state in schedule.ActionState},
    )


def _strand(view: View, s: Strand, as_of: dt.date) -> StrandStatus:
    repo = view.repo
    counts: Counter[str] = Counter()
    upcoming = []
    for e in s.work_elements:
        for m in e.milestones:
            st = schedule.milestone_status(m, as_of, repo.settings.due_soon_days)
            counts[st.state.value] += 1
            if st.state in (schedule.MilestoneState.DUE_SOON, schedule.MilestoneState.PENDING):
                upcoming.append((st.effective_due, natural_key(m.id), m))
    nxt = min(upcoming, key=lambda u: (u[0], u[1]))[2] if upcoming else None
    return StrandStatus(
        id=s.id,
        title=s.title,
        rag=schedule.strand_rag(s).value,
        lead=repo.owner_label(s.lead),
        milestones={state: counts.get(state, 0) for state in STATES},
        marking=view.label(s),
        next_milestone=NextMilestone(nxt.id, nxt.title, nxt.effective_due) if nxt else None,
    )
