"""One source for each fact in the paper: the section list every layout heads its sections
from (report.outline, `r.sections`), the `tag` filter that shows an item's marking in each
format, and the kinds of withheld item, valued by the registry."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import docx
import pytest

from psstrat.errors import PsstratError
from psstrat.kinds import KINDS, walk_parts
from psstrat.marking import HeldBack, restrict
from psstrat.provenance import Source
from psstrat.report import outline
from psstrat.report.context import HeldKind, build_context
from psstrat.report.paper import produce
from psstrat.report.render import TAGS, ConfinedLoader, environment, render
from psstrat.report.scope import Paper
from psstrat.report.views import ReportContext
from psstrat.repository import load_repository
from psstrat.schedule import Quarter

ROOT = Path(__file__).resolve().parents[1]
WORD_TEMPLATE = ROOT / "templates" / "report.docx"
LEVELS = {"Heading 1": 1, "Heading 2": 2}


def _context(session: str, strand: str | None = None) -> ReportContext:
    return build_context(
        load_repository(ROOT),
        Paper(Quarter(2004, 3), dt.date(2004, 12, 31), session, strand),
        Source("OUTLINE", False),
    )


def _expected(context: ReportContext, withheld: bool) -> list[tuple[int, str]]:
    """(level, heading) of every section, in order: parts at 1, sections inside them at 2."""
    return [
        (level, heading)
        for part in context.sections
        for level, heading in [
            (1, part.heading),
            *((2, s.heading) for s in part.sections if withheld or s.id != outline.WITHHELD),
        ]
    ]


def _word(data: bytes) -> list[tuple[int, str]]:
    document = docx.Document(io.BytesIO(data))
    return [
        (LEVELS[p.style.name], p.text)
        for p in document.paragraphs
        if p.style is not None and p.style.name in LEVELS
    ]


def _markdown(text: str) -> list[tuple[int, str]]:
    return [(len(hashes) - 1, h) for hashes, h in re.findall(r"^(#{2,3}) (.+)$", text, re.M)]


def _html(text: str) -> list[tuple[int, str]]:
    return [(int(n) - 1, h) for n, h in re.findall(r"<h([23])>(.+?)</h\1>", text)]


@pytest.mark.parametrize(("session", "strand"), [("open", None), ("closed", None), ("open", "S2")])
def test_every_layout_heads_its_sections_from_the_context(session: str, strand: str | None) -> None:
    context = _context(session, strand)
    assert context.sections == outline.SECTIONS
    expected = _expected(context, withheld=bool(context.withheld))
    md = produce(context, "md", ROOT)
    html = produce(context, "html", ROOT)
    word = produce(context, "docx", ROOT)
    assert isinstance(md, str) and isinstance(html, str) and isinstance(word, bytes)
    assert _markdown(md) == expected
    assert _html(html) == expected
    assert _word(word) == expected
    # The HTML's parts are <section>s named by the outline's ids.
    assert re.findall(r'<section id="([a-z-]+)">', html) == [p.id for p in context.sections]


def test_both_kinds_of_paper_are_checked() -> None:
    """The open paper has the section *Withheld for closed session*, the closed one does not:
    the test above sees the section both shown and left out."""
    assert _context("open").withheld and not _context("closed").withheld


def test_the_word_template_is_built_from_the_outline() -> None:
    """templates/report.docx, as tools/make_docx_template.py built it, heads every section the
    context lists (the withheld section inside its `{%p if r.withheld %}`): a template built
    before the outline changed fails here until it is rebuilt."""
    context = _context("closed")
    appendix = [(1, outline.APPENDIX)]  # inside `{%p if r.register.appendix %}`, after F
    assert _word(WORD_TEMPLATE.read_bytes()) == [*_expected(context, withheld=True), *appendix]
    document = docx.Document(str(WORD_TEMPLATE))
    texts = [p.text for p in document.paragraphs]
    withheld = texts.index("Withheld for closed session")
    assert texts[withheld - 1] == "{%p if r.withheld %}"


def test_the_outline_letters_its_parts_in_order() -> None:
    parts = outline.SECTIONS
    assert parts[0].heading == "Summary" and parts[0].letter is None
    lettered = [p for p in parts if p.letter is not None]
    assert [p.letter for p in lettered] == list("ABCDEF")
    assert all(p.heading == f"{p.letter}. {p.title}" for p in lettered)
    assert len({s.id for p in parts for s in (p, *p.sections)}) == sum(
        1 + len(p.sections) for p in parts
    )


# -- the tag filter -------------------------------------------------------------------------------

INLINED = {
    "md": '{{ " [" ~ x.marking ~ "]" if x.marking else "" }}',
    "html": '{% if x.marking %} <span class="tag">[{{ x.marking }}]</span>{% endif %}',
    "docx": "{% if x.marking %} [{{ x.marking }}]{% endif %}",
}
"""What each format's templates wrote, before the filter, for an item's marking."""


@pytest.mark.parametrize("fmt", sorted(TAGS))
@pytest.mark.parametrize(
    "marking", [None, "", "OFFICIAL-SENSITIVE", "SECRET", '<b title="x">&amp;\'</b>', "A & B"]
)
def test_the_tag_filter_writes_what_the_inlined_code_did(fmt: str, marking: str | None) -> None:
    env = environment(ConfinedLoader([], None), fmt)
    item = {"marking": marking}
    filtered = env.from_string("{{ x.marking | tag }}").render(x=item)
    assert filtered == env.from_string(INLINED[fmt]).render(x=item)


def test_the_tag_filter_takes_a_marking_not_an_item(tmp_path: Path) -> None:
    template = tmp_path / "t.md.j2"
    template.write_text("{% for s in r.strands %}{{ s | tag }}{% endfor %}\n")
    with pytest.raises(PsstratError, match=r"t\.md\.j2:1: the tag filter takes an item's marking"):
        render(_context("closed"), "md", ROOT, template)


@pytest.mark.parametrize(
    ("fmt", "old"),
    [
        ("md", '{% import "_macros.md.j2" as m %}{{ m.tag(e) }}'),
        ("html", '{% from "_macros.html.j2" import tag %}{{ tag(e) }}'),
    ],
)
def test_a_template_written_before_the_filter_still_calls_the_tag_macro(
    tmp_path: Path, fmt: str, old: str
) -> None:
    """The packaged templates once imported a `tag` macro from `_macros.*.j2`; a force's copy
    of them still does, and gets what the filter writes."""
    import_, call = old.split("%}", 1)
    line = "- X|" if fmt == "md" else "<p>X|</p>"
    each = f"{{% for e in r.register.highest %}}{line}\n{{% endfor %}}"
    before, after = tmp_path / f"before.{fmt}.j2", tmp_path / f"after.{fmt}.j2"
    before.write_text(import_ + "%}" + each.replace("X", call))
    after.write_text(each.replace("X", "{{ e.marking | tag }}"))
    context = _context("closed")
    shown = render(context, fmt, ROOT, before)
    assert shown == render(context, fmt, ROOT, after)
    assert "[OFFICIAL-SENSITIVE]" in shown and "|" in shown


# -- the kinds of withheld item -------------------------------------------------------------------


def test_withheld_kinds_are_the_registrys_gated_kinds_and_parts() -> None:
    """Every kind or part the registry gates (it carries a marking) is a HeldKind, valued by
    its kind's key and fields, and called what the registry calls it."""
    gated: dict[tuple[str, ...], str] = {(k.key,): k.name for k in KINDS if k.marked}
    for kind in KINDS:
        for fields, part in walk_parts(kind.parts):
            if part.marked:
                gated[(kind.key, *fields)] = part.name
    assert {k.value: k.said for k in HeldKind} == gated


def test_a_withheld_item_is_counted_as_the_registry_calls_it() -> None:
    view = restrict(load_repository(ROOT), "open")
    assert view.held
    for held in view.held:
        assert HeldKind.of(held).said == held.kind
    counted = [w.kind for w in _context("open").withheld]
    assert counted and set(counted) <= {h.kind for h in view.held}
    with pytest.raises(KeyError):
        HeldKind.of(HeldBack("something the registry does not name", object()))
