"""The paper in the committee's words (issue 19, item 6), in Markdown, HTML and Word alike:
states in words, counts in sentences, no nested brackets, section B's paragraphs numbered as
the source papers number them, every marking shown (the timeline's too), and illustrative
values marked, with their key."""

from __future__ import annotations

import html as htmllib
import io
import re
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from tests.conftest import RepoBuilder, invoke

S1 = "data/strands/S1.yaml"
MARKING = "[OFFICIAL-SENSITIVE]"
KEY = "Values marked † are illustrative data: no source paper gives them."
FORMATS = ("md", "html", "docx")


@pytest.fixture
def paper_repo(repo: RepoBuilder) -> RepoBuilder:
    """The fixture with milestones of every kind a paper lists (re-planned, overdue by days,
    due on the paper's own date and not met, due next quarter), a lead whose label has
    brackets, an official-sensitive and illustrative milestone on the timeline, and withheld
    items of three kinds (one milestone, 2 risks, one work element) for the open session."""
    repo.edit(S1, "    lead: lead-b\n", "    lead: lead-a\n")  # "DCS ..., DPS (Jane Smith)"
    repo.edit(
        S1,
        "        completed: 2004-11-13\n",
        "        completed: 2004-11-13\n"
        "        marking: official-sensitive\n"
        "        illustrative: [completed]\n",
    )
    repo.edit(
        S1,
        "        due: 2005-06-30\n",
        "        due: 2005-06-30\n"
        "      - id: S1.1.M3\n        title: Code briefed to staff\n"
        "        due: 2004-09-30\n        revised_due: 2004-12-31\n"
        "      - id: S1.1.M4\n        title: Code reviewed\n"
        "        due: 2004-12-31\n        revised_due: 2005-02-28\n"
        "      - id: S1.1.M5\n        title: Code published\n        due: 2004-12-01\n"
        "      - id: S1.1.M6\n        title: Code audited\n        due: 2004-12-20\n",
    )
    element = "  - id: S1.2\n    title: Covert element\n    lead: lead-a\n    status: on-track\n"
    repo.write(S1, repo.read(S1) + element + "    marking: official-sensitive\n")
    repo.write(
        "data/risks/R0002.yaml",
        repo.read("data/risks/R0001.yaml")
        .replace("R0001", "R0002")
        .replace("Information leakage", "Second leak"),
    )
    assert not [d for d in repo.diagnostics() if d.severity.value == "error"]
    return repo


def render(cli: CliRunner, repo: RepoBuilder, tmp_path: Path, fmt: str, *args: str) -> str:
    """The paper as text: Markdown and HTML as written; Word as its paragraphs (with their
    style) and then its tables' rows, one a line."""
    out = tmp_path / f"paper.{fmt}"
    code, _, err = invoke(
        cli, "report", "--root", str(repo.root), "-q", "2004-Q3", "-o", str(out), *args
    )
    assert code == 0, err
    if fmt != "docx":
        return out.read_text(encoding="utf-8")
    document = docx.Document(io.BytesIO(out.read_bytes()))
    lines = [f"[{p.style.name if p.style else ''}] {p.text}" for p in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(c.text for c in row.cells) for row in table.rows]
    return "\n".join(lines) + "\n"


def visible(page: str) -> str:
    """An HTML paper's text as a reader sees or hears it: no CSS, no tags (so no classes such
    as `tl-due-soon`), entities decoded; the SVG's titles and descriptions are kept."""
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", "", page))


def part_b(text: str, fmt: str) -> str:
    """Section "B. Supporting information" of the paper, up to C."""
    if fmt == "md":
        return text.split("\n## B. Supporting information\n")[1].split("\n## C. ")[0]
    if fmt == "html":
        return text.split('<section id="supporting">')[1].split('<section id="equality">')[0]
    return text.split("[Heading 1] B. Supporting information\n")[1].split("[Heading 1] C. ")[0]


def numbers(b: str, fmt: str) -> list[int]:
    """The paragraph numbers section B prints, in order."""
    pattern = {
        "md": r"^(\d+)\. ",
        "html": r'<p class="para"><span class="num">(\d+)\.</span> ',
        "docx": r"^\[Numbered Paragraph\] (\d+)\.\t",
    }[fmt]
    return [int(n) for n in re.findall(pattern, b, re.M)]


def milestone_lines(text: str, fmt: str) -> list[str]:
    if fmt == "html":
        return re.findall(r"^<li>(S1\.1\.M\d.*)</li>$", visible_lines(text), re.M)
    prefix = r"- " if fmt == "md" else r"\[List Bullet\] "
    return re.findall(rf"^{prefix}(S1\.1\.M\d.*)$", text, re.M)


def visible_lines(page: str) -> str:
    """An HTML paper with the tags inside each list item removed (the item's text)."""
    return re.sub(r"(?<=<li>)(.*?)(?=</li>)", lambda m: re.sub(r"<[^>]+>", "", m[1]), page)


