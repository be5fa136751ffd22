"""Fail closed (issue 17): when a marking cannot be established the session is refused or the
content withheld, nothing withheld changes an open output (its exit status included), and
today's marking governs every version in `changes` and `history`. One regression test per
defect found, each of which failed before the fix."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import RepoBuilder, invoke
from tests.test_changes import commit, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

S1 = "data/strands/S1.yaml"
S2 = "data/strands/S2.yaml"
R1 = "data/risks/R0001.yaml"
CANARY = "CANARY-5f3a"
Q3 = ["--quarter", "2004-Q3"]
AS_OF = ["--as-of", "2004-12-31"]

SECRET_STRAND = f"""\
id: S2
title: Covert tactics {CANARY}
lead: lead-a
marking: official-sensitive
work_elements:
  - id: S2.1
    title: Tactics {CANARY}
    lead: lead-b
    status: off-track
    milestones:
      - id: S2.1.M1
        title: Covert milestone {CANARY}
        due: 2004-12-01
"""


def run(cli: CliRunner, repo: RepoBuilder, *args: str) -> tuple[int, str, str]:
    return invoke(cli, *args, "--root", str(repo.root))


def outputs(cli: CliRunner, repo: RepoBuilder, session: str = "open") -> dict[str, tuple[int, str]]:
    """What each data command prints to stdout, and its exit status, for a session."""
    s = ["--session", session]
    found = {}
    for name, args in {
        "report": ["report", *Q3, *s],
        "strand report": ["report", *Q3, *s, "--strand", "S1"],
        "status": ["status", *AS_OF, *s, "-f", "json"],
        "overdue": ["overdue", *AS_OF, *s, "-f", "json", "--within", "400"],
    }.items():
        code, out, _ = run(cli, repo, *args)
        found[name] = (code, out)
    return found


# -- unknown means withheld ----------------------------------------------------------------


@pytest.mark.parametrize(
    "breakage",
    ["marking: official\nversion: 1.0\n", "marking: OFFICIAL-SENSITIVE\n", None],
    ids=["schema error", "unknown marking", "missing"],
)
def test_a_strategy_whose_marking_is_unknown_refuses_every_session_but_all(
    cli: CliRunner, repo: RepoBuilder, breakage: str | None
) -> None:
    """The gate applied the strategy's marking only when the strategy loaded: with it broken,
    `status --session open --allow-errors` showed everything."""
    repo.write(S2, SECRET_STRAND)
    git(repo.root, "init", "-q", "-b", "main")
    commit(repo, "start", "2005-01-01T10:00:00")
    strategy = repo.root / "data/strategy.yaml"
    if breakage is None:
        strategy.unlink()
    else:
        repo.edit("data/strategy.yaml", "marking: official\n", breakage)
    for session in ("open", "closed"):
        s = ["--session", session]
        for args in (
            ["status", *AS_OF, *s, "--allow-errors"],
            ["overdue", *AS_OF, *s, "--allow-errors"],
            ["report", *Q3, *s, "--allow-errors"],
            ["changes", "--since", "HEAD", *s, "--format", "md"],
            ["history", "S2", *s],
        ):
            code, out, err = run(cli, repo, *args)
            assert (code, out) == (2, ""), args
            assert "the strategy's marking cannot be established" in err
            assert CANARY not in err
    code, out, _ = run(cli, repo, "status", *AS_OF, "--session", "all", "--allow-errors")
    assert code == 0 and "S2" in out  # the directorate's own view still works


def test_a_file_that_does_not_load_is_withheld_whole(cli: CliRunner, repo: RepoBuilder) -> None:
    """A withheld file that does not load made the open outputs exit 1 and name it; now the
    open outputs are those of the repository without it, and it is only counted."""
    without = outputs(cli, repo)
    repo.write("data/strands/S9.yaml", f"id: S9\ntitle: [{CANARY} unclosed\nmarking: secret\n")
    repo.write("data/risks/R0009.yaml", f"id: R0009\ntitle: {CANARY}\nmarking: tippy-top\n")
    assert outputs(cli, repo) == without
    code, _, err = run(cli, repo, "report", *Q3)
    assert code == 0 and CANARY not in err and "S9" not in err and "R0009" not in err
    assert "more error(s) not judged in the open session" in err and "not shown" in err
    code, _, err = run(cli, repo, "status", *AS_OF, "--session", "all")
    assert code == 1 and "data/strands/S9.yaml" in err  # the whole repository: refused


def test_an_error_inside_a_withheld_item_changes_no_open_output(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    """`lead: covert-leed` in a withheld strand made the open report, status and overdue exit
    1 and print the withheld item's problem with a did-you-mean naming the lead's role; with
    --allow-errors the open paper's DRAFT line counted it."""
    repo.write(S2, SECRET_STRAND)
    before = outputs(cli, repo)
    repo.edit(S2, "    lead: lead-b\n", "    lead: lead-bb\n")
    repo.edit(
        S2,
        "        due: 2004-12-01\n",
        "        due: 2004-12-01\n      - {id: S2.1.M1, title: Again, due: 2004-12-01}\n",
    )
    repo.edit(R1, "marking: official-sensitive", f"marking: official-sensitive\nx-n: {CANARY}")
    assert outputs(cli, repo) == before
    for args in (["report", *Q3], ["status", *AS_OF], ["overdue", *AS_OF]):
        code, _, err = run(cli, repo, *args)
        assert code == 0 and "lead-bb" not in err and "Deputy Director" not in err
        assert "S2.1.M1" not in err and "more error(s)" in err
    code, out, _ = run(cli, repo, "report", *Q3, "--allow-errors")
    assert code == 0 and "DRAFT" not in out


