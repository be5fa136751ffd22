"""The frozen values a report template sees: nothing here is computed by a template."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from psstrat.provenance import Source


@dataclass(frozen=True)
class Person:
    role: str
    name: str | None
    label: str
    """As people are named in the paper (`Owner.label`): the role, with the name when known."""


@dataclass(frozen=True)
class MilestoneView:
    id: str
    title: str
    element: str
    lead: str
    due: str
    revised_due: str | None
    completed: str | None
    state: str
    days_overdue: int
    marking: str | None = None
    """Set (upper case) on an item above the open session, shown inline in closed session."""
    said: str = ""
    """The state in words: `due soon`, `overdue`, `complete`."""
    illustrative: bool = False
    """A date printed for it is illustrative (no source gives it): the paper marks it."""


@dataclass(frozen=True)
class NoteView:
    date: str
    about: str
    paragraphs: tuple[str, ...]
    marking: str | None = None
    illustrative: bool = False


@dataclass(frozen=True)
class ElementView:
    id: str
    title: str
    lead: str
    status: str
    """In words, as at the paper's date: `on track`, `not recorded`."""
    rag: str
    risks: tuple[str, ...]
    marking: str | None = None
    illustrative: bool = False
    """Its status or lead is illustrative."""


@dataclass(frozen=True)
class StrandView:
    id: str
    title: str
    lead: str
    rag: str
    summary: tuple[str, ...]
    purpose: tuple[str, ...]
    expected_outcome: tuple[str, ...]
    elements: tuple[ElementView, ...]
    completed: tuple[MilestoneView, ...]
    overdue: tuple[MilestoneView, ...]
    due_next: tuple[MilestoneView, ...]
    updates: tuple[NoteView, ...]
    marking: str | None = None
    illustrative: bool = False
    """Its lead or summary is illustrative."""


@dataclass(frozen=True)
class RecommendationView:
    text: str
    aligned_to: tuple[str, ...]
    illustrative: bool = False


@dataclass(frozen=True)
class IssueView:
    id: str
    title: str
    statement: tuple[str, ...]
    risks: tuple[str, ...]
    recommendations: tuple[RecommendationView, ...]
    progress: tuple[NoteView, ...]
    marking: str | None = None


@dataclass(frozen=True)
class SiaView:
    id: str
    title: str
    date: str
    sequence: int | None
    summary: tuple[str, ...]
    issues: tuple[IssueView, ...]
    marking: str | None = None


@dataclass(frozen=True)
class RiskView:
    id: str
    title: str
    owner: str
    score: int
    likelihood: int
    impact: int
    band: str
    before: int | None
    trend: str
    arrow: str
    assessed: bool = True
    """False: no residual assessment yet; shown at the inherent rating, and said so."""
    marking: str | None = None
    illustrative: bool = False
    """Its scores are illustrative."""
    owner_illustrative: bool = False
    """Its owner (as at the paper's date) is illustrative."""


@dataclass(frozen=True)
class DatedRisk:
    id: str
    title: str
    date: str
    detail: str
    marking: str | None = None


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    impact: int
    count: int
    score: int
    band: str
    colour: str
    x: int
    y: int
    count_x: int
    count_y: int
    """Where the count is written, centred in the cell."""


@dataclass(frozen=True)
class AxisLabel:
    text: str
    x: int
    y: int
    anchor: str
    """SVG text-anchor: "middle" under a column, "end" left of a row."""


@dataclass(frozen=True)
class TimelinePoint:
    """One milestone on the quarter's timeline: its own row, a marker whose shape says its
    state (legible in black and white), and a label placed where it fits."""

    id: str
    title: str
    date: str
    state: str
    """A code (the marker's CSS class); ``said`` is the state in words."""
    colour: str
    x: int
    y: int
    marker: str
    """SVG path data of the marker at (x, y)."""
    filled: bool
    label: str
    """Date, id and title, the title shortened with "..." to fit beside the marker."""
    label_x: int
    label_y: int
    anchor: str
    """SVG text-anchor of the label: "start" (right of the marker) or "end" (left of it)."""
    said: str = ""
    """The state in words: `due soon`."""
    marking: str | None = None
    """The milestone's marking, shown inline in closed session as everywhere else."""
    illustrative: bool = False


@dataclass(frozen=True)
class Tick:
    label: str
    x: int


@dataclass(frozen=True)
class LegendMark:
    label: str
    marker: str
    filled: bool
    x: int
    y: int
    label_y: int


