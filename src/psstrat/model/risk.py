"""A risk-register entry: assessments, history, controls, escalation."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from psstrat.model.common import (
    Assessment,
    Category,
    Date,
    DatedAssessment,
    Marking,
    Model,
    RiskId,
)


class Control(Model):
    description: str
    owner: str | None = None
    status: Literal["planned", "in-progress", "in-place"] = "planned"
    due: Date | None = None


class Escalation(Model):
    to: str
    date: Date


class Risk(Model):
    id: RiskId
    title: str
    description: str | None = None
    category: Category
    owner: str | None = None
    raised: Date
    source: str | None = None
    strands: list[str] = Field(default_factory=list)
    inherent: Assessment
    residual: DatedAssessment
    history: list[DatedAssessment] = Field(default_factory=list)
    target: Assessment | None = None
    treatment: Literal["tolerate", "treat", "transfer", "terminate"] | None = None
    controls: list[Control] = Field(default_factory=list)
    escalated: Escalation | None = None
    review_date: Date | None = None
    status: Literal["open", "closed"] = "open"
    closed: Date | None = None
    marking: Marking | None = None

    @model_validator(mode="after")
    def _closed_has_date(self) -> Risk:
        if self.status == "closed" and self.closed is None:
            raise PydanticCustomError("closed_date", "risk is closed but has no `closed:` date", {})
        return self

    @property
    def assessments(self) -> list[DatedAssessment]:
        """Every residual assessment, oldest first (history, then the current one)."""
        return sorted([*self.history, self.residual], key=lambda a: a.date)