def test_a_reference_the_session_cannot_resolve_is_not_judged_by_it(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    """An open item naming a withheld one, and one naming nothing, look alike to the open
    session: neither changes its exit status (validate judges both)."""
    repo.write(S2, SECRET_STRAND)
    repo.edit(S1, "    risks: [R0001]\n", "    risks: [R0001, R0042]\n")
    code, out, err = run(cli, repo, "report", *Q3)
    assert code == 0 and "R0042" not in err and "1 more error(s)" in err
    code, out, _ = run(cli, repo, "validate", *AS_OF)
    assert code == 1 and "`R0042` is not a risk" in out


def test_owners_and_meetings_carry_a_marking(cli: CliRunner, repo: RepoBuilder) -> None:
    """Owners and meetings had no marking: a covert lead's role was in every paper."""
    repo.edit(
        "data/owners.yaml",
        "  - id: lead-b\n    role: Deputy Director, DPS\n",
        f"  - id: lead-b\n    role: Covert lead {CANARY}\n    marking: official-sensitive\n",
    )
    repo.edit(
        "data/meetings.yaml",
        "strands: [S1]\n",
        f"strands: [S1]\n  - date: 2004-10-21\n    report: 99\n    title: {CANARY}\n"
        "    marking: official-sensitive\n",
    )
    assert run(cli, repo, "validate", *AS_OF)[0] == 0
    code, out, _ = run(cli, repo, "report", *Q3)
    assert code == 0 and CANARY not in out
    assert "not named in the open session" in out and "lead-b" not in out
    code, closed, _ = run(cli, repo, "report", *Q3, "--session", "closed")
    assert f"Covert lead {CANARY}" in closed


# -- defaults ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["status", *AS_OF],
        ["overdue", *AS_OF, "--within", "400"],
        ["changes", "--since", "HEAD"],
        ["history", "S2"],
    ],
)
def test_every_command_defaults_to_the_open_session(
    cli: CliRunner, repo: RepoBuilder, args: list[str]
) -> None:
    """status, overdue, changes and history defaulted to `--session all`: the README's
    `changes --format md` for a pull request published withheld items."""
    git(repo.root, "init", "-q", "-b", "main")
    commit(repo, "start", "2005-01-01T10:00:00")
    repo.write(S2, SECRET_STRAND)
    commit(repo, "the secret strand", "2005-01-02T10:00:00")
    repo.edit(S2, "status: off-track", "status: at-risk")
    default = run(cli, repo, *args)
    assert CANARY not in default[1] + default[2]
    assert default == run(cli, repo, *args, "--session", "open")
    code, out, err = run(cli, repo, *args, "--session", "all")
    assert (code, out, err) != default and code == 0 and ("S2" in out or CANARY in out)


