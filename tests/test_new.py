"""`psstrat new`: the next free id across branches, appended without touching the file."""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import call, invoke

START = "2025-04-01"
STRAND = "data/strands/S1.yaml"


def git(where: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(where), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def new(cli: CliRunner, root: Path, *args: str) -> tuple[int, str, str]:
    return invoke(cli, "new", *args, "--root", str(root))


@pytest.fixture
def strategy(cli: CliRunner, tmp_path: Path) -> Path:
    root = tmp_path / "strategy"
    assert invoke(cli, "init", str(root), "--start", START)[0] == 0
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    return root


def only_added(before: str, after: str) -> list[str]:
    """The lines added; fails if any line of ``before`` was changed or removed."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [line for line in diff if line.startswith("- ")], "an existing line changed"
    return [line[2:] for line in diff if line.startswith("+ ")]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_ids_taken_on_other_branches_are_not_reused(
    cli: CliRunner, strategy: Path, tmp_path: Path
) -> None:
    # A local branch takes R0002 and S1.2.
    git(strategy, "checkout", "-q", "-b", "feature")
    assert new(
        cli,
        strategy,
        "risk",
        "--title",
        "Feature risk",
        "--category",
        "people",
        "--likelihood",
        "2",
        "--impact",
        "2",
        "--raised",
        START,
    )[1] == ("R0002: wrote data/risks/R0002.yaml\n")
    assert new(cli, strategy, "element", "--strand", "S1", "--title", "Feature work")[0] == 0
    git(strategy, "add", "-A")
    git(strategy, "commit", "-qm", "feature")
    git(strategy, "checkout", "-q", "main")
    # A colleague's clone takes R0003 and S1.1.M2 on a branch we only have remote-tracking.
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(strategy), str(other))
    git(other, "checkout", "-q", "-b", "colleague", "origin/main")
    assert new(
        cli,
        other,
        "risk",
        "--title",
        "Theirs",
        "--category",
        "legal",
        "--likelihood",
        "1",
        "--impact",
        "1",
        "--raised",
        START,
    )[1].startswith("R0003")  # the clone sees our feature branch as origin/feature
    assert (
        new(
            cli, other, "milestone", "--element", "S1.1", "--title", "Theirs", "--due", "2025-08-01"
        )[1]
        == "S1.1.M2: added to data/strands/S1.yaml\n"
    )
    git(other, "add", "-A")
    git(other, "commit", "-qm", "colleague")
    git(strategy, "remote", "add", "origin", str(other))
    git(strategy, "fetch", "-q", "origin")
    assert "refs/remotes/origin/colleague" in git(strategy, "for-each-ref")

    before = (strategy / STRAND).read_text()
    code, out, err = new(
        cli,
        strategy,
        "risk",
        "--title",
        "Ours",
        "--category",
        "people",
        "--likelihood",
        "3",
        "--impact",
        "3",
        "--raised",
        START,
    )
    assert (code, out, err) == (0, "R0004: wrote data/risks/R0004.yaml\n", "")
    assert new(cli, strategy, "element", "--strand", "S1", "--title", "Ours")[1] == (
        "S1.2: added to data/strands/S1.yaml\n".replace("S1.2", "S1.3")
    )
    code, out, _ = new(
        cli, strategy, "milestone", "--element", "S1.1", "--title", "Ours", "--due", "2025-09-01"
    )
    assert out == "S1.1.M3: added to data/strands/S1.yaml\n"
    added = only_added(before, (strategy / STRAND).read_text())
    assert "      - id: S1.1.M3" in added and "  - id: S1.3" in added
    code, out, _ = invoke(cli, "validate", "--root", str(strategy), "--as-of", START)
    assert code == 0, out
    assert invoke(cli, "fmt", "--check", "--root", str(strategy))[0] == 0
    assert "R0002" not in (strategy / "data/risks/R0004.yaml").read_text()


ODD = """\
# Our strand: comments and layout here are the team's own.
id: S1
title: 'Prevention'      # quoted with single quotes, on purpose
lead: head-of-standards
outcomes:
- O1
work_elements:
- id: S1.1
  title: First
  lead: head-of-standards
  updates:
  - date: 2025-04-02
    text: |
      Started.

      Going well.
  # the team's note after the last element
# and a closing comment
x-owner-notes: kept
"""


def test_appending_keeps_every_line_and_the_layout(cli: CliRunner, strategy: Path) -> None:
    (strategy / STRAND).write_text(ODD)
    assert (
        new(
            cli,
            strategy,
            "milestone",
            "--element",
            "S1.1",
            "--title",
            "Before updates",
            "--due",
            "2025-06-30",
        )[0]
        == 0
    )
    assert new(cli, strategy, "element", "--strand", "S1", "--title", "Second")[0] == 0
    after = (strategy / STRAND).read_text()
    added = only_added(ODD, after)
    assert added == [
        "  milestones:",
        "    - id: S1.1.M2",  # M1 is taken on main (committed)
        "      title: Before updates",
        "      due: 2025-06-30",
        "",
        "- id: S1.2",  # the dash where this file puts them
        "  title: Second",
        "  lead: null",
        "  status: not-started",
    ]
    assert after.index("milestones:") < after.index("updates:")  # the layout's order
    assert after.index("- id: S1.2") < after.index("# and a closing comment")
    code, out, _ = invoke(cli, "validate", "--root", str(strategy), "--as-of", START)
    assert code == 0, out


def test_empty_lists_become_block_lists(cli: CliRunner, strategy: Path) -> None:
    assert (
        new(
            cli,
            strategy,
            "strand",
            "--title",
            "Detection",
            "--outcome",
            "O1",
            "--lead",
            "head-of-standards",
        )[1]
        == "S2: wrote data/strands/S2.yaml\n"
    )
    text = (strategy / "data/strands/S2.yaml").read_text()
    assert "work_elements: []\n" in text
    assert (
        new(
            cli,
            strategy,
            "element",
            "--strand",
            "S2",
            "--title",
            "Detect",
            "--lead",
            "head-of-standards",
        )[0]
        == 0
    )
    assert (
        (strategy / "data/strands/S2.yaml")
        .read_text()
        .endswith(
            "work_elements:\n  - id: S2.1\n    title: Detect\n    lead: head-of-standards\n"
            "    status: not-started\n"
        )
    )
    assert invoke(cli, "fmt", "--check", "--root", str(strategy))[0] == 0


def test_without_git_the_working_tree_is_counted_and_it_says_so(
    cli: CliRunner, tmp_path: Path
) -> None:
    assert invoke(cli, "init", str(tmp_path), "--start", START)[0] == 0
    code, out, err = new(cli, tmp_path, "strand", "--title", "Two")
    assert (code, out) == (0, "S2: wrote data/strands/S2.yaml\n")
    assert "ids counted in the working tree only" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["risk", "--category", "people"], "--title is required; pass --title"),
        (
            ["risk", "--title", "x", "--category", "nope", "--likelihood", "1", "--impact", "1"],
            "`nope` is not one of: operational",
        ),
        (
            ["risk", "--title", "x", "--category", "people", "--likelihood", "6"],
            "`6` is not a score",
        ),
        (["element", "--strand", "S9", "--title", "x"], "no strand `S9`"),
        (
            ["element", "--strand", "S1", "--title", "x", "--lead", "head-of-standard"],
            "did you mean `head-of-standards`",
        ),
        (
            ["milestone", "--element", "S1.9", "--title", "x", "--due", "2025-01-01"],
            "no work element `S1.9`",
        ),
        (
            ["milestone", "--element", "S1.1", "--title", "a\x1b[2Jb", "--due", "2025-01-01"],
            "must be one line of visible text",
        ),
        (["sia", "--date", "2025-06-01"], "SIA-2025 already exists"),
        (["owner", "--role", "Lead", "--id", "Bad Id"], "is not an owner id"),
        (["owner", "--role", "Lead", "--id", "committee"], "is taken"),
    ],
)
def test_what_cannot_be_added_is_refused(
    cli: CliRunner, strategy: Path, args: list[str], words: str
) -> None:
    before = {p: p.read_bytes() for p in strategy.rglob("*") if p.is_file()}
    code, _, err = new(cli, strategy, *args)
    assert code == 2 and words in err, err
    assert {p: p.read_bytes() for p in strategy.rglob("*") if p.is_file()} == before


def test_owner_ids_are_made_from_the_role(cli: CliRunner, strategy: Path) -> None:
    assert new(cli, strategy, "owner", "--role", "Head of Professional Standards")[1] == (
        "head-of-professional-standards: added to data/owners.yaml\n"
    )
    assert new(cli, strategy, "owner", "--role", "Head of Professional Standards")[1] == (
        "head-of-professional-standards-2: added to data/owners.yaml\n"
    )
    assert new(cli, strategy, "meeting", "--date", "2025-10-01", "--report", "7")[0] == 0
    code, out, _ = invoke(cli, "validate", "--root", str(strategy), "--as-of", START)
    assert code == 0, out


def test_on_a_terminal_missing_values_are_asked_for(
    cli: CliRunner, strategy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psstrat.cli.new as new_cli

    monkeypatch.setattr(new_cli, "on_terminal", lambda: True)
    answers = "Asked title\nnope\npeople\n9\n3\n4\n"  # a wrong category and score re-asked
    result = call(cli, ["new", "risk", "--root", str(strategy), "--raised", START], answers)
    assert result.exit_code == 0, result.output
    assert "is not one of" in result.output and "is not a score" in result.output
    text = (strategy / "data/risks/R0002.yaml").read_text()
    assert "title: Asked title\n" in text and "category: people\n" in text
    assert "inherent: {likelihood: 3, impact: 4}" in text


@pytest.mark.parametrize(
    "args",
    [
        ["element", "--strand", "S1", "--title", "x"],
        ["milestone", "--element", "S1.1", "--title", "x", "--due", "2025-05-01"],
        ["owner", "--role", "Head of Vetting"],
    ],
)
def test_a_file_that_does_not_parse_is_not_added_to(
    cli: CliRunner, strategy: Path, args: list[str]
) -> None:
    """Regression: adding an element to a strand file with a YAML error was a crash (exit 3)."""
    for rel in (STRAND, "data/owners.yaml"):
        (strategy / rel).write_text((strategy / rel).read_text() + "  bad: [\n")
    before = {p: p.read_bytes() for p in strategy.rglob("*.yaml")}
    code, _, err = new(cli, strategy, *args)
    assert code == 2 and "fix it before adding to it" in err and ".yaml:" in err
    assert {p: p.read_bytes() for p in strategy.rglob("*.yaml")} == before


def test_risk_ids_go_on_past_r9999(cli: CliRunner, strategy: Path) -> None:
    """R9999 is not the end of the register: the next is R10000, which validates; a second
    way to write a number (R00001 for R0001) is refused."""
    last = strategy / "data/risks/R9999.yaml"
    text = (strategy / "data/risks/R0001.yaml").read_text(encoding="utf-8")
    last.write_text(text.replace("id: R0001", "id: R9999"), encoding="utf-8")
    args = ["--title", "Big register", "--category", "people", "--raised", START]
    code, out, err = new(cli, strategy, "risk", *args, "--likelihood", "2", "--impact", "2")
    assert code == 0, err
    assert (strategy / "data/risks/R10000.yaml").is_file()
    assert "id: R10000" in (strategy / "data/risks/R10000.yaml").read_text(encoding="utf-8")
    code, out, _ = invoke(cli, "validate", "--root", str(strategy), "--as-of", START)
    assert code == 0, out
    padded = strategy / "data/risks/R00001.yaml"
    padded.write_text(text.replace("id: R0001", "id: R00001"), encoding="utf-8")
    code, out, _ = invoke(cli, "validate", "--root", str(strategy), "--as-of", START)
    assert code == 1 and "R00001" in out and "schema" in out


# -- at once (issue 17, item 9) ------------------------------------------------------------------

LAUNCH = """
import os, runpy, sys, time
barrier, ready = sys.argv[1], sys.argv[2]
import psstrat.cli.app, psstrat.cli.new, psstrat.commands.new, psstrat.git, psstrat.repository
import psstrat.cli.record, psstrat.commands.record, psstrat.edits
open(ready, "w").close()
while not os.path.exists(barrier):
    time.sleep(0.001)
sys.argv = ["psstrat", *sys.argv[3:]]
runpy.run_module("psstrat", run_name="__main__", alter_sys=True)
"""
"""`python -m psstrat ARGS...`, started early and held until the barrier file appears, so
that every process counts ids at the same moment."""


def together(root: Path, runs: list[list[str]], verb: str = "new") -> list[tuple[int, str, str]]:
    """Each ``psstrat VERB`` (default `new`) of ``runs`` in its own process, all released at
    once (LAUNCH loads psstrat before the barrier, so each starts at the same moment)."""
    gate = root.parent / "gate"
    gate.mkdir()
    procs = []
    for i, args in enumerate(runs):
        command = [sys.executable, "-c", LAUNCH, str(gate / "go"), str(gate / f"ready-{i}")]
        procs.append(
            subprocess.Popen(
                [*command, verb, *args, "--root", str(root)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    try:
        deadline = time.monotonic() + 120
        while len(list(gate.glob("ready-*"))) < len(runs) and time.monotonic() < deadline:
            time.sleep(0.01)
        (gate / "go").touch()
        outputs = [proc.communicate(timeout=120) for proc in procs]
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
    return [(proc.returncode, out, err) for proc, (out, err) in zip(procs, outputs, strict=True)]


def files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if ".git" not in p.parts}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_eight_new_risks_at_once_take_eight_ids(cli: CliRunner, strategy: Path) -> None:
    """Regression: 8 parallel `new risk` overwrote one another's risk."""
    before = files(strategy)
    scores = ["--likelihood", "2", "--impact", "3", "--raised", START]
    runs = [
        ["risk", "--title", f"Risk number {i}", "--category", "people", *scores] for i in range(8)
    ]
    results = together(strategy, runs)
    assert [(code, err) for code, _, err in results] == [(0, "")] * 8
    said = {out.split(":")[0]: i for i, (_, out, _) in enumerate(results)}
    assert sorted(said) == [f"R{n:04d}" for n in range(2, 10)]  # 8 distinct ids
    for risk_id, i in said.items():  # each file holds what its process was given
        assert f"title: Risk number {i}\n" in (strategy / f"data/risks/{risk_id}.yaml").read_text()
    assert files(strategy) == before | {f"data/risks/{r}.yaml" for r in said}  # no lock file
    code, out, _ = invoke(cli, "validate", "--root", str(strategy), "--as-of", START)
    assert code == 0, out


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_eight_new_milestones_at_once_are_all_kept(cli: CliRunner, strategy: Path) -> None:
    """Regression: 6 parallel `new milestone` lost 2 milestones and gave 2 ids twice."""
    before = (strategy / STRAND).read_text()
    runs = [
        ["milestone", "--element", "S1.1", "--title", f"Step {i}", "--due", "2025-09-30"]
        for i in range(8)
    ]
    results = together(strategy, runs)
    assert [(code, err) for code, _, err in results] == [(0, "")] * 8
    ids = sorted(out.split(":")[0] for _, out, _ in results)
    assert ids == sorted(f"S1.1.M{n}" for n in range(2, 10))
    added = only_added(before, (strategy / STRAND).read_text())
    assert sorted(line for line in added if "title: Step" in line) == sorted(
        f"        title: Step {i}" for i in range(8)
    )
    assert sorted(line.strip() for line in added if "- id:" in line) == [f"- id: {i}" for i in ids]
    code, out, _ = invoke(cli, "validate", "--root", str(strategy), "--as-of", START)
    assert code == 0, out
    assert invoke(cli, "fmt", "--check", "--root", str(strategy))[0] == 0


OTHER_RISK = """\
id: R0002
title: Made by another program meanwhile
"""


def test_a_file_made_meanwhile_is_never_overwritten(
    cli: CliRunner, strategy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between counting ids and writing, another program (no lock stops it) writes R0002:
    the new risk takes R0003 instead."""
    from psstrat.commands.new import Census

    counted = Census.names

    def names(self: Census, folder: str) -> set[str]:
        found = counted(self, folder)
        meanwhile = strategy / "data/risks/R0002.yaml"
        if not meanwhile.exists():
            meanwhile.write_text(OTHER_RISK)
        return found

    monkeypatch.setattr(Census, "names", names)
    args = ["--title", "Ours", "--category", "people", "--likelihood", "1", "--impact", "1"]
    code, out, err = new(cli, strategy, "risk", *args)
    assert (code, out) == (0, "R0003: wrote data/risks/R0003.yaml\n"), err
    assert (strategy / "data/risks/R0002.yaml").read_text() == OTHER_RISK


def test_without_a_lock_a_file_changed_meanwhile_is_read_again(
    cli: CliRunner, strategy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where there is no flock (Windows: no fcntl), an edit is made again if the file changed
    after it was read: what another process appended meanwhile is kept."""
    import psstrat.commands.new as create

    monkeypatch.setitem(sys.modules, "fcntl", None)  # `import fcntl` fails, as on Windows
    appended = create.append_item
    theirs = "      - id: S1.1.M7\n        title: Theirs\n        due: 2025-08-01\n"

    def append_item(text: str, place: create.ListPlace, item: dict[str, object]) -> str:
        result = appended(text, place, item)
        path = strategy / STRAND
        if "Theirs" not in path.read_text():  # another process, just after we read the file
            path.write_text(
                appended(
                    path.read_text(),
                    place,
                    {"id": "S1.1.M7", "title": "Theirs", "due": dt.date(2025, 8, 1)},
                )
            )
        return result

    monkeypatch.setattr(create, "append_item", append_item)
    args = ["--element", "S1.1", "--title", "Ours", "--due", "2025-09-01"]
    code, out, err = new(cli, strategy, "milestone", *args)
    assert code == 0, err
    assert out == "S1.1.M8: added to data/strands/S1.yaml\n"
    assert "could not be locked" in err
    text = (strategy / STRAND).read_text()
    assert theirs in text and "title: Ours" in text


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["element", "--strand", "../../x/S9", "--title", "x"], "--strand: `../../x/S9` is not"),
        (["element", "--strand", "S1/../../x/S9", "--title", "x"], "is not a strand id"),
        (
            ["milestone", "--element", "../../x/S9.1", "--title", "x", "--due", "2025-01-01"],
            "--element: `../../x/S9.1` is not a work element id; give one like S5.1",
        ),
    ],
)
def test_ids_that_would_leave_the_folder_are_refused(
    cli: CliRunner, strategy: Path, args: list[str], words: str
) -> None:
    """Regression: `new element --strand ../../x/S9` read x/S9.yaml and crashed (exit 3)."""
    (strategy / "x").mkdir()
    (strategy / "x/S9.yaml").write_text((strategy / STRAND).read_text().replace("S1", "S9"))
    before = {p: p.read_bytes() for p in strategy.rglob("*") if p.is_file()}
    code, out, err = new(cli, strategy, *args)
    assert (code, out) == (2, "") and words in err and err.count("\n") == 1, err
    assert {p: p.read_bytes() for p in strategy.rglob("*") if p.is_file()} == before
