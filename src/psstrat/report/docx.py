"""The committee paper as a Word document, from a house-style .docx template.

`templates/report.docx` (built by tools/make_docx_template.py) is a Word document whose text
holds Jinja tags; docxtpl fills it with the same ReportContext as the other formats. The
template is found like every other one (the repository's templates/ first, then psstrat's own,
or `--template FILE.docx`) and is as untrusted: it runs in the same sandbox, with XML escaping
on (no data text can become Word markup) and the same time limit, and a template whose zip
would unpack to more than MAX_UNPACKED is refused before it is opened. Every part of the
template, and of the paper made from it, is inspected (report.safedocx): nothing that fetches
or runs anything (external links, attached templates, OLE, macros, fetching fields) is let
through, and the paper is capped like the other formats. The document is saved with fixed zip
timestamps, so the same data gives the same bytes; its language and its created and modified
dates come from the settings and the data (report.docxmeta).

The core properties (title, subject, author) are filled by the same tags with escaping off:
python-docx escapes what it writes to docProps/core.xml, so escaping there too would show a
title's `&` as `&amp;` in Word. Nothing a property holds can become markup either way.
"""

from __future__ import annotations

import functools
import io
import zipfile
from pathlib import Path
from typing import Any

import jinja2

from psstrat.errors import PsstratError
from psstrat.report import docxmeta, safedocx
from psstrat.report import render as _render
from psstrat.report.render import (
    ENTRY,
    ConfinedLoader,
    bounded_work,
    environment,
    packaged_templates,
    repository_templates,
    template_failure,
)
from psstrat.report.views import PaperContext, ReportContext

NAME = "report.docx"
MAX_UNPACKED = 64 * 1024 * 1024
"""A house-style template is a few hundred KiB unpacked; more is a zip bomb."""
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def render_docx(
    context: ReportContext | PaperContext, root: Path, template: Path | None = None
) -> bytes:
    folders = [repository_templates(root), packaged_templates()]
    loader = ConfinedLoader([f for f in folders if f is not None], template)
    path, shown = _locate(loader, context, template)
    data = _read_template(path, shown)
    checked = safedocx.check(data, shown)
    env = environment(loader, "docx")  # autoescape: the XML special characters
    try:
        doc = _paper_template()(io.BytesIO(data))  # the bytes checked, not the file again
        with bounded_work(_render.RENDER_SECONDS):
            doc.render({"r": context}, jinja_env=env, autoescape=True)
            edited = docxmeta.describe(doc.docx, context.language, context.provenance.as_of)
            out = io.BytesIO()
            doc.save(out)
    except PsstratError:
        raise
    except Exception as exc:  # a failing template: Jinja, docxtpl or the XML it makes
        raise template_failure(exc, loader, shown) from None
    paper = out.getvalue()
    if len(paper) > _render.MAX_OUTPUT:
        raise PsstratError(
            f"template {shown}: the Word paper passed {_render.MAX_OUTPUT / 2**20:g} MiB; "
            "simplify the template"
        )
    safedocx.check(paper, shown, rendered=True, known=checked | edited)  # raw XML by |safe
    return _fixed_times(paper)


@functools.cache
def _paper_template() -> Any:
    """docxtpl's template, filling the core properties as plain text (docxtpl renders them
    with the body's XML escaping, and python-docx escapes them again)."""
    from docxtpl import DocxTemplate

    class PaperTemplate(DocxTemplate):  # type: ignore[misc]
        def render_properties(self, context: dict[str, Any], jinja_env: Any = None) -> None:
            escaping, jinja_env.autoescape = jinja_env.autoescape, False
            try:
                super().render_properties(context, jinja_env)
            finally:
                jinja_env.autoescape = escaping

    return PaperTemplate


def _locate(
    loader: ConfinedLoader, context: ReportContext | PaperContext, template: Path | None
) -> tuple[Path, str]:
    """The Word template a context is filled into, and its name in messages: `--template`'s
    file, else a meeting's paper's kind's own (`paper-sia.docx`), then every paper's
    (`paper.docx`); a quarter's paper's is `report.docx`."""
    if template is not None:
        return loader.locate(ENTRY), str(template)
    names = (
        [f"{n}.docx" for n in context.templates] if isinstance(context, PaperContext) else [NAME]
    )
    for name in names[:-1]:
        try:
            return loader.locate(name), name
        except jinja2.TemplateNotFound:
            continue
    return loader.locate(names[-1]), names[-1]


def _read_template(path: Path, shown: str) -> bytes:
    """The template's bytes, refused unread when the file or what it unpacks to is larger
    than MAX_UNPACKED."""
    try:
        if path.stat().st_size > MAX_UNPACKED:
            raise PsstratError(
                f"template {shown} is larger than {MAX_UNPACKED // (1024 * 1024)} MiB; "
                "a Word template needs far less"
            )
        data = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise PsstratError(
            f"template {shown} is not a Word document ({exc}); save it from Word as .docx"
        ) from None
    if unpacked > MAX_UNPACKED:
        raise PsstratError(
            f"template {shown} unpacks to more than {MAX_UNPACKED // (1024 * 1024)} MiB; "
            "a Word template needs far less"
        )
    return data


def _fixed_times(docx: bytes) -> bytes:
    """The same document with every zip entry dated 1980-01-01: saving stamps the time."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info))
    return out.getvalue()
