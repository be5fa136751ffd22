"""Diagnostics: one problem found in the data, as a frozen value."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """Where a problem is: a path relative to the repository root, 1-based line and column.

    Line and column are 0 when the file as a whole is meant (it is missing, say).
    """

    path: str
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class Finding:
    """What a rule reports: the rule's code and severity are added by the runner."""

    location: Location
    message: str
    help: str = ""


@dataclass(frozen=True)
class Diagnostic:
    """One problem, ready to print.

    ``message`` is one sentence in the user's words naming the item and the offending value;
    ``help`` says how to fix it.
    """

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    help: str = ""

    @classmethod
    def of(cls, finding: Finding, code: str, severity: Severity) -> Diagnostic:
        loc = finding.location
        return cls(loc.path, loc.line, loc.column, severity, code, finding.message, finding.help)

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)
