"""The paper as PDF and Word: read back as a clerk's tools would read them."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from psstrat.provenance import Source
from psstrat.report.context import build_context
from psstrat.report.paper import produce
from psstrat.report.scope import Paper
from psstrat.repository import load_repository
from psstrat.schedule import Quarter
from tests.conftest import RepoBuilder, invoke
from tests.test_report import CANARY, marked  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"


def paper(cli: CliRunner, root: Path, out: Path, *args: str) -> bytes:
    code, _, err = invoke(
        cli, "report", "--root", str(root), "--quarter", "2004-Q3", "-o", str(out), *args
    )
    assert code == 0, err
    return out.read_bytes()


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def docx_text(data: bytes) -> str:
    """Every word of the document, header, footer and properties included: the XML's text."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(
            re.sub(r"<[^>]+>", " ", archive.read(name).decode("utf-8"))
            for name in archive.namelist()
            if name.endswith(".xml")
        )


def fixed_paper(fmt: str, session: str) -> bytes:
    """The shipped data's paper with a fixed provenance (the commit changes with every commit)."""
    context = build_context(
        load_repository(ROOT),
        Paper(Quarter(2004, 3), dt.date(2004, 12, 31), session, None),
        Source("GOLDEN", False),
    )
    data = produce(context, fmt, ROOT)
    assert isinstance(data, bytes)
    return data


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("PSSTRAT_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs; if intended, rerun with PSSTRAT_UPDATE_GOLDEN=1 and review the diff"
    )


# -- PDF (tests/test_pdf.py has the rest) ---------------------------------------------------


def test_binary_paper_is_not_written_to_a_terminal(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psstrat.cli import report as report_cli
    from psstrat.errors import PsstratError

    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    with pytest.raises(PsstratError, match=r"write it with -o report\.pdf"):
        report_cli._to_stdout(b"%PDF", "pdf")


# -- Word -----------------------------------------------------------------------------------------


def test_docx_is_a_word_document_a_clerk_can_edit(cli: CliRunner, tmp_path: Path) -> None:
    data = paper(cli, ROOT, tmp_path / "report.docx", "--session", "closed")
    document = docx.Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if _style(p) == "Heading 1"]
    assert headings == [
        "Summary",
        "A. Recommendations",
        "B. Supporting information",
        "C. Equality and diversity implications",
        "D. Financial implications",
        "E. Background papers",
        "F. Contact details",
    ]
    numbered = [p.text for p in document.paragraphs if _style(p) == "List Number"]
    assert numbered and numbered[0].startswith("Members are invited to note")
    strands = [p.text for p in document.paragraphs if _style(p) == "Heading 3"]
    assert "S2 Security and management of information and intelligence: AMBER" in strands
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    assert section.footer.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    assert document.core_properties.subject == "OFFICIAL-SENSITIVE"
    # Tables: work elements, and the heat map shaded with the band colours.
    elements = [t for t in document.tables if t.rows[0].cells[0].text == "Work element"]
    assert len(elements) == 5
    assert "R0001 Intelligence and information leakage [OFFICIAL-SENSITIVE]" in [
        row.cells[0].text for t in document.tables for row in t.rows
    ]
    [heat] = [t for t in document.tables if t.rows[0].cells[0].text == "Impact \\ Likelihood"]
    assert len(heat.rows) == 6
    fills = re.findall(r'w:fill="([0-9a-fA-F]{6})"', heat._tbl.xml)
    assert len(fills) == 25 and {f.lower() for f in fills} >= {"e53935", "4caf50"}
    fixed = docx.Document(io.BytesIO(fixed_paper("docx", "closed")))
    _golden("data-2004-Q3-closed.docx.txt", _docx_plain(fixed))


def _style(paragraph: Any) -> str:
    return paragraph.style.name if paragraph.style is not None else ""


def _docx_plain(document: docx.document.Document) -> str:
    lines = [f"[{_style(p)}] {p.text}" for p in document.paragraphs]
    for t in document.tables:
        lines += [" | ".join(c.text for c in row.cells) for row in t.rows]
    return "\n".join(lines) + "\n"


