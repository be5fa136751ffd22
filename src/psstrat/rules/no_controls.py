"""An open risk has no control measures.

Catches: a risk in the live register at the as-of date with an empty or missing `controls:`
list.

Why: the SIA's issues are scoped into the register "with control measures set out therein";
a risk without controls is recorded but not managed.

Fix: add at least one entry under `controls:` with a `description`, an `owner` and a
`status` (planned, in-progress or in-place), or set `treatment: tolerate` and say why in a
control's description.

Example, data/risks/R0001.yaml:

    controls: []

Fixed:

    controls:
      - description: Information security training for all staff
        owner: head-of-standards
        status: planned
"""

from collections.abc import Iterator

from psstrat import schedule
from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.rules._base import Rule, RuleContext


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    for risk in repo.risks:
        if schedule.risk_is_live(risk, ctx.as_of) and not risk.controls:
            yield Finding(
                repo.where(risk, "id"),
                f"risk {risk.id} ({risk.title}) has no control measures",
                "add an entry under `controls:` with description, owner and status",
            )


RULE = Rule(Code.NO_CONTROLS, Severity.WARNING, check, __doc__)
