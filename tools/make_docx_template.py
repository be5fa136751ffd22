"""Build templates/report.docx, the house-style Word template of the committee paper.

    python tools/make_docx_template.py

The template is a normal Word document whose text holds Jinja tags, filled by docxtpl with the
same ReportContext (`r`) as the Markdown and HTML templates (docs/report.md lists its fields).
It is generated here, not hand-edited, so that every tag sits whole inside one run (Word splits
typed text into runs unpredictably) and a reviewer can read the layout as code. A force that
wants its own look copies the built file into its repository's templates/ and restyles it in
Word: styles, fonts, margins and the header and footer are theirs to change, as long as the
tags stay.

The parts of the paper and the sections inside them, their order and headings, are those of
psstrat.report.outline (the list the context carries as `r.sections`); BODIES says what each
holds. An item's marking is written by the `tag` filter, as in the other templates.

docxtpl tags used: `{%p ... %}` (a paragraph that holds only a block tag), `{%tr ... %}` (a
table row that holds only a block tag) and `{% cellbg colour %}` (a cell's shading).

The paragraphs of "B. Supporting information" are numbered 1., 2., 3. ... through all its
sections, as the committee's papers number them (lists, tables and headings are not): each is
in the style "Numbered Paragraph" (a hanging indent) and starts `{{ para.next() }}.` and a tab,
from a counter set where the part begins, `cycler(*range(1, 100000))` (the templates do no
arithmetic). The number is typed text, not Word list numbering, so it reads the same in every
tool and stays with its paragraph when a clerk edits around it. An item that prints
illustrative data carries `†` after the value concerned (a milestone's date, a work element's
status, a strand's lead, a risk's score, a note's date, a recommendation's text), and the paper
ends with the key when `r.illustrative`.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from psstrat.report.outline import APPENDIX, SECTIONS, WITHHELD

OUT = Path(__file__).resolve().parents[1] / "templates" / "report.docx"
NUMBERED = "Numbered Paragraph"
"""The style of a numbered paragraph of section B: the number hangs in the margin of the
text, as in the committee's papers."""
DAGGER = "{% if {item}.illustrative %}†{% endif %}"
"""`†` after the value of an item that is illustrative data (`dagger("e")`)."""


def tag(doc: Any, text: str) -> None:
    """A paragraph holding only a docxtpl block tag (removed when rendered)."""
    doc.add_paragraph(text)


def para(doc: Any, text: str, style: str | None = None, bold: bool = False) -> Any:
    p = doc.add_paragraph(style=style)
    run = p.add_run(text)
    run.bold = bold
    return p


def numbered(doc: Any, text: str) -> Any:
    """A numbered paragraph of section B: the next number, a full stop, a tab, ``text``."""
    return para(doc, "{{ para.next() }}.\t" + text, NUMBERED)


def dagger(item: str) -> str:
    return DAGGER.replace("{item}", item)