def test_docx_withholds_the_canary_everywhere(
    cli: CliRunner,
    marked: RepoBuilder,  # noqa: F811
    tmp_path: Path,
) -> None:
    opened = docx_text(paper(cli, marked.root, tmp_path / "open.docx"))
    closed = docx_text(paper(cli, marked.root, tmp_path / "c.docx", "--session", "closed"))
    assert CANARY not in opened and "OFFICIAL-SENSITIVE" not in opened
    assert CANARY in closed


def test_docx_is_the_same_bytes_every_time(cli: CliRunner, tmp_path: Path) -> None:
    assert paper(cli, ROOT, tmp_path / "a.docx") == paper(cli, ROOT, tmp_path / "b.docx")


def test_docx_text_cannot_become_word_markup(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path
) -> None:
    evil = "</w:t></w:r><w:r><w:t>INJECTED & more"
    repo.edit("data/strands/S1.yaml", "title: Code agreed", f"title: '{evil}'")
    document = docx.Document(io.BytesIO(paper(cli, repo.root, tmp_path / "r.docx")))
    texts = [p.text for p in document.paragraphs]
    assert any(evil in t for t in texts)


def test_repository_docx_template_overrides_the_packaged_one(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path
) -> None:
    custom = docx.Document()
    custom.add_paragraph("Custom paper for {{ r.quarter }}")
    (repo.root / "templates").mkdir()
    custom.save(str(repo.root / "templates" / "report.docx"))
    document = docx.Document(io.BytesIO(paper(cli, repo.root, tmp_path / "r.docx")))
    assert [p.text for p in document.paragraphs] == ["Custom paper for Q3 2004/05"]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"not a zip", "is not a Word document"),
        (None, "template report.docx:"),  # a Jinja error inside the document
    ],
)
def test_broken_docx_template_is_exit_2(
    cli: CliRunner, repo: RepoBuilder, content: bytes | None, says: str
) -> None:
    (repo.root / "templates").mkdir()
    target = repo.root / "templates" / "report.docx"
    if content is None:
        bad = docx.Document()
        bad.add_paragraph("{{ r.no_such_field }}")
        bad.save(str(target))
    else:
        target.write_bytes(content)
    code, _, err = invoke(
        cli, "report", "--root", str(repo.root), "-q", "2004-Q3", "-o", str(repo.root / "r.docx")
    )
    assert code == 2 and says in err and "Traceback" not in err


def test_word_file_opens_in_libreoffice(cli: CliRunner, tmp_path: Path) -> None:
    """The .docx is a document an office suite lays out: LibreOffice converts it to PDF with
    the marking on every page (.ci/run installs LibreOffice; only a local run may skip)."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have LibreOffice: .ci/run installs libreoffice-writer-nogui")
        pytest.skip("no LibreOffice on this machine (.ci/run installs it; CI never skips)")
    paper(cli, ROOT, tmp_path / "report.docx", "--session", "closed")
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), "report.docx"],
        cwd=tmp_path,
        env={**os.environ, "HOME": str(tmp_path)},
        capture_output=True,
        timeout=180,
        check=True,
    )
    pages = pdf_text((tmp_path / "report.pdf").read_bytes())
    assert len(pages) > 3
    for n, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {n}"
        assert f"Page {n} of {len(pages)}" in text


def test_word_sections_come_in_the_markdown_order(cli: CliRunner, tmp_path: Path) -> None:
    document = docx.Document(io.BytesIO(paper(cli, ROOT, tmp_path / "r.docx")))
    word = [p.text for p in document.paragraphs if _style(p) in ("Heading 1", "Heading 2")]
    _, md, _ = invoke(cli, "report", "--root", str(ROOT), "-q", "2004-Q3")
    assert word == re.findall(r"^#{2,3} (.+)$", md, re.M)


def test_missing_typst_is_a_clear_message(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psstrat.report import engine

    def missing(*args: object, **kwargs: object) -> bytes:
        raise engine.EngineMissing("No module named 'typst'")

    monkeypatch.setattr(engine, "run", missing)
    code, _, err = invoke(
        cli, "report", "--root", str(ROOT), "-q", "2004-Q3", "-o", str(tmp_path / "r.pdf")
    )
    assert code == 2 and "PDF output needs the typst package (No module named 'typst')" in err
    assert "pip install --force-reinstall psstrat" in err and not (tmp_path / "r.pdf").exists()
