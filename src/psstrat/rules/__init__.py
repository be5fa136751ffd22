"""Every rule, one module each; the module docstring is the rule's documentation.

A rule module exports ``RULE``: a `Rule` with its code, default severity and
``check(ctx) -> Iterable[Finding]``.
"""

from __future__ import annotations

import datetime as dt
import re

from psstrat.diagnostics import Diagnostic, Severity
from psstrat.repository import Repository
from psstrat.rules import (
    before_start,
    control_character,
    date_order,
    duplicate_id,
    duplicate_meeting,
    escalation_missing,
    future_date,
    id_filename,
    no_controls,
    overdue_milestone,
    paper_unauthored,
    recommendation_unaligned,
    residual_above_inherent,
    review_overdue,
    schema,
    sia_issue_unmapped,
    stale_schema,
    stale_update,
    state_record,
    strand_unreported,
    unassessed_risk,
    unexpected_file,
    unknown_reference,
    unsafe_path,
    vacant_lead,
    yaml_syntax,
)
from psstrat.rules._base import Rule, RuleContext

_ALL: list[Rule] = [
    yaml_syntax.RULE,
    unsafe_path.RULE,
    schema.RULE,
    unexpected_file.RULE,
    control_character.RULE,
    duplicate_id.RULE,
    duplicate_meeting.RULE,
    id_filename.RULE,
    unknown_reference.RULE,
    date_order.RULE,
    before_start.RULE,
    escalation_missing.RULE,
    vacant_lead.RULE,
    overdue_milestone.RULE,
    stale_update.RULE,
    strand_unreported.RULE,
    paper_unauthored.RULE,
    review_overdue.RULE,
    unassessed_risk.RULE,
    no_controls.RULE,
    residual_above_inherent.RULE,
    sia_issue_unmapped.RULE,
    recommendation_unaligned.RULE,
    future_date.RULE,
    state_record.RULE,
    stale_schema.RULE,
]
RULES: dict[str, Rule] = {rule.code.value: rule for rule in _ALL}


def explain(code: str) -> str:
    """A rule's documentation (its module docstring), or with `all` one line per rule."""
    from psstrat.errors import PsstratError
    from psstrat.messages import suggest

    if code == "all":
        lines = []
        for name, rule in RULES.items():
            lines.append(f"{name:26} {rule.severity.value:8} {rule.summary}\n")
        return "".join(lines)
    if code not in RULES:
        raise PsstratError(
            f"no rule `{code}`{suggest(code, RULES)}; "
            "`psstrat validate --explain all` lists the rules"
        )
    rule = RULES[code]
    shown = re.search(r"^Example(?: \(as of [0-9-]+\))?, ", rule.documentation, re.M)
    note = f"\n{EXAMPLES_NOTE}\n" if shown else ""
    return f"{code} (default: {rule.severity.value})\n\n{rule.documentation}\n{note}"


EXAMPLES_NOTE = (
    "(The examples change a repository as `psstrat init --start 2025-04-01` writes it: what "
    "they do not show is as written there, list items are matched in order and `[]` empties "
    "a list.)"
)


def severity_of(code: str, repo: Repository) -> Severity | None:
    """The rule's severity after settings; None when the settings turn it off."""
    level = repo.settings.rules.get(code)
    if level == "off":
        return None
    return Severity(level) if level else RULES[code].severity


def run_rules(repo: Repository, as_of: dt.date, only: Severity | None = None) -> list[Diagnostic]:
    """Every problem in the repository (or only those of one severity), sorted by file and
    position. On a session's view (``repo.session`` set) the rules that only the whole
    repository can judge are left out."""
    ctx = RuleContext(repo, as_of)
    out: list[Diagnostic] = []
    for code, rule in RULES.items():
        severity = severity_of(code, repo)
        if severity is None or (only is not None and severity is not only):
            continue
        if rule.whole and repo.session is not None:
            continue
        out.extend(Diagnostic.of(f, code, severity) for f in rule.check(ctx))
    out.sort(key=lambda d: d.sort_key)
    return out
