"""Each rule against its case file (tests/rule_cases/<code>.yaml): several cases that must
fire, at the place and with the words given, and several that must not. Together they run
every branch of every rule: .ci/run measures that with branch coverage of psstrat.rules.

A case file holds a list of cases under `cases:`:

    - name: what the case is
      as_of: 2025-06-30                  # optional; the repository's start otherwise
      change: {<file>: <YAML fragment>}  # merged as tests/rule_repo.py says
      delete: [<file>]                   # optional
      replace: {<file>: [<old>, <new>]}  # optional: the text itself, as it is
      link: {<file>: <target>}           # optional: symbolic links
      schemas: true                      # optional: schemas/ as `psstrat init` writes it
      finds:                             # [] for a case that must pass
        - at: <file>:<dotted.path>       # the value there; `@key` the key, `@file` the file
          says: <words in the message>
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from psstrat.rules import RULES
from psstrat.yamlio import parse_yaml
from tests import rule_repo

CASES_DIR = Path(__file__).parent / "rule_cases"


def load_cases(code: str) -> list[dict[str, Any]]:
    data = parse_yaml((CASES_DIR / f"{code}.yaml").read_bytes()).data
    cases: list[dict[str, Any]] = data["cases"]
    return cases


ALL = [(code, case) for code in sorted(RULES) for case in load_cases(code)]


def run_case(code: str, case: dict[str, Any], root: Path) -> tuple[list[Any], list[Any]]:
    """(what the rule found, what the case expects), both as (path, line, column, words)."""
    rule_repo.make(root)
    if case.get("schemas"):
        rule_repo.write_schemas(root)
    for rel in case.get("delete") or []:
        (root / rel).unlink()
    for rel, fragment in (case.get("change") or {}).items():
        rule_repo.apply(root, rel, fragment)
    for rel, (old, new) in (case.get("replace") or {}).items():
        text = (root / rel).read_text(encoding="utf-8")
        assert old in text, (rel, old)
        (root / rel).write_text(text.replace(old, new, 1), encoding="utf-8")
    for rel, target in (case.get("link") or {}).items():
        rule_repo.link(root, rel, target)
    as_of = dt.date.fromisoformat(case["as_of"]) if case.get("as_of") else rule_repo.START
    found = [
        (d.path, d.line, d.column, d.message)
        for d in rule_repo.problems(root, as_of)
        if d.code == code
    ]
    expected = []
    for find in case["finds"]:
        rel, _, at = find["at"].partition(":")
        line, column = rule_repo.place(root, rel, at)
        expected.append((rel, line, column, find["says"]))
    return found, expected


@pytest.mark.parametrize(
    ("code", "case"), ALL, ids=[f"{code}: {case['name']}" for code, case in ALL]
)
def test_rule_case(code: str, case: dict[str, Any], tmp_path: Path) -> None:
    found, expected = run_case(code, case, tmp_path)
    assert sorted(f[:3] for f in found) == sorted(e[:3] for e in expected), found
    for path, line, column, words in expected:
        [message] = [f[3] for f in found if f[:3] == (path, line, column)][:1]
        assert words in message


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_cases_that_fire_and_cases_that_pass(code: str) -> None:
    cases = load_cases(code)
    assert sum(bool(c["finds"]) for c in cases) >= 2, "fewer than two failing cases"
    assert sum(not c["finds"] for c in cases) >= 2, "fewer than two passing cases"
    assert len({c["name"] for c in cases}) == len(cases), "two cases with one name"
