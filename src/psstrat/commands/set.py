"""`psstrat set`: values that are not dated records, an item's marking (never "as at":
docs/security.md) and an owner's role, name and contact details."""

from __future__ import annotations

from typing import Any

from psstrat.edits import Plan, Planner, Repo, Target, at, locate, remove, set_key
from psstrat.errors import PsstratError, Refused
from psstrat.yamlio import YamlPath

MARKED = ("strand", "element", "milestone", "risk", "sia", "sia-issue", "owner", "action")
"""The kinds of item with an id that carry a marking (updates, decisions and papers are
marked by hand: they have no id to name them by)."""


def marking(repo: Repo, item: Target, new: str) -> Planner:
    """The item's own marking set to ``new``; the note says when its containers' marking
    still decides (the effective marking is the highest of the item's and its containers')."""
    repo.marking(new)
    rank = repo.settings.rank

    def plan(data: dict[str, Any]) -> Plan:
        path = locate(data, item.kind, item.id)
        found = at(data, path)
        old = found.get("marking")
        if old == new:
            raise Refused(f"{item.id} is already marked {new}; nothing to change")
        if rank(new) < rank(old):
            _publishes_nothing_withheld(data, path, item.id, new, rank)
        notes = []
        containers = [at(data, path[:i]).get("marking") for i in range(0, len(path), 2)]
        above = max(containers, key=rank, default=None)
        if above is not None and rank(above) > rank(new):
            notes.append(f"{item.id} stays {above} in every paper: what holds it is marked {above}")
        if rank(old) > rank(new):
            notes.append(
                f"{item.id} is now marked lower ({old or 'unmarked'} -> {new}): sessions up to "
                f"{new} will see it in their papers"
            )
        return Plan(
            [set_key(item.rel, (*path, "marking"), new)],
            [f"{item.id} marking: {old or '(none)'} -> {new}"],
            notes,
        )

    return plan


def _publishes_nothing_withheld(
    data: dict[str, Any], path: YamlPath, item_id: str, new: str, rank: Any
) -> None:
    """Refuses to lower a marking below a record that set the item's own value: a status or
    lead taken from a secret update is, on an official item, published in every open paper
    (`state-record` checks only the records marked no higher than the item)."""
    found = at(data, path)
    inside = [found, *(e for e in found.get("work_elements") or [] if isinstance(e, dict))]
    for holder in inside:
        for update in holder.get("updates") or []:
            if not isinstance(update, dict) or rank(update.get("marking")) <= rank(new):
                continue
            for key in ("status", "lead"):
                if key in update and holder.get(key) == update[key]:
                    raise Refused(
                        f"{item_id} cannot be marked {new}: {holder.get('id')}'s `{key}:` "
                        f"({update[key]}) comes from its update of {update.get('date')}, marked "
                        f"{update.get('marking')}; record its {key} as the {new} records say "
                        "first (psstrat record update), or keep the marking"
                    )


OWNER_FIELDS = ("role", "name", "email", "phone")


def owner(repo: Repo, owner_id: str, values: dict[str, str]) -> Planner:
    """An owner's role, name, email or phone set; an empty value removes an optional one."""
    if not values:
        raise PsstratError("give what to change: --role, --name, --email or --phone")
    if values.get("role") == "":
        raise PsstratError("an owner's role is required; give --role a value")
    item = Target("owner", owner_id)

    def plan(data: dict[str, Any]) -> Plan:
        path = locate(data, "owner", owner_id)
        found = at(data, path)
        changes, what = [], []
        for key in OWNER_FIELDS:
            if key not in values:
                continue
            old, new = found.get(key), values[key]
            if new == "":
                if old is None:
                    continue
                changes.append(remove((*path, key)))
                what.append(f"{owner_id} {key}: {old} -> (none)")
            elif old != new:
                changes.append(set_key(item.rel, (*path, key), new))
                what.append(f"{owner_id} {key}: {old or '(none)'} -> {new}")
        if not changes:
            raise Refused(f"{owner_id} already has those values; nothing to change")
        return Plan(changes, what)

    return plan
