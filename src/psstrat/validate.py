"""`psstrat validate` as a domain function: load, check, return the problems."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from psstrat.diagnostics import Diagnostic, Severity
from psstrat.repository import Repository, load_repository
from psstrat.rules import run_rules


@dataclass(frozen=True)
class ValidationResult:
    repo: Repository
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> int:
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)

    def failed(self, strict: bool = False) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)

    @property
    def summary(self) -> str:
        n = len(self.diagnostics)
        files = self.repo.files_read
        where = f"in {files} file{'s' if files != 1 else ''}"
        if n == 0:
            return f"no problems {where}"
        return (
            f"{n} problem{'s' if n != 1 else ''} ({self.errors} error"
            f"{'s' if self.errors != 1 else ''}, {self.warnings} warning"
            f"{'s' if self.warnings != 1 else ''}) {where}"
        )


def validate(root: Path, as_of: dt.date) -> ValidationResult:
    repo = load_repository(root)
    return ValidationResult(repo, run_rules(repo, as_of))
