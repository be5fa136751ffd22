"""`psstrat status`: per strand RAG and milestones, and the risk heat map, as of a date."""

from __future__ import annotations

import sys
from typing import Annotated

from psstrat.cli.options import (
    AllowErrorsOption,
    AsOfOption,
    RootOption,
    SessionOption,
    format_option,
)
from psstrat.cli.policy import repository_at, require_clean, terminal, today
from psstrat.output.status import FORMATS
from psstrat.sessions import Session


def command(
    root: RootOption = None,
    as_of: AsOfOption = None,
    session: SessionOption = Session.open,
    format: Annotated[str, format_option(FORMATS)] = "text",
    allow_errors: AllowErrorsOption = False,
) -> None:
    """The one-screen picture before a meeting: each strand's RAG, lead, milestones by state
    and next milestone; the residual risk heat map and the highest risks."""
    from psstrat.commands.status import build_status

    day = as_of or today()
    repo = repository_at(root)
    view = require_clean(repo, session.value, day, allow_errors).view
    status = build_status(view, day)
    sys.stdout.write(FORMATS[format](status, terminal()))
