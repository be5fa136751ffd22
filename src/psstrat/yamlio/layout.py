"""The layout: the one place that decides how a strategy file is written.

`psstrat fmt` puts a whole file in the canonical layout (``canonical_yaml``, keeping every
comment); a new file is written in it (``document_text``); and an item is added to a list in
an existing file as text, every other line kept as it was (``append_item``, for `psstrat new`).
What a kind of mapping looks like (its keys' order, its dates, its spaced lists) is a Shape,
given by the caller. canonical.py proves, without the round trip, that a file is laid out so.
"""

from __future__ import annotations

import contextlib
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from psstrat.isodate import parse_iso
from psstrat.yamlio.composing import YamlPath
from psstrat.yamlio.reading import decode, parse_yaml

# --- The canonical layout -------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """How one kind of mapping is laid out: the order of its keys, which keys hold dates,
    the shapes of the mappings nested under a key (directly or as list items), and the keys
    whose list items are separated by one blank line."""

    order: tuple[str, ...] = ()
    dates: frozenset[str] = frozenset()
    children: dict[str, Shape] = field(default_factory=dict)
    spaced: frozenset[str] = frozenset()

    def spaced_keys(self) -> frozenset[str]:
        """The spaced keys here and in every shape under this one (a shape may hold itself:
        a bullet's bullets)."""
        keys: set[str] = set()
        seen: set[int] = set()
        todo = [self]
        while todo:
            shape = todo.pop()
            if id(shape) in seen:
                continue
            seen.add(id(shape))
            keys |= shape.spaced
            todo.extend(shape.children.values())
        return frozenset(keys)


def canonical_yaml(raw: bytes, shape: Shape) -> str:
    """The text of a file in the one canonical layout, keeping every comment.

    Round-trips with ruamel.yaml (which keeps comments and block-scalar styles), puts keys in
    the shape's order (unknown and ``x-`` keys after, as they were), writes date fields as
    plain ISO dates and null as ``null``, indents mappings by 2 and list items by 2 with the
    dash, never wraps a line, and leaves blank lines only where one was (one at most), plus
    exactly one before every item but the first of a spaced list.

    Call it only on bytes that ``parse_yaml`` accepts (so nothing here meets an alias or a
    tag); the caller checks that the result holds the same values.
    """
    import io

    text = decode(raw)
    yaml = round_trip()
    tree = yaml.load(text)
    _reshape(tree, shape)
    out = io.StringIO()
    yaml.dump(tree, out)
    return space(out.getvalue(), shape.spaced_keys())


@functools.cache
def round_trip() -> Any:
    """ruamel.yaml's comment-keeping round trip, set to write the canonical layout."""
    from ruamel.yaml import YAML
    from ruamel.yaml.emitter import Emitter

    class DoubleQuoting(Emitter):
        """Quotes, where YAML needs them, are double quotes: as the format reference writes
        them, and able to hold any character."""

        def choose_scalar_style(self) -> Any:
            style = super().choose_scalar_style()
            return '"' if style == "'" else style

    yaml = YAML(typ="rt", pure=True)
    yaml.Emitter = DoubleQuoting
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 1_000_000  # a long value stays on its line; use `>-` for wrapped text
    yaml.preserve_quotes = False  # quote only where YAML needs it
    yaml.representer.add_representer(
        type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    # The same value twice (a date used for `raised` and the assessment's `date`) is written
    # twice, never as an anchor and alias, which psstrat refuses.
    yaml.representer.ignore_aliases = lambda _data: True
    return yaml


def _reshape(node: Any, shape: Shape) -> None:

    if not hasattr(node, "move_to_end"):
        return
    wanted = [k for k in shape.order if k in node] + [k for k in node if k not in shape.order]
    if list(node) != wanted:
        _reorder(node, wanted)
    for key in shape.dates & set(node):
        value = node[key]
        if isinstance(value, str):
            with contextlib.suppress(ValueError):  # not a real date: left for validate
                node[key] = parse_iso(value) or value
    for key, child in shape.children.items():
        value = node.get(key)
        for item in value if isinstance(value, list) else [value]:
            _reshape(item, child)


def _reorder(node: Any, wanted: list[Any]) -> None:
    """Put a mapping's keys in the wanted order, keeping each comment with what it is about.

    ruamel keeps a key's end-of-line comment *and* the whole-line comments below it in one
    token on that key. An end-of-line comment stays with its key; whole-line comments lead into
    the key that followed them, so they move to stay just above it (those after the last key
    stay at the end of the mapping).
    """
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    keys = list(node)
    heads: dict[Any, str] = {}
    tails: dict[Any, str] = {}
    for key in keys:
        entry = node.ca.items.get(key)
        token = entry[2] if entry and len(entry) > 2 else None
        text = token.value if token is not None else ""
        cut = text.find("\n") + 1 if "\n" in text else len(text)
        heads[key], tails[key] = text[:cut], text[cut:]
    above = {keys[i + 1]: tails[keys[i]] for i in range(len(keys) - 1)}
    for key in wanted:
        node.move_to_end(key)
    for index, key in enumerate(wanted):
        tail = above.get(wanted[index + 1], "") if index + 1 < len(wanted) else tails[keys[-1]]
        if index == 0:
            tail = above.get(key, "") + tail  # (no key above the first: just below it)
        text = (heads[key] or "\n") + tail if tail else heads[key]
        entry = node.ca.items.get(key)
        if entry is not None and len(entry) > 2 and entry[2] is not None:
            entry[2].value = text
        elif text.strip():
            token = CommentToken(text, CommentMark(0), None)
            node.ca.items[key] = [None, None, token, None]
        if entry is not None and len(entry) > 2 and not text.strip("\n"):
            entry[2] = None


_BLOCK_HEADER = re.compile(r"^[^#'\"]*?(?::|-)[ ]+[|>][0-9+-]*[ ]*(?:#.*)?$")


# Named exception (C901): one pass over the lines, every kind of line decided in one place.
def space(text: str, spaced: frozenset[str]) -> str:  # noqa: C901
    """Blank lines: at most one where there was any, none at the start or end, none before
    the first item of a spaced list and exactly one before each other item (above the
    comments that lead into it); blank lines inside block scalars are text and kept."""
    keys = "|".join(map(re.escape, sorted(spaced)))
    spaced_key = re.compile(rf"^ *(?:- )?(?:{keys}):[ ]*(?:#.*)?$")
    out: list[str] = []
    lists: list[list[int]] = []  # open spaced lists: [indent of the key, items seen]
    block: int | None = None  # inside a block scalar whose header is at this indent
    pending = False  # a blank line was seen since the last line kept
    run: int | None = None  # where the comment lines just above the next line start in out
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        stripped = line.strip()
        if block is not None:
            if not stripped or indent > block:
                out.append(line)
                continue
            block = None
            while out and out[-1] == "":
                out.pop()
                pending = True
        if not stripped:
            pending = True
            continue
        if stripped.startswith("#"):
            if run is None:
                if pending and out:
                    out.append("")
                run = len(out)
            elif pending:
                out.append("")
            out.append(line)
            pending = False
            continue
        while lists and indent <= lists[-1][0]:
            lists.pop()
        item = bool(lists) and indent == lists[-1][0] + 2 and stripped.startswith("- ")
        start = run if run is not None else len(out)
        if item:
            lists[-1][1] += 1
            if lists[-1][1] == 1:  # the first item: no blank line above it or its comments
                if start > 0 and out[start - 1] == "":
                    del out[start - 1]
            elif not (start > 0 and out[start - 1] == ""):
                out.insert(start, "")
        elif pending and out and run is None:
            out.append("")
        out.append(line)
        pending = False
        run = None
        if spaced and spaced_key.match(line):
            lists.append([indent + (2 if stripped.startswith("- ") else 0), 0])
        if _BLOCK_HEADER.match(line):
            block = indent
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def document_text(values: dict[str, Any]) -> str:
    """A new file's text in the canonical layout: lists of ids and small mappings of scalars
    in flow style (`risks: [R0001]`, `inherent: {likelihood: 4, impact: 4}`), as the format
    reference writes them; everything else in block style."""
    import io

    from ruamel.yaml.comments import CommentedMap

    out = io.StringIO()
    round_trip().dump(CommentedMap((k, _styled(v)) for k, v in values.items()), out)
    return out.getvalue()


def item_text(values: dict[str, Any], dash_column: int) -> str:
    """One new list item (``- key: ...``) in the canonical layout, its dash at a column."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    item = CommentedMap((k, _styled(v)) for k, v in values.items())  # block, not flow
    text = document_text({"x": CommentedSeq([item])})
    lines = text.splitlines()[1:]  # below `x:`, the item's dash is at column 2
    return "".join(" " * dash_column + line[2:] + "\n" for line in lines)


def _styled(value: Any) -> Any:
    import datetime as dt

    from ruamel.yaml.comments import CommentedBase, CommentedMap, CommentedSeq

    scalar = (str, int, float, bool, type(None), dt.date)
    if isinstance(value, CommentedBase):
        return value  # already styled
    if isinstance(value, dict):
        styled = CommentedMap((k, _styled(v)) for k, v in value.items())
        if value and all(isinstance(v, scalar) for v in value.values()) and len(value) <= 3:
            styled.fa.set_flow_style()
        return styled
    if isinstance(value, list):
        seq = CommentedSeq(_styled(v) for v in value)
        if all(isinstance(v, scalar) for v in value):
            seq.fa.set_flow_style()
        return seq
    return value


# --- Adding an item to a list, as text ------------------------------------------------------


class CannotAppend(Exception):
    """The list cannot be added to as text; the message says what to fix first."""


@dataclass(frozen=True)
class ListPlace:
    """A list in a file: under ``key`` in the mapping at ``container``; ``after`` names the
    keys the layout puts after ``key`` (for when the list is not there yet); items of a
    ``spaced`` list have a blank line between them."""

    container: YamlPath
    key: str
    after: tuple[str, ...] = ()
    spaced: bool = False


def append_item(text: str, place: ListPlace, item: dict[str, Any]) -> str:
    """``text`` with ``item`` added at the end of the list at ``place``; every other line is
    kept as it is."""
    container, key, after, spaced = place.container, place.key, place.after, place.spaced
    doc = parse_yaml(text.encode("utf-8"))
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    node: Any = doc.data
    for step in container:
        node = node[step]
    path = (*container, key)
    if node.get(key):
        if not isinstance(node[key], list):
            raise CannotAppend(f"`{key}` is not a list; fix the file first (psstrat validate)")
        line, column = doc.positions.key(path)
        if "[" in lines[line - 1].split("#")[0].split(":", 1)[-1]:
            raise CannotAppend(
                f"`{key}` at line {line} is written [like, this]; write it as a block list "
                "(psstrat fmt does) to add to it"
            )
        dash = doc.positions.value((*path, 0))[1] - 3
        end = _block_end(lines, line, column - 1, items_at=dash)
        new = item_text(item, dash)
        insert = (["\n"] if spaced else []) + [new]
        return "".join(lines[:end] + insert + lines[end:])
    if key in node:  # `key: []` or `key:` (empty): the items go below it
        line, column = doc.positions.key(path)
        indent = " " * (column - 1)
        comment = re.search(r"\s+#.*$", lines[line - 1].rstrip("\n"))
        lines[line - 1] = f"{indent}{key}:{comment.group(0) if comment else ''}\n"
        return "".join([*lines[:line], item_text(item, column + 1), *lines[line:]])
    # No such key yet: add it before the first key the layout puts after it, or at the end.
    later = [k for k in node if k in after]
    if later:
        line, column = doc.positions.key((*container, later[0]))
        end = _trim_end(lines, line - 1, column - 1)
    elif container:
        start, column = doc.positions.value(container)
        end = _block_end(lines, start, column - 2)
    else:
        column, end = 1, _trim_end(lines, len(lines))
    block = f"{' ' * (column - 1)}{key}:\n{item_text(item, column + 1)}"
    return "".join([*lines[:end], block, *lines[end:]])


def _block_end(lines: list[str], start: int, limit: int, items_at: int = -1) -> int:
    """The index of the first line after line ``start`` (1-based) that is neither blank nor
    a comment and is indented at most ``limit`` (0-based columns), except list items whose
    dash is at ``items_at`` (a list may sit at its key's indent); trailing blank lines and
    comments that lead into it are left after the block."""
    end = len(lines)
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        indent = len(lines[index]) - len(lines[index].lstrip(" "))
        if indent == items_at and (stripped.startswith("- ") or stripped == "-"):
            continue
        if stripped and not stripped.startswith("#") and indent <= limit:
            end = index
            break
    return _trim_end(lines, end, limit)


def _trim_end(lines: list[str], end: int, limit: int | None = None) -> int:
    while end > 0:
        stripped = lines[end - 1].strip()
        indent = len(lines[end - 1]) - len(lines[end - 1].lstrip(" "))
        if not stripped or (stripped.startswith("#") and (limit is None or indent <= limit)):
            end -= 1
        else:
            break
    return end
