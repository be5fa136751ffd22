"""The session's view as it stood on a day: what a paper as at that day is made from.

The values as at the day come from dated records (psstrat.records says how). This works on a
session's view (psstrat.marking.restrict), so only records the session may see are used: a
withheld update that records a status changes nothing in an open paper, exactly as if it had
been deleted. Markings are never "as at": today's markings apply (docs/security.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, TypeVar

from pydantic import BaseModel

from psstrat.marking import View
from psstrat.model.common import DatedAssessment
from psstrat.model.risk import Control, Risk
from psstrat.model.sia import Sia
from psstrat.model.strand import Milestone, Strand, WorkElement
from psstrat.records import (
    control_status,
    element_lead,
    element_status,
    exists_on,
    illustrative_at,
    milestone_exists_on,
    risk_owner,
    strand_lead,
)
from psstrat.schedule import residual_as_of

M = TypeVar("M", bound=BaseModel)

# -- the view as at a day ----------------------------------------------------------------------


def as_at(view: View, day: dt.date) -> View:
    """The session's view as it stood on ``day`` (a copy; ``view`` is left as it is)."""
    copier = _Copier(view)
    files: dict[str, BaseModel] = {}
    new: dict[int, Any] = {}  # by id() of the item it stands for
    for rel, item in view.repo.files.items():
        if isinstance(item, Strand):
            files[rel] = copier.strand(item, day)
        elif isinstance(item, Risk):
            if item.raised <= day:  # a risk raised later does not exist yet
                files[rel] = copier.risk(item, day)
        elif isinstance(item, Sia):
            if item.date <= day:  # nor an assessment presented later
                files[rel] = item
        else:
            files[rel] = item
        if rel in files:
            new[id(item)] = files[rel]
    old = view.repo
    # The indexes in the order the loader sorted them (what `index` would build, unsorted).
    repo = dataclasses.replace(
        old,
        files=files,
        strands=[new[id(s)] for s in old.strands if id(s) in new],
        risks=[new[id(r)] for r in old.risks if id(r) in new],
        sias=[new[id(a)] for a in old.sias if id(a) in new],
    )
    return dataclasses.replace(view, repo=repo, ranks=copier.ranks, basis=view)


class _Copier:
    """Copies of the items whose values differ on the day, each with its original's rank
    (the gate ranks items by ``id()``)."""

    def __init__(self, view: View) -> None:
        self.ranks = dict(view.ranks)

    def copy(self, item: M, **changes: Any) -> M:
        changed = {k: v for k, v in changes.items() if getattr(item, k) is not v}
        if not changed:
            return item
        # model_copy does not validate: the shown status may be "not-recorded".
        new = item.model_copy(update=changed)
        if id(item) in self.ranks:
            self.ranks[id(new)] = self.ranks[id(item)]
        return new

    def strand(self, s: Strand, day: dt.date) -> Strand:
        elements = [self.element(e, day) for e in s.work_elements if exists_on(e, day)]
        return self.copy(
            s,
            illustrative=_same_or(s.illustrative, illustrative_at(s, day)),
            lead=_same_or(s.lead, strand_lead(s, day)),
            work_elements=_same_items(s.work_elements, elements),
        )

    def element(self, e: WorkElement, day: dt.date) -> WorkElement:
        milestones = [self.milestone(m, day) for m in e.milestones if milestone_exists_on(m, day)]
        return self.copy(
            e,
            illustrative=_same_or(e.illustrative, illustrative_at(e, day)),
            status=_same_or(e.status, element_status(e, day)),
            lead=_same_or(e.lead, element_lead(e, day)),
            milestones=_same_items(e.milestones, milestones),
        )

    def milestone(self, m: Milestone, day: dt.date) -> Milestone:
        replanned = m.revised_on is None or m.revised_on <= day
        dropped = m.cancelled_on is None or m.cancelled_on <= day
        done = m.completed is not None and m.completed <= day
        return self.copy(
            m,
            revised_due=m.revised_due if replanned else None,
            cancelled=m.cancelled if dropped else False,
            completed=m.completed if done else None,
        )

    def risk(self, r: Risk, day: dt.date) -> Risk:
        controls = [self.control(c, day) for c in r.controls]
        closed = r.closed is not None and r.closed <= day
        escalated = r.escalated is not None and r.escalated.date <= day
        return self.copy(
            r,
            illustrative=_same_or(r.illustrative, illustrative_at(r, day)),
            owner=_same_or(r.owner, risk_owner(r, day)),
            controls=_same_items(r.controls, controls),
            residual=_residual(r, day),
            history=_same_items(r.history, [a for a in r.history if a.date <= day]),
            status=r.status if closed or r.status == "open" else "open",
            closed=r.closed if closed else None,
            escalated=r.escalated if escalated else None,
        )

    def control(self, c: Control, day: dt.date) -> Control:
        return self.copy(c, status=_same_or(c.status, control_status(c, day)))


def _residual(r: Risk, day: dt.date) -> DatedAssessment:
    """The residual assessment as at ``day``: the latest on or before it (before the first,
    the current one is kept: every figure from it is worked out with its date, and a paper
    says "not yet assessed")."""
    latest = residual_as_of(r, day)
    return r.residual if latest is None or latest == r.residual else latest


def _same_items(current: list[M], items: list[M]) -> list[M]:
    """``current`` itself when ``items`` are its very items (so nothing is copied)."""
    same = len(items) == len(current) and all(a is b for a, b in zip(items, current, strict=True))
    return current if same else items


def _same_or(current: Any, value: Any) -> Any:
    """``current`` itself when the value on the day is equal (so nothing is copied)."""
    return current if current == value else value
