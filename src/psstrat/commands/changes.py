"""What a change means for the strategy: the semantic difference between two sides.

Both sides are first passed through the session's marking gate, with today's marking governing
both (psstrat.marking): an item the later side holds is ranked on the earlier side as it is on
the later one, and one it no longer holds as it was, so a change to an item the session may not
see is not there to be found, and re-marking an item above the session hides it on both sides,
exactly as if it had never been visible. A file that does not load on either side is left out
of both (its marking is unknown); the ids a change quotes are only those the session may see.
Each change is one line a committee member or reviewer reads ("S4.2.M2 Code of Ethics agreed
re-planned from 30 June 2004 to 31 December 2004, 184 days later"), in groups, in the order a
reader wants them. Files that changed with no meaning listed here are counted: in session
`all` by their text (comments, layout, wording), in open and closed sessions by the values the
session may see (so nothing withheld is counted either).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from psstrat.asat import as_at
from psstrat.english import count, long_date, said, sentence, verb
from psstrat.errors import PsstratError
from psstrat.kinds import RISK, SIA, STRAND, STRATEGY, file_of
from psstrat.marking import View, restrict
from psstrat.model.risk import Risk
from psstrat.model.sia import Sia
from psstrat.model.strand import Milestone, Strand, WorkElement
from psstrat.repository import DATA, Repository
from psstrat.schedule import LAST_DAY, element_rag, rating_as_of, strand_rag
from psstrat.settings import SETTINGS_FILE
from psstrat.snapshots import Pair, Side
from psstrat.versions import Marks, marks
from psstrat.versions import later as combined

GROUPS = {
    "markings": "Protective markings",
    "milestones-completed": "Milestones completed",
    "milestones-replanned": "Milestones re-planned",
    "milestones-added": "Milestones added",
    "milestones-cancelled": "Milestones cancelled",
    "milestones-removed": "Milestones removed",
    "elements": "Work elements",
    "strands": "Strands",
    "leads": "Leads",
    "risks-raised": "Risks raised",
    "risks-closed": "Risks closed",
    "risks-rescored": "Risks re-scored",
    "risks-controls": "Risk controls, treatment and escalation",
    "risks-removed": "Risks removed",
    "sia": "Strategic Intelligence Assessments",
    "actions-set": "Actions set",
    "actions-completed": "Actions completed",
}
"""Every group, in the order a reader takes them."""


@dataclass(frozen=True)
class Change:
    group: str
    id: str
    text: str
    file: str
    marking: str | None = None
    """The item's marking when above the open session (shown inline)."""


@dataclass
class Changes:
    since: str
    before: str
    after: str
    session: str
    changes: list[Change] = field(default_factory=list)
    quiet: int = field(default=0, metadata={"json": "files_changed_without_listed_change"})
    """Files changed with no change listed (see the module's doc)."""
    problems: list[str] = field(default_factory=list)

    def grouped(self) -> list[tuple[str, list[Change]]]:
        return grouped(self.changes)

    def quiet_text(self) -> str | None:
        """`3 files changed in comments, layout or wording only.` (None: none)"""
        if not self.quiet:
            return None
        how = (
            "in comments, layout or wording only"
            if self.session == "all"
            else "in ways not listed here"
        )
        return f"{sentence(count(self.quiet, 'file'))} changed {how}."


def grouped(changes: Iterable[Change]) -> list[tuple[str, list[Change]]]:
    """The changes in their groups, in the order of GROUPS (empty groups left out)."""
    changes = list(changes)
    return [
        (title, [c for c in changes if c.group == key])
        for key, title in GROUPS.items()
        if any(c.group == key for c in changes)
    ]


def differs(pair: Pair, session: str) -> bool:
    """Whether what ``session`` sees of the data differs between the two sides (with today's
    marking governing both): a file the session cannot read is simply not there."""
    earlier, governed, today = _governed(pair, session)
    old = _visible_values(restrict(earlier, session, governed=governed))
    new = _visible_values(restrict(pair.after.repo, session, governed=today))
    return any(old.get(rel) != new.get(rel) for rel in pair.changed if rel.startswith(f"{DATA}/"))


