"""`psstrat validate` as CI and users run it: exit codes, formats, options, settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from psstrat.rules import RULES
from tests.conftest import RepoBuilder, as_json, invoke

S1 = "data/strands/S1.yaml"


@pytest.fixture
def inside(repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch) -> RepoBuilder:
    monkeypatch.chdir(repo.root)
    return repo


def test_clean_repository_exits_0_with_summary(inside: RepoBuilder, cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "validate", "--as-of", "2004-12-31")
    assert code == 0
    assert out == "no problems in 6 files\n"


def test_errors_exit_1_and_warnings_do_not(inside: RepoBuilder, cli: CliRunner) -> None:
    inside.edit(S1, "lead: lead-a", "lead: null")  # a warning
    code, out, _ = invoke(cli, "validate", "--as-of", "2004-12-31")
    assert code == 0
    assert "warning[vacant-lead] strand S1 has no lead" in out
    assert out.endswith("1 problem (0 errors, 1 warning) in 6 files\n")
    code, _, _ = invoke(cli, "validate", "--as-of", "2004-12-31", "--strict")
    assert code == 1
    inside.edit(S1, "lead: lead-b", "lead: lead-aa")  # an error
    code, out, _ = invoke(cli, "validate", "--as-of", "2004-12-31")
    assert code == 1
    assert "(did you mean `lead-a`, DCS Intelligence Command, DPS (Jane Smith)?)" in out


def test_as_of_changes_date_rules(inside: RepoBuilder, cli: CliRunner) -> None:
    _, before, _ = invoke(cli, "validate", "--as-of", "2005-06-30", "--format", "json")
    _, after, _ = invoke(cli, "validate", "--as-of", "2005-07-01", "--format", "json")
    codes = [[p["code"] for p in as_json(x)] for x in (before, after)]
    assert "overdue-milestone" not in codes[0]  # due today is not overdue
    assert "overdue-milestone" in codes[1]


def test_json_format_fields(inside: RepoBuilder, cli: CliRunner) -> None:
    inside.edit(S1, "lead: lead-a", "lead: lead-x")
    code, out, err = invoke(cli, "validate", "--as-of", "2004-12-31", "--format", "json")
    assert code == 1
    [problem] = as_json(out)
    line, column = inside.position(S1, "lead: ")
    assert problem == {
        "path": S1,
        "line": line,
        "column": column,
        "severity": "error",
        "code": "unknown-reference",
        "message": problem["message"],
        "help": problem["help"],
    }
    assert "lead-x" in problem["message"]
    assert "1 problem" in err  # the summary stays off stdout


def test_github_format_annotates_the_diff(inside: RepoBuilder, cli: CliRunner) -> None:
    inside.edit(S1, "lead: lead-a", "lead: lead-x")
    inside.edit(S1, "title: Code agreed", "title: 'Code agreed, 100% done'")
    code, out, _ = invoke(cli, "validate", "--as-of", "2004-12-31", "--format", "github")
    assert code == 1
    line, column = inside.position(S1, "lead: ")
    assert out.startswith(
        f"::error file={S1},line={line},col={column},title=psstrat unknown-reference::"
        "strand S1: lead `lead-x` is not an owner"
    )
    assert out.count("\n") == 1


def test_github_format_escapes_newlines_and_percent() -> None:
    from psstrat.diagnostics import Diagnostic, Severity
    from psstrat.output.validate import github

    d = Diagnostic("a,b.yaml", 1, 2, Severity.WARNING, "schema", "50%\nnext\x1b[2J", "fix: it")
    assert github([d]) == (
        "::warning file=a%2Cb.yaml,line=1,col=2,title=psstrat schema::"
        "50%25\\nnext\\x1b[2J (fix: it)\n"
    )


def test_settings_change_severity_and_turn_rules_off(inside: RepoBuilder, cli: CliRunner) -> None:
    inside.edit(S1, "lead: lead-a", "lead: null")
    inside.write("psstrat.yaml", "rules: {vacant-lead: error}\n")
    code, out, _ = invoke(cli, "validate", "--as-of", "2004-12-31")
    assert code == 1
    assert "error[vacant-lead]" in out
    inside.write("psstrat.yaml", "rules: {vacant-lead: 'off'}\n")
    code, out, _ = invoke(cli, "validate", "--as-of", "2004-12-31")
    assert (code, out) == (0, "no problems in 6 files\n")


def test_settings_change_thresholds(inside: RepoBuilder, cli: CliRunner) -> None:
    inside.write("psstrat.yaml", "escalation_threshold: 12\n")
    code, out, _ = invoke(cli, "validate", "--as-of", "2004-12-31")
    assert code == 1
    assert "error[escalation-missing] risk R0001" in out


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ("rules: {vacant-leed: error}\n", "psstrat.yaml:1:9: unknown rule `vacant-leed`"),
        ("rules: {vacant-lead: loud}\n", "psstrat.yaml:1:22: rules.vacant-lead: must be"),
        ("year_start_month: 13\n", "psstrat.yaml:1:19: year_start_month"),
        ("markings: [a, b]\n", "psstrat.yaml:1:1: open_session_max `official` is not in markings"),
        ("colour: blue\n", "psstrat.yaml:1:1: colour: unknown key `colour`"),
        ("a: *b\n", "psstrat.yaml:1:4: alias `*b` is not allowed"),
    ],
)
def test_unusable_settings_exit_2_with_one_line(
    inside: RepoBuilder, cli: CliRunner, settings: str, says: str
) -> None:
    inside.write("psstrat.yaml", settings)
    code, out, err = invoke(cli, "validate")
    assert code == 2
    assert out == ""
    assert err.startswith(f"psstrat: error: {says}")
    assert err.count("\n") == 1


def test_root_is_found_from_a_subdirectory(inside: RepoBuilder, cli: CliRunner) -> None:
    (inside.root / "data" / "strands").mkdir(exist_ok=True)
    import os

    os.chdir(inside.root / "data" / "strands")
    code, out, _ = invoke(cli, "validate", "--as-of", "2004-12-31")
    assert (code, out) == (0, "no problems in 6 files\n")


def test_root_option(repo: RepoBuilder, cli: CliRunner, tmp_path: Path) -> None:
    code, out, _ = invoke(cli, "validate", "--root", str(repo.root), "--as-of", "2004-12-31")
    assert (code, out) == (0, "no problems in 6 files\n")


def test_no_repository_exits_2(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke(cli, "validate")
    assert code == 2
    assert "no strategy repository found" in err and "--root DIR" in err


def test_missing_root_exits_2(cli: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke(cli, "validate", "--root", str(tmp_path / "nope"))
    assert code == 2
    assert "Traceback" not in err


@pytest.mark.parametrize("value", ["31/12/2004", "20041231", "2004-02-30", "2004-W53-1"])
def test_bad_as_of_exits_2(inside: RepoBuilder, cli: CliRunner, value: str) -> None:
    code, _, err = invoke(cli, "validate", "--as-of", value)
    assert code == 2
    assert "is not a date; write it as YYYY-MM-DD" in err


def test_bad_format_exits_2(inside: RepoBuilder, cli: CliRunner) -> None:
    code, _, _ = invoke(cli, "validate", "--format", "xml")
    assert code == 2


def test_missing_required_file_is_an_error(inside: RepoBuilder, cli: CliRunner) -> None:
    (inside.root / "data" / "owners.yaml").unlink()
    code, out, _ = invoke(cli, "validate", "--as-of", "2004-12-31")
    assert code == 1
    assert "data/owners.yaml: error[schema] required file data/owners.yaml is missing" in out


def test_explain_prints_the_rule_docs(cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "validate", "--explain", "vacant-lead")
    assert code == 0
    assert out.startswith("vacant-lead (default: warning)")
    assert "Lead Awaits" in out
    code, out, _ = invoke(cli, "validate", "--explain", "all")
    assert code == 0 and len(out.split("\n\n")[0].splitlines()) == len(RULES)
    code, _, err = invoke(cli, "validate", "--explain", "vacant-leed")
    assert code == 2 and "did you mean `vacant-lead`" in err


def test_x_keys_are_free(inside: RepoBuilder, cli: CliRunner) -> None:
    inside.edit(S1, "purpose:", "x-notes: {anything: [1, 2]}\npurpose:")
    code, out, _ = invoke(cli, "validate", "--as-of", "2004-12-31")
    assert (code, out) == (0, "no problems in 6 files\n")


def test_module_entry_point_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "psstrat", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("psstrat ")


def test_console_script_runs_without_traceback(repo: RepoBuilder) -> None:
    repo.write("data/risks/R0001.yaml", b"\xff\xfe garbage")
    result = subprocess.run(
        [sys.executable, "-m", "psstrat", "validate", "--root", str(repo.root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
