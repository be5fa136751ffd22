"""The timeline's labels, measured from the fonts they are set in (report.fontmetrics), cut
to the room beside each marker; and the charts' colours against the page."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from psstrat.report import fontmetrics
from psstrat.report.register import (
    DEFAULT_COLOURS,
    STATE_COLOURS,
    _fit,
    label_width,
    timeline,
)
from psstrat.report.views import MilestoneView
from psstrat.schedule import Quarter

ROOT = Path(__file__).resolve().parents[1]
OLD_ESTIMATE = 7.2
"""What every character was taken to be, in the chart's units, before the fonts were measured."""


def test_the_width_table_is_what_the_fonts_give() -> None:
    """tools/make_font_widths.py measures the fonts with Typst: the generated module must be
    what it writes now (Liberation Sans, Arial's metrics, comes from fonts-liberation)."""
    liberation = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")
    if not liberation.is_file() and not os.environ.get("CI"):
        pytest.skip("no Liberation Sans (Debian's fonts-liberation; .ci/run installs it)")
    ran = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_font_widths.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr


def test_the_tables_hold_the_fonts_known_advances() -> None:
    # Arial's (and Liberation Sans's) hmtx: space 569, W 1933, i 455 units of 2048 an em.
    assert fontmetrics.ARIAL[" "] == 278 and fontmetrics.ARIAL["W"] == 944
    assert fontmetrics.ARIAL["i"] == 223
    # Libertinus Serif (units of 1000): space 250, W 951.
    assert fontmetrics.LIBERTINUS_SERIF[" "] == 250 and fontmetrics.LIBERTINUS_SERIF["W"] == 951
    assert "\u0175" in fontmetrics.ARIAL  # Welsh w-circumflex
    assert len(fontmetrics.ARIAL) == len(fontmetrics.LIBERTINUS_SERIF) > 300


def test_a_typical_label_is_measured_not_estimated() -> None:
    label = "31 Dec S5.6.M2 Vetting Unit fit for purpose"
    # Chromium lays it out 226 px wide in Liberation Sans at 12 px; the estimate said 310.
    assert label_width(label) == 229
    assert round(len(label) * OLD_ESTIMATE) == 310


def test_capitals_are_measured_wider_than_the_estimate() -> None:
    assert label_width("WWWW") == 46  # 4 x 1933/2048 x 12 px, rounded up
    assert label_width("WWWW") > 4 * OLD_ESTIMATE + 16
    # Narrow letters are narrower in Arial than in Libertinus Serif: the PDF's width counts.
    assert label_width("iiii") == 13 > round(4 * 0.223 * 12)
    # A character no table holds counts as the widest one: never narrower than it is.
    assert label_width("\u4e2d") == round(fontmetrics.WIDEST * 12 / 1000 + 0.5)


@pytest.mark.parametrize(
    "title",
    [
        "W" * 80,
        "MMMM WWWW MMMM WWWW MMMM WWWW MMMM WWWW MMMM WWWW MMMM WWWW MMMM",
        "Code of Ethics agreed by the Strategic Committee and published to all staff and partners",
        "ill" * 60,
    ],
)
def test_labels_are_cut_at_their_measured_width(title: str) -> None:
    """The cut label fits its room, and the title's next character would not have."""
    prefix = "31 Dec S4.2.M2"
    for room in (120, 250, 400):
        label = _fit(prefix, title, room)
        assert label_width(label) <= room, (room, label)
        kept = label.removeprefix(prefix + " ").removesuffix("...").rstrip()
        assert title.startswith(kept)
        longer = title[: len(kept) + 1]
        while longer != title and longer.endswith(" "):  # a space alone is cut off again
            longer = title[: len(longer) + 1]
        assert label_width(f"{prefix} {longer.rstrip()}...") > room, (room, label)


def test_capitals_no_longer_overflow_the_chart() -> None:
    """Milestones with titles of capitals across the quarter: every label, measured, sits
    inside the figure (with the estimate, 80 W's ran 300 units past its edge)."""
    quarter = Quarter(2004, 3)
    points = [
        (
            quarter.first_day + dt.timedelta(days=day),
            MilestoneView(f"S1.1.M{i}", "W" * 80, "S1.1", "lead", "d", None, None, "overdue", 1),
        )
        for i, day in enumerate((0, 20, 45, 70, 91))
    ]
    line = timeline(points, quarter)
    for p in line.points:
        width = label_width(p.label)
        left = p.label_x if p.anchor == "start" else p.label_x - width
        assert left >= 0 and left + width <= line.width, (p.label, left, width)
        assert p.label.endswith("...")


def _luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _over_white(colour: str, opacity: float) -> str:
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c * opacity + 255 * (1 - opacity)):02x}" for c in channels)


def test_the_charts_colours_meet_wcag_contrast() -> None:
    """axe-core cannot judge text on an SVG shape (it reports it for review), so: each
    timeline marker at least 3:1 on the white page (1.4.11 non-text contrast), and the heat
    map's black counts (18 px bold: not large text) at least 4.5:1 on the default bands'
    colours, drawn at 95% opacity (1.4.3)."""
    assert _contrast("#000000", "#ffffff") == 21
    for state, colour in STATE_COLOURS.items():
        assert _contrast(colour, "#ffffff") >= 3, (state, colour)
    for colour in DEFAULT_COLOURS[:4]:  # the four default bands
        assert _contrast("#000000", _over_white(colour, 0.95)) >= 4.5, colour
