"""`psstrat changes --since REF [--until REF]`: what changed in the strategy, in words."""

from __future__ import annotations

import enum
import sys
from typing import Annotated

import typer

from psstrat.cli.options import (
    RootOption,
    Session,
    SessionOption,
    fail,
    format_option,
    resolve_root,
    today,
)
from psstrat.errors import PsstratError


class Format(enum.StrEnum):
    text = "text"
    md = "md"
    json = "json"


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
        Format,
        format_option(
            Format,
            "text, md (for a pull request's job summary) or json.",
        ),
    ] = Format.text,
) -> None:
    """What the strategy's changes mean between two commits: milestones completed and
    re-planned, statuses and RAGs, leads, risks raised, closed and re-scored, controls, SIA
    issues and recommendations. Files changed in layout or wording only are counted."""
    from psstrat.commands.changes import compare
    from psstrat.output.changes import FORMATS
    from psstrat.snapshots import pair

    try:
        sides = pair(resolve_root(root), since, until, today(), session.value)
        changes = compare(sides, session.value)
    except PsstratError as exc:
        fail(exc)
    sys.stdout.write(FORMATS[format.value](changes))
