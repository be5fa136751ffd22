"""`psstrat plan` on small repositories and on the shipped data: the meetings to come with
their papers, each strand's last and next report, and only what the session may see."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests import actions_runner as runner
from tests.conftest import RepoBuilder, as_json, invoke

ROOT = str(Path(__file__).resolve().parents[1])
MEETINGS = "data/meetings.yaml"
FORMATS = ("table", "json", "csv")

PLANNED = """\
    committee: Test Committee
    meetings:
      - date: 2003-10-01
      - date: 2004-06-10
        report: 5
        title: Progress on strand 1
        strands: [S1]
      - date: 2005-03-10
        committee: MPS Professional Standards Strategic Committee
        papers:
          - title: Substance misuse testing
            strands: [S2]
            authors: [lead-b]
      - date: 2005-01-13
        report: 7
        strands: [S1]
        papers:
          - report: 8
            title: Information code implementation
            kind: strand
            strands: [S1]
            authors: [lead-a, lead-b]
          - report: 9
            title: Strategic Intelligence Assessment 2004
            kind: sia
            sia: SIA-2004
      - date: 2005-04-14
    """
"""Held on 1 October 2003 (the committee's first meeting: a strand never reported is late
from 12 months after it) and 10 June 2004 (strand 1), then planned: 13 January 2005 (the
quarter's paper and two more, one with no author), another body's meeting on 10 March 2005
(strand 2, which does not report it to the committee), and 14 April 2005 with nothing planned
yet."""

S2 = """\
    id: S2
    title: Leadership and supervision
    lead: lead-a
    outcomes: [O1]
    """

WITHHELD_PAPER = """\
      - report: 10
        title: Vetting casework XYZZY
        kind: strand
        strands: [S2]
        authors: [lead-a]
        marking: official-sensitive
"""
WITHHELD_MEETING = """\
  - date: 2004-09-01
    title: Closed briefing PLUGH
    strands: [S2]
    marking: official-sensitive
  - date: 2005-02-17
    title: Closed session PLUGH
    strands: [S2]
    marking: official-sensitive
"""
"""A paper marked above open at the January meeting, a meeting in closed session that took
strand 2 in September 2004 and one planned for February 2005."""


@pytest.fixture
def planned(repo: RepoBuilder) -> RepoBuilder:
    repo.write(MEETINGS, PLANNED)
    repo.write("data/strands/S2.yaml", S2)
    return repo


def plan(cli: CliRunner, root: Path | str, *args: str) -> tuple[int, str, str]:
    return invoke(cli, "plan", "--root", str(root), "--as-of", "2004-12-31", *args)


def test_the_meetings_to_come_with_their_papers(planned: RepoBuilder, cli: CliRunner) -> None:
    code, out, _ = plan(cli, planned.root, "--format", "json")
    assert code == 0
    found = as_json(out)
    assert found["as_of"] == "2004-12-31"
    assert found["committee"] == "Test Committee"
    assert found["strand_report_months"] == 12
    # By date, the meeting held in June 2004 left out; each paper in the file's order.
    assert [m["date"] for m in found["meetings"]] == ["2005-01-13", "2005-03-10", "2005-04-14"]
    january, march, april = found["meetings"]
    assert (january["committee"], january["own_committee"]) == ("Test Committee", True)
    assert january["papers"] == [
        {
            "report": "7",
            "title": None,
            "kind": "quarter",
            "strands": ["S1"],
            "sia": None,
            "authors": [],
            "marking": None,
        },
        {
            "report": "8",
            "title": "Information code implementation",
            "kind": "strand",
            "strands": ["S1"],
            "sia": None,
            "authors": ["DCS Intelligence Command, DPS (Jane Smith)", "Deputy Director, DPS"],
            "marking": None,
        },
        {
            "report": "9",
            "title": "Strategic Intelligence Assessment 2004",
            "kind": "sia",
            "strands": [],
            "sia": "SIA-2004",
            "authors": [],
            "marking": None,
        },
    ]
    assert march["committee"] == "MPS Professional Standards Strategic Committee"
    assert march["own_committee"] is False
    assert [p["title"] for p in march["papers"]] == ["Substance misuse testing"]
    assert april["papers"] == []


def test_each_strand_last_and_next_report(planned: RepoBuilder, cli: CliRunner) -> None:
    """Strand 1 was reported in June 2004 and is planned for January; strand 2 has never been
    reported to the committee (the Strategic Committee's paper on it does not count), so it
    is flagged, and it is flagged on the day 12 months after the committee first met (1
    October 2003), not before, and not after the strategy has ended."""
    _, out, _ = plan(cli, planned.root, "--format", "json")
    assert as_json(out)["strands"] == [
        {
            "id": "S1",
            "title": "Security of information",
            "last_reported": "2004-06-10",
            "next_planned": "2005-01-13",
            "unreported": False,
            "marking": None,
        },
        {
            "id": "S2",
            "title": "Leadership and supervision",
            "last_reported": None,
            "next_planned": None,
            "unreported": True,
            "marking": None,
        },
    ]
    args = ["plan", "--root", str(planned.root), "--format", "json", "--allow-errors"]
    for day, flagged in (("2004-10-01", False), ("2004-10-02", True), ("2007-08-01", False)):
        strands = as_json(invoke(cli, *args, "--as-of", day)[1])["strands"]
        assert strands[1]["unreported"] is flagged, day
    # Twelve months on from June 2004, strand 1 is due again.
    strands = as_json(invoke(cli, *args, "--as-of", "2005-06-11")[1])["strands"]
    assert (strands[0]["last_reported"], strands[0]["unreported"]) == ("2005-01-13", False)
    strands = as_json(invoke(cli, *args, "--as-of", "2006-01-14")[1])["strands"]
    assert strands[0]["unreported"] is True


def test_plan_and_validate_agree(planned: RepoBuilder, cli: CliRunner) -> None:
    """What the plan flags, `validate` warns about: the strand never reported, and the paper
    planned with no author."""
    _, out, _ = invoke(
        cli, "validate", "--root", str(planned.root), "--as-of", "2004-12-31", "-f", "json"
    )
    found = {(d["code"], Path(d["path"]).as_posix(), d["message"]) for d in as_json(out)}
    found = {(code, path[path.index("data/") :], says) for code, path, says in found}
    assert (
        "strand-unreported",
        "data/strands/S2.yaml",
        "strand S2 (Leadership and supervision) has not been reported to the committee in the "
        "12 months to 2004-12-31 (last reported: never; next planned: none)",
    ) in found
    assert (
        "paper-unauthored",
        MEETINGS,
        "paper Strategic Intelligence Assessment 2004 (report 9), planned for the meeting on "
        "2005-01-13, has no author",
    ) in found
    assert not any(code == "strand-unreported" and "S1" in path for code, path, _ in found)


def test_the_table(planned: RepoBuilder, cli: CliRunner) -> None:
    code, out, _ = plan(cli, planned.root)
    assert code == 0
    assert "\x1b[" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert out.startswith("Forward plan of the Test Committee as of 2004-12-31\n")
    assert out.index("2005-01-13") < out.index("2005-03-10") < out.index("2005-04-14")
    assert "Information code" in out and "Deputy Director," in out
    assert "other body:" in out and "Strategic" in out
    assert "no paper planned" in out and "no author" in out
    assert "2004-06-10" in out and "none planned" in out and "overdue" in out
    assert "3 meeting(s), 4 paper(s) planned, 2 without an author; 1 of 2 strand(s)" in out


def test_csv_rows(planned: RepoBuilder, cli: CliRunner) -> None:
    code, out, _ = plan(cli, planned.root, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0] == (
        "section,meeting,committee,own_committee,report,title,kind,strands,sia,authors,"
        "strand,last_reported,next_planned,unreported,marking"
    )
    assert [(r["section"], r["meeting"] or r["strand"], r["report"]) for r in rows] == [
        ("paper", "2005-01-13", "7"),
        ("paper", "2005-01-13", "8"),
        ("paper", "2005-01-13", "9"),
        ("paper", "2005-03-10", ""),
        ("meeting", "2005-04-14", ""),
        ("strand", "S1", ""),
        ("strand", "S2", ""),
    ]
    assert rows[1]["authors"] == "DCS Intelligence Command, DPS (Jane Smith); Deputy Director, DPS"
    assert (rows[2]["authors"], rows[2]["sia"], rows[2]["kind"]) == ("", "SIA-2004", "sia")
    assert rows[3]["own_committee"] == "false" and rows[0]["own_committee"] == "true"
    assert (rows[5]["last_reported"], rows[5]["next_planned"], rows[5]["unreported"]) == (
        "2004-06-10",
        "2005-01-13",
        "false",
    )
    assert (rows[6]["last_reported"], rows[6]["unreported"]) == ("", "true")


def _with_withheld(repo: RepoBuilder) -> RepoBuilder:
    repo.edit(MEETINGS, "        sia: SIA-2004\n", "        sia: SIA-2004\n" + WITHHELD_PAPER)
    repo.edit(MEETINGS, "  - date: 2005-04-14\n", WITHHELD_MEETING + "  - date: 2005-04-14\n")
    return repo


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_open_session_sees_the_plan_as_if_the_withheld_were_deleted(
    planned: RepoBuilder, cli: CliRunner, tmp_path: Path, fmt: str
) -> None:
    """The withheld paper and meetings are not listed, and nothing else changes: strand 2,
    taken only at a closed meeting and planned only in a withheld paper, shows as never
    reported and none planned, as if they had never been written. The closed session sees
    them, tagged."""
    deleted = RepoBuilder(tmp_path / "deleted")
    deleted.write(MEETINGS, planned.read(MEETINGS))
    deleted.write("data/strands/S2.yaml", S2)
    _with_withheld(planned)
    code, out, _ = plan(cli, planned.root, "--format", fmt)
    assert code == 0
    assert "XYZZY" not in out and "PLUGH" not in out and "2005-02-17" not in out
    assert out == plan(cli, deleted.root, "--format", fmt)[1]
    code, closed, _ = plan(cli, planned.root, "--format", fmt, "--session", "closed")
    assert code == 0 and "XYZZY" in closed and "PLUGH" in closed
    if fmt == "table":
        assert "[OFFICIAL-SENSITIVE]" in closed and "Vetting casework XYZZY" in closed


def test_the_closed_session_counts_the_closed_meeting(planned: RepoBuilder, cli: CliRunner) -> None:
    _with_withheld(planned)
    _, out, _ = plan(cli, planned.root, "--format", "json", "--session", "closed")
    found = as_json(out)
    assert found["strands"][1]["last_reported"] == "2004-09-01"
    assert found["strands"][1]["next_planned"] == "2005-01-13"
    assert found["strands"][1]["unreported"] is False
    [closed] = [m for m in found["meetings"] if m["date"] == "2005-02-17"]
    assert closed["marking"] == "official-sensitive"
    assert closed["papers"][0]["marking"] == "official-sensitive"


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_is_inert(planned: RepoBuilder, cli: CliRunner, fmt: str) -> None:
    """A title that would be a workflow command in a CI log, or start a new line, is shown
    and never obeyed (the control character is an error: --allow-errors)."""
    planned.edit(
        MEETINGS,
        "title: Information code implementation",
        'title: "::error file=README.md::forged\\n::add-mask::x ##[error]y"',
    )
    code, out, err = plan(cli, planned.root, "--format", fmt, "--allow-errors")
    assert code == 0
    assert "file=README.md" in out
    assert runner.commands_in(out) == [] and runner.commands_in(err) == []
    if fmt == "json":
        [paper] = [p for p in as_json(out)["meetings"][0]["papers"] if p["report"] == "8"]
        assert paper["title"] == "::error file=README.md::forged\n::add-mask::x ##[error]y"


def test_no_meetings_planned(repo: RepoBuilder, cli: CliRunner) -> None:
    repo.write(MEETINGS, "committee: Test Committee\nmeetings: []\n")
    code, out, _ = plan(cli, repo.root)
    assert code == 0
    assert "No meetings planned after 2004-12-31." in out
    # The committee has never met: no strand can be late reporting to it.
    assert "0 meeting(s), 0 paper(s) planned, 0 without an author; 0 of 1 strand(s)" in out
    # Without a meetings file nothing can be said to be late (as validate says nothing).
    (repo.root / MEETINGS).unlink()
    _, out, _ = plan(cli, repo.root, "--format", "json")
    assert as_json(out)["meetings"] == []
    assert as_json(out)["strands"][0]["unreported"] is False


def test_data_with_errors_is_refused_unless_allowed(planned: RepoBuilder, cli: CliRunner) -> None:
    planned.edit("data/strands/S1.yaml", "lead: lead-a", "lead: lead-c")
    code, out, err = plan(cli, planned.root, "--session", "all")
    assert (code, out) == (1, "")
    assert "error[unknown-reference]" in err and "--allow-errors" in err
    code, out, _ = plan(cli, planned.root, "--session", "all", "--allow-errors")
    assert code == 0 and "Substance misuse" in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--as-of", "2004-13-01"], "`2004-13-01` is not a date; write it as YYYY-MM-DD"),
        (["--format", "pdf"], "`pdf` is not an output format; use one of: table, json, csv"),
        (["--session", "secret"], "`secret` is not a session; use one of: open, closed, all"),
    ],
)
def test_usage_errors_exit_2(
    planned: RepoBuilder, cli: CliRunner, args: list[str], says: str
) -> None:
    code, out, err = invoke(cli, "plan", "--root", str(planned.root), *args)
    assert (code, out) == (2, "")
    assert says in " ".join(err.split())
    assert "Traceback" not in err


def test_a_root_that_is_not_a_directory(tmp_path: Path, cli: CliRunner) -> None:
    code, out, err = plan(cli, tmp_path / "nowhere")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"psstrat: error: --root {tmp_path / 'nowhere'} is not a directory; pass an existing "
        "directory"
    ]


# -- the shipped data ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_shipped_data_at_the_end_of_2004(cli: CliRunner, fmt: str) -> None:
    """At the end of 2004 strand 4 had been reported in January 2004 and comes round again on
    13 January 2005; strands 1, 2 and 3 had never been reported and strand 5 not since
    December 2002. The same output every time."""
    code, first, _ = plan(cli, ROOT, "--format", fmt)
    assert code == 0
    assert plan(cli, ROOT, "--format", fmt)[1] == first
    assert "Progress on Strand" in first
    assert first.index("2005-01-13") < first.index("2007-09-13")
    assert "2004-10-07" not in first  # held before the day
    if fmt == "json":
        found = as_json(first)
        assert [m["date"] for m in found["meetings"]] == ["2005-01-13", "2007-09-13"]
        assert {
            s["id"]: (s["last_reported"], s["next_planned"], s["unreported"])
            for s in found["strands"]
        } == {
            "S1": (None, None, True),
            "S2": (None, None, True),
            "S3": (None, None, True),
            "S4": ("2004-01-12", "2005-01-13", False),
            "S5": ("2002-12-19", None, True),
        }


def test_shipped_data_a_withheld_paper(cli: CliRunner, tmp_path: Path) -> None:
    """A paper marked above open, planned for the January 2005 meeting of the shipped data,
    is not in the open plan, which is exactly the plan without it; the closed plan has it."""
    copy = tmp_path / "shipped"
    shutil.copytree(Path(ROOT) / "data", copy / "data")
    shutil.copy(Path(ROOT) / "psstrat.yaml", copy / "psstrat.yaml")
    before = {fmt: plan(cli, copy, "--format", fmt)[1] for fmt in FORMATS}
    path = copy / MEETINGS
    text = path.read_text(encoding="utf-8")
    anchor = "    illustrative: [date, report, title, strands]\n"
    assert text.count(anchor) == 1
    path.write_text(
        text.replace(
            anchor,
            anchor
            + "    papers:\n"
            + "      - title: Misconduct casework QUUX\n"
            + "        kind: strand\n"
            + "        strands: [S1]\n"
            + "        authors: [director-dps]\n"
            + "        marking: official-sensitive\n",
        ),
        encoding="utf-8",
    )
    for fmt in FORMATS:
        code, out, _ = plan(cli, copy, "--format", fmt)
        assert code == 0 and out == before[fmt]
        code, out, _ = plan(cli, copy, "--format", fmt, "--session", "closed")
        assert code == 0 and "QUUX" in out
    _, out, _ = plan(cli, copy, "--format", "json", "--session", "closed")
    assert as_json(out)["strands"][0]["next_planned"] == "2005-01-13"
