"""The strand and SIA sections of the report context, each passed through the marking gate."""

from __future__ import annotations

import datetime as dt
import re

from psstrat import schedule
from psstrat.english import long_date
from psstrat.marking import View
from psstrat.model.sia import Sia, SiaIssue
from psstrat.model.strand import Strand
from psstrat.report.views import (
    ElementView,
    IssueView,
    MilestoneView,
    NoteView,
    RecommendationView,
    SiaView,
    StrandView,
)
from psstrat.repository import natural_key
from psstrat.schedule import MilestoneState, Quarter


def paragraphs(text: str | None) -> tuple[str, ...]:
    """Plain text to paragraphs: a blank line separates them; line breaks within fold."""
    if not text:
        return ()
    return tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip())


def strand_view(
    view: View,
    s: Strand,
    quarter: Quarter,
    as_of: dt.date,
    risk_ids: set[str],
    points: list[tuple[dt.date, MilestoneView]],
) -> StrandView:
    """One strand of the View (so only what the session may see); milestones on the quarter's
    timeline are added to ``points``."""
    repo = view.repo
    soon = repo.settings.due_soon_days
    start, end = quarter.first_day, min(quarter.last_day, as_of)
    following = quarter.next()
    elements, completed, overdue, due_next, updates = [], [], [], [], []
    for e in sorted(s.work_elements, key=lambda e: natural_key(e.id)):
        lead = repo.owner_label(e.lead)
        elements.append(
            ElementView(
                e.id,
                e.title,
                lead,
                e.status,
                schedule.element_rag(e).value,
                tuple(r for r in e.risks if r in risk_ids),
                view.tag(e),
            )
        )
        for m in e.milestones:
            st = schedule.milestone_status(m, as_of, soon)
            view_m = MilestoneView(
                m.id,
                m.title,
                e.id,
                lead,
                long_date(m.due),
                long_date(m.revised_due) if m.revised_due else None,
                long_date(m.completed) if m.completed and m.completed <= as_of else None,
                st.state.value,
                st.days_overdue,
                view.tag(m),
            )
            done_in_quarter = False
            if m.completed is not None and start <= m.completed <= end:
                done_in_quarter = True
                completed.append((m.completed, view_m))
            if st.state is MilestoneState.OVERDUE:
                overdue.append((st.effective_due, view_m))
            elif st.state not in (MilestoneState.COMPLETE, MilestoneState.CANCELLED) and (
                following.first_day <= st.effective_due <= following.last_day
            ):
                due_next.append((st.effective_due, view_m))
            done_before = m.completed is not None and m.completed <= as_of and not done_in_quarter
            on_line = m.completed if done_in_quarter else st.effective_due
            if not done_before and on_line is not None and on_line in quarter:
                points.append((on_line, view_m))
        for note in schedule.notes_between(e.updates, start, end):
            note_view = NoteView(long_date(note.date), e.id, paragraphs(note.text), view.tag(note))
            updates.append((note.date, note_view))

    def ordered(items: list[tuple[dt.date, MilestoneView]]) -> tuple[MilestoneView, ...]:
        return tuple(v for _, v in sorted(items, key=lambda i: (i[0], natural_key(i[1].id))))

    return StrandView(
        id=s.id,
        title=s.title,
        lead=repo.owner_label(s.lead),
        rag=schedule.strand_rag(s).value,  # over the work elements this session may see
        summary=paragraphs(s.summary),
        purpose=paragraphs(s.purpose),
        expected_outcome=paragraphs(s.expected_outcome),
        elements=tuple(elements),
        completed=ordered(completed),
        overdue=ordered(overdue),
        due_next=ordered(due_next),
        updates=tuple(v for _, v in sorted(updates, key=lambda u: (u[0], natural_key(u[1].about)))),
        marking=view.tag(s),
    )


def sia_view(
    view: View,
    sia: Sia,
    as_of: dt.date,
    risk_ids: set[str],
    shown: set[str],
    strand_id: str | None,
) -> SiaView | None:
    """An SIA of the View with the issues the paper is about: all of them, or for a strand
    report those aligned to the strand (as shown) or scoped into a risk shown."""
    issues = []
    for issue in sia.issues:
        if not issue_in_scope(issue, risk_ids, shown, strand_id):
            continue
        progress = [
            NoteView(long_date(n.date), issue.id, paragraphs(n.text), view.tag(n))
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
                    RecommendationView(r.text, tuple(a for a in r.aligned_to if a in shown))
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


def issue_in_scope(
    issue: SiaIssue, risk_ids: set[str], shown: set[str], strand_id: str | None
) -> bool:
    """Whether an SIA issue belongs in the paper: always in the full report; in a strand
    report when a recommendation is aligned to the strand or one of its work elements shown,
    or it was scoped into a risk shown."""
    if strand_id is None:
        return True
    aligned = {a for r in issue.recommendations for a in r.aligned_to}
    return bool(aligned & shown) or any(r in risk_ids for r in issue.risks)
