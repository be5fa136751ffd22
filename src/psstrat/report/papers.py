"""Build the PaperContext of one paper a meeting took (data/meetings.yaml), as at its date.

Like report.context, everything here runs on the session's View (psstrat.marking.restrict),
projected as at the paper's date (psstrat.asat): a paper, paragraph, decision, action, strand
or risk the session may not see is not there to be printed, counted into a figure or used to
choose anything. The paper's window (the days it reports on) and its as-of date are the
paper's own: its `since` and `as_of`, else from the day after the last paper on the same
scope to the meeting's date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from dateutil.relativedelta import relativedelta

from psstrat import schedule
from psstrat.asat import as_at
from psstrat.english import count, listed, long_date, said, verb
from psstrat.errors import PsstratError
from psstrat.marking import HeldBack, View, restrict
from psstrat.model.common import Dated, is_illustrative, natural_key
from psstrat.model.paper import Action, Decision, Generated, Paper, Paragraph, Point
from psstrat.model.risk import Risk
from psstrat.model.sia import Sia, SiaIssue
from psstrat.model.strand import Milestone, Strand, WorkElement
from psstrat.model.strategy import Meeting, MeetingsFile, Owner
from psstrat.provenance import Source
from psstrat.records import exists_on, milestone_exists_on
from psstrat.report.outline import paper_sections
from psstrat.report.sections import paragraphs
from psstrat.report.views import (
    BlockView,
    FlatPoint,
    PaperContext,
    PaperGroup,
    Person,
    PointView,
    Provenance,
    Withheld,
)
from psstrat.repository import Repository
from psstrat.safetext import one_line_all
from psstrat.schedule import Span

ACTIONS_ARISING = "Actions arising from the last meeting"

DEFAULT_SUPPORTING: dict[str, tuple[Generated, ...]] = {
    "strategy": ("progress", "decisions"),
    "strand": ("purpose", "outcome", "progress", "decisions"),
    "sia": ("issues", "statements", "recommendations", "sia-progress", "risks"),
    "programme": ("progress", "next", "decisions"),
    "highlight": ("progress", "next", "risks", "decisions"),
}
"""Section B of a paper that writes none of its own: what psstrat writes, by kind."""

_NUMBERS = (
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)
OPEN_QUOTE, CLOSE_QUOTE = "\u2018", "\u2019"
"""The committee's papers quote a strand's purpose in single curly quotes."""


@dataclasses.dataclass(frozen=True)
class Chosen:
    """A paper and the meeting that took it, as the session sees them."""

    meeting: Meeting
    paper: Paper


def choose(view: View, day: dt.date, report: str | None) -> Chosen:
    """The paper ``report`` (its report number, or its title) of the meeting on ``day``, or
    its only paper; a PsstratError naming what there is when there is no such paper. Only
    what the session may see is looked at, so the message is the same as if what is withheld
    were not there."""
    meetings = view.repo.meetings
    if meetings is None and MEETINGS_FILE in view.unreadable:
        raise PsstratError(
            f"{MEETINGS_FILE} does not load, so no meeting's paper can be made; run `psstrat "
            "validate` and fix it"
        )
    found = [m for m in meetings.meetings if m.date == day] if meetings else []
    with_papers = (
        sorted({m.date.isoformat() for m in meetings.meetings if m.papers}) if (meetings) else []
    )
    if not found:
        known = (
            f"meetings with papers are on {', '.join(with_papers)}: pass one of those dates"
            if with_papers
            else "none records a paper: add one under a meeting's `papers:`"
        )
        raise PsstratError(
            f"no meeting on {day.isoformat()} is recorded in {MEETINGS_FILE}; {known}"
        )
    papers = [(m, p) for m in found for p in m.papers]
    if not papers:
        others = f" (meetings with papers: {', '.join(with_papers)})" if with_papers else ""
        raise PsstratError(
            f"the meeting on {day.isoformat()} records no paper{others}; add one under its "
            f"`papers:` in {MEETINGS_FILE} (`psstrat explain meetings`), or render a "
            "quarter's paper with --quarter"
        )
    listed_ = ", ".join(_named(p) for _, p in papers)
    if report is not None:
        chosen = [(m, p) for m, p in papers if p.report == report]
        chosen = chosen or [(m, p) for m, p in papers if p.title == report]
        if not chosen:
            raise PsstratError(
                f"the meeting on {day.isoformat()} has no paper {report}; its papers are "
                f"{listed_}: pass a report number or a title to --paper"
            )
        if len(chosen) > 1:
            raise PsstratError(
                f"the meeting on {day.isoformat()} has {len(chosen)} papers called {report}; "
                f"give each paper of the meeting its own report number in {MEETINGS_FILE}"
            )
        papers = chosen
    if len(papers) > 1:
        raise PsstratError(
            f"the meeting on {day.isoformat()} took {len(papers)} papers: {listed_}; choose "
            "one with --paper N (its report number, or its title)"
        )
    return Chosen(*papers[0])


MEETINGS_FILE = "data/meetings.yaml"


def _named(paper: Paper) -> str:
    return f"{paper.report} ({paper.title})" if paper.report else f"'{paper.title}'"


def as_of_of(chosen: Chosen) -> dt.date:
    """The paper's data is as at its `as_of`, else the meeting's date."""
    return chosen.paper.as_of or chosen.meeting.date


def window(view: View, chosen: Chosen) -> Span:
    """The days the paper reports on: from its `since`, else from the day after the as-of
    date of the last paper on the same scope (or the strategy's start), to its as-of date."""
    last = as_of_of(chosen)
    if chosen.paper.since is not None:
        return Span(chosen.paper.since, last)
    before = last_paper(view.repo.meetings, chosen)
    if before is not None:
        return Span(as_of_of(before) + dt.timedelta(days=1), last)
    strategy = view.repo.strategy
    return Span(strategy.period.start if strategy is not None else schedule.FIRST_DAY, last)


def last_paper(meetings: MeetingsFile | None, chosen: Chosen) -> Chosen | None:
    """The latest paper on the same scope at an earlier meeting: a strand paper sharing a
    strand, the last SIA paper, the last paper of the same kind otherwise."""
    if meetings is None:
        return None
    paper = chosen.paper
    earlier = [
        Chosen(m, p)
        for m in meetings.meetings
        if m.date < chosen.meeting.date
        for p in m.papers
        if p.kind == paper.kind and (not paper.strands or set(p.strands) & set(paper.strands))
    ]
    return max(earlier, key=lambda c: (c.meeting.date, as_of_of(c)), default=None)


# Named exception (PLR0913): the paper, its session, and what the command line knows of it.
def build_paper(  # noqa: PLR0913
    repo: Repository | View,
    day: dt.date,
    report: str | None,
    session: str,
    source: Source | None = None,
    errors: int = 0,
    today: dt.date | None = None,
) -> PaperContext:
    """The context of the paper ``report`` of the meeting on ``day``, for ``session``. A
    paper for a meeting after ``today`` (the clock's date, which the command line reads) is as
    at today, and a draft."""
    if isinstance(repo, View):
        view = repo
        whole = repo.source or repo.repo
    else:
        view, whole = restrict(repo, session), repo
    if whole.strategy is None:
        raise PsstratError(
            "data/strategy.yaml is missing or invalid; run `psstrat validate` and fix it first"
        )
    chosen = choose(view, day, report)
    if chosen.paper.as_of is not None and chosen.paper.as_of > day:
        raise PsstratError(
            f"the paper's `as_of` {chosen.paper.as_of} is after its meeting on {day}; a paper "
            "is as at its meeting's date or before it: set `as_of` on or before the meeting"
        )
    as_of = as_of_of(chosen)
    early = today is not None and as_of > today
    if early:
        assert today is not None
        as_of = today
    span = window(view, chosen)
    span = Span(span.first, min(span.last, as_of))
    if span.first > span.last:
        raise PsstratError(
            f"the paper's window starts on {span.first}, after its data's date {span.last}; "
            "set its `since` on or before its `as_of` (or the meeting's date)"
        )
    dated = as_at(view, as_of)
    source = source or Source(None, False, "not a git checkout")
    provenance = Provenance.of(source, as_of, session)
    made = _Builder(dated, chosen, span, provenance, errors, source).context()
    if early:
        reason = f"it is as at {long_date(as_of)}, before the meeting on {long_date(day)}"
        made = dataclasses.replace(made, draft=(*made.draft, reason))
    return one_line_all(made)


class _Builder:
    """One paper's context, from one View: nothing here can see what the session may not."""

    # Named exception (PLR0913): what the paper is made from, each given once.
    def __init__(  # noqa: PLR0913
        self,
        view: View,
        chosen: Chosen,
        span: Span,
        provenance: Provenance,
        errors: int,
        source: Source,
    ) -> None:
        self.view, self.repo = view, view.repo
        self.meeting, self.paper = chosen.meeting, chosen.paper
        self.span, self.as_of = span, span.last
        self.provenance, self.errors, self.source = provenance, errors, source
        self.strands = tuple(s for s in self.repo.strands if s.id in self.paper.strands)
        self.sia = next((s for s in self.repo.sias if s.id == self.paper.sia), None)
        self.used: list[object] = [self.repo.strategy, self.meeting, self.paper]
        self.illustrative = False
        self.numbers = iter(range(1, 1_000_000))

    # -- the paper ------------------------------------------------------------------------

    def context(self) -> PaperContext:
        paper, repo, settings = self.paper, self.repo, self.view.settings
        own = [self._block(p) for p in self._supporting()]
        groups = [PaperGroup(None, tuple(b for blocks in own for b in blocks))]
        arising = self._arising() if "actions" not in self._includes() else ()
        if arising:
            groups.append(PaperGroup(ACTIONS_ARISING, arising))
        withheld = self._withheld()
        contacts = self._contacts()  # before the marking: an author's marking counts too
        marking = self.view.highest(self.used)
        committee = schedule.committee_of(repo.meetings, self.meeting) if repo.meetings else None
        exempt = self.view.session != "open" and paper.exempt
        return PaperContext(
            kind=paper.kind,
            title=paper.title,
            heading=repo.strategy.title if repo.strategy else "strategy",
            marking=marking.upper(),
            above_open=settings.rank(marking) > settings.rank(settings.open_session_max),
            session=self.view.session,
            committee=committee,
            report_number=paper.report,
            meeting_date=long_date(self.meeting.date),
            by=paper.by or settings.report.by,
            presenter=self.repo.owner_label(paper.presenter) if paper.presenter else None,
            window=f"{long_date(self.span.first)} to {long_date(self.span.last)}",
            as_of=long_date(self.as_of),
            summary=paragraphs(paper.summary) or self._summary(),
            recommendations=tuple(" ".join(r.split()) for r in paper.recommendations)
            or (f"Members are invited to note the content of the report: {paper.title}.",),
            groups=tuple(groups),
            equality=paragraphs(paper.equality_implications) or ("None.",),
            financial=paragraphs(paper.financial_implications)
            or (paragraphs(repo.strategy.financial_implications) if repo.strategy else ())
            or ("None.",),
            background_papers=None
            if paper.background_papers is None
            else tuple(paper.background_papers),
            contacts=contacts,
            contact_lines=tuple(repo.meetings.contacts) if repo.meetings else (),
            withheld=withheld,
            withheld_total=sum(w.count for w in withheld),
            withheld_said=listed([count(w.count, w.kind) for w in withheld]),
            provenance=self.provenance,
            sections=paper_sections(paper.background_papers is not None, dict(paper.headings)),
            exempt=settings.report.exemptions.get(paper.exempt)
            if exempt and paper.exempt
            else None,
            illustrative=self.illustrative or bool(paper.illustrative),
            draft=self._draft(),
            language=settings.report.language,
        )

    def _strands(self) -> tuple[Strand, ...]:
        """The strands the paper reports progress on: those it names (as the session sees
        them: none, when every one is withheld), or, naming none, every strand."""
        return self.strands if self.paper.strands else tuple(self.repo.strands)

    def _supporting(self) -> list[Paragraph]:
        if self.paper.supporting:
            return list(self.paper.supporting)
        return [Paragraph(include=i, illustrative=[]) for i in DEFAULT_SUPPORTING[self.paper.kind]]

    def _includes(self) -> set[str]:
        return {p.include for p in self._supporting() if p.include}

    def _summary(self) -> tuple[str, ...]:
        return (
            f"This report sets out {self._subject()} from {long_date(self.span.first)} to "
            f"{long_date(self.span.last)}.",
        )

    def _subject(self) -> str:
        if self.paper.kind == "sia" and self.sia is not None:
            return f"the {self.sia.title}"
        if self.paper.strands and not self.strands:
            return "the progress on the strands it covers"
        if self.strands:
            return "the progress on " + listed(
                [f"strand {s.id[1:]}, {s.title}," for s in self.strands]
            )
        return (
            f"the progress of the {self.repo.strategy.title if self.repo.strategy else 'strategy'}"
        )

    def _contacts(self) -> tuple[Person, ...]:
        settings = self.view.settings
        default = settings.report.author or (
            self.repo.strategy.author if self.repo.strategy else None
        )
        ids = self.paper.authors or ([default] if default else [])
        people = []
        for owner_id in ids:
            owner = self.repo.owners.get(owner_id) if owner_id else None
            if owner is not None:
                self.used.append(owner)
                details = [d for d in (owner.phone, owner.email) if d]
                label = owner.label + (f", {', '.join(details)}" if details else "")
                people.append(Person(owner.role, owner.name, label))
        return tuple(people)

    def _draft(self) -> tuple[str, ...]:
        reasons = []
        if self.errors:
            reasons.append(
                f"it was rendered with --allow-errors from data with {count(self.errors, 'error')}"
            )
        if self.source.dirty:
            reasons.append("it was rendered from data with uncommitted changes")
        return tuple(reasons)

    # -- section B ------------------------------------------------------------------------

    def _block(self, p: Paragraph) -> list[BlockView]:
        self.used.append(p)
        self.illustrative |= bool(p.illustrative)
        tag = self.view.tag(p)
        exempt = None
        if p.exempt and self.view.session != "open":
            exempt = self.view.settings.report.exemptions.get(p.exempt)
        own = tuple(_point(x) for x in p.points)
        mine = bool(p.illustrative)
        if p.include is None:
            return [self._numbered(paragraphs(p.text), own, (), tag, exempt, mine)]
        made = list(_GENERATED[p.include](self, p.text))
        if not made:
            return []
        first = made[0]
        made[0] = (first[0], (*own, *first[1]), first[2])
        return [
            self._numbered(text, points, quoted, tag, exempt, mine and i == 0)
            for i, (text, points, quoted) in enumerate(made)
        ]

    # Named exception (PLR0913): one numbered paragraph's parts, each its own.
    def _numbered(  # noqa: PLR0913
        self,
        text: tuple[str, ...],
        points: tuple[PointView, ...],
        quoted: tuple[str, ...],
        tag: str | None,
        exempt: str | None,
        illustrative: bool = False,
    ) -> BlockView:
        return BlockView(
            next(self.numbers),
            text,
            points,
            tuple(_flat(points)),
            quoted,
            tag,
            exempt,
            illustrative,
        )

    # Each generator yields (text, points, quoted) for one numbered paragraph or more; a
    # paper's `text` (``lead``) leads the first in, in place of psstrat's words.

    def _purpose(self, lead: str | None) -> Iterator[Made]:
        yield from self._quoting(lead, "purpose", "The overarching purpose of {} is:")

    def _outcome(self, lead: str | None) -> Iterator[Made]:
        yield from self._quoting(lead, "expected_outcome", "The expected outcome of {} is:")

    def _quoting(self, lead: str | None, field: str, words: str) -> Iterator[Made]:
        for i, s in enumerate(self.strands):
            self.used.append(s)
            self.illustrative |= is_illustrative(s, field)
            about = "the strand" if len(self.strands) == 1 else f"strand {s.id[1:]}"
            first = paragraphs(lead) if lead and i == 0 else (words.format(about),)
            text = paragraphs(getattr(s, field))
            if not text:
                yield (f"No {field.replace('_', ' ')} is recorded for {about}.",), (), ()
                continue
            quoted = (f"{OPEN_QUOTE}{text[0]}", *text[1:])
            quoted = (*quoted[:-1], f"{quoted[-1]}{CLOSE_QUOTE}")
            yield first, (), quoted

    def _progress(self, lead: str | None) -> Iterator[Made]:
        points = []
        for s in self._strands():
            self.used.append(s)
            for note in schedule.notes_between(s.updates, self.span):
                points.append(self._note_point(note))
            for e in sorted(s.work_elements, key=lambda e: natural_key(e.id)):
                if not exists_on(e, self.as_of):
                    continue
                self.used.append(e)
                under = [self._note_point(n) for n in schedule.notes_between(e.updates, self.span)]
                for m in e.milestones:
                    if (
                        m.completed
                        and m.completed in self.span
                        and milestone_exists_on(m, self.as_of)
                    ):
                        self.used.append(m)
                        under.append(
                            PointView(
                                f"Completed {long_date(m.completed)}: {m.title}",
                                marking=self.view.tag(m),
                                illustrative=is_illustrative(m, "completed"),
                            )
                        )
                self.illustrative |= any(is_illustrative(e, f) for f in ("status", "lead"))
                points.append(
                    PointView(
                        f"{e.id} {e.title}: {said(e.status)}; lead {self.repo.owner_label(e.lead)}",
                        tuple(under),
                        self.view.tag(e),
                        any(is_illustrative(e, f) for f in ("status", "lead")),
                    )
                )
        first = paragraphs(lead) or (
            f"Progress from {long_date(self.span.first)} to {long_date(self.span.last)}:",
        )
        if not points:
            first = (*first, "Nothing is recorded in that time.")
        yield first, tuple(points), ()

    def _note_point(self, note: Dated, dated: bool = True) -> PointView:
        self.used.append(note)
        text = " ".join(paragraphs(note.text))
        illustrative = bool(getattr(note, "illustrative", ()))
        self.illustrative |= illustrative
        return PointView(
            f"{long_date(note.date)}: {text}" if dated else text,
            marking=self.view.tag(note),
            illustrative=illustrative,
        )

    def _decisions(self, lead: str | None) -> Iterator[Made]:
        meetings = self.repo.meetings
        wanted = {s.id for s in self.strands}
        for m in sorted(meetings.meetings if meetings else (), key=lambda m: m.date):
            if m.date not in self.span or m.date >= self.meeting.date:
                continue
            taken = [d for d in m.decisions if not wanted or set(d.strands) & wanted]
            if not taken:
                continue
            self.used.append(m)
            body = schedule.committee_of(meetings, m) if meetings else None
            points = []
            for d in taken:
                self.used.append(d)
                self.illustrative |= bool(d.illustrative)
                points.append(PointView(" ".join(paragraphs(d.text)), (), self.view.tag(d)))
            words = f"On {long_date(m.date)} the {body or 'committee'} decided:"
            yield (paragraphs(lead) or (words,)), tuple(points), ()
            lead = None

    def _actions(self, lead: str | None) -> Iterator[Made]:
        blocks = self._arising_made(lead)
        if blocks is None:
            yield (paragraphs(lead) or ("No actions arose from the last meeting.",)), (), ()
            return
        yield blocks

    def _arising(self) -> tuple[BlockView, ...]:
        made = self._arising_made(None)
        return () if made is None else (self._numbered(made[0], made[1], (), None, None),)

    def _last_meeting(self) -> Meeting | None:
        """The last meeting of the body this paper goes to, before this one."""
        meetings = self.repo.meetings
        if meetings is None:
            return None
        body = schedule.committee_of(meetings, self.meeting)
        own = [
            m
            for m in meetings.meetings
            if m.date < self.meeting.date and schedule.committee_of(meetings, m) == body
        ]
        return max(own, key=lambda m: m.date, default=None)

    def _arising_made(self, lead: str | None) -> Made | None:
        last = self._last_meeting()
        if last is None or not last.actions:
            return None
        self.used.append(last)
        points = tuple(self._action_point(a) for a in sorted(last.actions, key=_action_key))
        words = (
            f"The actions set at the meeting on {long_date(last.date)}, as at "
            f"{long_date(self.as_of)}:"
        )
        return (paragraphs(lead) or (words,)), points, ()

    def _action_point(self, a: Action) -> PointView:
        self.used.append(a)
        illustrative = bool(a.illustrative)
        self.illustrative |= illustrative
        return PointView(
            f"{a.id} {' '.join(paragraphs(a.text))} ({self.repo.owner_label(a.owner)}, due "
            f"{long_date(a.due)}): {action_state(a, self.as_of)}",
            (),
            self.view.tag(a),
            illustrative,
        )

    def _issues(self, lead: str | None) -> Iterator[Made]:
        issues = self._sia_issues()
        if not issues:
            return
        n = len(issues)
        said_n = _NUMBERS[n] if n < len(_NUMBERS) else str(n)
        words = (
            f"The {said_n} key strategic {'issue' if n == 1 else 'issues'} emanating from this "
            f"assessment {verb(n, 'is')} set out below."
        )
        points = tuple(
            PointView(i.title, (), self.view.tag(i), bool(i.illustrative)) for i in issues
        )
        yield (paragraphs(lead) or (words,)), points, ()

    def _statements(self, lead: str | None) -> Iterator[Made]:
        issues = self._sia_issues()
        if not issues:
            return
        points = tuple(
            PointView(
                i.title,
                tuple(PointView(f"“{p}”") for p in paragraphs(i.statement)),
                self.view.tag(i),
                bool(i.illustrative),
            )
            for i in issues
        )
        yield (
            (paragraphs(lead) or ("A brief description of the key risks is as follows:",)),
            points,
            (),
        )

    def _recommendations(self, lead: str | None) -> Iterator[Made]:
        points = []
        for issue in self._sia_issues():
            if not issue.recommendations:
                continue
            under = []
            for r in issue.recommendations:
                self.illustrative |= bool(r.illustrative)
                text = " ".join(paragraphs(r.text))
                under.append(PointView(text, illustrative=bool(r.illustrative)))
            points.append(PointView(issue.title, tuple(under), self.view.tag(issue)))
        if not points:
            return
        words = "The assessment recommends:"
        yield (paragraphs(lead) or (words,)), tuple(points), ()

    def _next(self, lead: str | None) -> Iterator[Made]:
        """The milestones of the paper's strands due in the three months after its date and
        not yet met: what is planned for the next period."""
        end = self.as_of + relativedelta(months=3)
        points = []
        for s in self._strands():
            for e in sorted(s.work_elements, key=lambda e: natural_key(e.id)):
                if not exists_on(e, self.as_of):
                    continue
                for m in e.milestones:
                    due = m.effective_due
                    done = m.completed is not None and m.completed <= self.as_of
                    if done or not (self.as_of < due <= end):
                        continue
                    if not milestone_exists_on(m, self.as_of):
                        continue
                    self.used += [e, m]
                    illustrative = is_illustrative(m, "due") or is_illustrative(m, "revised_due")
                    self.illustrative |= illustrative
                    points.append(
                        (
                            due,
                            natural_key(m.id),
                            PointView(
                                f"{m.id} {m.title}: due {long_date(due)}",
                                marking=self.view.tag(m),
                                illustrative=illustrative,
                            ),
                        )
                    )
        words = f"Planned for the next period, to {long_date(end)}:"
        if not points:
            yield (*(paragraphs(lead) or (words,)), "No milestone is due in that time."), (), ()
            return
        ordered = tuple(p for _, _, p in sorted(points, key=lambda x: (x[0], x[1])))
        yield (paragraphs(lead) or (words,)), ordered, ()

    def _sia_progress(self, lead: str | None) -> Iterator[Made]:
        points = []
        for sia in self.repo.sias:
            for issue in sia.issues:
                notes = [n for n in issue.progress if n.date in self.span]
                if not notes:
                    continue
                self.used += [sia, issue]
                under = tuple(
                    self._note_point(n, dated=False) for n in sorted(notes, key=lambda n: n.date)
                )
                points.append(PointView(issue.title, under, self.view.tag(issue)))
        if not points:
            return
        words = (
            f"Progress on the key strategic issues from {long_date(self.span.first)} to "
            f"{long_date(self.span.last)}:"
        )
        yield (paragraphs(lead) or (words,)), tuple(points), ()

    def _risks(self, lead: str | None) -> Iterator[Made]:
        risks = self._paper_risks()
        limit = self.view.settings.report.list_length
        points = [self._risk_point(r) for r in risks[:limit]]
        if len(risks) > limit:
            rest = len(risks) - limit
            points.append(PointView(f"and {count(rest, 'more risk')}, in the risk register"))
        words = "The key strategic risks and the proposed control measures are as follows."
        if not risks:
            words = "No risk is recorded against the issues in this paper."
        yield (paragraphs(lead) or (words,)), tuple(points), ()

    def _paper_risks(self) -> list[Risk]:
        if self.paper.kind == "sia":
            ids = {r for i in self._sia_issues() for r in i.risks}
        else:
            wanted = {s.id for s in self.strands} | {
                e.id for s in self.strands for e in s.work_elements
            }
            ids = {r.id for r in self.repo.risks if set(r.strands) & wanted}
            ids |= {r for s in self.strands for e in s.work_elements for r in e.risks}
        found = [r for r in self.repo.risks if r.id in ids and r.raised <= self.as_of]
        return sorted(
            found, key=lambda r: (-(schedule.current_score(r, self.as_of) or 0), natural_key(r.id))
        )

    def _risk_point(self, r: Risk) -> PointView:
        self.used.append(r)
        settings = self.view.settings
        score = schedule.current_score(r, self.as_of)
        rated = f"residual score {score} ({settings.band(score)})" if score else "not assessed"
        under = []
        for c in r.controls:
            who = self.repo.owner_label(c.owner) if c.owner else None
            state = f"{said(c.status)}{f', {who}' if who else ''}"
            under.append(PointView(f"Control: {' '.join(paragraphs(c.description))} ({state})"))
        if r.treatment:
            under.append(PointView(f"Treatment: {r.treatment}"))
        if r.target is not None:
            under.append(
                PointView(f"Target: score {r.target.score} ({settings.band(r.target.score)})")
            )
        self.illustrative |= bool(r.illustrative)
        return PointView(
            f"{r.id} {r.title}: {rated}", tuple(under), self.view.tag(r), bool(r.illustrative)
        )

    def _sia_issues(self) -> list[SiaIssue]:
        if self.sia is None:
            return []
        self.used.append(self.sia)
        issues = list(self.sia.issues)
        self.used += issues
        return issues

    # -- what is withheld -----------------------------------------------------------------

    def _withheld(self) -> tuple[Withheld, ...]:
        """How many items, by kind, the paper would have drawn on but the session may not
        see: this paper's paragraphs, and what its includes would have listed."""
        counts = Counter(h.kind for h in self.view.held if self._in_paper(h))
        return tuple(Withheld(kind, n) for kind, n in sorted(counts.items()))

    def _in_paper(self, held: HeldBack) -> bool:
        """Whether a withheld item is one this paper would have drawn on, decided from its
        own data: a paragraph of this paper; in a strand it reports progress on, a work
        element that had started, a milestone completed or a note dated in its window; a
        risk or an issue of the SIA it presents; an action arising, a decision it reports."""
        includes, item, within = self._includes(), held.item, held.within
        if _in_this_paper(within, self.meeting, self.paper):
            return True
        if held.strand is not None:
            return self._in_progress(held, includes)
        if isinstance(item, Risk):
            return (
                "risks" in includes and item.raised <= self.as_of and (item.id in self._risk_ids())
            )
        if isinstance(item, Action | Decision):
            return self._in_meetings_part(item, within[-1] if within else None, includes)
        if isinstance(item, Owner):  # an author or the presenter the paper would name
            return item.id in (*self.paper.authors, self.paper.presenter)
        top = within[0] if within else item
        if isinstance(top, Sia):
            return top.id == self.paper.sia and bool(includes & {"issues", "statements", "risks"})
        return False

    def _due_next(self, m: Milestone) -> bool:
        """Whether a milestone is one `include: next` would list."""
        done = m.completed is not None and m.completed <= self.as_of
        end = self.as_of + relativedelta(months=3)
        return not done and self.as_of < m.effective_due <= end

    def _in_progress(self, held: HeldBack, includes: set[str]) -> bool:
        """A withheld item in a strand: in the paper's progress, as at its date."""
        item, within = held.item, held.within
        if not includes & {"progress", "next"}:
            return False
        if self.paper.strands and held.strand not in self.paper.strands:
            return False
        elements = [x for x in (*within, item) if isinstance(x, WorkElement)]
        if not all(exists_on(e, self.as_of) for e in elements):
            return False
        if isinstance(item, Milestone):
            completed = bool(item.completed and item.completed in self.span)
            return ("progress" in includes and completed) or (
                "next" in includes and self._due_next(item)
            )
        if isinstance(item, Strand | WorkElement):
            return True
        return "progress" in includes and bool(getattr(item, "date", None) in self.span)

    def _in_meetings_part(self, item: Action | Decision, meeting: Any, includes: set[str]) -> bool:
        """A withheld action arising from the last meeting, or a decision the paper reports."""
        when = meeting.date if isinstance(meeting, Meeting) else None
        if isinstance(item, Action):  # arising from the last meeting: every paper lists them
            last = self._last_meeting()
            return bool(last is not None and when == last.date)
        wanted = {s.id for s in self.strands}
        return bool(
            "decisions" in includes
            and when is not None
            and when in self.span
            and when < self.meeting.date
            and (not wanted or set(item.strands) & wanted)
        )

    def _risk_ids(self) -> set[str]:
        """The ids of the risks `include: risks` lists, decided from what the session sees
        of the SIA or strands and, for a withheld risk, from its own `strands`."""
        if self.paper.kind == "sia":
            return {r for i in self.sia.issues for r in i.risks} if self.sia else set()
        wanted = {s.id for s in self.strands} | {
            e.id for s in self.strands for e in s.work_elements
        }
        linked = {r for s in self.strands for e in s.work_elements for r in e.risks}
        held = {
            h.item.id
            for h in self.view.held
            if isinstance(h.item, Risk) and set(h.item.strands) & wanted
        }
        return linked | held


Made = tuple[tuple[str, ...], tuple[PointView, ...], tuple[str, ...]]
"""One numbered paragraph: its text, its bullets, and quoted text after it."""


def _in_this_paper(within: Sequence[object], meeting: Meeting, paper: Paper) -> bool:
    """Whether a withheld item sits in this paper of the meeting. ``within`` holds the items
    as they are in the files (the paper here is the session's copy, without what is
    withheld), so the paper is known by its meeting's date, its number and its title."""
    if len(within) < 3 or not isinstance(within[1], Meeting) or not isinstance(within[2], Paper):
        return False
    there, was = within[1], within[2]
    return (there.date, was.report, was.title) == (meeting.date, paper.report, paper.title)


def _point(x: str | Point) -> PointView:
    if isinstance(x, str):
        return PointView(" ".join(x.split()))
    return PointView(" ".join(x.text.split()), tuple(_point(p) for p in x.points))


MD_INDENT = "    "
"""What a Markdown list indents one level by: four spaces, under `10. ` too."""


def _flat(points: Iterable[PointView], depth: int = 1) -> Iterator[FlatPoint]:
    for p in points:
        yield FlatPoint(depth, MD_INDENT * depth, p.text, p.marking, p.illustrative)
        yield from _flat(p.points, depth + 1)


def _action_key(a: Action) -> tuple[object, ...]:
    return natural_key(a.id)


def action_state(a: Action, day: dt.date) -> str:
    """An action's state as at ``day``, in words (psstrat.schedule.action_state)."""
    state = schedule.action_state(a, day)
    if state is schedule.ActionState.COMPLETE and a.completed is not None:
        return f"completed {long_date(a.completed)}"
    if state is schedule.ActionState.OVERDUE:
        return f"overdue by {count((day - a.due).days, 'day')}"
    return "open"


_GENERATED = {
    "purpose": _Builder._purpose,
    "outcome": _Builder._outcome,
    "progress": _Builder._progress,
    "decisions": _Builder._decisions,
    "actions": _Builder._actions,
    "issues": _Builder._issues,
    "statements": _Builder._statements,
    "recommendations": _Builder._recommendations,
    "sia-progress": _Builder._sia_progress,
    "risks": _Builder._risks,
    "next": _Builder._next,
}
