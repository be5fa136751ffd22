"""The risk register section and the two charts: every number and coordinate, precomputed."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from dateutil.relativedelta import relativedelta

from psstrat import schedule
from psstrat.english import MONTHS, long_date
from psstrat.model.common import is_illustrative, natural_key
from psstrat.model.risk import Risk
from psstrat.report import fontmetrics
from psstrat.report.scope import Scope
from psstrat.report.views import (
    AxisLabel,
    DatedRisk,
    HeatCell,
    LegendMark,
    MilestoneView,
    Rest,
    RiskRegister,
    RiskView,
    Tick,
    Timeline,
    TimelinePoint,
)
from psstrat.repository import Repository
from psstrat.schedule import Quarter

ARROWS = {
    "up": "↑",
    "down": "↓",
    "same": "→",
    "new": "new",
    "first": "first assessed",
    "unassessed": "not yet assessed",
}
DEFAULT_COLOURS = ("#4caf50", "#ffc107", "#ff9800", "#e53935", "#8e24aa", "#5d4037")
STATE_COLOURS = {
    "complete": "#2e7d32",
    "overdue": "#c62828",
    "due-soon": "#ef6c00",
    "pending": "#546e7a",
    "cancelled": "#757575",
}
"""Each state's marker colour: every one at least 3:1 against the white page (WCAG 2.2
1.4.11, non-text contrast; tests/test_label_widths.py checks), and each state has its own
shape too, so none is told by colour alone."""
CELL = 48
HEAT_LEFT = 56
HEAT_TOP = 8
TIMELINE_LEFT = 20
TIMELINE_WIDTH = 640


def band_colours(repo: Repository) -> dict[str, str]:
    bands = repo.settings.risk_bands
    return {
        b.name: b.colour or DEFAULT_COLOURS[min(i, len(DEFAULT_COLOURS) - 1)]
        for i, b in enumerate(bands)
    }


REST_ORDER = ("changes", "escalations", "reviews_overdue", "raised", "closed")
"""The capped lists, in the order of Rest's fields."""


def build_register(scope: Scope) -> RiskRegister:
    """The register section from the risks in scope of the session's view. A live risk with
    no residual assessment yet is shown, and counted in the heat map, at its inherent rating,
    marked as not yet assessed."""
    repo, view, as_of, window = scope.repo, scope.view, scope.as_of, scope.window
    live = schedule.live_register(scope.risks, as_of)
    before = scope.quarter.first_day - dt.timedelta(days=1)
    views = [_risk_view(scope, x, schedule.score_change(x.risk, before, window.last)) for x in live]

    def dated(r: Risk, day: dt.date, detail: str) -> DatedRisk:
        return DatedRisk(r.id, r.title, long_date(day), detail, view.tag(r))

    def owner(r: Risk) -> str:
        return f"owner: {repo.owner_label(r.owner)}"

    by_id = sorted(scope.risks, key=lambda r: natural_key(r.id))
    lists: dict[str, list[Any]] = {
        "changes": [v for v in views if v.trend in ("up", "down")],
        "escalations": [
            dated(r, r.escalated.date, f"to {r.escalated.to}")
            for r in by_id
            if r.escalated and r.escalated.date in window
        ],
        "reviews_overdue": [
            dated(r, r.review_date, owner(r))
            for r in by_id
            if r.review_date and schedule.days_past_review(r, as_of)
        ],
        "raised": [dated(r, r.raised, owner(r)) for r in by_id if r.raised in window],
        "closed": [dated(r, r.closed, "") for r in by_id if r.closed and r.closed in window],
    }
    cap = repo.settings.report.list_length
    return RiskRegister(
        live=len(views),
        heat=_heat_cells(repo, schedule.heat_counts(live)),
        heat_axes=HEAT_AXES,
        bands=tuple(_bands(repo)),
        highest=tuple(views[:5]),
        changes=tuple(lists["changes"][:cap]),
        escalations=tuple(lists["escalations"][:cap]),
        reviews_overdue=tuple(lists["reviews_overdue"][:cap]),
        raised=tuple(lists["raised"][:cap]),
        closed=tuple(lists["closed"][:cap]),
        rest=Rest(*(max(0, len(lists[name]) - cap) for name in REST_ORDER)),
        appendix=tuple(views) if scope.appendix else (),
    )


