"""The paper as PDF, laid out by Typst: read back page by page as a clerk's tools and a
screen reader would read it, and attacked as a hostile template would attack it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from psstrat.provenance import Source
from psstrat.report.context import build_context
from psstrat.report.paper import produce
from psstrat.report.pdf import context_json, page_count
from psstrat.report.scope import Paper
from psstrat.repository import load_repository
from psstrat.schedule import Quarter
from tests.conftest import RepoBuilder, invoke
from tests.test_formats import pdf_text
from tests.test_report import CANARY, _golden, marked  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[1]


def paper(cli: CliRunner, root: Path, out: Path, *args: str) -> bytes:
    code, _, err = invoke(cli, "report", "--root", str(root), "-o", str(out), *args)
    assert code == 0, err
    return out.read_bytes()


def quarter(cli: CliRunner, root: Path, out: Path, *args: str) -> bytes:
    return paper(cli, root, out, "--quarter", "2004-Q3", *args)


def flat(data: bytes) -> str:
    """The whole paper's text on one line (line breaks in the PDF are layout, not words)."""
    return " ".join(" ".join(pdf_text(data)).split())


def fixed_context(session: str = "open", as_of: dt.date = dt.date(2004, 12, 31)) -> Any:
    return build_context(
        load_repository(ROOT),
        Paper(Quarter(2004, 3), as_of, session, None),
        Source("GOLDEN", False),
    )


def fixed_pdf(session: str = "open", as_of: dt.date = dt.date(2004, 12, 31)) -> bytes:
    data = produce(fixed_context(session, as_of), "pdf", ROOT)
    assert isinstance(data, bytes)
    return data


# -- every page -----------------------------------------------------------------------------


