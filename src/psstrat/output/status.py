"""Presenting `psstrat status`: rich tables for people, JSON for scripts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from psstrat.english import count
from psstrat.output import Screen, render_rich, to_json
from psstrat.safetext import visible

if TYPE_CHECKING:
    from rich.console import RenderableType

    from psstrat.commands.status import Status

_RAG_STYLE = {"red": "bold red", "amber": "bold yellow", "green": "green", "grey": "dim"}


def as_json(status: Status) -> str:
    return to_json(status)


def as_text(status: Status, width: int = 80, color: bool = False) -> str:
    from rich.table import Table
    from rich.text import Text

    shown: list[RenderableType] = []
    strands = Table(title=Text(f"Strands as of {status.as_of}"), title_justify="left")
    for name in ("Strand", "RAG", "Lead", "Done", "Late", "Soon", "Next milestone due"):
        strands.add_column(name, no_wrap=name in ("Strand", "RAG", "Done", "Late", "Soon"))
    for s in status.strands:
        nxt = f"{s.next_milestone.id} {s.next_milestone.due}" if s.next_milestone else "-"
        label = f" [{s.marking.upper()}]" if s.marking else ""
        strands.add_row(
            Text(s.id + label),
            Text(s.rag.upper(), style=_RAG_STYLE.get(s.rag, "")),
            Text(visible(s.lead)),
            Text(str(s.milestones["complete"])),
            Text(str(s.milestones["overdue"])),
            Text(str(s.milestones["due-soon"])),
            Text(nxt),
        )
    shown.append(strands)

    heat = Table(
        title=Text(f"Residual risk heat map ({status.live_risks} live risks)"), title_justify="left"
    )
    heat.add_column("Impact \\ Likelihood", justify="right")
    for likelihood in range(1, 6):
        heat.add_column(str(likelihood), justify="right")
    for impact in range(5, 0, -1):
        counts = status.heat.counts[impact - 1]
        heat.add_row(Text(str(impact)), *(Text(str(c) if c else ".") for c in counts))
    shown.append(heat)

    if status.top_risks:
        top = Table(title=Text("Highest risks"), title_justify="left")
        for name in ("Risk", "Score", "Band", "Title", "Owner"):
            top.add_column(name, no_wrap=name in ("Risk", "Score"))
        for r in status.top_risks:
            title = f"[{r.marking.upper()}] {r.title}" if r.marking else r.title
            if not r.assessed:
                title += " (not yet assessed: inherent rating)"
            top.add_row(
                Text(r.id),
                Text(str(r.score)),
                Text(visible(r.band)),
                Text(visible(title)),
                Text(visible(r.owner)),
            )
        shown.append(top)
    shown += [Text(line) for line in _notes(status)]
    return render_rich(*shown, width=width, colour=color)


def _notes(status: Status) -> list[str]:
    """The lines after the tables: the actions meetings set, and what is withheld."""
    lines = []
    if any(status.actions.values()):
        said = ", ".join(f"{n} {state.replace('-', ' ')}" for state, n in status.actions.items())
        lines.append(f"Actions set at meetings: {said}.")
    if status.withheld:
        kinds = ", ".join(f"{kind}: {n}" for kind, n in status.withheld.items())
        lines.append(
            f"Withheld, marked above the {status.session} session: "
            f"{count(sum(status.withheld.values()), 'item')} ({kinds})."
        )
    return lines


FORMATS: dict[str, Callable[[Status, Screen], str]] = {
    "text": lambda status, screen: as_text(status, screen.width, screen.colour),
    "json": lambda status, _: as_json(status),
}