def field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays out the pages."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def table(doc: Any, headers: list[str], loop: str, cells: list[str], end: str) -> None:
    """A table with a header row and one row repeated by a `{%tr for %}` loop."""
    t = doc.add_table(rows=4, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    for i, h in enumerate(headers):
        cell = t.rows[0].cells[i]
        cell.paragraphs[0].add_run(h).bold = True
    t.rows[1].cells[0].paragraphs[0].add_run(loop)
    for i, c in enumerate(cells):
        t.rows[2].cells[i].paragraphs[0].add_run(c)
    t.rows[3].cells[0].paragraphs[0].add_run(end)
    header = t.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    header.append(repeat)


def listed(doc: Any, loop: str, item: str, empty: str = "None.") -> None:
    """A bulleted list from a loop, or one line saying there is nothing."""
    tag(doc, f"{{%p for {loop} %}}")
    para(doc, item, "List Bullet")
    tag(doc, "{%p else %}")
    para(doc, empty)
    tag(doc, "{%p endfor %}")


def _document() -> Any:
    """A new A4 document in the house style, with the marking in its header and footer and
    the page numbers: what every paper's template starts from."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin = section.bottom_margin = Mm(22)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    for name in ("Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        doc.styles[name].paragraph_format.keep_with_next = True
    number = doc.styles.add_style(NUMBERED, WD_STYLE_TYPE.PARAGRAPH)
    number.base_style = normal
    number.quick_style = True
    number.paragraph_format.left_indent = Mm(10)
    number.paragraph_format.first_line_indent = Mm(-10)
    number.paragraph_format.tab_stops.add_tab_stop(Mm(10))

    core = doc.core_properties
    core.title = "{{ r.title }}"
    core.subject = "{{ r.marking }}"
    core.author = "{% for p in r.contacts %}{{ p.label }}{% endfor %}"
    core.comments = "Produced by psstrat {{ r.provenance.version }}"
    core.keywords = ""
    core.last_modified_by = "psstrat"
    core.revision = 1
    core.created = core.modified = dt.datetime(2000, 1, 1)  # the template is rebuilt alike

    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.add_run("{{ r.marking }}").bold = True
    draft = section.header.add_paragraph()
    draft.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = draft.add_run("{% if r.draft %}DRAFT{% endif %}")
    run.bold = True
    run.font.size = Pt(28)
    run.font.color.rgb = RGBColor(0xA0, 0xA0, 0xA0)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("{{ r.marking }}").bold = True
    pages = section.footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    pages.add_run("Page ")
    field(pages, "PAGE")
    pages.add_run(" of ")
    field(pages, "NUMPAGES")

    return doc


def build() -> Path:
    doc = _document()
    para(doc, "{{ r.committee or '' }}")
    doc.add_heading("{{ r.title }}", level=0)
    meta = doc.add_table(rows=7, cols=2)
    meta.style = "Table Grid"
    rows = [
        ("Report", "{{ r.report_number or '-' }}"),
        ("Date", "{{ r.meeting_date or '-' }}"),
        ("{%tr if r.by %}", ""),
        ("By", "{{ r.by }}"),
        ("{%tr endif %}", ""),
        ("Period", "{{ r.quarter }}: {{ r.period }}, as at {{ r.as_of }}"),
        ("Session", "{{ r.session | capitalize }}"),
    ]
    for row, (key, value) in zip(meta.rows, rows, strict=True):
        row.cells[0].paragraphs[0].add_run(key).bold = not key.startswith("{%")
        row.cells[1].paragraphs[0].add_run(value)

    for part in SECTIONS:
        doc.add_heading(part.heading, level=1)
        BODIES[part.id](doc)
        for inside in part.sections:
            shown_if = SHOWN_IF.get(inside.id)
            if shown_if:
                tag(doc, f"{{%p if {shown_if} %}}")
            doc.add_heading(inside.heading, level=2)
            BODIES[inside.id](doc)
            if shown_if:
                tag(doc, "{%p endif %}")
    appendix(doc)
    _ending(doc)

    OUT.parent.mkdir(exist_ok=True)
    doc.save(str(OUT))
    return OUT


def summary(doc: Any) -> None:
    tag(doc, "{%p for p in r.summary %}")
    para(doc, "{{ p }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if r.withheld_total %}")
    para(
        doc,
        '{{ r.withheld_total | plural("item") | sentence }} marked above {{ r.session }} session '
        '{{ r.withheld_total | verb("is") }} withheld and reported in closed session.',
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if r.draft %}")
    para(doc, 'This paper is a draft: {{ r.draft | join("; ") }}.', bold=True)
    tag(doc, "{%p endif %}")


def recommendations(doc: Any) -> None:
    tag(doc, "{%p for rec in r.recommendations %}")
    para(doc, "{{ rec }}", "List Number")
    tag(doc, "{%p endfor %}")


def strategy_context(doc: Any) -> None:
    tag(doc, "{%p for p in r.strategy_context %}")
    numbered(doc, "{{ p }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if r.outcomes %}")
    para(doc, "Strategic outcomes", bold=True)
    table(
        doc,
        ["Outcome", "Title"],
        "{%tr for id, title in r.outcomes %}",
        ["{{ id }}", "{{ title }}"],
        "{%tr endfor %}",
    )
    tag(doc, "{%p endif %}")


def changes(doc: Any) -> None:
    tag(doc, "{%p if r.changes.since %}")
    numbered(doc, "{{ r.changes.since }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for group in r.changes.groups %}")
    para(doc, "{{ group.title }}", bold=True)
    tag(doc, "{%p for line in group.lines %}")
    para(doc, "{{ line.text }}{{ line.tag | tag }}", "List Bullet")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if r.changes.note %}")
    numbered(doc, "{{ r.changes.note }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if r.changes.quiet %}")
    numbered(doc, "{{ r.changes.quiet }}")
    tag(doc, "{%p endif %}")


def strands(doc: Any) -> None:
    tag(doc, "{%p if r.timeline.points %}")
    para(doc, "Milestones in {{ r.quarter }}", bold=True)
    table(
        doc,
        ["Date", "Milestone", "State"],
        "{%tr for p in r.timeline.points %}",
        [
            "{{ p.date }}" + dagger("p"),
            "{{ p.id }} {{ p.title }}{{ p.marking | tag }}",
            "{{ p.said }}",
        ],
        "{%tr endfor %}",
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for s in r.strands %}")
    doc.add_heading(
        "{{ s.id }} {{ s.title }}: {{ s.rag | upper }}{{ s.marking | tag }}",
        level=3,
    )
    para(doc, "Strand lead: {{ s.lead }}" + dagger("s"))
    tag(doc, "{%p for p in s.summary %}")
    numbered(doc, "{{ p }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if s.purpose %}")
    numbered(doc, 'The purpose of the strand is: {{ s.purpose | join(" ") }}')
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if s.expected_outcome %}")
    numbered(doc, 'The expected outcome is: {{ s.expected_outcome | join(" ") }}')
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if s.elements %}")
    table(
        doc,
        ["Work element", "Lead", "Status", "RAG"],
        "{%tr for e in s.elements %}",
        [
            "{{ e.id }} {{ e.title }}{{ e.marking | tag }}",
            "{{ e.lead }}",
            "{{ e.status }}" + dagger("e"),
            "{{ e.rag | upper }}",
        ],
        "{%tr endfor %}",
    )
    tag(doc, "{%p endif %}")
    # As the papers write a milestone: "due 31 March 2005, re-planned from 31 December 2004;
    # lead: ...". Overdue on the paper's own date (0 days): "not met by that date".
    milestone = "{{ ms.id }} {{ ms.title }}{{ ms.marking | tag }}: "
    due = "due {{ ms.revised_due or ms.due }}" + dagger("ms")
    replanned = "{% if ms.revised_due %}, re-planned from {{ ms.due }}{% endif %}"
    lead = "; lead: {{ ms.lead }}"
    late = (
        ', {% if ms.days_overdue %}{{ ms.days_overdue | plural("day") }} overdue'
        "{% else %}not met by that date{% endif %}"
    )
    doc.add_heading("Milestones completed in the quarter", level=4)
    listed(
        doc, "ms in s.completed", milestone + "completed {{ ms.completed }}" + dagger("ms") + lead
    )
    doc.add_heading("Overdue", level=4)
    listed(doc, "ms in s.overdue", milestone + due + late + replanned + lead)
    doc.add_heading("Due next quarter", level=4)
    listed(doc, "ms in s.due_next", milestone + due + replanned + lead)
    doc.add_heading("Updates in the quarter", level=4)
    listed(
        doc,
        "n in s.updates",
        "{{ n.date }}"
        + dagger("n")
        + ', {{ n.about }}{{ n.marking | tag }}: {{ n.paragraphs | join(" ") }}',
    )
    tag(doc, "{%p else %}")
    numbered(doc, "No strand can be shown in this session.")
    tag(doc, "{%p endfor %}")


def sias(doc: Any) -> None:
    tag(doc, "{%p for sia in r.sias %}")
    doc.add_heading(
        "{{ sia.title }} ({{ sia.id }}, presented {{ sia.date }}){{ sia.marking | tag }}",
        level=3,
    )
    tag(doc, "{%p for p in sia.summary %}")
    numbered(doc, "{{ p }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p for issue in sia.issues %}")
    doc.add_heading(
        "{{ issue.id }} {{ issue.title }}{{ issue.marking | tag }}",
        level=4,
    )
    tag(doc, "{%p for p in issue.statement %}")
    para(doc, "{{ p }}", "Quote")
    tag(doc, "{%p endfor %}")
    para(doc, 'Risks: {{ issue.risks | join(", ") if issue.risks else "none shown" }}')
    tag(doc, "{%p for rec in issue.recommendations %}")
    para(
        doc,
        "Recommendation: {{ rec.text }}" + dagger("rec") + "{% if rec.aligned_to %} (aligned to "
        '{{ rec.aligned_to | join(", ") }}){% endif %}',
        "List Bullet",
    )
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p for n in issue.progress %}")
    para(
        doc,
        "Progress, {{ n.date }}"
        + dagger("n")
        + '{{ n.marking | tag }}: {{ n.paragraphs | join(" ") }}',
        "List Bullet",
    )
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    numbered(doc, "No Strategic Intelligence Assessment is shown in this session.")
    tag(doc, "{%p endfor %}")


def register(doc: Any) -> None:
    numbered(
        doc,
        'The risk register holds {{ r.register.live | plural("live risk") }} as at {{ r.as_of }}. '
        "Residual scores (likelihood across, impact down):",
    )
    heat = doc.add_table(rows=4, cols=6)
    heat.style = "Table Grid"
    heat.alignment = WD_TABLE_ALIGNMENT.LEFT
    for i, h in enumerate(["Impact \\ Likelihood", "1", "2", "3", "4", "5"]):
        heat.rows[0].cells[i].paragraphs[0].add_run(h).bold = True
    heat.rows[1].cells[0].paragraphs[0].add_run("{%tr for row in r.register.heat | batch(5) %}")
    heat.rows[2].cells[0].paragraphs[0].add_run("{{ row[0].impact }}").bold = True
    for i in range(5):
        cell = heat.rows[2].cells[i + 1].paragraphs[0]
        cell.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.add_run(
            f"{{% cellbg row[{i}].colour[1:] %}}{{{{ row[{i}].count if row[{i}].count else '.' }}}}"
        )
    heat.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    para(
        doc,
        "Bands: {% for name, colour, range in r.register.bands %}{{ name }} {{ range }}"
        '{{ "; " if not loop.last else "." }}{% endfor %}',
    )
    for heading, items, rest in (
        ("Highest risks", "r.register.highest", None),
        ("Score changes in the quarter", "r.register.changes", "changes"),
    ):
        doc.add_heading(heading, level=3)
        risk_table(doc, items)
        if rest:
            rest_line(doc, rest)
    dated = (
        "{{ d.id }} {{ d.title }}{{ d.marking | tag }}: "
        "{{ d.date }}{% if d.detail %}, {{ d.detail }}{% endif %}"
    )
    for heading, items in (
        ("Escalations in the quarter", "escalations"),
        ("Reviews overdue", "reviews_overdue"),
        ("Risks raised in the quarter", "raised"),
        ("Risks closed in the quarter", "closed"),
    ):
        doc.add_heading(heading, level=3)
        listed(doc, f"d in r.register.{items}", dated)
        rest_line(doc, items)


RISK_CELLS = [
    "{{ v.id }} {{ v.title }}{{ v.marking | tag }}",
    "{{ v.score }} ({{ v.likelihood }}x{{ v.impact }})"
    + dagger("v")
    + "{% if not v.assessed %}, inherent: not yet assessed{% endif %}",
    "{{ v.band }}",
    "{{ v.arrow }}{% if v.before is not none and v.before != v.score %} from "
    "{{ v.before }}{% endif %}",
    "{{ v.owner }}{% if v.owner_illustrative %}†{% endif %}",
]


def risk_table(doc: Any, items: str) -> None:
    """A table of risks (`RiskView`s), or None."""
    tag(doc, f"{{%p if {items} %}}")
    table(
        doc,
        ["Risk", "Score", "Band", "Trend", "Owner"],
        f"{{%tr for v in {items} %}}",
        RISK_CELLS,
        "{%tr endfor %}",
    )
    tag(doc, "{%p else %}")
    para(doc, "None.")
    tag(doc, "{%p endif %}")


def rest_line(doc: Any, name: str) -> None:
    """How many more risks a capped list of the register section holds (`r.register.rest`)."""
    n = f"r.register.rest.{name}"
    tag(doc, f"{{%p if {n} %}}")
    para(
        doc,
        f'{{{{ {n} | plural("more risk") | sentence }}}} {{{{ {n} | verb("is") }}}} '
        "not listed here.",
    )
    tag(doc, "{%p endif %}")


def appendix(doc: Any) -> None:
    """The whole register, after the paper's parts, only when asked for."""
    tag(doc, "{%p if r.register.appendix %}")
    doc.add_heading(APPENDIX, level=1)
    para(doc, "Every live risk as at {{ r.as_of }}, highest residual score first.")
    risk_table(doc, "r.register.appendix")
    tag(doc, "{%p endif %}")


def withheld(doc: Any) -> None:
    numbered(
        doc,
        '{{ r.withheld_said | sentence }} {{ r.withheld_total | verb("is") }} marked above this '
        'session\'s level and {{ r.withheld_total | verb("is") }} reported in closed session.',
    )


def supporting(doc: Any) -> None:
    """The counter of section B's paragraph numbers, which its sections share."""
    tag(doc, "{%p set para = cycler(*range(1, 100000)) %}")


def paragraphs(items: str) -> Callable[[Any], None]:
    def write(doc: Any) -> None:
        tag(doc, f"{{%p for p in {items} %}}")
        para(doc, "{{ p }}")
        tag(doc, "{%p endfor %}")

    return write


def background(doc: Any) -> None:
    listed(doc, "paper in r.background_papers", "{{ paper }}")


def contact(doc: Any) -> None:
    tag(doc, "{%p for person in r.contacts %}")
    para(doc, "Report author: {{ person.label }}")
    tag(doc, "{%p else %}")
    para(doc, "Report author: not named (set report.author in psstrat.yaml).")
    tag(doc, "{%p endfor %}")


BODIES: dict[str, Callable[[Any], None]] = {
    "summary": summary,
    "recommendations": recommendations,
    "supporting": supporting,  # its sections are its body
    "strategy-context": strategy_context,
    "changes": changes,
    "strands": strands,
    "sias": sias,
    "register": register,
    WITHHELD: withheld,
    "equality": paragraphs("r.equality"),
    "financial": paragraphs("r.financial"),
    "background": background,
    "contact": contact,
}
"""What each section of report.outline holds, under its heading: a section the outline has and
this does not fails the build (KeyError), so the Word template cannot fall behind the outline."""
SHOWN_IF = {WITHHELD: "r.withheld"}
"""The sections a paper has only sometimes, and when: the section with its heading is inside
`{%p if ... %}`."""


PAPER_OUT = OUT.with_name("paper.docx")


def build_paper() -> Path:
    """templates/paper.docx: a paper a meeting took (a PaperContext, `r`), its parts headed
    from `r.sections` (a paper without section E keeps F for its contact details), section B
    from `r.groups` with psstrat's numbers, and bullets by depth from each paragraph's
    `flat` (Word lists do not nest from a loop)."""
    doc = _document()
    para(doc, "{{ r.committee or '' }}")
    doc.add_heading("{{ r.title }}", level=0)
    meta = doc.add_table(rows=10, cols=2)
    meta.style = "Table Grid"
    rows = [
        ("Report", "{{ r.report_number or '-' }}"),
        ("Date", "{{ r.meeting_date }}"),
        ("{%tr if r.by %}", ""),
        ("By", "{{ r.by }}"),
        ("{%tr endif %}", ""),
        ("{%tr if r.presenter %}", ""),
        ("Presented by", "{{ r.presenter }}"),
        ("{%tr endif %}", ""),
        ("Covers", "{{ r.window }}, as at {{ r.as_of }}"),
        ("Session", "{{ r.session | capitalize }}"),
    ]
    for row, (key, value) in zip(meta.rows, rows, strict=True):
        row.cells[0].paragraphs[0].add_run(key).bold = not key.startswith("{%")
        row.cells[1].paragraphs[0].add_run(value)
    tag(doc, "{%p if r.exempt %}")
    para(doc, "Exempt from publication: {{ r.exempt }}", bold=True)
    tag(doc, "{%p endif %}")

    tag(doc, "{%p for part in r.sections %}")
    doc.add_heading("{{ part.heading }}", level=1)
    tag(doc, "{%p if part.id == 'summary' %}")
    paragraphs("r.summary")(doc)
    tag(doc, "{%p if r.withheld_total %}")
    para(
        doc,
        "{{ r.withheld_said | sentence }} marked above {{ r.session }} session "
        '{{ r.withheld_total | verb("is") }} withheld and reported in closed session.',
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if r.draft %}")
    para(doc, 'This paper is a draft: {{ r.draft | join("; ") }}.', bold=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p elif part.id == 'recommendations' %}")
    tag(doc, "{%p for rec in r.recommendations %}")
    para(doc, "{{ rec }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p elif part.id == 'supporting' %}")
    tag(doc, "{%p for group in r.groups %}")
    tag(doc, "{%p if group.heading %}")
    doc.add_heading("{{ group.heading }}", level=2)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for b in group.blocks %}")
    para(
        doc,
        "{{ b.number }}.\t{{ b.text[0] }}{{ b.marking | tag }}" + dagger("b"),
        NUMBERED,
    )
    tag(doc, "{%p for p in b.text[1:] %}")
    para(doc, "{{ p }}", NUMBERED).paragraph_format.first_line_indent = Mm(0)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if b.exempt %}")
    para(doc, "Exempt from publication: {{ b.exempt }}", NUMBERED, bold=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for q in b.quoted %}")
    para(doc, "{{ q }}", NUMBERED).paragraph_format.first_line_indent = Mm(0)
    tag(doc, "{%p endfor %}")
    point = "{{ p.text }}{{ p.marking | tag }}" + dagger("p")
    tag(doc, "{%p for p in b.flat %}")
    tag(doc, "{%p if p.depth == 1 %}")
    para(doc, point, "List Bullet")
    tag(doc, "{%p elif p.depth == 2 %}")
    para(doc, point, "List Bullet 2")
    tag(doc, "{%p else %}")
    para(doc, point, "List Bullet 3")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p elif part.id == 'equality' %}")
    paragraphs("r.equality")(doc)
    tag(doc, "{%p elif part.id == 'financial' %}")
    paragraphs("r.financial")(doc)
    tag(doc, "{%p elif part.id == 'background' %}")
    background(doc)
    tag(doc, "{%p elif part.id == 'contact' %}")
    tag(doc, "{%p for person in r.contacts %}")
    para(doc, "Report {{ 'authors' if r.contacts | length > 1 else 'author' }}: {{ person.label }}")
    tag(doc, "{%p else %}")
    para(doc, "Report author: not named (set the paper's authors, or report.author).")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if r.contact_lines %}")
    para(doc, "For more information contact:")
    listed(doc, "line in r.contact_lines", "{{ line }}", "")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    _ending(doc)
    doc.save(str(PAPER_OUT))
    return PAPER_OUT


def _ending(doc: Any) -> None:
    """The key to `†` (when the paper prints illustrative data) and the provenance line."""
    tag(doc, "{%p if r.illustrative %}")
    key = para(doc, "Values marked † are illustrative data: no source paper gives them.")
    key.runs[0].font.size = Pt(9)
    tag(doc, "{%p endif %}")
    provenance = para(
        doc,
        "Produced by psstrat {{ r.provenance.version }} as of {{ r.provenance.as_of }}, "
        "{{ r.provenance.session }} session, from {{ r.provenance.source }}.",
    )
    provenance.runs[0].font.size = Pt(9)


if __name__ == "__main__":
    sys.stdout.write(f"wrote {build()}\nwrote {build_paper()}\n")
