"""`psstrat changes --since REF [--until REF]`: what changed in the strategy, in words."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from psstrat.cli.options import RootOption, SessionOption, format_option
from psstrat.cli.policy import resolve_root, today
from psstrat.errors import PsstratError
from psstrat.output import Screen
from psstrat.output.changes import FORMATS
from psstrat.sessions import Session


def byte_count(value: str) -> int:
    """--max-bytes: a whole number of bytes, 0 (no bound) or at least MIN_BYTES, said in
    psstrat's words."""
    from psstrat.output.summary import MIN_BYTES

    number = int(value) if value.isascii() and value.isdigit() else -1
    if number < 0:
        raise typer.BadParameter(
            f"`{value}` is not a number of bytes; give a whole number, e.g. 1000000 (0: no bound)"
        )
    if 0 < number < MIN_BYTES:
        raise typer.BadParameter(
            f"{number:,} bytes is too small for a summary's title and the line counting what "
            f"was left out; give 0 (no bound) or at least {MIN_BYTES:,}"
        )
    return number


def command(
    since: Annotated[
        str,
        typer.Option(
            "--since",
            metavar="REF|YYYY-MM-DD|last-meeting",
            help="Compare from this commit, branch or tag; the last commit on or before a "
            "date; or `last-meeting`: the last commit on or before the previous meeting in "
            "data/meetings.yaml.",
        ),
    ],
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="REF",
            help="Compare to this commit (default: the working tree, uncommitted changes "
            "included).",
            show_default=False,
        ),
    ] = None,
    root: RootOption = None,
    session: SessionOption = Session.open,
    format: Annotated[
        str, format_option(FORMATS, "text, md (for a pull request's job summary) or json.")
    ] = "text",
    max_bytes: Annotated[
        int | None,
        typer.Option(
            "--max-bytes",
            metavar="BYTES",
            parser=byte_count,
            help="With --format md: at most this many bytes, cut after a whole change with a "
            "line counting the rest (default 1000000, within GitHub's 1 MiB job summary; 0 for "
            "no bound).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """What the strategy's changes mean between two commits: milestones completed and
    re-planned, statuses and RAGs, leads, risks raised, closed and re-scored, controls, SIA
    issues and recommendations, actions set and completed. Files changed in layout or wording
    only are counted."""
    from psstrat.commands.changes import compare
    from psstrat.snapshots import pair

    if max_bytes is not None and format != "md":
        raise PsstratError(
            "--max-bytes bounds the Markdown summary only; add --format md, or leave it out"
        )
    sides = pair(resolve_root(root), since, until, today(), session.value)
    changes = compare(sides, session.value)
    if max_bytes is not None:
        from psstrat.output.changes import markdown

        sys.stdout.write(markdown(changes, max_bytes or None))
        return
    sys.stdout.write(FORMATS[format](changes, Screen()))
