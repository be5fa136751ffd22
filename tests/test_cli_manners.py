"""CLI manners a ruff, yamllint or pre-commit user expects (part of issue 9)."""

from __future__ import annotations

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


@pytest.mark.parametrize("args", [["-h"], ["validate", "-h"], ["report", "-h"]])
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
        (True, {"TERM": "dumb"}, False),
        (False, {}, False),
    ],
)
def test_colour_only_on_a_capable_terminal(
    monkeypatch: pytest.MonkeyPatch, tty: bool, env: dict[str, str], colour: bool
) -> None:
    from psstrat.cli.options import terminal

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr("sys.stdout.isatty", lambda: tty)
    assert terminal()[1] is colour
