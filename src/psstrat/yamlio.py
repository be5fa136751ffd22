"""The only module that touches ruamel.yaml: bytes on disk to plain values with positions.

Files are parsed to *events* by libyaml (ruamel.yaml.clib's C parser) and composed here into
plain dicts, lists and scalars. Working from events rather than composed nodes is several times
faster (the C composer calls back into Python to resolve every scalar), and it lets us refuse
anchors, aliases and explicit tags as soon as the parser sees them: an alias is never expanded
and no object is ever constructed, so alias bombs and ``!!python/object`` tags are inert.

Scalars follow the YAML 1.2 core schema (``no`` is a string). Timestamps are *not* turned into
dates here: a date is only ever a ``YYYY-MM-DD`` string that the model accepts for a date field,
so ``title: 2004-10-07`` stays text.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import re
import stat
import sys
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_BYTES = 1024 * 1024
"""Files larger than this are refused unread (1 MiB)."""

MAX_DEPTH = 64
"""Deeper nesting is refused: the format needs about six levels, and paths to very deep
values would cost time and memory quadratic in the depth."""

YamlPath = tuple[str | int, ...]

try:  # pragma: no branch
    from _ruamel_yaml import CParser as _CParser

    BACKEND = "libyaml (C)"
except ImportError:  # pragma: no cover - only without ruamel.yaml.clib
    _CParser = None
    BACKEND = "pure Python (install ruamel.yaml.clib for speed)"

from ruamel.yaml.error import MarkedYAMLError, YAMLError  # noqa: E402
from ruamel.yaml.events import (  # noqa: E402
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from ruamel.yaml.nodes import ScalarNode as _ScalarNode  # noqa: E402

from psstrat.isodate import ISO_DATE, parse_iso  # noqa: E402
from psstrat.safetext import UNSAFE, UNSAFE_BUT_NEWLINE  # noqa: E402


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


def read_yaml(path: Path, empty_ok: bool = False, positions: bool = True) -> Document:
    """Read one file: UTF-8, at most 1 MiB, one YAML document with a mapping at the top
    (or, with ``empty_ok``, nothing at all: blank or only comments, read as an empty mapping).

    Raises YamlProblem for anything that is not plain YAML of that shape, and OSError when the
    file cannot be read at all.
    """
    return parse_yaml(read_bytes(path), empty_ok, positions)


def too_large() -> YamlProblem:
    """The problem of a file over MAX_BYTES, however it is read (from disk or from git)."""
    return YamlProblem(
        f"file is larger than {MAX_BYTES // 1024} KiB",
        help="split it into smaller files; no strategy file needs to be this large",
    )


def read_bytes(path: Path) -> bytes:
    """A regular file's bytes, at most 1 MiB (YamlProblem otherwise; OSError if unreadable)."""
    # Non-blocking and not following a final symbolic link: a FIFO swapped in after the
    # folder was scanned is seen by fstat below, never waited on.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(path, flags), "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise YamlProblem("not a regular file", help="replace it with a plain YAML file")
        # Checked before reading: a read sized to the limit would allocate 1 MiB per file.
        if info.st_size > MAX_BYTES:
            raise too_large()
        raw = fh.read(MAX_BYTES + 1) if info.st_size == 0 else fh.read()
    if len(raw) > MAX_BYTES:  # pragma: no cover - the file grew while being read
        raise too_large()
    return raw


def parse_yaml(raw: bytes, empty_ok: bool = False, positions: bool = True) -> Document:
    """Parse bytes that should hold one YAML mapping; without ``positions`` none are kept (a
    command that reports no problem by place saves the work)."""
    text = _decode(raw)
    if not text.strip():
        if empty_ok:
            return Document({}, Positions())
        raise YamlProblem("file is empty", help="write a mapping of keys, or delete the file")
    data, where, unsafe = _compose(text, positions)
    if _INVISIBLE.search(text) is not None or text.count("\r") != text.count("\r\n"):
        _refuse_hidden(text)
    if data is None and empty_ok:
        return Document({}, where, unsafe)
    if not isinstance(data, dict):
        raise YamlProblem(
            f"the top of the file must be a mapping of keys, not {describe(data)}",
            help="start the file with `id: ...` and the item's other keys",
        )
    return Document(data, where, unsafe)


