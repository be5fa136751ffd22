"""A strand of the strategy, its work elements, milestones and updates."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from psstrat.model.common import (
    Date,
    Dated,
    ElementId,
    Illustrative,
    Marking,
    MilestoneId,
    Model,
    MultiLine,
    OutcomeId,
    StrandId,
)

ElementStatus = Literal["not-started", "on-track", "at-risk", "off-track", "complete", "cancelled"]


class Milestone(Model):
    id: MilestoneId
    """Required: <element id>.M<n>"""
    title: str
    """Required: what will be delivered"""
    due: Date
    """Required: the baseline date"""
    revised_due: Date | None = None
    """Optional: the re-planned date (keep `due` as it was)"""
    completed: Date | None = None
    """Optional: set when achieved"""
    cancelled: bool = False
    """Optional: true if it was dropped"""
    set_on: Date | None = None
    """Optional: when it was added to the plan (before it, a paper does not show it)"""
    revised_on: Date | None = None
    """Optional: when the re-plan to `revised_due` was agreed"""
    cancelled_on: Date | None = None
    """Optional: when it was dropped"""
    marking: Marking | None = None
    """Optional: protective marking (default the element's)"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""

    @property
    def effective_due(self) -> Date:
        return self.revised_due or self.due


class Update(Dated):
    """A dated progress note on a work element, which may record its status and lead from
    its date."""

    status: ElementStatus | None = None
    """Optional: the element's status from this date"""
    lead: str | None = None
    """Optional: its lead from this date (null: vacant)"""
    marking: Marking | None = None
    """Optional: protective marking (default the element's)"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""

    @property
    def records_lead(self) -> bool:
        """Whether it records a lead (`lead: null` records a vacancy; no `lead:` records
        nothing)."""
        return "lead" in self.model_fields_set


class StrandUpdate(Dated):
    """A dated note on a strand, which may record its lead from its date."""

    lead: str | None = None
    """Optional: the strand's lead from this date (null: vacant)"""
    marking: Marking | None = None
    """Optional: protective marking (default the strand's)"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""

    @property
    def records_lead(self) -> bool:
        return "lead" in self.model_fields_set


class WorkElement(Model):
    id: ElementId
    """Required: <strand id>.<n>"""
    title: str
    """Required: the work in a line"""
    description: MultiLine | None = None
    """Optional: longer text than the title"""
    lead: str | None = None
    """Owner id, or null (vacant)"""
    status: ElementStatus = "not-started"
    """One of not-started (default), on-track, at-risk, off-track, complete, cancelled"""
    start: Date | None = None
    """Optional: when the work started"""
    risks: list[str] = Field(default_factory=list)
    """Risks this element mitigates"""
    marking: Marking | None = None
    """Protective marking (default the strand's)"""
    milestones: list[Milestone] = Field(default_factory=list)
    """What it will deliver, and when"""
    updates: list[Update] = Field(default_factory=list)
    """Dated progress notes, in any order"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""

    @property
    def is_open(self) -> bool:
        return self.status not in ("complete", "cancelled")


class Strand(Model):
    id: StrandId
    """Required: S<n>"""
    title: str
    """Required: the strand's name"""
    summary: MultiLine | None = None
    """The strand's description"""
    purpose: MultiLine | None = None
    """Why the strand exists"""
    expected_outcome: MultiLine | None = None
    """What will be different when it is done"""
    lead: str | None = None
    """Owner id, or null (vacant)"""
    outcomes: list[OutcomeId] = Field(default_factory=list)
    """Strategic outcome ids it serves"""
    marking: Marking | None = None
    """Protective marking (default the lowest)"""
    equality_implications: MultiLine | None = None
    """Optional: its equality and diversity implications"""
    work_elements: list[WorkElement] = Field(default_factory=list)
    """The work, each with milestones and updates"""
    updates: list[StrandUpdate] = Field(default_factory=list)
    """Dated notes on the strand (a change of lead), in any order"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""
