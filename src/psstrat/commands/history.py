"""`psstrat history ID`: a risk's residual score, a strand's RAG or a work element's status,
as it stood after every commit that changed it, read from git.

A trend is then not only what someone typed into a risk's `history:`: each point is a commit
(its date and id), and a score or RAG that was edited in place shows up too. Every version of
the file is read as `validate` reads files (a blob over 1 MiB is never read; the working
tree's file only if it is a regular file inside the repository), loaded with the same loader,
and passed through the session's marking gate with today's marking governing every version
(psstrat.marking): a version of an item, or of a part of it, is shown only if its own marking
and every later version's (today's first, wherever the item is today) allow it, so re-marking
an item above the session withholds every version of it, as if it had never been visible. Each
version is read with today's settings, strategy and owners. If the session may see no version,
the item is refused exactly as an unknown one would be.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from psstrat.errors import PsstratError
from psstrat.kinds import OWNERS, RISK, STRAND, STRATEGY, file_of
from psstrat.marking import View, require_strategy_marking, restrict
from psstrat.model.common import ID_PATTERNS
from psstrat.repository import Repository, load_repository
from psstrat.schedule import element_rag, strand_rag
from psstrat.snapshots import working_tree
from psstrat.versions import Marks, later, marks
from psstrat.yamlio import MAX_BYTES, YamlProblem, too_large

_RISK = re.compile(ID_PATTERNS["risk"][0])
_STRAND = re.compile(ID_PATTERNS["strand"][0])
_ELEMENT = re.compile(ID_PATTERNS["element"][0])


@dataclass(frozen=True)
class Point:
    date: dt.date | None
    """The commit's date; None for uncommitted changes in the working tree."""
    commit: str | None
    value: str
    change: str
    """`first recorded`, `12 (high) -> 16 (very high)`."""


@dataclass(frozen=True)
class Trail:
    item: str
    measure: str
    """What is followed: `residual score`, `RAG`, `status (RAG)`."""
    points: list[Point]
    skipped: int
    """Versions that did not load (left out)."""


def item_trail(repo: Repository, item_id: str, session: str) -> Trail:
    """The trail of one item through the history of its file (``repo`` is the working tree,
    for the settings, the strategy's marking, the owners and the uncommitted state)."""
    from psstrat.git import GitTree, GitUnavailable, Oversized

    rel, measure = _file_of(item_id)
    require_strategy_marking(repo, session)
    try:
        tree = GitTree.of(repo.root)
        versions = tree.log(rel)
        blobs = tree.read_many([(commit.sha, path) for commit, path in versions], MAX_BYTES)
    except GitUnavailable as exc:
        raise PsstratError(f"psstrat history needs the strategy's git history ({exc})") from None
    states: list[tuple[dt.date | None, str | None, bytes | YamlProblem | None]] = [
        (commit.date, commit.short, too_large() if isinstance(raw, Oversized) else raw)
        for (commit, _), raw in zip(versions, blobs, strict=True)
    ]
    states.append((None, None, working_tree(repo.root, [rel]).get(rel)))
    values: list[tuple[dt.date | None, str | None, str | None]] = []
    # Today's marking of every item, wherever it is today (it may have moved to another
    # file), governs every version; then each version governs those before it.
    governed: Marks = marks(repo)
    skipped = 0
    for date, commit, raw in reversed(states):  # newest first: today's marking governs
        if raw is None:
            continue  # deleted in this commit, or not in the working tree
        version = _version(repo, rel, raw)
        view = restrict(version, session, governed)
        if rel in view.unreadable:
            if not values and session != "all":
                raise PsstratError(
                    f"the latest version of {rel} does not load, so its marking cannot be "
                    f"established and nothing of its history is shown to the {session} "
                    "session; fix it first (`psstrat validate` says what is wrong)"
                )
            skipped += 1
            governed = later(governed, marks(version))  # its marking unknown: above any session
            continue
        values.append((date, commit, _value(view, item_id)))
        governed = later(governed, marks(version))
    points: list[Point] = []
    previous: str | None = None
    for date, commit, value in reversed(values):
        if value is None or value == previous:
            continue
        change = f"{value} (first recorded)" if previous is None else f"{previous} -> {value}"
        points.append(Point(date, commit, value, change))
        previous = value
    if not points:
        raise PsstratError(
            f"no history of {item_id} that the {session} session may see; give a risk (R0004), "
            "strand (S2) or work element (S2.1) id that has been committed"
        )
    return Trail(item_id, measure, points, skipped)


def _file_of(item_id: str) -> tuple[str, str]:
    if _RISK.fullmatch(item_id):
        return file_of(RISK, item_id), "residual score"
    if _STRAND.fullmatch(item_id):
        return file_of(STRAND, item_id), "RAG"
    if _ELEMENT.fullmatch(item_id):
        return file_of(STRAND, item_id.partition(".")[0]), "status (RAG)"
    raise PsstratError(
        f"`{item_id}` is not a risk, strand or work element id; give one like R0004, S2 or S2.1"
    )


def _version(repo: Repository, rel: str, raw: bytes | YamlProblem) -> Repository:
    """One version of the file, loaded as validate loads it, with today's settings, strategy
    and owners (the strategy's marking contains it; the owners name its leads)."""
    version = load_repository(repo.root, repo.settings, sources={rel: raw}, positions=False)
    for context in (STRATEGY.path, OWNERS.path):
        if context in repo.files:
            version.files[context] = repo.files[context]
    version.index()
    return version


def _value(view: View, item_id: str) -> str | None:
    """The measure as the session sees it in one version; None when it may not see the item
    (or the version does not hold it)."""
    repo = view.repo
    risk = next((r for r in repo.risks if r.id == item_id), None)
    if risk is not None:
        score = risk.residual.score
        return f"{score} ({repo.settings.band(score)})"
    for strand in repo.strands:
        if strand.id == item_id:
            return str(strand_rag(strand))
        element = next((e for e in strand.work_elements if e.id == item_id), None)
        if element is not None:
            return f"{element.status} ({element_rag(element)})"
    return None
