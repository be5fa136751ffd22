"""A Strategic Intelligence Assessment and its issues."""

from __future__ import annotations

from pydantic import Field

from psstrat.model.common import (
    Date,
    Illustrative,
    Marking,
    Model,
    MultiLine,
    Note,
    SiaId,
    SiaIssueId,
)


class Recommendation(Model):
    text: MultiLine
    """Required: the recommendation"""
    aligned_to: list[str] = Field(default_factory=list)
    """Strand or work-element ids"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""


class SiaIssue(Model):
    id: SiaIssueId
    """Required: <sia id>.<n>"""
    title: str
    """Required: the issue in a line"""
    statement: MultiLine | None = None
    """The issue as the assessment states it"""
    risks: list[str] = Field(default_factory=list)
    """Risks it was scoped into"""
    recommendations: list[Recommendation] = Field(default_factory=list)
    """What the assessment recommends"""
    progress: list[Note] = Field(default_factory=list)
    """Dated progress notes, in any order"""
    marking: Marking | None = None
    """Optional: protective marking (default the SIA's)"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""


class Sia(Model):
    id: SiaId
    """Required: SIA-<year>"""
    title: str
    """Required: the assessment's name"""
    sequence: int | None = None
    """Optional: the third SIA"""
    date: Date
    """Required: when presented"""
    marking: Marking | None = None
    """Protective marking (default the lowest)"""
    summary: MultiLine | None = None
    """Optional: the assessment's findings in brief"""
    issues: list[SiaIssue] = Field(default_factory=list)
    """The issues it identifies"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""
