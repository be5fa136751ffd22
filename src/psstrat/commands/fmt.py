"""`psstrat fmt`: every file in one canonical layout, so review diffs show only real changes.

The layout comes from the models: keys in the order the model (and the format reference)
lists them, dates as plain ISO dates, and a blank line between the items of the lists the
kinds registry marks spaced (work elements, milestones). yamlio.layout does the round trip.
Guards make it safe to run on anything, each leaving the file as it is and reporting it in
one line (exit 1): a file that does not parse; one the round trip fails on; a result whose
values differ from the file's in any way (our own loader compares them); and a result that
would lose or move a comment (yamlio.comments: every comment must keep its text and what it
is about). Every result, and every write, is checked before the first file is written: the
files that can be formatted are, the others are reported, and fmt never stops half-way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from psstrat.diagnostics import Finding, Location
from psstrat.errors import PsstratError
from psstrat.kinds import SPACED
from psstrat.model.common import held_model, holds_dates
from psstrat.repository import DATA, file_kind, model_of
from psstrat.safefiles import scan
from psstrat.settings import SETTINGS_FILE, Settings, settings_file
from psstrat.yamlio import (
    CannotLayOut,
    Comment,
    Document,
    Shape,
    YamlPath,
    YamlProblem,
    already_canonical,
    canonical_yaml,
    comments,
    decode,
    moved,
    parse_yaml,
    read_bytes,
    too_large,
    unkept,
    where,
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
    """One file's canonical text, or why it is left as it is: it does not parse, the round
    trip fails on it, or the result would hold other values or lose or move a comment."""
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
    after, problem = _laid_out(rel, raw, original, shape)
    return Result(rel, before, after, problem)


def _laid_out(
    rel: str, raw: bytes, original: Document, shape: Shape, settle: bool = True
) -> tuple[str | None, Finding | None]:
    """The round trip and its two guards: the result holds the same values (our own loader
    compares them), and every comment with the same text in the same place."""
    text = decode(raw)
    kept = comments(text) if "#" in text else []
    stuck = next((c for c in kept if c.cannot_stay()), None)  # no layout can keep these
    try:
        after = canonical_yaml(raw, shape)
    except CannotLayOut as exc:
        if stuck is not None:
            return None, _comment_problem(rel, stuck, [])
        return None, _layout_problem(rel, exc.reason, exc.line, exc.column)
    try:
        laid_out: dict[str, Any] | None = parse_yaml(after.encode("utf-8")).data
    except YamlProblem:
        laid_out = None
    if laid_out is None or laid_out != original.data:  # ruamel wrote something else
        line, column = original.positions.key(_difference(original.data, laid_out))
        return None, _layout_problem(rel, "the result would not hold the same values", line, column)
    now = comments(after) if kept else []  # (the round trip makes no comment up)
    lost = unkept(kept, now)
    if stuck is not None and (lost is None or stuck.index < lost.index):
        lost = stuck
    if lost is not None:
        return None, _comment_problem(rel, lost, now)
    return _settled(rel, after, original, shape) if settle else (after, None)


def _settled(
    rel: str, after: str, original: Document, shape: Shape
) -> tuple[str | None, Finding | None]:
    """The layout of a layout is itself: where one round trip leaves something a second
    would still move (a comment after block text at the end of a file), the second is
    taken, with the same two guards, so `fmt` then `fmt --check` always agree."""
    for _ in range(3):
        raw = after.encode("utf-8")
        if already_canonical(raw, shape):
            return after, None
        again, problem = _laid_out(rel, raw, original, shape, settle=False)
        if again is None:
            return None, problem
        if again == after:
            return after, None
        after = again
    return None, _layout_problem(rel, "the layout does not settle on one form", 1, 1)


def _difference(before: Any, after: Any, path: YamlPath = ()) -> YamlPath:
    """The path of the first value that differs (for where to point the user)."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key, value in before.items():
            if key not in after or after[key] != value:
                return _difference(value, after.get(key), (*path, key))
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            if old != new:
                return _difference(old, new, (*path, index))
    return path


def _problem(rel: str, line: int, column: int, message: str, help: str = "") -> Finding:
    return Finding(
        Location(rel, line, column),
        f"not formatted: {message}",
        help or "fix it (psstrat validate says how); fmt never rewrites a file it cannot read",
    )


def _layout_problem(rel: str, reason: str, line: int, column: int) -> Finding:
    return _problem(
        rel,
        line,
        column,
        f"fmt cannot lay out this file: {reason}",
        "it is left as it is; simplify the YAML near this line (plain `key: value` lines, "
        "comments on lines of their own) and run fmt again",
    )


