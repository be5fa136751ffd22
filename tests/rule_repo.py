"""A small repository to try one rule on: what `psstrat init --start 2025-04-01` writes, then
changed by YAML fragments as the rule docstrings' examples and tests/rule_cases/ write them.

A fragment is merged into the file it names: mappings key by key, lists item by item (the
first item of the fragment's list changes the file's first item, and so on; more items are
added; an empty list empties it), anything else replaced. A fragment that is not YAML at
all replaces the lines of the top-level keys it names (that is how a syntax error gets in);
a file that is not there yet is written as the fragment says.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from psstrat.commands import init as skeleton
from psstrat.commands.validate import validate
from psstrat.diagnostics import Diagnostic
from psstrat.yamlio import YamlProblem, document_text, parse_yaml

START = dt.date(2025, 4, 1)
"""The examples' repository starts here; checked as of this date unless a case says."""


def base_files() -> dict[str, str]:
    files = skeleton.files(START, "Professional Standards Strategy", "The Committee", None)
    return {
        rel: text for rel, text in files.items() if rel.startswith("data/") or rel == "psstrat.yaml"
    }


def make(root: Path) -> Path:
    for rel, text in base_files().items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def merge(base: Any, change: Any) -> Any:
    if isinstance(base, dict) and isinstance(change, dict):
        out = dict(base)
        for key, value in change.items():
            out[key] = merge(base[key], value) if key in base else value
        return out
    if isinstance(base, list) and isinstance(change, list) and change:
        merged = [merge(b, c) for b, c in zip(base, change, strict=False)]
        return merged + base[len(change) :] + change[len(base) :]
    return change


def write_schemas(root: Path) -> None:
    """schemas/ as `psstrat init` writes it (for the skeleton's own settings)."""
    from psstrat.schemas import FOLDER, KINDS, dumps, file_name, json_schema
    from psstrat.settings import load_settings

    settings = load_settings(root)
    (root / FOLDER).mkdir(exist_ok=True)
    for kind in KINDS:
        text = dumps(json_schema(kind, settings))
        (root / FOLDER / file_name(kind)).write_text(text, encoding="utf-8")


def apply(root: Path, rel: str, fragment: str) -> None:
    """Change the file at ``rel`` as ``fragment`` says (see the module's doc)."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        change = parse_yaml(fragment.encode("utf-8")).data
    except YamlProblem:
        change = None
    if not path.exists():
        path.write_text(fragment, encoding="utf-8")
    elif change is None:
        keys = re.findall(r"^([A-Za-z_]\w*):", fragment, re.M)
        kept = [
            line
            for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
            if not any(line.startswith(f"{key}:") for key in keys)
        ]
        path.write_text("".join(kept) + fragment, encoding="utf-8")
    else:
        base = parse_yaml(path.read_bytes()).data
        path.write_text(document_text(merge(base, change)), encoding="utf-8")


def link(root: Path, rel: str, target: str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).symlink_to(target)


def problems(root: Path, as_of: dt.date = START) -> list[Diagnostic]:
    return validate(root, as_of).diagnostics


def place(root: Path, rel: str, at: str) -> tuple[int, int]:
    """Line and column of the value at a dotted YAML path (`work_elements.0.start`) in the
    file; `@key` at the end means the key itself, `@file` the file as a whole (0, 0), and
    `LINE:COLUMN` itself (for a file that does not parse)."""
    if at == "@file":
        return 0, 0
    if re.fullmatch(r"[0-9]+:[0-9]+", at):
        line, column = at.split(":")
        return int(line), int(column)
    key = at.endswith("@key")
    steps = at.removesuffix("@key").removesuffix(".").split(".") if at else []
    path = tuple(int(s) if s.isdigit() else s for s in steps if s)
    positions = parse_yaml((root / rel).read_bytes()).positions
    return positions.key(path) if key else positions.value(path)
