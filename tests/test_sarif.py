"""SARIF within GitHub code scanning's limits, with alerts that survive lines moving (issue 24,
item 1): fingerprints, rule pages, descriptions, end positions, the results cap."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from psstrat.diagnostics import Diagnostic, Severity
from psstrat.output.sarif import (
    DESCRIPTION_LIMIT,
    FINGERPRINT,
    REPOSITORY,
    RESULTS_PER_RUN,
    RULE_PAGES,
    sarif,
    token_end,
    within,
)
from psstrat.rules import RULES
from tests.conftest import invoke, shipped_copy

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2006-06-30"
SCHEMA = json.loads((ROOT / "tests/schemas/sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))


def _run(cli: CliRunner, root: Path) -> dict[str, Any]:
    code, out, err = invoke(cli, "validate", "--root", str(root), "--as-of", AS_OF, "-f", "sarif")
    assert code in (0, 1), err
    log = json.loads(out)
    jsonschema.validate(log, SCHEMA)
    [run] = log["runs"]
    return run  # type: ignore[no-any-return]


def _by_fingerprint(run: dict[str, Any]) -> dict[str, tuple[str, str, int]]:
    out = {}
    for r in run["results"]:
        where = r["locations"][0]["physicalLocation"]
        line = where.get("region", {}).get("startLine", 0)
        out[r["partialFingerprints"][FINGERPRINT]] = (
            r["ruleId"],
            where["artifactLocation"]["uri"],
            line,
        )
    return out


def test_fingerprints_survive_lines_moving(cli: CliRunner, tmp_path: Path) -> None:
    """A comment line at the top of every file moves every problem down a line: each alert
    keeps its fingerprint, and the fingerprints of a run are all different."""
    root = shipped_copy(tmp_path / "strategy")
    before = _by_fingerprint(_run(cli, root))
    assert len(before) == len(_run(cli, root)["results"]) == 38  # unique within the run
    for path in (root / "data").rglob("*.yaml"):
        path.write_text("# moved down\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    after = _by_fingerprint(_run(cli, root))
    assert after.keys() == before.keys()
    for fingerprint, (code, uri, line) in before.items():
        assert after[fingerprint] == (code, uri, line + 1 if line else 0)


def test_fingerprints_survive_the_date_moving_on(cli: CliRunner, tmp_path: Path) -> None:
    """The messages say how many days overdue: the alert is the same alert the next day."""
    root = shipped_copy(tmp_path / "strategy")
    today = _by_fingerprint(_run(cli, root))
    _, out, _ = invoke(cli, "validate", "--root", str(root), "--as-of", "2006-07-01", "-f", "sarif")
    tomorrow = _by_fingerprint(json.loads(out)["runs"][0])
    assert today == tomorrow


def test_the_log_within_githubs_limits(cli: CliRunner, tmp_path: Path) -> None:
    run = _run(cli, shipped_copy(tmp_path / "strategy"))
    driver = run["tool"]["driver"]
    assert driver["informationUri"] == REPOSITORY and "pypi.org" not in json.dumps(run)
    assert [r["id"] for r in driver["rules"]] == list(RULES)
    for rule in driver["rules"]:
        assert len(rule["shortDescription"]["text"]) <= DESCRIPTION_LIMIT
        assert len(rule["fullDescription"]["text"]) <= DESCRIPTION_LIMIT
        assert rule["helpUri"] == f"{RULE_PAGES}/{rule['id']}.md"
        assert rule["help"]["markdown"].startswith(f"# `{rule['id']}`")
        assert rule["help"]["text"].startswith(RULES[rule["id"]].summary)
        assert 0 < len(rule["properties"]["tags"]) <= 10
        assert rule["properties"]["problem.severity"] == RULES[rule["id"]].severity.value
    for result in run["results"]:
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["endLine"] == region["startLine"]
        assert region["endColumn"] > region["startColumn"]
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_a_long_description_is_cut_after_a_sentence() -> None:
    doc = RULES["control-character"].documentation
    assert len(doc) > DESCRIPTION_LIMIT  # the one that was 1,503 characters
    cut = within(doc)
    assert len(cut) <= DESCRIPTION_LIMIT
    kept = cut.removesuffix(" (continued in the rule's help)")
    assert kept != cut and doc.startswith(kept) and kept.endswith(".")
    assert within("Short. Enough.") == "Short. Enough."


def test_end_positions_are_at_the_end_of_the_token() -> None:
    line = "    title: 'It''s done' # a comment"
    assert token_end(line, 5) == 10  # the key `title`
    assert token_end(line, 12) == 24  # the quoted value, quotes included
    assert token_end("due: 2005-03-31   # late", 6) == 16
    assert token_end('text: "a \\" b"', 7) == 15
    assert token_end("strands: [S1, S2]", 10) == 18  # the flow list
    assert token_end("strands: [S1, S2]", 11) == 13  # one item in it
    assert token_end("text: |", 7) == 8
    assert token_end("lead:", 6) == 6  # past the end of the line: an empty region there


def _diagnostic(i: int, severity: Severity) -> Diagnostic:
    return Diagnostic(f"data/risks/R{i:05d}.yaml", 0, 0, severity, "no-controls", f"risk {i}")


def test_the_results_are_capped_the_most_severe_kept() -> None:
    warnings = [_diagnostic(i, Severity.WARNING) for i in range(RESULTS_PER_RUN)]
    errors = [_diagnostic(RESULTS_PER_RUN + i, Severity.ERROR) for i in range(7)]
    log = json.loads(sarif(warnings + errors, {}))
    [run] = log["runs"]
    assert len(run["results"]) == RESULTS_PER_RUN
    assert Counter(r["level"] for r in run["results"])["error"] == 7
    [notification] = run["invocations"][0]["toolExecutionNotifications"]
    assert notification["message"]["text"].startswith(
        f"7 of {RESULTS_PER_RUN + 7} results left out: GitHub takes at most 25,000 a run"
    )
    jsonschema.validate(log, SCHEMA)


def test_every_rule_has_its_page_and_the_pages_are_in_step() -> None:
    for code in RULES:
        assert (ROOT / "docs" / "rules" / f"{code}.md").is_file(), code
    check = subprocess.run(
        [sys.executable, "tools/sync_rule_pages.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr


def test_the_repository_address_is_the_one_pyproject_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert urls["Repository"] == urls["Homepage"] == REPOSITORY
    assert f"{REPOSITORY}/blob/main/docs/rules" == RULE_PAGES
    import psstrat
    from psstrat.output.sarif import rule_pages

    assert rule_pages() == RULE_PAGES  # between releases (conftest): the main branch's pages
    monkeypatch.setattr(psstrat, "__release__", True)
    assert rule_pages() == f"{REPOSITORY}/blob/v0.2.0/docs/rules"


@pytest.mark.parametrize("column", [1, 3])
def test_a_problem_in_a_file_that_cannot_be_read_has_no_end_column(column: int) -> None:
    d = Diagnostic("data/x.yaml", 2, column, Severity.ERROR, "yaml-syntax", "bad")
    [result] = json.loads(sarif([d], {}))["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 2, "startColumn": column, "endLine": 2}


def test_a_file_name_with_a_space_or_percent_is_a_uri_that_names_it(
    cli: CliRunner, tmp_path: Path
) -> None:
    """artifactLocation.uri is a URI reference: `R 1%.yaml` is `R%201%25.yaml`, which a viewer
    opens as the file it is (unencoded, `%25`-style names would open another file)."""
    root = shipped_copy(tmp_path / "strategy")
    (root / "data/risks/R 1%.yaml").write_text("id: [\n", encoding="utf-8")
    run = _run(cli, root)
    where = [r["locations"][0]["physicalLocation"] for r in run["results"]]
    uris = {w["artifactLocation"]["uri"] for w in where}
    assert any(u.endswith("/data/risks/R%201%25.yaml") for u in uris), uris
    assert not any(" " in u or "%.yaml" in u for u in uris)


def test_a_file_outside_the_checkout_is_a_file_uri() -> None:
    """Shown by its absolute path (a --root outside the checkout): a `file:` URI, encoded."""
    from psstrat.output.sarif import uri

    assert uri("/srv/strategy/data/R 1.yaml") == "file:///srv/strategy/data/R%201.yaml"
    assert uri("data/risks/Ré.yaml") == "data/risks/R%C3%A9.yaml"
