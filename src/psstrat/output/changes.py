"""`psstrat changes` as text, Markdown (a pull request's job summary) or JSON.

Every line quotes the data (titles, control descriptions), so text output shows controls as
escapes and Markdown escapes markup, and each format is made `inert` last: a title cannot
forge a heading or a workflow command.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from psstrat.english import count, listed, sentence
from psstrat.output import Screen, to_json
from psstrat.output.summary import SUMMARY_LIMIT, Line, cut_at, fit
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


def markdown(changes: Changes, max_bytes: int | None = SUMMARY_LIMIT) -> str:
    """The changes as Markdown for a pull request's job summary: at most ``max_bytes`` (UTF-8;
    None: no bound), cut after a whole change, with a line counting the changes (and files
    not compared) left out. The changes are the session's already: what it may not see is in
    no line, so never in the count either."""
    lines = [Line(f"### {md_escape(_heading(changes))}"), Line("")]
    groups = changes.grouped()
    if not groups:
        lines.append(Line("No changes to the strategy."))
    for title, items in groups:
        lines += [Line(f"**{title}**"), Line("")]
        for change in items:
            tag = f" **{md_escape(change.marking.upper())}**" if change.marking else ""
            lines.append(Line(f"- {md_escape(change.text)}{tag}", row="change"))
        lines.append(Line(""))
    quiet = changes.quiet_text()
    if quiet:
        lines += [Line(""), Line(quiet, row="note")]
    for problem in changes.problems:
        lines += [Line(""), Line(f"> Not compared: {md_escape(problem)}", row="file")]
    while lines and not lines[-1].text:
        lines.pop()
    lines = [Line(inert(line.text, "md"), line.row) for line in lines]
    if max_bytes is None:
        return "".join(line.text + "\n" for line in lines)
    return fit(lines, max_bytes, _left_out(max_bytes))


def _left_out(max_bytes: int) -> Callable[[Counter[str]], str]:
    """The last line of a cut summary: what the cut left out."""

    def said(rows: Counter[str]) -> str:
        parts = [count(rows["change"], "more change")] if rows["change"] else []
        if rows["file"]:
            parts.append(count(rows["file"], "more file") + " not compared")
        if rows["note"]:
            parts.append("the count of files changed only in layout or wording")
        what = sentence(listed(parts) or "nothing")
        return f"*{what} left out {cut_at(max_bytes)}: `psstrat changes` lists them all.*"

    return said


def as_json(changes: Changes) -> str:
    return to_json(changes)


FORMATS: dict[str, Callable[[Changes, Screen], str]] = {
    "text": lambda changes, _: text(changes),
    "md": lambda changes, _: markdown(changes),
    "json": lambda changes, _: as_json(changes),
}
