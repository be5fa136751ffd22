"""Build the one frozen ReportContext for (quarter, as-of, session, strand).

All filtering, sorting and arithmetic happen here, on the session's View of the repository
(psstrat.marking.restrict): content above the session's maximum has been removed before
anything here runs, so no figure, list or template can reach it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from enum import Enum
from typing import TYPE_CHECKING

from psstrat import schedule
from psstrat.asat import as_at
from psstrat.english import count, listed, long_date, sentence, verb
from psstrat.errors import PsstratError
from psstrat.kinds import BY_KEY, walk_parts
from psstrat.marking import HeldBack, View, is_risk_linked, restrict
from psstrat.model.sia import Sia
from psstrat.model.strand import WorkElement
from psstrat.model.strategy import Meeting, Strategy
from psstrat.provenance import Source
from psstrat.records import exists_on, milestone_exists_on
from psstrat.report.outline import SECTIONS
from psstrat.report.register import build_register, timeline
from psstrat.report.scope import Paper, Scope
from psstrat.report.sections import issue_in_scope, paragraphs, sia_view, strand_section
from psstrat.report.views import (
    ChangeGroup,
    ChangeLine,
    ChangesView,
    Person,
    Provenance,
    ReportContext,
    RiskRegister,
    SiaView,
    StrandView,
    Timeline,
    Withheld,
)
from psstrat.repository import Repository
from psstrat.safetext import one_line_all
from psstrat.schedule import Quarter

if TYPE_CHECKING:
    from psstrat.commands.changes import Changes


NO_MEETING = "No meeting is recorded after this quarter"


def build_context(
    repo: Repository | View,
    paper: Paper,
    source: Source | None = None,
    errors: int = 0,
    changes: ChangesView | None = None,
) -> ReportContext:
    """The ``paper``'s context, from the repository (or the paper's session's view of it, if
    one is already made). ``errors`` is how many errors the session's data has (the CLI
    renders such data only with --allow-errors): the paper says it is a draft, as it does when
    ``source`` has uncommitted changes or the quarter has not ended."""
    if isinstance(repo, View):
        if repo.session != paper.session:
            raise ValueError(f"a view of the {repo.session} session for a {paper.session} paper")
        made: View | None = repo
        repo = repo.source or repo.repo
    else:
        made = None
    quarter, as_of, session, strand_id = paper.quarter, paper.as_of, paper.session, paper.strand
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
    view = made or restrict(repo, session)
    _require_in_strategy(view, quarter)
    if strand_id is not None and not view.strategy_withheld:
        view.require_strand(strand_id)
    view = as_at(view, as_of)  # every value as it stood on the paper's date
    source = source or Source(None, False, "not a git checkout")
    provenance = Provenance.of(source, as_of, session)
    draft = _draft(source, errors, quarter, as_of)
    context = _context(Scope.of(view, quarter, as_of, strand_id, paper.appendix), provenance, draft)
    if changes is None:
        return context
    return dataclasses.replace(context, changes=one_line_all(changes))


def _require_in_strategy(view: View, quarter: Quarter) -> None:
    """Refuse a quarter that ends before the strategy starts (as the session sees it: a
    withheld strategy's dates are not told)."""
    strategy = view.repo.strategy
    if strategy is not None and quarter.last_day < strategy.period.start:
        start = strategy.period.start
        first = Quarter.containing(start, view.settings.year_start_month)
        raise PsstratError(
            f"{quarter.label} ends on {quarter.last_day}, before the strategy starts on "
            f"{start}; there is no progress to report: choose {first.code} or a later quarter"
        )


def changes_view(
    changes: Changes | None, compared_with: str, note: str | None, strand_id: str | None
) -> ChangesView:
    """The paper's section from `psstrat changes` (already through the session's gate), or
    the note saying why there is nothing to compare (no git history, no earlier commit)."""
    if changes is None:
        return ChangesView(note=note or "There is no earlier data to compare with.")
    since = f"Compared with {compared_with}."
    from psstrat.commands.changes import grouped

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


def _context(scope: Scope, provenance: Provenance, draft: tuple[str, ...]) -> ReportContext:
    """The report from one View: nothing here can see what the session may not."""
    repo, strategy, strand_id, quarter = (
        scope.repo,
        scope.repo.strategy,
        scope.strand_id,
        scope.quarter,
    )
    sections = [strand_section(scope, s) for s in scope.strands]
    strand_views = [section.view for section in sections]
    sias = [v for sia in repo.sias if sia.date <= scope.as_of and (v := sia_view(scope, sia))]
    meeting = _meeting(repo, quarter, strand_id)
    register = build_register(scope)
    on_timeline = timeline([p for s in sections for p in s.on_timeline], quarter)
    # Names come only from what the session may see: a withheld strategy is not named.
    name = strategy.title if strategy is not None else "strategy"
    subject = _subject(scope)
    withheld = _withheld(scope)
    settings = repo.settings
    marking = scope.view.highest(_included(scope, sias))
    # Every string the templates get is on one line, controls shown as escapes: a template,
    # however written, cannot print a line break or an escape sequence from the data.
    return one_line_all(
        ReportContext(
            title=f"{name}: progress on strand {strand_id[1:]}"
            if strand_id
            else f"{name}: progress report, {quarter.label}",
            heading=name,
            marking=marking.upper(),
            above_open=settings.rank(marking) > settings.rank(settings.open_session_max),
            quarter=quarter.label,
            quarter_code=quarter.code,
            period=f"{long_date(quarter.first_day)} to {long_date(quarter.last_day)}",
            as_of=long_date(scope.as_of),
            session=scope.view.session,
            committee=(repo.meetings.committee if repo.meetings else None)
            or (strategy.reports_to if strategy is not None else None),
            report_number=meeting[1] if meeting else None,
            meeting_date=long_date(meeting[0]) if meeting else NO_MEETING,
            by=repo.settings.report.by,
            summary=_summary(name, subject, scope, strand_views, register.live),
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
            timeline=on_timeline,
            equality=_equality(scope) or ("None.",),
            financial=(paragraphs(strategy.financial_implications) if strategy else ())
            or ("None.",),
            background_papers=tuple(strategy.background_papers) if strategy else (),
            contacts=_contacts(repo),
            withheld=withheld,
            withheld_total=sum(w.count for w in withheld),
            withheld_said=listed([count(w.count, w.kind) for w in withheld]),
            illustrative=_prints_illustrative(strand_views, sias, register, on_timeline),
            provenance=provenance,
            sections=SECTIONS,
            draft=draft,
            language=settings.report.language,
        )
    )


def _prints_illustrative(
    strands: list[StrandView], sias: list[SiaView], register: RiskRegister, line: Timeline
) -> bool:
    """Whether anything the paper prints is marked illustrative."""
    items: list[object] = [*strands, *line.points]
    for s in strands:
        items += [*s.elements, *s.completed, *s.overdue, *s.due_next, *s.updates]
    for sia in sias:
        for issue in sia.issues:
            items += [*issue.recommendations, *issue.progress]
    items += [*register.highest, *register.changes]
    marked = ("illustrative", "owner_illustrative")
    return any(getattr(i, field, False) for i in items for field in marked)


def _subject(scope: Scope) -> str:
    """What the paper describes: `quarterly progress`, `progress on strand 2, Title,`."""
    if not scope.strand_id:
        return "quarterly progress"
    subject = f"progress on strand {scope.strand_id[1:]}"
    return subject + (f", {scope.strands[0].title}," if scope.strands else "")


def _equality(scope: Scope) -> tuple[str, ...]:
    """Section C: the strategy's equality implications, and a strand report's strand's."""
    strategy = scope.repo.strategy
    equality = paragraphs(strategy.equality_implications) if strategy is not None else ()
    if scope.strand_id:
        equality += tuple(p for s in scope.strands for p in paragraphs(s.equality_implications))
    return equality


def _included(scope: Scope, sias: list[SiaView]) -> list[object]:
    """Every item the paper draws on, for its marking: the strategy, the chosen strands with
    their work elements, milestones and the updates in the quarter, the risks, and the SIAs
    and issues shown with their progress notes."""
    items: list[object] = [scope.repo.strategy]
    for s in scope.strands:
        items += [s, *schedule.notes_between(s.updates, scope.window)]
        for e in s.work_elements:
            items += [e, *e.milestones, *schedule.notes_between(e.updates, scope.window)]
    items += scope.risks
    shown_issues = {i.id for s in sias for i in s.issues}
    for sia in scope.repo.sias:
        issues = [i for i in sia.issues if i.id in shown_issues]
        if issues:
            items.append(sia)
            for issue in issues:
                items += [issue, *(n for n in issue.progress if n.date <= scope.as_of)]
    return items


class HeldKind(Enum):
    """A kind of item the gate withholds, by where the registry (psstrat.kinds) declares it:
    its kind's key and the list fields that lead to it. What people call it (the gate's
    HeldBack.kind, and the paper's count "work element: 1") is the registry's name for it."""

    STRATEGY = ("strategy",)
    OWNER = ("owners", "owners")
    MEETING = ("meetings", "meetings")
    PAPER = ("meetings", "meetings", "papers")
    PAPER_PARAGRAPH = ("meetings", "meetings", "papers", "supporting")
    DECISION = ("meetings", "meetings", "decisions")
    ACTION = ("meetings", "meetings", "actions")
    STRAND = ("strand",)
    WORK_ELEMENT = ("strand", "work_elements")
    MILESTONE = ("strand", "work_elements", "milestones")
    UPDATE = ("strand", "work_elements", "updates")
    STRAND_UPDATE = ("strand", "updates")
    RISK = ("risk",)
    SIA = ("sia",)
    SIA_ISSUE = ("sia", "issues")
    SIA_NOTE = ("sia", "issues", "progress")

    @property
    def said(self) -> str:
        """What people call one: `SIA progress note`."""
        key, *fields = self.value
        kind = BY_KEY[key]
        return dict(walk_parts(kind.parts))[tuple(fields)].name if fields else kind.name

    @classmethod
    def of(cls, held: HeldBack) -> HeldKind:
        return _HELD_BY_NAME[held.kind]


_HELD_BY_NAME = {kind.said: kind for kind in HeldKind}


def _withheld(scope: Scope) -> tuple[Withheld, ...]:
    """How many items, by kind, the paper would have drawn on but the session may not see:
    the only trace a withheld item leaves. Only the outermost withheld item is counted, and
    only when it is in the paper's scope (dated by the as-of date, in or linked to the
    strand of a strand report), decided from the withheld item's own data."""
    kinds = ((HeldKind.of(held), held) for held in scope.view.held)
    counts = Counter(kind for kind, held in kinds if _held_in_scope(scope, held, kind))
    return tuple(Withheld(said, n) for said, n in sorted((k.said, n) for k, n in counts.items()))


def _held_in_scope(scope: Scope, held: HeldBack, kind: HeldKind) -> bool:
    item, strand_id, as_of = held.item, scope.strand_id, scope.as_of
    if kind is HeldKind.STRATEGY:
        return True
    if kind is HeldKind.OWNER:
        return item.id in _named_owners(scope)
    if kind is HeldKind.MEETING:  # one the paper could have gone to: after the quarter, and
        # not after the first the session sees
        shown = schedule.meeting_after(scope.repo.meetings, scope.quarter.last_day, strand_id)
        after = item.date > scope.quarter.last_day
        return bool(after and (shown is None or item.date <= shown.date))
    if kind in (HeldKind.PAPER, HeldKind.PAPER_PARAGRAPH, HeldKind.DECISION, HeldKind.ACTION):
        return False  # a quarter's paper prints no meeting's paper, decision or action
    if held.strand is not None:
        return strand_id in (None, held.strand) and _existed(held, kind, scope)
    if kind is HeldKind.RISK:
        return bool(item.raised <= as_of and (not strand_id or is_risk_linked(item, scope.strands)))
    if kind in (HeldKind.SIA, HeldKind.SIA_ISSUE, HeldKind.SIA_NOTE):
        sia: Sia = held.within[0] if held.within else item
        if kind is HeldKind.SIA:
            issues = sia.issues
        else:
            issues = [held.within[1] if kind is HeldKind.SIA_NOTE else item]
        in_scope = sia.date <= as_of and any(issue_in_scope(i, scope) for i in issues)
        return in_scope and (kind is not HeldKind.SIA_NOTE or item.date <= as_of)
    return True  # a kind not placed above: counted (it says nothing of the item but its kind)


def _existed(held: HeldBack, kind: HeldKind, scope: Scope) -> bool:
    """Whether a withheld item in a strand is in the paper's window: a work element that had
    started, a milestone that had been set (in an element that had started), an update dated
    in the quarter (psstrat.asat: what did not yet exist is counted nowhere)."""
    as_of = scope.as_of
    if kind in (HeldKind.UPDATE, HeldKind.STRAND_UPDATE):
        return bool(held.item.date in scope.window) and all(
            exists_on(e, as_of) for e in held.within if isinstance(e, WorkElement)
        )
    if kind is HeldKind.WORK_ELEMENT:
        return exists_on(held.item, as_of)
    if kind is HeldKind.MILESTONE:
        elements = [e for e in held.within if isinstance(e, WorkElement)]
        return milestone_exists_on(held.item, as_of) and all(exists_on(e, as_of) for e in elements)
    return True


def _named_owners(scope: Scope) -> set[str]:
    """The owners the paper would name: leads of what it shows, owners of its risks and their
    controls, and its contact."""
    repo = scope.repo
    named = {s.lead for s in scope.strands} | {
        e.lead for s in scope.strands for e in s.work_elements
    }
    named |= {r.owner for r in scope.risks} | {c.owner for r in scope.risks for c in r.controls}
    named |= {repo.settings.report.author, repo.strategy.author if repo.strategy else None}
    return {o for o in named if o is not None}


def _meeting(
    repo: Repository, quarter: Quarter, strand_id: str | None
) -> tuple[dt.date, str | None] | None:
    """The meeting the report goes to: the first after the quarter ends (a quarter is
    reported once it is over); for a strand report, the first that takes that strand, when
    any meeting lists it. None when no such meeting is recorded."""
    chosen = schedule.meeting_after(repo.meetings, quarter.last_day, strand_id)
    if chosen is None:
        return None
    return chosen.date, chosen.report or _paper_number(chosen, strand_id)


def _paper_number(meeting: Meeting, strand_id: str | None) -> str | None:
    """The report number of the paper at the meeting that a quarter's paper stands for: the
    one on the strand (a strand report), or on the whole strategy."""
    for paper in meeting.papers:
        if (strand_id in paper.strands) if strand_id else paper.kind == "strategy":
            return paper.report
    return None


def _summary(
    title: str, subject: str, scope: Scope, strands: list[StrandView], live: int
) -> tuple[str, ...]:
    quarter, as_of = scope.quarter, scope.as_of
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
            people.append(Person(owner.role, owner.name, owner.label))
            break
    return tuple(people)
