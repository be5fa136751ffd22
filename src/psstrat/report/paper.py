"""The paper in each format a committee uses: Markdown, HTML, PDF and Word.

Every format is made from the same ReportContext, so each shows exactly what the session may
see, in the same section order. PDF is laid out by Typst from a house-style Typst template
fed the context as JSON; Word is a house-style .docx template filled through the same
sandbox. FORMATS registers them once: `report --format`
takes its names, and EXTENSIONS (the file names that imply one) is derived from it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from psstrat.commands.report import MeetingPaperData, PaperData
    from psstrat.report.views import AnyContext, PaperContext, ReportContext

Produce = Callable[["AnyContext", Path, Path | None, list[str]], str | bytes]
"""(context, repository root, --template or None, warnings) -> the paper as text or bytes;
what the user should hear about the template is added to warnings, a line each."""


def _text(fmt: str) -> Produce:
    def produce(context: AnyContext, root: Path, template: Path | None, warnings: list[str]) -> str:
        from psstrat.report.render import render

        return render(context, fmt, root, template)

    return produce


def _pdf(context: AnyContext, root: Path, template: Path | None, warnings: list[str]) -> bytes:
    from psstrat.report.pdf import paper_pdf

    return paper_pdf(context, root, template, warnings)


def _docx(context: AnyContext, root: Path, template: Path | None, warnings: list[str]) -> bytes:
    from psstrat.report.docx import render_docx

    return render_docx(context, root, template)


FORMATS: dict[str, Produce] = {"md": _text("md"), "html": _text("html"), "pdf": _pdf, "docx": _docx}
"""Each format's name, as `--format` and a file's extension give it, and how it is made."""

ALIASES = {"markdown": "md", "htm": "html"}
EXTENSIONS = {**{name: name for name in FORMATS}, **ALIASES}
"""A file extension (lower case, no dot) -> the format it implies."""


def produce(
    context: AnyContext,
    fmt: str,
    root: Path,
    template: Path | None = None,
    warnings: list[str] | None = None,
) -> str | bytes:
    """The paper as text (md, html) or bytes (pdf, docx); the template's warnings are added
    to ``warnings``."""
    if template is not None and fmt != "pdf" and template.suffix.lower() == ".typ":
        from psstrat.errors import PsstratError

        raise PsstratError(
            f"--template {template} is a Typst template, which lays out the PDF only; pass "
            f"--format pdf, or a Jinja template (such as report.{fmt}.j2) for {fmt}"
        )
    return FORMATS[fmt](context, root, template, [] if warnings is None else warnings)


def make_meeting_paper(
    data: MeetingPaperData, warnings: list[str] | None = None
) -> tuple[PaperContext, str | bytes]:
    """The meeting's paper psstrat.commands.report.gather_meeting found the makings of: its
    frozen context, and the paper in the format asked for."""
    from psstrat.report.papers import build_paper

    request = data.request
    assert request.meeting is not None
    errors = len(data.judgement.errors)
    context = build_paper(
        data.judgement.view,
        request.meeting,
        request.paper,
        request.session,
        data.source,
        errors,
        request.today,
    )
    return context, produce(context, request.fmt, data.root, request.template, warnings)


def make(data: PaperData, warnings: list[str] | None = None) -> tuple[ReportContext, str | bytes]:
    """The paper psstrat.commands.report.gather found the makings of: its frozen context, and
    the paper in the format asked for."""
    from psstrat.report.context import build_context, changes_view
    from psstrat.report.scope import Paper

    request, compared = data.request, data.compared
    paper = Paper(data.quarter, data.as_of, request.session, request.strand, request.appendix)
    changes = changes_view(compared.changes, compared.compared_with, compared.note, request.strand)
    errors = len(data.judgement.errors)
    context = build_context(data.judgement.view, paper, data.source, errors, changes)
    return context, produce(context, request.fmt, data.root, request.template, warnings)
