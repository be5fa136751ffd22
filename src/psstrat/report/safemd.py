"""The Markdown paper carries no active or remote content either.

Text from the data is escaped (safetext.md_escape) and cannot make markup; a template is
untrusted too, and could write raw HTML (`<script>`, `<img src="http://...">`), an image or a
link that a Markdown viewer would run, fetch or follow. The rendered paper is parsed as
CommonMark (markdown-it-py, the parser rich uses; tables on, as psstrat's papers use them),
and a paper holding any of those is refused, naming the template and the first such thing.
Links to a place in the paper itself (`#summary`) are allowed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from psstrat.errors import PsstratError
from psstrat.safetext import visible

_REFUSED = {
    "html_block": "raw HTML",
    "html_inline": "raw HTML",
    "image": "an image",
}


def check(paper: str, template: str) -> None:
    """Refuse a Markdown paper that holds raw HTML, an image or a link out of it."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(paper)
    for token in _walk(tokens):
        what = _REFUSED.get(token.type)
        if what is None and token.type == "link_open":
            href = str(token.attrGet("href") or "")
            what = None if href.startswith("#") else "a link out of the paper"
        if what is not None:
            line = f" (line {token.map[0] + 1})" if token.map else ""
            shown = visible(
                (token.content or str(token.attrGet("href") or token.attrGet("src")))[:60]
            )
            raise PsstratError(
                f"template {template}: the paper would carry {what}{line}: `{shown}`; a paper "
                "carries nothing active or remote, so remove it from the template"
            )


def _walk(tokens: list[Any]) -> Iterator[Any]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)
