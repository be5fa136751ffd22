"""Protective markings: the security boundary between sessions.

`restrict` applies a session's gate once, to the whole repository, and returns a View: a
repository built, through the registry of file kinds (psstrat.kinds), from each file's item
with every item above the session's maximum *removed*, plus the list of what was removed.
Only what the registry names is gated and kept: a kind of file, or a list of items, that is
not registered is not in a view at all. Every command that shows data to a session works on
the View only, so everything it prints (a RAG, a count, a heat map, a list of links, the
problems it judges) is computed from what the session may see: an open output is the output
of the repository with the withheld items deleted. The only trace of a withheld item is what
a command chooses to count from ``View.held`` (the report's "withheld for closed session"
counts, by kind); a file withheld whole because it does not load is not even that (the
commands count the errors they do not judge, on stderr).

An item's effective marking is the highest of its own and of everything that contains it (the
strategy contains everything). Only the outermost withheld item is held back: nothing nested in
it is looked at, not even how many updates it has.

Fail closed. For every session but `all`: a file whose marking cannot be read (it does not
load, so neither its marking nor its items' are known) is withheld whole; and if the
strategy's marking cannot be established (data/strategy.yaml is missing or does not load) the
gate refuses: nothing may be shown when what contains everything is unknown.

Today's marking governs every version (`changes`, `history`): given the ranks the later
versions give each item (`marks`, `later`), an item in an earlier version is shown only if both
its own marking there and every later version's allow it. So re-marking an item above a session
hides every version of it from that session, exactly as if it had never been visible; and
lowering a marking does not reveal old versions marked above the session (an id can be reused
by a different item, so an old secret item is never shown as the same one).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from psstrat.errors import PsstratError
from psstrat.kinds import STRATEGY, Part, kind_of
from psstrat.model.risk import Risk
from psstrat.model.strand import Strand
from psstrat.rawgate import has_marks
from psstrat.repository import Repository
from psstrat.sessions import Session
from psstrat.settings import Settings
from psstrat.versions import Key, Marks, part_key, raw_top_key, top_key
from psstrat.yamlio import YamlPath

SESSIONS = tuple(Session)
"""What each session withholds: psstrat.sessions.Session."""


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
    source: Repository | None = field(default=None, repr=False)
    """The repository this is a view of."""
    ranks: dict[int, int] = field(default_factory=dict)
    """Effective rank of every item in ``repo``, by ``id()`` of the object."""
    strategy_withheld: bool = False
    unreadable: frozenset[str] = frozenset()
    """Files under data/ the session cannot read: they do not load (in a session that may not
    see everything: not even without what is withheld from it) and their own item is not
    withheld by its marking. Withheld whole; counted, never named, but to session `all`."""
    basis: View | None = field(default=None, repr=False)
    """The view this one is as at a day of (psstrat.asat), kept so that the ids ``ranks``
    is keyed by stay those of live objects."""

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


def session_max_rank(settings: Settings, session: str) -> int:
    if session == "open":
        return settings.rank(settings.open_session_max)
    if session == "closed":
        return settings.rank(settings.closed_session_max)
    if session == "all":
        return len(settings.markings)
    raise PsstratError(f"--session {session} is not one of {', '.join(SESSIONS)}; use one of those")


def require_strategy_marking(repo: Repository, session: str, known: bool = False) -> None:
    """Refuse a session that may not see everything when the strategy's marking is unknown:
    the strategy contains everything, so nothing could be shown safely. (``known``: a later
    version's strategy governs this one, as in `changes`.)"""
    if session == "all" or repo.strategy is not None or known:
        return
    raise PsstratError(
        f"{STRATEGY.path} is missing or does not load, so the strategy's marking cannot be "
        f"established and nothing is shown to the {session} session; fix it first (`psstrat "
        "validate` says what is wrong)"
    )


def restrict(repo: Repository, session: str, governed: Marks | None = None) -> View:
    """The repository as ``session`` may see it: every withheld item removed. With
    ``governed`` (the `marks` of later versions, combined by `later`), an item is ranked at the
    higher of its own rank and theirs."""
    settings = repo.settings
    maximum = session_max_rank(settings, session)
    gate = _Gate(repo, session, maximum, governed)
    return gate.view()


M = TypeVar("M", bound=BaseModel)


class _Gate:
    """One pass of the gate over a repository, building its View."""

    def __init__(
        self, repo: Repository, session: str, maximum: int, governed: Marks | None
    ) -> None:
        self.repo, self.session, self.maximum, self.governed = repo, session, maximum, governed
        self.settings = repo.settings
        self.result = View(repo, session, source=repo)
        self.copies: dict[int, tuple[str, YamlPath]] = {}
        """Where each item the gate made (a copy, or an item of a file that validates only
        without what is withheld) is in its file."""
        self.dropped: list[tuple[str, YamlPath]] = []
        """Where each item removed from a file that does not validate was."""
        self.withheld_files: set[str] = set()

    def view(self) -> View:
        repo, view = self.repo, self.result
        strategy_key = (STRATEGY.key, STRATEGY.path)
        require_strategy_marking(
            repo, self.session, known=bool(self.governed and strategy_key in self.governed)
        )
        top = self.rank(strategy_key, repo.strategy, STRATEGY.marked, 0)
        if top > self.maximum:
            view.strategy_withheld = True
            if repo.strategy is not None:
                view.held.append(HeldBack(STRATEGY.name, repo.strategy))
            view.repo = self.repository({})
            return view
        files: dict[str, BaseModel] = {}
        for rel in sorted(repo.files):
            kind = kind_of(rel)
            if kind is None:
                continue
            item = repo.files[rel]
            key = top_key(kind, rel, item)
            kept = self.gate(kind.name, kind.parts, kind.marked, item, top, key, ())
            if kept is not None:
                files[rel] = kept
        unreadable = repo.not_loaded()
        if self.session != "all":
            for rel in sorted(repo.unvalidated):
                kept = self.without_withheld(rel, top)
                if kept is not None:
                    files[rel] = kept
                if kept is not None or rel in self.withheld_files:
                    unreadable.discard(rel)
        view.unreadable = frozenset(unreadable)
        view.repo = self.repository(files)
        return view

    def without_withheld(self, rel: str, top: int) -> BaseModel | None:
        """A file that does not validate, as the session may see it: what validates once
        every withheld item is removed from it (psstrat.rawgate), through the gate; None
        when that does not validate either (the whole file is withheld)."""
        from pydantic import ValidationError

        from psstrat.rawgate import prune
        from psstrat.repository import inner_items

        kind = kind_of(rel)
        if kind is None:
            return None
        governed = self.governed or {}
        data = self.repo.unvalidated[rel]
        pruned = prune(
            kind,
            data,
            self.settings,
            self.maximum,
            top,
            lambda key: governed.get(key, 0),
            raw_top_key(kind, rel, data),
        )
        if pruned is None:
            self.withheld_files.add(rel)  # its own marking withholds it: not unreadable
            return None
        try:
            item = kind.model.model_validate(pruned.data, context=self.settings.validation_context)
        except ValidationError:
            return None
        self.dropped += [(rel, path) for path in pruned.dropped]
        self.copies[id(item)] = (rel, ())
        for path, inner in inner_items(item, kind.parts):
            self.copies[id(inner)] = (rel, pruned.original(path))
        return self.gate(
            kind.name, kind.parts, kind.marked, item, top, top_key(kind, rel, item), ()
        )

    def place(self, item: object) -> tuple[str, YamlPath] | None:
        return self.copies.get(id(item)) or self.repo.item_paths.get(id(item))

    def rank(self, key: Key, item: Any, marked: bool, container: int) -> int:
        """The item's effective rank: its container's, raised by its own marking, and by the
        later versions' rank for the same item when they govern."""
        own = self.settings.rank(item.marking) if marked and item is not None else 0
        if self.governed is not None:
            own = max(own, self.governed.get(key, 0))
        return max(container, own)

    # Named exception (PLR0913): the recursion carries the item and everything around it.
    def gate(  # noqa: PLR0913
        self,
        name: str,
        parts: tuple[Part, ...],
        marked: bool,
        item: M,
        container: int,
        key: Key,
        within: tuple[Any, ...],
    ) -> M | None:
        """The item with every withheld item inside it removed, or None when it is withheld."""
        rank = self.rank(key, item, marked, container)
        if rank > self.maximum:
            self.result.held.append(HeldBack(name, item, within))
            return None
        lists = {}
        for part in parts:
            if not has_marks(part):
                continue  # nothing inside carries a marking: kept as it is
            children = (
                self.gate(
                    part.name,
                    part.parts,
                    part.marked,
                    child,
                    rank,
                    part_key(part, child, key) if self.governed is not None else (),
                    (*within, item),
                )
                for child in getattr(item, part.field)
            )
            lists[part.field] = [c for c in children if c is not None]
        kept = _copy(item, **lists)
        self.result.ranks[id(kept)] = rank
        place = self.place(item)
        if kept is not item and place is not None:
            self.copies[id(kept)] = place
        return kept

    def repository(self, files: dict[str, BaseModel]) -> Repository:
        """The view's repository: the kept files' items, indexed as the loader indexes them,
        with what rules need to judge the session's problems (where each visible item is,
        the ids declared and the unsafe text in what the session may see)."""
        repo = self.repo
        restricted = self.session != "all"
        regions = self.withheld_regions(files)

        def visible(rel: str, path: YamlPath) -> bool:
            if rel not in files:
                return False
            return not any(path[: len(r)] == r for r in regions.get(rel, ()))

        view = Repository(
            root=repo.root,
            settings=repo.settings,
            files=files,
            session=self.session if restricted else None,
            files_read=repo.files_read,
            load_findings=[] if restricted else list(repo.load_findings),
            declared=[d for d in repo.declared if visible(d.path, d.yaml_path[:-1])],
            positions=repo.positions,
            item_paths={**repo.item_paths, **self.copies},
            unsafe_text=[(rel, u) for rel, u in repo.unsafe_text if visible(rel, u.path)],
        )
        view._unplaced = repo._unplaced  # shared: a file is read again at most once
        view.index()
        return view

    def withheld_regions(self, files: dict[str, BaseModel]) -> dict[str, list[YamlPath]]:
        """Where, in the files a view keeps, each withheld item is."""
        regions: dict[str, list[YamlPath]] = {}
        places = [self.place(held.item) for held in self.result.held] + list(self.dropped)
        for place in places:
            if place is not None and place[0] in files:
                regions.setdefault(place[0], []).append(place[1])
        return regions


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
