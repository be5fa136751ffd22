"""A date in the plan before the strategy starts.

Catches: a milestone due (`due`, `revised_due`), completed or cancelled (`cancelled_on`), a
work element's `start`, or a strand's or work element's update, dated before the strategy's
`period.start` in data/strategy.yaml.

Not checked: when a milestone was set or re-planned (`set_on`, `revised_on`): a plan is
written, and revised, before its first day (the strategy's `created:` may be earlier). Nor
risks, SIAs, meetings and their actions: the risk register, the assessments and the
committee's record are the directorate's, not the plan's, and rightly hold what came before
the strategy (a risk raised under the last one, the SIA that shaped this one, the meeting
that agreed it).

Why: psstrat reports the strategy from its first day (a quarter that ends before
`period.start` has no report), so a date in the plan before it is never reported when it
happened; it is almost always a typo in the year, and a milestone "due" before the strategy
began is overdue in its first paper.

Fix: correct the date, or `period.start` if that is what is wrong. Work carried over from an
earlier strategy starts, in this one, on its first day; say where it had got to in an update
dated then.

Example, data/strands/S1.yaml:

    work_elements:
      - id: S1.1
        milestones:
          - id: S1.1.M1
            due: 2024-07-01

Fixed:

    work_elements:
      - id: S1.1
        milestones:
          - id: S1.1.M1
            due: 2025-07-01
"""

import datetime as dt
from collections.abc import Iterator

from pydantic import BaseModel

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.model.strand import Strand
from psstrat.rules._base import Rule, RuleContext

Dated = tuple[str, BaseModel, str, dt.date]
"""What the date says (`milestone S1.1.M1 is due on`), the item it is placed by, its field
there, and the date."""

_MILESTONE_DATES = {
    "due": "is due on",
    "revised_due": "is re-planned to",
    "completed": "was completed on",
    "cancelled_on": "was cancelled on",
}


def _plan_dates(strand: Strand) -> Iterator[Dated]:
    """Every date of the strand's plan the rule checks (the module's doc says which)."""
    for su in strand.updates:
        yield f"strand {strand.id} has an update dated", su, "date", su.date
    for e in strand.work_elements:
        if e.start is not None:
            yield f"work element {e.id} started on", e, "start", e.start
        for m in e.milestones:
            for field, says in _MILESTONE_DATES.items():
                if (day := getattr(m, field)) is not None:
                    yield f"milestone {m.id} {says}", m, field, day
        for u in e.updates:
            yield f"work element {e.id} has an update dated", u, "date", u.date


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    if repo.strategy is None:
        return
    start = repo.strategy.period.start
    for strand in repo.strands:
        for what, item, field, day in _plan_dates(strand):
            if day < start:
                yield Finding(
                    repo.where(item, field),
                    f"{what} {day}, before the strategy starts ({start})",
                    "correct the date, or the strategy's `period.start` if that is wrong",
                )


RULE = Rule(Code.BEFORE_START, Severity.ERROR, check, __doc__)
