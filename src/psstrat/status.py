"""`psstrat status` as a domain function: the one-screen picture before a meeting."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from psstrat import schedule
from psstrat.marking import View
from psstrat.repository import natural_key

STATES = [s.value for s in schedule.MilestoneState]


@dataclass(frozen=True)
class StrandStatus:
    id: str
    title: str
    rag: str
    lead: str
    milestones: dict[str, int]
    next_id: str | None
    next_title: str | None
    next_due: dt.date | None
    marking: str | None = None
    """Shown when the strand is marked above the open session (session `all`)."""


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
    strands: list[StrandStatus]
    heat: list[list[int]]
    """Counts of live risks by residual score: heat[impact - 1][likelihood - 1]."""
    top_risks: list[RiskLine]
    live_risks: int
    session: str = "all"
    withheld: dict[str, int] = field(default_factory=dict)
    """Items above the session's maximum, left out, by kind: their only trace."""

    def as_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "session": self.session,
            "strands": [
                {
                    "id": s.id,
                    "title": s.title,
                    "rag": s.rag,
                    "lead": s.lead,
                    "milestones": s.milestones,
                    "marking": s.marking,
                    "next_milestone": None
                    if s.next_id is None
                    else {
                        "id": s.next_id,
                        "title": s.next_title,
                        "due": s.next_due.isoformat() if s.next_due else None,
                    },
                }
                for s in self.strands
            ],
            "risk_heat_map": {
                "rows": "impact 1..5",
                "columns": "likelihood 1..5",
                "counts": self.heat,
            },
            "live_risks": self.live_risks,
            "highest_risks": [r.__dict__ for r in self.top_risks],
            "withheld": self.withheld,
        }


def build_status(view: View, as_of: dt.date, top: int = 5) -> Status:
    """The picture from what the session may see (a strand's RAG and counts are over its
    visible work elements and milestones; the heat map over its visible risks)."""
    repo = view.repo
    soon = repo.settings.due_soon_days
    strands = []
    for s in repo.strands:
        counts: Counter[str] = Counter()
        upcoming = []
        for e in s.work_elements:
            for m in e.milestones:
                st = schedule.milestone_status(m, as_of, soon)
                counts[st.state.value] += 1
                if st.state in (schedule.MilestoneState.DUE_SOON, schedule.MilestoneState.PENDING):
                    upcoming.append((st.effective_due, natural_key(m.id), m))
        nxt = min(upcoming, key=lambda u: (u[0], u[1]))[2] if upcoming else None
        strands.append(
            StrandStatus(
                id=s.id,
                title=s.title,
                rag=schedule.strand_rag(s).value,
                lead=repo.owner_label(s.lead),
                milestones={state: counts.get(state, 0) for state in STATES},
                next_id=nxt.id if nxt else None,
                next_title=nxt.title if nxt else None,
                next_due=nxt.effective_due if nxt else None,
                marking=view.label(s),
            )
        )
    heat = [[0] * 5 for _ in range(5)]
    lines = []
    for risk in repo.risks:
        if not schedule.risk_is_live(risk, as_of):
            continue
        a = schedule.rating_as_of(risk, as_of)
        heat[a.impact - 1][a.likelihood - 1] += 1
        lines.append(
            RiskLine(
                risk.id,
                risk.title,
                a.score,
                a.likelihood,
                a.impact,
                repo.settings.band(a.score),
                repo.owner_label(risk.owner),
                view.label(risk),
                a.assessed,
            )
        )
    lines.sort(key=lambda r: (-r.score, -r.impact, natural_key(r.id)))
    withheld = Counter(h.kind for h in view.held)
    return Status(
        as_of, strands, heat, lines[:top], len(lines), view.session, dict(sorted(withheld.items()))
    )
