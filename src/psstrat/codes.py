"""The rule codes: known here, below the settings (which check `rules:` against them) and the
loader (which files its own problems under them); each rule module in psstrat.rules takes its
code from here, and a test keeps the two in step."""

from __future__ import annotations

import enum


class Code(enum.StrEnum):
    YAML_SYNTAX = "yaml-syntax"
    UNSAFE_PATH = "unsafe-path"
    SCHEMA = "schema"
    UNEXPECTED_FILE = "unexpected-file"
    CONTROL_CHARACTER = "control-character"
    DUPLICATE_ID = "duplicate-id"
    DUPLICATE_MEETING = "duplicate-meeting"
    ID_FILENAME = "id-filename"
    UNKNOWN_REFERENCE = "unknown-reference"
    DATE_ORDER = "date-order"
    BEFORE_START = "before-start"
    ESCALATION_MISSING = "escalation-missing"
    VACANT_LEAD = "vacant-lead"
    OVERDUE_MILESTONE = "overdue-milestone"
    STALE_UPDATE = "stale-update"
    STRAND_UNREPORTED = "strand-unreported"
    PAPER_UNAUTHORED = "paper-unauthored"
    REVIEW_OVERDUE = "review-overdue"
    UNASSESSED_RISK = "unassessed-risk"
    NO_CONTROLS = "no-controls"
    RESIDUAL_ABOVE_INHERENT = "residual-above-inherent"
    SIA_ISSUE_UNMAPPED = "sia-issue-unmapped"
    RECOMMENDATION_UNALIGNED = "recommendation-unaligned"
    FUTURE_DATE = "future-date"
    STATE_RECORD = "state-record"
    STALE_SCHEMA = "stale-schema"


UNREADABLE: frozenset[str] = frozenset({Code.YAML_SYNTAX, Code.SCHEMA})
"""Codes of the problems that leave a file out: it does not parse, or not as its model."""

CODES: frozenset[str] = frozenset(code.value for code in Code)
"""Every rule code, as text (what `rules:` in psstrat.yaml and `--explain` take)."""
