"""Every rule: silent on the good repository, fires at the right place on a bad one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from psstrat.rules import RULES
from tests.conftest import AS_OF, RepoBuilder


@dataclass
class Case:
    code: str
    rel: str
    before: str  # the problem is reported just after this text in ``rel``
    edits: list[tuple[str, str, str]] = field(default_factory=list)
    writes: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    """Symbolic links to make: path -> target (relative to the root, or absolute)."""
    as_of: dt.date = AS_OF


S1 = "data/strands/S1.yaml"
R1 = "data/risks/R0001.yaml"
SIA = "data/sia/SIA-2004.yaml"
STRATEGY = "data/strategy.yaml"

CASES = {
    "yaml-syntax": Case(
        "yaml-syntax", R1, "title: ", edits=[(R1, "title: Information", "title: *alias")]
    ),
    "schema": Case(
        "schema",
        R1,
        "inherent: {likelihood: ",
        edits=[(R1, "inherent: {likelihood: 5", "inherent: {likelihood: 7")],
    ),
    "unexpected-file": Case(
        "unexpected-file", "data/risk/R0002.yaml", "", writes={"data/risk/R0002.yaml": "id: x\n"}
    ),
    "stale-schema": Case(
        "stale-schema",
        "schemas/owners.schema.json",
        "",
        writes={"schemas/owners.schema.json": '{"type": "object"}\n'},
    ),
    "unsafe-path": Case(
        "unsafe-path", "data/risks/R0002.yaml", "", links={"data/risks/R0002.yaml": "/etc/hosts"}
    ),
    "control-character": Case(
        "control-character",
        S1,
        "- id: S1.1.M1\n        title: ",
        edits=[(S1, "title: Code agreed", 'title: "Code agreed\\n::error file=README.md::forged"')],
    ),
    "duplicate-id": Case(
        "duplicate-id",
        S1,
        "title: x\n  - id: ",
        edits=[(S1, "  - id: S1.1\n", "  - id: S1.1\n    title: x\n  - id: S1.1\n")],
    ),
    "duplicate-meeting": Case(
        "duplicate-meeting",
        "data/meetings.yaml",
        "strands: [S1]\n  - date: ",
        edits=[
            (
                "data/meetings.yaml",
                "    strands: [S1]\n",
                "    strands: [S1]\n  - date: 2005-01-13\n",
            )
        ],
    ),
    "id-filename": Case("id-filename", S1, "id: ", edits=[(S1, "id: S1\n", "id: S2\n")]),
    "unknown-reference": Case(
        "unknown-reference", S1, "lead: ", edits=[(S1, "lead: lead-a", "lead: lead-c")]
    ),
    "date-order": Case(
        "date-order",
        S1,
        "completed: ",
        edits=[(S1, "completed: 2004-11-13", "completed: 2003-11-13")],
    ),
    "before-start": Case(
        "before-start",
        S1,
        "Code agreed\n        due: ",
        edits=[(S1, "due: 2004-11-30", "due: 2001-11-30")],
    ),
    "escalation-missing": Case(
        "escalation-missing",
        R1,
        "residual: ",
        edits=[(R1, "residual: {likelihood: 3", "residual: {likelihood: 4")],
    ),
    "vacant-lead": Case("vacant-lead", S1, "id: ", edits=[(S1, "lead: lead-a", "lead: null")]),
    "overdue-milestone": Case(
        "overdue-milestone",
        S1,
        "Code implemented\n        due: ",
        as_of=dt.date(2005, 7, 1),
    ),
    "stale-update": Case("stale-update", S1, "due: 2005-06-30\n    ", as_of=dt.date(2005, 4, 1)),
    "strand-unreported": Case("strand-unreported", S1, "id: ", as_of=dt.date(2006, 1, 14)),
    "paper-unauthored": Case(
        "paper-unauthored",
        "data/meetings.yaml",
        "title: ",
        edits=[
            (
                "data/meetings.yaml",
                "    report: 7\n",
                "    report: 7\n    papers:\n      - title: Code\n",
            )
        ],
    ),
    "review-overdue": Case("review-overdue", R1, "review_date: ", as_of=dt.date(2005, 4, 1)),
    "unassessed-risk": Case(
        "unassessed-risk",
        R1,
        "residual: ",
        edits=[
            (R1, "date: 2004-12-01}", "date: 2005-01-02}"),
            (R1, "history:\n  - {date: 2004-10-07, likelihood: 4, impact: 4}\n", ""),
        ],
    ),
    "no-controls": Case(
        "no-controls",
        R1,
        "id: ",
        edits=[
            (
                R1,
                "controls:\n  - description: Information code\n    owner: lead-b\n"
                "    status: in-progress\n",
                "controls: []\n",
            )
        ],
    ),
    "residual-above-inherent": Case(
        "residual-above-inherent",
        R1,
        "residual: ",
        edits=[(R1, "inherent: {likelihood: 5", "inherent: {likelihood: 2")],
    ),
    "sia-issue-unmapped": Case(
        "sia-issue-unmapped",
        SIA,
        "  - id: ",
        edits=[(SIA, "risks: [R0001]", "risks: []"), (R1, "source: SIA-2004.1\n", "")],
    ),
    "recommendation-unaligned": Case(
        "recommendation-unaligned",
        SIA,
        "      - ",
        edits=[(SIA, "aligned_to: [S1.1]", "aligned_to: []")],
    ),
    "future-date": Case(
        "future-date", S1, "  - date: ", edits=[(S1, "date: 2004-12-01", "date: 2005-02-01")]
    ),
    "state-record": Case(
        "state-record",
        S1,
        "    status: ",
        edits=[
            (S1, "text: Code agreed by the committee.", "text: Delayed.\n        status: at-risk")
        ],
    ),
}


def test_every_rule_has_a_case() -> None:
    assert set(CASES) == set(RULES)


def test_good_repository_is_silent(repo: RepoBuilder) -> None:
    assert repo.diagnostics() == []


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fires_where_the_problem_is(repo: RepoBuilder, code: str) -> None:
    case = CASES[code]
    for rel, text in case.writes.items():
        repo.write(rel, text)
    for rel, target in case.links.items():
        (repo.root / rel).symlink_to(repo.root / target)
    for rel, old, new in case.edits:
        repo.edit(rel, old, new)
    line, column = repo.position(case.rel, case.before) if case.before else (0, 0)
    assert (case.code, case.rel, line, column) in repo.found(case.as_of)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_documents_itself(code: str) -> None:
    doc = RULES[code].documentation
    assert "Catches:" in doc and "Why:" in doc and "Fix:" in doc


def test_every_code_has_its_rule_module_and_no_more() -> None:
    """codes.py (below the settings) and the rule modules name the same rules: a new rule
    needs both, and a module's name is its code."""
    import importlib

    from psstrat.codes import CODES

    assert set(RULES) == CODES
    for code, rule in RULES.items():
        module = importlib.import_module(f"psstrat.rules.{code.replace('-', '_')}")
        assert module.RULE is rule
        assert rule.summary and rule.check is module.check
