"""A risk-register entry: assessments, history, controls, escalation."""

from __future__ import annotations

import functools
from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from psstrat.model.common import (
    Assessment,
    Category,
    Date,
    DatedAssessment,
    Illustrative,
    Marking,
    Model,
    MultiLine,
    RiskId,
)

ControlStatus = Literal["planned", "in-progress", "in-place"]


class ControlUpdate(Model):
    """A dated record of a control's status."""

    date: Date
    """Required: the date of the record"""
    status: ControlStatus
    """Required: its status from this date"""
    text: MultiLine | None = None
    """Optional: what happened"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""


class RiskUpdate(Model):
    """A dated record of who owns a risk."""

    date: Date
    """Required: the date of the record"""
    owner: str | None = None
    """The risk's owner from this date (owner id; null: none)"""
    text: MultiLine | None = None
    """Optional: what happened"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""


class Control(Model):
    description: MultiLine
    """Required: what is done to reduce the risk"""
    owner: str | None = None
    """Owner id of who does it"""
    status: ControlStatus = "planned"
    """One of planned (default), in-progress, in-place"""
    due: Date | None = None
    """Optional: when it should be in place"""
    updates: list[ControlUpdate] = Field(default_factory=list)
    """Dated records of its status, in any order"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""


class Escalation(Model):
    to: str
    """Required: the register or body it went to"""
    date: Date
    """Required: the date it went there"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""


class Risk(Model):
    id: RiskId
    """Required: R and four digits, then five from R10000"""
    title: str
    """Required: the risk in a line"""
    description: MultiLine | None = None
    """Optional: the risk in full"""
    category: Category
    """Required: one of the settings' categories"""
    owner: str | None = None
    """Owner id of the risk's owner"""
    raised: Date
    """Required: when the risk was raised"""
    source: str | None = None
    """Optional: the SIA issue it came from"""
    strands: list[str] = Field(default_factory=list)
    """Strand or work-element ids"""
    inherent: Assessment
    """Required; 1..5 each"""
    residual: DatedAssessment
    """Required: the latest assessment"""
    history: list[DatedAssessment] = Field(default_factory=list)
    """Earlier residual assessments, each before `residual`"""
    target: Assessment | None = None
    """Optional: the score the treatment aims for"""
    treatment: Literal["tolerate", "treat", "transfer", "terminate"] | None = None
    """Optional: tolerate | treat | transfer | terminate"""
    controls: list[Control] = Field(default_factory=list)
    """What is done about it"""
    escalated: Escalation | None = None
    """Optional: when it was escalated, and to what"""
    review_date: Date | None = None
    """The next review"""
    status: Literal["open", "closed"] = "open"
    """One of open (default), closed"""
    closed: Date | None = None
    """Required when status is closed"""
    updates: list[RiskUpdate] = Field(default_factory=list)
    """Dated records of its owner, in any order"""
    marking: Marking | None = None
    """Protective marking (default the lowest)"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""

    @model_validator(mode="after")
    def _closed_has_date(self) -> Risk:
        if self.status == "closed" and self.closed is None:
            raise PydanticCustomError("closed_date", "risk is closed but has no `closed:` date", {})
        return self

    @functools.cached_property
    def assessments(self) -> tuple[DatedAssessment, ...]:
        """Every residual assessment, oldest first (history, then the current one); worked
        out once (the model is frozen: nothing here can change)."""
        return tuple(sorted([*self.history, self.residual], key=lambda a: a.date))
