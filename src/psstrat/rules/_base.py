"""What every rule receives: the repository, the settings and the as-of date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from psstrat.diagnostics import Finding
from psstrat.repository import Repository
from psstrat.settings import Settings


@dataclass(frozen=True)
class RuleContext:
    repo: Repository
    as_of: dt.date

    @property
    def settings(self) -> Settings:
        return self.repo.settings

    def load_findings(self, code: str) -> Iterator[Finding]:
        """Problems the loader found for a load-time rule (yaml-syntax, schema, ...)."""
        for found_code, finding in self.repo.load_findings:
            if found_code == code:
                yield finding
