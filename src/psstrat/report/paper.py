"""The paper in each format a committee uses: Markdown, HTML, PDF and Word.

Every format is made from the same ReportContext, so each shows exactly what the session may
see, in the same section order. PDF is the HTML laid out on A4; Word is a house-style .docx
template filled through the same sandbox.
"""

from __future__ import annotations

from pathlib import Path

from psstrat.report.views import ReportContext

FORMATS = ("md", "html", "pdf", "docx")


def produce(
    context: ReportContext, fmt: str, root: Path, template: Path | None = None
) -> str | bytes:
    """The paper as text (md, html) or bytes (pdf, docx)."""
    if fmt == "docx":
        from psstrat.report.docx import render_docx

        return render_docx(context, root, template)
    from psstrat.report.render import render, shown_name

    if fmt == "pdf":
        from psstrat.report.pdf import html_to_pdf

        html = render(context, "html", root, template)
        return html_to_pdf(html, shown_name("html", template))
    return render(context, fmt, root, template)
