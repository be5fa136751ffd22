"""Quarters, milestone states, RAG and risk scores, always as of a date."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from psstrat import schedule
from psstrat.errors import PsstratError
from psstrat.model.risk import Risk
from psstrat.model.strand import Milestone, Strand
from psstrat.schedule import MilestoneState, Quarter

D = dt.date


@pytest.mark.parametrize("text", ["2004-Q3", "2004Q3", "2004/05-Q3", "2004/2005-q3", " 2004q3 "])
def test_quarter_forms(text: str) -> None:
    assert Quarter.parse(text) == Quarter(2004, 3, 4)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2004-Q5", "2004-Q3, 2004Q3 or 2004/05-Q3"),
        ("Q3 2004", "2004-Q3, 2004Q3 or 2004/05-Q3"),
        ("2004/06-Q3", "is not one year followed by the next"),
        ("", "is not a quarter"),
    ],
)
def test_invalid_quarter_says_what_is_accepted(text: str, says: str) -> None:
    with pytest.raises(PsstratError, match=says):
        Quarter.parse(text)


def test_split_year_refused_for_calendar_quarters() -> None:
    with pytest.raises(PsstratError, match="year_start_month: 1"):
        Quarter.parse("2004/05-Q3", start_month=1)


def test_financial_year_quarters() -> None:
    q3 = Quarter.parse("2004-Q3")
    assert (q3.first_day, q3.last_day, q3.label) == (D(2004, 10, 1), D(2004, 12, 31), "Q3 2004/05")
    q4 = Quarter.parse("2004-Q4")  # crosses the calendar year
    assert (q4.first_day, q4.last_day, q4.label) == (D(2005, 1, 1), D(2005, 3, 31), "Q4 2004/05")
    assert q4.next() == Quarter(2005, 1, 4) and q4.next().first_day == D(2005, 4, 1)
    assert Quarter(2005, 1, 4).previous() == q4
    assert Quarter.containing(D(2005, 2, 14)) == q4
    assert Quarter(1999, 4, 4).label == "Q4 1999/00"


def test_calendar_year_quarters_and_leap_years() -> None:
    q1 = Quarter.parse("2004-Q1", start_month=1)
    assert (q1.first_day, q1.last_day, q1.label) == (D(2004, 1, 1), D(2004, 3, 31), "Q1 2004")
    assert Quarter(2003, 1, 11).last_day == D(2004, 1, 31)  # a year from November
    assert Quarter(2003, 4, 11).last_day == D(2004, 10, 31)
    assert Quarter(2004, 1, 12).last_day == D(2005, 2, 28)  # a year from December
    assert Quarter(2003, 1, 12).last_day == D(2004, 2, 29)  # leap year
    assert Quarter(2004, 4, 1).previous() == Quarter(2004, 3, 1)
    assert Quarter(2004, 4, 1).next() == Quarter(2005, 1, 1)


@given(
    day=st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)),
    month=st.integers(min_value=1, max_value=12),
)
def test_every_date_falls_in_exactly_one_quarter(day: dt.date, month: int) -> None:
    q = Quarter.containing(day, month)
    assert q.first_day <= day <= q.last_day
    assert day in q
    assert day not in q.next() and day not in q.previous()
    assert q.first_day.month in {(month - 1 + 3 * i) % 12 + 1 for i in range(4)}


@given(year=st.integers(min_value=1900, max_value=2200), month=st.integers(1, 12))
def test_quarters_tile_the_year_without_gaps(year: int, month: int) -> None:
    quarters = [Quarter(year, n, month) for n in range(1, 5)]
    assert quarters[0].first_day == D(year, month, 1)
    for a, b in itertools.pairwise(quarters):
        assert b.first_day == a.last_day + dt.timedelta(days=1)
        assert a.next() == b and b.previous() == a
    days = sum((q.last_day - q.first_day).days + 1 for q in quarters)
    assert days in (365, 366)
    assert Quarter.parse(quarters[2].code, month) == quarters[2]


def milestone(**kw: object) -> Milestone:
    return Milestone.model_validate({"id": "S1.1.M1", "title": "t", "due": "2004-06-30", **kw})


@pytest.mark.parametrize(
    ("fields", "as_of", "state", "days"),
    [
        ({}, D(2004, 6, 30), MilestoneState.DUE_SOON, 0),  # due today is not overdue
        ({}, D(2004, 7, 1), MilestoneState.OVERDUE, 1),
        ({}, D(2004, 5, 31), MilestoneState.DUE_SOON, 0),  # within 30 days
        ({}, D(2004, 5, 30), MilestoneState.PENDING, 0),
        ({"completed": "2004-06-01"}, D(2004, 8, 1), MilestoneState.COMPLETE, 0),
        ({"completed": "2004-08-02"}, D(2004, 8, 1), MilestoneState.OVERDUE, 32),  # not yet done
        ({"revised_due": "2004-09-30"}, D(2004, 8, 1), MilestoneState.PENDING, 0),
        ({"revised_due": "2004-09-30"}, D(2004, 10, 2), MilestoneState.OVERDUE, 2),
        ({"cancelled": True}, D(2009, 1, 1), MilestoneState.CANCELLED, 0),  # never overdue
    ],
)
def test_milestone_state_at_every_boundary(
    fields: dict[str, object], as_of: dt.date, state: MilestoneState, days: int
) -> None:
    status = schedule.milestone_status(milestone(**fields), as_of, 30)
    assert (status.state, status.days_overdue) == (state, days)


def test_slippage_is_revised_minus_baseline() -> None:
    status = schedule.milestone_status(milestone(revised_due="2004-09-30"), D(2004, 1, 1), 30)
    assert status.slippage_days == 92 and status.effective_due == D(2004, 9, 30)


def strand(*statuses: str) -> Strand:
    return Strand.model_validate(
        {
            "id": "S1",
            "title": "t",
            "work_elements": [
                {"id": f"S1.{i}", "title": "t", "status": s} for i, s in enumerate(statuses, 1)
            ],
        }
    )


@pytest.mark.parametrize(
    ("statuses", "rag"),
    [
        (("on-track", "at-risk", "complete"), "amber"),
        (("on-track", "off-track", "at-risk"), "red"),
        (("on-track", "complete"), "green"),
        (("off-track", "complete"), "red"),
        (("complete", "cancelled"), "complete"),  # no open element left
        (("cancelled",), "cancelled"),
        (("not-started",), "grey"),
        (("not-started", "on-track"), "green"),
        ((), "grey"),
    ],
)
def test_strand_rag_is_worst_open_element(statuses: tuple[str, ...], rag: str) -> None:
    assert schedule.strand_rag(strand(*statuses)).value == rag


def risk(**kw: object) -> Risk:
    base: dict[str, object] = {
        "id": "R0001",
        "title": "t",
        "category": "operational",
        "raised": "2004-01-01",
        "inherent": {"likelihood": 5, "impact": 5},
        "history": [
            {"date": "2004-01-01", "likelihood": 5, "impact": 5},
            {"date": "2004-06-01", "likelihood": 4, "impact": 5},
        ],
        "residual": {"likelihood": 3, "impact": 4, "date": "2004-11-01"},
    }
    return Risk.model_validate({**base, **kw})


def test_risk_score_as_of_uses_the_latest_assessment_on_or_before() -> None:
    r = risk()
    assert schedule.current_score(r, D(2003, 12, 31)) is None
    assert schedule.current_score(r, D(2004, 1, 1)) == 25
    assert schedule.current_score(r, D(2004, 10, 31)) == 20
    assert schedule.current_score(r, D(2004, 11, 1)) == 12


def test_risk_trend_over_a_quarter() -> None:
    q = Quarter(2004, 3)
    change = schedule.score_change(risk(), q.first_day, q.last_day)
    assert (change.before, change.after, change.trend) == (20, 12, schedule.Trend.DOWN)
    new = schedule.score_change(risk(raised="2004-10-07", history=[]), q.first_day, q.last_day)
    assert new.trend is schedule.Trend.NEW


def test_trend_compares_like_with_like() -> None:
    """Regression: a risk raised before the quarter and first assessed in it showed "new"."""
    q = Quarter(2004, 3)
    first = schedule.score_change(risk(history=[]), q.first_day, q.last_day)
    assert (first.before, first.after, first.trend) == (None, 12, schedule.Trend.FIRST)
    later = risk(history=[], residual={"likelihood": 3, "impact": 4, "date": "2005-02-01"})
    unassessed = schedule.score_change(later, q.first_day, q.last_day)
    assert unassessed.trend is schedule.Trend.UNASSESSED


def test_an_unassessed_risk_is_rated_at_its_inherent_score() -> None:
    later = risk(history=[], residual={"likelihood": 3, "impact": 4, "date": "2005-02-01"})
    assert schedule.rating_as_of(later, D(2004, 12, 31)) == schedule.Rating(5, 5, False)
    assert schedule.rating_as_of(later, D(2005, 2, 1)) == schedule.Rating(3, 4, True)


def test_risk_live_register() -> None:
    r = risk(status="closed", closed="2004-12-01")
    assert not schedule.risk_is_live(r, D(2003, 12, 31))  # not raised yet
    assert schedule.risk_is_live(r, D(2004, 11, 30))
    assert not schedule.risk_is_live(r, D(2004, 12, 1))  # closed on or before D


def test_notes_as_of_hide_the_future() -> None:
    s = Strand.model_validate(
        {
            "id": "S1",
            "title": "t",
            "work_elements": [
                {
                    "id": "S1.1",
                    "title": "t",
                    "updates": [
                        {"date": "2004-10-01", "text": "a"},
                        {"date": "2004-12-01", "text": "b"},
                    ],
                }
            ],
        }
    )
    notes = s.work_elements[0].updates
    assert [n.text for n in schedule.notes_as_of(notes, D(2004, 11, 1))] == ["a"]
    span = schedule.Span(D(2004, 10, 1), D(2004, 12, 31))
    assert [n.text for n in schedule.notes_between(notes, span)] == ["a", "b"]
    assert [
        n.text for n in schedule.notes_between(notes, schedule.Span(D(2004, 10, 2), span.last))
    ] == ["b"]
