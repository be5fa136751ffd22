"""The strategy, its owners and the committee's meetings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema

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


def _number_as_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Meeting(Model):
    date: Date
    """Required: the day of the meeting"""
    report: Annotated[
        str | None,
        BeforeValidator(_number_as_text),
        WithJsonSchema({"type": ["string", "integer", "null"]}),
    ] = None
    """Agenda item / report number (a number or text)"""
    title: str | None = None
    """Optional: what was presented"""
    strands: list[StrandId] = Field(default_factory=list)
    """Strands presented at this meeting"""
    marking: Marking | None = None
    """Optional: protective marking (default the lowest)"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""


class MeetingsFile(Model):
    committee: str | None = None
    """The committee's name, as reports print it"""
    meetings: list[Meeting] = Field(default_factory=list)
    """Its meetings, in any order"""
