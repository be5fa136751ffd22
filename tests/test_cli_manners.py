"""CLI manners a ruff, yamllint or pre-commit user expects (part of issue 9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import RepoBuilder, invoke


@pytest.mark.parametrize("text", ["", "\n\n", "# every setting is optional\n", "---\n# none\n"])
def test_empty_or_comment_only_settings_are_the_defaults(
    repo: RepoBuilder, cli: CliRunner, text: str
) -> None:
    """Regression: `touch psstrat.yaml` stopped every command with exit 2."""
    repo.write("psstrat.yaml", text)
    code, out, err = invoke(cli, "validate", "--root", str(repo.root), "--as-of", "2004-12-31")
    assert (code, err) == (0, "")
    assert out == "no problems in 6 files\n"


@pytest.mark.parametrize(
    "args",
    [
        ["-h"],
        ["validate", "-h"],
        ["report", "-h"],
        ["new", "-h"],
        ["new", "risk", "-h"],
        ["fmt", "-h"],
    ],
)
def test_short_help(cli: CliRunner, args: list[str]) -> None:
    code, out, _ = invoke(cli, *args)
    assert code == 0 and out.startswith("Usage: psstrat")


def test_shell_completion_is_offered(cli: CliRunner) -> None:
    assert "--install-completion" in invoke(cli, "--help")[1]


def test_report_help_says_what_as_of_defaults_to(cli: CliRunner) -> None:
    out = " ".join(invoke(cli, "report", "--help")[1].split())
    assert "the quarter's last day, or today if the quarter has not ended" in out


@pytest.mark.parametrize(
    ("tty", "env", "colour"),
    [
        (True, {}, True),
        (True, {"NO_COLOR": "1"}, False),
        (True, {"NO_COLOR": ""}, True),  # set to nothing is not set (no-color.org)
        (True, {"TERM": "dumb"}, False),
        (False, {}, False),
        # Forcing (issue 24): piped, as in `psstrat status | less -R` or a CI log.
        (False, {"FORCE_COLOR": "1"}, True),
        (False, {"FORCE_COLOR": "true"}, True),
        (False, {"FORCE_COLOR": "0"}, False),
        (False, {"FORCE_COLOR": ""}, False),
        (False, {"CLICOLOR_FORCE": "1"}, True),
        (False, {"CLICOLOR_FORCE": "0"}, False),
        (True, {"FORCE_COLOR": "1", "TERM": "dumb"}, True),  # asked for: TERM does not undo it
        (False, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins over both
        (False, {"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}, False),
        (True, {"CLICOLOR": "0"}, False),  # bixense.com/clicolors: none, even on a terminal
        (False, {"CLICOLOR": "0", "CLICOLOR_FORCE": "1"}, True),  # ... unless forced
    ],
)
def test_colour_only_on_a_capable_terminal(
    monkeypatch: pytest.MonkeyPatch, tty: bool, env: dict[str, str], colour: bool
) -> None:
    from psstrat.cli.policy import terminal

    for name in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "CLICOLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr("sys.stdout.isatty", lambda: tty)
    assert terminal().colour is colour


ROOT = Path(__file__).resolve().parents[1]


def test_forced_colour_piped_still_forges_no_workflow_command(
    cli: CliRunner, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FORCE_COLOR in a CI log: the colours are there, and no text from the data becomes a
    line the Actions runner obeys, read as the runner reads it (colour codes and all) or with
    the codes taken out (as a log viewer or a later tool might)."""
    import re

    from tests import actions_runner as runner

    hostile = "::error file=x.py::forged ##[error]forged"
    repo.edit("data/owners.yaml", "DCS Intelligence Command, DPS", hostile)
    repo.edit("data/risks/R0001.yaml", "title: Information leakage", f"title: '{hostile}'")
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    args = ["status", "--root", str(repo.root), "--as-of", "2004-12-31", "--session", "all"]
    code, out, _ = invoke(cli, *args, "--allow-errors")
    assert code == 0 and "\x1b[" in out and "forged" in out  # coloured, though piped
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert runner.commands_in(out) == [] and runner.commands_in(plain) == []
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in invoke(cli, *args, "--allow-errors")[1]


