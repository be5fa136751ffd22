"""The strategy, its owners and the committee's meetings."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from psstrat.model.common import (
    Date,
    Illustrative,
    Marking,
    Model,
    MultiLine,
    OutcomeId,
    OwnerId,
    StrandId,
    StrategyId,
)
from psstrat.model.paper import Action, Decision, Paper, ReportNumber


class Outcome(Model):
    id: OutcomeId
    """Required: O and a number, e.g. O1"""
    title: str
    """Required: the outcome in a line"""
    description: MultiLine | None = None
    """Optional: longer text than the title"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""


class Period(Model):
    start: Date
    """Required: the strategy's first day"""
    end: Date
    """Required: its last day, after start"""


class Strategy(Model):
    id: StrategyId
    """Required: capitals, digits and -"""
    title: str
    """Required: the strategy's name"""
    organisation: str | None = None
    """The force or body whose strategy this is"""
    period: Period
    """Required; end after start"""
    status: Literal["draft", "agreed", "superseded"] = "draft"
    """One of draft (default), agreed, superseded"""
    version: str | None = None
    """The document's version, as text"""
    owner: str | None = None
    """The governing committee, an owner id"""
    reports_to: str | None = None
    """The committee the progress reports go to"""
    author: str | None = None
    """Owner id: the report's contact"""
    created: Date | None = None
    """When the strategy was written"""
    review_date: Date | None = None
    """When the strategy is next reviewed"""
    marking: Marking | None = None
    """Protective marking (default the lowest)"""
    aim: MultiLine | None = None
    """What the strategy is for"""
    mission: MultiLine | None = None
    """The directorate's mission statement"""
    outcomes: list[Outcome] = Field(min_length=1)
    """Required: at least one strategic outcome"""
    equality_implications: MultiLine | None = None
    """Report section C"""
    financial_implications: MultiLine | None = None
    """Report section D"""
    background_papers: list[str] = Field(default_factory=list)
    """Report section E, a list of text"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""


class Owner(Model):
    id: OwnerId
    """Required: lower case letters, digits and -, unique"""
    role: str
    """Required: how reports name the owner"""
    name: str | None = None
    """Optional: shown after the role"""
    email: str | None = None
    """Optional: an email address"""
    phone: str | None = None
    """Optional: a telephone number, for a paper's contact details"""
    marking: Marking | None = None
    """Optional: protective marking (default the lowest)"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""

    @property
    def label(self) -> str:
        """How the owner is named to people: the role, with the name when known."""
        return f"{self.role} ({self.name})" if self.name else self.role


class OwnersFile(Model):
    owners: list[Owner] = Field(default_factory=list)
    """Everyone who may lead or own things"""


class Meeting(Model):
    date: Date
    """Required: the day of the meeting"""
    committee: str | None = None
    """The body that met (default: the file's committee)"""
    report: ReportNumber = None
    """The quarter's paper's report number (a number or text)"""
    title: str | None = None
    """Optional: the quarterly paper's title"""
    strands: list[StrandId] = Field(default_factory=list)
    """Strands presented at this meeting"""
    papers: list[Paper] = Field(default_factory=list)
    """The papers presented, each its own item"""
    decisions: list[Decision] = Field(default_factory=list)
    """What the meeting decided"""
    actions: list[Action] = Field(default_factory=list)
    """The actions it set"""
    marking: Marking | None = None
    """Optional: protective marking (default the lowest)"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""

    def covers(self, strand_id: str) -> bool:
        """Whether a paper at this meeting presents the strand."""
        return strand_id in self.strands or any(strand_id in p.strands for p in self.papers)


class MeetingsFile(Model):
    committee: str | None = None
    """The committee's name, as reports print it"""
    contacts: list[str] = Field(default_factory=list)
    """Lines a paper's contact details end with"""
    meetings: list[Meeting] = Field(default_factory=list)
    """Its meetings, in any order"""
