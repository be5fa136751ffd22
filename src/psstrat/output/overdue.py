"""Presenting the overdue list: a table for people, JSON and CSV for scripts. Each is made
`inert` last (the table by render_rich, JSON by to_json): a title cannot forge a workflow
command in a CI log."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from psstrat.output import Screen, plain, render_rich, to_json
from psstrat.safetext import csv_cell, inert, visible

if TYPE_CHECKING:
    from psstrat.commands.overdue import OverdueRow


@dataclass(frozen=True)
class Listing:
    """What `psstrat overdue` found: the rows, as of the day they were counted from."""

    rows: Sequence[OverdueRow]
    as_of: dt.date
    kind: str = "milestone"
    """What was asked for: milestone, action or all."""


WHAT = {"milestone": "milestones", "action": "actions", "all": "milestones or actions"}
TITLE = {"milestone": "Milestones", "action": "Actions", "all": "Milestones and actions"}
COLUMN = {"milestone": "Milestone", "action": "Action", "all": "Item"}


def as_json(rows: Sequence[OverdueRow]) -> str:
    return to_json(rows)


def as_csv(rows: Sequence[OverdueRow]) -> str:
    import csv

    from psstrat.commands.overdue import FIELDS

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ("" if v is None else csv_cell(v)) for k, v in plain(r).items()})
    return inert(out.getvalue())


def as_table(
    rows: Sequence[OverdueRow], as_of: str, width: int | None = None, kind: str = "milestone"
) -> str:
    """A table that reads well in an 80-column terminal and in CI logs."""
    from rich.table import Table
    from rich.text import Text

    if not rows:
        return f"No {WHAT[kind]} overdue as of {as_of}.\n"
    table = Table(title=Text(f"{TITLE[kind]} overdue as of {as_of}"), title_justify="left")
    table.add_column(COLUMN[kind], no_wrap=True)
    table.add_column("Title", ratio=3)
    table.add_column("Lead", ratio=2)
    table.add_column("Due", no_wrap=True)
    table.add_column("Days", justify="right", no_wrap=True)
    for r in rows:
        days = str(r.days_overdue) if r.days_overdue > 0 else f"in {-r.days_overdue}"
        # A re-planned milestone shows its revised date, with the baseline beneath.
        due = r.effective_due.isoformat()
        if r.revised_due:
            due += f"\n(was {r.due.isoformat()})"
        title = f"[{r.marking.upper()}] {r.title}" if r.marking else r.title
        table.add_row(
            Text(r.id), Text(visible(title)), Text(visible(r.lead)), Text(due), Text(days)
        )
    overdue = sum(r.days_overdue > 0 for r in rows)
    summary = Text(f"{overdue} overdue, {len(rows) - overdue} due soon")
    return render_rich(table, summary, width=width or 80)


FORMATS: dict[str, Callable[[Listing, Screen], str]] = {
    "table": lambda found, screen: as_table(
        found.rows, found.as_of.isoformat(), screen.width, found.kind
    ),
    "json": lambda found, _: as_json(found.rows),
    "csv": lambda found, _: as_csv(found.rows),
}
