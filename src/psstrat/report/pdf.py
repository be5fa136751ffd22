"""The committee paper as PDF: the HTML report laid out on A4 by WeasyPrint, in a child
process bounded in time, memory and pages (report.engine).

The HTML carries everything the PDF needs: the @page rules put the marking centred at the top
and bottom of every page and "n of N" at the foot; `<title>`, `<meta name="author">` and
`<meta name="description">` (the marking) become the PDF's Title, Author and Subject. Fonts
are embedded (subset). Nothing is fetched: every URL, even `file:`, is refused, so a template
cannot pull a file or a network resource into the paper. The same HTML gives the same bytes.
The parent process never imports WeasyPrint: `html_to_pdf` hands the HTML to the engine's
process, where `weasyprint_pdf` runs.
"""

from __future__ import annotations

import importlib.util
import logging
from typing import Any, NoReturn

from psstrat.errors import PsstratError
from psstrat.report import engine

SYSTEM_LIBRARIES = (
    "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation"
)
"""What WeasyPrint needs from the system (Debian package names), as README.md says."""


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"psstrat fetches nothing ({url[:60]})")


def _fetcher(weasyprint: Any) -> Any:
    """A URL fetcher that fetches nothing (WeasyPrint >= 66 takes an object, older a function)."""
    if not hasattr(weasyprint, "URLFetcher"):
        return _refuse

    class Refuse(weasyprint.URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> NoReturn:
            _refuse(url)

    return Refuse(allowed_protocols=())


def _linear_page_references(pydyf: Any) -> None:
    """Make tagging linear in the number of pages (it is quadratic in pydyf 0.13).

    WeasyPrint looks up ``pdf.page_references[n]`` for every tagged element, and pydyf builds
    that tuple anew from the page list at each lookup: for the 480-page benchmark paper, 78,000
    lookups of 480 references cost 15 s. This remembers the tuple until a page is added, so each
    lookup is the same tuple the original would build (tests/test_paper.py checks they agree).
    """
    original = getattr(pydyf.PDF, "page_references", None)
    if not isinstance(original, property) or getattr(original.fget, "psstrat", False):
        return
    build = original.fget
    assert build is not None

    def page_references(self: Any) -> tuple[bytes, ...]:
        count = len(self.pages["Kids"])
        cached = self.__dict__.get("_psstrat_page_references")
        if cached is None or cached[0] != count:
            cached = (count, build(self))
            self.__dict__["_psstrat_page_references"] = cached
        references: tuple[bytes, ...] = cached[1]
        return references

    page_references.psstrat = True  # type: ignore[attr-defined]
    pydyf.PDF.page_references = property(page_references)


def html_to_pdf(html: str, shown: str = "report.html.j2") -> bytes:
    """The PDF of the paper's HTML; any failure of the engine is a PsstratError naming the
    template ``shown``."""
    try:
        found = importlib.util.find_spec("weasyprint") is not None
    except (ImportError, ValueError):
        found = False
    try:
        if not found:
            raise engine.EngineMissing("No module named 'weasyprint'")
        return engine.run("weasyprint", html.encode("utf-8"), shown)
    except engine.EngineMissing as exc:
        raise PsstratError(
            f"PDF output needs WeasyPrint and its system libraries ({exc}); install them, "
            f"e.g. `apt-get install {SYSTEM_LIBRARIES}`"
        ) from None


def weasyprint_pdf(html: bytes, max_pages: int) -> bytes:
    """In the engine's process: lay out and write the PDF, refusing a paper of more than
    ``max_pages`` pages as soon as layout passes it."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise engine.EngineMissing(str(exc)) from None
    # WeasyPrint logs every refused URL and unsupported CSS property as a warning; the paper
    # is complete without them, so keep them out of the clerk's terminal.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    import pydyf

    _linear_page_references(pydyf)
    _page_limit(weasyprint, max_pages)
    source = weasyprint.HTML(
        string=html.decode("utf-8"), url_fetcher=_fetcher(weasyprint), base_url=None
    )
    document = source.render(pdf_tags=True)
    if len(document.pages) > max_pages:
        raise engine.PageLimit(max_pages)
    pdf = document.write_pdf(pdf_tags=True)
    assert isinstance(pdf, bytes)
    return pdf


def _page_limit(weasyprint: Any, max_pages: int) -> None:
    """Stop layout at the first page past ``max_pages``, rather than after laying out all
    12,000 of a runaway template's: each pass of WeasyPrint's pagination (it repeats them
    while page-based counters settle) goes through `layout.make_all_pages`. Where that is not
    there (another WeasyPrint), the pages are counted after layout instead."""
    layout: Any = getattr(weasyprint, "layout", None)
    original = getattr(layout, "make_all_pages", None)
    if original is None or getattr(original, "psstrat", False):
        return

    def make_all_pages(*args: Any, **kwargs: Any) -> Any:
        for count, page in enumerate(original(*args, **kwargs), start=1):
            if count > max_pages:
                raise engine.PageLimit(max_pages)
            yield page

    make_all_pages.psstrat = True  # type: ignore[attr-defined]
    layout.make_all_pages = make_all_pages
