"""The fast check: whether a file is already in the canonical layout, decided from libyaml's
events and the text alone, without the (pure Python, much slower) round trip of layout.py.

It is a second statement of that layout, so it is kept conservative, and tests/test_fmt.py
and tests/test_layout.py check that it never accepts what the round trip would change.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from psstrat.isodate import ISO_DATE
from psstrat.yamlio.layout import Shape, round_trip, space
from psstrat.yamlio.parser import events, plain_scalar, resolvable_starts
from psstrat.yamlio.reading import decode

_TRAILING_SPACE = re.compile(r"[ \t]$", re.M)
_BLOCK_HEADERS = frozenset({"|", "|-", ">", ">-"})
"""Not `|+` or `>+`: the round trip writes `|` for a kept value that ends in one newline."""
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
    if raw.startswith(b"\xef\xbb\xbf") or b"\r" in raw or b"\t" in raw:
        return False  # (a tab between tokens, the round trip makes a space)
    text = decode(raw)
    if not text.endswith("\n") or text.endswith("\n\n") or _TRAILING_SPACE.search(text):
        return False
    if space(text, shape.spaced_keys()) != text:
        return False
    try:
        return _canonical_events(text, shape)
    except (YAMLError, _NotCanonical):
        return False


class _NotCanonical(Exception):
    pass


# Named exception (C901): one loop over the events, the fast path of `fmt --check`.
def _canonical_events(text: str, shape: Shape) -> bool:  # noqa: C901
    stream = events(text)
    # frames: ["m", shape, indent, keys seen, pending key event] | ["s", item shape, dash]
    stack: list[list[Any]] = []
    last: Any = None  # the last scalar
    for event in stream:
        cls = event.__class__
        if cls is ScalarEvent:
            if not stack:
                return False
            last = event
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
                    _check_flow(text, stream, event, child)
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
    # An indented comment after block text at the end: the round trip starts it at column 0.
    return not (
        last is not None
        and last.style in _BLOCK_STYLES
        and _INDENTED.search(text, last.end_mark.index)
    )


_INDENTED = re.compile(r"^[ \t]+#", re.M)


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


_PLAIN_KEY = re.compile(r"[a-z][a-z0-9_-]*")
"""A key the round trip writes as it is: lower-case words (every key of the format, and
`x-` keys like it); anything else (`=`, `True`, `+1`, `é`) is left to the round trip."""


def _check_key(event: Any, frame: list[Any]) -> None:
    if event.style != "" or event.start_mark.column != frame[2] or not event.implicit[0]:
        raise _NotCanonical
    if not _PLAIN_KEY.fullmatch(event.value) or event.value in ("null", "true", "false"):
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
    # (`...` and `---` would read as document markers: the round trip quotes them)
    marker = value.startswith(("...", "---"))
    if not (first.isalnum() or first in _PLAIN_FIRST) or not value.isprintable() or marker:
        raise _NotCanonical
    resolved = plain_scalar(value) if first in resolvable_starts() else value
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
    if text[event.end_mark.index : event.end_mark.index + 1] == "#":  # `"x"#c`: ` #c` written
        raise _NotCanonical


@functools.lru_cache(maxsize=4096)
def _written(value: str) -> str:
    """How the round trip writes a text value (in block context, on one line)."""
    import io

    out = io.StringIO()
    round_trip().dump({"k": value}, out)
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


def _check_flow(text: str, stream: Any, start: Any, shape: Shape) -> None:
    """A flow collection is canonical when it is on one line, written exactly as ruamel
    writes it: `{key: value, key: value}` or `[a, b]`, plain scalars only, keys in order."""
    mapping = start.__class__ is MappingStartEvent
    parts: list[str] = []
    keys: list[str] = []
    for event in stream:
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
    if text[end.index : end.index + 1] == "#":  # `[a, b]#c`: the round trip writes ` #c`
        raise _NotCanonical


_EMPTY_SHAPE = Shape()
