"""A risk scores at or above the escalation threshold but has not been escalated.

Catches: an open risk whose current residual score (likelihood x impact, as of the date)
is at or above `escalation_threshold` in psstrat.yaml (default 15) and that has no
`escalated:` entry dated on or before that date.

Why: the directorate forwards its significant risks to the corporate risk register;
a high risk kept only in the directorate's register is a governance failure the committee
will ask about.

Fix: escalate the risk and record it, e.g.
`escalated: {to: Corporate Risk Register, date: 2004-10-20}`, or re-assess it.

Example (as of 2025-05-01), data/risks/R0001.yaml:

    residual: {likelihood: 4, impact: 4, date: 2025-04-20}

Fixed:

    residual: {likelihood: 4, impact: 4, date: 2025-04-20}
    escalated: {to: Corporate Risk Register, date: 2025-04-25}
"""

from collections.abc import Iterator

from psstrat import schedule
from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.rules._base import Rule, RuleContext


def check(ctx: RuleContext) -> Iterator[Finding]:
    threshold = ctx.settings.escalation_threshold
    for risk in ctx.repo.risks:
        if not schedule.risk_is_live(risk, ctx.as_of):
            continue
        score = schedule.current_score(risk, ctx.as_of)
        if score is None or score < threshold:
            continue
        if risk.escalated and risk.escalated.date <= ctx.as_of:
            continue
        yield Finding(
            ctx.repo.where(risk, "residual"),
            f"risk {risk.id} ({risk.title}) has residual score {score}, at or above the "
            f"escalation threshold {threshold}, and is not escalated",
            "add `escalated: {to: <register>, date: YYYY-MM-DD}`, or re-assess the risk",
        )


RULE = Rule(Code.ESCALATION_MISSING, Severity.ERROR, check, __doc__)