def _risk_view(scope: Scope, x: schedule.LiveRisk, change: schedule.ScoreChange) -> RiskView:
    r, a = x.risk, x.rating
    return RiskView(
        r.id,
        r.title,
        scope.repo.owner_label(r.owner),
        a.score,
        a.likelihood,
        a.impact,
        scope.repo.settings.band(a.score),
        change.before,
        change.trend.value,
        ARROWS[change.trend.value],
        a.assessed,
        scope.view.tag(r),
        any(is_illustrative(r, f) for f in ("inherent", "residual", "history")),
        is_illustrative(r, "owner"),
    )


def _heat_cells(repo: Repository, counts: list[list[int]]) -> tuple[HeatCell, ...]:
    """The 25 cells, top row (impact 5) first, left to right."""
    settings, colours = repo.settings, band_colours(repo)
    cells = []
    for impact in range(5, 0, -1):
        for likelihood in range(1, 6):
            score = likelihood * impact
            x, y = HEAT_LEFT + (likelihood - 1) * CELL, HEAT_TOP + (5 - impact) * CELL
            cells.append(
                HeatCell(
                    likelihood,
                    impact,
                    counts[impact - 1][likelihood - 1],
                    score,
                    settings.band(score),
                    colours[settings.band(score)],
                    x,
                    y,
                    x + (CELL - 2) // 2,
                    y + 30,
                )
            )
    return tuple(cells)