def _comment_problem(rel: str, comment: Comment, after: list[Comment]) -> Finding:
    """Why a comment cannot be kept, and where to put it so that it can."""
    shown = comment.text if len(comment.text) <= 40 else comment.text[:37] + "..."
    about = where(comment.anchor)
    if comment.in_flow:
        why = f"the comment `{shown}` is inside [ ] or {{ }}, where fmt cannot keep it"
        fix = "move it onto its own line above the key that holds the list or mapping"
    elif comment.between:
        why = f"the comment `{shown}` stands between a key and its value"
        fix = "write the value on the key's line, and the comment after it or on its own line"
    else:
        how = "would move away from" if moved(comment, after) else "would be lost, at"
        why = f"the comment `{shown}` {how} {about}"
        if comment.anchor[2] == "after":
            fix = "move it onto its own line, just above the key it is about"
        else:
            fix = "move it to the end of the line of the key it is about"
    return _problem(rel, comment.line, comment.column, why, f"{fix}; fmt leaves the file as it is")


def format_repository(root: Path, paths: list[Path], write: bool = False) -> list[Result]:
    """Every file psstrat reads under the given paths (default: the whole repository), in the
    one layout; with ``write``, each file that changes is rewritten (atomically).

    Every file is formatted, and every write checked, before the first is made: a file that
    cannot be formatted or written (a symbolic link, a folder fmt may not write in) is
    reported and left as it is, and the others are written. So fmt never stops half-way
    over a file it could have known about (only the disk failing mid-write still stops it).
    """
    results = _formatted(root, paths)
    if write:
        from psstrat.safefiles import write_atomically

        results = [_writable(root, r) if r.changed else r for r in results]
        for result in results:
            if result.changed:
                assert result.after is not None
                write_atomically(root / result.rel, result.after)
    return results


def format_stream(root: Path, filename: Path, raw: bytes) -> Result:
    """`fmt -`: text given on stdin (an editor's buffer, at most MAX_BYTES: the caller reads
    one byte more, so ``raw`` over it is refused) laid out as the file ``filename`` of the
    repository would be. The name says which kind of file it is; nothing is read from or
    written to the disk but the settings' presence."""
    from psstrat.yamlio import MAX_BYTES

    rel = _relative(root, filename)
    if rel == SETTINGS_FILE:
        model: type[BaseModel] = Settings
    else:
        kind = file_kind(rel)
        if kind is None:
            raise PsstratError(
                f"{filename} is not part of the format (`psstrat explain layout`); give "
                "--stdin-filename the path the text is saved at, e.g. data/risks/R0001.yaml"
            )
        model = model_of(kind)
    if len(raw) > MAX_BYTES:
        exc = too_large()
        return Result(rel, "", None, _problem(rel, exc.line, exc.column, exc.message))
    return format_bytes(rel, raw, model)


def _writable(root: Path, result: Result) -> Result:
    """The result, or the reason its file cannot be replaced (checked before any write)."""
    import os
    import stat

    path = root / result.rel
    try:
        regular = stat.S_ISREG(os.lstat(path).st_mode)
    except OSError as exc:
        return _unwritten(result, f"cannot write it: {exc.strerror}", "check the file")
    if not regular:
        return _unwritten(result, "it is no longer a regular file", "replace it with a file")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return _unwritten(
            result,
            f"cannot write in {Path(result.rel).parent.as_posix()}/ (no permission, or a "
            "read-only disk)",
            "make the folder writable and run fmt again",
        )
    return result


def _unwritten(result: Result, message: str, help: str) -> Result:
    finding = _problem(result.rel, 1, 1, message, f"{help}; the file is left as it is")
    return Result(result.rel, result.before, None, finding)


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
        result = _format_path(SETTINGS_FILE, settings_path, Settings)
        results.append(_through_link(root, result, settings_path, files))
    formatted = {rel for rel in chosen if files[rel] == root / rel and file_kind(rel)}
    for rel in chosen:
        kind = file_kind(rel)
        if kind is None:
            continue
        if files[rel] != root / rel and _relative(root, files[rel]) in formatted:
            continue  # a link to a file formatted here: that file is formatted once, itself
        result = _format_path(rel, files[rel], model_of(kind))
        results.append(_through_link(root, result, files[rel], files))
    return results


def _through_link(root: Path, result: Result, path: Path, files: dict[str, Path]) -> Result:
    """A file read through a symbolic link (scan follows one to a file in the repository) is
    never written: a change to it is reported, naming the file it points to."""
    if path == root / result.rel or not result.changed:
        return result
    target = _relative(root, path)
    if files.get(target) == root / target and file_kind(target):
        help = f"format the file it points to instead (psstrat fmt {target})"
    else:
        help = f"replace the link with the file itself, or lay out {target} by hand"
    message = f"{result.rel} is a symbolic link to {target}; fmt does not write through a link"
    return _unwritten(result, message, help)


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