@pytest.mark.parametrize("fmt", FORMATS)
def test_statuses_and_states_are_in_words(
    cli: CliRunner, paper_repo: RepoBuilder, tmp_path: Path, fmt: str
) -> None:
    """As at 10 December 2004, S1.1.M6 (due 20 December) is due soon on the timeline, S1.1.M5
    overdue; the work element is on track. No code (`due-soon`, `on-track`) reaches a reader:
    in HTML `state` is only the marks' CSS class."""
    text = render(cli, paper_repo, tmp_path, fmt, "--as-of", "2004-12-10", "--session", "closed")
    shown = visible(text) if fmt == "html" else text
    for code in ("due-soon", "on-track", "at-risk", "not-recorded"):
        assert code not in shown, code
    assert "on track" in shown
    if fmt == "html":
        assert re.search(r"<title>S1\.1\.M6 Code audited: 20 December 2004, due soon</title>", text)
        desc = re.search(r'<desc id="tl-desc">(.*?)</desc>', text)
        assert desc and "S1.1.M6 Code audited: 20 December 2004, due soon." in desc[1]
        assert '<g class="tl-due-soon">' in text  # the code, kept for the mark's style
    else:
        row = r"20 December 2004 \| S1\.1\.M6 Code audited \| due soon"
        assert re.search(row, text), text


@pytest.mark.parametrize("fmt", FORMATS)
def test_section_b_paragraphs_are_numbered_through_its_sections(
    cli: CliRunner, paper_repo: RepoBuilder, tmp_path: Path, fmt: str
) -> None:
    """1., 2., 3. ... running through every section of B, as in the source papers: the strategy
    context, the changes sentence, the strand's purpose, the register sentence and the
    withheld sentence each start with the next number; lists and tables do not. The same
    paragraphs are numbered in every format."""
    text = render(cli, paper_repo, tmp_path, fmt)
    b = part_b(text, fmt)
    found = numbers(b, fmt)
    assert found == list(range(1, len(found) + 1)) and len(found) == 5, found
    shown = visible(b) if fmt == "html" else b
    sep = {"md": r"^", "html": r"^", "docx": r"^\[Numbered Paragraph\] "}[fmt]
    gap = r"\t" if fmt == "docx" else " "
    for n, start in (
        (1, "The Test Strategy runs from 1 August 2002"),
        (3, "The purpose of the strand is: To keep information safe."),
        (4, "The risk register holds no live risks as at 31 December 2004."),
        (5, "One milestone, 2 risks and one work element are marked"),
    ):
        assert re.search(rf"{sep}{n}\.{gap}{re.escape(start)}", shown, re.M), (n, start)
    # Paragraph 2 is the changes section's sentence (here: that there is nothing to compare).
    changes = b.split("Changes since the last report")[1].split("Progress by strand")[0]
    assert numbers(changes, fmt) == [2]
    # Lists and tables are not numbered, and nothing outside B is numbered as B is.
    assert not re.search(r"^\d+\. (- |\|)", shown, re.M)
    assert numbers(text.replace(b, ""), fmt) == ([1] if fmt == "md" else [])  # A's list, md


def test_every_format_numbers_the_same_paragraphs(
    cli: CliRunner, paper_repo: RepoBuilder, tmp_path: Path
) -> None:
    """The shipped-style paper in closed session (SIA summaries, several strands): the numbers
    agree across formats, so "paragraph 4" is the same paragraph in each."""
    paper_repo.edit(
        "data/sia/SIA-2004.yaml",
        "date: 2004-10-07\n",
        "date: 2004-10-07\nsummary: The assessment found six issues.\n",
    )
    counts = {}
    for fmt in FORMATS:
        b = part_b(render(cli, paper_repo, tmp_path, fmt, "--session", "closed"), fmt)
        found = numbers(b, fmt)
        assert found == list(range(1, len(found) + 1)), (fmt, found)
        counts[fmt] = len(found)
        shown = visible(b) if fmt == "html" else b
        assert re.search(r"\d+\.\s+The assessment found six issues\.", shown), fmt
    assert len(set(counts.values())) == 1 and counts["md"] >= 5, counts


@pytest.mark.parametrize("fmt", FORMATS)
def test_withheld_section_is_one_sentence_with_plural_counts(
    cli: CliRunner, paper_repo: RepoBuilder, tmp_path: Path, fmt: str
) -> None:
    text = render(cli, paper_repo, tmp_path, fmt)
    b = part_b(text, fmt)
    shown = visible(b) if fmt == "html" else b
    withheld = shown.split("Withheld for closed session")[1]
    sentence = (
        "One milestone, 2 risks and one work element are marked above this session's level "
        "and are reported in closed session."
    )
    assert sentence in withheld
    for listed in ("risk: 2", "milestone: 1", "work element: 1", "risk: ", ":\n"):
        assert listed not in withheld, listed
    if fmt == "md":
        assert not re.search(r"^- ", withheld, re.M)
    elif fmt == "html":
        assert "<li>" not in b.split("Withheld for closed session")[1]
    else:
        assert "[List Bullet]" not in withheld


