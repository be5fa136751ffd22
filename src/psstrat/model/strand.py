"""A strand of the strategy, its work elements, milestones and updates."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from psstrat.model.common import (
    Date,
    ElementId,
    Marking,
    MilestoneId,
    Model,
    MultiLine,
    Note,
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
    marking: Marking | None = None
    """Optional: protective marking (default the element's)"""

    @property
    def effective_due(self) -> Date:
        return self.revised_due or self.due


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
    updates: list[Note] = Field(default_factory=list)
    """Dated progress notes, in any order"""

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
