"""An SIA issue is scoped into no risk.

Catches: an issue of a Strategic Intelligence Assessment with an empty `risks:` list that no
risk names as its `source`.

Why: the SIA's findings are meant to be "scoped into the DPS Risk Register"; an issue with no
risk is an intelligence finding nobody is managing.

Fix: list the risk ids under the issue's `risks:`, or set `source:` on the risk that covers it.

Example, data/sia/SIA-2025.yaml:

    issues:
      - id: SIA-2025.1
        risks: []

Fixed:

    issues:
      - id: SIA-2025.1
        risks: [R0001]
"""

from collections.abc import Iterator

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.rules._base import Rule, RuleContext


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    sources = {risk.source for risk in repo.risks if risk.source}
    for sia in repo.sias:
        for issue in sia.issues:
            if not issue.risks and issue.id not in sources:
                yield Finding(
                    repo.where(issue, "id"),
                    f"SIA issue {issue.id} ({issue.title}) is scoped into no risk",
                    "list the risk ids under `risks:`, or set `source:` on the risk",
                )


RULE = Rule(Code.SIA_ISSUE_UNMAPPED, Severity.WARNING, check, __doc__)
