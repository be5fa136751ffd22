"""What `psstrat record`, `set` and `remove` share: an edit is a small, exact change to one
file, checked before it is written.

An edit reads only what it needs (psstrat.yaml, the strategy, the owners and the one file it
changes), never the whole repository, so it takes the same time in a repository of ten risks
or ten thousand. It plans Changes to the file's values (yamlio.editing makes them as text,
keeping every other line, comment and line ending), then checks the result as `validate`
would: the file must still validate as its kind, and the change must add no error that the
file did not have before (the rules are run on the strategy, the owners and the file, before
and after). Under the repository's lock (`psstrat new`'s), the file is read, changed and
replaced only if it is still what the change was made from.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from psstrat.diagnostics import Diagnostic
from psstrat.errors import PsstratError, Refused
from psstrat.kinds import DATA, SPACED
from psstrat.model.common import ID_PATTERNS, held_model
from psstrat.repository import file_kind, model_of
from psstrat.settings import Settings, load_settings
from psstrat.yamlio import (
    CannotEdit,
    Change,
    YamlPath,
    YamlProblem,
    edit_bytes,
    parse_yaml,
    read_bytes,
)


@dataclass(frozen=True)
class Plan:
    """What an edit changes: the changes to the file's values, one line in words for each
    (``what``), and notes for the user."""

    changes: list[Change]
    what: list[str]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Edit:
    """An edit made (or, dry, shown): the file, its bytes before and after, a line per change
    (`data/risks/R0001.yaml:16: R0001 residual: 4x5 -> 3x4`), and notes."""

    rel: str
    before: bytes
    after: bytes
    lines: list[str]
    notes: list[str]
    written: bool

    def diff(self) -> list[str]:
        """The change as a unified diff, as `git diff` would show it, line by line."""
        old = self.before.decode("utf-8", "replace").splitlines()
        new = self.after.decode("utf-8", "replace").splitlines()
        return list(difflib.unified_diff(old, new, f"a/{self.rel}", f"b/{self.rel}", lineterm=""))


class Repo:
    """What edits read besides the file they change, each read once, when first asked for."""

    def __init__(self, root: Path, today: dt.date) -> None:
        self.root = root
        self.today = today
        self.settings: Settings = load_settings(root)
        self._owners: dict[str, dict[str, Any]] | None = None
        self._strategy: dict[str, Any] | None = None

    def raw(self, rel: str, required: bool = True) -> bytes:
        """A file's bytes, read safely (a regular file, at most 1 MiB, never through a
        symbolic link: an edit writes the file it read, and never a file elsewhere)."""
        path = self.root / rel
        parts = rel.split("/")
        for depth in range(1, len(parts) + 1):
            if (self.root.joinpath(*parts[:depth])).is_symlink():
                link = "/".join(parts[:depth])
                raise PsstratError(
                    f"{link} is a symbolic link; psstrat edits only files inside the repository "
                    "reached without one: replace the link with what it points to"
                )
        try:
            return read_bytes(path)
        except FileNotFoundError:
            if not required:
                return b""
            raise PsstratError(f"there is no {rel}; {_missing_remedy(rel)}") from None
        except YamlProblem as exc:
            raise PsstratError(f"{rel}: {exc.message}; {exc.help or 'fix it first'}") from None
        except OSError as exc:
            raise PsstratError(f"cannot read {rel}: {exc.strerror}") from None

    @property
    def owners(self) -> dict[str, dict[str, Any]]:
        """The owners by id, from data/owners.yaml (what is not an owner is left out)."""
        if self._owners is None:
            data = _parsed(self, f"{DATA}/owners.yaml")
            listed = data.get("owners")
            self._owners = {
                o["id"]: o
                for o in (listed if isinstance(listed, list) else [])
                if isinstance(o, dict) and isinstance(o.get("id"), str)
            }
        return self._owners

    @property
    def strategy(self) -> dict[str, Any]:
        if self._strategy is None:
            self._strategy = _parsed(self, f"{DATA}/strategy.yaml", required=False)
        return self._strategy

    def past(self, day: dt.date, option: str = "--on") -> dt.date:
        """``day``, if it is not after today: what is recorded has happened."""
        if day > self.today:
            raise Refused(
                f"{option} {day} is after today ({self.today}); record what has happened, on "
                "the day it happened"
            )
        return day

    def owner(self, owner_id: str) -> str:
        """``owner_id``, if data/owners.yaml has it; else a refusal listing the ids."""
        if owner_id not in self.owners:
            raise PsstratError(unknown("owner", owner_id, list(self.owners)))
        return owner_id

    def label(self, owner_id: str | None) -> str:
        if owner_id is None:
            return "vacant"
        role = self.owners.get(owner_id, {}).get("role")
        return role if isinstance(role, str) else owner_id

    def marking(self, marking: str) -> str:
        if marking not in self.settings.markings:
            raise PsstratError(
                f"`{marking}` is not a marking; psstrat.yaml lists: "
                f"{', '.join(self.settings.markings)}"
            )
        return marking


def _parsed(repo: Repo, rel: str, required: bool = True) -> dict[str, Any]:
    raw = repo.raw(rel, required)
    if not raw:
        return {}
    try:
        return parse_yaml(raw, positions=False).data
    except YamlProblem as exc:
        raise PsstratError(
            f"{rel}:{exc.line}:{exc.column}: {exc.message}; fix it first (psstrat validate)"
        ) from None


def _missing_remedy(rel: str) -> str:
    if rel.startswith(f"{DATA}/strands/"):
        return "give the id of a strand that exists (psstrat status lists them)"
    if rel.startswith(f"{DATA}/risks/"):
        return "give the id of a risk that exists (ls data/risks)"
    return "create it first (psstrat new)"


def unknown(what: str, value: str, known: Any) -> str:
    from psstrat.messages import suggest

    listed = ", ".join(sorted(known)) or "none"
    return f"no {what} `{value}`{suggest(value, list(known))}; known: {listed}"


# --- making an edit -----------------------------------------------------------------------


Planner = Callable[[dict[str, Any]], Plan]
"""Plans an edit from the file's values, as read under the lock."""


