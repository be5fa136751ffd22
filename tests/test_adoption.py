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
from typing import Any

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


def pre_commit(repo: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pre-commit in ``repo``, with its own cache of hook environments under ``tmp_path``."""
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo,
        env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def break_a_lead(repo: Path) -> tuple[str, int]:
    """An unknown owner as a strand lead: an error at a known line."""
    path = repo / "data" / "strands" / "S1.yaml"
    text = path.read_text(encoding="utf-8")
    assert BROKEN[0] in text
    path.write_text(text.replace(BROKEN[0], BROKEN[1], 1), encoding="utf-8")
    line = text[: text.index(BROKEN[0])].count("\n") + 1
    return "data/strands/S1.yaml", line


def test_the_action_validates_a_strategy_repository(tmp_path: Path) -> None:
    """The action's steps, run as GitHub runs them (tests/actions_steps.py): psstrat installed
    from the action's own checkout and its locks into the runner's Python, the summary, then
    validate with annotations, the SARIF written for the upload, the counts as outputs, and
    the job's verdict only after the upload."""
    import json

    from jsonschema import Draft7Validator

    from tests.actions_steps import run_action, runner_env

    action = parse_yaml((ROOT / "action.yml").read_bytes()).data
    assert {s["shell"] for s in action["runs"]["steps"] if "run" in s} == {"bash"}
    runner = tmp_path / "runner"
    venv.create(runner, with_pip=True)
    repo = strategy_repository(tmp_path / "strategy")
    env = runner_env(
        runner / "bin",
        GITHUB_WORKSPACE=str(repo),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
        RUNNER_TEMP=str(tmp_path),
    )
    github = {
        "event_name": "pull_request",
        "action_path": str(ROOT),
        "event.pull_request.base.sha": git(repo, "rev-parse", "HEAD").strip(),
    }
    inputs = {"sarif": "true", "cache": "false"}
    (tmp_path / "work").mkdir()

    def run() -> Any:
        return run_action(action, inputs, github, env, repo, tmp_path / "work")

    listed = subprocess.run(
        [sys.executable, "-m", "psstrat", "validate", "--root", str(repo), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    warnings = str(len(json.loads(listed.stdout)))
    ran = run()
    assert not ran.failed, ran.stderr
    assert re.search(r"^psstrat \S+", ran.stdout, re.M)  # the install says what it installed
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("### Changes since ") and "No changes to the strategy." in summary
    assert ran.outputs["validate"] == {"status": "0", "errors": "0", "warnings": warnings}
    [(_, given)] = [u for u in ran.used if "upload-sarif" in u[0]]
    sarif = json.loads(Path(given["sarif_file"]).read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "tests/schemas/sarif-2.1.0-rtm.5.json").read_text())
    Draft7Validator(schema).validate(sarif)
    assert len(sarif["runs"][0]["results"]) == int(warnings) and given["category"] == "psstrat"

    path, line = break_a_lead(repo)
    ran = run()
    assert ran.failed and ran.outcomes["validate"] == "success"  # the verdict comes last
    assert ran.outputs["validate"]["errors"] == "1"
    assert f"::error file={path},line={line}," in ran.stdout
    assert [u for u in ran.used if "upload-sarif" in u[0]], "a failing run is uploaded too"
    last = list(ran.outcomes.items())[-1]
    assert last[1] == "failure"
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "S1 lead changed from " in summary  # the pull request's change, in words
    inputs["sarif"] = "false"
    assert not [u for u in run().used if "upload-sarif" in u[0]]


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

    def hook() -> subprocess.CompletedProcess[str]:
        return pre_commit(repo, tmp_path, "run", "--all-files")

    green = hook()
    assert green.returncode == 0, green.stdout + green.stderr
    assert "psstrat validate" in green.stdout and "Passed" in green.stdout
    path, line = break_a_lead(repo)
    red = hook()
    assert red.returncode == 1
    assert re.search(rf"{re.escape(path)}:{line}:\d+: error\[unknown-reference\]", red.stdout)


def test_the_hooks_work_on_a_strategy_in_a_sub_folder(tmp_path: Path) -> None:
    """Both hooks, as this checkout has them (`pre-commit try-repo`), on a repository whose
    strategy is in `strategy/`: they find it from the files pre-commit gives them."""
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    patterns = re.findall(r"^  files: (.+)$", hooks, re.M)
    assert len(patterns) == 2 and len(set(patterns)) == 1  # one pattern for both
    outer = tmp_path / "repo"
    outer.mkdir()
    git(outer, "init", "-q")
    shutil.copytree(ROOT / "data", outer / "strategy/data")
    shutil.copy(ROOT / "psstrat.yaml", outer / "strategy/psstrat.yaml")
    (outer / "notes.yaml").write_text("not: the strategy\n", encoding="utf-8")
    git(outer, "add", "-A")

    def hook(*ids: str) -> subprocess.CompletedProcess[str]:
        return pre_commit(outer, tmp_path, "try-repo", str(ROOT), *ids, "--all-files")

    green = hook()
    assert green.returncode == 0, green.stdout + green.stderr
    assert green.stdout.count("Passed") == 2
    text = (outer / "strategy/data/strands/S1.yaml").read_text(encoding="utf-8")
    (outer / "strategy/data/strands/S1.yaml").write_text(text.replace(*BROKEN, 1), "utf-8")
    line = text[: text.index(BROKEN[0])].count("\n") + 1
    red = hook("psstrat-validate")
    assert red.returncode == 1
    assert re.search(
        rf"strategy/data/strands/S1\.yaml:{line}:\d+: error\[unknown-reference\]", red.stdout
    )


@pytest.mark.parametrize("workflow", ["tests.yml", "validate-strategy.yml"])
def test_workflows_are_locked_down(workflow: str) -> None:
    text = (ROOT / ".github/workflows" / workflow).read_text(encoding="utf-8")
    assert "permissions:\n  contents: read" in text
    assert "persist-credentials: false" in text
    for uses in re.findall(r"uses: (\S+)", text):
        assert re.search(r"@[0-9a-f]{40}$", uses), f"{uses} is not pinned to a commit"
