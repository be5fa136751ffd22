"""The committee paper as PDF: the HTML report laid out on A4 by WeasyPrint, in-process.

The HTML carries everything the PDF needs: the @page rules put the marking centred at the top
and bottom of every page and "n of N" at the foot; `<title>`, `<meta name="author">` and
`<meta name="description">` (the marking) become the PDF's Title, Author and Subject. Fonts
are embedded (subset). Nothing is fetched: every URL, even `file:`, is refused, so a template
cannot pull a file or a network resource into the paper. The same HTML gives the same bytes.
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn

from psstrat.errors import PsstratError

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


def html_to_pdf(html: str) -> bytes:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise PsstratError(
            f"PDF output needs WeasyPrint and its system libraries ({exc}); install them, "
            f"e.g. `apt-get install {SYSTEM_LIBRARIES}`"
        ) from None
    # WeasyPrint logs every refused URL and unsupported CSS property as a warning; the paper
    # is complete without them, so keep them out of the clerk's terminal.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    import pydyf

    _linear_page_references(pydyf)
    document = weasyprint.HTML(string=html, url_fetcher=_fetcher(weasyprint), base_url=None)
    pdf = document.write_pdf(pdf_tags=True)
    assert isinstance(pdf, bytes)
    return pdf
