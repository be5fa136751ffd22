"""Small strategy repositories written by a fixture, and helpers to check them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import psstrat
from psstrat.cli import BUG, run
from psstrat.commands.validate import validate
from psstrat.diagnostics import Diagnostic

AS_OF = dt.date(2004, 12, 31)
"""The date the GOOD repository is checked as of: everything in it is clean then."""

GOOD: dict[str, str] = {
    "data/strategy.yaml": """\
        id: PSS-2002
        title: Test Strategy
        period: {start: 2002-08-01, end: 2007-07-31}
        status: agreed
        owner: committee
        marking: official
        outcomes:
          - id: O1
            title: Risks are identified quickly and effectively managed
        equality_implications: None.
        financial_implications: Within existing budgets.
        """,
    "data/owners.yaml": """\
        owners:
          - id: committee
            role: Strategic Committee
          - id: lead-a
            role: DCS Intelligence Command, DPS
            name: Jane Smith
          - id: lead-b
            role: Deputy Director, DPS
        """,
    "data/meetings.yaml": """\
        committee: Test Committee
        meetings:
          - date: 2005-01-13
            report: 7
            strands: [S1]
        """,
    "data/strands/S1.yaml": """\
        id: S1
        title: Security of information
        purpose: To keep information safe.
        lead: lead-a
        outcomes: [O1]
        work_elements:
          - id: S1.1
            title: Publish an information code
            lead: lead-b
            status: on-track
            start: 2004-01-01
            risks: [R0001]
            milestones:
              - id: S1.1.M1
                title: Code agreed
                due: 2004-11-30
                completed: 2004-11-13
              - id: S1.1.M2
                title: Code implemented
                due: 2005-06-30
            updates:
              - date: 2004-12-01
                text: Code agreed by the committee.
        """,
    "data/risks/R0001.yaml": """\
        id: R0001
        title: Information leakage
        category: information
        owner: lead-a
        raised: 2004-10-07
        source: SIA-2004.1
        strands: [S1, S1.1]
        inherent: {likelihood: 5, impact: 4}
        residual: {likelihood: 3, impact: 4, date: 2004-12-01}
        history:
          - {date: 2004-10-07, likelihood: 4, impact: 4}
        controls:
          - description: Information code
            owner: lead-b
            status: in-progress
        review_date: 2005-03-31
        marking: official-sensitive
        """,
    "data/sia/SIA-2004.yaml": """\
        id: SIA-2004
        title: Strategic Intelligence Assessment
        date: 2004-10-07
        issues:
          - id: SIA-2004.1
            title: Information leakage
            statement: Leakage is a great threat.
            risks: [R0001]
            recommendations:
              - text: Publish an information code
                aligned_to: [S1.1]
            progress:
              - date: 2004-11-01
                text: Code drafted.
        """,
}


GOLDEN_VERSION = "0.2.0"
"""The version papers made in the tests say they were produced by: the installed one changes
with every commit (hatch-vcs), a golden file must not."""


@pytest.fixture(autouse=True)
def _papers_name_one_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """psstrat is GOLDEN_VERSION, built from no commit known and no release tag: `init` pins
    the release its shipped workflow names, as a build between releases does (tests/test_release.py
    reads the installed version and commit from psstrat._version)."""
    monkeypatch.setattr(psstrat, "__version__", GOLDEN_VERSION)
    monkeypatch.setattr(psstrat, "__commit__", "")
    monkeypatch.setattr(psstrat, "__release__", False)


class RepoBuilder:
    """A repository on disk, starting from GOOD, edited by tests."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for rel, text in GOOD.items():
            self.write(rel, text)

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def edit(self, rel: str, old: str, new: str) -> None:
        text = self.read(rel)
        assert old in text, f"{old!r} not in {rel}"
        (self.root / rel).write_text(text.replace(old, new, 1), encoding="utf-8")

    def position(self, rel: str, before: str) -> tuple[int, int]:
        """1-based line and column just after the first occurrence of ``before``."""
        text = self.read(rel)
        index = text.index(before) + len(before)
        line = text.count("\n", 0, index) + 1
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        return line, column

    def diagnostics(self, as_of: dt.date = AS_OF) -> list[Diagnostic]:
        return validate(self.root, as_of).diagnostics

    def found(self, as_of: dt.date = AS_OF) -> set[tuple[str, str, int, int]]:
        return {(d.code, d.path, d.line, d.column) for d in self.diagnostics(as_of)}


def shipped_copy(root: Path) -> Path:
    """The shipped data and settings, copied to ``root`` where a test may change them."""
    import shutil

    top = Path(__file__).resolve().parents[1]
    root.mkdir()
    shutil.copytree(top / "data", root / "data")
    shutil.copy(top / "psstrat.yaml", root / "psstrat.yaml")
    return root


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped data and settings (the source papers' strategy, full of comments)."""
    return shipped_copy(tmp_path / "strategy")


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root``, by its path there: what a test compares before and after."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture
def repo(tmp_path: Path) -> RepoBuilder:
    return RepoBuilder(tmp_path / "strategy")


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("PSSTRAT_DEBUG", "1")  # a bug's traceback in the failing test's output
    for name in ("GITHUB_ACTIONS", "GITHUB_WORKSPACE"):  # tests run alike inside Actions
        monkeypatch.delenv(name, raising=False)
    yield CliRunner()


@dataclasses.dataclass(frozen=True)
class Ran:
    """What a run of psstrat printed, and its exit status."""

    exit_code: int
    stdout_bytes: bytes
    stderr_bytes: bytes
    output_bytes: bytes
    """stdout and stderr interleaved, as a terminal shows them."""

    @property
    def stdout(self) -> str:
        return self.stdout_bytes.decode("utf-8", "replace")

    @property
    def stderr(self) -> str:
        return self.stderr_bytes.decode("utf-8", "replace")

    @property
    def output(self) -> str:
        return self.output_bytes.decode("utf-8", "replace")


def call(runner: CliRunner, args: list[str], input: str | None = None) -> Ran:
    """Run psstrat in-process through the entry point a user runs (psstrat.cli.run, the one
    error boundary), with stdin ``input``. A bug in psstrat (exit 3) fails the test at once,
    with the traceback (PSSTRAT_DEBUG is set by the ``cli`` fixture)."""
    with runner.isolation(input=input) as (out, err, both):
        code = run(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
        ran = Ran(code, out.getvalue(), err.getvalue(), both.getvalue())
    assert code != BUG, f"psstrat {' '.join(args)} hit a bug:\n{ran.stderr}"
    return ran


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    """Run psstrat in-process as a user does (``call``); return (exit code, stdout, stderr)."""
    ran = call(runner, list(args))
    return ran.exit_code, ran.stdout, ran.stderr


def as_json(text: str) -> Any:
    return json.loads(text)