@pytest.mark.parametrize("session", ["open", "closed"])
def test_every_page_has_its_marking_page_number_and_words(session: str) -> None:
    data = fixed_pdf(session)
    pages = pdf_text(data)
    marking = "OFFICIAL" if session == "open" else "OFFICIAL-SENSITIVE"
    assert len(pages) > 3
    for n, text in enumerate(pages, start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[0] == marking, f"page {n} does not open with its marking"
        assert lines[-1] == f"{marking} Page {n} of {len(pages)}", f"page {n}'s foot"
        assert len(text.split()) > 15, f"page {n} is blank"
        assert "DRAFT" not in text  # the paper as at the quarter's end is final
    assert page_count(data) == len(pages)
    _golden(f"data-2004-Q3-{session}.pdf.txt", "\n\f\n".join(pages) + "\n")


def test_a_draft_says_so_on_every_page() -> None:
    pages = pdf_text(fixed_pdf(as_of=dt.date(2004, 11, 30)))
    assert all("DRAFT" in text for text in pages)
    assert "This paper is a draft:" in pages[0]


def test_the_sections_come_in_the_order_of_the_context() -> None:
    """As md, html and docx do: each heading of `r.sections`, in order, nothing between."""
    context = fixed_context()
    text = flat(fixed_pdf())
    headings = [h for part in context.sections for h in (part, *part.sections)]
    headings = [h for h in headings if h.id != "withheld" or context.withheld]
    at = 0
    for section in headings:
        found = text.find(section.heading, at)
        assert found >= 0, f"{section.heading!r} is missing or out of order"
        at = found + len(section.heading)


def test_the_paper_says_what_the_markdown_says() -> None:
    """The same figures and words as the Markdown paper: every numbered paragraph of B."""
    md = produce(fixed_context(), "md", ROOT)
    assert isinstance(md, str)
    text = flat(fixed_pdf())
    assert md.count("; lead: ") == text.count("; lead: ") > 10  # every milestone's lead
    numbered = re.findall(r"^(\d+)\. (.{20,60}?)[\s\\]", md, re.M)
    assert len(numbered) > 10
    for number, start in numbered:
        words = " ".join(start.replace("\\", "").split())
        assert words in text, f"paragraph {number} ({words!r}) is not in the PDF"


def test_the_register_appendix_is_in_the_pdf_when_asked_for(cli: CliRunner, tmp_path: Path) -> None:
    plain = flat(quarter(cli, ROOT, tmp_path / "a.pdf", "--as-of", "2004-12-31"))
    data = quarter(cli, ROOT, tmp_path / "b.pdf", "--as-of", "2004-12-31", "--appendix", "register")
    text = flat(data)
    assert "Appendix: the risk register" in text and "Appendix" not in plain
    assert text.index("Appendix: the risk register") > text.index("D. Financial implications")
    appendix = text.split("Appendix: the risk register")[1]
    assert "R0007 Lack of coherent" in appendix and "; owner: DCS Intelligence Command" in appendix


def test_the_provenance_line_gives_the_commit_whole(cli: CliRunner, tmp_path: Path) -> None:
    """The commit id is copied out of the paper to `git show` it: no break inside it."""
    context = dataclasses.replace(
        fixed_context(),
        provenance=dataclasses.replace(
            fixed_context().provenance,
            source="source commit " + "0123456789abcdef" * 2 + "01234567",
        ),
    )
    data = produce(context, "pdf", ROOT)
    assert isinstance(data, bytes)
    assert "0123456789abcdef0123456789abcdef01234567" in flat(data).replace("\n", "")
    assert "\u200b" not in pdf_text(data)[-1].split("Produced by")[1]


def test_a_typst_template_is_for_the_pdf_only(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path
) -> None:
    mine = tmp_path / "mine.typ"
    mine.write_text("#r.title\n")
    for fmt in ("md", "html", "docx"):
        code, _, err = invoke(
            cli,
            "report",
            "--root",
            str(repo.root),
            "-q",
            "2004-Q3",
            "-f",
            fmt,
            "-o",
            str(tmp_path / f"r.{fmt}"),
            "--template",
            str(mine),
        )
        assert code == 2 and "is a Typst template, which lays out the PDF only" in err
        assert not (tmp_path / f"r.{fmt}").exists()


def test_pdf_is_the_same_bytes_every_time_and_dated_by_its_data(
    cli: CliRunner, tmp_path: Path
) -> None:
    first = quarter(cli, ROOT, tmp_path / "a.pdf", "--as-of", "2004-12-31")
    assert first == quarter(cli, ROOT, tmp_path / "b.pdf", "--as-of", "2004-12-31")
    meta = PdfReader(io.BytesIO(first)).metadata
    assert meta is not None and meta.creation_date is not None
    assert meta.creation_date.date() == dt.date(2004, 12, 31)  # never the clock


# -- accessible ------------------------------------------------------------------------------


def _structure(reader: PdfReader) -> list[Any]:
    root: Any = reader.trailer["/Root"]
    todo, seen = [root["/StructTreeRoot"].get_object()], []
    while todo:
        element = todo.pop()
        seen.append(element)
        kids = element.get("/K", [])
        kids = kids if isinstance(kids, list) else [kids]
        todo.extend(
            k.get_object()
            for k in kids
            if hasattr(k, "get_object") and hasattr(k.get_object(), "keys")
        )
    return seen


def test_pdf_is_pdf_ua_with_title_language_headers_and_alt_text() -> None:
    data = fixed_pdf()
    reader = PdfReader(io.BytesIO(data))
    root: Any = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    meta = reader.metadata
    assert meta is not None and meta.title is not None
    assert meta.title.startswith("OFFICIAL: ") and "Q3 2004/05" in meta.title
    assert meta.subject == "OFFICIAL"
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part[^0-9]{1,3}1", xmp)
    elements = _structure(reader)
    tags = {str(e["/S"]) for e in elements if "/S" in e}
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/L", "/LI", "/Figure"} <= tags
    figures = [e for e in elements if e.get("/S") == "/Figure"]
    assert len(figures) == 2  # the timeline and the heat map, each described
    assert all(str(f.get("/Alt", "")).strip() for f in figures)
    alts = " ".join(str(f["/Alt"]) for f in figures)
    assert "Residual risk heat map" in alts and "Milestones in Q3 2004/05" in alts


def test_pdf_passes_the_pdf_ua_validator(tmp_path: Path) -> None:
    """pdfua (the machine-checkable rules of PDF/UA-1, on pikepdf) finds nothing, in either
    session; it is in the test extras, so CI always runs it."""
    for session in ("open", "closed"):
        path = tmp_path / f"{session}.pdf"
        path.write_bytes(fixed_pdf(session))
        ran = subprocess.run(
            [sys.executable, "-m", "pdfua", "check", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert ran.returncode == 0, ran.stdout + ran.stderr
        assert "result: PASS" in ran.stdout


def test_pdf_embeds_the_compilers_own_fonts() -> None:
    reader = PdfReader(io.BytesIO(fixed_pdf()))
    fonts = {}
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            font = font.get_object()
            descendant = font.get("/DescendantFonts")
            described = descendant[0].get_object() if descendant else font
            fonts[str(described["/BaseFont"])] = described["/FontDescriptor"].get_object()
    assert any("LibertinusSerif" in name for name in fonts), fonts
    for name, descriptor in fonts.items():
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name


# -- what the session may see ------------------------------------------------------------------


def test_pdf_withholds_the_canary(cli: CliRunner, marked: RepoBuilder, tmp_path: Path) -> None:  # noqa: F811
    opened = flat(quarter(cli, marked.root, tmp_path / "open.pdf"))
    closed = flat(quarter(cli, marked.root, tmp_path / "c.pdf", "--session", "closed"))
    assert CANARY not in opened.replace(" ", "")
    assert CANARY in closed.replace(" ", "")


def test_the_pdf_of_withheld_items_is_the_pdf_without_them(
    marked: RepoBuilder,  # noqa: F811
) -> None:
    """The open PDF, byte for byte, is the same whether the wholly withheld files (a risk, a
    strand) are there or were never recorded, but for the count of what is withheld."""
    paper = Paper(Quarter(2004, 3), dt.date(2004, 12, 31), "open", None)
    source = Source("FIXED", False)

    def pdf() -> tuple[str, bytes]:
        context = build_context(load_repository(marked.root), paper, source)
        context = dataclasses.replace(context, withheld=(), withheld_total=0, withheld_said="")
        data = produce(context, "pdf", marked.root)
        assert isinstance(data, bytes)
        return context_json(context), data

    shown_json, shown = pdf()
    for rel in ("data/risks/R0001.yaml", "data/strands/S2.yaml"):
        (marked.root / rel).unlink()
    blind_json, blind = pdf()
    assert CANARY not in shown_json
    assert shown_json == blind_json
    assert shown == blind


def test_a_title_holding_typst_markup_prints_as_written(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path
) -> None:
    """Data reaches Typst as JSON: text, never markup, so there is nothing to escape."""
    hostile = '#set text(red) *x* $y$ <l> @r \\ _u_ #read("/etc/passwd")'
    repo.edit("data/strands/S1.yaml", "title: Security of information", f"title: '{hostile}'")
    text = flat(quarter(cli, repo.root, tmp_path / "r.pdf", "--as-of", "2004-12-31"))
    assert hostile in text
    assert "root:" not in text


# -- templates: overridable, and harmless ------------------------------------------------------


def _with_template(repo: RepoBuilder, body: str, name: str = "report.typ") -> None:
    repo.write(
        f"templates/{name}",
        '#import "_house.typ": *\n#let r = context-of()\n#show: house.with(r)\n' + body,
    )


def _pdf(cli: CliRunner, repo: RepoBuilder, *args: str) -> tuple[int, str, bytes]:
    out = repo.root / "r.pdf"
    out.unlink(missing_ok=True)
    code, _, err = invoke(
        cli, "report", "--root", str(repo.root), "-q", "2004-Q3", "-o", str(out), *args
    )
    assert out.exists() == (code == 0), err
    return code, err, out.read_bytes() if out.exists() else b""


def test_a_repository_template_overrides_the_house_one(cli: CliRunner, repo: RepoBuilder) -> None:
    _with_template(repo, "= Our own layout\n#r.title, #r.marking\n")
    code, err, data = _pdf(cli, repo)
    assert code == 0, err
    assert flat(data).startswith("OFFICIAL Our own layout Test Strategy: progress report")


def test_a_kind_of_paper_has_its_own_template(cli: CliRunner, repo: RepoBuilder) -> None:
    repo.write(
        "data/meetings.yaml",
        """\
        committee: Test Committee
        meetings:
          - date: 2005-01-13
            papers:
              - report: 7
                title: Progress on Strand 1
                kind: strand
                strands: [S1]
        """,
    )
    _with_template(repo, "= A strand paper: #r.title\n", "paper-strand.typ")
    out = repo.root / "m.pdf"
    code, _, err = invoke(
        cli, "report", "--root", str(repo.root), "--meeting", "2005-01-13", "-o", str(out)
    )
    assert code == 0, err
    assert "A strand paper: Progress on Strand 1" in flat(out.read_bytes())


def test_template_option_takes_a_typst_file_only(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path
) -> None:
    mine = tmp_path / "mine.typ"
    mine.write_text('#import "_house.typ": *\n#let r = context-of()\n#show: house.with(r)\nMine\n')
    code, err, data = _pdf(cli, repo, "--template", str(mine))
    assert code == 0, err
    assert "Mine" in flat(data)
    html = tmp_path / "mine.html.j2"
    html.write_text("<p>{{ r.title }}</p>\n")
    code, err, _ = _pdf(cli, repo, "--template", str(html))
    assert code == 2
    assert "a PDF is laid out by a Typst template (.typ)" in err and "\n" not in err.strip()


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('#read("../data/strategy.yaml")\n', "would escape the project root"),
        ('#read("/etc/passwd")\n', "file not found"),
        ('#image("/etc/hostname")\n', "file not found (searched at templates/etc/hostname)"),
        ('#import "@preview/cetz:0.3.0"\n', "imports a Typst package"),
        ('#import "@" + "preview/cetz:0.3.0"\n', "imports a Typst package"),
        ('#import "@local/mine:1.0.0"\n', "imports a Typst package"),
        ('#panic("boom")\n', "report.typ:4:1: panicked with: boom"),
        ('#link("https://example.com")[web]\n', "active or remote content (a link to https://"),
        ('#link("mailto:a@b.example")[mail]\n', "(a link to mailto:a@b.example)"),
        (
            '#pdf.attach("_house.typ", description: "x")\n',
            "active or remote content (an attached file)",
        ),
        ("#while true {}\n", "report.typ:4:7: condition is always true"),
    ],
)
def test_a_template_reaches_nothing_outside_its_folder(
    cli: CliRunner, repo: RepoBuilder, body: str, says: str
) -> None:
    _with_template(repo, body)
    code, err, _ = _pdf(cli, repo)
    assert code == 2, err
    assert err.startswith("psstrat: error: template report.typ: ")
    assert says in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_symbolic_link_in_templates_is_refused(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.typ"
    outside.write_text(f"{CANARY}\n")
    (repo.root / "templates").mkdir()
    (repo.root / "templates" / "report.typ").symlink_to(outside)
    code, err, _ = _pdf(cli, repo)
    assert code == 2, err
    assert "template report.typ is not in templates/ or psstrat's own templates: " in err
    assert "templates/report.typ is a symbolic link leading out of its folder" in err


def test_a_folder_named_like_a_template_is_said_to_be_one(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    (repo.root / "templates" / "report.typ").mkdir(parents=True)
    code, err, _ = _pdf(cli, repo)
    assert code == 2 and err.count("\n") == 1
    assert "template report.typ is not in templates/ or psstrat's own templates: " in err
    assert "templates/report.typ is a folder, not a file" in err


def test_a_template_file_name_the_compiler_cannot_take_is_refused(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path
) -> None:
    odd = tmp_path / "paper\u202e.typ"
    odd.write_text("x\n")
    code, err, _ = _pdf(cli, repo, "--template", str(odd))
    assert code == 2 and "name the file with letters, digits" in err
    code, err, _ = _pdf(cli, repo, "--template", str(tmp_path / "nope.typ"))
    assert code == 2 and "No such file or directory; check the path" in err


def test_the_compilers_warnings_are_a_line_each(cli: CliRunner, repo: RepoBuilder) -> None:
    _with_template(repo, '#text(font: "No Such Font")[x]\n#text(font: "Nor This")[y]\n')
    code, err, _ = _pdf(cli, repo)
    assert code == 0, err
    warned = [line for line in err.splitlines() if line.startswith("psstrat: warning: ")]
    assert warned == [
        "psstrat: warning: template report.typ: report.typ:4:12: unknown font family: no such font",
        "psstrat: warning: template report.typ: report.typ:5:12: unknown font family: nor this",
    ]


def test_a_runaway_template_is_stopped_after_its_time(
    cli: CliRunner, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("psstrat.report.engine.PDF_SECONDS", 1.0)
    _with_template(repo, "#for i in range(1000000000) {}\n")
    code, err, _ = _pdf(cli, repo)
    assert code == 2
    assert "template report.typ: the PDF engine failed (stopped after 1 s)" in err


def test_a_paper_of_too_many_pages_is_refused(
    cli: CliRunner, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_template(repo, "#for i in range(30) [page #i #pagebreak()]\n")
    code, err, data = _pdf(cli, repo)
    assert code == 0, err
    assert len(pdf_text(data)) == 31
    monkeypatch.setattr("psstrat.report.engine.PDF_PAGES", 20)
    code, err, _ = _pdf(cli, repo)
    assert code == 2
    assert "template report.typ: the PDF engine failed (the paper passed 20 pages)" in err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is Linux's")
def test_a_million_page_template_runs_out_of_memory_not_the_machine(
    cli: CliRunner, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("psstrat.report.engine.PDF_MEMORY", 400 * 1024**2)
    _with_template(repo, "#for i in range(1000000) [x #pagebreak()]\n")
    code, err, _ = _pdf(cli, repo)
    assert code == 2 and "Traceback" not in err
    assert "template report.typ: the PDF engine failed (" in err
    assert "ran out of memory (more than 400 MiB)" in err, err


def test_page_count_agrees_with_pypdf() -> None:
    data = fixed_pdf("closed")
    assert page_count(data) == len(PdfReader(io.BytesIO(data)).pages) > 3


# -- a meeting's paper -------------------------------------------------------------------------


def test_a_meeting_paper_in_pdf_reads_like_its_markdown() -> None:
    """The SIA paper of 7 October 2004 in closed session: its parts in the order of its
    section list, section B's numbered paragraphs, and the closed part's exemption."""
    from psstrat.report.papers import build_paper

    day = dt.date(2004, 10, 7)
    context = build_paper(load_repository(ROOT), day, None, "closed", Source("GOLDEN", False))
    data = produce(context, "pdf", ROOT)
    assert isinstance(data, bytes)
    pages = pdf_text(data)
    for n, text in enumerate(pages, start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[0] == context.marking and lines[-1].endswith(f"Page {n} of {len(pages)}")
    text = flat(data)
    at = 0
    for part in context.sections:
        found = text.find(part.heading, at)
        assert found >= 0, f"{part.heading!r} is missing or out of order"
        at = found + len(part.heading)
    numbers = [b.number for g in context.groups for b in g.blocks]
    assert numbers and all(f" {n}. " in text for n in numbers)
    _golden("meeting-2004-10-07-closed.pdf.txt", "\n\f\n".join(pages) + "\n")


def test_the_pdf_is_in_the_settings_language(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path
) -> None:
    repo.write("psstrat.yaml", "report:\n  language: cy-GB\n")
    data = quarter(cli, repo.root, tmp_path / "r.pdf", "--as-of", "2004-12-31")
    root: Any = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert root["/Lang"] == "cy-GB"
    repo.write("psstrat.yaml", "report:\n  language: Welsh\n")
    code, _, err = invoke(cli, "report", "--root", str(repo.root), "-q", "2004-Q3")
    assert code == 2 and "psstrat.yaml:2:13" in err and "language" in err


def test_a_character_no_font_has_is_printed_as_its_code_point(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path
) -> None:
    """A CJK name or an emoji in the data does not stop the paper: PDF/UA-1 cannot draw it in
    the paper's fonts, so its code point is printed instead, and psstrat says so."""
    repo.edit("data/strands/S1.yaml", "title: Security of information", "title: Security 草 😀")
    out = tmp_path / "r.pdf"
    code, _, err = invoke(
        cli,
        "report",
        "--root",
        str(repo.root),
        "-q",
        "2004-Q3",
        "--as-of",
        "2004-12-31",
        "-o",
        str(out),
    )
    assert code == 0, err
    assert "Security [U+8349] [U+1F600]" in flat(out.read_bytes())
    warned = [line for line in err.splitlines() if "cannot show" in line]
    assert warned == [
        "psstrat: warning: template report.typ: the PDF's fonts cannot show 草 (U+8349), 😀 "
        "(U+1F600) from the data, so it prints their code points, [U+...], instead; the md, "
        "html and docx papers show them"
    ]


def test_a_long_word_breaks_rather_than_running_off_the_page(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path
) -> None:
    word = "Supercalifragilistic" * 6  # 120 letters: wider than the page
    repo.edit("data/strands/S1.yaml", "title: Security of information", f"title: {word}")
    data = quarter(cli, repo.root, tmp_path / "r.pdf", "--as-of", "2004-12-31")
    lines = [line.replace("\u200b", "") for page in pdf_text(data) for line in page.splitlines()]
    assert not any(word in line for line in lines)  # it wraps: no line holds it whole
    assert word in "".join(lines)  # and every letter is there, in order


def test_files_in_templates_that_cannot_be_used_are_left_out_not_fatal(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    """A large crest, a FIFO, a folder: none stops a paper that does not use it; one that
    uses it is told why it is not there."""
    (repo.root / "templates" / "old.typ").mkdir(parents=True)
    repo.write("templates/crest.png", b"\x89PNG" + b"0" * (17 * 1024 * 1024))
    os.mkfifo(repo.root / "templates" / "notes.typ")
    repo.write("templates/lib/words.typ", "#let greeting = [Hello from lib]\n")
    code, err, _ = _pdf(cli, repo)
    assert code == 0, err
    _with_template(repo, '#import "lib/words.typ": greeting\n#greeting\n#image("crest.png")\n')
    code, err, _ = _pdf(cli, repo)
    assert code == 2
    assert "templates/crest.png is larger than 16 MiB, so psstrat does not give it to" in err
    _with_template(repo, '#import "lib/words.typ": greeting\n#greeting\n')
    code, err, data = _pdf(cli, repo)
    assert code == 0, err
    assert "Hello from lib" in flat(data)


def test_the_page_count_is_not_fooled_by_the_data(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path
) -> None:
    repo.edit(
        "data/strands/S1.yaml", "title: Security of information", "title: /Type /Page /Type /Page"
    )
    data = quarter(cli, repo.root, tmp_path / "r.pdf", "--as-of", "2004-12-31")
    assert page_count(data) == len(PdfReader(io.BytesIO(data)).pages)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and PR_SET_PDEATHSIG")
def test_sigterm_takes_the_compiler_and_its_folder_with_it(
    repo: RepoBuilder, tmp_path: Path
) -> None:
    """psstrat stopped with SIGTERM (exit 143) leaves no compiler running and no folder."""
    import signal
    import time

    _with_template(repo, "#for i in range(1000000000) {}\n")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    command = [sys.executable, "-m", "psstrat", "report", "--root", str(repo.root), "-q"]
    command += ["2004-Q3", "-o", str(tmp_path / "r.pdf")]
    env = {**os.environ, "TMPDIR": str(scratch)}
    parent = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)

    def children() -> list[int]:
        found = []
        for stat_file in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat_file.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent.pid:
                found.append(int(stat_file.parent.name))
        return found

    deadline = time.monotonic() + 60
    while not children() and time.monotonic() < deadline:
        time.sleep(0.1)
    engines = children()
    assert engines, "the compiler never started"
    time.sleep(0.5)
    parent.send_signal(signal.SIGTERM)
    assert parent.wait(timeout=30) == 143
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in engines) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}/stat").exists() for pid in engines)
    assert list(scratch.iterdir()) == []
