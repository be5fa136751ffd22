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
    Note,
    OutcomeId,
    StrandId,
)

ElementStatus = Literal["not-started", "on-track", "at-risk", "off-track", "complete", "cancelled"]


class Milestone(Model):
    id: MilestoneId
    title: str
    due: Date
    revised_due: Date | None = None
    completed: Date | None = None
    cancelled: bool = False
    marking: Marking | None = None

    @property
    def effective_due(self) -> Date:
        return self.revised_due or self.due


class WorkElement(Model):
    id: ElementId
    title: str
    description: str | None = None
    lead: str | None = None
    status: ElementStatus = "not-started"
    start: Date | None = None
    risks: list[str] = Field(default_factory=list)
    marking: Marking | None = None
    milestones: list[Milestone] = Field(default_factory=list)
    updates: list[Note] = Field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status not in ("complete", "cancelled")


class Strand(Model):
    id: StrandId
    title: str
    summary: str | None = None
    purpose: str | None = None
    expected_outcome: str | None = None
    lead: str | None = None
    outcomes: list[OutcomeId] = Field(default_factory=list)
    marking: Marking | None = None
    equality_implications: str | None = None
    work_elements: list[WorkElement] = Field(default_factory=list)
