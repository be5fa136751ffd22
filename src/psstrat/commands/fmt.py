"""`psstrat fmt`: every file in one canonical layout, so review diffs show only real changes.

The layout comes from the models: keys in the order the model (and the format reference)
lists them, dates as plain ISO dates, and a blank line between the items of the lists the
kinds registry marks spaced (work elements, milestones). yamlio.layout does the round trip,
keeping every comment. Two guards make it safe to run on anything: a file that does not parse
is reported and never rewritten, and a result whose values differ from the file's in any way
(our own loader compares them) is not used; the file is reported instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from psstrat.diagnostics import Finding, Location
from psstrat.errors import PsstratError
from psstrat.kinds import SPACED
from psstrat.model.common import held_model, holds_dates
from psstrat.repository import DATA, file_kind, model_of
from psstrat.safefiles import scan
from psstrat.settings import SETTINGS_FILE, Settings, settings_file
from psstrat.yamlio import (
    Shape,
    YamlProblem,
    already_canonical,
    canonical_yaml,
    parse_yaml,
    read_bytes,
)


@dataclass(frozen=True)
class Result:
    rel: str
    before: str
    after: str | None
    """The canonical text; None when the file was not formatted (see problem)."""
    problem: Finding | None = None

    @property
    def changed(self) -> bool:
        return self.after is not None and self.after != self.before


_SHAPES: dict[type[BaseModel], Shape] = {}


def shape_of(model: type[BaseModel]) -> Shape:
    """The layout of a model's mapping, from its fields. A model that holds itself (a
    bullet's bullets) gets a shape that holds itself."""
    found = _SHAPES.get(model)
    if found is not None:
        return found
    children: dict[str, Shape] = {}
    shape = Shape(
        order=tuple(model.model_fields),
        dates=frozenset(name for name in model.model_fields if holds_dates(model, name)),
        children=children,
        spaced=SPACED & set(model.model_fields),
    )
    _SHAPES[model] = shape  # before its children, which may be itself
    for name in model.model_fields:
        child = held_model(model, name)
        if child is not None:
            children[name] = shape_of(child)
    return shape


def format_bytes(rel: str, raw: bytes, model: type[BaseModel]) -> Result:
    """One file's canonical text, or why it is left as it is."""
    before = raw.decode("utf-8", errors="replace")
    try:
        original = parse_yaml(raw, empty_ok=rel == SETTINGS_FILE)
    except YamlProblem as exc:
        return Result(rel, before, None, _problem(rel, exc.line, exc.column, exc.message))
    if not original.data:
        return Result(rel, before, before)  # an empty settings file: nothing to lay out
    shape = shape_of(model)
    if already_canonical(raw, shape):  # decided from libyaml's events: no round trip
        return Result(rel, before, before)
    after = canonical_yaml(raw, shape)
    try:
        same = parse_yaml(after.encode("utf-8")).data == original.data
    except YamlProblem:
        same = False
    if not same:  # pragma: no cover - a guard against a bug in the round trip
        return Result(
            rel, before, None, _problem(rel, 1, 1, "formatting would change a value here")
        )
    return Result(rel, before, after)


def _problem(rel: str, line: int, column: int, message: str) -> Finding:
    return Finding(
        Location(rel, line, column),
        f"not formatted: {message}",
        "fix it (psstrat validate says how); fmt never rewrites a file it cannot read",
    )


def format_repository(root: Path, paths: list[Path], write: bool = False) -> list[Result]:
    """Every file psstrat reads under the given paths (default: the whole repository), in the
    one layout; with ``write``, each file that changes is rewritten (atomically)."""
    results = _formatted(root, paths)
    if write:
        from psstrat.safefiles import write_atomically

        for result in results:
            if result.changed:
                assert result.after is not None
                write_atomically(root / result.rel, result.after)
    return results


def _formatted(root: Path, paths: list[Path]) -> list[Result]:
    if not (root / DATA).is_dir() and settings_file(root) is None:
        raise PsstratError(
            f"{root} holds no strategy (neither {SETTINGS_FILE} nor {DATA}/); give --root the "
            "strategy repository"
        )
    files, unsafe = scan(root, DATA)
    chosen = _select(root, sorted(files), paths)
    results = [
        Result(f.location.path, "", None, f)
        for f in unsafe
        if _wanted(f.location.path, root, paths)
    ]
    settings_path = settings_file(root)  # None when absent; an unsafe one is refused
    if settings_path is not None and _wanted(SETTINGS_FILE, root, paths):
        results.append(_format_path(SETTINGS_FILE, settings_path, Settings))
    for rel in chosen:
        kind = file_kind(rel)
        if kind is not None:
            results.append(_format_path(rel, files[rel], model_of(kind)))
    return results


def _format_path(rel: str, path: Path, model: type[BaseModel]) -> Result:
    try:
        raw = read_bytes(path)
    except YamlProblem as exc:
        return Result(rel, "", None, _problem(rel, exc.line, exc.column, exc.message))
    except OSError as exc:
        return Result(rel, "", None, _problem(rel, 1, 1, f"cannot read file: {exc.strerror}"))
    return format_bytes(rel, raw, model)


def _select(root: Path, rels: list[str], paths: list[Path]) -> list[str]:
    if not paths:
        return rels
    chosen = [rel for rel in rels if _wanted(rel, root, paths)]
    for path in paths:
        rel = _relative(root, path)
        if rel == SETTINGS_FILE:
            continue
        inside = [r for r in rels if r == rel or r.startswith(f"{rel}/") or rel == "."]
        if not inside:
            raise PsstratError(
                f"{path} is not a file psstrat reads (psstrat.yaml or a data file of the "
                "format); give files or folders of the strategy repository"
            )
        if path.is_file() and file_kind(rel) is None:
            raise PsstratError(f"{path} is not part of the format (`psstrat explain layout`)")
    return chosen


def _wanted(rel: str, root: Path, paths: list[Path]) -> bool:
    if not paths:
        return True
    for path in paths:
        target = _relative(root, path)
        if target in (".", rel) or rel.startswith(f"{target}/"):
            return True
    return False


def _relative(root: Path, path: Path) -> str:
    absolute = Path.cwd() / path if not path.is_absolute() else path
    try:
        rel = absolute.resolve(strict=False).relative_to(root.resolve())
    except ValueError:
        raise PsstratError(
            f"{path} is outside the strategy repository at {root}; give paths inside it"
        ) from None
    return rel.as_posix()
