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

from pydantic import BaseModel

from psstrat.kinds import Kind, Part
from psstrat.settings import Settings
from psstrat.yamlio import YamlPath

Key = tuple[str, ...]


def item_key(part: Part, item: Any, container: Key) -> Key | None:
    """An item as the same item in every version, whether it is a model or raw data: its
    kind of id and id; or, for an item with no id (a note, a meeting), its kind, its
    container's key and what it says (a changed note is another note). None for raw data that
    is not an item at all."""
    if isinstance(item, BaseModel):
        if part.declares:
            return (part.declares, str(getattr(item, "id", "")))
        said = item.model_dump(exclude={"marking"}, exclude_unset=True)
    elif isinstance(item, dict):
        if part.declares:
            return (part.declares, item["id"]) if isinstance(item.get("id"), str) else None
        said = {k: v for k, v in item.items() if k != "marking" and not str(k).startswith("x-")}
    else:
        return None
    return (part.name, *container, repr(sorted((str(k), _said(v)) for k, v in said.items())))


def _said(value: Any) -> Any:
    """A value as text, the same read from a model or from the file (a date, a number)."""
    if isinstance(value, list | tuple):
        return tuple(_said(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _said(v)) for k, v in value.items()))
    return str(value)


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
    """For each list that lost items (by its path in the file), the index each kept item had
    there."""

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
    top_key: Key,
) -> Pruned | None:
    """The file's data with every withheld item removed, or None when the file's own item is
    withheld. ``governed`` gives the rank later versions give an item by its key (0 if none);
    ``top_key`` is the key of the file's own item."""
    rank = container
    if kind.marked:
        rank = max(rank, raw_rank(settings, data.get("marking")))
    rank = max(rank, governed(top_key))
    if rank > maximum:
        return None
    pruned = Pruned(copy.deepcopy(data))
    session = _Session(settings, maximum, governed)
    _prune_parts(pruned, kind.parts, pruned.data, (), (top_key, rank), session)
    return pruned


@dataclass(frozen=True)
class _Session:
    settings: Settings
    maximum: int
    governed: Callable[[Key], int]


# Named exception (PLR0913): the recursion carries the file's path and the container.
def _prune_parts(  # noqa: PLR0913
    pruned: Pruned,
    parts: tuple[Part, ...],
    node: dict[str, Any],
    was: YamlPath,
    container: tuple[Key, int],
    session: _Session,
) -> None:
    """Remove from ``node`` (at ``was`` in the file, inside the item with ``container``'s key
    and rank) every withheld item of these parts, and from what is kept, theirs."""
    for part in parts:
        items = node.get(part.field)
        if not has_marks(part) or not isinstance(items, list):
            continue
        kept: list[Any] = []
        where: list[int] = []
        for i, child in enumerate(items):
            key, rank = _rank(part, child, container, session)
            if rank > session.maximum:
                pruned.dropped.append((*was, part.field, i))
                continue
            if isinstance(child, dict) and key is not None:
                _prune_parts(pruned, part.parts, child, (*was, part.field, i), (key, rank), session)
            kept.append(child)
            where.append(i)
        if len(kept) != len(items):
            node[part.field] = kept
            pruned.indices[(*was, part.field)] = where


def _rank(
    part: Part, child: Any, container: tuple[Key, int], session: _Session
) -> tuple[Key | None, int]:
    key = item_key(part, child, container[0])
    if not isinstance(child, dict):
        return key, container[1]  # not an item at all: kept, and validation says what is wrong
    rank = container[1]
    if part.marked:
        rank = max(rank, raw_rank(session.settings, child.get("marking")))
    if key is not None:
        rank = max(rank, session.governed(key))
    return key, rank


def raw_marks(
    kind: Kind, data: dict[str, Any], top: Key, container: int, settings: Settings
) -> list[tuple[Key, int]]:
    """The rank of each item in a file that does not validate, as its markings are written
    (an unknown one above every session): what it governs earlier versions with."""
    found: list[tuple[Key, int]] = []
    rank = max(container, raw_rank(settings, data.get("marking")) if kind.marked else 0)
    found.append((top, rank))

    def visit(parts: tuple[Part, ...], node: dict[str, Any], key: Key, container: int) -> None:
        for part in parts:
            items = node.get(part.field)
            if not has_marks(part) or not isinstance(items, list):
                continue
            for child in items:
                child_key = item_key(part, child, key)
                if child_key is None or not isinstance(child, dict):
                    continue
                rank = container
                if part.marked:
                    rank = max(rank, raw_rank(settings, child.get("marking")))
                found.append((child_key, rank))
                visit(part.parts, child, child_key, rank)

    visit(kind.parts, data, top, rank)
    return found