def test_text_paths_are_relative_to_where_the_user_stands(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: paths were relative to --root, so from the repository's top a problem in
    examples/pss-2006 named a file that does not exist there."""
    monkeypatch.chdir(ROOT)
    _, out, _ = invoke(cli, "validate", "--root", "examples/pss-2006", "--as-of", "2007-01-01")
    assert out.splitlines()[0].startswith("examples/pss-2006/data/")
    _, out, _ = invoke(
        cli, "validate", "--root", "examples/pss-2006", "-f", "json", "--as-of", "2007-01-01"
    )
    assert all(p["path"].startswith("examples/pss-2006/data/") for p in json.loads(out))


def test_github_paths_are_relative_to_the_checkout(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT / "examples")
    args = ["validate", "--root", "pss-2006", "--as-of", "2007-01-01"]
    _, out, _ = invoke(cli, *args, "-f", "github")
    assert "file=examples/pss-2006/data/" in out  # git's work tree top
    monkeypatch.setenv("GITHUB_WORKSPACE", str(ROOT / "examples"))
    _, out, _ = invoke(cli, *args, "-f", "github")
    assert "file=pss-2006/data/" in out
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out, _ = invoke(cli, *args)  # --format auto
    assert out.startswith("::warning file=pss-2006/data/")


def test_severity_and_quiet_choose_what_is_shown(cli: CliRunner, repo: RepoBuilder) -> None:
    repo.edit("data/strands/S1.yaml", "lead: lead-a", "lead: lead-z")  # an error
    args = ["validate", "--root", str(repo.root), "--as-of", "2005-07-01"]
    code, everything, _ = invoke(cli, *args)
    assert code == 1 and "warning[" in everything and "error[" in everything
    code, errors, _ = invoke(cli, *args, "--severity", "error")
    assert code == 1 and "warning[" not in errors and "error[unknown-reference]" in errors
    code, quiet, _ = invoke(cli, *args, "--severity", "error", "--quiet")
    assert code == 1 and quiet == "".join(errors.splitlines(keepends=True)[:-1])


@pytest.mark.parametrize(
    ("args", "starts"),
    [
        (["explain", "format"], "# The strategy repository format"),
        (["explain", "risk"], "## data/risks/R0001.yaml"),
        (["explain", "vacant-lead"], "vacant-lead (default: warning)"),
        (["validate", "--explain", "strand"], "## data/strands/"),
    ],
)
def test_help_without_the_docs_folder(cli: CliRunner, args: list[str], starts: str) -> None:
    code, out, _ = invoke(cli, *args)
    assert code == 0 and out.startswith(starts)


def test_explain_without_a_topic_lists_rules_and_topics(cli: CliRunner) -> None:
    from psstrat.rules import RULES

    code, out, _ = invoke(cli, "explain")
    assert code == 0 and all(code in out for code in RULES) and "Topics: format" in out
    code, _, err = invoke(cli, "explain", "strnd")
    assert code == 2 and "did you mean `strand`" in err


def test_the_wheel_carries_the_format_reference(tmp_path: Path) -> None:
    """`psstrat explain format` works from a wheel install, without docs/ beside it."""
    import subprocess
    import sys
    import zipfile

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("psstrat-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "psstrat/docs/format.md" in names and "psstrat/templates/report.docx" in names


def every_command() -> list[list[str]]:
    """Every command line psstrat has, groups' subcommands included (`new risk`, `record
    done`, ...), read from the app itself so that none is left out."""
    import typer
    from typer.main import get_command

    from psstrat.cli.app import app

    found: list[list[str]] = [[]]
    group = get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    for name, command in sorted(group.commands.items()):
        if isinstance(command, typer.core.TyperGroup):
            found += [[name, sub] for sub in sorted(command.commands)]
        else:
            found.append([name])
    return found


def test_every_option_the_readme_names_exists(cli: CliRunner) -> None:
    """README and --help agree: every `--option` the README names is one psstrat takes."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", readme))
    helps = "".join(invoke(cli, *cmd, "--help")[1] for cmd in every_command())
    others = {"--all-files", "--freeze"}  # pre-commit's, not psstrat's
    missing = sorted(o for o in named if o not in helps and o not in others)
    assert missing == []


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["validate", "-f", "pdf"], "`pdf` is not an output format; use one of: auto, text,"),
        (["overdue", "--within", "-1"], "`-1` is not a number of days; give a whole number"),
        (["report", "-q", "2004-Q3", "--session", "secret"], "use one of: open, closed"),
        (["validate", "--severity", "info"], "`info` is not a severity; use one of: error,"),
        (["new", "risk", "--likelihood", "6"], "`6` is not a score; give a whole number from 1"),
        (["init", "--start", "2025-02-30"], "`2025-02-30` is not a date; write it as YYYY-MM-DD"),
    ],
)
def test_usage_errors_in_psstrats_words(cli: CliRunner, args: list[str], says: str) -> None:
    """Regression: the CLI library answered "Value error, ..." and "Input should be ..."."""
    code, _, err = invoke(cli, *args)
    assert code == 2 and says in " ".join(err.split())
    assert "Value error" not in err and "Input should be" not in err


def test_choices_take_any_case(cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "status", "--root", str(ROOT), "--as-of", "2004-12-31", "-f", "JSON")
    assert code == 0 and out.startswith("{")


def test_sarif_for_code_scanning(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """SARIF 2.1.0, valid against its JSON Schema, with every rule's documentation and
    paths relative to the checkout's top, as code scanning expects."""
    import jsonschema

    from psstrat.rules import RULES

    monkeypatch.chdir(ROOT / "examples")
    code, out, err = invoke(
        cli, "validate", "--root", "pss-2006", "--as-of", "2007-01-01", "-f", "sarif"
    )
    assert code == 0 and "problems" in err  # the summary goes to stderr
    log = json.loads(out)
    schema = json.loads((ROOT / "tests/schemas/sarif-2.1.0-rtm.5.json").read_text())
    jsonschema.validate(log, schema)
    [run] = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    assert "Lead Awaits" in next(r for r in rules if r["id"] == "vacant-lead")["help"]["text"]
    assert run["results"]
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].startswith("examples/pss-2006/data/")
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_explain_without_a_code_lists_the_rules(capsys: pytest.CaptureFixture[str]) -> None:
    """Regression: the unknown-rule message recommends `--explain`, which then failed."""
    from psstrat.cli import run
    from psstrat.rules import RULES

    assert run(["validate", "--explain"]) == 0
    out = capsys.readouterr().out
    assert all(code in out for code in RULES)
    assert run(["validate", "--explain", "--root", "."]) == 0  # followed by another option
    assert run(["validate", "--explain", "vacant-lead"]) == 0
    assert capsys.readouterr().out.count("vacant-lead (default: warning)") == 1


def test_warnings_are_said_before_the_error_that_stops_a_paper(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    """Regression (issue 18's one boundary): the warnings `report` has found (errors gone on
    with, errors not judged in the session) were lost when a later step stopped it."""
    import subprocess

    repo.write("data/strands/S9.yaml", "id: S9\ntitle: [unclosed\nmarking: secret\n")  # unjudged
    repo.edit("data/strands/S1.yaml", "id: S1.1.M2", "id: S1.1.M1")  # an error, judged
    subprocess.run(["git", "init", "-q"], cwd=repo.root, check=True)
    args = ["report", "-q", "2004-Q3", "--root", str(repo.root), "--allow-errors"]
    code, _, err = invoke(cli, *args, "--since", "no-such-ref")
    lines = err.splitlines()
    assert code == 2 and "names no commit" in lines[-1], err
    assert any("more error(s) not judged in the open session" in line for line in lines[:-1])
    assert any("error(s) in the data; run `psstrat validate`" in line for line in lines[:-1])


def test_an_id_too_long_to_be_one_is_not_counted(cli: CliRunner, repo: RepoBuilder) -> None:
    """Regression: a number of thousands of digits after a strand's id (here in a comment)
    made `new element` a bug (exit 3; before issue 18, a Python message with exit 2). It is
    no id anyone gave: the next element is found as if it were not there."""
    repo.write("data/strands/S1.yaml", repo.read("data/strands/S1.yaml") + "# S1." + "7" * 5000)
    code, out, err = invoke(
        cli, "new", "element", "--strand", "S1", "--title", "Next", "--root", str(repo.root)
    )
    assert (code, out) == (0, "S1.2: added to data/strands/S1.yaml\n"), err
