"""A Strategic Intelligence Assessment and its issues."""

from __future__ import annotations

from pydantic import Field

from psstrat.model.common import Date, Marking, Model, Note, SiaId, SiaIssueId


class Recommendation(Model):
    text: str
    aligned_to: list[str] = Field(default_factory=list)


class SiaIssue(Model):
    id: SiaIssueId
    title: str
    statement: str | None = None
    risks: list[str] = Field(default_factory=list)
    recommendations: list[Recommendation] = Field(default_factory=list)
    progress: list[Note] = Field(default_factory=list)
    marking: Marking | None = None


class Sia(Model):
    id: SiaId
    title: str
    sequence: int | None = None
    date: Date
    marking: Marking | None = None
    summary: str | None = None
    issues: list[SiaIssue] = Field(default_factory=list)
