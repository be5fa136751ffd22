"""Build the one frozen ReportContext for (quarter, as-of, session, strand).

All filtering, sorting, arithmetic and marking decisions happen here. Marked content above
the session's maximum is dropped through the Gate before anything is copied into a view, so
no template can reach it.
"""

from __future__ import annotations

import datetime as dt

from psstrat import __version__
from psstrat.errors import PsstratError
from psstrat.model.risk import Risk
from psstrat.model.strand import Strand
from psstrat.report.marking import Gate
from psstrat.report.register import build_register, long_date, timeline
from psstrat.report.sections import paragraphs, sia_view, strand_view
from psstrat.report.views import (
    MilestoneView,
    Person,
    Provenance,
    ReportContext,
    SiaView,
    StrandView,
    Withheld,
)
from psstrat.repository import Repository
from psstrat.schedule import Quarter


def build_context(
    repo: Repository,
    quarter: Quarter,
    as_of: dt.date,
    session: str = "open",
    strand_id: str | None = None,
    commit: str | None = None,
    dirty: bool = False,
) -> ReportContext:
    strategy = repo.strategy
    if strategy is None:
        raise PsstratError(
            "data/strategy.yaml is missing or invalid; run `psstrat validate` and fix it first"
        )
    if strand_id is not None:
        repo.require_strand(strand_id)
    gate = Gate(repo.settings, session)
    top = gate.admit("strategy", strategy.marking)
    chosen = [s for s in repo.strands if strand_id in (None, s.id)]

    strand_views: list[StrandView] = []
    risks: list[Risk] = []
    sias: list[SiaView] = []
    points: list[MilestoneView] = []
    point_dates: list[dt.date] = []
    if top is not None:
        for risk in repo.risks:
            if risk.raised > as_of or (strand_id and not _linked(risk, chosen)):
                continue  # a risk raised after D does not exist at D
            if gate.admit("risk", risk.marking, top) is not None:
                risks.append(risk)
        risk_ids = {r.id for r in risks}
        for s in chosen:
            view = strand_view(repo, gate, s, top, quarter, as_of, risk_ids, points, point_dates)
            if view is not None:
                strand_views.append(view)
        shown = {s.id for s in strand_views} | {e.id for s in strand_views for e in s.elements}
        for sia in repo.sias:
            if sia.date <= as_of:
                sia_shown = sia_view(gate, sia, top, as_of, risk_ids, shown, strand_id)
                if sia_shown is not None:
                    sias.append(sia_shown)

    meeting = _meeting(repo, quarter, strand_id)
    register = build_register(repo, risks, quarter, as_of)
    marks, ticks = timeline(points, point_dates, quarter)
    # Names come only from what the session may see: a withheld strategy or strand is
    # not named, even in the title.
    name = strategy.title if top is not None else "strategy"
    shown_titles = {s.id: s.title for s in strand_views}
    subject = "quarterly progress"
    if strand_id:
        subject = f"progress on strand {strand_id[1:]}"
        if strand_id in shown_titles:
            subject += f", {shown_titles[strand_id]},"
    withheld = tuple(Withheld(k, n) for k, n in sorted(gate.withheld.items()))
    summary = _summary(name, subject, quarter, as_of, strand_views, register.live)
    if withheld:
        count = sum(w.count for w in withheld)
        summary += (
            f"{count} item(s) marked above {session} session are withheld and "
            "reported in closed session.",
        )
    equality = paragraphs(strategy.equality_implications) if top is not None else ()
    if strand_id and top is not None:
        equality += tuple(
            p
            for s in chosen
            if s.id in {v.id for v in strand_views}
            for p in paragraphs(s.equality_implications)
        )
    return ReportContext(
        title=f"{name}: progress on strand {strand_id[1:]}"
        if strand_id
        else f"{name}: progress report, {quarter.label}",
        heading=name,
        marking=gate.marking.upper(),
        quarter=quarter.label,
        quarter_code=quarter.code,
        period=f"{long_date(quarter.first_day)} to {long_date(quarter.last_day)}",
        as_of=long_date(as_of),
        session=session,
        committee=(repo.meetings.committee if repo.meetings else None)
        or (strategy.reports_to if top is not None else None),
        report_number=meeting[1] if meeting else None,
        meeting_date=long_date(meeting[0]) if meeting else None,
        by=repo.settings.report.by,
        summary=summary,
        recommendations=(
            f"Members are invited to note the content of the report describing the {subject} "
            f"of the {name}.",
        ),
        strategy_title=name,
        strategy_context=_strategy_context(strategy, top is not None),
        outcomes=tuple((o.id, o.title) for o in strategy.outcomes) if top is not None else (),
        strands=tuple(strand_views),
        sias=tuple(sias),
        register=register,
        timeline=marks,
        timeline_ticks=ticks,
        equality=equality or ("None.",),
        financial=(paragraphs(strategy.financial_implications) if top is not None else ())
        or ("None.",),
        background_papers=tuple(strategy.background_papers) if top is not None else (),
        contacts=_contacts(repo),
        withheld=withheld,
        withheld_total=sum(w.count for w in withheld),
        provenance=Provenance(__version__, as_of.isoformat(), session, commit, dirty),
    )


def _linked(risk: Risk, strands: list[Strand]) -> bool:
    """A risk belongs in a strand report if the strand or one of its elements names it, or
    it names the strand or one of its elements."""
    if any(risk.id in e.risks for s in strands for e in s.work_elements):
        return True
    ids = {s.id for s in strands}
    return any(ref.split(".")[0] in ids for ref in risk.strands)


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
        f"{done} milestone(s) were completed in the quarter; {late} are overdue and {due} are "
        f"due next quarter. The risk register reported here holds {live} live risk(s).",
    )


def _strategy_context(strategy: object, visible: bool) -> tuple[str, ...]:
    from psstrat.model.strategy import Strategy

    assert isinstance(strategy, Strategy)
    if not visible:
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
    ids = [repo.settings.report.author, repo.strategy.author if repo.strategy else None]
    people = []
    for owner_id in ids:
        owner = repo.owners.get(owner_id) if owner_id else None
        if owner is not None:
            people.append(Person(owner.role, owner.name))
            break
    return tuple(people)
