"""The paper's sections, in order: the one list every layout heads its sections from.

The context carries it (`r.sections`): the Markdown and HTML templates loop over it and write
each heading from it, and tools/make_docx_template.py builds the Word template's headings from
it (tests/test_outline.py checks all of them, and the built templates/report.docx, against it).
The parts of the paper after the summary are lettered in their order: A, B, C...
"""

from __future__ import annotations

from string import ascii_uppercase

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
