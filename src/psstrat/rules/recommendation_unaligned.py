"""An SIA recommendation is aligned to no strand or work element.

Catches: an entry under an SIA issue's `recommendations:` with an empty or missing
`aligned_to:` list.

Why: the strategy says recommendations arising from the SIA "will be aligned to the strands
and work elements ensuring implementation thereof"; an unaligned one has no owner.

Fix: set `aligned_to:` to the strand or work element ids that will implement it, e.g.
`aligned_to: [S1, S2.3]`.

Example, data/sia/SIA-2025.yaml:

    issues:
      - id: SIA-2025.1
        recommendations:
          - text: Train all staff in information security
            aligned_to: []

Fixed:

    issues:
      - id: SIA-2025.1
        recommendations:
          - text: Train all staff in information security
            aligned_to: [S1.1]
"""

from collections.abc import Iterator

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.rules._base import Rule, RuleContext


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    for sia in repo.sias:
        for issue in sia.issues:
            for i, rec in enumerate(issue.recommendations):
                if not rec.aligned_to:
                    yield Finding(
                        repo.where(issue, "recommendations", i),
                        f"SIA issue {issue.id}: recommendation {i + 1} is aligned to no strand "
                        f"or work element",
                        "set `aligned_to:` to the strand or work element ids, e.g. [S1, S2.3]",
                    )


RULE = Rule(Code.RECOMMENDATION_UNALIGNED, Severity.WARNING, check, __doc__)
