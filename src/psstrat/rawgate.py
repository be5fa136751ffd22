"""The marking gate on a file that does not validate: what a session may see of it.

A file that does not validate is left out of the repository. If the problem is inside an item
the session may not see anyway (a misspelt status in a closed-session work element), leaving
the whole file out of the session's view would let withheld content decide what the session is
shown. So the gate removes, from the file's raw data, every item whose marking is above the
session or cannot be read (fail closed: an unknown marking, or one that is not text, withholds
the item and everything in it), and validates what is left: if that validates, the session sees
it; if not, the problem is in what the session may see, and the whole file stays out.

Only the items the registry (psstrat.kinds) says carry a marking are looked at, and nothing is
built from the raw data but what validates.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from psstrat.kinds import Kind, Part
from psstrat.settings import Settings
from psstrat.yamlio import YamlPath

Key = tuple[str, ...]


def raw_rank(settings: Settings, value: Any) -> int:
    """The rank of a marking as written: absent is the lowest; one not in the settings' list
    (or not text at all) is above every session."""
    if value is None:
        return 0
    if isinstance(value, str) and value in settings.markings:
        return settings.rank(value)
    return len(settings.markings)


def has_marks(part: Part) -> bool:
    """Whether the part's items, or anything inside them, carry a marking of their own."""
    return part.many and (part.marked or any(has_marks(p) for p in part.parts))


@dataclass
class Pruned:
    """A file's raw data without what the session may not see."""

    data: dict[str, Any]
    dropped: list[YamlPath] = field(default_factory=list)
    """Where each removed item was, in the file."""
    indices: dict[YamlPath, list[int]] = field(default_factory=dict)
    """For each list that lost items (by its path in ``data``), the index each kept item had."""

    def original(self, path: YamlPath) -> YamlPath:
        """A path in ``data`` as the file has it."""
        out: list[str | int] = []
        for step in path:
            kept = self.indices.get(tuple(out)) if isinstance(step, int) else None
            if isinstance(step, int) and kept is not None and step < len(kept):
                out.append(kept[step])
            else:
                out.append(step)
        return tuple(out)


# Named exception (PLR0913): the item, its kind, the session and what governs it.
def prune(  # noqa: PLR0913
    kind: Kind,
    data: dict[str, Any],
    settings: Settings,
    maximum: int,
    container: int,
    governed: Callable[[Key], int],
) -> Pruned | None:
    """The file's data with every withheld item removed, or None when the file's own item is
    withheld. ``governed`` gives the rank later versions give an item by its id (0 if none)."""
    rank = container
    if kind.marked:
        rank = max(rank, raw_rank(settings, data.get("marking")))
    if kind.declares and isinstance(data.get("id"), str):
        rank = max(rank, governed((kind.declares, data["id"])))
    if rank > maximum:
        return None
    pruned = Pruned(copy.deepcopy(data))
    _prune_parts(
        pruned, kind.parts, pruned.data, (), (), rank, _Session(settings, maximum, governed)
    )
    return pruned


@dataclass(frozen=True)
class _Session:
    settings: Settings
    maximum: int
    governed: Callable[[Key], int]


# Named exception (PLR0913): the recursion carries both paths and the container's rank.
def _prune_parts(  # noqa: PLR0913
    pruned: Pruned,
    parts: tuple[Part, ...],
    node: dict[str, Any],
    at: YamlPath,
    was: YamlPath,
    container: int,
    session: _Session,
) -> None:
    for part in parts:
        items = node.get(part.field)
        if not has_marks(part) or not isinstance(items, list):
            continue
        kept: list[Any] = []
        where: list[int] = []
        for i, child in enumerate(items):
            rank = _rank(part, child, container, session)
            if rank > session.maximum:
                pruned.dropped.append((*was, part.field, i))
                continue
            if isinstance(child, dict):
                here = (*at, part.field, len(kept))
                _prune_parts(pruned, part.parts, child, here, (*was, part.field, i), rank, session)
            kept.append(child)
            where.append(i)
        if len(kept) != len(items):
            node[part.field] = kept
            pruned.indices[(*at, part.field)] = where


def _rank(part: Part, child: Any, container: int, session: _Session) -> int:
    if not isinstance(child, dict):
        return container  # not an item at all: kept, and validation says what is wrong
    rank = container
    if part.marked:
        rank = max(rank, raw_rank(session.settings, child.get("marking")))
    if part.declares and isinstance(child.get("id"), str):
        rank = max(rank, session.governed((part.declares, child["id"])))
    return rank


def raw_marks(
    kind: Kind, data: dict[str, Any], top: Key, container: int, settings: Settings
) -> list[tuple[Key, int]]:
    """The rank of each item with an id in a file that does not validate, as its markings
    are written (an unknown one above every session): what it governs earlier versions with."""
    found: list[tuple[Key, int]] = []
    rank = max(container, raw_rank(settings, data.get("marking")) if kind.marked else 0)
    found.append((top, rank))

    def visit(parts: tuple[Part, ...], node: dict[str, Any], container: int) -> None:
        for part in parts:
            items = node.get(part.field)
            if not part.many or not isinstance(items, list):
                continue
            for child in items:
                if not isinstance(child, dict):
                    continue
                rank = container
                if part.marked:
                    rank = max(rank, raw_rank(settings, child.get("marking")))
                if part.declares and isinstance(child.get("id"), str):
                    found.append(((part.declares, child["id"]), rank))
                visit(part.parts, child, rank)

    visit(kind.parts, data, rank)
    return found
