"""The fields each kind's sheet can hold, in the order psstrat's export writes them."""

from __future__ import annotations

from psstrat.exchange.mapping import Field


def _fields(*fields: Field) -> dict[str, Field]:
    return {f.name: f for f in fields}


RISKS = _fields(
    Field(
        "id",
        "Risk ID",
        ("id", "ref", "risk ref", "risk no", "risk number", "reference", "no"),
    ),
    Field("title", "Title", ("risk", "risk title", "risk name", "name", "summary"), True),
    Field("description", "Description", ("risk description", "details", "cause and effect")),
    Field("category", "Category", ("risk category", "type", "area"), True),
    Field("owner", "Owner", ("risk owner", "owned by", "responsible", "lead")),
    Field(
        "raised", "Raised", ("date raised", "date identified", "identified", "date added", "opened")
    ),
    Field("source", "Source", ("sia issue", "origin")),
    Field("strands", "Strands", ("strand", "strategy strand", "strands affected")),
    Field(
        "inherent.likelihood",
        "Inherent likelihood",
        ("gross likelihood", "inherent l", "inherent probability"),
    ),
    Field(
        "inherent.impact", "Inherent impact", ("gross impact", "inherent i", "inherent severity")
    ),
    Field("inherent", "Inherent", ("inherent l x i", "gross score l x i"), exported=False),
    Field(
        "residual.likelihood",
        "Residual likelihood",
        ("likelihood", "probability", "l", "current likelihood", "net likelihood"),
    ),
    Field(
        "residual.impact",
        "Residual impact",
        ("impact", "severity", "i", "current impact", "net impact"),
    ),
    Field("residual", "Residual", ("l x i", "residual l x i", "current l x i"), exported=False),
    Field(
        "residual.date",
        "Assessed",
        ("date assessed", "last reviewed", "last review", "assessment date", "review date last"),
    ),
    Field(
        "score",
        "Residual score",
        ("score", "risk score", "rating", "current score", "net score"),
        derived=True,
    ),
    Field("rag", "RAG", ("rag status", "rag rating", "red amber green"), derived=True),
    Field("target.likelihood", "Target likelihood", ("target l",)),
    Field("target.impact", "Target impact", ("target i",)),
    Field("treatment", "Treatment", ("response", "risk response", "4ts", "strategy")),
    Field(
        "controls",
        "Controls",
        (
            "control",
            "controls in place",
            "mitigation",
            "mitigations",
            "actions",
            "existing controls",
            "control measures",
        ),
    ),
    Field("escalated.to", "Escalated to", ("escalation", "escalated")),
    Field("escalated.date", "Escalated on", ("date escalated", "escalation date")),
    Field(
        "review_date",
        "Review date",
        ("next review", "next review date", "target date", "review by", "review"),
    ),
    Field("status", "Status", ("risk status", "open closed")),
    Field("closed", "Closed", ("date closed", "closed on", "closure date")),
    Field(
        "marking", "Marking", ("protective marking", "classification", "gpms", "security marking")
    ),
)

MILESTONES = _fields(
    Field("strand", "Strand", ("strand id", "strand no"), True),
    Field("strand.title", "Strand title", ("strand name",)),
    Field(
        "element", "Work element", ("work element id", "element", "element id", "workstream"), True
    ),
    Field(
        "element.title",
        "Work element title",
        ("work element name", "element title", "workstream title"),
    ),
    Field("element.lead", "Lead", ("work element lead", "element lead", "owner", "responsible")),
    Field("element.status", "Work element status", ("element status", "status", "rag", "progress")),
    Field("id", "Milestone ID", ("milestone id", "ref", "milestone ref"), True),
    Field("title", "Milestone", ("milestone title", "milestone name", "deliverable", "task"), True),
    Field("due", "Due", ("due date", "target date", "deadline", "by when", "date due"), True),
    Field("revised_due", "Revised due", ("revised date", "revised target date", "new due date")),
    Field("completed", "Completed", ("date completed", "completed on", "done", "completion date")),
    Field("state", "State", ("milestone status",), derived=True),
    Field("marking", "Marking", ("protective marking", "classification", "gpms")),
)

STRANDS = _fields(
    Field("strand", "Strand", ("strand id", "strand no"), True),
    Field("strand.title", "Strand title", ("strand name", "strand"), True),
    Field("strand.lead", "Strand lead", ("strand owner",)),
    Field("element", "Work element", ("work element id", "element", "element id")),
    Field("element.title", "Work element title", ("work element name", "element title")),
    Field("element.lead", "Lead", ("work element lead", "element lead", "owner")),
    Field("element.status", "Status", ("work element status", "rag", "progress")),
    Field("open_milestones", "Open milestones", (), derived=True),
    Field("marking", "Marking", ("protective marking", "classification", "gpms")),
)

ACTIONS = _fields(
    Field("id", "Action ID", ("action id", "action no", "ref", "action ref"), True),
    Field(
        "meeting", "Meeting", ("meeting date", "date of meeting", "set at", "committee date"), True
    ),
    Field("text", "Action", ("action text", "description", "what", "action required"), True),
    Field("owner", "Owner", ("action owner", "who", "by whom", "responsible"), True),
    Field("due", "Due", ("due date", "by when", "deadline", "target date"), True),
    Field("completed", "Completed", ("date completed", "done", "completed on")),
    Field("strands", "Strands", ("strand",)),
    Field("state", "State", ("action status", "status"), derived=True),
    Field("marking", "Marking", ("protective marking", "classification", "gpms")),
)

KINDS: dict[str, dict[str, Field]] = {
    "risks": RISKS,
    "plan": MILESTONES,
    "strands": STRANDS,
    "actions": ACTIONS,
}
"""Every kind a sheet can be imported as; `plan` is the milestones sheet (one row a
milestone, with its strand and work element), `strands` the strands' status sheet."""

SHEETS = {"Register": "risks", "Milestones": "plan", "Strands": "strands", "Actions": "actions"}
"""The sheets psstrat's export writes, and the kind each is imported as."""