def _governed(pair: Pair, session: str) -> tuple[Repository, Marks, Marks]:
    """The earlier side ranked by today's settings, what governs it (the later side's marks
    and, beyond it, every later version's) and what governs the later side (the versions after
    it, when it is a commit). Refused when a side's marking list cannot be established."""
    for side in (pair.before, pair.after):
        if session != "all" and side.settings_problem:
            raise PsstratError(
                f"{SETTINGS_FILE} at {side.label} does not load ({side.settings_problem}), so "
                f"its markings cannot be established and nothing is shown to the {session} "
                "session; fix it, or compare with another commit"
            )
    governed = combined(marks(pair.after.repo), *(marks(version) for version in pair.later))
    today = combined(*(marks(version) for version in pair.after_later))
    earlier = dataclasses.replace(pair.before.repo, settings=pair.after.repo.settings)
    earlier.index()
    return earlier, governed, today


def compare(pair: Pair, session: str, days: tuple[dt.date, dt.date] | None = None) -> Changes:
    """What changed between the sides, as ``session`` sees them; given ``days``, each side as
    at its day (psstrat.asat: what the paper as at that day showed)."""
    earlier, governed, today = _governed(pair, session)
    # A file the session cannot read on either side is left out of both; but not the later
    # side's strategy: an earlier strategy that does not load is governed by today's.
    broken = (
        restrict(earlier, session, governed=governed).unreadable
        | restrict(pair.after.repo, session, governed=today).unreadable
    )
    after = restrict(_without(pair.after.repo, broken - {STRATEGY.path}), session, governed=today)
    before = restrict(_without(earlier, broken), session, governed=governed)
    result = Changes(pair.since, pair.before.label, pair.after.label, session)
    result.problems = [
        p
        for side in (pair.before, pair.after)
        for p in _problems(side, session, sorted(broken & side.repo.not_loaded()))
    ]
    if days is not None:
        before, after = as_at(before, days[0]), as_at(after, days[1])
    diff = _Diff(before, after, days)
    result.changes = list(diff.all())
    listed = {c.file for c in result.changes} | broken
    result.quiet = sum(
        1 for rel in _quiet_candidates(pair, before, after, session) if rel not in listed
    )
    return result


def _without(repo: Repository, files: Iterable[str]) -> Repository:
    """The repository without some of its files (a copy; the original is left as it is)."""
    files = set(files)
    if not files & (set(repo.files) | set(repo.unvalidated)):
        return repo
    kept = dataclasses.replace(
        repo,
        files={k: v for k, v in repo.files.items() if k not in files},
        unvalidated={k: v for k, v in repo.unvalidated.items() if k not in files},
    )
    kept.index()
    return kept


def _problems(side: Side, session: str, broken: list[str]) -> list[str]:
    """What a side could not compare. A session that may not see everything is told how many
    files do not load, never which: a file's name is its id, and its marking is unknown."""
    out = []
    if side.settings_problem:
        out.append(
            f"{side.label}: its settings do not load ({side.settings_problem}); defaults used"
        )
    if broken and session == "all":
        out += [f"{side.label}: {rel} does not load and is left out" for rel in broken]
    elif broken:
        n = len(broken)
        out.append(
            f"{side.label}: {count(n, 'file')} {verb(n, 'does')} not load and "
            f"{verb(n, 'is')} left out (not named: the marking is unknown)"
        )
    return out


def _quiet_candidates(pair: Pair, before: View, after: View, session: str) -> list[str]:
    data = [rel for rel in pair.changed if rel.startswith(f"{DATA}/")]
    if session == "all":
        return data
    old, new = _visible_values(before), _visible_values(after)
    return [rel for rel in data if old.get(rel) != new.get(rel)]


