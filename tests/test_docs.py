"""The docs stay true: every rule and template is documented, README's commands are run."""

from __future__ import annotations

import re
from pathlib import Path

from psstrat.rules import RULES

ROOT = Path(__file__).resolve().parents[1]


def test_every_rule_is_in_the_format_reference() -> None:
    text = (ROOT / "docs" / "format.md").read_text()
    documented = set(re.findall(r"^\| `([a-z-]+)` \| (?:error|warning) \|", text, re.M))
    assert documented == set(RULES)
    for code, rule in RULES.items():
        assert f"| `{code}` | {rule.severity.value} |" in text


def test_every_template_is_documented() -> None:
    text = (ROOT / "docs" / "report.md").read_text()
    for template in (ROOT / "templates").glob("*.j2"):
        assert f"`{template.name}`" in text


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    main_job, tests = blocks[0], blocks[1]
    assert "psstrat report --quarter 2004-Q3" in main_job
    assert tests.endswith("pytest")
    assert tests in (ROOT / ".ci" / "run").read_text()