def edit(repo: Repo, rel: str, planner: Planner, write: bool = True) -> Edit:
    """Plan, make, check and (with ``write``) write one edit to ``rel``, under the lock."""
    from psstrat.safefiles import locked, write_atomically

    notes: list[str] = []
    with locked(repo.root) as exclusive:
        if not exclusive:
            notes.append(
                "the repository could not be locked here (no file locking); run one edit at a time"
            )
        raw = repo.raw(rel)
        data = _parsed_bytes(rel, raw)
        plan = planner(data)
        if not plan.changes:  # nothing to change: nothing to make or check
            return Edit(rel, raw, raw, [], notes + plan.notes, write)
        try:
            after, numbers = edit_bytes(raw, plan.changes)
        except CannotEdit as exc:
            raise Refused(f"{rel}: {_named(str(exc), data)}") from None
        check(repo, rel, raw, after)
        lines = [f"{rel}:{n}: {what}" for n, what in zip(numbers, plan.what, strict=True)]
        if write and after != raw:
            if repo.raw(rel) != raw:  # pragma: no cover - only without the lock
                raise PsstratError(f"{rel} changed while psstrat worked on it; try again")
            write_atomically(repo.root / rel, after)
    return Edit(rel, raw, after, lines, notes + plan.notes, write)


def _named(message: str, data: dict[str, Any]) -> str:
    """A message's `work_elements.1.milestones.0.completed` as the user knows it:
    `work_elements[S1.2].milestones[S1.2.M1].completed` (an item without an id by its
    number, 1 the first), as `psstrat validate` names places."""
    import re

    def named(match: re.Match[str]) -> str:
        words, out = match[1].split("."), ""
        node: Any = data
        for word in words:
            if word.isdigit() and isinstance(node, list) and int(word) < len(node):
                node = node[int(word)]
                name = node.get("id") if isinstance(node, dict) else None
                out += f"[{name if isinstance(name, str) else int(word) + 1}]"
            else:
                node = node.get(word) if isinstance(node, dict) else None
                out += f".{word}" if out else word
        return f"`{out}`"

    return re.sub(r"`([a-z_]+(?:\.[a-z0-9_]+)+)`", named, message)


def _parsed_bytes(rel: str, raw: bytes) -> dict[str, Any]:
    try:
        return parse_yaml(raw, positions=False).data
    except YamlProblem as exc:
        raise PsstratError(
            f"{rel}:{exc.line}:{exc.column}: {exc.message}; fix it before editing it "
            "(psstrat validate)"
        ) from None


