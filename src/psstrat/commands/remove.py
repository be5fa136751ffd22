"""`psstrat remove owner`: an owner removed from data/owners.yaml, refused while anything
still names it (a lead, an owner, an author or presenter, psstrat.yaml's report author)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psstrat.edits import Plan, Planner, Repo, at, locate, remove
from psstrat.errors import Refused
from psstrat.kinds import DATA
from psstrat.yamlio import YamlPath, YamlProblem


@dataclass(frozen=True)
class Reference:
    rel: str
    what: str


SHOWN = 5
"""How many of the places naming an owner a refusal lists (the search stops after one more:
on a register of 10,000 risks an owner may be named in hundreds of files)."""

OWNER_KEYS = frozenset({"lead", "owner", "author", "authors", "presenter"})
"""The keys whose values name owners, wherever they are in a file."""


def references(root: Path, owner_id: str) -> list[Reference]:
    """Everything in the repository that names ``owner_id``: each file that holds the id's
    text at all is parsed (the rest are not, so this is quick on a large register), and
    every `lead`, `owner`, `author(s)` and `presenter` in it is looked at. psstrat.yaml's
    `report.author` counts too. At most SHOWN + 1 are found."""
    from psstrat.safefiles import scan
    from psstrat.settings import SETTINGS_FILE
    from psstrat.yamlio import parse_yaml, read_bytes

    found: list[Reference] = []
    files, _ = scan(root, DATA)
    paths = sorted(files.items())
    settings = root / SETTINGS_FILE
    if settings.is_file():
        paths.insert(0, (SETTINGS_FILE, settings))
    needle = re.compile(rb"(?<![a-z0-9-])" + re.escape(owner_id.encode()) + rb"(?![a-z0-9-])")
    for rel, path in paths:
        if len(found) > SHOWN:
            break  # enough to refuse, and to say where to start
        if rel == f"{DATA}/owners.yaml" or not rel.endswith(".yaml"):
            continue
        try:
            raw = read_bytes(path)
        except (OSError, YamlProblem):  # unreadable: validate reports it
            continue
        if needle.search(raw) is None and b"\\" not in raw:
            continue  # (a quoted value may spell the id with escapes: such files are read)
        try:
            doc = parse_yaml(raw, empty_ok=True)
        except YamlProblem:  # a file that does not parse: say so, it may name the owner
            found.append(Reference(rel, "a file that does not parse (psstrat validate)"))
            continue
        for path_in, key in _naming(doc.data, owner_id, ()):
            line, _ = doc.positions.key((*path_in, key))
            found.append(Reference(f"{rel}:{line}", _where(doc.data, path_in, key)))
    return found


def _naming(node: Any, owner_id: str, path: YamlPath) -> Iterator[tuple[YamlPath, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in OWNER_KEYS and (
                value == owner_id or (isinstance(value, list) and owner_id in value)
            ):
                yield path, key
            else:
                yield from _naming(value, owner_id, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _naming(value, owner_id, (*path, index))


def _where(data: Any, path: YamlPath, key: str) -> str:
    """The key in words, from the nearest item with an id above it: `S1.1 lead`,
    `R0001 control 1 owner`."""
    for cut in range(len(path), -1, -1):
        node = at(data, path[:cut])
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            return " ".join([node["id"], *_words(path[cut:]), key])
    return " ".join([*_words(path), key])


def _words(path: YamlPath) -> list[str]:
    """`controls, 0` as `control 1`, `updates, 2` as `update 3`."""
    words: list[str] = []
    for step in path:
        if isinstance(step, int) and words:
            words[-1] = f"{words[-1].removesuffix('s').replace('_', ' ')} {step + 1}"
        else:
            words.append(str(step))
    return words


def remove_owner(repo: Repo, owner_id: str) -> Planner:
    """The owner removed from data/owners.yaml: refused while anything names it."""
    names = references(repo.root, owner_id)
    if names:
        listed = "; ".join(f"{r.rel}: {r.what}" for r in names[:SHOWN])
        more = " and more" if len(names) > SHOWN else ""
        raise Refused(
            f"{owner_id} is still named by {listed}{more}; give those another owner first "
            "(psstrat record update ... --lead, or edit them), then remove it"
        )

    def plan(data: dict[str, Any]) -> Plan:
        path = locate(data, "owner", owner_id)
        return Plan([remove(path)], [f"owners: - {owner_id} ({at(data, path).get('role')})"])

    return plan