# -- today's marking governs every version -------------------------------------------------


@pytest.fixture
def remarked(repo: RepoBuilder) -> RepoBuilder:
    """A commit in which S1.1 and its milestones are open, and a working tree in which S1.1
    is marked official-sensitive (and its status changed, and a milestone completed)."""
    git(repo.root, "init", "-q", "-b", "main")
    commit(repo, "start", "2004-12-01T10:00:00")
    repo.edit(S1, "    status: on-track\n", "    status: off-track\n")
    commit(repo, "off track", "2004-12-02T10:00:00")
    repo.edit(
        S1, "    status: off-track\n", "    status: at-risk\n    marking: official-sensitive\n"
    )
    repo.edit(
        S1, "        due: 2005-06-30\n", "        due: 2005-06-30\n        completed: 2005-01-02\n"
    )
    return repo


def test_re_marking_an_item_hides_every_version_of_it(
    cli: CliRunner, remarked: RepoBuilder
) -> None:
    """Re-marking an element official-sensitive made the open `changes` say it was removed
    (printing its old title), and `history` gate old commits by their own markings."""
    code, out, _ = run(cli, remarked, "changes", "--since", "HEAD~1")
    assert code == 0
    assert "S1.1" not in out and "Publish an information code" not in out
    assert "removed" not in out and "No changes to the strategy." in out
    code, closed, _ = run(cli, remarked, "changes", "--since", "HEAD~1", "--session", "closed")
    assert "S1.1 Publish an information code: from on track to at risk" in closed
    assert "S1.1.M2 Code implemented, on 2 January 2005" in closed
    code, _, err = run(cli, remarked, "history", "S1.1")
    assert code == 2 and "no history of S1.1 that the open session may see" in err
    code, out, _ = run(cli, remarked, "history", "S1")
    assert code == 0 and out.count("\n") == 2  # one point: S1 with no element it may see
    code, out, _ = run(cli, remarked, "history", "S1.1", "--session", "closed")
    assert "on-track (green) -> off-track (red)" in out and "-> at-risk (amber)" in out


def test_lowering_a_marking_reveals_no_old_version(cli: CliRunner, repo: RepoBuilder) -> None:
    """An item marked above the session in an earlier version stays withheld there when its
    marking is lowered (an id may have been reused by a different item): the open session
    sees it as new; `--session all` lists the change of marking."""
    repo.write(S2, SECRET_STRAND)
    git(repo.root, "init", "-q", "-b", "main")
    commit(repo, "start", "2004-12-01T10:00:00")
    repo.edit(S2, "marking: official-sensitive\n", "")
    repo.edit(S2, "status: off-track", "status: at-risk")
    code, out, _ = run(cli, repo, "changes", "--since", "HEAD", "--session", "open")
    assert code == 0 and f"S2 Covert tactics {CANARY} added" in out
    assert "off-track" not in out
    code, out, _ = run(cli, repo, "changes", "--since", "HEAD", "--session", "all")
    assert "Protective markings\n  S2 marking lowered from official-sensitive to none" in out
    assert "from off track to at risk" in out


def test_alignments_quote_only_what_the_session_sees(cli: CliRunner, repo: RepoBuilder) -> None:
    """Open `changes` printed withheld ids in alignments (`aligned to S4, S4.1`)."""
    repo.write(S2, SECRET_STRAND)
    git(repo.root, "init", "-q", "-b", "main")
    commit(repo, "start", "2004-12-01T10:00:00")
    repo.edit(
        "data/sia/SIA-2004.yaml",
        "    progress:",
        "      - text: Recruit covert staff\n        aligned_to: [S1, S2.1]\n    progress:",
    )
    repo.edit("data/sia/SIA-2004.yaml", "aligned_to: [S1.1]", "aligned_to: [S1.1, S2]")
    code, out, _ = run(cli, repo, "changes", "--since", "HEAD")
    assert "recommendation added: Recruit covert staff (aligned to S1)" in out
    assert "S2" not in out and "re-aligned" not in out
    code, out, _ = run(cli, repo, "changes", "--since", "HEAD", "--session", "closed")
    assert code == 0 and "(aligned to S1, S2.1)" in out
    assert "re-aligned from S1.1 to S1.1, S2" in out


