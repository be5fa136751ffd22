"""An open risk is past its review date.

Catches: a risk in the live register at the as-of date whose `review_date` is before it.

Why: risk owners re-assess their risks on a cycle; a missed review means the residual score
the committee sees may no longer be true.

Fix: review the risk, record the new assessment in `residual` (moving the old one to
`history`), and set the next `review_date`.

Example (as of 2026-03-01), data/risks/R0001.yaml:

    review_date: 2026-02-01

Fixed:

    residual: {likelihood: 3, impact: 3, date: 2026-02-10}
    review_date: 2027-02-01
"""

from collections.abc import Iterator

from psstrat import schedule
from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.rules._base import Rule, RuleContext


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    for risk in repo.risks:
        days = schedule.days_past_review(risk, ctx.as_of)
        if days is not None:
            yield Finding(
                repo.where(risk, "review_date"),
                f"risk {risk.id} ({risk.title}) was due for review on {risk.review_date}, "
                f"{days} days ago (owner: {repo.owner_label(risk.owner)})",
                "review the risk, record the new assessment and set the next `review_date`",
            )


RULE = Rule(Code.REVIEW_OVERDUE, Severity.WARNING, check, __doc__)
