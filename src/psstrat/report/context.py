"""Build the one frozen ReportContext for (quarter, as-of, session, strand).

All filtering, sorting and arithmetic happen here, on the session's View of the repository
(psstrat.marking.restrict): content above the session's maximum has been removed before
anything here runs, so no figure, list or template can reach it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from psstrat import __version__, schedule
from psstrat.english import count, long_date, sentence, verb
from psstrat.errors import PsstratError
from psstrat.marking import View, is_risk_linked, restrict
from psstrat.model.risk import Risk
from psstrat.model.sia import Sia
from psstrat.model.strand import Strand
from psstrat.model.strategy import Strategy
from psstrat.provenance import Source
from psstrat.report.register import build_register, timeline
from psstrat.report.sections import issue_in_scope, paragraphs, sia_view, strand_view
from psstrat.report.views import (
    ChangeGroup,
    ChangeLine,
    ChangesView,
    MilestoneView,
    Person,
    Provenance,
    ReportContext,
    SiaView,
    StrandView,
    Withheld,
)
from psstrat.repository import Repository
from psstrat.safetext import one_line_all
from psstrat.schedule import Quarter

if TYPE_CHECKING:
    from psstrat.changes import Changes


def build_context(
    repo: Repository,
    quarter: Quarter,
    as_of: dt.date,
    session: str = "open",
    strand_id: str | None = None,
    source: Source | None = None,
    errors: int = 0,
    changes: ChangesView | None = None,
) -> ReportContext:
    """The report of ``quarter`` as at ``as_of`` for ``session``. ``errors`` is how many errors
    validate found (the CLI renders such data only with --allow-errors): the paper says it is a
    draft, as it does when ``source`` has uncommitted changes or the quarter has not ended."""
    if as_of < quarter.first_day:
        raise PsstratError(
            f"{quarter.label} starts on {quarter.first_day}, after the as-of date {as_of}; a "
            "quarter's report is made during or after it: pass --as-of within or after the "
            "quarter, or choose a quarter that has started"
        )
    if repo.strategy is None:
        raise PsstratError(
            "data/strategy.yaml is missing or invalid; run `psstrat validate` and fix it first"
        )
    view = restrict(repo, session)
    if strand_id is not None and not view.strategy_withheld:
        view.require_strand(strand_id)
    source = source or Source(None, False, "not a git checkout")
    provenance = Provenance(
        __version__, as_of.isoformat(), session, source.commit, source.dirty, source.description
    )
    draft = _draft(source, errors, quarter, as_of)
    context = _context(view, quarter, as_of, strand_id, provenance, draft)
    if changes is None:
        return context
    return dataclasses.replace(context, changes=one_line_all(changes))


def changes_view(
    changes: Changes | None, compared_with: str, note: str | None, strand_id: str | None
) -> ChangesView:
    """The paper's section from `psstrat changes` (already through the session's gate), or
    the note saying why there is nothing to compare (no git history, no earlier commit)."""
    if changes is None:
        return ChangesView(note=note or "There is no earlier data to compare with.")
    since = f"Compared with {changes.before}, the data at {compared_with}."
    from psstrat.changes import grouped

    strand_file = f"/{strand_id}.yaml"
    kept = [c for c in changes.changes if strand_id is None or c.file.endswith(strand_file)]
    groups = tuple(
        ChangeGroup(title, tuple(ChangeLine(c.text, _upper(c.marking)) for c in items))
        for title, items in grouped(kept)
    )
    quiet = changes.quiet_text() if strand_id is None else None
    if not groups:
        note = "Nothing listed here has changed since then."
    return ChangesView(since, groups, quiet, note)


def _upper(marking: str | None) -> str | None:
    return marking.upper() if marking else None


def _context(
    view: View,
    quarter: Quarter,
    as_of: dt.date,
    strand_id: str | None,
    provenance: Provenance,
    draft: tuple[str, ...],
) -> ReportContext:
    """The report from one View: nothing here can see what the session may not."""
    repo = view.repo
    strategy = repo.strategy
    chosen = [s for s in repo.strands if strand_id in (None, s.id)]
    # A risk raised after D does not exist at D.
    risks = [
        r for r in repo.risks if r.raised <= as_of and (not strand_id or is_risk_linked(r, chosen))
    ]
    risk_ids = {r.id for r in risks}
    points: list[tuple[dt.date, MilestoneView]] = []
    strand_views = [strand_view(view, s, quarter, as_of, risk_ids, points) for s in chosen]
    shown = {s.id for s in chosen} | {e.id for s in chosen for e in s.work_elements}
    sias: list[SiaView] = []
    for sia in repo.sias:
        if sia.date <= as_of:
            sia_shown = sia_view(view, sia, as_of, risk_ids, shown, strand_id)
            if sia_shown is not None:
                sias.append(sia_shown)

    meeting = _meeting(repo, quarter, strand_id)
    register = build_register(view, risks, quarter, as_of)
    milestones_on_line = timeline(points, quarter)
    # Names come only from what the session may see: a withheld strategy is not named.
    name = strategy.title if strategy is not None else "strategy"
    subject = "quarterly progress"
    if strand_id:
        subject = f"progress on strand {strand_id[1:]}"
        if chosen:
            subject += f", {chosen[0].title},"
    withheld = _withheld(view, quarter, as_of, strand_id, chosen, risk_ids, shown)
    equality = paragraphs(strategy.equality_implications) if strategy is not None else ()
    if strand_id:
        equality += tuple(p for s in chosen for p in paragraphs(s.equality_implications))
    included = _included(view, chosen, quarter, as_of, risks, sias)
    settings = repo.settings
    open_rank = settings.rank(settings.open_session_max)
    # Every string the templates get is on one line, controls shown as escapes: a template,
    # however written, cannot print a line break or an escape sequence from the data.
    return one_line_all(
        ReportContext(
            title=f"{name}: progress on strand {strand_id[1:]}"
            if strand_id
            else f"{name}: progress report, {quarter.label}",
            heading=name,
            marking=view.highest(included).upper(),
            above_open=settings.rank(view.highest(included)) > open_rank,
            quarter=quarter.label,
            quarter_code=quarter.code,
            period=f"{long_date(quarter.first_day)} to {long_date(quarter.last_day)}",
            as_of=long_date(as_of),
            session=view.session,
            committee=(repo.meetings.committee if repo.meetings else None)
            or (strategy.reports_to if strategy is not None else None),
            report_number=meeting[1] if meeting else None,
            meeting_date=long_date(meeting[0]) if meeting else None,
            by=repo.settings.report.by,
            summary=_summary(name, subject, quarter, as_of, strand_views, register.live),
            recommendations=(
                f"Members are invited to note the content of the report describing the {subject} "
                f"of the {name}.",
            ),
            strategy_title=name,
            strategy_context=_strategy_context(strategy),
            outcomes=tuple((o.id, o.title) for o in strategy.outcomes) if strategy else (),
            strands=tuple(strand_views),
            sias=tuple(sias),
            register=register,
            timeline=milestones_on_line,
            equality=equality or ("None.",),
            financial=(paragraphs(strategy.financial_implications) if strategy else ())
            or ("None.",),
            background_papers=tuple(strategy.background_papers) if strategy else (),
            contacts=_contacts(repo),
            withheld=withheld,
            withheld_total=sum(w.count for w in withheld),
            provenance=provenance,
            draft=draft,
        )
    )


def _included(
    view: View,
    chosen: list[Strand],
    quarter: Quarter,
    as_of: dt.date,
    risks: list[Risk],
    sias: list[SiaView],
) -> list[object]:
    """Every item the paper draws on, for its marking: the strategy, the chosen strands with
    their work elements, milestones and the updates in the quarter, the risks, and the SIAs
    and issues shown with their progress notes."""
    start, end = quarter.first_day, min(quarter.last_day, as_of)
    items: list[object] = [view.repo.strategy]
    for s in chosen:
        items.append(s)
        for e in s.work_elements:
            items += [e, *e.milestones, *schedule.notes_between(e.updates, start, end)]
    items += risks
    shown_issues = {i.id for s in sias for i in s.issues}
    for sia in view.repo.sias:
        issues = [i for i in sia.issues if i.id in shown_issues]
        if issues:
            items.append(sia)
            for issue in issues:
                items += [issue, *(n for n in issue.progress if n.date <= as_of)]
    return items


def _withheld(
    view: View,
    quarter: Quarter,
    as_of: dt.date,
    strand_id: str | None,
    chosen: list[Strand],
    risk_ids: set[str],
    shown: set[str],
) -> tuple[Withheld, ...]:
    """How many items, by kind, the paper would have drawn on but the session may not see:
    the only trace a withheld item leaves. Only the outermost withheld item is counted, and
    only when it is in the paper's scope (dated by the as-of date, in or linked to the
    strand of a strand report), decided from the withheld item's own data."""
    counts: Counter[str] = Counter()
    start, end = quarter.first_day, min(quarter.last_day, as_of)
    for held in view.held:
        item = held.item
        if held.kind == "strategy":
            in_scope = True
        elif held.strand is not None:
            in_scope = strand_id in (None, held.strand)
            if held.kind == "update":
                in_scope = in_scope and start <= item.date <= end
        elif held.kind == "risk":
            in_scope = item.raised <= as_of and (not strand_id or is_risk_linked(item, chosen))
        else:  # an SIA, one of its issues, or an issue's progress note
            sia: Sia = held.within[0] if held.within else item
            issues = (
                sia.issues
                if held.kind == "SIA"
                else [held.within[1] if held.kind == "SIA progress note" else item]
            )
            in_scope = sia.date <= as_of and any(
                issue_in_scope(i, risk_ids, shown, strand_id) for i in issues
            )
            if held.kind == "SIA progress note":
                in_scope = in_scope and item.date <= as_of
        if in_scope:
            counts[held.kind] += 1
    return tuple(Withheld(k, n) for k, n in sorted(counts.items()))


