"""Presenting the forward plan: tables for people, JSON and CSV for scripts. Each is made
`inert` last (the tables by render_rich, JSON by to_json, CSV here): a paper's title cannot
forge a workflow command in a CI log."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from psstrat.output import Screen, plain, render_rich, to_json
from psstrat.safetext import csv_cell, inert, visible

if TYPE_CHECKING:
    from rich.console import RenderableType

    from psstrat.commands.plan import Plan, PlannedMeeting, PlannedPaper

NO_AUTHOR = "no author"
NONE_PLANNED = "none planned"
NEVER = "never"
OVERDUE = "overdue"

CSV_FIELDS = (
    "section",
    "meeting",
    "committee",
    "own_committee",
    "report",
    "title",
    "kind",
    "strands",
    "sia",
    "authors",
    "strand",
    "last_reported",
    "next_planned",
    "unreported",
    "marking",
)
"""The CSV's columns. One row per planned paper (`section` paper), per planned meeting with no
paper (meeting), then per strand (strand); a row leaves empty the columns not its own. Lists
are joined with `; `."""


def as_json(plan: Plan) -> str:
    return to_json(plan)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return csv_cell("; ".join(value))
    return csv_cell(value)


def _paper_row(meeting: PlannedMeeting, paper: PlannedPaper | None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "section": "paper" if paper else "meeting",
        "meeting": meeting.date,
        "committee": meeting.committee,
        "own_committee": meeting.own_committee,
        "marking": meeting.marking,
    }
    if paper is not None:
        row |= {k: v for k, v in plain(paper).items() if k in CSV_FIELDS}
    return row


def as_csv(plan: Plan) -> str:
    import csv

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    rows: list[dict[str, Any]] = []
    for meeting in plan.meetings:
        rows.extend(_paper_row(meeting, p) for p in meeting.papers or (None,))
    for strand in plan.strands:
        fields = plain(strand)
        rows.append(
            {
                "section": "strand",
                "strand": fields["id"],
                "title": fields["title"],
                **{k: fields[k] for k in ("last_reported", "next_planned", "unreported")},
                "marking": fields["marking"],
            }
        )
    for row in rows:
        writer.writerow({k: _cell(plain(row.get(k))) for k in CSV_FIELDS})
    return inert(out.getvalue())


def _tagged(text: str, marking: str | None) -> str:
    return f"[{marking.upper()}] {text}" if marking else text


def _meetings_table(plan: Plan) -> RenderableType:
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=Text(f"Meetings after {plan.as_of.isoformat()}"), title_justify="left", expand=True
    )
    # A long word (a marking, an SIA id) is folded, never cut short with an ellipsis.
    table.add_column("Meeting", width=12, overflow="fold")
    table.add_column("Report", no_wrap=True)
    table.add_column("Paper", ratio=5, overflow="fold")
    table.add_column("Covers", width=8, overflow="fold")
    table.add_column("Authors", ratio=4, overflow="fold")
    for m in plan.meetings:
        # The meeting's marking is its papers' too: each paper shows it (or, with none,
        # "no paper planned" does).
        when = m.date.isoformat()
        if not m.own_committee:
            when += "\n" + visible(f"other body: {m.committee or 'not named'}")
        if not m.papers:
            nothing = Text(_tagged("no paper planned", m.marking))
            table.add_row(Text(when), Text(""), nothing, Text(""), Text(""))
        for i, p in enumerate(m.papers):
            kind = "quarter's paper" if p.kind == "quarter" else f"{p.kind} paper"
            title = visible(p.title or "(untitled)") + f"\n{kind}"
            if p.marking:
                title = f"[{p.marking.upper()}]\n{title}"
            covers = ", ".join([*p.strands, *([p.sia] if p.sia else [])])
            table.add_row(
                Text(when if i == 0 else ""),
                Text(visible(p.report or "")),
                Text(title),
                Text(visible(covers)),
                Text(visible("; ".join(p.authors) or NO_AUTHOR)),
            )
    return table


def _strands_table(plan: Plan) -> RenderableType:
    from rich.table import Table
    from rich.text import Text

    months = plan.strand_report_months
    table = Table(
        title=Text(f"Strands (each reported at least every {months} months)"),
        title_justify="left",
    )
    table.add_column("Strand", no_wrap=True)
    table.add_column("Title", ratio=3)
    table.add_column("Last reported", no_wrap=True)
    table.add_column("Next planned", no_wrap=True)
    table.add_column("Report", no_wrap=True)
    for s in plan.strands:
        table.add_row(
            Text(s.id),
            Text(visible(_tagged(s.title, s.marking))),
            Text(s.last_reported.isoformat() if s.last_reported else NEVER),
            Text(s.next_planned.isoformat() if s.next_planned else NONE_PLANNED),
            Text(OVERDUE if s.unreported else ""),
        )
    return table


def _summary(plan: Plan) -> str:
    papers = [p for m in plan.meetings for p in m.papers]
    unauthored = sum(not p.authors for p in papers)
    late = sum(s.unreported for s in plan.strands)
    return (
        f"{len(plan.meetings)} meeting(s), {len(papers)} paper(s) planned, "
        f"{unauthored} without an author; {late} of {len(plan.strands)} strand(s) not "
        f"reported in the last {plan.strand_report_months} months"
    )


def as_table(plan: Plan, width: int | None = None, colour: bool = False) -> str:
    """The meetings with their papers, then the strands: reads well in 80 columns and in CI
    logs."""
    from rich.text import Text

    body = f" of the {plan.committee}" if plan.committee else ""
    parts: list[RenderableType] = [
        Text(visible(f"Forward plan{body} as of {plan.as_of.isoformat()}")),
        Text(""),
    ]
    if plan.meetings:
        parts.append(_meetings_table(plan))
    else:
        parts.append(Text(f"No meetings planned after {plan.as_of.isoformat()}."))
    if plan.strands:
        parts += [Text(""), _strands_table(plan)]
    parts += [Text(""), Text(_summary(plan))]
    return render_rich(*parts, width=width or 80, colour=colour)


def _table(plan: Plan, screen: Screen) -> str:
    return as_table(plan, screen.width, screen.colour)


FORMATS: dict[str, Callable[[Plan, Screen], str]] = {
    "table": _table,
    "json": lambda plan, _: as_json(plan),
    "csv": lambda plan, _: as_csv(plan),
}