def check(repo: Repo, rel: str, before: bytes, after: bytes) -> None:
    """The edited file must validate as its kind, and hold no error the rules did not find in
    it before (run on the strategy, the owners and this file: an edit cannot break a rule that
    other files decide, and does not add to them)."""
    kind = file_kind(rel)
    assert kind is not None, rel
    model: type[BaseModel] = model_of(kind)
    for raw in (before, after):
        try:
            data = parse_yaml(raw, positions=False).data
            model.model_validate(data, context=repo.settings.validation_context)
        except ValidationError as exc:
            from psstrat.messages import schema_problems
            from psstrat.yamlio import Positions

            said = next(schema_problems(exc, model, data, Positions())).message
            if raw is before:  # the file needs mending before anything is added to it
                raise PsstratError(
                    f"{rel} does not validate now ({said}); fix it first (psstrat validate)"
                ) from None
            raise Refused(f"not changed: {rel} would not validate ({said})") from None
    old = {_said(d) for d in _errors(repo, rel, before)}
    new = [d for d in _errors(repo, rel, after) if _said(d) not in old]
    if new:
        first = new[0]
        more = f" (and {len(new) - 1} more)" if len(new) > 1 else ""
        raise Refused(
            f"not changed: {rel} would then have an error{more}: {first.code}: {first.message}; "
            f"{first.help}",
        )


def _said(problem: Diagnostic) -> tuple[str, str]:
    """A problem as the same problem before and after an edit: its code and message, with
    the places it names left out (an edit moves the lines below it)."""
    import re

    return problem.code, re.sub(r"\.yaml:\d+(?::\d+)?", ".yaml", problem.message)


def _errors(repo: Repo, rel: str, raw: bytes) -> list[Diagnostic]:
    from psstrat.diagnostics import Severity
    from psstrat.repository import load_repository
    from psstrat.rules import run_rules

    sources: dict[str, bytes | YamlProblem] = {rel: raw}
    others = [f"{DATA}/strategy.yaml", f"{DATA}/owners.yaml"]
    if rel == f"{DATA}/meetings.yaml":  # its actions and decisions name strands
        folder = repo.root / DATA / "strands"
        strands = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        others += [f"{DATA}/strands/{p.name}" for p in strands if not p.is_symlink()]
    for other in others:
        if other != rel:
            sources[other] = repo.raw(other, required=False) or YamlProblem("missing")
    partial = load_repository(repo.root, repo.settings, sources, positions=False)
    return [d for d in run_rules(partial, repo.today, only=Severity.ERROR) if d.path == rel]


# --- changes, laid out as the model orders the keys -----------------------------------------


def model_at(rel: str, path: YamlPath) -> type[BaseModel]:
    """The model of the mapping at ``path`` in a file of ``rel``'s kind."""
    kind = file_kind(rel)
    assert kind is not None, rel
    model = model_of(kind)
    for step in path:
        if isinstance(step, str):
            child = held_model(model, step)
            assert child is not None, (model, step)
            model = child
    return model


def set_key(rel: str, path: YamlPath, value: Any) -> Change:
    """Set the key at ``path``: a new key goes after those the model lists before it."""
    *head, key = path
    order = list(model_at(rel, tuple(head)).model_fields)
    before = tuple(order[: order.index(str(key))]) if key in order else tuple(order)
    return Change("set", path, value, before=before)


def append(rel: str, path: YamlPath, item: dict[str, Any], flow: bool = False) -> Change:
    """Add ``item`` at the end of the list at ``path`` (made, in the model's place, if new;
    ``flow``: a new item on one line, as the format writes a risk's history)."""
    *head, key = path
    order = list(model_at(rel, tuple(head)).model_fields)
    after = tuple(order[order.index(str(key)) + 1 :])
    return Change("append", path, item, after=after, spaced=key in SPACED, flow=flow)


def remove(path: YamlPath) -> Change:
    return Change("remove", path)


# --- finding an item ------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """The item an edit is about: its kind, id, file and (under the lock) its path there."""

    kind: str
    id: str

    @property
    def rel(self) -> str:
        return file_of(self.kind, self.id)


MAX_ID = 64
"""No id is longer (an id is part of a file's path: a longer one is no id, and the file system
would refuse its name)."""