_INVISIBLE = re.compile("[\x85\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_HIDDEN = re.compile("\r(?!\n)|[\x85\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Characters that make a file read differently from what it is: a carriage return on its
own (a terminal then writes the rest of the line over its start), the Unicode line breaks and
the bidi controls. In a value the control-character rule reports them; anywhere else (a
comment, between the lines) nothing would, so there they are refused. (Looked for with one
character class and two counts, which cost nothing: the pattern itself is slow over 16 MB.)"""


def _refuse_hidden(text: str) -> None:
    spans = [
        (event.start_mark.index, event.end_mark.index)
        for event in _events(text)
        if event.__class__ is ScalarEvent
    ]
    for found in _HIDDEN.finditer(text):
        at = found.start()
        inside = any(start <= at < end for start, end in spans)
        if inside and found[0] != "\r":
            continue  # in a value: the control-character rule says where and what
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        what = (
            "a carriage return without a newline"
            if found[0] == "\r"
            else (f"the invisible character U+{ord(found[0]):04X}")
        )
        raise YamlProblem(
            f"file holds {what}, which makes it read differently from what it is",
            line,
            column,
            help="delete it (retype the line); such characters hide what a file says",
        )


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem(
            f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} cannot be decoded)",
            line,
            column,
            help="save the file as UTF-8 in your editor",
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise YamlProblem(
            "file contains a NUL character; it looks binary or UTF-16",
            line,
            help="save the file as UTF-8 text",
        )
    return text


@functools.lru_cache(maxsize=8192)
def _plain_scalar(value: str) -> Any:
    """The value of an unquoted scalar under the YAML 1.2 core schema."""
    tag = str(_resolver().resolve(_ScalarNode, value, (True, False)))
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return value.lower() == "true"
    if tag.endswith(":int"):
        return _to_int(value)
    if tag.endswith(":float"):
        return _to_float(value)
    return value


def _to_int(value: str) -> int | str:
    text = value.replace("_", "")
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    base = {"0x": 16, "0o": 8, "0b": 2}.get(digits[:2].lower(), 10)
    if base != 10:
        digits = digits[2:]
    try:
        return sign * int(digits, base)
    except ValueError:  # e.g. more digits than Python converts
        return value


def _to_float(value: str) -> float | str:
    lowered = value.lower().replace("_", "")
    if lowered.endswith(".inf"):
        return -math.inf if lowered.startswith("-") else math.inf
    if lowered.endswith(".nan"):
        return math.nan
    try:
        return float(lowered)
    except ValueError:
        return value


@functools.cache
def _resolvable_starts() -> frozenset[str]:
    """First characters with which a plain scalar may resolve to something other than text,
    read from ruamel's own YAML 1.2 resolver table (a value starting otherwise is text)."""
    table = _resolver().versioned_resolver
    if table.get(None):  # pragma: no cover - a resolver for any first character
        return frozenset(chr(i) for i in range(0x110000))
    return frozenset(k for k in table if k) | {""}


@functools.cache
def _resolver() -> Any:
    from ruamel.yaml.resolver import VersionedResolver

    return VersionedResolver(version=(1, 2))


def _events(text: str) -> Any:
    if _CParser is not None:
        parser = _CParser(text)
        return iter(parser.get_event, None)
    from ruamel.yaml import YAML  # pragma: no cover

    return YAML(typ="safe", pure=True).parse(text)  # pragma: no cover


_REFUSED_HELP = (
    "write the value out in full; anchors, aliases and tags are not allowed in strategy files"
)


def _refuse(what: str, mark: Any) -> YamlProblem:
    return YamlProblem(what, mark.line + 1, mark.column + 1, help=_REFUSED_HELP)


# Named exception (C901): one loop over libyaml's events, on the hot path of every load.
def _compose(text: str, record: bool = True) -> tuple[Any, Positions, list[UnsafeText]]:  # noqa: C901
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
    may_resolve = _resolvable_starts()
    plain = _plain_scalar
    unsafe: list[UnsafeText] = []
    # Only escapes and characters already in the text make a value unsafe, except for the
    # line breaks of multi-line values: without either, a value with no newline is safe.
    check_all = UNSAFE_BUT_NEWLINE.search(text) is not None or "\\" in text
    find_unsafe = UNSAFE.search
    intern = sys.intern
    try:
        for event in _events(text):
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
                            _compose(text, record=True)
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


def describe(value: Any) -> str:
    """Name a value the way a user would, for messages: `a list`, `the number 7`, ..."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"`{'true' if value else 'false'}`"
    if isinstance(value, int) and abs(value) > 10**30:
        return "a very large number"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"`{shown}`" if shown else "an empty string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a value"


# --- The canonical layout, for `psstrat fmt` -----------------------------------------------


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
        keys = set(self.spaced)
        for child in self.children.values():
            keys |= child.spaced_keys()
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

    text = _decode(raw)
    yaml = _round_trip()
    tree = yaml.load(text)
    _reshape(tree, shape)
    out = io.StringIO()
    yaml.dump(tree, out)
    return _space(out.getvalue(), shape.spaced_keys())


@functools.cache
def _round_trip() -> Any:
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
def _space(text: str, spaced: frozenset[str]) -> str:  # noqa: C901
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
    _round_trip().dump(CommentedMap((k, _styled(v)) for k, v in values.items()), out)
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


_TRAILING_SPACE = re.compile(r"[ \t]$", re.M)
_BLOCK_HEADERS = frozenset({"|", "|-", "|+", ">", ">-", ">+"})
_KEY_LINE_END = re.compile(r":(?: +#[^\n]*)?\n")
_DATE_LIKE = re.compile(r"\d{4}-\d\d?-\d\d?")
_PLAIN_FIRST = frozenset("(./$_")


def already_canonical(raw: bytes, shape: Shape) -> bool:
    """True only when ``canonical_yaml`` would give the file back unchanged, decided from
    libyaml's events and the text alone, without the (pure Python, much slower) round trip.

    It is conservative: anything it is not sure of (quoted scalars, block scalars in lists,
    nested flow collections, unusual plain text) answers False, and the round trip decides.
    tests/test_fmt.py checks that True never disagrees with the round trip.
    """
    if raw.startswith(b"\xef\xbb\xbf") or b"\r" in raw:
        return False
    text = _decode(raw)
    if not text.endswith("\n") or text.endswith("\n\n") or _TRAILING_SPACE.search(text):
        return False
    if _space(text, shape.spaced_keys()) != text:
        return False
    try:
        return _canonical_events(text, shape)
    except (YAMLError, _NotCanonical):
        return False


class _NotCanonical(Exception):
    pass


# Named exception (C901): one loop over the events, the fast path of `fmt --check`.
def _canonical_events(text: str, shape: Shape) -> bool:  # noqa: C901
    events = _events(text)
    # frames: ["m", shape, indent, keys seen, pending key event] | ["s", item shape, dash]
    stack: list[list[Any]] = []
    for event in events:
        cls = event.__class__
        if cls is ScalarEvent:
            if not stack:
                return False
            frame = stack[-1]
            if frame[0] == "m" and frame[4] is None:
                _check_key(event, frame)
                frame[4] = event
                continue
            _check_placement(text, event, frame)
            if event.style in _BLOCK_STYLES:
                _check_block_scalar(text, event, frame)
            elif event.style == '"':
                _check_quoted(text, event, frame)
            else:
                _check_plain(text, event, frame)
            if frame[0] == "m":
                frame[4] = None
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            if event.anchor is not None or event.ctag is not None:
                return False
            child = _child_shape(stack, shape)
            if not stack:
                if event.flow_style or cls is not MappingStartEvent:
                    return False
            else:
                frame = stack[-1]
                _check_placement(text, event, frame)
                if event.flow_style:
                    _check_flow(text, events, event, child)
                    if frame[0] == "m":
                        frame[4] = None
                    continue
            if cls is MappingStartEvent:
                stack.append(["m", child, event.start_mark.column, [], None])
            else:
                stack.append(["s", child, event.start_mark.column])
        elif cls is MappingEndEvent:
            frame = stack.pop()
            keys = frame[3]
            order = frame[1].order
            wanted = [k for k in order if k in keys] + [k for k in keys if k not in order]
            if keys != wanted:
                return False
            if stack and stack[-1][0] == "m":
                stack[-1][4] = None
        elif cls is SequenceEndEvent:
            stack.pop()
            if stack and stack[-1][0] == "m":
                stack[-1][4] = None
        elif cls is DocumentStartEvent:
            if event.explicit or event.version or event.tags:
                return False
        elif cls is AliasEvent or (cls is DocumentEndEvent and event.explicit):
            return False
    return True


_BLOCK_STYLES = frozenset("|>")


def _child_shape(stack: list[list[Any]], root: Shape) -> Shape:
    if not stack:
        return root
    frame = stack[-1]
    shape: Shape = frame[1]
    if frame[0] == "m":
        key: str = frame[4].value if frame[4] is not None else ""
        return shape.children.get(key, _EMPTY_SHAPE)
    return shape


def _check_key(event: Any, frame: list[Any]) -> None:
    if event.style != "" or event.start_mark.column != frame[2] or not event.implicit[0]:
        raise _NotCanonical
    frame[3].append(event.value)


def _check_placement(text: str, event: Any, frame: list[Any]) -> None:
    """Where a value may start: `key: value` on the key's line, a block collection on the
    lines below at the key's indent + 2, a list item `- value` with its dash at parent + 2."""
    mark = event.start_mark
    block = event.__class__ in (MappingStartEvent, SequenceStartEvent) and not event.flow_style
    if frame[0] == "m":
        key = frame[4]
        if block:
            if not _KEY_LINE_END.match(text, key.end_mark.index):
                raise _NotCanonical
            if mark.line <= key.start_mark.line or mark.column != frame[2] + 2:
                raise _NotCanonical
        elif text[key.end_mark.index : mark.index] != ": ":
            raise _NotCanonical
        return
    if event.__class__ is SequenceStartEvent and block:
        raise _NotCanonical  # a list directly in a list: not in the format
    if mark.column != frame[2] + 2 or text[mark.index - 2 : mark.index] != "- ":
        raise _NotCanonical


def _check_plain(text: str, event: Any, frame: list[Any]) -> None:
    value = event.value
    if event.style != "" or not event.implicit[0] or not value:
        raise _NotCanonical
    if event.start_mark.line != event.end_mark.line:
        raise _NotCanonical
    if text[event.start_mark.index : event.end_mark.index] != value:
        raise _NotCanonical
    first = value[0]
    if not (first.isalnum() or first in _PLAIN_FIRST) or not value.isprintable():
        raise _NotCanonical
    resolved = _plain_scalar(value) if first in _resolvable_starts() else value
    if resolved is None:
        ok = value == "null"
    elif isinstance(resolved, bool):
        ok = value in ("true", "false")
    elif isinstance(resolved, int):
        ok = value == str(resolved)
    elif isinstance(resolved, str):
        date_like = _DATE_LIKE.match(value)
        ok = not date_like or (len(value) == 10 and ISO_DATE.fullmatch(value) is not None)
    else:
        ok = False
    if not ok:
        raise _NotCanonical


def _check_quoted(text: str, event: Any, frame: list[Any]) -> None:
    """A double-quoted value is canonical when it is written as the round trip writes it
    (which quotes only what plain text cannot hold) and is not a date in a date field."""
    if frame[0] == "m" and frame[4].value in frame[1].dates and ISO_DATE.fullmatch(event.value):
        raise _NotCanonical
    if text[event.start_mark.index : event.end_mark.index] != _written(event.value):
        raise _NotCanonical


@functools.lru_cache(maxsize=4096)
def _written(value: str) -> str:
    """How the round trip writes a text value (in block context, on one line)."""
    import io

    out = io.StringIO()
    _round_trip().dump({"k": value}, out)
    written = out.getvalue()
    return written[3:-1] if written.count("\n") == 1 else ""


def _check_block_scalar(text: str, event: Any, frame: list[Any]) -> None:
    if frame[0] != "m":
        raise _NotCanonical
    start = event.start_mark.index
    line_end = text.index("\n", start)
    if text[start:line_end] not in _BLOCK_HEADERS:
        raise _NotCanonical
    first = text[line_end + 1 : text.find("\n", line_end + 1)]
    if len(first) - len(first.lstrip(" ")) != frame[2] + 2 or not first.strip():
        raise _NotCanonical


def _check_flow(text: str, events: Any, start: Any, shape: Shape) -> None:
    """A flow collection is canonical when it is on one line, written exactly as ruamel
    writes it: `{key: value, key: value}` or `[a, b]`, plain scalars only, keys in order."""
    mapping = start.__class__ is MappingStartEvent
    parts: list[str] = []
    keys: list[str] = []
    for event in events:
        cls = event.__class__
        if cls is ScalarEvent:
            if event.style != "" or not event.implicit[0]:
                raise _NotCanonical
            _check_plain(text, event, ["s", None, 0])
            if mapping and len(parts) % 2 == 0:
                keys.append(event.value)
            parts.append(event.value)
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            end = event.end_mark
            break
        else:
            raise _NotCanonical  # nested collections, aliases: let the round trip decide
    else:  # pragma: no cover - the parser always closes a collection
        raise _NotCanonical
    if mapping:
        pairs = [f"{parts[i]}: {parts[i + 1]}" for i in range(0, len(parts), 2)]
        expected = "{" + ", ".join(pairs) + "}"
        wanted = [k for k in shape.order if k in keys] + [k for k in keys if k not in shape.order]
        if keys != wanted:
            raise _NotCanonical
    else:
        expected = "[" + ", ".join(parts) + "]"
    if start.start_mark.line != end.line or text[start.start_mark.index : end.index] != expected:
        raise _NotCanonical


_EMPTY_SHAPE = Shape()
