"""The composer: libyaml's events to plain dicts, lists and scalars, with the position of every
key and value, and the problems that make a text not plain YAML.

Anchors, aliases and explicit tags are refused as soon as the parser sees them: an alias is
never expanded and no object is ever constructed, so alias bombs and ``!!python/object`` tags
are inert. Timestamps are *not* turned into dates here: a date is only ever a ``YYYY-MM-DD``
string that the model accepts for a date field, so ``title: 2004-10-07`` stays text.
"""

from __future__ import annotations

import sys
from array import array
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from psstrat.safetext import UNSAFE, UNSAFE_BUT_NEWLINE
from psstrat.yamlio.parser import events, plain_scalar, resolvable_starts

MAX_DEPTH = 64
"""Deeper nesting is refused: the format needs about six levels, and paths to very deep
values would cost time and memory quadratic in the depth."""

YamlPath = tuple[str | int, ...]


class YamlProblem(Exception):
    """The file cannot be read as plain YAML; reported as a ``yaml-syntax`` problem."""

    def __init__(self, message: str, line: int = 1, column: int = 1, help: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.help = help


_MAPPING = 1
_SEQUENCE = 2
_PACK = 1 << 24
"""Positions are packed as line * _PACK + column (files are at most 1 MiB)."""


class Positions:
    """1-based (line, column) of every value and every mapping key, by path from the top.

    Kept compactly, as the parser met them: one entry per node in document order (a
    container, then its keys and values), each an 8-byte packed position, the index just
    past the node's subtree, and what it is (a mapping, a list, a key's text, or a value).
    About 20 bytes a node, where a dictionary by path costs over 100; a lookup walks from
    the top, skipping subtrees, and is only made for what is reported.
    """

    __slots__ = ("_at", "_end", "_what")

    def __init__(self) -> None:
        self._at = array("Q")
        self._end = array("I")
        self._what: list[object] | tuple[object, ...] = []
        """_MAPPING, _SEQUENCE, the text of a key, or None for a value (plain values, so a
        Positions made in another process reads the same)."""

    def freeze(self) -> None:
        """Shrink the entries to the smallest integers that hold them, once composed."""
        at, end = self._at, self._end
        # Entries are in document order, so the last position is the largest, and no
        # subtree ends past the last entry.
        if at and at[-1] < 1 << 32:
            self._at = array("I", at)  # files of fewer than 256 lines (most of them)
        if len(end) < 1 << 16:
            self._end = array("H", end)
        self._what = tuple(self._what)

    def value(self, path: YamlPath) -> tuple[int, int]:
        """Where the value at ``path`` starts, or its nearest existing container."""
        node, _ = self._find(path)
        return self._unpack(node)

    def key(self, path: YamlPath) -> tuple[int, int]:
        """Where the key naming ``path`` stands (the value's position for list items)."""
        node, key = self._find(path)
        return self._unpack(key if key is not None else node)

    def _unpack(self, index: int) -> tuple[int, int]:
        if index >= len(self._at):
            return 1, 1
        line, column = divmod(self._at[index], _PACK)
        return line, column

    def _find(self, path: YamlPath) -> tuple[int, int | None]:
        """The entry of the deepest node on ``path`` that exists, and the entry of the key
        naming it when the whole path exists and ends in a mapping key."""
        at, end, what = self._at, self._end, self._what
        node, key = 0, None
        for step in path:
            if node >= len(at):
                return node, None
            kind, stop, child = what[node], end[node], node + 1
            key = None
            if kind == _MAPPING and isinstance(step, str):
                while child < stop and what[child] != step:
                    child = end[child + 1]  # past the key and its value
                if child >= stop:
                    return node, None
                key, child = child, child + 1
            elif kind == _SEQUENCE and isinstance(step, int) and step >= 0:
                for _ in range(step):
                    if child >= stop:
                        break
                    child = end[child]
                if child >= stop:
                    return node, None
            else:
                return node, None
            node = child
        return node, key

    def _first_key(self, container: int, key: str) -> tuple[int, int]:
        """Where ``key`` first stands in the (still open) mapping at ``container``."""
        child = container + 1
        while self._what[child] != key:
            child = self._end[child + 1]
        return self._unpack(child)


@dataclass
class Document:
    data: dict[str, Any]
    positions: Positions
    unsafe_text: list[UnsafeText] = field(default_factory=list)
    """Keys and text values holding control, line-separator or bidi characters."""


@dataclass(frozen=True)
class UnsafeText:
    """A key or value holding characters that could forge or garble an output (see
    psstrat.safetext); the control-character rule decides which are allowed where."""

    path: YamlPath
    text: str
    line: int
    column: int
    """Of the first such character when the scalar is plain text on one line (where the
    text is what the file says); else of the start of the scalar."""
    is_key: bool = False


_REFUSED_HELP = (
    "write the value out in full; anchors, aliases and tags are not allowed in strategy files"
)


def _refuse(what: str, mark: Any) -> YamlProblem:
    return YamlProblem(what, mark.line + 1, mark.column + 1, help=_REFUSED_HELP)


# Named exception (C901): one loop over libyaml's events, on the hot path of every load.
def compose(text: str, record: bool = True) -> tuple[Any, Positions, list[UnsafeText]]:  # noqa: C901
    """Build plain values from parser events, recording where each key and value starts.

    This loop runs once per event of every file, so it is written for speed: scalars (most
    events) are handled first and inline, the open container is held in local variables
    (the stack keeps the ones around it), and a position is one packed integer appended to
    an array (see Positions), unless ``record`` is False.
    """
    positions = Positions()
    at, end = positions._at, positions._end
    what: list[object] = []
    positions._what = what
    # The open container: the value, its path, the key awaiting its value (a mapping's),
    # whether it is a mapping, and its entry. The stack holds the enclosing ones.
    container: Any = None
    path: YamlPath = ()
    key: str | None = None
    is_map = False
    entry = 0
    stack: list[tuple[Any, YamlPath, str | None, bool, int]] = []
    root: Any = None
    documents = 0
    count = 0  # entries so far
    may_resolve = resolvable_starts()
    plain = plain_scalar
    unsafe: list[UnsafeText] = []
    # Only escapes and characters already in the text make a value unsafe, except for the
    # line breaks of multi-line values: without either, a value with no newline is safe.
    check_all = UNSAFE_BUT_NEWLINE.search(text) is not None or "\\" in text
    find_unsafe = UNSAFE.search
    intern = sys.intern
    try:
        for event in events(text):
            cls = event.__class__
            if cls is ScalarEvent:
                if event.anchor is not None or event.ctag is not None:
                    raise _refused_node(event)
                value = event.value
                mark = event.start_mark
                count += 1
                if record:
                    at.append((mark.line + 1) * _PACK + mark.column + 1)
                    end.append(count)
                suspect = (check_all or "\n" in value) and find_unsafe(value) is not None
                if container is None:
                    if record:
                        what.append(None)
                    root = plain(value) if event.implicit[0] and value[:1] in may_resolve else value
                    continue
                if is_map and key is None:
                    if value in container:
                        if not record:  # the message names the first: find it again
                            compose(text, record=True)
                        raise _duplicate_key(positions, entry, value, mark)
                    if record:
                        what.append(intern(value))
                    key = value
                    if suspect:
                        unsafe.append(_unsafe((*path, value), event, is_key=True))
                    continue
                if record:
                    what.append(None)
                if event.implicit[0] and value[:1] in may_resolve:
                    value = plain(value)  # unquoted and may be a number, bool or null
                if is_map:
                    container[key] = value
                    if suspect:
                        unsafe.append(_unsafe((*path, str(key)), event))
                    key = None
                else:
                    if suspect:
                        unsafe.append(_unsafe((*path, len(container)), event))
                    container.append(value)
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                if event.anchor is not None or event.ctag is not None:
                    raise _refused_node(event)
                mark = event.start_mark
                if len(stack) >= MAX_DEPTH:
                    raise YamlProblem(
                        f"lists and mappings are nested more than {MAX_DEPTH} levels deep",
                        mark.line + 1,
                        mark.column + 1,
                        help="flatten the structure; no strategy file nests this deep",
                    )
                new: Any = {} if cls is MappingStartEvent else []
                new_path: YamlPath = ()
                if container is None:
                    root = new
                elif is_map:
                    if key is None:
                        raise YamlProblem(
                            "a mapping key must be plain text, not a list or mapping",
                            mark.line + 1,
                            mark.column + 1,
                            help="write keys as `name: value`",
                        )
                    container[key] = new
                    new_path = (*path, key)
                    key = None
                else:
                    new_path = (*path, len(container))
                    container.append(new)
                if record:
                    at.append((mark.line + 1) * _PACK + mark.column + 1)
                    end.append(count + 1)  # until its end event
                    what.append(_MAPPING if cls is MappingStartEvent else _SEQUENCE)
                stack.append((container, path, key, is_map, entry))
                container, path, key, is_map, entry = (
                    new,
                    new_path,
                    None,
                    cls is MappingStartEvent,
                    count,
                )
                count += 1
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                if record:
                    end[entry] = count
                container, path, key, is_map, entry = stack.pop()
            elif cls is AliasEvent:
                raise _refuse(f"alias `*{event.anchor}` is not allowed", event.start_mark)
            elif cls is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _refuse_doc(event.start_mark)
            elif cls is StreamEndEvent:
                break
    except MarkedYAMLError as exc:
        raise _syntax_problem(exc, text) from None
    except YAMLError as exc:
        raise YamlProblem(_tidy(str(exc)), help="fix the YAML syntax") from None
    positions.freeze()
    return root, positions, unsafe


def _unsafe(path: YamlPath, event: Any, is_key: bool = False) -> UnsafeText:
    start, end = event.start_mark, event.end_mark
    column = start.column + 1
    if not event.style and start.line == end.line:  # plain: libyaml says "", ruamel None
        match = UNSAFE.search(event.value)
        column += match.start() if match else 0
    return UnsafeText(path, event.value, start.line + 1, column, is_key)


def _duplicate_key(positions: Positions, entry: int, key: str, mark: Any) -> YamlProblem:
    line, _ = positions._first_key(entry, key)
    return YamlProblem(
        f"duplicate key `{key}` (first at line {line})",
        mark.line + 1,
        mark.column + 1,
        help="remove or rename one of the two keys",
    )


def _refused_node(event: Any) -> YamlProblem:
    if event.anchor is not None:
        return _refuse(f"anchor `&{event.anchor}` is not allowed", event.start_mark)
    return _refuse(f"tag `{event.tag}` is not allowed", event.start_mark)


def _syntax_problem(exc: MarkedYAMLError, text: str) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    message = exc.problem or exc.context or "not valid YAML"
    if exc.context and exc.problem:
        message = f"{exc.context}: {exc.problem}"
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    if mark is not None and "\t" in _line_of(text, mark.line)[: mark.column + 1]:
        message = "a tab character is used for indentation or spacing"
    return YamlProblem(_tidy(message), line, column, help="fix the YAML syntax at this position")


def _refuse_doc(mark: Any) -> YamlProblem:
    return YamlProblem(
        "more than one YAML document in the file",
        mark.line + 1,
        mark.column + 1,
        help="keep one item per file; remove the `---` separator and what follows it",
    )


def _line_of(text: str, index: int) -> str:
    lines = text.splitlines()
    return lines[index] if 0 <= index < len(lines) else ""


def _tidy(message: str) -> str:
    return " ".join(message.split())
