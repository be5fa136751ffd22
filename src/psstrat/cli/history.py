"""`psstrat history ID`: a risk's score or a strand's RAG, commit by commit, from git."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from psstrat.cli.options import RootOption, SessionOption, format_option
from psstrat.cli.policy import repository_at
from psstrat.output import Screen
from psstrat.output.history import FORMATS
from psstrat.sessions import Session


def command(
    item: Annotated[
        str,
        typer.Argument(metavar="ID", help="A risk (R0004), strand (S2) or work element (S2.1)."),
    ],
    root: RootOption = None,
    session: SessionOption = Session.open,
    format: Annotated[str, format_option(FORMATS, "text or json.")] = "text",
) -> None:
    """Each change of a risk's residual score, a strand's RAG or a work element's status, with
    the date and commit that made it (uncommitted changes last)."""
    from psstrat.commands.history import item_trail

    trail = item_trail(repository_at(root), item, session.value)
    sys.stdout.write(FORMATS[format](trail, Screen()))
