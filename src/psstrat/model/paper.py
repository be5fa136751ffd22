"""A committee meeting's papers, decisions and actions: what the secretariat records."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from psstrat.model.common import (
    Date,
    Illustrative,
    Marking,
    Model,
    MultiLine,
    OwnerId,
    SiaId,
    StrandId,
    _id,
)

ActionId = Annotated[str, *_id("action")]


def _exemption(value: str, info: ValidationInfo) -> str:
    known: list[str] = (info.context or {}).get("exemptions") or []
    if value not in known:
        raise PydanticCustomError(
            "exemption",
            "is not an exemption in psstrat.yaml (got `{value}`); {remedy}",
            {
                "value": value,
                "remedy": f"use one of: {', '.join(known)}"
                if known
                else "add it, with its wording, under report.exemptions",
            },
        )
    return value


Exemption = Annotated[str, AfterValidator(_exemption)]
"""A key of `report.exemptions` (its wording is the settings', so no statute is written here)."""

PaperKind = Literal["strategy", "strand", "sia", "programme", "highlight"]
"""strategy: the whole strategy's progress; strand: one or more strands' progress; sia: a
Strategic Intelligence Assessment; programme: a programme update (themes and supporting areas);
highlight: one theme's highlight report."""

Generated = Literal[
    "purpose",
    "outcome",
    "progress",
    "decisions",
    "actions",
    "issues",
    "statements",
    "recommendations",
    "sia-progress",
    "risks",
    "next",
]
"""What psstrat writes into a paragraph from the data (docs/format.md, "Papers")."""


PartId = Literal[
    "summary",
    "recommendations",
    "supporting",
    "equality",
    "financial",
    "background",
    "contact",
]
"""The parts of a paper (psstrat.report.outline), as a paper's `headings` names them."""


def _number_as_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


ReportNumber = Annotated[
    str | None,
    BeforeValidator(_number_as_text),
    WithJsonSchema({"type": ["string", "integer", "null"]}),
]


class Point(Model):
    """A bullet with bullets under it."""

    text: MultiLine
    """Required: the bullet's text"""
    points: list[str | Point] = Field(default_factory=list)
    """The bullets under it: text, or text with bullets of its own"""


class Paragraph(Model):
    """One numbered paragraph of section B: the author's text, or what psstrat writes from
    the data (``include``), led in by ``text`` when given."""

    text: MultiLine | None = None
    """The paragraph (required unless `include` is given)"""
    points: list[str | Point] = Field(default_factory=list)
    """Bullets after the text: text, or text with bullets of its own"""
    include: Generated | None = None
    """What psstrat writes here from the data: purpose, outcome, progress, ..."""
    marking: Marking | None = None
    """Optional: protective marking (default the paper's)"""
    exempt: Exemption | None = None
    """A key of report.exemptions: why this closed part is not published"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""

    @model_validator(mode="after")
    def _said(self) -> Self:
        if self.text is None and self.include is None:
            raise PydanticCustomError(
                "paragraph_empty",
                "a paragraph needs `text`, `include` or both; write the paragraph in `text`, "
                "or name what psstrat writes from the data in `include`",
                {},
            )
        return self


class Paper(Model):
    """One paper (agenda item) presented at a meeting."""

    report: ReportNumber = None
    """The agenda item / report number (a number or text)"""
    title: str
    """Required: the paper's title"""
    kind: PaperKind = "strategy"
    """strategy (default), strand, sia, programme or highlight"""
    strands: list[StrandId] = Field(default_factory=list)
    """The strands a strand paper or highlight report covers"""
    sia: SiaId | None = None
    """The SIA an sia paper presents"""
    since: Date | None = None
    """The window's first day (default: after the last paper on its scope)"""
    as_of: Date | None = None
    """The data as at this day (default: the meeting's date)"""
    by: str | None = None
    """The "By" line (default: report.by in psstrat.yaml)"""
    authors: list[OwnerId] = Field(default_factory=list)
    """Owner ids of the report's authors (default: report.author)"""
    presenter: OwnerId | None = None
    """Owner id of who presents the paper"""
    summary: MultiLine | None = None
    """The summary (default: one written from the data)"""
    recommendations: list[str] = Field(default_factory=list)
    """Section A (default: to note the report)"""
    supporting: list[Paragraph] = Field(default_factory=list)
    """Section B's numbered paragraphs, in order (default: the kind's generated ones)"""
    equality_implications: MultiLine | None = None
    """Section C (default: None.)"""
    financial_implications: MultiLine | None = None
    """Section D (default: the strategy's)"""
    background_papers: list[str] | None = None
    """Section E, a list of text: [] prints None.; without it, no section E"""
    headings: dict[PartId, str] = Field(default_factory=dict)
    """Parts headed in the paper's own words, by part id"""
    marking: Marking | None = None
    """Optional: protective marking (default the lowest)"""
    exempt: Exemption | None = None
    """A key of report.exemptions: why this closed paper is not published"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""


class Decision(Model):
    """What a meeting decided."""

    text: MultiLine
    """Required: the decision, as minuted"""
    strands: list[StrandId] = Field(default_factory=list)
    """The strands it concerns (a strand paper reports it)"""
    marking: Marking | None = None
    """Optional: protective marking (default the lowest)"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""


class Action(Model):
    """An action a meeting set: who does what by when, and when it was done."""

    id: ActionId
    """Required: A and a number, unique in the repository, e.g. A1"""
    text: MultiLine
    """Required: what is to be done"""
    owner: OwnerId
    """Required: the owner id of who does it"""
    due: Date
    """Required: when it is due"""
    completed: Date | None = None
    """When it was done"""
    strands: list[StrandId] = Field(default_factory=list)
    """The strands it concerns"""
    marking: Marking | None = None
    """Optional: protective marking (default the lowest)"""
    illustrative: Illustrative
    """Optional: fields whose values no source gives"""
