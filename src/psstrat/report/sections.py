"""The strand and SIA sections of the report context, each passed through the marking gate."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from psstrat import schedule
from psstrat.english import long_date, said
from psstrat.model.common import Dated, is_illustrative, natural_key
from psstrat.model.sia import Sia, SiaIssue
from psstrat.model.strand import Milestone, Strand, WorkElement
from psstrat.report.scope import Scope
from psstrat.report.views import (
    ElementView,
    IssueView,
    MilestoneView,
    NoteView,
    RecommendationView,
    SiaView,
    StrandView,
)
from psstrat.schedule import MilestoneState


def paragraphs(text: str | None) -> tuple[str, ...]:
    """Plain text to paragraphs: a blank line separates them; line breaks within fold."""
    if not text:
        return ()
    return tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip())


@dataclass(frozen=True)
class StrandSection:
    """A strand's part of the paper, and its milestones that go on the quarter's timeline."""

    view: StrandView
    on_timeline: tuple[tuple[dt.date, MilestoneView], ...]


def strand_section(scope: Scope, s: Strand) -> StrandSection:
    """One strand of the View (so only what the session may see)."""
    elements = sorted(s.work_elements, key=lambda e: natural_key(e.id))
    placed = [_placed_milestone(scope, e, m) for e in elements for m in e.milestones]
    about: list[tuple[str, Sequence[Dated]]] = [(s.id, s.updates)]
    about += [(e.id, e.updates) for e in elements]
    updates = [
        (
            note.date,
            NoteView(
                long_date(note.date),
                item_id,
                paragraphs(note.text),
                scope.view.tag(note),
                bool(getattr(note, "illustrative", ())),
            ),
        )
        for item_id, notes in about
        for note in schedule.notes_between(notes, scope.window)
    ]
    view = StrandView(
        id=s.id,
        title=s.title,
        lead=scope.repo.owner_label(s.lead),
        rag=schedule.strand_rag(s).value,  # over the work elements this session may see
        summary=paragraphs(s.summary),
        purpose=paragraphs(s.purpose),
        expected_outcome=paragraphs(s.expected_outcome),
        elements=tuple(_element_view(scope, e) for e in elements),
        completed=_ordered((p.completed, p.view) for p in placed if p.completed),
        overdue=_ordered((p.due, p.view) for p in placed if p.list == "overdue"),
        due_next=_ordered((p.due, p.view) for p in placed if p.list == "due-next"),
        updates=tuple(v for _, v in sorted(updates, key=lambda u: (u[0], natural_key(u[1].about)))),
        marking=scope.view.tag(s),
        illustrative=any(is_illustrative(s, f) for f in ("lead", "summary", "purpose")),
    )
    on_line = tuple((p.on_timeline, p.view) for p in placed if p.on_timeline)
    return StrandSection(view, on_line)


@dataclass(frozen=True)
class _Placed:
    """Where a milestone goes in its strand's section and on the timeline."""

    view: MilestoneView
    due: dt.date
    completed: dt.date | None
    """The completion date when it fell in the quarter (so it is listed as completed)."""
    list: str | None
    """`overdue`, `due-next` (due next quarter and still open), or None."""
    on_timeline: dt.date | None


def _placed_milestone(scope: Scope, e: WorkElement, m: Milestone) -> _Placed:
    as_of, view = scope.as_of, scope.view
    st = schedule.milestone_status(m, as_of, scope.repo.settings.due_soon_days)
    done = m.completed if m.completed is not None and m.completed <= as_of else None
    late = _late_on_the_day(st, scope)
    state = MilestoneState.OVERDUE if late else st.state
    milestone = MilestoneView(
        m.id,
        m.title,
        e.id,
        scope.repo.owner_label(e.lead),
        long_date(m.due),
        long_date(m.revised_due) if m.revised_due else None,
        long_date(done) if done else None,
        state.value,
        st.days_overdue,
        view.tag(m),
        said(state.value),
        any(is_illustrative(m, f) for f in ("due", "revised_due", "completed")),
    )
    in_quarter = m.completed if m.completed in scope.window else None
    listed = None
    if st.state is MilestoneState.OVERDUE or late:
        listed = "overdue"
    elif st.state not in (MilestoneState.COMPLETE, MilestoneState.CANCELLED) and (
        st.effective_due in scope.following
    ):
        listed = "due-next"
    # Done before the quarter: not on its timeline; done in it: at the completion date.
    on_line = in_quarter or (None if done else st.effective_due)
    return _Placed(
        milestone,
        st.effective_due,
        in_quarter,
        listed,
        on_line if on_line in scope.quarter else None,
    )


def _late_on_the_day(st: schedule.MilestoneStatus, scope: Scope) -> bool:
    """Due on the as-of date itself and not met: late for the paper (the quarter's last day
    is the last day to meet it), though not yet overdue by a day."""
    open_ = st.state not in (MilestoneState.COMPLETE, MilestoneState.CANCELLED)
    return open_ and st.effective_due == scope.as_of


def _element_view(scope: Scope, e: WorkElement) -> ElementView:
    return ElementView(
        e.id,
        e.title,
        scope.repo.owner_label(e.lead),
        said(e.status),
        schedule.element_rag(e).value,
        tuple(r for r in e.risks if r in scope.risk_ids),
        scope.view.tag(e),
        any(is_illustrative(e, f) for f in ("status", "lead")),
    )


def _ordered(items: Iterable[tuple[dt.date, MilestoneView]]) -> tuple[MilestoneView, ...]:
    return tuple(v for _, v in sorted(items, key=lambda i: (i[0], natural_key(i[1].id))))


def sia_view(scope: Scope, sia: Sia) -> SiaView | None:
    """An SIA of the View with the issues the paper is about: all of them, or for a strand
    report those aligned to the strand (as shown) or scoped into a risk shown."""
    view, as_of, risk_ids, shown = scope.view, scope.as_of, scope.risk_ids, scope.shown
    issues = []
    for issue in sia.issues:
        if not issue_in_scope(issue, scope):
            continue
        progress = [
            NoteView(
                long_date(n.date), issue.id, paragraphs(n.text), view.tag(n), bool(n.illustrative)
            )
            for n in sorted(issue.progress, key=lambda n: n.date)
            if n.date <= as_of
        ]
        issues.append(
            IssueView(
                issue.id,
                issue.title,
                paragraphs(issue.statement),
                tuple(r for r in issue.risks if r in risk_ids),
                tuple(
                    RecommendationView(
                        r.text, tuple(a for a in r.aligned_to if a in shown), bool(r.illustrative)
                    )
                    for r in issue.recommendations
                ),
                tuple(progress),
                view.tag(issue),
            )
        )
    if not issues:
        return None
    return SiaView(
        sia.id,
        sia.title,
        long_date(sia.date),
        sia.sequence,
        paragraphs(sia.summary),
        tuple(issues),
        view.tag(sia),
    )


def issue_in_scope(issue: SiaIssue, scope: Scope) -> bool:
    """Whether an SIA issue belongs in the paper: always in the full report; in a strand
    report when a recommendation is aligned to the strand or one of its work elements shown,
    or it was scoped into a risk shown."""
    if scope.strand_id is None:
        return True
    aligned = {a for r in issue.recommendations for a in r.aligned_to}
    return bool(aligned & scope.shown) or any(r in scope.risk_ids for r in issue.risks)
