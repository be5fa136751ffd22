"""Something that has happened is dated after today.

Catches: a milestone `completed`, `set_on`, `revised_on` or `cancelled_on`, a strand's or
work element's update, an SIA progress note, a risk assessment (`residual`, `history`), or a
risk's or control's update dated after the as-of date (`--as-of`, default today).
Due dates, review dates and planned dates may of course be in the future.

Why: a completion or an assessment cannot be in the future; it is usually a typo in the year,
and until that date arrives the item is reported as not done.

Fix: correct the date. To record a plan, use `due:` or `revised_due:` instead.

Example (as of 2025-04-01), data/risks/R0001.yaml:

    residual: {likelihood: 3, impact: 3, date: 2026-04-01}

Fixed:

    residual: {likelihood: 3, impact: 3, date: 2025-04-01}
"""

import datetime as dt
from collections.abc import Iterator

from pydantic import BaseModel

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.model.risk import Risk
from psstrat.model.strand import WorkElement
from psstrat.repository import Repository
from psstrat.rules._base import Rule, RuleContext

Happening = tuple[str, BaseModel, tuple[str | int, ...], dt.date]
"""What happened, the item it is placed by, the path to its date there, and the date."""


def _happenings(
    repo: Repository,
) -> Iterator[Happening]:
    """Everything dated when it happened."""
    for strand in repo.strands:
        for su in strand.updates:
            yield f"strand {strand.id} update", su, ("date",), su.date
    for _, e in repo.elements():
        yield from _in_element(e)
    for sia in repo.sias:
        for issue in sia.issues:
            for note in issue.progress:
                yield f"SIA issue {issue.id} progress", note, ("date",), note.date
    for risk in repo.risks:
        yield from _in_risk(risk)


_MILESTONE_EVENTS = {
    "completed": "completion",
    "set_on": "setting",
    "revised_on": "re-plan",
    "cancelled_on": "cancellation",
}


def _in_element(e: WorkElement) -> Iterator[Happening]:
    for m in e.milestones:
        for field, event in _MILESTONE_EVENTS.items():
            if (day := getattr(m, field)) is not None:
                yield f"milestone {m.id} {event}", m, (field,), day
    for u in e.updates:
        yield f"work element {e.id} update", u, ("date",), u.date


def _in_risk(risk: Risk) -> Iterator[Happening]:
    for a in risk.assessments:
        yield f"risk {risk.id} assessment", a, ("date",), a.date
    for ru in risk.updates:
        yield f"risk {risk.id} update", ru, ("date",), ru.date
    for i, control in enumerate(risk.controls):
        # Controls are not indexed items: placed from the risk.
        for j, cu in enumerate(control.updates):
            where = ("controls", i, "updates", j, "date")
            yield f"risk {risk.id} control {i + 1} update", risk, where, cu.date


def check(ctx: RuleContext) -> Iterator[Finding]:
    for what, item, path, when in _happenings(ctx.repo):
        if when > ctx.as_of:
            yield Finding(
                ctx.repo.where(item, *path),
                f"{what} is dated {when}, after {ctx.as_of}",
                "correct the date; use `due:` or `revised_due:` for plans",
            )


RULE = Rule(Code.FUTURE_DATE, Severity.WARNING, check, __doc__)
