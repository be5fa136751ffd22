"""`psstrat history ID`: a risk's score or a strand's RAG, commit by commit, from git."""

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
    repository_at,
)
from psstrat.errors import PsstratError


class Format(enum.StrEnum):
    text = "text"
    json = "json"


def command(
    item: Annotated[
        str,
        typer.Argument(metavar="ID", help="A risk (R0004), strand (S2) or work element (S2.1)."),
    ],
    root: RootOption = None,
    session: SessionOption = Session.open,
    format: Annotated[
        Format,
        format_option(Format, "text or json."),
    ] = Format.text,
) -> None:
    """Each change of a risk's residual score, a strand's RAG or a work element's status, with
    the date and commit that made it (uncommitted changes last)."""
    from psstrat.commands.history import item_trail
    from psstrat.output.history import as_json, as_text

    try:
        trail = item_trail(repository_at(root), item, session.value)
    except PsstratError as exc:
        fail(exc)
    sys.stdout.write(as_json(trail) if format is Format.json else as_text(trail))
