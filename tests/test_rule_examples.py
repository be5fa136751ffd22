"""Every rule's documentation shows an example that fails and the same example fixed, and
both are true: the example makes the rule fire on a fresh repository, the fix silences it
and adds no other problem."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from psstrat.rules import RULES, explain
from tests import rule_repo

PROSE_ONLY = {
    "unsafe-path": "a symbolic link is not YAML: its example is in words",
    "stale-schema": "its fix is seven generated files: in words (tests/rule_cases/ runs it)",
}

_EXAMPLE = re.compile(
    r"^Example(?: \(as of (?P<as_of>\d{4}-\d{2}-\d{2})\))?, (?P<path>\S+):\n\n"
    r"(?P<bad>(?:    .*\n|\n)+?)"
    r"Fixed(?:, (?P<fixed_path>\S+))?:\n\n"
    r"(?P<good>(?:    .*\n?|\n)+)",
    re.M,
)


@dataclass(frozen=True)
class Example:
    path: str
    bad: str
    fixed_path: str
    good: str
    as_of: dt.date


def example(code: str) -> Example:
    doc = RULES[code].documentation + "\n"
    found = _EXAMPLE.search(doc)
    assert found, f"{code}: no `Example, <file>:` ... `Fixed:` section"
    assert doc.endswith(found.group(0)), f"{code}: the example is not the docstring's end"

    def block(text: str) -> str:
        return "".join(line[4:] + "\n" for line in text.rstrip("\n").split("\n"))

    return Example(
        found["path"],
        block(found["bad"]),
        found["fixed_path"] or found["path"],
        block(found["good"]),
        dt.date.fromisoformat(found["as_of"]) if found["as_of"] else rule_repo.START,
    )


EXAMPLES = sorted(code for code in RULES if code not in PROSE_ONLY)


@pytest.mark.parametrize("code", EXAMPLES)
def test_the_example_fails_and_the_fix_passes(code: str, tmp_path: Path) -> None:
    ex = example(code)
    base = rule_repo.make(tmp_path / "base")
    before = {(d.code, d.path) for d in rule_repo.problems(base, ex.as_of)}
    assert not any(c == code for c, _ in before), f"{code} fires on the fresh repository"

    bad = rule_repo.make(tmp_path / "bad")
    rule_repo.apply(bad, ex.path, ex.bad)
    assert any(d.code == code for d in rule_repo.problems(bad, ex.as_of)), ex.bad

    good = rule_repo.make(tmp_path / "good")
    rule_repo.apply(good, ex.fixed_path, ex.good)
    after = {(d.code, d.path) for d in rule_repo.problems(good, ex.as_of)}
    assert after <= before, f"the fix leaves {sorted(after - before)}"


@pytest.mark.parametrize("code", sorted(RULES))
def test_explain_prints_the_example(code: str) -> None:
    text = explain(code)
    assert "\nExample" in text and "\nFixed" in text
    if code in PROSE_ONLY:
        assert "`psstrat init" not in text
    else:
        ex = example(code)
        assert ex.bad.splitlines()[0] in text
        assert "psstrat init --start 2025-04-01" in text  # what the examples change