def _visible_values(view: View) -> dict[str, Any]:
    """What the session may see of each data file, by file."""
    return {rel: item.model_dump() for rel, item in view.repo.files.items()}


class _Diff:
    def __init__(
        self, before: View, after: View, days: tuple[dt.date, dt.date] | None = None
    ) -> None:
        self.before, self.after = before, after
        self.days = days or (LAST_DAY, LAST_DAY)
        """The days the sides are as at (the latest data when not compared as at days)."""
        self.settings = after.settings
        self.seen_before, self.seen_after = _strand_ids(before), _strand_ids(after)

    def all(self) -> Iterator[Change]:
        yield from self.strands()
        yield from self.risks()
        yield from self.sias()
        yield from self.actions()

    # -- helpers -------------------------------------------------------------------------

    def change(self, group: str, item: Any, text: str, file: str) -> Change:
        view = self.after if self._in(self.after, item) else self.before
        return Change(group, item.id, text, file, view.tag(item))

    @staticmethod
    def _in(view: View, item: Any) -> bool:
        return id(item) in view.ranks

    def marking(self, a: Any, b: Any, file: str) -> Iterator[Change]:
        """An item the session sees on both sides whose own marking changed."""
        if a.marking == b.marking:
            return
        way = (
            "raised" if self.settings.rank(b.marking) > self.settings.rank(a.marking) else "lowered"
        )
        was, now = a.marking or "none (the lowest)", b.marking or "none (the lowest)"
        yield self.change("markings", b, f"{b.id} marking {way} from {was} to {now}", file)

    def owner(self, view: View, owner_id: str | None) -> str:
        return view.repo.owner_label(owner_id)

    # -- strands, work elements, milestones, leads -----------------------------------------

    def strands(self) -> Iterator[Change]:
        for sid, a, b in _paired(self.before.repo.strands, self.after.repo.strands):
            file = file_of(STRAND, sid)
            if b is not None and a is None:
                yield self.change("strands", b, f"{sid} {b.title} added", file)
                continue
            if a is not None and b is None:
                yield self.change("strands", a, f"{sid} {a.title} removed", file)
                continue
            assert a is not None and b is not None
            yield from self.marking(a, b, file)
            rag_a, rag_b = strand_rag(a), strand_rag(b)
            if rag_a != rag_b:
                yield self.change(
                    "strands", b, f"{sid} {b.title}: RAG from {rag_a} to {rag_b}", file
                )
            yield from self.lead(a, b, file)
            yield from self.elements(a, b, file)

    def lead(self, a: Strand | WorkElement, b: Strand | WorkElement, file: str) -> Iterator[Change]:
        if a.lead == b.lead:
            return
        who = self.owner(self.after, b.lead)
        was = self.owner(self.before, a.lead)
        if a.lead is None:
            text = f"{b.id} lead appointed: {who}"
        elif b.lead is None:
            text = f"{b.id} lead vacated (was {was})"
        else:
            text = f"{b.id} lead changed from {was} to {who}"
        yield self.change("leads", b, text, file)

    def elements(self, a: Strand, b: Strand, file: str) -> Iterator[Change]:
        for eid, x, y in _paired(a.work_elements, b.work_elements):
            if y is not None and x is None:
                lead = self.owner(self.after, y.lead)
                yield self.change("elements", y, f"{eid} {y.title} added (lead: {lead})", file)
                yield from self.milestones([], y.milestones, file)
                continue
            if x is not None and y is None:
                yield self.change("elements", x, f"{eid} {x.title} removed", file)
                continue
            assert x is not None and y is not None
            yield from self.marking(x, y, file)
            if x.status != y.status:
                rag = ""
                if element_rag(x) != element_rag(y):
                    rag = f" (RAG from {element_rag(x)} to {element_rag(y)})"
                text = f"{eid} {y.title}: from {said(x.status)} to {said(y.status)}{rag}"
                yield self.change("elements", y, text, file)
            yield from self.lead(x, y, file)
            yield from self.milestones(x.milestones, y.milestones, file)

    def milestones(self, a: list[Milestone], b: list[Milestone], file: str) -> Iterator[Change]:
        for mid, x, y in _paired(a, b):
            if y is not None and x is None:
                due = long_date(y.effective_due)
                yield self.change("milestones-added", y, f"{mid} {y.title}, due {due}", file)
                continue
            if x is not None and y is None:
                yield self.change("milestones-removed", x, f"{mid} {x.title}", file)
                continue
            assert x is not None and y is not None
            yield from self.marking(x, y, file)
            if y.completed is not None and x.completed is None:
                late = (y.completed - y.effective_due).days
                when = f" ({late} days after it was due)" if late > 0 else ""
                text = f"{mid} {y.title}, on {long_date(y.completed)}{when}"
                yield self.change("milestones-completed", y, text, file)
            if y.cancelled and not x.cancelled:
                yield self.change("milestones-cancelled", y, f"{mid} {y.title}", file)
            if x.effective_due != y.effective_due:
                slip = (y.effective_due - x.effective_due).days
                by = f"{abs(slip)} days {'later' if slip > 0 else 'earlier'}"
                text = (
                    f"{mid} {y.title}, from {long_date(x.effective_due)} to "
                    f"{long_date(y.effective_due)} ({by})"
                )
                yield self.change("milestones-replanned", y, text, file)

    # -- risks -----------------------------------------------------------------------------

    def risks(self) -> Iterator[Change]:
        for rid, a, b in _paired(self.before.repo.risks, self.after.repo.risks):
            file = file_of(RISK, rid)
            if b is not None and a is None:
                text = f"{rid} {b.title}, raised {long_date(b.raised)}: {self.rating(b)}"
                yield self.change("risks-raised", b, text, file)
                continue
            if a is not None and b is None:
                yield self.change("risks-removed", a, f"{rid} {a.title}", file)
                continue
            assert a is not None and b is not None
            yield from self.marking(a, b, file)
            if a.status != b.status:
                if b.status == "closed":
                    when = f" on {long_date(b.closed)}" if b.closed else ""
                    yield self.change("risks-closed", b, f"{rid} {b.title}{when}", file)
                else:
                    yield self.change("risks-raised", b, f"{rid} {b.title} reopened", file)
            if self.score(a, 0) != self.score(b, 1):
                yield self.change(
                    "risks-rescored",
                    b,
                    f"{rid} {b.title}: residual from {self.rating(a, 0)} to "
                    f"{self.rating(b, 1)}" + self.escalation_note(a, b),
                    file,
                )
            yield from self.controls(a, b, file)

    def score(self, risk: Risk, side: int) -> int:
        """Its residual score as at the side's day (its inherent one before it is assessed)."""
        return rating_as_of(risk, self.days[side]).score

    def rating(self, risk: Risk, side: int = 1) -> str:
        score = self.score(risk, side)
        return f"{score} ({self.settings.band(score)})"

    def escalation_note(self, a: Risk, b: Risk) -> str:
        threshold = self.settings.escalation_threshold
        if self.score(b, 1) >= threshold > self.score(a, 0):
            state = "escalated" if b.escalated else "not yet escalated"
            return f"; now at or above the escalation threshold ({threshold}), {state}"
        return ""

    def controls(self, a: Risk, b: Risk, file: str) -> Iterator[Change]:
        old = [c.description for c in a.controls]
        new = [c.description for c in b.controls]
        for text in new:
            if text not in old:
                yield self.change("risks-controls", b, f"{b.id} control added: {text}", file)
        for text in old:
            if text not in new:
                yield self.change("risks-controls", b, f"{b.id} control removed: {text}", file)
        if a.treatment != b.treatment:
            was, now = a.treatment or "none", b.treatment or "none"
            yield self.change("risks-controls", b, f"{b.id} treatment from {was} to {now}", file)
        if b.escalated is not None and a.escalated is None:
            text = f"{b.id} escalated to {b.escalated.to} on {long_date(b.escalated.date)}"
            yield self.change("risks-controls", b, text, file)

    # -- SIAs ------------------------------------------------------------------------------

    def sias(self) -> Iterator[Change]:
        for sid, a, b in _paired(self.before.repo.sias, self.after.repo.sias):
            file = file_of(SIA, sid)
            if b is not None and a is None:
                text = f"{sid} {b.title}, presented {long_date(b.date)}, added"
                yield self.change("sia", b, text, file)
                continue
            if a is not None and b is None:
                yield self.change("sia", a, f"{sid} {a.title} removed", file)
                continue
            assert a is not None and b is not None
            yield from self.marking(a, b, file)
            yield from self.issues(a, b, file)

    def issues(self, a: Sia, b: Sia, file: str) -> Iterator[Change]:
        old = {i.id: i for i in a.issues}
        for issue in b.issues:
            before = old.get(issue.id)
            if before is None:
                yield self.change("sia", issue, f"{issue.id} {issue.title} added", file)
                continue
            yield from self.marking(before, issue, file)
            # Only the strands and work elements each side's session sees are quoted.
            aligned = {
                r.text: [a for a in r.aligned_to if a in self.seen_before]
                for r in before.recommendations
            }
            for rec in issue.recommendations:
                aligned_to = [a for a in rec.aligned_to if a in self.seen_after]
                if rec.text not in aligned:
                    to = ", ".join(aligned_to) or "nothing yet"
                    text = f"{issue.id} recommendation added: {rec.text} (aligned to {to})"
                    yield self.change("sia", issue, text, file)
                elif aligned[rec.text] != aligned_to:
                    was = ", ".join(aligned[rec.text]) or "nothing"
                    now = ", ".join(aligned_to) or "nothing"
                    text = f"{issue.id} recommendation re-aligned from {was} to {now}: {rec.text}"
                    yield self.change("sia", issue, text, file)

    # -- actions meetings set ------------------------------------------------------------

    def actions(self) -> Iterator[Change]:
        """Actions set at a meeting held in between, and actions completed in between (each
        side as at its day: a meeting held later has set nothing yet)."""
        from psstrat.model.common import natural_key
        from psstrat.schedule import actions_set

        first, last = self.days
        old = {a.id: a for _, a in actions_set(self.before.repo.meetings, first)}
        new = {a.id: (m, a) for m, a in actions_set(self.after.repo.meetings, last)}
        file = f"{DATA}/meetings.yaml"
        for aid in sorted(new, key=natural_key):
            meeting, action = new[aid]
            was = old.get(aid)
            words = " ".join(action.text.split())
            if was is None:
                owner = self.owner(self.after, action.owner)
                text = (
                    f"{aid} {words} ({owner}, due {long_date(action.due)}), set on "
                    f"{long_date(meeting.date)}"
                )
                yield self.change("actions-set", action, text, file)
            done = action.completed is not None and action.completed <= last
            done_before = was is not None and was.completed is not None and was.completed <= first
            if done and not done_before:
                assert action.completed is not None
                text = f"{aid} {words}, on {long_date(action.completed)}"
                yield self.change("actions-completed", action, text, file)


def _strand_ids(view: View) -> set[str]:
    repo = view.repo
    return {s.id for s in repo.strands} | {e.id for _, e in repo.elements()}


T = TypeVar("T", Strand, WorkElement, Milestone, Risk, Sia)


def _paired(before: Iterable[T], after: Iterable[T]) -> Iterator[tuple[str, T | None, T | None]]:
    """Items of both sides matched by id, in id order: (id, before or None, after or None)."""
    from psstrat.model.common import natural_key

    old: dict[str, T] = {item.id: item for item in before}
    new: dict[str, T] = {item.id: item for item in after}
    for key in sorted({*old, *new}, key=natural_key):
        yield key, old.get(key), new.get(key)
