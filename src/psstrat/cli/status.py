"""`psstrat status`: per strand RAG and milestones, and the risk heat map, as of a date."""

from __future__ import annotations

import enum
import sys
from typing import Annotated

from psstrat.cli.options import (
    AllowErrorsOption,
    AsOfOption,
    RootOption,
    Session,
    SessionOption,
    fail,
    format_option,
    repository_at,
    require_clean,
    terminal,
    today,
)
from psstrat.errors import PsstratError


class Format(enum.StrEnum):
    text = "text"
    json = "json"


def command(
    root: RootOption = None,
    as_of: AsOfOption = None,
    session: SessionOption = Session.open,
    format: Annotated[
        Format,
        format_option(Format),
    ] = (Format.text),
    allow_errors: AllowErrorsOption = False,
) -> None:
    """The one-screen picture before a meeting: each strand's RAG, lead, milestones by state
    and next milestone; the residual risk heat map and the highest risks."""
    from psstrat.commands.status import build_status
    from psstrat.output import status as present

    day = as_of or today()
    try:
        repo = repository_at(root)
        view = require_clean(repo, session.value, day, allow_errors).view
        status = build_status(view, day)
    except PsstratError as exc:
        fail(exc)
    if format is Format.json:
        sys.stdout.write(present.as_json(status))
    else:
        width, color = terminal()
        sys.stdout.write(present.as_text(status, width, color))
