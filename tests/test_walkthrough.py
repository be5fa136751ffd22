"""docs/first-repository.md, run as written: every `psstrat` and `git` line of its `sh`
blocks, in order, in an empty folder, each succeeding (validate finding nothing)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import invoke

ROOT = Path(__file__).resolve().parents[1]
WALKTHROUGH = ROOT / "docs" / "first-repository.md"


def commands() -> list[list[str]]:
    text = WALKTHROUGH.read_text(encoding="utf-8")
    lines = [
        line
        for block in re.findall(r"```sh\n(.*?)```", text, re.S)
        for line in block.splitlines()
        if line.strip()
    ]
    return [shlex.split(line) for line in lines]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_walkthrough_works_as_written(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("register.xlsx", "register.mapping.yaml"):  # section 10 starts from these
        shutil.copy(ROOT / "examples" / "spreadsheet" / name, tmp_path / name)
    ran = []
    outputs: dict[str, list[str]] = {}
    for argv in commands():
        if argv[0] == "cd":
            monkeypatch.chdir(Path.cwd() / argv[1])
            continue
        if argv[0] == "git":
            subprocess.run(
                ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *argv[1:]],
                check=True,
                capture_output=True,
            )
            continue
        assert argv[0] == "psstrat", argv
        code, out, err = invoke(cli, *argv[1:])
        if argv[1:3] == ["fmt", "--check"]:
            assert code in (0, 1), err  # 1: something to tidy, which the next line does
        else:
            assert code == 0, (argv, out, err)
        ran.append(argv[1])
        outputs.setdefault(" ".join(argv[1:3]), []).append(out)
    assert {"init", "new", "validate", "fmt", "report", "schema"} <= set(ran)
    validated = [out.strip() for out in outputs["validate --as-of"]]
    assert validated[-2] == "no problems in 8 files"  # the end of section 9
    assert validated[-1] == "no problems in 13 files"  # with the five risks section 10 imports
    assert "R0002: wrote data/risks/R0002.yaml" in outputs["new risk"][-1]
    imported = outputs["import ../register.xlsx"][-1].splitlines()
    assert imported[0].startswith("+ data/risks/R0003.yaml (R0003: Leakage of operational")
    assert outputs["import ../register-2025-06.xlsx"] == [""]  # read back: nothing changed
    assert outputs["fmt --check"][-1] == "" or outputs["fmt --check"][-1].startswith("--- a/")
    code, out, _ = invoke(cli, "fmt", "--check")
    assert (code, out) == (0, "")
    assert "Backlog halved" in Path("report.md").read_text()
    paper = Path("paper.md").read_text()
    assert "# First progress report on strand 1" in paper and "Covers | 1 April 2025" in paper
    assert (
        "Milestones added\n  S2.1.M2 Backlog cleared, due 31 March 2026"
        in outputs["changes --since"][-1]
    )
