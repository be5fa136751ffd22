"""A risk's residual score is higher than its inherent score.

Catches: a risk whose current residual assessment (as of the date) scores higher than its
`inherent` assessment (score = likelihood x impact).

Why: residual risk is what remains after controls; it should not exceed the risk before
controls. Either the inherent assessment is out of date or a score was mistyped.

Fix: re-assess `inherent`, or correct the residual likelihood or impact.

Example, data/risks/R0001.yaml:

    inherent: {likelihood: 3, impact: 3}
    residual: {likelihood: 3, impact: 4, date: 2025-04-01}

Fixed:

    inherent: {likelihood: 4, impact: 4}
    residual: {likelihood: 3, impact: 4, date: 2025-04-01}
"""

from collections.abc import Iterator

from psstrat import schedule
from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.rules._base import Rule, RuleContext


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    for risk in repo.risks:
        assessment = schedule.residual_as_of(risk, ctx.as_of)
        if assessment and assessment.score > risk.inherent.score:
            yield Finding(
                repo.where(assessment),
                f"risk {risk.id}: residual score {assessment.score} is higher than the inherent "
                f"score {risk.inherent.score}",
                "re-assess `inherent`, or correct the residual likelihood or impact",
            )


RULE = Rule(Code.RESIDUAL_ABOVE_INHERENT, Severity.WARNING, check, __doc__)
