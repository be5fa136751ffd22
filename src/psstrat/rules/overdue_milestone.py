"""A milestone is past its due date and neither completed nor cancelled.

Catches: a milestone whose effective due date (`revised_due`, else `due`) is before the
as-of date (`--as-of`, default today) and that has no `completed:` date on or before it and
is not `cancelled: true`. A milestone due today is not yet overdue.

Why: overdue milestones are what the committee asks about first.

Fix: record `completed: YYYY-MM-DD` if it was achieved; set `revised_due:` if it has been
re-planned (the original `due` stays, so slippage is visible); or set `cancelled: true`.

Example (as of 2025-06-30), data/strands/S1.yaml:

    work_elements:
      - id: S1.1
        milestones:
          - id: S1.1.M1
            due: 2025-06-15

Fixed:

    work_elements:
      - id: S1.1
        milestones:
          - id: S1.1.M1
            due: 2025-06-15
            revised_due: 2025-09-30
"""

from collections.abc import Iterator

from psstrat import schedule
from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.rules._base import Rule, RuleContext


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    for _, element, m in repo.milestones():
        status = schedule.milestone_status(m, ctx.as_of, ctx.settings.due_soon_days)
        if status.state is not schedule.MilestoneState.OVERDUE:
            continue
        yield Finding(
            repo.where(m, "revised_due" if m.revised_due else "due"),
            f"milestone {m.id} ({m.title}) is {status.days_overdue} days overdue "
            f"(due {status.effective_due}; lead: {repo.owner_label(element.lead)})",
            "set `completed:` when achieved, `revised_due:` to re-plan, or `cancelled: true`",
        )


RULE = Rule(Code.OVERDUE_MILESTONE, Severity.WARNING, check, __doc__)
