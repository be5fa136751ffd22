"""Adopting psstrat in another force's repository, as the README says, from nothing.

These tests install psstrat the way an adopter's CI does (pip from a checkout, pre-commit from
a pinned commit), so they take a minute; they use only the package registries.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from psstrat.yamlio import parse_yaml

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BROKEN = ("lead: dcs-prevention", "lead: dcs-preventon")


def strategy_repository(where: Path) -> Path:
    """A new git repository holding a valid strategy (the shipped one)."""
    where.mkdir()
    shutil.copytree(ROOT / "data", where / "data")
    shutil.copy(ROOT / "psstrat.yaml", where / "psstrat.yaml")
    git(where, "init", "-q")
    git(where, "add", "-A")
    git(where, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "strategy")
    return where


def git(where: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(where), *args], check=True, capture_output=True, text=True
    ).stdout


def break_a_lead(repo: Path) -> tuple[str, int]:
    """An unknown owner as a strand lead: an error at a known line."""
    path = repo / "data" / "strands" / "S1.yaml"
    text = path.read_text(encoding="utf-8")
    assert BROKEN[0] in text
    path.write_text(text.replace(BROKEN[0], BROKEN[1], 1), encoding="utf-8")
    line = text[: text.index(BROKEN[0])].count("\n") + 1
    return "data/strands/S1.yaml", line


def test_the_action_validates_a_strategy_repository(tmp_path: Path) -> None:
    """The action's shell steps, run as GitHub runs them: psstrat installed from the action's
    own checkout into the runner's Python, then validate with annotations."""
    action = parse_yaml((ROOT / "action.yml").read_bytes()).data
    steps = [s for s in action["runs"]["steps"] if "run" in s]
    assert [s["shell"] for s in steps] == ["bash", "bash", "bash"]
    runner = tmp_path / "runner"
    venv.create(runner, with_pip=True)
    repo = strategy_repository(tmp_path / "strategy")
    env = {
        **os.environ,
        "PATH": f"{runner / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "ACTION_PATH": str(ROOT),
        "ROOT": ".",
        "STRICT": "false",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(repo),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "BASE": git(repo, "rev-parse", "HEAD").strip(),
        "SESSION": "open",
    }
    env.pop("VIRTUAL_ENV", None)

    def run_steps() -> subprocess.CompletedProcess[str]:
        for step in steps:
            result = subprocess.run(
                ["bash", "-e", "-c", step["run"]],
                cwd=repo,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            if result.returncode:
                break
        return result

    assert run_steps().returncode == 0
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("### Changes since ") and "No changes to the strategy." in summary
    path, line = break_a_lead(repo)
    result = run_steps()
    assert result.returncode == 1
    assert f"::error file={path},line={line}," in result.stdout
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "S1 lead changed from " in summary  # the pull request's change, in words


def test_readme_adoption_section_works_verbatim(tmp_path: Path) -> None:
    """An empty repository follows the README: the workflow copied as it is, and the
    pre-commit configuration from the README (only the repository's address filled in). The
    hook passes on a valid strategy and fails, naming the file and line, on a broken one."""
    commit = re.search(r"rev: ([0-9a-f]{40})", README)
    assert commit, "the README's pre-commit snippet pins a commit"
    sha = commit[1]
    workflow = (ROOT / ".github/workflows/validate-strategy.yml").read_text(encoding="utf-8")
    assert f"/psstrat@{sha}" in workflow and f"/psstrat@{sha}" in README
    assert git(ROOT, "cat-file", "-t", f"{sha}:action.yml").strip() == "blob"
    assert git(ROOT, "cat-file", "-t", f"{sha}:.pre-commit-hooks.yaml").strip() == "blob"

    repo = strategy_repository(tmp_path / "strategy")
    (repo / ".github/workflows").mkdir(parents=True)
    (repo / ".github/workflows/validate-strategy.yml").write_text(workflow, encoding="utf-8")
    snippet = re.search(r"```yaml\n(repos:\n.*?)```", README, re.S)
    assert snippet
    config = snippet[1].replace("<the psstrat repository>", str(ROOT))
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def hook() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--all-files"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )

    green = hook()
    assert green.returncode == 0, green.stdout + green.stderr
    assert "psstrat validate" in green.stdout and "Passed" in green.stdout
    path, line = break_a_lead(repo)
    red = hook()
    assert red.returncode == 1
    assert re.search(rf"{re.escape(path)}:{line}:\d+: error\[unknown-reference\]", red.stdout)


@pytest.mark.parametrize("workflow", ["tests.yml", "validate-strategy.yml"])
def test_workflows_are_locked_down(workflow: str) -> None:
    text = (ROOT / ".github/workflows" / workflow).read_text(encoding="utf-8")
    assert "permissions:\n  contents: read" in text
    assert "persist-credentials: false" in text
    for uses in re.findall(r"uses: (\S+)", text):
        assert re.search(r"@[0-9a-f]{40}$", uses), f"{uses} is not pinned to a commit"
