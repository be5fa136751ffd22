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
    document = weasyprint.HTML(string=html, url_fetcher=_fetcher(weasyprint), base_url=None)
    pdf = document.write_pdf(pdf_tags=True)
    assert isinstance(pdf, bytes)
    return pdf
