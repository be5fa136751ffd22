"""`psstrat plan`: the committee's forward plan as of a date."""

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
from psstrat.output.plan import FORMATS
from psstrat.sessions import Session


def command(
    root: RootOption = None,
    as_of: AsOfOption = None,
    session: SessionOption = Session.open,
    format: Annotated[str, format_option(FORMATS)] = "table",
    allow_errors: AllowErrorsOption = False,
) -> None:
    """List the committee's meetings after the date (and other bodies', marked as such), each
    with its papers (report, title, kind, strands or SIA, authors), then each strand with when
    it was last reported and is next planned, flagging those not reported within
    strand_report_months."""
    from psstrat.commands.plan import build_plan

    day = as_of or today()
    view = require_clean(repository_at(root), session.value, day, allow_errors).view
    sys.stdout.write(FORMATS[format](build_plan(view, day), terminal()))
