"""`psstrat new action`, `decision` and `paper`: added to a meeting in data/meetings.yaml,
the file's comments kept, the result valid; and `psstrat new meeting --committee`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import call, invoke
from tests.test_new import START, git, new, only_added, together

MEETINGS = "data/meetings.yaml"
DAY = "2025-07-15"  # the meeting `psstrat init` writes
OWNER = "head-of-standards"

BASE = """\
# The committee's meetings.
committee: Professional Standards Committee
meetings:
  - date: 2025-07-15
    title: First progress report
    strands: [S1]
"""

COMMENTED = """\
# The committee's meetings: comments and layout here are the secretariat's own.
committee: Professional Standards Committee
meetings:
  # the July meeting
  - date: 2025-07-15
    title: First progress report   # as the agenda has it
    strands: [S1]

  - date: 2025-10-14
    report: 7
    papers:
      # the quarter's paper
      - report: 7
        title: Quarterly progress
    actions:
      - id: A3
        text: An action already set
        owner: head-of-standards
        due: 2025-12-31
      # a note after the last action
# and a closing comment
"""


@pytest.fixture
def strategy(cli: CliRunner, tmp_path: Path) -> Path:
    """A repository as `psstrat init` makes it, with one meeting of its own (BASE; not the
    template's, which may change), committed."""
    root = tmp_path / "strategy"
    assert invoke(cli, "init", str(root), "--start", START)[0] == 0
    (root / MEETINGS).write_text(BASE)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    return root


def validates(cli: CliRunner, root: Path) -> None:
    code, out, _ = invoke(cli, "validate", "--root", str(root), "--as-of", START)
    assert code == 0, out
    assert invoke(cli, "fmt", "--check", "--root", str(root))[0] == 0


PAPER = ["paper", "--meeting", DAY, "--title", "x"]


def action(day: str = DAY, text: str = "Report on vetting") -> list[str]:
    return ["action", "--meeting", day, "--text", text, "--owner", OWNER, "--due", "2025-12-31"]


def test_an_action_decision_and_paper_keep_every_comment(cli: CliRunner, strategy: Path) -> None:
    (strategy / MEETINGS).write_text(COMMENTED)
    results = [
        new(cli, strategy, *action(), "--strand", "S1"),
        new(cli, strategy, "decision", "--meeting", DAY, "--text", "Noted.", "--strand", "S1"),
        new(
            cli,
            strategy,
            *["paper", "--meeting", DAY, "--title", "Strand 1 progress", "--strand", "S1"],
            *["--report", "8", "--author", OWNER, "--author", "committee"],
        ),
        new(cli, strategy, *action(day="2025-10-14", text="Another")),
    ]
    assert [(code, out, err) for code, out, err in results] == [
        (0, "A4: added to data/meetings.yaml\n", ""),  # A3 is taken
        (0, "decision 1 on 2025-07-15: added to data/meetings.yaml\n", ""),
        (0, "paper 8 on 2025-07-15: added to data/meetings.yaml\n", ""),
        (0, "A5: added to data/meetings.yaml\n", ""),
    ]
    after = (strategy / MEETINGS).read_text()
    assert only_added(COMMENTED, after) == [
        "    papers:",
        "      - report: 8",
        "        title: Strand 1 progress",
        "        kind: strand",  # a paper with strands and no --kind is a strand paper
        "        strands: [S1]",
        "        authors: [head-of-standards, committee]",
        "    decisions:",
        "      - text: Noted.",
        "        strands: [S1]",
        "    actions:",
        "      - id: A4",
        "        text: Report on vetting",
        "        owner: head-of-standards",
        "        due: 2025-12-31",
        "        strands: [S1]",
        "      - id: A5",
        "        text: Another",
        "        owner: head-of-standards",
        "        due: 2025-12-31",
    ]
    # Each where the layout puts it: in its meeting, after the comments that belong there.
    assert after.index("strands: [S1]\n    papers:") < after.index("- date: 2025-10-14")
    assert after.index("# a note after the last action") > after.index("- id: A3")
    assert after.rstrip().endswith("# and a closing comment")
    validates(cli, strategy)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_action_ids_taken_on_any_branch_or_in_history_are_not_reused(
    cli: CliRunner, strategy: Path
) -> None:
    git(strategy, "checkout", "-q", "-b", "feature")
    assert new(cli, strategy, *action())[1] == "A1: added to data/meetings.yaml\n"
    assert new(cli, strategy, *action())[1] == "A2: added to data/meetings.yaml\n"
    git(strategy, "commit", "-qam", "two actions")
    git(strategy, "checkout", "-q", "main")
    # On main, an action once committed and then deleted: its id is not given again either.
    assert new(cli, strategy, *action())[1] == "A3: added to data/meetings.yaml\n"
    git(strategy, "commit", "-qam", "A3")
    git(strategy, "checkout", "-q", "HEAD~1", "--", MEETINGS)
    git(strategy, "commit", "-qm", "A3 withdrawn")
    assert "A3" not in (strategy / MEETINGS).read_text()
    # `A9` in a text is not an action id.
    text = "The committee noted annex A9 (an A4 sheet)."
    assert new(cli, strategy, "decision", "--meeting", DAY, "--text", text)[0] == 0
    code, out, err = new(cli, strategy, *action())
    assert (code, out, err) == (0, "A4: added to data/meetings.yaml\n", "")
    validates(cli, strategy)


def test_papers_of_each_kind(cli: CliRunner, strategy: Path) -> None:
    before = (strategy / MEETINGS).read_text()
    assert new(cli, strategy, "paper", "--meeting", DAY, "--title", "The strategy")[0] == 0
    code, out, err = new(
        cli, strategy, "paper", "--meeting", DAY, "--title", "SIA", "--sia", "SIA-2025"
    )
    assert (code, out, err) == (0, "paper 'SIA' on 2025-07-15: added to data/meetings.yaml\n", "")
    args = ["--title", "Theme", "--kind", "Highlight", "--strand", "S1", "--report", "7a"]
    assert new(cli, strategy, "paper", "--meeting", DAY, *args)[0] == 0
    assert only_added(before, (strategy / MEETINGS).read_text()) == [
        "    papers:",
        "      - title: The strategy",
        "        kind: strategy",
        "      - title: SIA",
        "        kind: sia",
        "        sia: SIA-2025",
        "      - report: 7a",
        "        title: Theme",
        "        kind: highlight",
        "        strands: [S1]",
    ]
    # A report number no other paper of the meeting has; the same number at another meeting.
    code, _, err = new(cli, strategy, "paper", "--meeting", DAY, "--title", "x", "--report", "7a")
    assert code == 2 and "already has a paper numbered 7a" in err
    assert new(cli, strategy, "meeting", "--date", "2025-10-14", "--report", "7")[0] == 0
    code, _, err = new(
        cli, strategy, "paper", "--meeting", "2025-10-14", "--title", "x", "--report", "7"
    )
    assert code == 2 and "already has a paper numbered 7" in err  # the meeting's own report
    assert (
        new(cli, strategy, "paper", "--meeting", "2025-10-14", "--title", "x", "--report", "8")[0]
        == 0
    )
    validates(cli, strategy)


def test_another_bodys_meeting_on_the_same_day(cli: CliRunner, strategy: Path) -> None:
    body = "MPS Professional Standards Strategic Committee"
    code, out, err = new(cli, strategy, "meeting", "--date", DAY, "--committee", body)
    assert (code, out, err) == (0, "2025-07-15: added to data/meetings.yaml\n", "")
    assert f"  - date: 2025-07-15\n    committee: {body}\n" in (strategy / MEETINGS).read_text()
    # Which of the two: the file's committee's, or the other body's.
    code, out, err = new(cli, strategy, *action())
    assert code == 2 and out == ""
    assert err == (
        "psstrat: error: 2 meetings on 2025-07-15 (`Professional Standards Committee`; "
        f"`{body}`); say which with --committee\n"
    )
    assert new(cli, strategy, *action(), "--committee", body.upper())[0] == 0
    args = ["--committee", "Professional Standards Committee"]
    assert new(cli, strategy, *action(), *args)[0] == 0
    text = (strategy / MEETINGS).read_text()
    assert text.index("id: A2") < text.index(f"committee: {body}") < text.index("id: A1")
    # The same body twice on one day is refused; `new meeting` without --committee is the
    # file's committee's.
    for args in (["--committee", f" {body} "], []):
        code, _, err = new(cli, strategy, "meeting", "--date", DAY, *args)
        assert code == 2 and "already has a meeting of" in err and err.count("\n") == 1, err
    validates(cli, strategy)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            action(day="2025-07-16"),
            "no meeting on `2025-07-16` (did you mean `2025-07-15`?); known: 2025-07-15; add it "
            "first (psstrat new meeting --date 2025-07-16)",
        ),
        (
            [*action(), "--committee", "Nobody"],
            "no meeting of `Nobody` on 2025-07-15; that day: `Professional Standards Committee`",
        ),
        (
            [*action()[:-4], "--owner", "head-of-standard", "--due", "2025-12-31"],
            "no owner `head-of-standard` (did you mean `head-of-standards`?); known: committee,",
        ),
        ([*action(), "--strand", "S9"], "no strand `S9`; known: S1"),
        ([*action(), "--strand", "../S1"], "--strand: `../S1` is not a strand id; give one like"),
        (
            ["action", "--meeting", DAY, "--text", "x", "--owner", OWNER, "--due", "2025-07-01"],
            "--due 2025-07-01 is before the meeting that sets the action (2025-07-15)",
        ),
        (["action", "--meeting", DAY, "--text", "x", "--owner", OWNER], "--due is required"),
        (["action", "--text", "x"], "--meeting is required; pass --meeting"),
        (action(text="a\x1b[2Jb"), "the action must be one line of visible text"),
        (["decision", "--meeting", DAY], "--text is required"),
        (["decision", "--meeting", DAY, "--text", "x", "--strand", "S2"], "no strand `S2`"),
        (["decision", "--meeting", "2024-01-01", "--text", "x"], "no meeting on `2024-01-01`"),
        (["paper", "--meeting", DAY], "--title is required"),
        (
            [*PAPER, "--kind", "strand"],
            "a strand paper names the strands it covers; add --strand S1 (repeatable)",
        ),
        (
            [*PAPER, "--kind", "sia"],
            "an sia paper names the SIA it presents; add --sia (known: SIA-2025)",
        ),
        (
            [*PAPER, "--sia", "SIA-2024"],
            "no SIA `SIA-2024` (did you mean `SIA-2025`?); known: SIA-2025",
        ),
        (
            [*PAPER, "--sia", "../../x"],
            "--sia: `../../x` is not an SIA id; give one like SIA-2004",
        ),
        (
            [*PAPER, "--kind", "strand", "--strand", "S1", "--sia", "SIA-2025"],
            "--sia is for an sia paper, not a strand paper; add --kind sia, or leave --sia out",
        ),
        (
            [*PAPER, "--kind", "minutes"],
            "--kind: `minutes` is not one of: strategy, strand, sia, programme, highlight",
        ),
        (
            [*PAPER, "--author", "nobody"],
            "no owner `nobody`; known: committee, head-of-standards",
        ),
        (["meeting", "--date", DAY], "already has a meeting of Professional Standards"),
        (["meeting", "--date", "2025-09-01", "--committee", " "], "--committee: the committee"),
    ],
)
def test_what_cannot_be_added_is_refused(
    cli: CliRunner, strategy: Path, args: list[str], words: str
) -> None:
    before = {p: p.read_bytes() for p in strategy.rglob("*") if p.is_file()}
    code, out, err = new(cli, strategy, *args)
    assert (code, out) == (2, "") and words in err, err
    assert err.startswith("psstrat: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert {p: p.read_bytes() for p in strategy.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    "args",
    [
        action(),
        ["decision", "--meeting", DAY, "--text", "x"],
        ["paper", "--meeting", DAY, "--title", "x"],
    ],
)
def test_a_meetings_file_that_is_missing_or_does_not_parse(
    cli: CliRunner, strategy: Path, args: list[str]
) -> None:
    path = strategy / MEETINGS
    path.write_text(path.read_text() + "  bad: [\n")
    code, out, err = new(cli, strategy, *args)
    assert (code, out) == (2, "") and "data/meetings.yaml:" in err
    assert "fix it before adding to it" in err and err.count("\n") == 1, err
    path.unlink()
    code, out, err = new(cli, strategy, *args)
    assert (code, out) == (2, "") and err == (
        "psstrat: error: there is no data/meetings.yaml; add a meeting first "
        "(psstrat new meeting)\n"
    )
    assert not path.exists()


