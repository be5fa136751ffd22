"""`psstrat overdue` as a domain function: the milestones past due as of a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from psstrat import schedule
from psstrat.asat import as_at
from psstrat.errors import PsstratError
from psstrat.marking import View
from psstrat.messages import suggest
from psstrat.model.common import natural_key


@dataclass(frozen=True)
class OverdueRow:
    id: str
    title: str
    strand: str
    work_element: str
    lead: str
    """The work element's lead as people know them: the role, or "vacant"."""
    due: dt.date
    revised_due: dt.date | None
    effective_due: dt.date
    days_overdue: int
    """Days past the effective due date; 0 or negative for milestones due soon."""
    state: str
    marking: str | None = None
    """The milestone's effective marking when above the open session (session `all`)."""


FIELDS = tuple(f.name for f in fields(OverdueRow))
"""The CSV's columns, in order: the row's own fields (JSON has the same keys)."""


def find_overdue(
    view: View,
    as_of: dt.date,
    within: int = 0,
    strand: str | None = None,
    owner: str | None = None,
) -> list[OverdueRow]:
    """Milestones overdue at ``as_of`` (and, with ``within``, those due in that many days),
    worst first: most days overdue, then by id. Only what the session may see is listed, as
    it stood on ``as_of`` (psstrat.asat: a milestone set or a re-plan agreed later is not)."""
    if strand is not None:
        view.require_strand(strand)
    view = as_at(view, as_of)
    repo = view.repo
    if owner is not None and owner not in repo.owners:
        raise PsstratError(
            f"--owner {owner} is not an owner in data/owners.yaml{suggest(owner, repo.owners)}"
        )
    rows = []
    for s, element, m in repo.milestones():
        if (strand and s.id != strand) or (owner and element.lead != owner):
            continue
        status = schedule.milestone_status(m, as_of, within)
        if status.state not in (schedule.MilestoneState.OVERDUE, schedule.MilestoneState.DUE_SOON):
            continue
        if status.state is schedule.MilestoneState.DUE_SOON and within <= 0:
            continue
        rows.append(
            OverdueRow(
                id=m.id,
                title=m.title,
                strand=s.id,
                work_element=element.id,
                lead=repo.owner_label(element.lead),
                due=m.due,
                revised_due=m.revised_due,
                effective_due=status.effective_due,
                days_overdue=(as_of - status.effective_due).days,
                state=status.state.value,
                marking=view.label(m),
            )
        )
    rows.sort(key=lambda r: (-r.days_overdue, natural_key(r.id)))
    return rows
