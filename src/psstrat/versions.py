"""Today's marking governs every version: the ranks a version gives its items, by key.

`changes` and `history` show old versions of items. A version of an item is shown to a session
only if its own marking there and the marking every later version gives the same item allow it
(psstrat.marking.restrict, ``governed``): re-marking an item above a session hides every version
of it from that session, and lowering a marking reveals no old version marked above it (an id
can be reused by a different item). An item is the same item in every version by its key.
"""

from __future__ import annotations

from typing import Any

from psstrat.kinds import STRATEGY, Kind, Part, kind_of
from psstrat.rawgate import has_marks, item_key, raw_marks
from psstrat.repository import Repository
from psstrat.settings import Settings

Key = tuple[str, ...]
"""An item as the same item in every version: its kind of id and id, or, for an item with
no id, its kind, its container's key and its content (a changed note is another note)."""
Marks = dict[Key, int]
"""The effective rank of every item of one version (or of several, combined by `later`), by
key."""


def marks(repo: Repository) -> Marks:
    """The effective rank of every item of this version, withheld or not, by key: what
    governs earlier versions of the same items (`restrict(..., governed=)`).

    Two items with one key in one version (a duplicate id): the lower rank counts, so an item
    a session may see is governed as seen, as if its withheld twin were not there (what a
    session may not see never decides what it is shown). In a file that does not validate, each
    item is ranked as its markings are written (psstrat.rawgate); an id declared in a file
    whose markings cannot be read, and the item a file that cannot be read at all is named
    after, have an unknown rank, above every session."""
    marker = _Marker(repo.settings)
    strategy = repo.files.get(STRATEGY.path)
    top = repo.settings.rank(getattr(strategy, "marking", None))
    for rel, item in repo.files.items():
        kind = kind_of(rel)
        if kind is not None:
            own = repo.settings.rank(getattr(item, "marking", None)) if kind.marked else 0
            marker.item(kind.parts, item, top_key(kind, rel, item), max(top, own))
    for rel, data in repo.unvalidated.items():
        kind = kind_of(rel)
        for key, rank in (
            raw_marks(kind, data, raw_top_key(kind, rel, data), top, repo.settings) if kind else ()
        ):
            marker.mark(key, rank)
    for declared in repo.declared:
        if declared.path not in repo.files:
            marker.found.setdefault((declared.kind, declared.id), marker.unknown)
    for rel in repo.not_loaded():
        kind = kind_of(rel)
        if kind is not None and kind.named_by_id and kind.declares and rel not in repo.unvalidated:
            # Not read at all: the item its file is named after has an unknown marking.
            marker.mark(
                (kind.declares, rel.rsplit("/", 1)[-1].removesuffix(".yaml")), marker.unknown
            )
    return marker.found


class _Marker:
    def __init__(self, settings: Settings) -> None:
        self.settings, self.unknown = settings, len(settings.markings)
        self.found: Marks = {}

    def mark(self, key: Key, rank: int) -> None:
        self.found[key] = min(self.found.get(key, self.unknown), rank)

    def item(self, parts: tuple[Part, ...], item: Any, key: Key, rank: int) -> None:
        self.mark(key, rank)
        for part in parts:
            if not has_marks(part):
                continue
            for child in getattr(item, part.field):
                own = self.settings.rank(child.marking) if part.marked else 0
                self.item(part.parts, child, part_key(part, child, key), max(rank, own))


def raw_top_key(kind: Kind, rel: str, data: dict[str, Any]) -> Key:
    if kind.folder is not None and kind.declares and isinstance(data.get("id"), str):
        return (kind.declares, data["id"])
    return (kind.key, rel)


def later(*versions: Marks) -> Marks:
    """The ranks of several later versions combined: each item at the highest any gives it."""
    combined: Marks = {}
    for version in versions:
        for key, rank in version.items():
            combined[key] = max(combined.get(key, rank), rank)
    return combined


def top_key(kind: Kind, rel: str, item: Any) -> Key:
    if kind.folder is not None and kind.declares:
        return (kind.declares, str(getattr(item, "id", rel)))
    return (kind.key, rel)


def part_key(part: Part, item: Any, container: Key) -> Key:
    key = item_key(part, item, container)
    assert key is not None  # a model is always an item
    return key
