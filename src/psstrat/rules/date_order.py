"""Dates that contradict each other.

Catches: the strategy period ending on or before it starts; a milestone completed before its
work element started; a risk closed before it was raised, escalated before it was raised, or
assessed before it was raised; a `history` entry dated after the current `residual`
assessment.

Why: reports order and count things by these dates; a contradiction is almost always a typo
in the year, and it makes "as of" reports wrong.

Fix: correct the date that is wrong. Past assessments belong in `history`, the latest one in
`residual`.

Example (as of 2025-04-30), data/strands/S1.yaml:

    work_elements:
      - id: S1.1
        start: 2025-04-01
        milestones:
          - id: S1.1.M1
            completed: 2025-03-14

Fixed:

    work_elements:
      - id: S1.1
        start: 2025-04-01
        milestones:
          - id: S1.1.M1
            completed: 2025-04-14
"""

from collections.abc import Iterator

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.rules._base import Rule, RuleContext


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    s = repo.strategy
    if s and s.period.end <= s.period.start:
        yield Finding(
            repo.where(s, "period", "end"),
            f"strategy period ends ({s.period.end}) on or before it starts ({s.period.start})",
            "correct `period.start` or `period.end`",
        )
    for _, element, m in repo.milestones():
        if m.completed and element.start and m.completed < element.start:
            yield Finding(
                repo.where(m, "completed"),
                f"milestone {m.id} completed ({m.completed}) before work element "
                f"{element.id} started ({element.start})",
                "correct `completed:` or the work element's `start:`",
            )
    for risk in repo.risks:
        if risk.closed and risk.closed < risk.raised:
            yield Finding(
                repo.where(risk, "closed"),
                f"risk {risk.id} closed ({risk.closed}) before it was raised ({risk.raised})",
                "correct `closed:` or `raised:`",
            )
        if risk.escalated and risk.escalated.date < risk.raised:
            yield Finding(
                repo.where(risk, "escalated", "date"),
                f"risk {risk.id} escalated ({risk.escalated.date}) before it was raised "
                f"({risk.raised})",
                "correct `escalated.date` or `raised:`",
            )
        for i, entry in enumerate(risk.history):
            if entry.date > risk.residual.date:
                yield Finding(
                    repo.where(risk, "history", i, "date"),
                    f"risk {risk.id}: history assessment of {entry.date} is later than the "
                    f"current residual assessment of {risk.residual.date}",
                    "move the latest assessment to `residual` and the older one to `history`",
                )
            elif entry.date < risk.raised:
                yield Finding(
                    repo.where(risk, "history", i, "date"),
                    f"risk {risk.id}: assessment of {entry.date} is before the risk was raised "
                    f"({risk.raised})",
                    "correct the assessment date or `raised:`",
                )


RULE = Rule(Code.DATE_ORDER, Severity.ERROR, check, __doc__)
