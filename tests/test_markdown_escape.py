"""The Markdown paper shows the data as it is: whatever a title or paragraph holds, a CommonMark
parser (markdown-it-py, the one safemd checks papers with) reads back exactly that text, in
every place the paper's template puts data: a paragraph, a heading, a list item, a numbered
list, a quotation, a table cell and bold text."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from psstrat.safetext import md_escape, one_line

PLACES = {
    "paragraph": "{}\n",
    "heading": "## {}\n",
    "list item": "- {}\n",
    "numbered list": "1. {}\n",
    "quotation": "> {}\n",
    "table cell": "| Item | Title |\n|---|---|\n| R1 | {} |\n",
    "bold": "**R1 {}**\n",
    "after a number": "3.4 {}\n",
}
"""How templates/report.md.j2 places data (`{}` is the escaped value)."""

_PARSER = MarkdownIt("commonmark").enable("table")

# Markdown's punctuation, digits and spaces often, so the fuzzer meets list markers, headings,
# entities, emphasis and escapes; any other character too.
_MARKUP = st.sampled_from(list("#>+=:-*_`~|\\[]()<>!&;.) 0123456789\t\n\u00a0"))
texts = st.text(st.one_of(_MARKUP, _MARKUP, st.characters()), max_size=30)


def _shown(markdown: str) -> str:
    """The text a reader sees: the inline content of the block that holds the data."""
    inline = [t for t in _PARSER.parse(markdown) if t.type == "inline"]
    return "".join(_text(inline[-1].children or [])) if inline else ""


def _text(tokens: list[Any]) -> list[str]:
    out = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif token.children:
            out += _text(token.children)
    return out


def _expected(value: str, place: str) -> str:
    """The data as the paper means to show it: on one line (md_escape's contract), without
    white space at either end, which no Markdown viewer shows (markdown-it strips every
    Unicode space there, not only CommonMark's spaces and tabs)."""
    text = one_line(value).strip()
    return {"bold": f"R1 {text}", "after a number": f"3.4 {text}"}.get(place, text).strip()


@pytest.mark.parametrize("place", PLACES)
@settings(max_examples=2500, deadline=None)
@given(texts)
@example("2. Code of ethics agreed")
@example("10) Review")
@example("# not a heading")
@example("Reported to PSC #")
@example("&amp; &#35; &copy;")
@example("- [x] done")
@example("a\\")
def test_every_string_reads_back_as_the_data(place: str, value: str) -> None:
    assume(place != "bold" or one_line(value).strip())  # `**R1 **` is no emphasis
    shown = _shown(PLACES[place].format(md_escape(value)))
    assert shown == _expected(value, place)


def test_a_numbered_milestone_keeps_its_number_without_a_backslash() -> None:
    assert md_escape("2. Code of ethics agreed") == "2\\. Code of ethics agreed"
    assert _shown(md_escape("2. Code of ethics agreed") + "\n") == "2. Code of ethics agreed"