def test_on_a_terminal_an_action_is_asked_for(
    cli: CliRunner, strategy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psstrat.cli.new as new_cli

    monkeypatch.setattr(new_cli, "on_terminal", lambda: True)
    answers = f"not a date\n{DAY}\nChase the backlog\n{OWNER}\n2025-09-30\n"
    result = call(cli, ["new", "action", "--root", str(strategy)], answers)
    assert result.exit_code == 0, result.output
    assert "is not a date" in result.output  # asked again
    assert "A1: added to data/meetings.yaml" in result.stdout
    assert "      - id: A1\n        text: Chase the backlog\n" in (strategy / MEETINGS).read_text()
    validates(cli, strategy)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_eight_new_actions_at_once_take_eight_ids(cli: CliRunner, strategy: Path) -> None:
    before = (strategy / MEETINGS).read_text()
    results = together(strategy, [action(text=f"Action number {i}") for i in range(8)])
    assert [(code, err) for code, _, err in results] == [(0, "")] * 8
    said = {out.split(":")[0]: i for i, (_, out, _) in enumerate(results)}
    assert sorted(said, key=lambda a: int(a[1:])) == [f"A{n}" for n in range(1, 9)]
    added = only_added(before, (strategy / MEETINGS).read_text())
    for action_id, i in said.items():  # each kept, with what its process was given
        at = added.index(f"      - id: {action_id}")
        assert added[at + 1] == f"        text: Action number {i}"
    validates(cli, strategy)


def test_the_lists_init_writes_empty_are_added_to(cli: CliRunner, strategy: Path) -> None:
    """`decisions: []` and `actions: []`, as `psstrat init` writes them, become block lists
    (that line only changes), comments kept."""
    text = BASE + "    # decided and set\n    decisions: []\n    actions: []   # none yet\n"
    (strategy / MEETINGS).write_text(text)
    assert new(cli, strategy, "decision", "--meeting", DAY, "--text", "Agreed.")[0] == 0
    assert new(cli, strategy, *action())[0] == 0
    assert (strategy / MEETINGS).read_text() == BASE + (
        "    # decided and set\n"
        "    decisions:\n"
        "      - text: Agreed.\n"
        "    actions:   # none yet\n"
        "      - id: A1\n"
        "        text: Report on vetting\n"
        "        owner: head-of-standards\n"
        "        due: 2025-12-31\n"
    )
    validates(cli, strategy)


def test_a_first_meeting_can_be_added_to(cli: CliRunner, strategy: Path) -> None:
    """`new meeting` with no meetings file writes the meeting so that `new paper`, `new
    decision` and `new action` can add to it (block style, not `- {date: ...}`)."""
    (strategy / MEETINGS).unlink()
    assert new(cli, strategy, "meeting", "--date", DAY)[0] == 0
    assert "{" not in (strategy / MEETINGS).read_text()
    for args in (PAPER, ["decision", "--meeting", DAY, "--text", "Agreed."], action()):
        code, _, err = new(cli, strategy, *args)
        assert code == 0, err
    validates(cli, strategy)
