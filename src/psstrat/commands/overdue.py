"""`psstrat overdue` as a domain function: the milestones (and actions) past due as of a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from psstrat.errors import PsstratError

if TYPE_CHECKING:
    from psstrat.marking import View

# The models, the schedule and the marking gate are imported where they are used: `psstrat
# overdue`'s options are declared from this module, and every command's start-up would
# otherwise load them (0.5 s).


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
    kind: str = "milestone"
    """milestone, or action (one a meeting set: data/meetings.yaml)."""


FIELDS = tuple(f.name for f in fields(OverdueRow))
"""The CSV's columns, in order: the row's own fields (JSON has the same keys)."""


KINDS = ("milestone", "action", "all")
"""What `--kind` lists."""


# Named exception (PLR0913): the command's filters, each an option of `psstrat overdue`.
def find_overdue(  # noqa: PLR0913
    view: View,
    as_of: dt.date,
    within: int = 0,
    strand: str | None = None,
    owner: str | None = None,
    kind: str = "milestone",
) -> list[OverdueRow]:
    """Milestones overdue at ``as_of`` (and, with ``within``, those due in that many days),
    worst first: most days overdue, then by id. Only what the session may see is listed, as
    it stood on ``as_of`` (psstrat.asat: a milestone set or a re-plan agreed later is not)."""
    from psstrat import schedule
    from psstrat.asat import as_at
    from psstrat.messages import suggest
    from psstrat.model.common import natural_key

    if strand is not None:
        view.require_strand(strand)
    view = as_at(view, as_of)
    repo = view.repo
    if owner is not None and owner not in repo.owners:
        raise PsstratError(
            f"--owner {owner} is not an owner in data/owners.yaml{suggest(owner, repo.owners)}"
        )
    rows = [] if kind == "milestone" else _actions(view, as_of, within, strand, owner)
    for s, element, m in repo.milestones() if kind != "action" else ():
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


def _actions(
    view: View, as_of: dt.date, within: int, strand: str | None, owner: str | None
) -> list[OverdueRow]:
    """The actions set at meetings held by ``as_of`` and not completed by then, past due (or,
    with ``within``, due in that many days)."""
    from psstrat import schedule

    repo = view.repo
    rows = []
    for _, action in schedule.actions_set(repo.meetings, as_of):
        if (strand and strand not in action.strands) or (owner and action.owner != owner):
            continue
        state = schedule.action_state(action, as_of, within)
        if state not in (schedule.ActionState.OVERDUE, schedule.ActionState.DUE_SOON):
            continue
        if state is schedule.ActionState.DUE_SOON and within <= 0:
            continue
        rows.append(
            OverdueRow(
                id=action.id,
                title=" ".join(action.text.split()),
                strand=", ".join(action.strands),
                work_element="",
                lead=repo.owner_label(action.owner),
                due=action.due,
                revised_due=None,
                effective_due=action.due,
                days_overdue=(as_of - action.due).days,
                state=state.value,
                marking=view.label(action),
                kind="action",
            )
        )
    return rows
