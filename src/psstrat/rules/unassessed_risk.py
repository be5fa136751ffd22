"""A live risk has no residual assessment yet.

Catches: a risk in the live register at the as-of date (raised on or before it, not closed)
whose residual assessments (`residual` and `history`) are all dated after it.

Why: the committee's heat map and highest-risks table need a score for every live risk. Such a
risk is shown at its inherent rating and marked "not yet assessed", so the paper is honest, but
the owner still owes the committee an assessment.

Fix: record the owner's assessment in `residual` with the date it was made; an assessment
planned for later belongs in the work, not in the register.

Example, data/risks/R0001.yaml:

    raised: 2025-04-01
    residual: {likelihood: 3, impact: 3, date: 2025-06-01}

Fixed:

    raised: 2025-04-01
    residual: {likelihood: 3, impact: 3, date: 2025-04-01}
"""

from collections.abc import Iterator

from psstrat import schedule
from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.rules._base import Rule, RuleContext


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    for risk in repo.risks:
        if not schedule.risk_is_live(risk, ctx.as_of):
            continue
        if schedule.rating_as_of(risk, ctx.as_of).assessed:
            continue
        first = risk.assessments[0].date
        yield Finding(
            repo.where(risk, "residual"),
            f"risk {risk.id} ({risk.title}) is live on {ctx.as_of} but its first residual "
            f"assessment is dated {first}; reports show it at its inherent rating, "
            "not yet assessed",
            "record the assessment made by the as-of date in `residual`, with its date",
        )


RULE = Rule(Code.UNASSESSED_RISK, Severity.WARNING, check, __doc__)
