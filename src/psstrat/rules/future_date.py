"""Something that has happened is dated after today.

Catches: a milestone `completed`, a work element update, an SIA progress note, or a risk
assessment (`residual`, `history`) dated after the as-of date (`--as-of`, default today).
Due dates, review dates and planned dates may of course be in the future.

Why: a completion or an assessment cannot be in the future; it is usually a typo in the year,
and until that date arrives the item is reported as not done.

Fix: correct the date. To record a plan, use `due:` or `revised_due:` instead.

Example (as of 2025-04-01), data/risks/R0001.yaml:

    residual: {likelihood: 3, impact: 3, date: 2026-04-01}

Fixed:

    residual: {likelihood: 3, impact: 3, date: 2025-04-01}
"""

import datetime as dt
from collections.abc import Iterator

from pydantic import BaseModel

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.repository import Repository
from psstrat.rules._base import Rule, RuleContext


def _happenings(repo: Repository) -> Iterator[tuple[str, BaseModel, str, dt.date]]:
    """Everything dated when it happened: (what, item, date field, date)."""
    for _, e in repo.elements():
        for m in e.milestones:
            if m.completed:
                yield f"milestone {m.id} completion", m, "completed", m.completed
        for u in e.updates:
            yield f"work element {e.id} update", u, "date", u.date
    for sia in repo.sias:
        for issue in sia.issues:
            for note in issue.progress:
                yield f"SIA issue {issue.id} progress", note, "date", note.date
    for risk in repo.risks:
        for a in risk.assessments:
            yield f"risk {risk.id} assessment", a, "date", a.date


def check(ctx: RuleContext) -> Iterator[Finding]:
    for what, item, field, when in _happenings(ctx.repo):
        if when > ctx.as_of:
            yield Finding(
                ctx.repo.where(item, field),
                f"{what} is dated {when}, after {ctx.as_of}",
                "correct the date; use `due:` or `revised_due:` for plans",
            )


RULE = Rule(Code.FUTURE_DATE, Severity.WARNING, check, __doc__)
