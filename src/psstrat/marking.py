"""Protective markings: the security boundary between sessions.

`restrict` applies a session's gate once, to the whole repository, and returns a View: the
same repository with every item above the session's maximum *removed* (strands, work
elements, milestones, updates, risks, SIAs, SIA issues and progress notes), plus the list of
what was removed. Every command that shows data to a session (report, status, overdue) works
on the View only, so everything it prints (a RAG, a count, a heat map, a list of links) is
computed from what the session may see: an open output is the output of the repository with
the withheld items deleted. The only trace of a withheld item is what a command chooses to
count from ``View.held`` (the report's "withheld for closed session" counts, by kind).

An item's effective marking is the highest of its own and of everything that contains it (the
strategy contains everything). Only the outermost withheld item is held back: nothing nested in
it is looked at, not even how many updates it has.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from psstrat.errors import PsstratError
from psstrat.model.risk import Risk
from psstrat.model.sia import Sia, SiaIssue
from psstrat.model.strand import Strand, WorkElement
from psstrat.repository import Repository
from psstrat.settings import Settings

SESSIONS = ("open", "closed", "all")
"""open and closed withhold what is above `open_session_max` / `closed_session_max`; all
withholds nothing (for the directorate's own use) and labels what is above open."""


@dataclass(frozen=True)
class HeldBack:
    """One withheld item: its kind as people say it, and what contains it, outermost first.

    ``item`` and ``within`` are there to decide whether a count is in a paper's scope (is the
    risk linked to this strand? was the SIA presented by the as-of date?); nothing of them is
    ever shown.
    """

    kind: str
    item: Any
    within: tuple[Any, ...] = ()

    @property
    def strand(self) -> str | None:
        """The id of the strand the item is, or sits in; None outside strands."""
        top = self.within[0] if self.within else self.item
        return top.id if isinstance(top, Strand) else None


@dataclass
class View:
    """What one session may see of a repository."""

    repo: Repository
    session: str
    held: list[HeldBack] = field(default_factory=list)
    ranks: dict[int, int] = field(default_factory=dict)
    """Effective rank of every item in ``repo``, by ``id()`` of the object."""
    strategy_withheld: bool = False

    @property
    def settings(self) -> Settings:
        return self.repo.settings

    def rank(self, item: object) -> int:
        return self.ranks.get(id(item), 0)

    def label(self, item: object) -> str | None:
        """The item's marking when it is above the open session (to show it inline), else None."""
        rank = self.rank(item)
        if rank > self.settings.rank(self.settings.open_session_max):
            return self.settings.markings[min(rank, len(self.settings.markings) - 1)]
        return None

    def tag(self, item: object) -> str | None:
        """The label as a paper shows it inline: `OFFICIAL-SENSITIVE`."""
        label = self.label(item)
        return label.upper() if label else None

    def highest(self, items: Iterable[object]) -> str:
        """The marking of a paper holding these items: the highest effective marking."""
        rank = max((self.rank(i) for i in items), default=0)
        return self.settings.markings[min(rank, len(self.settings.markings) - 1)]

    def require_strand(self, strand_id: str) -> Strand:
        """The strand, or the same error as if every withheld strand had been deleted (the
        message never names a strand the session may not see)."""
        if self.session == "all":
            return self.repo.require_strand(strand_id)
        for strand in self.repo.strands:
            if strand.id == strand_id:
                return strand
        from psstrat.messages import suggest

        known = [s.id for s in self.repo.strands]
        raise PsstratError(
            f"--strand {strand_id} is not a strand the {self.session} session may see"
            f"{suggest(strand_id, known)}; it may see {', '.join(known) or 'none'}"
            + (
                " (use --session closed for a strand marked above open)"
                if self.session == "open"
                else ""
            )
        )


Admit = Callable[..., int]


def session_max_rank(settings: Settings, session: str) -> int:
    if session == "open":
        return settings.rank(settings.open_session_max)
    if session == "closed":
        return settings.rank(settings.closed_session_max)
    if session == "all":
        return len(settings.markings)
    raise PsstratError(f"--session {session} is not one of {', '.join(SESSIONS)}; use one of those")


def restrict(repo: Repository, session: str) -> View:
    """The repository as ``session`` may see it: every withheld item removed."""
    settings = repo.settings
    view = View(repo, session)
    maximum = session_max_rank(settings, session)

    def admit(kind: str, item: Any, container: int, *within: Any) -> int:
        """The item's effective rank, or -1 (and held back) when the session may not see it."""
        rank = max(container, settings.rank(item.marking))
        if rank > maximum:
            view.held.append(HeldBack(kind, item, within))
            return -1
        return rank

    top = 0
    if repo.strategy is not None:
        top = admit("strategy", repo.strategy, 0)
        if top < 0:
            view.strategy_withheld = True
            view.repo = dataclasses.replace(
                repo, strategy=None, strands=[], risks=[], sias=[], item_paths={}, declared=[]
            )
            return view
        view.ranks[id(repo.strategy)] = top

    strands = [
        k for k in (_gate(view, admit, "strand", s, top) for s in repo.strands) if k is not None
    ]
    risks = [k for k in (_gate(view, admit, "risk", r, top) for r in repo.risks) if k is not None]
    sias = [k for k in (_gate(view, admit, "SIA", s, top) for s in repo.sias) if k is not None]
    view.repo = dataclasses.replace(
        repo,
        strands=strands,
        risks=risks,
        sias=sias,
        # Positions and declared ids describe the files, withheld items included: only rules
        # (which run on the whole repository, never on a view) may use them.
        item_paths={},
        declared=[],
    )
    return view


_CHILDREN: dict[type, tuple[tuple[str, str], ...]] = {
    Strand: (("work_elements", "work element"),),
    WorkElement: (("milestones", "milestone"), ("updates", "update")),
    Sia: (("issues", "SIA issue"),),
    SiaIssue: (("progress", "SIA progress note"),),
}
"""What each kind of item contains that carries a marking of its own: (field, kind)."""


# Named exception (PLR0913): the recursion carries the item and everything around it.
def _gate(  # noqa: PLR0913
    view: View, admit: Admit, kind: str, item: M, container: int, within: tuple[Any, ...] = ()
) -> M | None:
    """The item with every withheld item inside it removed, or None when it is withheld."""
    rank = admit(kind, item, container, *within)
    if rank < 0:
        return None
    lists = {}
    for name, child_kind in _CHILDREN.get(type(item), ()):
        children = (
            _gate(view, admit, child_kind, child, rank, (*within, item))
            for child in getattr(item, name)
        )
        lists[name] = [c for c in children if c is not None]
    kept = _copy(item, **lists)
    view.ranks[id(kept)] = rank
    return kept


M = TypeVar("M", bound=BaseModel)


def _copy(item: M, **lists: list[Any]) -> M:
    """The item with some of its lists replaced, or the item itself when nothing was removed
    (most items: a copy of 10,000 risks would be wasted work)."""
    if all(_same(getattr(item, name), kept) for name, kept in lists.items()):
        return item
    return item.model_copy(update=lists)


def _same(before: list[Any], after: list[Any]) -> bool:
    """Nothing removed and nothing replaced by a copy (a child that lost a grandchild)."""
    return len(before) == len(after) and all(a is b for a, b in zip(before, after, strict=True))


def is_risk_linked(risk: Risk, strands: Iterable[Strand]) -> bool:
    """A risk belongs in a strand's report if the strand or one of its work elements names it,
    or it names the strand or one of its work elements (in the same View)."""
    strands = list(strands)
    ids = {s.id for s in strands} | {e.id for s in strands for e in s.work_elements}
    if any(ref in ids for ref in risk.strands):
        return True
    return any(risk.id in e.risks for s in strands for e in s.work_elements)
