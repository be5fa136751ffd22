"""What a rule is, and what every rule receives: the repository, the settings and the as-of
date."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.repository import Repository
from psstrat.settings import Settings


@dataclass(frozen=True)
class RuleContext:
    repo: Repository
    as_of: dt.date

    @property
    def settings(self) -> Settings:
        return self.repo.settings

    def load_findings(self, code: Code) -> Iterator[Finding]:
        """Problems the loader found for a load-time rule (yaml-syntax, schema, ...)."""
        for found_code, finding in self.repo.load_findings:
            if found_code == code:
                yield finding


Check = Callable[[RuleContext], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """One rule: its code, its default severity (psstrat.yaml may change it), what it checks,
    and its documentation (the module docstring: what it catches, why, how to fix it, and an
    example that fails with the same example fixed)."""

    code: Code
    severity: Severity
    check: Check
    doc: str | None
    whole: bool = False
    """Judged only on the whole repository (`validate`, session `all`): its verdict on an item
    a session may see depends on items the session may not (a reference to an id the session
    does not see may be to a withheld item, or to none), so a session's view cannot judge it."""

    @property
    def documentation(self) -> str:
        return inspect.cleandoc(self.doc or "")

    @property
    def summary(self) -> str:
        """The documentation's first line."""
        return self.documentation.splitlines()[0]
