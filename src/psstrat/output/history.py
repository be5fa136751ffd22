"""`psstrat history` as text or JSON. Values quote the data, so controls are shown as escapes
and the text is made `inert`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from psstrat.english import count
from psstrat.output import Screen, to_json
from psstrat.safetext import inert, visible

if TYPE_CHECKING:
    from psstrat.commands.history import Trail


def as_text(trail: Trail) -> str:
    lines = [f"{trail.item}: {trail.measure}, commit by commit"]
    for point in trail.points:
        when = point.date.isoformat() if point.date else "uncommitted"
        commit = point.commit or "working tree"
        lines.append(visible(f"  {when}  {commit:<12}  {point.change}"))
    if trail.skipped:
        lines.append(f"({count(trail.skipped, 'version')} that did not load left out)")
    return inert("\n".join(lines) + "\n")


def as_json(trail: Trail) -> str:
    return to_json(trail)


FORMATS: dict[str, Callable[[Trail, Screen], str]] = {
    "text": lambda trail, _: as_text(trail),
    "json": lambda trail, _: as_json(trail),
}