def _meeting(
    repo: Repository, quarter: Quarter, strand_id: str | None
) -> tuple[dt.date, str | None] | None:
    """The meeting the report goes to: the first in the quarter after this one, else the
    last in this quarter; for a strand report, one that takes that strand if there is one."""
    if repo.meetings is None:
        return None
    meetings = sorted(repo.meetings.meetings, key=lambda m: m.date)
    if strand_id and any(strand_id in m.strands for m in meetings):
        meetings = [m for m in meetings if strand_id in m.strands]
    after = [m for m in meetings if m.date in quarter.next()]
    within = [m for m in meetings if m.date in quarter]
    chosen = after[0] if after else (within[-1] if within else None)
    return (chosen.date, chosen.report) if chosen else None


def _summary(
    title: str,
    subject: str,
    quarter: Quarter,
    as_of: dt.date,
    strands: list[StrandView],
    live: int,
) -> tuple[str, ...]:
    done = sum(len(s.completed) for s in strands)
    late = sum(len(s.overdue) for s in strands)
    due = sum(len(s.due_next) for s in strands)
    return (
        f"This report sets out the {subject} of the {title}: {quarter.label}, "
        f"{long_date(quarter.first_day)} to {long_date(quarter.last_day)}, as at "
        f"{long_date(as_of)}.",
        sentence(
            f"{count(done, 'milestone')} {verb(done, 'was')} completed in the quarter; "
            f"{count(late, 'milestone')} {verb(late, 'is')} overdue and {count(due, 'milestone')} "
            f"{verb(due, 'is')} due next quarter. The risk register reported here holds "
            f"{count(live, 'live risk')}."
        ),
    )