@dataclass(frozen=True)
class Timeline:
    """The milestones due or completed in the quarter, one row each, with month ticks."""

    points: tuple[TimelinePoint, ...]
    ticks: tuple[Tick, ...]
    width: int
    height: int
    rows_end: int
    """Where the rows end (month gridlines run from the axis to here)."""
    legend: tuple[LegendMark, ...]
    font_size: int
    axis_start: int
    axis_end: int


@dataclass(frozen=True)
class RiskRegister:
    live: int
    heat: tuple[HeatCell, ...]
    heat_axes: tuple[AxisLabel, ...]
    """The numbers 1 to 5 along the likelihood (across) and impact (up) axes."""
    bands: tuple[tuple[str, str, str], ...]
    """(name, colour, score range) for the heat map's key."""
    highest: tuple[RiskView, ...]
    changes: tuple[RiskView, ...]
    escalations: tuple[DatedRisk, ...]
    reviews_overdue: tuple[DatedRisk, ...]
    raised: tuple[DatedRisk, ...]
    closed: tuple[DatedRisk, ...]
    rest: Rest = field(default_factory=lambda: Rest())
    """How many more each list holds than it shows (settings `report.list_length`)."""
    appendix: tuple[RiskView, ...] = ()
    """Every live risk, highest first: the paper's appendix, only when asked for
    (`--appendix register`)."""


@dataclass(frozen=True)
class Rest:
    """How many risks each list of the register section leaves out: it shows at most
    `report.list_length` and says how many more there are."""

    changes: int = 0
    escalations: int = 0
    reviews_overdue: int = 0
    raised: int = 0
    closed: int = 0


@dataclass(frozen=True)
class Withheld:
    kind: str
    """What people call one such item (`work element`), from the registry (psstrat.kinds)."""
    count: int


@dataclass(frozen=True)
class Section:
    """One section of the paper, as report.outline lists them (`r.sections`)."""

    id: str
    """What a layout knows it by: `recommendations` (the HTML's `<section id>`)."""
    title: str
    """`Recommendations`."""
    letter: str | None
    """`A`, for a lettered part of the paper; None for the summary and for a section inside a
    part."""
    heading: str
    """As the paper heads it: `A. Recommendations`, `Risk register`."""
    sections: tuple[Section, ...] = ()
    """The sections inside this part, in order (those of `B. Supporting information`)."""


@dataclass(frozen=True)
class Provenance:
    version: str
    as_of: str
    session: str
    commit: str | None
    dirty: bool
    source: str
    """The source as the provenance line says it: "source commit abc123 + uncommitted
    changes", or "a source with no commit (git is not available)"."""

    @classmethod
    def of(cls, source: Source, as_of: dt.date, session: str) -> Provenance:
        """A paper's provenance: this psstrat's version (read now: tests pin it), the paper's
        date and session, and the data's commit."""
        import psstrat

        return cls(
            psstrat.__version__,
            as_of.isoformat(),
            session,
            source.commit,
            source.dirty,
            source.description,
        )


@dataclass(frozen=True)
class ChangeLine:
    text: str
    tag: str | None = None
    """The item's marking when above the open session (closed session only)."""


@dataclass(frozen=True)
class ChangeGroup:
    title: str
    lines: tuple[ChangeLine, ...]


@dataclass(frozen=True)
class ChangesView:
    """The section "Changes since the last report" (psstrat changes, in the paper)."""

    since: str = ""
    """What the data is compared with: `Compared with commit 1a2b3c4d5e (2004-09-29), the
    data at the last report (as at 30 September 2004).`"""
    groups: tuple[ChangeGroup, ...] = ()
    quiet: str | None = None
    """`3 files changed in ways not listed here.`"""
    note: str | None = "Not compared with earlier data."
    """Why nothing is listed: no history to compare with, or nothing changed."""


