"""The paper's sections, in order: the one list every layout heads its sections from.

The context carries it (`r.sections`): the Markdown and HTML templates loop over it and write
each heading from it, and tools/make_docx_template.py builds the Word template's headings from
it (tests/test_outline.py checks all of them, and the built templates/report.docx, against it).
The parts of the paper after the summary are lettered in their order: A, B, C...
"""

from __future__ import annotations

from collections.abc import Mapping
from string import ascii_uppercase
from typing import Any

from psstrat.report.views import Section

_PARTS: tuple[tuple[str, str, bool, tuple[tuple[str, str], ...]], ...] = (
    # (id, title, lettered, the sections inside it as (id, title))
    ("summary", "Summary", False, ()),
    ("recommendations", "Recommendations", True, ()),
    (
        "supporting",
        "Supporting information",
        True,
        (
            ("strategy-context", "Strategy context"),
            ("changes", "Changes since the last report"),
            ("strands", "Progress by strand"),
            ("sias", "Strategic Intelligence Assessments"),
            ("register", "Risk register"),
            ("withheld", "Withheld for closed session"),
        ),
    ),
    ("equality", "Equality and diversity implications", True, ()),
    ("financial", "Financial implications", True, ()),
    ("background", "Background papers", True, ()),
    ("contact", "Contact details", True, ()),
)

APPENDIX = "Appendix: the risk register"
"""The heading of the appendix a paper has only when asked for (`--appendix register`), after
its lettered parts."""

WITHHELD = "withheld"
"""The section a paper has only when something is withheld from its session."""


def _sections() -> tuple[Section, ...]:
    letters = iter(ascii_uppercase)
    parts = []
    for part_id, title, lettered, inside in _PARTS:
        letter = next(letters) if lettered else None
        parts.append(
            Section(
                part_id,
                title,
                letter,
                f"{letter}. {title}" if letter else title,
                tuple(Section(i, t, None, t) for i, t in inside),
            )
        )
    return tuple(parts)


SECTIONS: tuple[Section, ...] = _sections()
"""The parts of the paper, in order, each with the sections inside it."""


_PAPER_PARTS: tuple[tuple[str, str, bool], ...] = (
    ("summary", "Summary", False),
    ("recommendations", "Recommendations", True),
    ("supporting", "Supporting information", True),
    ("equality", "Equality and diversity implications", True),
    ("financial", "Financial implications", True),
    ("background", "Background papers", True),
    ("contact", "Contact details", True),
)


def paper_sections(
    background: bool = True, headings: Mapping[Any, str] | None = None
) -> tuple[Section, ...]:
    """The parts of a meeting's paper (psstrat.report.papers), lettered as the committee's
    papers letter them: a paper with no background papers section leaves E out and keeps F
    for its contact details, as the source papers do. ``headings`` titles parts in the
    paper's own words (`equality`: `Race and equality impact`)."""
    letters = iter(ascii_uppercase)
    parts = []
    for part_id, default, lettered in _PAPER_PARTS:
        title = " ".join((headings or {}).get(part_id, default).split()) or default
        letter = next(letters) if lettered else None
        if part_id == "background" and not background:
            continue
        parts.append(Section(part_id, title, letter, f"{letter}. {title}" if letter else title))
    return tuple(parts)
