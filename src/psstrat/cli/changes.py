"""`psstrat changes --since REF [--until REF]`: what changed in the strategy, in words."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from psstrat.cli.options import RootOption, SessionOption, format_option
from psstrat.cli.policy import resolve_root, today
from psstrat.output import Screen
from psstrat.output.changes import FORMATS
from psstrat.sessions import Session


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
) -> None:
    """What the strategy's changes mean between two commits: milestones completed and
    re-planned, statuses and RAGs, leads, risks raised, closed and re-scored, controls, SIA
    issues and recommendations, actions set and completed. Files changed in layout or wording
    only are counted."""
    from psstrat.commands.changes import compare
    from psstrat.snapshots import pair

    sides = pair(resolve_root(root), since, until, today(), session.value)
    changes = compare(sides, session.value)
    sys.stdout.write(FORMATS[format](changes, Screen()))