@dataclass(frozen=True)
class ReportContext:
    title: str
    heading: str
    marking: str
    above_open: bool
    """Whether the paper holds anything marked above the open session."""
    quarter: str
    quarter_code: str
    period: str
    as_of: str
    session: str
    committee: str | None
    report_number: str | None
    meeting_date: str | None
    by: str | None
    """Who the paper is by, from `report.by` in psstrat.yaml; None: no "By" line."""
    summary: tuple[str, ...]
    recommendations: tuple[str, ...]
    strategy_title: str
    strategy_context: tuple[str, ...]
    outcomes: tuple[tuple[str, str], ...]
    strands: tuple[StrandView, ...]
    sias: tuple[SiaView, ...]
    register: RiskRegister
    timeline: Timeline
    equality: tuple[str, ...]
    financial: tuple[str, ...]
    background_papers: tuple[str, ...]
    contacts: tuple[Person, ...]
    withheld: tuple[Withheld, ...]
    withheld_total: int
    provenance: Provenance
    sections: tuple[Section, ...]
    """Every section the paper can have, in order, with its letter and heading
    (report.outline): every layout heads its sections from this. *Withheld for closed
    session* is shown only when ``withheld`` is not empty."""
    withheld_said: str = ""
    """The withheld counts in a sentence's words: `6 risks and 2 work elements`."""
    illustrative: bool = False
    """The paper prints a value no source gives (each such item is marked)."""
    draft: tuple[str, ...] = ()
    """Why the paper is a draft (rendered with --allow-errors, from uncommitted data, or as at
    a date before the quarter ends); empty for the final paper. Templates mark a draft."""
    changes: ChangesView = ChangesView()
    """What changed in the strategy since the last report (from git)."""
    language: str = "en-GB"
    """The paper's language, as a BCP 47 tag (settings `report.language`)."""


# -- a meeting's paper (psstrat.report.papers) ----------------------------------------------


@dataclass(frozen=True)
class PointView:
    """A bullet, with the bullets under it."""

    text: str
    points: tuple[PointView, ...] = ()
    marking: str | None = None
    """Set (upper case) on an item above the open session, shown inline in closed session."""
    illustrative: bool = False


@dataclass(frozen=True)
class FlatPoint:
    """A bullet in a list that does not nest (Markdown's indented lines, Word's list styles):
    its depth from 1, and ``pad``, the spaces a Markdown list indents that depth by."""

    depth: int
    pad: str
    text: str
    marking: str | None = None
    illustrative: bool = False


@dataclass(frozen=True)
class BlockView:
    """One numbered paragraph of section B: its number, its text (the first paragraph is the
    numbered one; quoted text such as a strand's purpose follows it) and its bullets."""

    number: int
    text: tuple[str, ...]
    points: tuple[PointView, ...] = ()
    flat: tuple[FlatPoint, ...] = ()
    """The bullets, depth first: for layouts that do not nest lists."""
    quoted: tuple[str, ...] = ()
    """Quoted text after the numbered paragraph (a strand's purpose, in its words)."""
    marking: str | None = None
    exempt: str | None = None
    """Why this closed part is not published (the wording from psstrat.yaml)."""
    illustrative: bool = False


@dataclass(frozen=True)
class PaperGroup:
    """Section B's paragraphs under one heading (none for the paper's own paragraphs; `Actions
    arising from the last meeting`)."""

    heading: str | None
    blocks: tuple[BlockView, ...]


@dataclass(frozen=True)
class PaperContext:
    """One paper presented at a meeting, as at its date (docs/report.md, "Papers")."""

    kind: str
    """strategy, strand, sia, programme or highlight."""
    title: str
    heading: str
    marking: str
    above_open: bool
    session: str
    committee: str | None
    report_number: str | None
    meeting_date: str
    by: str | None
    presenter: str | None
    window: str
    """The days the paper covers: `1 August 2002 to 19 December 2002`."""
    as_of: str
    summary: tuple[str, ...]
    recommendations: tuple[str, ...]
    groups: tuple[PaperGroup, ...]
    equality: tuple[str, ...]
    financial: tuple[str, ...]
    background_papers: tuple[str, ...] | None
    """None: the paper has no section E."""
    contacts: tuple[Person, ...]
    contact_lines: tuple[str, ...]
    withheld: tuple[Withheld, ...]
    withheld_total: int
    withheld_said: str
    provenance: Provenance
    sections: tuple[Section, ...]
    exempt: str | None = None
    """Why a closed paper is not published (the wording from psstrat.yaml)."""
    illustrative: bool = False
    draft: tuple[str, ...] = ()
    language: str = "en-GB"
    """The paper's language, as a BCP 47 tag (settings `report.language`)."""

    @property
    def templates(self) -> tuple[str, str]:
        """The template names it is rendered by, without the format's extension: the kind's
        own first (`paper-sia`), then every paper's (`paper`)."""
        return (f"paper-{self.kind}", "paper")


AnyContext = ReportContext | PaperContext
"""What a paper is rendered from: a quarter's paper's context or a meeting's paper's."""
