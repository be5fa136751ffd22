"""`psstrat changes` as text, Markdown (a pull request's job summary) or JSON.

Every line quotes the data (titles, control descriptions), so text output shows controls as
escapes and Markdown escapes markup, and each format is made `inert` last: a title cannot
forge a heading or a workflow command.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from psstrat.output import Screen, to_json
from psstrat.safetext import inert, md_escape, visible

if TYPE_CHECKING:
    from psstrat.commands.changes import Changes


def _heading(changes: Changes) -> str:
    return (
        f"Changes since {changes.since} ({changes.before}) to {changes.after}, "
        f"{changes.session} session"
    )


def text(changes: Changes) -> str:
    lines = [visible(_heading(changes)), ""]
    groups = changes.grouped()
    if not groups:
        lines.append("No changes to the strategy.")
    for title, items in groups:
        lines.append(title)
        for change in items:
            tag = f" [{change.marking.upper()}]" if change.marking else ""
            lines.append(visible(f"  {change.text}{tag}"))
    quiet = changes.quiet_text()
    if quiet:
        lines += ["", quiet]
    for problem in changes.problems:
        lines.append(visible(f"Not compared: {problem}"))
    return inert("\n".join(lines) + "\n")


def markdown(changes: Changes) -> str:
    lines = [f"### {md_escape(_heading(changes))}", ""]
    groups = changes.grouped()
    if not groups:
        lines.append("No changes to the strategy.")
    for title, items in groups:
        lines += [f"**{title}**", ""]
        for change in items:
            tag = f" **{md_escape(change.marking.upper())}**" if change.marking else ""
            lines.append(f"- {md_escape(change.text)}{tag}")
        lines.append("")
    quiet = changes.quiet_text()
    if quiet:
        lines += ["", quiet]
    for problem in changes.problems:
        lines += ["", f"> Not compared: {md_escape(problem)}"]
    return inert("\n".join(lines).rstrip("\n") + "\n", "md")


def as_json(changes: Changes) -> str:
    return to_json(changes)


FORMATS: dict[str, Callable[[Changes, Screen], str]] = {
    "text": lambda changes, _: text(changes),
    "md": lambda changes, _: markdown(changes),
    "json": lambda changes, _: as_json(changes),
}
