"""Shared field types: ids, dates, markings, scores, and the base model.

Every custom check raises a ``PydanticCustomError`` whose message is already in the user's
words; psstrat.messages turns pydantic's own error types into words the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import types
import typing
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from psstrat.isodate import ISO_DATE, parse_iso


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            day = parse_iso(value)
        except ValueError:
            raise PydanticCustomError(
                "date_invalid", "is not a real date", {"value": value}
            ) from None
        if day is not None:
            return day
    raise PydanticCustomError("date_format", "must be a date written YYYY-MM-DD", {})


Date = Annotated[
    dt.date,
    BeforeValidator(_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": rf"^{ISO_DATE.pattern}$"}),
]
"""A date written YYYY-MM-DD, quoted or not; nothing else is a date."""


class _MultiLine:
    """The mark of ``MultiLine`` text, which ``multi_line_fields`` looks for (pydantic ignores
    it: the checks and the schema are those of any text)."""

    def __repr__(self) -> str:
        return "MultiLine"


_MULTI_LINE = _MultiLine()
MultiLine = Annotated[str, _MULTI_LINE]
"""Text that may run to several lines: newlines and tabs belong in it, and in no other field
(psstrat.rules.control_character)."""


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


ID_PATTERNS = {
    "strategy": (r"[A-Z][A-Z0-9-]*", "PSS-2002"),
    "outcome": (r"O[1-9][0-9]*", "O1"),
    "strand": (r"S[1-9][0-9]*", "S5"),
    "element": (r"S[1-9][0-9]*\.[1-9][0-9]*", "S5.1"),
    "milestone": (r"S[1-9][0-9]*\.[1-9][0-9]*\.M[1-9][0-9]*", "S5.1.M1"),
    # R0001 to R9999, then R10000 on: the zero-padded number, never a second way to write one.
    "risk": (r"R(?:[0-9]{4}|[1-9][0-9]{4,})", "R0001"),
    "sia": (r"SIA-[0-9]{4}", "SIA-2004"),
    "sia-issue": (r"SIA-[0-9]{4}\.[1-9][0-9]*", "SIA-2004.1"),
    "owner": (r"[a-z0-9][a-z0-9-]*", "dcs-intelligence"),
    "action": (r"A[1-9][0-9]*", "A1"),
}
"""Every kind of id: its pattern and an example (for messages, the schema and `psstrat new`)."""


def _id(kind: str) -> tuple[AfterValidator, WithJsonSchema]:
    """The check of an id of one kind (a message in the user's words) and how the schema
    describes it to editors (the same pattern, an example)."""
    pattern, example = ID_PATTERNS[kind]
    schema = {"type": "string", "pattern": f"^{pattern}$", "examples": [example]}
    return AfterValidator(_id_check(pattern, example)), WithJsonSchema(schema)


StrategyId = Annotated[str, *_id("strategy")]
OutcomeId = Annotated[str, *_id("outcome")]
StrandId = Annotated[str, *_id("strand")]
ElementId = Annotated[str, *_id("element")]
MilestoneId = Annotated[str, *_id("milestone")]
RiskId = Annotated[str, *_id("risk")]
SiaId = Annotated[str, *_id("sia")]
SiaIssueId = Annotated[str, *_id("sia-issue")]
OwnerId = Annotated[str, *_id("owner")]


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


CHOICE_KEY = "x-psstrat-choice"
"""Marks a value whose allowed words come from the settings; `psstrat schema` puts in the
enum (psstrat.schemas)."""

Marking = Annotated[
    str,
    AfterValidator(_choice("markings", "protective marking")),
    WithJsonSchema({"type": "string", CHOICE_KEY: "markings"}),
]
Category = Annotated[
    str,
    AfterValidator(_choice("categories", "risk category")),
    WithJsonSchema({"type": "string", CHOICE_KEY: "categories"}),
]


def _score(value: int) -> int:
    if not 1 <= value <= 5:
        raise PydanticCustomError(
            "score_range", "must be between 1 and 5 (got {value})", {"value": value}
        )
    return value


Score = Annotated[
    int, AfterValidator(_score), WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 5})
]


class Model(BaseModel):
    """Base for every model: unknown keys refused, ``x-`` keys set aside unvalidated."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        hide_input_in_errors=True,
        use_attribute_docstrings=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_extensions(cls, data: Any) -> Any:
        if isinstance(data, dict) and _has_extension(data):
            return {k: v for k, v in data.items() if not str(k).startswith("x-")}
        return data

    @model_validator(mode="after")
    def _share_fields_set(self) -> Self:
        """Models are frozen, so which fields were set never changes: instances set alike
        share one set (pydantic copies it before changing a copy's). A register of 10,000
        risks holds 100,000 models; their own sets would be a fifth of its memory."""
        fields_set = self.__pydantic_fields_set__
        if "illustrative" in fields_set:
            _check_illustrative(self)
        shared = _FIELDS_SETS.setdefault(frozenset(fields_set), fields_set)
        object.__setattr__(self, "__pydantic_fields_set__", shared)
        return self


_FIELDS_SETS: dict[frozenset[str], set[str]] = {}

Illustrative = Annotated[list[str], Field(default_factory=list)]
"""Names of an item's fields whose values no source gives: a paper marks each such value it
prints as illustrative (docs/format.md, "Illustrative values")."""


def _check_illustrative(item: BaseModel) -> None:
    names: list[str] = getattr(item, "illustrative", [])
    fields = [n for n in type(item).model_fields if n != "illustrative"]
    unknown = [n for n in names if n not in fields]
    if unknown:
        raise PydanticCustomError(
            "illustrative_field",
            "`illustrative` names {unknown}, which is not a field here; name some of: {known}",
            {"unknown": ", ".join(unknown), "known": ", ".join(fields)},
        )


def is_illustrative(item: object, field: str) -> bool:
    """Whether ``item`` says its ``field`` holds an illustrative value."""
    return field in getattr(item, "illustrative", ())


def _has_extension(data: dict[Any, Any]) -> bool:
    """Whether a key starts with `x-` (keys from YAML are text: one C-level search)."""
    try:
        return "\nx-" in "\n" + "\n".join(data)
    except TypeError:  # a key that is not text
        return any(str(k).startswith("x-") for k in data)


class Assessment(Model):
    likelihood: Score
    """Required: how likely, 1 (rare) to 5 (almost certain)"""
    impact: Score
    """Required: how severe, 1 (insignificant) to 5 (catastrophic)"""

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class DatedAssessment(Assessment):
    date: Date
    """Required: when the risk was assessed"""


class Dated(Model):
    """Anything dated that says what happened: the base of notes and updates."""

    date: Date
    """Required: the date of the note"""
    text: MultiLine
    """Required: what happened"""


class Note(Dated):
    """A dated progress note: an SIA issue's progress."""

    marking: Marking | None = None
    """Optional: protective marking (default the lowest)"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""


def held_model(model: type[BaseModel], field: str) -> type[BaseModel] | None:
    """The model a field of ``model`` holds, itself, in a list or optionally
    (`Strand.work_elements` -> WorkElement); None when it holds text, numbers or dates."""
    for inner in _inside(model.model_fields[field].annotation):
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    return None


def models_in(model: type[BaseModel]) -> list[type[BaseModel]]:
    """``model`` and every model it holds, at any depth, each once, in the order of the fields."""
    found = [model]
    for current in found:  # (grows as it goes)
        for name in current.model_fields:
            child = held_model(current, name)
            if child is not None and child not in found:
                found.append(child)
    return found


def holds_dates(model: type[BaseModel], field: str) -> bool:
    """Whether a field of ``model`` holds a date, itself, in a list or optionally."""
    return any(inner is dt.date for inner in _inside(model.model_fields[field].annotation))


def multi_line_fields(model: type[BaseModel]) -> frozenset[str]:
    """The names of the fields of ``model`` (not of the models it holds) that are
    ``MultiLine`` text."""
    return frozenset(
        name
        for name, info in model.model_fields.items()
        if any(mark is _MULTI_LINE for mark in (*info.metadata, *_inside(info.annotation)))
    )


def _inside(annotation: Any) -> Iterator[Any]:
    """An annotation and everything in it (union members, list items, ``Annotated`` marks),
    depth first, in the order written."""
    yield annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            yield from _inside(arg)


_DIGITS = re.compile(r"(\d+)")


@functools.lru_cache(maxsize=1 << 16)
def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort S2 before S10, S5.1.M9 before S5.1.M10 and R9999 before R10000."""
    parts = _DIGITS.split(text)  # text, digits, text, digits, ...
    return tuple((0, int(p), "") if i % 2 else (1, 0, p) for i, p in enumerate(parts) if p)
