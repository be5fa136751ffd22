"""The strategy, its owners and the committee's meetings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from psstrat.model.common import Date, Marking, Model, OutcomeId, OwnerId, StrandId, StrategyId


class Outcome(Model):
    id: OutcomeId
    title: str
    description: str | None = None


class Period(Model):
    start: Date
    end: Date


class Strategy(Model):
    id: StrategyId
    title: str
    organisation: str | None = None
    period: Period
    status: Literal["draft", "agreed", "superseded"] = "draft"
    version: str | None = None
    owner: str | None = None
    reports_to: str | None = None
    author: str | None = None
    created: Date | None = None
    review_date: Date | None = None
    marking: Marking | None = None
    aim: str | None = None
    mission: str | None = None
    outcomes: list[Outcome] = Field(min_length=1)
    equality_implications: str | None = None
    financial_implications: str | None = None
    background_papers: list[str] = Field(default_factory=list)


class Owner(Model):
    id: OwnerId
    role: str
    name: str | None = None
    email: str | None = None

    @property
    def label(self) -> str:
        """How the owner is named to people: the role, with the name when known."""
        return f"{self.role} ({self.name})" if self.name else self.role


class OwnersFile(Model):
    owners: list[Owner] = Field(default_factory=list)


def _number_as_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Meeting(Model):
    date: Date
    report: Annotated[str | None, BeforeValidator(_number_as_text)] = None
    title: str | None = None
    strands: list[StrandId] = Field(default_factory=list)


class MeetingsFile(Model):
    committee: str | None = None
    meetings: list[Meeting] = Field(default_factory=list)
