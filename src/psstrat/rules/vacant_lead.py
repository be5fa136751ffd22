"""A strand or open work element has no lead.

Catches: `lead: null` or no `lead:` on a strand, or on a work element that is not complete or
cancelled. The strategy papers write this as "Lead Awaits".

Why: the committee holds named leads to account; a vacant lead is a gap to fill, and the
report shows it as "vacant".

Fix: set `lead:` to an owner id from data/owners.yaml once someone is appointed. A strategy
still in draft can turn this rule to `off` in psstrat.yaml (`rules: {vacant-lead: off}`).

Example, data/strands/S1.yaml:

    lead: null

Fixed:

    lead: head-of-standards
"""

from collections.abc import Iterator

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.rules._base import Rule, RuleContext


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    help = "set `lead:` to an owner id from data/owners.yaml when a lead is appointed"
    for strand in repo.strands:
        if strand.lead is None:
            yield Finding(repo.where(strand, "id"), f"strand {strand.id} has no lead", help)
        for e in strand.work_elements:
            if e.lead is None and e.is_open:
                yield Finding(repo.where(e, "id"), f"work element {e.id} has no lead", help)


RULE = Rule(Code.VACANT_LEAD, Severity.WARNING, check, __doc__)