@pytest.mark.parametrize("fmt", FORMATS)
def test_milestone_lines_nest_no_brackets(
    cli: CliRunner, paper_repo: RepoBuilder, tmp_path: Path, fmt: str
) -> None:
    """A re-planned milestone and a lead whose label has brackets: the lead follows a
    semicolon, the baseline a comma. Due on the paper's own date and not met (0 days
    overdue): "not met by that date", never "no days overdue"."""
    text = render(cli, paper_repo, tmp_path, fmt, "--session", "closed")
    lines = milestone_lines(text, fmt)
    assert len(lines) == 5, lines  # M1 completed; M5, M6, M3 overdue; M4 due next quarter
    for line in lines:
        assert "((" not in line and "))" not in line and ") (" not in line, line
        assert line.endswith("; lead: DCS Intelligence Command, DPS (Jane Smith)"), line
    by_id = {line.split(" ")[0]: line for line in lines}
    assert by_id["S1.1.M3"].startswith(
        "S1.1.M3 Code briefed to staff: due 31 December 2004, not met by that date, "
        "re-planned from 30 September 2004;"
    )
    assert "S1.1.M5 Code published: due 1 December 2004, 30 days overdue;" in by_id["S1.1.M5"]
    assert by_id["S1.1.M4"].startswith(
        "S1.1.M4 Code reviewed: due 28 February 2005, re-planned from 31 December 2004;"
    )
    assert "completed 13 November 2004" in by_id["S1.1.M1"]
    assert "no days overdue" not in text and "baseline" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_closed_paper_marks_the_timeline(
    cli: CliRunner, paper_repo: RepoBuilder, tmp_path: Path, fmt: str
) -> None:
    """S1.1.M1 is official-sensitive: in closed session its marking is on it wherever it is
    shown, the timeline included (the Markdown and Word tables; the HTML chart's label,
    title and description); the open session shows neither it nor any marking."""
    closed = render(cli, paper_repo, tmp_path, fmt, "--session", "closed")
    if fmt == "html":
        labels = re.findall(r'<text class="tl-label"[^>]*>(.*?)</text>', closed)
        [label] = [text for text in labels if "S1.1.M1" in text]
        assert "13 Nov S1.1.M1 Code agreed" in label and MARKING in visible(label)
        assert re.search(rf"<title>S1\.1\.M1 Code agreed {re.escape(MARKING)}: ", closed)
        desc = re.search(r'<desc id="tl-desc">(.*?)</desc>', closed)
        assert desc and f"S1.1.M1 Code agreed {MARKING}: 13 November 2004, complete" in desc[1]
        assert '<span class="tag">' not in closed.split("<svg")[1].split("</svg>")[0]
    else:
        row = rf"13 November 2004†? \| S1\.1\.M1 Code agreed {re.escape(MARKING)} \| complete"
        assert re.search(row, closed), closed
    opened = render(cli, paper_repo, tmp_path, fmt)
    assert "S1.1.M1" not in opened and "OFFICIAL-SENSITIVE" not in opened


@pytest.mark.parametrize("fmt", FORMATS)
def test_illustrative_values_are_marked_with_a_key(
    cli: CliRunner, paper_repo: RepoBuilder, tmp_path: Path, fmt: str
) -> None:
    """S1.1.M1's completion date is illustrative: in closed session the date carries † in
    its milestone line and on the timeline, and the paper ends with the key, before the
    provenance line. The open session prints nothing illustrative (S1.1.M1 is withheld): no
    dagger and no key."""
    closed = render(cli, paper_repo, tmp_path, fmt, "--session", "closed")
    shown = visible(closed) if fmt == "html" else closed
    assert f"S1.1.M1 Code agreed {MARKING}: completed 13 November 2004†; lead:" in shown
    assert shown.count("†") == 3  # the milestone line, the timeline, the key
    if fmt != "html":
        assert f"13 November 2004† | S1.1.M1 Code agreed {MARKING} | complete" in shown
    assert shown.count(KEY) == 1
    assert shown.index(KEY) < shown.index("Produced by psstrat")
    assert shown.index(KEY) > shown.index("F. Contact details")
    if fmt == "html":
        assert re.search(r'<text class="tl-label"[^>]*>.*13 Nov S1\.1\.M1 Code agreed†', closed)
        assert '<span class="illustrative" title="illustrative data">†</span>' in closed
        assert "13 November 2004, complete, illustrative" in closed  # the chart's words
    opened = render(cli, paper_repo, tmp_path, fmt)
    assert "†" not in opened and KEY not in opened