def target(item_id: str, *kinds: str) -> Target:
    """The item ``item_id`` names, which must be one of ``kinds`` (else a refusal saying what
    is expected)."""
    from psstrat.model.common import ID_PATTERNS

    kind = kind_of_id(item_id) if len(item_id) <= MAX_ID else None
    if kind not in kinds:
        names = {"element": "work element", "sia": "SIA", "sia-issue": "SIA issue"}
        examples = " or ".join(f"{_a(names.get(k, k))} id like {ID_PATTERNS[k][1]}" for k in kinds)
        shown = item_id if len(item_id) <= MAX_ID else item_id[:MAX_ID] + "..."
        raise PsstratError(f"`{shown}` is not {examples}")
    return Target(kind, item_id)


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def kind_of_id(item_id: str) -> str | None:
    """The kind of item an id names, by its pattern (S1.1.M1 a milestone, A3 an action)."""
    import re

    for kind in ("milestone", "element", "strand", "risk", "sia-issue", "sia", "action", "owner"):
        if re.fullmatch(ID_PATTERNS[kind][0], item_id):
            return kind
    return None


def file_of(kind: str, item_id: str) -> str:
    """The file that holds an item of this kind."""
    if kind in ("strand", "element", "milestone"):
        return f"{DATA}/strands/{item_id.split('.')[0]}.yaml"
    if kind == "risk":
        return f"{DATA}/risks/{item_id}.yaml"
    if kind in ("sia", "sia-issue"):
        return f"{DATA}/sia/{item_id.split('.')[0]}.yaml"
    if kind == "action":
        return f"{DATA}/meetings.yaml"
    return f"{DATA}/owners.yaml"


def locate(data: dict[str, Any], kind: str, item_id: str) -> YamlPath:
    """The path of the item in its file's values; a refusal naming the ids there are."""
    if kind in ("strand", "risk", "sia"):
        if data.get("id") != item_id:
            raise PsstratError(f"the file for {item_id} holds `{data.get('id')}`; fix its id first")
        return ()
    if kind == "element":
        return _in_list(data, ("work_elements",), item_id, "work element")
    if kind == "milestone":
        element = _in_list(data, ("work_elements",), item_id.rsplit(".", 1)[0], "work element")
        return _in_list(data, (*element, "milestones"), item_id, "milestone")
    if kind == "sia-issue":
        return _in_list(data, ("issues",), item_id, "SIA issue")
    if kind == "owner":
        return _in_list(data, ("owners",), item_id, "owner")
    if kind == "action":
        return _action(data, item_id)
    raise PsstratError(f"`{item_id}` names nothing psstrat can change")


def _action(data: dict[str, Any], item_id: str) -> YamlPath:
    meetings = data.get("meetings")
    for m, meeting in enumerate(meetings if isinstance(meetings, list) else []):
        actions = meeting.get("actions") if isinstance(meeting, dict) else None
        for a, action in enumerate(actions if isinstance(actions, list) else []):
            if isinstance(action, dict) and action.get("id") == item_id:
                return ("meetings", m, "actions", a)
    raise PsstratError(f"no action {item_id} in {DATA}/meetings.yaml; psstrat new action adds one")


def _in_list(data: dict[str, Any], path: YamlPath, item_id: str, what: str) -> YamlPath:
    items = at(data, path)
    ids, found = [], []
    for index, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict):
            if item.get("id") == item_id:
                found.append((*path, index))
            if isinstance(item.get("id"), str):
                ids.append(item["id"])
    if len(found) > 1:
        raise PsstratError(
            f"the file holds {len(found)} {what}s with the id {item_id}; give one another id "
            "first (psstrat validate: duplicate-id)"
        )
    if found:
        return found[0]
    raise PsstratError(unknown(what, item_id, ids))


def at(data: Any, path: YamlPath) -> Any:
    """The value at ``path`` (None where the path leads nowhere)."""
    for step in path:
        if isinstance(data, dict):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
            data = data[step]
        else:
            return None
    return data


def dated(value: Any) -> dt.date | None:
    """A date field's value as a date (None when absent or not a date)."""
    from psstrat.isodate import parse_iso

    if isinstance(value, dt.date):
        return value
    try:
        return parse_iso(value) if isinstance(value, str) else None
    except ValueError:
        return None
