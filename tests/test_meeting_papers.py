"""A meeting's paper (`report --meeting`): the committee's papers as data.

The shipped data reproduces the source papers 000, 002 and 001 (golden files, reviewed by
hand against the seeds); what a paper holds is as at its date; what is withheld from a session
never reaches its paper nor changes it (but for the count of withheld items), in every format;
and every mistake a user can make is one line and exit 2.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from psstrat.errors import PsstratError
from psstrat.provenance import Source
from psstrat.report.paper import produce
from psstrat.report.papers import build_paper
from psstrat.repository import load_repository
from tests.conftest import RepoBuilder, invoke
from tests.test_formats import _docx_plain, docx_text
from tests.test_report import _golden

ROOT = Path(__file__).resolve().parents[1]
CANARY = "CANARY-9f1c-closed-part"


def shipped(day: dt.date, session: str = "open", fmt: str = "md", root: Path = ROOT) -> str | bytes:
    context = build_paper(load_repository(root), day, None, session, Source("GOLDEN", False))
    return produce(context, fmt, root)


# -- the shipped data reads like the source papers -------------------------------------------


@pytest.mark.parametrize(
    ("name", "day", "session"),
    [
        ("meeting-2002-12-19-open.md", dt.date(2002, 12, 19), "open"),  # seed 000
        ("meeting-2004-01-12-open.md", dt.date(2004, 1, 12), "open"),  # seed 002
        ("meeting-2004-10-07-open.md", dt.date(2004, 10, 7), "open"),  # seed 001
        ("meeting-2004-10-07-closed.md", dt.date(2004, 10, 7), "closed"),
        ("meeting-2004-01-12-open.html", dt.date(2004, 1, 12), "open"),
    ],
)
def test_golden_papers_of_the_shipped_meetings(name: str, day: dt.date, session: str) -> None:
    fmt = name.rsplit(".", 1)[1]
    text = shipped(day, session, fmt)
    assert isinstance(text, str)
    _golden(name, text)


def test_golden_paper_of_the_2007_programme() -> None:
    """examples/pss-2007: seed 004, a programme update with its own "By", author and C
    heading ("Race and equality impact")."""
    root = ROOT / "examples" / "pss-2007"
    text = shipped(dt.date(2007, 9, 13), "open", "md", root)
    assert isinstance(text, str)
    assert "## C. Race and equality impact" in text
    assert (
        "| By | Assistant Commissioner Operational Services on behalf of the Commissioner |" in text
    )
    assert "Report author: Planning Manager, MPS (Sharon Hicks)" in text
    _golden("meeting-2007-09-13-open.md", text)


def test_golden_word_paper_of_the_sia_meeting() -> None:
    data = shipped(dt.date(2004, 10, 7), "closed", "docx")
    assert isinstance(data, bytes)
    _golden("meeting-2004-10-07-closed.docx.txt", _docx_plain(docx.Document(io.BytesIO(data))))


def test_the_december_2002_paper_is_seed_000() -> None:
    md = shipped(dt.date(2002, 12, 19))
    assert isinstance(md, str)
    # Its own author and section C, not the strategy's (the audit's W2 and gap 1).
    assert "Report author: Deputy Director, DPS (Commander Hagon)" in md
    assert "## C. Equality and diversity implications\n\nNone.\n" in md
    assert "| Presented by | Deputy Director, DPS (Commander Hagon) |" in md
    # Paragraphs 9 and 10 are written from the strand's data, numbered with the author's.
    assert "9. The overarching purpose of the strand is\n\n    \u2018To maintain existing" in md
    assert re.search(r"^11\. The key element of this strand", md, re.M)
    assert "## E. Background papers\n\nNone." in md


def test_the_january_2004_paper_is_seed_002() -> None:
    md = shipped(dt.date(2004, 1, 12))
    assert isinstance(md, str)
    # Strand 4 since the strategy's launch: no earlier paper on it.
    assert "| Covers | 1 August 2002 to 12 January 2004, as at 12 January 2004 |" in md
    assert "However, the cost implications relating to Substance Misuse Testing" in md
    # No section E, and F keeps its letter, as in the paper.
    assert "## E." not in md and "## F. Contact details" in md
    assert "Report author: Director, Directorate of Professional Standards" in md
    assert "            - 5. Testing during the Probationary period; and" in md.replace("\\", "")


def test_the_october_2004_sia_paper_keeps_its_risks_for_closed_session() -> None:
    opened, closed = shipped(dt.date(2004, 10, 7)), shipped(dt.date(2004, 10, 7), "closed")
    assert isinstance(opened, str) and isinstance(closed, str)
    for md in (opened, closed):
        assert "8. The six key strategic issues" in md
        assert "    - Substance misuse\n" in md
    assert "R0001 Intelligence and information leakage" not in opened
    assert "One paper paragraph marked above open session is withheld" in opened
    assert "11. **[OFFICIAL-SENSITIVE]** The key strategic risks" in closed
    assert "Control: Set up the DPS High Tech Crime Unit" in closed
    assert "**OFFICIAL-SENSITIVE**" in closed and "**OFFICIAL**\n" in opened


def test_every_format_of_a_paper_is_the_same_bytes_every_time() -> None:
    for fmt in ("md", "html", "docx"):
        assert shipped(dt.date(2004, 1, 12), "closed", fmt) == shipped(
            dt.date(2004, 1, 12), "closed", fmt
        )


# -- a repository of one's own ---------------------------------------------------------------


def papers(repo: RepoBuilder, meetings: str) -> None:
    repo.write("data/meetings.yaml", meetings)


TWO_MEETINGS = """\
    committee: Test Committee
    contacts: ["Secretariat: 020 0000 0000"]
    meetings:
      - date: 2004-10-20
        papers:
          - report: 5
            title: Strand 1 progress
            kind: strand
            strands: [S1]
            authors: [lead-a]
        actions:
          - id: A1
            text: Report the code's take-up
            owner: lead-b
            due: 2004-12-31
          - id: A2
            text: Brief the committee on leakage
            owner: lead-a
            due: 2004-11-30
            completed: 2004-11-15
          - id: A3
            text: Publish the code's summary
            owner: lead-a
            due: 2005-01-05
            completed: 2005-02-01
      - date: 2005-01-13
        papers:
          - report: 7
            title: Strand 1 progress again
            kind: strand
            strands: [S1]
            authors: [lead-a]
            supporting:
              - text: The author's own paragraph.
              - include: progress
              - text: A closed paragraph about the code.
                marking: official-sensitive
                exempt: personal
              - include: purpose
    """


def test_a_paper_reports_its_window_and_the_actions_arising(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    papers(repo, TWO_MEETINGS)
    code, md, err = invoke(cli, "report", "--root", str(repo.root), "--meeting", "2005-01-13")
    assert code == 0, err
    # The window starts the day after the last paper on strand 1.
    assert "| Covers | 21 October 2004 to 13 January 2005, as at 13 January 2005 |" in md
    assert "1. The author's own paragraph." in md
    assert re.search(r"^2\. Progress from 21 October 2004 to 13 January 2005:", md, re.M)
    assert "1 December 2004: Code agreed by the committee." in md
    assert "Completed 13 November 2004: Code agreed" in md
    # The closed paragraph is withheld from the open paper; the numbers close up.
    assert "A closed paragraph" not in md
    assert re.search(r"^3\. The overarching purpose of the strand is:", md, re.M)
    # Actions arising from the last meeting, each as at the paper's date.
    assert "### Actions arising from the last meeting" in md
    assert "A1 Report the code's take-up (Deputy Director, DPS, due 31 December 2004): " in md
    assert "due 31 December 2004): overdue by 13 days" in md
    assert "A2 Brief the committee on leakage" in md and "completed 15 November 2004" in md
    assert "A3 Publish the code's summary" in md and "due 5 January 2005): overdue by 8 days" in md
    assert "- Secretariat: 020 0000 0000" in md


def test_a_closed_part_carries_its_marking_and_exemption_in_closed_session(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    papers(repo, TWO_MEETINGS)
    repo.write(
        "psstrat.yaml",
        'report:\n  exemptions:\n    personal: "Exempt: information relating to an individual"\n',
    )
    code, md, err = invoke(
        cli, "report", "--root", str(repo.root), "--meeting", "2005-01-13", "--session", "closed"
    )
    assert code == 0, err
    assert "3. **[OFFICIAL-SENSITIVE]** A closed paragraph about the code." in md
    assert "Exempt from publication: Exempt: information relating to an individual" in md


def test_an_exemption_not_in_the_settings_is_a_schema_problem(repo: RepoBuilder) -> None:
    papers(repo, TWO_MEETINGS)
    found = {(d.code, d.path) for d in repo.diagnostics()}
    assert ("schema", "data/meetings.yaml") in found


def _open_paper(root: Path, fmt: str) -> str | bytes:
    return produce(
        build_paper(load_repository(root), dt.date(2005, 1, 13), None, "open", Source("X", False)),
        fmt,
        root,
    )


WITHHELD_COUNT = re.compile(r"^.*withheld and reported in closed session\.(</p>)?\n", re.M)


def _without_count(text: str, root: Path) -> str:
    """The paper without its one line counting what is withheld (the trace it may have)."""
    return re.sub(r"\n{3,}", "\n\n", WITHHELD_COUNT.sub("", text)).replace(str(root), "R")


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_what_is_withheld_never_reaches_nor_changes_the_open_paper(
    repo: RepoBuilder, tmp_path: Path, fmt: str
) -> None:
    """The canary is in a closed paragraph, a secret update, a secret action and a secret
    decision; the open paper is the paper made with all four deleted, but for the count."""
    marked = TWO_MEETINGS.replace(
        "A closed paragraph about the code.", f"A closed paragraph {CANARY}."
    ).replace("                exempt: personal\n", "")
    marked = marked.replace(
        "          - id: A3",
        f"          - id: A4\n            text: {CANARY}\n            owner: lead-a\n"
        "            due: 2004-12-01\n            marking: secret\n          - id: A3",
    )
    marked = marked.replace(
        "      - date: 2005-01-13\n",
        f"        decisions:\n          - text: {CANARY}\n            strands: [S1]\n"
        "            marking: secret\n      - date: 2005-01-13\n",
    )
    papers(repo, marked)
    repo.edit(
        "data/strands/S1.yaml",
        "        text: Code agreed by the committee.\n",
        "        text: Code agreed by the committee.\n"
        f"      - date: 2004-12-02\n        text: {CANARY}\n        marking: secret\n",
    )
    opened = _open_paper(repo.root, fmt)
    text = docx_text(opened) if isinstance(opened, bytes) else opened
    assert CANARY not in text
    deleted = RepoBuilder(tmp_path / "deleted")
    papers(
        deleted,
        TWO_MEETINGS.replace(
            "              - text: A closed paragraph about the code.\n"
            "                marking: official-sensitive\n                exempt: personal\n",
            "",
        ),
    )
    without = _open_paper(deleted.root, fmt)
    if isinstance(opened, bytes):
        assert isinstance(without, bytes)
        opened, without = (
            _docx_plain(docx.Document(io.BytesIO(opened))),
            _docx_plain(docx.Document(io.BytesIO(without))),
        )
    assert isinstance(opened, str) and isinstance(without, str)
    assert "paper paragraph" in opened and "paper paragraph" not in without
    assert "an action" in opened or "1 action" in opened or "one action" in opened.lower()
    assert _without_count(opened, repo.root) == _without_count(without, deleted.root)


def test_a_withheld_paper_is_as_if_it_were_not_there(cli: CliRunner, repo: RepoBuilder) -> None:
    """A meeting took two papers, one secret: the open session gets the other without
    --paper, and asking for the secret one reads as asking for one that does not exist."""
    papers(
        repo,
        TWO_MEETINGS.replace(
            "            supporting:\n",
            "            marking: secret\n            supporting:\n",
            1,
        ).replace(
            "          - report: 7\n",
            "          - report: 8\n            title: Other\n"
            "            kind: strand\n            strands: [S1]\n          - report: 7\n",
            1,
        ),
    )
    code, md, err = invoke(cli, "report", "--root", str(repo.root), "--meeting", "2005-01-13")
    assert code == 0, err
    assert "# Other" in md and "again" not in md
    code, out, err = invoke(
        cli, "report", "--root", str(repo.root), "--meeting", "2005-01-13", "--paper", "7"
    )
    assert (code, out) == (2, "")
    assert "has no paper 7; its papers are 8 (Other)" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--meeting", "2005-02-30"], "--meeting `2005-02-30` is not a date"),
        (["--meeting", "13/01/2005"], "write it as YYYY-MM-DD"),
        (["--meeting", "2005-01-14"], "no meeting on 2005-01-14 is recorded"),
        (["--meeting", "2005-01-13", "--paper", "9"], "has no paper 9; its papers are 7"),
        (["--meeting", "2005-01-13", "--as-of", "2005-01-01"], "--as-of applies to a quarter's"),
        (["--meeting", "2005-01-13", "--since", "HEAD"], "--since applies to a quarter's"),
        (["--meeting", "2005-01-13", "--strand", "S1"], "--strand applies to a quarter's"),
        (["--meeting", "2005-01-13", "--quarter", "2004-Q3"], "name one paper"),
        ([], "name one paper"),
        (["--quarter", "2004-Q3", "--paper", "7"], "--paper chooses among a meeting's papers"),
    ],
)
def test_every_mistake_is_one_line_and_exit_2(
    cli: CliRunner, repo: RepoBuilder, args: list[str], message: str
) -> None:
    papers(repo, TWO_MEETINGS)
    code, out, err = invoke(cli, "report", "--root", str(repo.root), *args)
    assert (code, out) == (2, "")
    errors = [line for line in err.splitlines() if line.startswith("psstrat: error")]
    assert len(errors) == 1 and message in errors[0], err


def test_a_meeting_with_no_paper_says_how_to_add_one(cli: CliRunner, repo: RepoBuilder) -> None:
    code, out, err = invoke(cli, "report", "--root", str(repo.root), "--meeting", "2005-01-13")
    assert (code, out) == (2, "")
    assert "records no paper; add one under its `papers:`" in err


def test_two_papers_without_paper_asks_which(cli: CliRunner, repo: RepoBuilder) -> None:
    papers(
        repo,
        TWO_MEETINGS.replace(
            "          - report: 7\n",
            "          - report: 8\n            title: Other\n          - report: 7\n",
            1,
        ),
    )
    code, _, err = invoke(cli, "report", "--root", str(repo.root), "--meeting", "2005-01-13")
    assert code == 2 and "took 2 papers: 8 (Other), 7 (Strand 1 progress again)" in err


def test_a_paper_for_a_coming_meeting_is_a_draft_as_at_today(repo: RepoBuilder) -> None:
    papers(repo, TWO_MEETINGS)
    context = build_paper(
        load_repository(repo.root), dt.date(2005, 1, 13), None, "open", today=dt.date(2005, 1, 2)
    )
    assert context.as_of == "2 January 2005"
    assert any("before the meeting on 13 January 2005" in d for d in context.draft)


def test_the_quarters_paper_goes_to_the_committees_own_meeting(repo: RepoBuilder) -> None:
    """Another body's meeting (its `committee`) takes no quarter's paper."""
    papers(
        repo,
        TWO_MEETINGS.replace(
            "      - date: 2004-10-20\n",
            "      - date: 2005-01-05\n        committee: Strategic Committee\n"
            "        decisions:\n          - text: Agreed the code.\n            strands: [S1]\n"
            "      - date: 2004-10-20\n",
        ),
    )
    from psstrat.report.context import build_context
    from psstrat.report.scope import Paper
    from psstrat.schedule import Quarter

    repository = load_repository(repo.root)
    context = build_context(repository, Paper(Quarter(2004, 3), dt.date(2004, 12, 31)))
    assert context.meeting_date == "13 January 2005"
    # ... and its decision is reported by the next strand paper, as the body's.
    paper = build_paper(repository, dt.date(2005, 1, 13), None, "open")
    words = [b.text[0] for g in paper.groups for b in g.blocks]
    assert "On 5 January 2005 the Strategic Committee decided:" not in words  # not included


def test_decisions_in_the_window_are_reported_when_included(repo: RepoBuilder) -> None:
    papers(
        repo,
        TWO_MEETINGS.replace(
            "      - date: 2004-10-20\n",
            "      - date: 2005-01-05\n        committee: Strategic Committee\n"
            "        decisions:\n          - text: Agreed the code.\n            strands: [S1]\n"
            "          - text: About another strand.\n            strands: [S9]\n"
            "      - date: 2004-10-20\n",
        ).replace("              - include: purpose\n", "              - include: decisions\n"),
    )
    paper = build_paper(load_repository(repo.root), dt.date(2005, 1, 13), None, "open")
    blocks = [b for g in paper.groups for b in g.blocks]
    [decided] = [b for b in blocks if b.text[0].startswith("On 5 January 2005")]
    assert decided.text[0] == "On 5 January 2005 the Strategic Committee decided:"
    assert [p.text for p in decided.points] == ["Agreed the code."]


def test_no_meeting_error_names_only_what_the_session_sees(repo: RepoBuilder) -> None:
    papers(
        repo,
        TWO_MEETINGS.replace(
            "      - date: 2004-10-20\n", "      - date: 2004-10-20\n        marking: secret\n"
        ),
    )
    with pytest.raises(PsstratError) as raised:
        build_paper(load_repository(repo.root), dt.date(2004, 10, 21), None, "open")
    assert "2004-10-20" not in str(raised.value) and "2005-01-13" in str(raised.value)


def test_a_highlight_report_says_what_is_planned_next(repo: RepoBuilder) -> None:
    """A highlight report by default: progress, the milestones due in the next three months,
    the risks and the decisions."""
    papers(
        repo,
        """\
        committee: Test Committee
        meetings:
          - date: 2005-04-01
            papers:
              - report: 3
                title: Highlight report, strand 1
                kind: highlight
                strands: [S1]
        """,
    )
    paper = build_paper(load_repository(repo.root), dt.date(2005, 4, 1), None, "closed")
    blocks = {b.text[0]: b for g in paper.groups for b in g.blocks}
    nxt = blocks["Planned for the next period, to 1 July 2005:"]
    assert [p.text for p in nxt.points] == ["S1.1.M2 Code implemented: due 30 June 2005"]
    risks = blocks["The key strategic risks and the proposed control measures are as follows."]
    assert risks.points[0].text.startswith("R0001 Information leakage: residual score 12")
    assert risks.points[0].marking == "OFFICIAL-SENSITIVE"


def test_an_sia_paper_gives_the_recommendations(repo: RepoBuilder) -> None:
    papers(
        repo,
        """\
        committee: Test Committee
        meetings:
          - date: 2005-01-13
            papers:
              - title: The SIA
                kind: sia
                sia: SIA-2004
        """,
    )
    paper = build_paper(load_repository(repo.root), dt.date(2005, 1, 13), None, "open")
    blocks = {b.text[0]: b for g in paper.groups for b in g.blocks}
    recommends = blocks["The assessment recommends:"]
    assert [(p.text, [q.text for q in p.points]) for p in recommends.points] == [
        ("Information leakage", ["Publish an information code"])
    ]
    # The risks are the SIA's closed part: R0001 is withheld from the open paper, and counted.
    assert "risk" in paper.withheld_said


def test_a_meetings_file_that_does_not_load_is_named(cli: CliRunner, repo: RepoBuilder) -> None:
    """Withheld whole (fail closed), but the paper says so, not that no meeting exists."""
    papers(
        repo,
        TWO_MEETINGS.replace(
            "              - include: progress\n", "              - include: secrets\n"
        ),
    )
    code, out, err = invoke(cli, "report", "--root", str(repo.root), "--meeting", "2005-01-13")
    assert (code, out) == (2, "")
    assert "data/meetings.yaml does not load, so no meeting's paper can be made" in err


def test_a_strand_paper_on_a_withheld_strand_reports_no_other_strand(repo: RepoBuilder) -> None:
    papers(
        repo,
        TWO_MEETINGS.replace(
            "strands: [S1]\n            authors: [lead-a]\n            supporting",
            "strands: [S9]\n            authors: [lead-a]\n            supporting",
        ),
    )
    paper = build_paper(load_repository(repo.root), dt.date(2005, 1, 13), None, "open")
    words = " ".join(p.text for g in paper.groups for b in g.blocks for p in b.points)
    assert "S1.1" not in words
    assert "the progress on the strands it covers" in paper.summary[0]


def test_a_paper_is_chosen_by_its_title_and_numbers_must_differ(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    papers(
        repo,
        TWO_MEETINGS.replace(
            "          - report: 7\n",
            "          - title: Unnumbered\n          - report: 7\n            title: Seven\n"
            "          - report: 7\n",
            1,
        ),
    )
    args = ["report", "--root", str(repo.root), "--meeting", "2005-01-13", "--paper"]
    code, md, err = invoke(cli, *args, "Unnumbered")
    assert code == 0 and "# Unnumbered" in md, err
    code, _, err = invoke(cli, *args, "7")
    assert code == 2 and "has 2 papers called 7; give each paper of the meeting its own" in err


def test_a_paper_as_at_after_its_meeting_is_refused(cli: CliRunner, repo: RepoBuilder) -> None:
    papers(
        repo,
        TWO_MEETINGS.replace(
            "            title: Strand 1 progress again\n",
            "            title: Strand 1 progress again\n            as_of: 2005-02-01\n",
        ),
    )
    code, _, err = invoke(cli, "report", "--root", str(repo.root), "--meeting", "2005-01-13")
    assert code == 2 and "`as_of` 2005-02-01 is after its meeting on 2005-01-13" in err


def test_withheld_actions_and_strand_risks_are_counted(repo: RepoBuilder) -> None:
    """Two of the last meeting's actions are withheld, and so is a risk linked to the paper's
    strand: none is shown, all are counted (the one trace a withheld item may leave)."""
    secret_action = (
        "          - id: A9\n            text: x\n            owner: lead-a\n"
        "            due: 2005-01-01\n            marking: secret\n"
    )
    meetings = (
        TWO_MEETINGS.replace("owner: lead-b\n", "owner: lead-b\n            marking: secret\n")
        .replace("          - id: A2", secret_action + "          - id: A2")
        .replace("- include: purpose\n", "- include: risks\n")
        .replace("                exempt: personal\n", "")
    )
    papers(repo, meetings)
    paper = build_paper(load_repository(repo.root), dt.date(2005, 1, 13), None, "open")
    assert "2 actions" in paper.withheld_said and "risk" in paper.withheld_said
    texts = [p.text for g in paper.groups for b in g.blocks for p in b.points]
    assert not any(t.startswith(("A1 ", "A9 ", "R0001")) for t in texts)


def test_the_paper_is_marked_as_highly_as_its_author(repo: RepoBuilder) -> None:
    """A closed paper naming an official-sensitive author is marked official-sensitive."""
    covert = "  - id: lead-c\n    role: Covert lead\n    marking: official-sensitive\n"
    repo.edit("data/owners.yaml", "  - id: lead-b\n", covert + "  - id: lead-b\n")
    meetings = TWO_MEETINGS.replace(
        "authors: [lead-a]\n            supporting", "authors: [lead-c]\n            supporting"
    ).replace("                marking: official-sensitive\n                exempt: personal\n", "")
    papers(repo, meetings)
    closed = build_paper(load_repository(repo.root), dt.date(2005, 1, 13), None, "closed")
    assert [p.label for p in closed.contacts] == ["Covert lead"]
    assert closed.marking == "OFFICIAL-SENSITIVE"
    opened = build_paper(load_repository(repo.root), dt.date(2005, 1, 13), None, "open")
    assert opened.contacts == () and opened.marking == "OFFICIAL"
    assert "owner" in opened.withheld_said  # counted, never named
