"""Shared field types: ids, dates, markings, scores, and the base model.

Every custom check raises a ``PydanticCustomError`` whose message is already in the user's
words; psstrat.messages turns pydantic's own error types into words the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "date_invalid", "is not a real date", {"value": value}
            ) from None
    raise PydanticCustomError("date_format", "must be a date written YYYY-MM-DD", {})


Date = Annotated[dt.date, BeforeValidator(_date)]
"""A date written YYYY-MM-DD, quoted or not; nothing else is a date."""


def _id_check(pattern: str, example: str) -> Callable[[str], str]:
    """A check that a text id matches ``pattern``; the message shows an example of the form."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise PydanticCustomError(
                "id_format",
                "is not a valid id (got `{value}`); ids here look like `{example}`",
                {"value": value, "example": example},
            )
        return value

    return check


StrategyId = Annotated[str, AfterValidator(_id_check(r"[A-Z][A-Z0-9-]*", "PSS-2002"))]
OutcomeId = Annotated[str, AfterValidator(_id_check(r"O[1-9][0-9]*", "O1"))]
StrandId = Annotated[str, AfterValidator(_id_check(r"S[1-9][0-9]*", "S5"))]
ElementId = Annotated[str, AfterValidator(_id_check(r"S[1-9][0-9]*\.[1-9][0-9]*", "S5.1"))]
MilestoneId = Annotated[
    str, AfterValidator(_id_check(r"S[1-9][0-9]*\.[1-9][0-9]*\.M[1-9][0-9]*", "S5.1.M1"))
]
RiskId = Annotated[str, AfterValidator(_id_check(r"R[0-9]{4}", "R0001"))]
SiaId = Annotated[str, AfterValidator(_id_check(r"SIA-[0-9]{4}", "SIA-2004"))]
SiaIssueId = Annotated[str, AfterValidator(_id_check(r"SIA-[0-9]{4}\.[1-9][0-9]*", "SIA-2004.1"))]
OwnerId = Annotated[str, AfterValidator(_id_check(r"[a-z0-9][a-z0-9-]*", "dcs-intelligence"))]


def _choice(setting: str, what: str) -> Callable[[str, ValidationInfo], str]:
    """A text value that must be one of a list from the settings (passed as context)."""

    def check(value: str, info: ValidationInfo) -> str:
        allowed: list[str] = (info.context or {}).get(setting) or []
        if allowed and value not in allowed:
            raise PydanticCustomError(
                "choice",
                "is not a known {what} (got `{value}`); use one of: {allowed}",
                {"what": what, "value": value, "allowed": ", ".join(allowed)},
            )
        return value

    return check


Marking = Annotated[str, AfterValidator(_choice("markings", "protective marking"))]
Category = Annotated[str, AfterValidator(_choice("categories", "risk category"))]


def _score(value: int) -> int:
    if not 1 <= value <= 5:
        raise PydanticCustomError(
            "score_range", "must be between 1 and 5 (got {value})", {"value": value}
        )
    return value


Score = Annotated[int, AfterValidator(_score)]


class Model(BaseModel):
    """Base for every model: unknown keys refused, ``x-`` keys set aside unvalidated."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, hide_input_in_errors=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_extensions(cls, data: Any) -> Any:
        if isinstance(data, dict) and any(isinstance(k, str) and k.startswith("x-") for k in data):
            return {k: v for k, v in data.items() if not str(k).startswith("x-")}
        return data


class Assessment(Model):
    likelihood: Score
    impact: Score

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class DatedAssessment(Assessment):
    date: Date


class Note(Model):
    """A dated progress note: a work element's update or an SIA issue's progress."""

    date: Date
    text: str
    marking: Marking | None = None
