"""`psstrat changes` and `psstrat history` on real git repositories built here."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import RepoBuilder, invoke

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

S1 = "data/strands/S1.yaml"
R1 = "data/risks/R0001.yaml"


def git(root: Path, *args: str, date: str = "2005-01-05T12:00:00") -> str:
    env = {
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "HOME": str(root),
    }
    return subprocess.run(
        ["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env
    ).stdout


def commit(repo: RepoBuilder, message: str, date: str) -> str:
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", message, date=date)
    return git(repo.root, "rev-parse", "HEAD").strip()


@pytest.fixture
def history(repo: RepoBuilder) -> dict[str, str]:
    """A repository with a few months of history; the commits by name."""
    git(repo.root, "init", "-q", "-b", "main")
    commits = {"start": commit(repo, "start", "2004-12-01T10:00:00")}
    # Before the meeting of 13 January 2005 nothing else; after it, a quarter's work.
    repo.edit(S1, "due: 2005-06-30", "due: 2005-06-30\n        completed: 2005-01-20")
    repo.edit(S1, "status: on-track", "status: at-risk")
    repo.edit(
        S1,
        "due: 2004-11-30\n        completed: 2004-11-13",
        "due: 2004-11-30\n        completed: 2004-11-13",
    )
    repo.edit(
        S1,
        "    updates:",
        "      - id: S1.1.M3\n        title: Code reviewed\n        due: 2005-12-31\n    updates:",
    )
    repo.edit(S1, "lead: lead-a\n", "lead: lead-b\n")
    commits["work"] = commit(repo, "a quarter's work", "2005-02-01T10:00:00")
    repo.edit(
        R1,
        "residual: {likelihood: 3, impact: 4, date: 2004-12-01}",
        "residual: {likelihood: 4, impact: 4, date: 2005-02-10}",
    )
    repo.edit(R1, "history:\n", "history:\n  - {date: 2004-12-01, likelihood: 3, impact: 4}\n")
    repo.edit(
        R1,
        "    status: in-progress",
        "    status: in-progress\n  - description: Audit\n    owner: lead-b",
    )
    commits["risk"] = commit(repo, "re-score the secret risk", "2005-02-15T10:00:00")
    repo.write(
        "data/risks/R0002.yaml",
        "id: R0002\ntitle: Vetting backlog\ncategory: people\nowner: lead-b\n"
        "raised: 2005-03-01\ninherent: {likelihood: 3, impact: 3}\n"
        "residual: {likelihood: 3, impact: 3, date: 2005-03-01}\n"
        "controls:\n  - description: Weekly review\n",
    )
    commits["raised"] = commit(repo, "raise a risk", "2005-03-02T10:00:00")
    shutil.move(repo.root / "data/risks/R0002.yaml", repo.root / "data/risks/R0003.yaml")
    repo.edit("data/risks/R0003.yaml", "id: R0002", "id: R0003")
    commits["renamed"] = commit(repo, "renumber", "2005-03-03T10:00:00")
    repo.write(S1, repo.read(S1) + "# a comment only\n")
    commits["comment"] = commit(repo, "a comment", "2005-03-04T10:00:00")
    return commits


def changes(cli: CliRunner, repo: RepoBuilder, *args: str) -> tuple[int, str, str]:
    return invoke(cli, "changes", "--root", str(repo.root), *args)


def test_a_quarters_work_in_words(
    cli: CliRunner, repo: RepoBuilder, history: dict[str, str]
) -> None:
    code, out, err = changes(
        cli, repo, "--since", history["start"], "--until", history["work"], "--session", "open"
    )
    assert code == 0, err
    assert "Milestones completed\n  S1.1.M2 Code implemented, on 20 January 2005\n" in out
    assert "Milestones added\n  S1.1.M3 Code reviewed, due 31 December 2005\n" in out
    assert (
        "  S1.1 Publish an information code: from on track to at risk (RAG from green to amber)"
        in out
    )
    assert "  S1 Security of information: RAG from green to amber" in out
    assert "Leads\n  S1 lead changed from DCS Intelligence Command, DPS (Jane Smith) to " in out


def test_replanned_milestones_say_the_slip(cli: CliRunner, repo: RepoBuilder) -> None:
    git(repo.root, "init", "-q", "-b", "main")
    first = commit(repo, "start", "2004-12-01T10:00:00")
    repo.edit(S1, "due: 2005-06-30", "due: 2005-06-30\n        revised_due: 2005-09-30")
    code, out, _ = changes(cli, repo, "--since", first)
    assert code == 0
    assert "Milestones re-planned\n  S1.1.M2 Code implemented, from 30 June 2005 to 30 " in out
    assert "(92 days later)" in out and "the working tree" in out


def test_a_withheld_item_changes_only_in_closed_session(
    cli: CliRunner, repo: RepoBuilder, history: dict[str, str]
) -> None:
    span = ["--since", history["work"], "--until", history["risk"]]
    code, out, _ = changes(cli, repo, *span, "--session", "open")
    assert code == 0
    assert "R0001" not in out and "Information leakage" not in out and "Audit" not in out
    assert "No changes to the strategy." in out
    assert "file" not in out.split("session", 1)[1]  # not even counted
    code, out, _ = changes(cli, repo, *span, "--session", "closed")
    assert (
        "Risks re-scored\n  R0001 Information leakage: residual from 12 (high) to 16 (very high); "
        in out
    )
    assert "now at or above the escalation threshold (15), not yet escalated" in out
    assert "R0001 control added: Audit [OFFICIAL-SENSITIVE]" in out


def test_raised_renumbered_and_layout_only(
    cli: CliRunner, repo: RepoBuilder, history: dict[str, str]
) -> None:
    code, out, _ = changes(cli, repo, "--since", history["risk"], "--until", history["raised"])
    assert "Risks raised\n  R0002 Vetting backlog, raised 1 March 2005: 9 (medium)" in out
    code, out, _ = changes(cli, repo, "--since", history["raised"], "--until", history["renamed"])
    assert "Risks raised\n  R0003 Vetting backlog" in out
    assert "Risks removed\n  R0002 Vetting backlog" in out
    code, out, _ = changes(
        cli, repo, "--since", history["renamed"], "--until", history["comment"], "--session", "all"
    )
    assert code == 0
    assert "No changes to the strategy." in out
    assert "One file changed in comments, layout or wording only." in out


def test_a_commit_that_does_not_load_is_compared_as_far_as_it_does(
    cli: CliRunner, repo: RepoBuilder, history: dict[str, str]
) -> None:
    repo.write("data/risks/R0003.yaml", "id: R0003\ntitle: [broken\n")
    repo.edit(S1, "title: Code reviewed", "title: Code reviewed by the SIO")
    broken = commit(repo, "a commit with invalid YAML", "2005-03-05T10:00:00")
    span = ["--since", history["comment"], "--until", broken]
    code, out, _ = changes(cli, repo, *span, "--session", "all")
    assert code == 0
    assert (
        f"Not compared: commit {broken[:10]} (2005-03-05): data/risks/R0003.yaml does not " in out
    )
    assert "One file changed in comments, layout or wording only." in out  # the retitling
    code, out, _ = changes(cli, repo, "--since", history["comment"], "--session", "all")
    assert "Not compared: the working tree: data/risks/R0003.yaml does not load" in out
    assert "R0003" not in out.split("Not compared")[0].replace("R0003.yaml", "")


def test_since_a_date_a_branch_and_the_last_meeting(
    cli: CliRunner, repo: RepoBuilder, history: dict[str, str]
) -> None:
    # The last meeting before today is 13 January 2005 (conftest's meetings.yaml): the last
    # commit on or before it is "start".
    code, out, _ = changes(cli, repo, "--since", "last-meeting", "--until", history["work"])
    assert code == 0
    assert "since the last meeting (13 January 2005) (commit " + history["start"][:10] in out
    assert "S1.1.M2 Code implemented, on 20 January 2005" in out
    code, out, _ = changes(cli, repo, "--since", "2005-02-01", "--until", history["risk"])
    assert "(commit " + history["work"][:10] in out
    git(repo.root, "branch", "before-risk", history["work"])
    code, out, _ = changes(
        cli, repo, "--since", "before-risk", "--until", history["risk"], "--session", "all"
    )
    assert "R0001" in out
    code, _, err = changes(cli, repo, "--since", "no-such-branch")
    assert code == 2 and "`no-such-branch` names no commit" in err
    code, _, err = changes(cli, repo, "--since", "1999-01-01")
    assert code == 2 and "no commit on or before 1999-01-01" in err


def test_markdown_and_json(cli: CliRunner, repo: RepoBuilder, history: dict[str, str]) -> None:
    span = ["--since", history["start"], "--until", history["work"]]
    code, out, _ = changes(cli, repo, *span, "--format", "md")
    assert out.startswith("### Changes since ")
    assert "**Milestones completed**\n\n- S1.1.M2 Code implemented, on 20 January 2005\n" in out
    code, out, _ = changes(cli, repo, *span, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert {c["group"] for c in data["changes"]} >= {"milestones-completed", "leads"}
    assert data["session"] == "open"  # the default: what anyone reading a pull request may see


def test_titles_cannot_forge_markup_or_commands(
    cli: CliRunner, repo: RepoBuilder, history: dict[str, str]
) -> None:
    repo.edit(
        S1,
        "        due: 2005-12-31\n",
        "        due: 2005-12-31\n      - id: S1.1.M4\n"
        '        title: "x\\n::error::forged\\n## heading"\n        due: 2006-01-31\n',
    )
    code, out, _ = changes(cli, repo, "--since", history["comment"], "--format", "md")
    assert code == 0 and "S1.1.M4 x" in out
    assert "\n::error" not in out and "\n## heading" not in out
    code, out, _ = changes(cli, repo, "--since", history["comment"])
    assert code == 0
    assert "\n::error" not in out and "\\n::error::forged" in out


def test_outside_git_it_says_so(cli: CliRunner, repo: RepoBuilder) -> None:
    code, _, err = changes(cli, repo, "--since", "HEAD")
    assert code == 2 and "needs the strategy's git history" in err


def test_history_follows_a_score_and_a_rag_through_the_commits(
    cli: CliRunner, repo: RepoBuilder, history: dict[str, str]
) -> None:
    code, out, _ = invoke(cli, "history", "R0001", "--root", str(repo.root), "--session", "all")
    assert code == 0
    assert out == (
        "R0001: residual score, commit by commit\n"
        f"  2004-12-01  {history['start'][:10]}    12 (high) (first recorded)\n"
        f"  2005-02-15  {history['risk'][:10]}    12 (high) -> 16 (very high)\n"
    )
    repo.edit(R1, "residual: {likelihood: 4, impact: 4", "residual: {likelihood: 2, impact: 4")
    code, out, _ = invoke(cli, "history", "R0001", "--root", str(repo.root), "--session", "all")
    assert out.endswith("  uncommitted  working tree  16 (very high) -> 8 (medium)\n")
    code, out, _ = invoke(cli, "history", "S1", "--root", str(repo.root), "-f", "json")
    points = json.loads(out)["points"]
    assert [p["change"] for p in points] == ["green (first recorded)", "green -> amber"]
    assert points[1]["date"] == "2005-02-01"
    code, out, _ = invoke(cli, "history", "S1.1", "--root", str(repo.root))
    assert "on-track (green) -> at-risk (amber)" in out


def test_history_keeps_to_the_session_and_skips_what_does_not_load(
    cli: CliRunner, repo: RepoBuilder, history: dict[str, str]
) -> None:
    code, _, err = invoke(cli, "history", "R0001", "--root", str(repo.root), "--session", "open")
    assert code == 2 and "no history of R0001 that the open session may see" in err
    repo.write(S1, "id: S1\ntitle: [broken\n")
    commit(repo, "broken", "2005-03-10T10:00:00")
    code, out, _ = invoke(cli, "history", "S1", "--root", str(repo.root), "--session", "all")
    assert code == 0 and "(2 versions that did not load left out)" in out  # commit + working tree
    # The open session: today's version does not load, so its marking is unknown.
    code, _, err = invoke(cli, "history", "S1", "--root", str(repo.root))
    assert code == 2 and "the latest version of data/strands/S1.yaml does not load" in err
    code, _, err = invoke(cli, "history", "Q1", "--root", str(repo.root))
    assert code == 2 and "is not a risk, strand or work element id" in err


def test_the_paper_says_what_changed_since_the_last_report(
    cli: CliRunner, repo: RepoBuilder, history: dict[str, str]
) -> None:
    """2004/05 Q4 (January to March 2005) has no meeting after it: the last report is the one
    to the meeting of 13 January 2005, as at the end of the quarter it took (31 December
    2004), read from the last commit on or before that day (the "start" commit) as at that
    day."""
    args = ["--root", str(repo.root), "-q", "2004-Q4", "--as-of", "2005-03-31", "--allow-errors"]
    code, out, _ = invoke(cli, "report", *args, "--format", "md")
    assert code == 0
    section = out.split("### Changes since the last report\n")[1].split("### Progress")[0]
    assert (
        "Compared with the last report (to the meeting of 13 January 2005, as at 31 December "
        "2004)." in section
    )
    assert "**Milestones completed**\n\n- S1.1.M2 Code implemented, on 20 January 2005\n" in section
    assert "R0001" not in section and "Information leakage" not in section  # withheld in open
    code, out, _ = invoke(cli, "report", *args, "--format", "md", "--session", "closed")
    section = out.split("### Changes since the last report\n")[1].split("### Progress")[0]
    assert "R0001 Information leakage: residual from 12 (high) to 16 (very high)" in section
    assert "**OFFICIAL-SENSITIVE**" in section
    code, out, _ = invoke(cli, "report", *args, "--format", "html", "--since", history["work"])
    assert "<h3>Changes since the last report</h3>" in out
    assert f"Compared with commit {history['work'][:10]}" in out
    assert "S1.1.M2" not in out.split("<h3>Changes since")[1].split("<h3>Progress")[0]
    code, _, err = invoke(cli, "report", *args, "--since", "no-such-branch")
    assert code == 2 and "`no-such-branch` names no commit" in err  # asked for: not a note
    code, out, _ = invoke(cli, "report", *args, "--format", "md", "--strand", "S1")
    assert "S1.1.M2 Code implemented, on 20 January 2005" in out
    assert "Risks raised" not in out.split("### Changes since")[1].split("### Progress")[0]
