"""Something that has happened is dated after today.

Catches: a milestone `completed`, a work element update, an SIA progress note, or a risk
assessment (`residual`, `history`) dated after the as-of date (`--as-of`, default today).
Due dates, review dates and planned dates may of course be in the future.

Why: a completion or an assessment cannot be in the future; it is usually a typo in the year,
and until that date arrives the item is reported as not done.

Fix: correct the date. To record a plan, use `due:` or `revised_due:` instead.
"""

import datetime as dt
from collections.abc import Iterator

from pydantic import BaseModel

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.rules._base import Rule, RuleContext


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    found: list[tuple[str, BaseModel, str, dt.date]] = []
    for _, e in repo.elements():
        for m in e.milestones:
            if m.completed:
                found.append((f"milestone {m.id} completion", m, "completed", m.completed))
        for u in e.updates:
            found.append((f"work element {e.id} update", u, "date", u.date))
    for sia in repo.sias:
        for issue in sia.issues:
            for note in issue.progress:
                found.append((f"SIA issue {issue.id} progress", note, "date", note.date))
    for risk in repo.risks:
        for a in risk.assessments:
            found.append((f"risk {risk.id} assessment", a, "date", a.date))
    for what, item, field, when in found:
        if when > ctx.as_of:
            yield Finding(
                repo.where(item, field),
                f"{what} is dated {when}, after {ctx.as_of}",
                "correct the date; use `due:` or `revised_due:` for plans",
            )


RULE = Rule(Code.FUTURE_DATE, Severity.WARNING, check, __doc__)