def _draft(source: Source, errors: int, quarter: Quarter, as_of: dt.date) -> tuple[str, ...]:
    """Why the paper is a draft, if it is: it is not the committee's record of the quarter
    while its data has errors, is not committed, or the quarter has not ended."""
    reasons = []
    if errors:
        reasons.append(
            f"it was rendered with --allow-errors from data with {count(errors, 'error')}"
        )
    if source.dirty:
        reasons.append("it was rendered from data with uncommitted changes")
    if as_of < quarter.last_day:
        reasons.append(
            f"it is as at {long_date(as_of)}, before the quarter ends on "
            f"{long_date(quarter.last_day)}"
        )
    return tuple(reasons)


def _strategy_context(strategy: Strategy | None) -> tuple[str, ...]:
    if strategy is None:
        return ()
    period = strategy.period
    lines = [
        f"The {strategy.title} runs from {long_date(period.start)} to {long_date(period.end)} "
        f"(status: {strategy.status}).",
        *paragraphs(strategy.aim),
        *paragraphs(strategy.mission),
    ]
    return tuple(lines)


def _contacts(repo: Repository) -> tuple[Person, ...]:
    # repo is a View's: a withheld strategy's author is not used.
    ids = [repo.settings.report.author, repo.strategy.author if repo.strategy else None]
    people = []
    for owner_id in ids:
        owner = repo.owners.get(owner_id) if owner_id else None
        if owner is not None:
            people.append(Person(owner.role, owner.name))
            break
    return tuple(people)