HEAT_AXES = tuple(
    label
    for i in range(1, 6)
    for label in (
        AxisLabel(str(i), HEAT_LEFT + (i - 1) * CELL + (CELL - 2) // 2, 268, "middle"),
        AxisLabel(str(i), HEAT_LEFT - 12, HEAT_TOP + (5 - i) * CELL + 28, "end"),
    )
)
"""The numbers along the heat map's axes: likelihood under the columns, impact left of the
rows (interleaved, as the SVG has always listed them)."""


def _bands(repo: Repository) -> list[tuple[str, str, str]]:
    """(name, colour, score range) of each band, for the heat map's key."""
    colours = band_colours(repo)
    low, bands = 1, []
    for b in repo.settings.risk_bands:
        bands.append((b.name, colours[b.name], f"{low}-{b.max}"))
        low = b.max + 1
    return bands


TIMELINE_AXIS_Y = 30
TIMELINE_ROW = 22
TIMELINE_FONT = 12
"""The labels' size in the chart's units: the HTML's SVG sets them in Arial at 12 px."""
PDF_FIGURE_WIDTH = 480
PDF_LABEL_POINTS = 8
PDF_FONT = PDF_LABEL_POINTS * (2 * TIMELINE_LEFT + TIMELINE_WIDTH) / PDF_FIGURE_WIDTH
"""The PDF's labels in the chart's units: Libertinus Serif at 8 pt, in a figure 480 pt wide
to which templates/_house.typ scales the chart."""
MARKER = 6
TIMELINE_SHAPES = {
    "complete": ("disc", True),
    "overdue": ("triangle", True),
    "due-soon": ("diamond", False),
    "pending": ("disc", False),
    "cancelled": ("cross", False),
}
LEGEND = (
    ("complete", "complete"),
    ("overdue", "overdue"),
    ("due-soon", "due soon"),
    ("pending", "not yet due"),
    ("cancelled", "cancelled"),
)


def marker_path(state: str, x: int, y: int) -> str:
    """SVG path data for a state's marker: disc, triangle, diamond or cross."""
    shape, _ = TIMELINE_SHAPES[state]
    r = MARKER
    if shape == "disc":
        return f"M{x - r},{y} a{r},{r} 0 1,0 {2 * r},0 a{r},{r} 0 1,0 {-2 * r},0 Z"
    if shape == "triangle":
        return f"M{x},{y - r - 1} L{x + r + 1},{y + r} L{x - r - 1},{y + r} Z"
    if shape == "diamond":
        return f"M{x},{y - r - 1} L{x + r + 1},{y} L{x},{y + r + 1} L{x - r - 1},{y} Z"
    return f"M{x - r},{y - r} L{x + r},{y + r} M{x - r},{y + r} L{x + r},{y - r}"


def label_width(text: str) -> int:
    """How wide ``text`` is in the chart's units, from the fonts' own advance widths
    (report.fontmetrics): the wider of the HTML's setting (Arial at TIMELINE_FONT) and the
    PDF's (Libertinus Serif at PDF_FONT), rounded up, so a label cut to fit fits in both.
    Kerning, which only narrows these fonts' pairs, is left out; a character the tables do
    not hold counts as their widest."""
    html = sum(fontmetrics.ARIAL.get(c, fontmetrics.WIDEST) for c in text) * TIMELINE_FONT
    pdf = sum(fontmetrics.LIBERTINUS_SERIF.get(c, fontmetrics.WIDEST) for c in text) * PDF_FONT
    return math.ceil(max(html, pdf) / 1000)


def _fit(prefix: str, title: str, room: int) -> str:
    """``prefix title``, the title cut with "..." so the whole fits ``room`` units: the
    longest start of the title that does (its width only grows with its length, so it is
    found by halving)."""
    text = f"{prefix} {title}"
    if label_width(text) <= room:
        return text

    def cut(keep: int) -> str:
        return f"{prefix} {title[:keep].rstrip()}..."

    low, high = 0, len(title)  # cut(low) is kept (or nothing fits); cut(high) does not fit
    while high - low > 1:
        middle = (low + high) // 2
        if label_width(cut(middle)) <= room:
            low = middle
        else:
            high = middle
    return cut(low)


def timeline(points: Sequence[tuple[dt.date, MilestoneView]], quarter: Quarter) -> Timeline:
    """Milestones on the quarter, one row each (two on one date never share a marker), the
    label on whichever side of the marker has more room."""
    first, last = quarter.first_day, quarter.last_day
    span = (last - first).days or 1
    left, right = TIMELINE_LEFT, TIMELINE_LEFT + TIMELINE_WIDTH
    width = right + TIMELINE_LEFT

    def x(day: dt.date) -> int:
        return left + round((day - first).days / span * TIMELINE_WIDTH)

    marks = []
    placed = sorted(points, key=lambda p: (p[0], natural_key(p[1].id)))
    for i, (day, m) in enumerate(placed):
        px, py = x(day), TIMELINE_AXIS_Y + TIMELINE_ROW * (i + 1)
        room_right, room_left = width - 4 - (px + MARKER + 4), (px - MARKER - 4) - 4
        anchor = "start" if room_right >= room_left else "end"
        room = room_right if anchor == "start" else room_left
        # The templates add a dagger to an illustrative label (and the marking, placed by the
        # marker, where a label cut at the chart's edge never loses it).
        room -= label_width("†") if m.illustrative else 0
        prefix = f"{day.day} {MONTHS[day.month - 1][:3]} {m.id}"
        marks.append(
            TimelinePoint(
                m.id,
                m.title,
                long_date(day),
                m.state,
                STATE_COLOURS[m.state],
                px,
                py,
                marker_path(m.state, px, py),
                TIMELINE_SHAPES[m.state][1],
                _fit(prefix, m.title, room),
                px + MARKER + 4 if anchor == "start" else px - MARKER - 4,
                py + 4,
                anchor,
                m.said,
                m.marking,
                m.illustrative,
            )
        )
    rows_end = TIMELINE_AXIS_Y + TIMELINE_ROW * (len(marks) + 1) - TIMELINE_ROW // 2
    ticks = []
    month = first
    while month <= last:
        ticks.append(Tick(f"{MONTHS[month.month - 1][:3]} {month.year}", x(month)))
        month += relativedelta(months=1)
    legend_y = rows_end + TIMELINE_ROW
    legend = tuple(
        LegendMark(
            text,
            marker_path(state, left + 8 + 125 * i, legend_y),
            TIMELINE_SHAPES[state][1],
            left + 8 + 125 * i + MARKER + 4,
            legend_y,
            legend_y + 4,
        )
        for i, (state, text) in enumerate(LEGEND)
    )
    return Timeline(
        tuple(marks),
        tuple(ticks),
        width,
        legend_y + TIMELINE_ROW // 2,
        rows_end,
        legend,
        TIMELINE_FONT,
        ticks[0].x if ticks else left,
        width - TIMELINE_LEFT,
    )