def test_files_that_do_not_load_are_counted_not_named(cli: CliRunner, repo: RepoBuilder) -> None:
    """Open `changes` named withheld files that fail to load; a side whose psstrat.yaml did
    not load silently used the default markings."""
    git(repo.root, "init", "-q", "-b", "main")
    commit(repo, "start", "2004-12-01T10:00:00")
    repo.write("data/strands/S7.yaml", f"id: S7\ntitle: [{CANARY}\n")
    code, out, _ = run(cli, repo, "changes", "--since", "HEAD")
    assert code == 0 and "S7" not in out and CANARY not in out
    assert "one file does not load and is left out (not named" in out
    code, out, _ = run(cli, repo, "changes", "--since", "HEAD", "--session", "all")
    assert "data/strands/S7.yaml does not load" in out
    repo.write("psstrat.yaml", "markings: [official, secret]\nopen_session_max: [\n")
    code, out, err = run(cli, repo, "changes", "--since", "HEAD")
    assert (code, out) == (2, "") and "its markings cannot be established" in err
    code, out, _ = run(cli, repo, "changes", "--since", "HEAD", "--session", "all")
    assert code == 0 and "its settings do not load" in out


def test_the_last_meeting_is_the_last_one_the_session_sees(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    """A meeting marked above the session would move what `--since last-meeting` compares."""
    git(repo.root, "init", "-q", "-b", "main")
    first = commit(repo, "start", "2005-01-01T10:00:00")
    repo.edit(S1, "status: on-track", "status: at-risk")
    second = commit(repo, "at risk", "2005-02-01T10:00:00")
    repo.edit(
        "data/meetings.yaml",
        "strands: [S1]\n",
        "strands: [S1]\n  - date: 2005-02-10\n    marking: official-sensitive\n",
    )
    code, out, _ = run(cli, repo, "changes", "--since", "last-meeting")
    assert code == 0 and f"(commit {first[:10]}" in out and "13 January 2005" in out
    code, out, _ = run(cli, repo, "changes", "--since", "last-meeting", "--session", "closed")
    assert code == 0 and f"(commit {second[:10]}" in out and "10 February 2005" in out


# -- history reads only what validate reads ------------------------------------------------


def test_history_reads_what_validate_reads(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path
) -> None:
    """`history` read a working-tree link to a file outside the repository and scored it, and
    parsed a committed blob of any size."""
    git(repo.root, "init", "-q", "-b", "main")
    commit(repo, "start", "2004-12-01T10:00:00")
    padding = "x-pad: " + "y" * (2 * 1024 * 1024) + "\n"
    repo.write(S1, repo.read(S1).replace("status: on-track", "status: off-track") + padding)
    commit(repo, "a huge file", "2004-12-02T10:00:00")
    outside = tmp_path / "outside.yaml"
    outside.write_text(repo.read(S1).replace(padding, "").replace("off-track", "at-risk"))
    (repo.root / S1).unlink()
    (repo.root / S1).symlink_to(outside)
    code, out, _ = run(cli, repo, "history", "S1.1", "--session", "all")
    assert code == 0
    assert "off-track" not in out and "at-risk" not in out
    assert "(2 versions that did not load left out)" in out
    code, out, err = run(cli, repo, "history", "S1.1")  # today's version is not read: refused
    assert (code, out) == (2, "") and "the latest version of data/strands/S1.yaml" in err


def test_json_of_a_refusal_is_not_printed(cli: CliRunner, repo: RepoBuilder) -> None:
    """A refused session prints nothing on stdout in any format, so nothing half-made is
    parsed by a pipeline."""
    repo.write("data/strategy.yaml", "id: [\n")
    for args in (["status", "-f", "json"], ["overdue", "-f", "json"]):
        code, out, _ = run(cli, repo, *args)
        assert (code, out) == (2, "")
    code, out, _ = run(cli, repo, "status", "-f", "json", "--session", "all", "--allow-errors")
    assert code == 0 and json.loads(out)["session"] == "all"


# -- found by a hostile review of the above -------------------------------------------------

SECRET_RISK = f"""\
id: R0002
title: {CANARY} corrupt officer
category: people
owner: lead-a
raised: 2004-05-01
inherent: {{likelihood: 5, impact: 5}}
residual: {{likelihood: 4, impact: 5, date: 2004-05-01}}
controls: [{{description: {CANARY} surveillance, owner: lead-a}}]
escalated: {{to: Anti-Corruption Command, date: 2004-05-02}}
marking: secret
"""
OPEN_RISK = """\
id: R0002
title: Office move delayed
category: operational
owner: lead-b
raised: 2004-09-01
inherent: {likelihood: 2, impact: 2}
residual: {likelihood: 1, impact: 2, date: 2004-09-01}
controls: [{description: Weekly check, owner: lead-b}]
"""
R2 = "data/risks/R0002.yaml"


def test_a_reused_id_never_reveals_the_old_item(cli: CliRunner, repo: RepoBuilder) -> None:
    """A deleted secret risk's id given to a new open risk lowered the old one's marking:
    `changes` printed its controls and scores, `history` its trail."""
    git(repo.root, "init", "-q", "-b", "main")
    repo.write(R2, SECRET_RISK)
    first = commit(repo, "a secret risk", "2004-06-10T10:00:00")
    (repo.root / R2).unlink()
    commit(repo, "deleted", "2004-07-01T10:00:00")
    code, out, err = run(
        cli,
        repo,
        "new",
        "risk",
        "--title",
        "Next",
        "--category",
        "people",
        "--likelihood",
        "1",
        "--impact",
        "1",
        "--raised",
        "2004-09-01",
    )
    assert code == 0 and "R0003" in out + err  # psstrat new never reuses an id git has seen
    (repo.root / "data/risks/R0003.yaml").unlink()
    repo.write(R2, OPEN_RISK)  # by hand, as a hostile author would
    for args in (
        ["changes", "--since", first],
        ["changes", "--since", first, "-f", "md"],
        ["history", "R0002"],
        ["report", *Q3, "--since", first],
    ):
        code, out, err = run(cli, repo, *args)
        assert code == 0 and CANARY not in out + err, args
        assert "20 (very high)" not in out and "surveillance" not in out


def test_an_item_re_marked_then_deleted_stays_withheld(cli: CliRunner, repo: RepoBuilder) -> None:
    """Open at A, secret at B, deleted at C: `changes --since A` printed `R0001 ... removed`
    with the title re-marked secret (the versions between were not consulted)."""
    git(repo.root, "init", "-q", "-b", "main")
    repo.edit(R1, "marking: official-sensitive", "marking: official")
    repo.edit(R1, "title: Information leakage", f"title: {CANARY} informant")
    first = commit(repo, "A", "2004-07-01T10:00:00")
    repo.edit(R1, "marking: official", "marking: secret")
    commit(repo, "B", "2004-08-01T10:00:00")
    (repo.root / R1).unlink()
    repo.edit(S1, "    risks: [R0001]\n", "")
    repo.edit("data/sia/SIA-2004.yaml", "risks: [R0001]", "risks: []")
    commit(repo, "C", "2004-09-01T10:00:00")
    code, out, _ = run(cli, repo, "changes", "--since", first)
    assert code == 0 and CANARY not in out and "R0001" not in out


def test_a_comparison_until_a_commit_is_governed_by_today(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    """`changes --until B` used B's markings: an item re-marked secret after B was shown."""
    git(repo.root, "init", "-q", "-b", "main")
    repo.edit(R1, "marking: official-sensitive", "marking: official")
    repo.edit(R1, "title: Information leakage", f"title: {CANARY} informant")
    first = commit(repo, "A", "2004-07-01T10:00:00")
    repo.edit(R1, "residual: {likelihood: 3, impact: 4", "residual: {likelihood: 3, impact: 3")
    second = commit(repo, "B", "2004-08-01T10:00:00")
    repo.edit(R1, "marking: official", "marking: secret")  # today, uncommitted
    for fmt in ("text", "json"):
        code, out, _ = run(cli, repo, "changes", "--since", first, "--until", second, "-f", fmt)
        assert code == 0 and CANARY not in out


def test_history_is_governed_by_the_item_wherever_it_is_today(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    """R0001 moved to another file and re-marked secret there: `history R0001` followed the
    old file and showed its scores."""
    git(repo.root, "init", "-q", "-b", "main")
    repo.edit(R1, "marking: official-sensitive", "marking: official")
    commit(repo, "open", "2004-07-01T10:00:00")
    moved = repo.read(R1).replace("marking: official", "marking: secret")
    (repo.root / R1).unlink()
    repo.write("data/risks/R0002.yaml", moved)
    code, out, err = run(cli, repo, "history", "R0001")
    assert (code, out) == (2, "") and "no history of R0001 that the open session" in err


def test_a_twin_renumbered_later_does_not_lend_its_dates(cli: CliRunner, repo: RepoBuilder) -> None:
    """An old duplicate of an open milestone, marked secret and later renumbered: `changes`
    quoted the secret twin's due date as the open milestone's."""
    git(repo.root, "init", "-q", "-b", "main")
    twin = "      - {id: S1.1.M2, title: Twin, due: 2004-12-24, marking: secret}\n"
    repo.edit(S1, "    updates:", twin + "    updates:")
    first = commit(repo, "twins", "2004-07-01T10:00:00")
    repo.edit(S1, twin, twin.replace("S1.1.M2", "S1.1.M3"))
    code, out, _ = run(cli, repo, "changes", "--since", first)
    assert code == 0 and "24 December 2004" not in out and "Twin" not in out


@pytest.mark.parametrize(
    "breakage", ["marking: Secret", "status: bogus\n    marking: secret"], ids=["case", "schema"]
)
def test_a_problem_inside_a_withheld_item_does_not_withhold_its_file(
    cli: CliRunner, repo: RepoBuilder, breakage: str
) -> None:
    """A withheld work element that does not validate withheld its whole strand: S1 vanished
    from the open outputs and `overdue --fail` said nothing was overdue."""
    without = outputs(cli, repo)
    element = f"  - id: S1.2\n    title: {CANARY}\n    {breakage}\n"
    repo.edit(S1, "work_elements:\n", "work_elements:\n" + element)
    assert outputs(cli, repo) == without
    code, _, err = run(cli, repo, "overdue", "--as-of", "2005-12-31", "--fail")
    assert code == 1 and CANARY not in err


@pytest.mark.parametrize(
    ("hidden", "what"),
    [
        ("    #marking: secret\r    \n", "a carriage return without a newline"),
        ("    # \u202emarking: secret\n", "the invisible character U+202E"),
    ],
    ids=["carriage return", "bidi override"],
)
def test_a_file_that_reads_differently_from_what_it_is_is_refused(
    cli: CliRunner, repo: RepoBuilder, hidden: str, what: str
) -> None:
    """A comment that a terminal shows as `marking: secret` was accepted without a word."""
    repo.edit(S1, "    status: on-track\n", "    status: on-track\n" + hidden)
    code, out, _ = run(cli, repo, "validate", *AS_OF)
    assert code == 1 and "error[yaml-syntax]" in out and what in out


def test_a_strategy_broken_in_an_old_commit_does_not_refuse_today(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    """A strategy.yaml broken for a day in September made today's report and `changes`
    refuse, though today's data validates."""
    git(repo.root, "init", "-q", "-b", "main")
    commit(repo, "start", "2004-09-01T10:00:00")
    good = repo.read("data/strategy.yaml")
    repo.write("data/strategy.yaml", good + "oops: [\n")
    commit(repo, "broken", "2004-09-15T10:00:00")
    repo.write("data/strategy.yaml", good)
    commit(repo, "fixed", "2004-10-02T10:00:00")
    code, out, _ = run(cli, repo, "report", *Q3)
    assert code == 0 and "Changes since the last report" in out
    code, out, _ = run(cli, repo, "changes", "--since", "2004-09-30")
    assert code == 0 and "one file does not load" in out


def test_an_uncommitted_edit_to_a_withheld_item_is_no_draft_in_open_session(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    """Editing only the official-sensitive R0001 made the open paper a DRAFT "from data with
    uncommitted changes"."""
    git(repo.root, "init", "-q", "-b", "main")
    commit(repo, "start", "2004-09-01T10:00:00")
    repo.edit(R1, "title: Information leakage", "title: Information leakage by post")
    code, out, _ = run(cli, repo, "report", *Q3)
    assert code == 0 and "DRAFT" not in out and "uncommitted" not in out
    code, out, _ = run(cli, repo, "report", *Q3, "--session", "closed")
    assert "uncommitted changes" in out
    repo.edit(S1, "title: Security of information", "title: Security of all information")
    code, out, _ = run(cli, repo, "report", *Q3)
    assert "uncommitted changes" in out


def test_a_marking_listed_twice_is_a_settings_error(cli: CliRunner, repo: RepoBuilder) -> None:
    """`markings: [official, secret, official-sensitive, secret]` ranked secret items by the
    first place and showed them to the closed session."""
    repo.write("psstrat.yaml", "markings: [official, secret, official-sensitive, Secret]\n")
    code, _, err = run(cli, repo, "status", *AS_OF)
    assert code == 2 and "markings lists `Secret` twice" in err


@pytest.mark.parametrize(
    "line", ['<img src="http://example.org/p.png">', "[more](https://example.org/x)"]
)
def test_a_markdown_template_cannot_put_remote_content_in_a_paper(
    cli: CliRunner, repo: RepoBuilder, line: str
) -> None:
    repo.write("templates/report.md.j2", f"# {{{{ r.title | md }}}}\n\n{line}\n")
    code, out, err = run(cli, repo, "report", *Q3)
    assert (code, out) == (2, "") and "template report.md.j2: the paper would carry" in err


def test_a_binary_paper_never_goes_to_an_actions_log(
    cli: CliRunner, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PDF bytes hold lines psstrat cannot make inert (an uncompressed title)."""
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, err = run(cli, repo, "report", *Q3, "-f", "docx")
    assert (code, out) == (2, "") and "in GitHub Actions it goes to a file" in err


# -- and by a second review ---------------------------------------------------------------


def _open_risk(repo: RepoBuilder) -> None:
    repo.edit(R1, "marking: official-sensitive", "marking: official")
    repo.edit(R1, "title: Information leakage", f"title: {CANARY} informant")


def _delete_risk(repo: RepoBuilder) -> None:
    (repo.root / R1).unlink()
    repo.edit(S1, "    risks: [R0001]\n", "")
    repo.edit("data/sia/SIA-2004.yaml", "risks: [R0001]", "risks: []")


def test_a_version_between_that_does_not_load_withholds_what_came_before(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    """A commit in which R0001 was marked secret and broken governed nothing: the versions
    before it were shown (a marking that cannot be read must withhold)."""
    git(repo.root, "init", "-q", "-b", "main")
    _open_risk(repo)
    first = commit(repo, "A", "2004-07-01T10:00:00")
    good = repo.read(R1)
    repo.write(R1, good.replace("marking: official", "marking: secret") + "oops: [\n")
    commit(repo, "secret and broken", "2004-08-01T10:00:00")
    repo.write(R1, good.replace("residual: {likelihood: 3", "residual: {likelihood: 2"))
    commit(repo, "official again", "2004-09-01T10:00:00")
    code, out, _ = run(cli, repo, "history", "R0001")
    assert code == 0 and "12 (high)" not in out and "(first recorded)" in out
    _delete_risk(repo)
    code, out, _ = run(cli, repo, "changes", "--since", first)
    assert code == 0 and CANARY not in out


@pytest.mark.parametrize("how", ["side branch", "merge resolution"])
def test_every_commit_between_governs_merges_too(
    cli: CliRunner, repo: RepoBuilder, how: str
) -> None:
    """A re-marking on a side branch that was put back before the merge, or made in a merge's
    own resolution, was never read (git's history simplification; no diff for merges)."""
    git(repo.root, "init", "-q", "-b", "main")
    _open_risk(repo)
    first = commit(repo, "A", "2004-07-01T10:00:00")
    git(repo.root, "checkout", "-q", "-b", "side")
    if how == "side branch":
        repo.edit(R1, "marking: official", "marking: secret")
        commit(repo, "secret", "2004-07-02T10:00:00")
        repo.edit(R1, "marking: secret", "marking: official")
        commit(repo, "back", "2004-07-03T10:00:00")
    else:
        repo.edit(S1, "title: Security of information", "title: Security of all information")
        commit(repo, "side", "2004-07-02T10:00:00")
    git(repo.root, "checkout", "-q", "main")
    repo.edit("data/meetings.yaml", "report: 7", "report: 8")
    commit(repo, "main", "2004-07-04T10:00:00")
    git(repo.root, "merge", "-q", "--no-ff", "--no-commit", "side", date="2004-07-05T10:00:00")
    if how == "merge resolution":
        repo.edit(R1, "marking: official", "marking: secret")
    commit(repo, "merge", "2004-07-05T10:00:00")
    _delete_risk(repo)
    code, out, _ = run(cli, repo, "changes", "--since", first)
    assert code == 0 and CANARY not in out and "R0001" not in out


def test_an_id_written_with_an_escape_still_governs(cli: CliRunner, repo: RepoBuilder) -> None:
    """`id: "R\\x30001"` is R0001; a re-marking written so was skipped as naming no id."""
    git(repo.root, "init", "-q", "-b", "main")
    _open_risk(repo)
    first = commit(repo, "A", "2004-07-01T10:00:00")
    repo.edit(R1, "id: R0001", 'id: "R\\x30001"')
    repo.edit(R1, "marking: official", "marking: secret")
    commit(repo, "re-marked", "2004-08-01T10:00:00")
    _delete_risk(repo)
    code, out, _ = run(cli, repo, "changes", "--since", first)
    assert code == 0 and CANARY not in out


def test_a_meeting_re_marked_then_deleted_stays_withheld(cli: CliRunner, repo: RepoBuilder) -> None:
    """Meetings have no id, so a later version of meetings.yaml was never read."""
    git(repo.root, "init", "-q", "-b", "main")
    meeting = "  - date: 2005-03-10\n    title: Spring meeting\n"
    repo.write("data/meetings.yaml", repo.read("data/meetings.yaml") + meeting)
    first = commit(repo, "A", "2005-01-01T10:00:00")
    marked = meeting + "    marking: secret\n"
    repo.edit("data/meetings.yaml", meeting, marked)
    commit(repo, "re-marked", "2005-01-02T10:00:00")
    repo.edit("data/meetings.yaml", marked, "")
    code, out, _ = run(cli, repo, "changes", "--since", first)
    assert code == 0 and "changed in ways not listed" not in out


def test_a_re_marked_note_in_a_file_that_does_not_validate_is_no_draft(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    """An update re-marked secret (uncommitted) made the open paper a draft when the same file
    also held an error inside a withheld item: notes in such a file were not ranked."""
    git(repo.root, "init", "-q", "-b", "main")
    commit(repo, "start", "2004-09-01T10:00:00")
    note = "        text: Code agreed by the committee.\n"
    repo.edit(S1, note, note + "        marking: secret\n")
    code, out, _ = run(cli, repo, "report", *Q3)
    assert code == 0 and "uncommitted" not in out and "agreed by the committee" not in out
    secret = "  - id: S1.9\n    title: Hidden\n    status: bogus\n    marking: secret\n"
    repo.edit(S1, "work_elements:\n", "work_elements:\n" + secret)
    code, out, _ = run(cli, repo, "report", *Q3)
    assert code == 0 and "uncommitted" not in out and "agreed by the committee" not in out
