"""Every rule, one module each; the module docstring is the rule's documentation.

A rule module has CODE, SEVERITY (its default) and ``check(ctx) -> Iterator[Finding]``.
"""

from __future__ import annotations

import datetime as dt
from types import ModuleType

from psstrat.diagnostics import Diagnostic, Severity
from psstrat.repository import Repository
from psstrat.rules import (
    control_character,
    date_order,
    duplicate_id,
    escalation_missing,
    future_date,
    id_filename,
    no_controls,
    overdue_milestone,
    recommendation_unaligned,
    residual_above_inherent,
    review_overdue,
    schema,
    sia_issue_unmapped,
    stale_update,
    unassessed_risk,
    unexpected_file,
    unknown_reference,
    unsafe_path,
    vacant_lead,
    yaml_syntax,
)
from psstrat.rules._base import RuleContext

_MODULES: list[ModuleType] = [
    yaml_syntax,
    unsafe_path,
    schema,
    unexpected_file,
    control_character,
    duplicate_id,
    id_filename,
    unknown_reference,
    date_order,
    escalation_missing,
    vacant_lead,
    overdue_milestone,
    stale_update,
    review_overdue,
    unassessed_risk,
    no_controls,
    residual_above_inherent,
    sia_issue_unmapped,
    recommendation_unaligned,
    future_date,
]
RULES: dict[str, ModuleType] = {m.CODE: m for m in _MODULES}


def explain(code: str) -> str:
    """A rule's documentation (its module docstring), or with `all` one line per rule."""
    import inspect

    from psstrat.errors import PsstratError
    from psstrat.messages import suggest

    if code == "all":
        lines = []
        for name, module in RULES.items():
            first = (module.__doc__ or "").strip().splitlines()[0]
            lines.append(f"{name:26} {module.SEVERITY.value:8} {first}\n")
        return "".join(lines)
    if code not in RULES:
        raise PsstratError(
            f"no rule `{code}`{suggest(code, RULES)}; "
            "`psstrat validate --explain all` lists the rules"
        )
    module = RULES[code]
    return (
        f"{code} (default: {module.SEVERITY.value})\n\n{inspect.cleandoc(module.__doc__ or '')}\n"
    )


def severity_of(code: str, repo: Repository) -> Severity | None:
    """The rule's severity after settings; None when the settings turn it off."""
    level = repo.settings.rules.get(code)
    if level == "off":
        return None
    return Severity(level) if level else RULES[code].SEVERITY


def run_rules(repo: Repository, as_of: dt.date, only: Severity | None = None) -> list[Diagnostic]:
    """Every problem in the repository (or only those of one severity), sorted by file and
    position."""
    ctx = RuleContext(repo, as_of)
    out: list[Diagnostic] = []
    for code, module in RULES.items():
        severity = severity_of(code, repo)
        if severity is None or (only is not None and severity is not only):
            continue
        out.extend(Diagnostic.of(f, code, severity) for f in module.check(ctx))
    out.sort(key=lambda d: d.sort_key)
    return out
