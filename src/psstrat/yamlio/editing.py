"""Small, exact edits to a file as text: set a key, add a list item, remove one, and nothing
else changes (every other line, comment, blank line, quote style and line ending is kept).

This is how `psstrat record`, `set` and `remove` change a file: an edit is a list of Changes
to the file's plain values, each made as text at the place the parser says, in the canonical
layout (layout.py renders the new values). After each change the text is parsed again and its
values must be exactly the old values with that change made, or the edit is refused
(``CannotEdit``): an edit never writes a file that says something other than what was asked.
"""

from __future__ import annotations

import bisect
import copy
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ruamel.yaml.events import (
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from psstrat.isodate import ISO_DATE
from psstrat.yamlio.composing import YamlPath, YamlProblem
from psstrat.yamlio.layout import (
    CannotAppend,
    ListPlace,
    append_item,
    document_text,
    item_text,
)
from psstrat.yamlio.parser import events
from psstrat.yamlio.reading import parse_yaml


class CannotEdit(Exception):
    """The change cannot be made as text here; the message says what to do instead."""


@dataclass(frozen=True)
class Change:
    """One change to a file's values.

    - ``set``: the key at ``path`` (a mapping's path + the key) takes ``value``; a key that is
      not there is added after the keys ``before`` names (the layout's order), else first.
    - ``append``: ``value`` is added at the end of the list at ``path`` (made when missing;
      ``after`` names the keys the layout puts after it, ``spaced`` whether its items have a
      blank line between them, ``flow`` whether a new item is written in flow style).
    - ``remove``: the key or list item at ``path`` goes, with its lines.
    """

    op: Literal["set", "append", "remove"]
    path: YamlPath
    value: Any = None
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    spaced: bool = False
    flow: bool = False
    """For ``append``: write the new item on one line in flow style (`- {likelihood: 4,
    impact: 5, date: 2005-01-10}`), as its list's items are written, or the format shows."""


@dataclass(frozen=True)
class Edited:
    """A file's text after an edit, and the line each change landed on (1-based)."""

    text: str
    lines: tuple[int, ...]


# --- line endings ---------------------------------------------------------------------------
# The text edits (here and yamlio.append_item) work on text with LF line endings and no BOM. A file
# saved on Windows has CRLF endings and often a BOM: the addition is made on its LF text, and
# the result given back the file's own endings, so the diff is the added lines and nothing
# else (every line of a CRLF file touched would bury them).

BOM = "\ufeff"

Line = tuple[str, str]
"""A line's text and its ending: "\r\n", "\n", or "" for a last line with none."""


def as_lf(text: str) -> str:
    """The text as the YAML layer edits it: no BOM, LF line endings."""
    return text.removeprefix(BOM).replace("\r\n", "\n")


def like_before(before: str, after: str) -> str:
    """``after`` (made from ``as_lf(before)``) with ``before``'s BOM and line endings: the
    lines the two share at the start and at the end keep their own endings, byte for byte,
    and the lines between (the addition, and any line it rewrote) end as most of
    ``before``'s lines do (lines rewritten one for one keep their own)."""
    old, new = _lines(before.removeprefix(BOM)), _lines(after)
    crlf = sum(ending == "\r\n" for _, ending in old)
    newline = "\r\n" if crlf > sum(ending == "\n" for _, ending in old) else "\n"
    shared = min(len(old), len(new))
    head = 0
    while head < shared and old[head][0] == new[head][0]:
        head += 1
    tail = 0
    while tail < shared - head and old[-1 - tail][0] == new[-1 - tail][0]:
        tail += 1

    def kept(mine: Line, theirs: Line) -> str:
        # An old last line without an ending gets one when lines now follow it.
        return mine[0] + (mine[1] or (newline if theirs[1] else ""))

    out = [kept(o, n) for o, n in zip(old[:head], new[:head], strict=True)]
    was, now = old[head : len(old) - tail], new[head : len(new) - tail]
    if len(was) == len(now):  # lines rewritten one for one keep their own endings
        pairs = zip(was, now, strict=True)
        out += [kept((text, mine[1]), (text, ending)) for mine, (text, ending) in pairs]
    else:
        out += [text + (newline if ending else "") for text, ending in now]
    out += [kept(o, n) for o, n in zip(old[len(old) - tail :], new[len(new) - tail :], strict=True)]
    return (BOM if before.startswith(BOM) else "") + "".join(out)


def _lines(text: str) -> list[Line]:
    """Each line and its ending (split at LF only: a value may hold other line breaks)."""
    parts = text.split("\n")
    lines = [(p[:-1], "\r\n") if p.endswith("\r") else (p, "\n") for p in parts[:-1]]
    if parts[-1]:
        lines.append((parts[-1], ""))
    return lines


def edit_bytes(raw: bytes, changes: Sequence[Change]) -> tuple[bytes, tuple[int, ...]]:
    """A file's bytes with every change made (its line endings and BOM kept), and the line
    each change landed on. ``raw`` must be a file ``parse_yaml`` accepts."""
    before = raw.decode("utf-8")
    edited = edit_text(as_lf(before), changes)
    return like_before(before, edited.text).encode("utf-8"), edited.lines


def edit_text(text: str, changes: Sequence[Change]) -> Edited:
    """``text`` with the changes made, one after the other, each checked: the values must be
    exactly the change made, and every comment must still be there (in its place, but for
    a removal, after which what follows a removed item is numbered one less)."""
    numbers: list[int] = []
    for change in changes:
        expected = apply(_values(text), change)
        edited, line = _make(text, change)
        try:
            doc = parse_yaml(edited.encode("utf-8"))
        except YamlProblem:
            doc = None
        if doc is None or doc.data != expected:
            raise CannotEdit(
                f"psstrat cannot make this change to `{_name(change.path)}` as text without "
                "touching something else; make it by hand (psstrat validate checks it)"
            )
        _comments_kept(text, edited, change)
        if change.op == "set":
            line = doc.positions.key(change.path)[0]
        elif change.op == "append":
            line = doc.positions.value((*change.path, len(_at(expected, change.path)) - 1))[0]
        numbers.append(line)
        text = edited
    return Edited(text, tuple(numbers))


def _comments_kept(before: str, after: str, change: Change) -> None:
    """Refuses an edit that would lose a comment, or (but for a removal) move one."""
    from collections import Counter

    from psstrat.yamlio.comments import comments, unkept

    old, new = comments(before), comments(after)
    lost = Counter(c.text for c in old) - Counter(c.text for c in new)
    gone = next((c for c in old if c.text in lost), None)
    if gone is None and change.op != "remove":
        gone = unkept(old, new)
    if gone is not None:
        raise CannotEdit(
            f"the change would {'lose' if gone.text in lost else 'move'} the comment at line "
            f"{gone.line} ({gone.text[:40]}); make it by hand, deciding where the comment goes"
        )


def apply(data: Any, change: Change) -> Any:
    """The plain values with the change made (a copy; dates written as ISO text, as the
    parser reads them)."""
    data = copy.deepcopy(data)
    *head, last = change.path
    node = data
    for step in head:
        node = node[step]
    if change.op == "set":
        node[last] = plain(change.value)
    elif change.op == "append":
        if not isinstance(node.get(last) if isinstance(node, dict) else node[last], list):
            node[last] = []
        node[last].append(plain(change.value))
    else:
        del node[last]
    return data


def plain(value: Any) -> Any:
    """A value as the parser gives it back: dates as ISO text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _values(text: str) -> Any:
    try:
        return parse_yaml(text.encode("utf-8"), positions=False).data
    except YamlProblem as exc:
        raise CannotEdit(
            f"line {exc.line}: {exc.message}; fix it first (psstrat validate)"
        ) from None


def _name(path: YamlPath) -> str:
    return ".".join(str(step) for step in path) or "the file"


# --- the nodes of a text, where they are ----------------------------------------------------


@dataclass
class _Node:
    kind: Literal["scalar", "map", "seq"]
    start: int
    end: int
    """Just past the node's last character of content (trailing line breaks excluded)."""
    flow: bool = False
    block_scalar: bool = False
    keys: dict[str, tuple[int, _Node]] = field(default_factory=dict)
    """A mapping's keys: where each key starts, and its value."""
    items: list[_Node] = field(default_factory=list)


# Named exception (C901): one loop over the events, each kind of event handled in one place.
def _tree(text: str) -> _Node:  # noqa: C901
    stack: list[_Node] = []
    pending: list[str | None] = []  # per open mapping: the key waiting for its value
    key_at: list[int] = []
    root: _Node | None = None

    def attach(node: _Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent = stack[-1]
        if parent.kind == "seq":
            parent.items.append(node)
        else:
            key = pending[-1]
            assert key is not None
            parent.keys[key] = (key_at[-1], node)
            pending[-1] = None

    for event in events(text):
        cls = event.__class__
        if cls is ScalarEvent:
            start, end = event.start_mark.index, event.end_mark.index
            if stack and stack[-1].kind == "map" and pending[-1] is None:
                pending[-1] = event.value
                key_at[-1] = start
                continue
            block = event.style in ("|", ">")
            while block and end > start and text[end - 1] in "\n ":
                end -= 1
            attach(_Node("scalar", start, end, block_scalar=block))
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            kind: Literal["map", "seq"] = "map" if cls is MappingStartEvent else "seq"
            node = _Node(
                kind, event.start_mark.index, event.start_mark.index, bool(event.flow_style)
            )
            attach(node)
            stack.append(node)
            pending.append(None)
            key_at.append(0)
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            node = stack.pop()
            pending.pop()
            key_at.pop()
            if node.flow:
                node.end = event.end_mark.index
            else:
                children = [v for _, v in node.keys.values()] if node.kind == "map" else node.items
                node.end = max((c.end for c in children), default=node.start)
    assert root is not None
    return root


def _find(root: _Node, path: YamlPath) -> _Node | None:
    node: _Node | None = root
    for step in path:
        if node is None:
            return None
        if node.kind == "map" and isinstance(step, str):
            found = node.keys.get(step)
            node = found[1] if found else None
        elif node.kind == "seq" and isinstance(step, int) and 0 <= step < len(node.items):
            node = node.items[step]
        else:
            return None
    return node


class _Lines:
    """The text's line starts, for finding a line by index."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.root = _tree(text)
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def number(self, index: int) -> int:
        """The 0-based line holding ``index``."""
        return bisect.bisect_right(self.starts, index) - 1

    def start(self, line: int) -> int:
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def after(self, index: int) -> int:
        """The start of the line after the one holding the character before ``index``."""
        return self.start(self.number(max(index - 1, 0)) + 1)

    def column(self, index: int) -> int:
        return index - self.starts[self.number(index)]


# --- making one change as text ------------------------------------------------------------


def _make(text: str, change: Change) -> tuple[str, int]:
    lines = _Lines(text)
    root = lines.root
    *head, last = change.path
    container = _find(root, tuple(head))
    if container is None:
        raise CannotEdit(f"`{_name(tuple(head))}` is not in the file")
    if container.flow:
        # `{likelihood: 4, impact: 5}`: the whole flow collection is written again.
        if not head:
            raise CannotEdit("the file is one flow mapping; run psstrat fmt on it first")
        value = _at(_values(text), tuple(head))
        new = apply({"x": value}, Change(change.op, ("x", last), change.value))["x"]
        # it stays in flow unless the change brings a list or mapping into it
        flow = not isinstance(change.value, dict | list)
        return _replace_whole(lines, tuple(head), new, flow=flow)
    if change.op == "append":
        return _append(lines, change)
    if change.op == "set" and container.kind != "map":
        raise CannotEdit(f"`{_name(tuple(head))}` is a list; its items are not set by place")
    if change.op == "set":
        if isinstance(last, str) and last in container.keys:
            return _replace_value(lines, change.path, change.value)
        return _insert_key(text, lines, container, change)
    return _remove(text, lines, container, last)


def _at(data: Any, path: YamlPath) -> Any:
    for step in path:
        data = data[step]
    return data


def _replace_whole(
    lines: _Lines, path: YamlPath, value: Any, flow: bool = False
) -> tuple[str, int]:
    """The node at ``path`` written again: as its key's value, or, a list item written in
    flow style on one line, as that line's flow collection."""
    text, root = lines.text, lines.root
    container = _find(root, tuple(path[:-1]))
    node = _find(root, path)
    assert container is not None and node is not None
    flat = flow
    if container.kind == "map":
        return _replace_value(lines, path, value, flat)
    if not node.flow or lines.number(node.start) != lines.number(node.end - 1):
        raise CannotEdit(f"`{_name(path)}` is written over several lines; change it by hand")
    if flat:
        return text[: node.start] + _flow(value) + text[node.end :], lines.number(node.start) + 1
    first, stop = lines.number(node.start), lines.after(node.end)
    if "#" in text[node.end : stop]:
        raise CannotEdit(f"`{_name(path)}` has a comment after it; move it above the item first")
    dash = lines.column(node.start) - 2
    new = item_text(_written(value), dash)
    return text[: lines.start(first)] + new + text[stop:], first + 1


def _flow(value: Any) -> str:
    """A mapping or list in flow style on one line, as the layout writes one."""
    import io

    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from psstrat.yamlio.layout import round_trip

    def styled(v: Any) -> Any:
        if isinstance(v, dict):
            m = CommentedMap((k, styled(x)) for k, x in v.items())
            m.fa.set_flow_style()
            return m
        if isinstance(v, list):
            s = CommentedSeq(styled(x) for x in v)
            s.fa.set_flow_style()
            return s
        return v

    out = io.StringIO()
    round_trip().dump({"x": styled(_written(value))}, out)
    written = out.getvalue()
    if written.count("\n") != 1:
        raise CannotEdit("the new value does not fit on one line; change it by hand")
    return written[3:-1]


def _line_of(lines: _Lines, at: int) -> int:
    """The 1-based number a line inserted at ``at`` (a line start) will have."""
    if at >= len(lines.text):
        return len(lines.text.splitlines()) + 1
    return lines.number(at) + 1


def _written(value: Any) -> Any:
    """A value to write: text that is an ISO date written as the date (plain, as the layout
    writes dates; psstrat reads it back as the same text either way)."""
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dict):
        return {k: _written(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_written(v) for v in value]
    return value


def _rendered(key: str, value: Any, column: int) -> list[str]:
    """``key: value`` in the canonical layout, as lines indented to ``column``."""
    text = document_text({key: _written(value)})
    return [" " * column + line + "\n" for line in text.splitlines()]


def _replace_value(
    lines: _Lines, path: YamlPath, value: Any, flow: bool = False
) -> tuple[str, int]:
    """The value of the key at ``path`` written again (``flow``: in flow style, as a flow
    collection that was there is)."""
    text, root = lines.text, lines.root
    *head, last = path
    container = _find(root, tuple(head))
    node = _find(root, path)
    assert container is not None and node is not None
    if container.kind == "seq":
        raise CannotEdit(f"`{_name(path)}` is a list item; it is not replaced as a whole")
    key_start = container.keys[str(last)][0]
    rendered = [f"{last}: {_flow(value)}\n"] if flow else _rendered(str(last), value, 0)
    if node.kind == "scalar" and node.start == node.end and len(rendered) == 1:
        # `key:` with nothing after it (null): the key's line is written again, its comment kept
        first = lines.number(key_start)
        line = text[lines.start(first) : lines.after(key_start)].rstrip("\n")
        comment = re.search(r"\s+#.*$", line)
        new = text[lines.start(first) : key_start] + rendered[0].rstrip("\n")
        new += (comment.group(0) if comment else "") + "\n"
        return text[: lines.start(first)] + new + text[lines.after(key_start) :], first + 1
    one_line = len(rendered) == 1 and not node.block_scalar
    same_line = lines.number(node.start) == lines.number(max(node.end - 1, node.start))
    if one_line and same_line and lines.number(node.start) == lines.number(key_start):
        new = rendered[0][len(str(last)) + 2 : -1]  # after `key: `
        rest = text[node.end : lines.after(node.end)]
        aligned = re.match(r"([ \t]+)#", rest)
        if aligned:  # an end-of-line comment stays in its column, where there is room
            width = len(aligned.group(1)) + (node.end - node.start) - len(new)
            rest = " " * max(1, width) + rest[len(aligned.group(1)) :]
        end = lines.after(node.end)
        return text[: node.start] + new + rest + text[end:], lines.number(node.start) + 1
    # A value over several lines, or one that becomes several: its lines are written again.
    first = lines.number(key_start)
    stop = lines.after(node.end)
    dropped = text[lines.start(first + 1) : stop]
    if any(line.lstrip().startswith("#") for line in dropped.splitlines()):
        raise CannotEdit(
            f"`{_name(path)}` has comments inside it that rewriting it would lose; "
            "move them above the key first"
        )
    column = lines.column(key_start)
    prefix = text[lines.start(first) : key_start]  # the indent, or `- ` of a list item
    block = _rendered(str(last), value, column)
    block[0] = prefix + block[0][column:]
    return text[: lines.start(first)] + "".join(block) + text[stop:], first + 1


def _insert_key(text: str, lines: _Lines, container: _Node, change: Change) -> tuple[str, int]:
    """A key the mapping does not have yet: on the line after the last key the layout puts
    before it (so comments leading into the next key still lead into it), else first."""
    key = str(change.path[-1])
    earlier = [k for k in container.keys if k in change.before]
    if not container.keys:
        raise CannotEdit(f"`{_name(change.path[:-1])}` is empty; add to it by hand")
    if earlier:
        _, node = container.keys[earlier[-1]]
        at = lines.after(node.end)
        column = lines.column(container.keys[earlier[-1]][0])
        new = "".join(_rendered(key, change.value, column))
        if at >= len(text) and not text.endswith("\n"):
            new = "\n" + new
        return text[:at] + new + text[at:], _line_of(lines, at)
    first_key, _ = next(iter(container.keys.values()))
    column = lines.column(first_key)
    if lines.text[lines.start(lines.number(first_key)) : first_key].strip():
        raise CannotEdit(f"cannot add `{key}` before a list item's first key; add it by hand")
    at = lines.start(lines.number(first_key))
    new = "".join(_rendered(key, change.value, column))
    return text[:at] + new + text[at:], lines.number(first_key) + 1


def _append(lines: _Lines, change: Change) -> tuple[str, int]:
    text, root = lines.text, lines.root
    *head, key = change.path
    target = _find(root, change.path)
    if target is not None and target.kind == "seq" and target.items and not target.flow:
        last = target.items[-1]
        if all(item.kind == "map" and item.flow for item in target.items):
            # `- {likelihood: 5, impact: 5, date: 2004-10-07}`: the new item is written so too
            at = lines.after(last.end)
            new = " " * (lines.column(last.start) - 2) + "- " + _flow(change.value) + "\n"
            return text[:at] + ("\n" if change.spaced else "") + new + text[at:], 0
    if target is not None and target.kind == "seq" and target.flow and target.items:
        value = [*list(_values_at(text, change.path)), change.value]
        return _replace_value(lines, change.path, value, flow=True)
    place = ListPlace(tuple(head), str(key), change.after, change.spaced)
    try:
        new_text = append_item(text, place, change.value)
    except (CannotAppend, YamlProblem) as exc:
        raise CannotEdit(str(exc)) from None
    if change.flow and isinstance(change.value, dict):  # the new item on one line, in flow
        after = _Lines(new_text)
        found = _find(after.root, change.path)
        assert found is not None and found.items, change.path
        item = found.items[-1]
        first, stop = after.number(item.start), after.after(item.end)
        dash = after.column(item.start) - 2
        line = " " * dash + "- " + _flow(change.value) + "\n"
        new_text = new_text[: after.start(first)] + line + new_text[stop:]
    return new_text, 0


def _values_at(text: str, path: YamlPath) -> Any:
    return _at(_values(text), path)


def _remove(text: str, lines: _Lines, container: _Node, last: str | int) -> tuple[str, int]:
    if container.kind == "map":
        key_start, node = container.keys[str(last)]
        first = lines.number(key_start)
        if lines.text[lines.start(first) : key_start].strip():
            raise CannotEdit(f"cannot remove `{last}`, a list item's first key; remove the item")
    else:
        assert isinstance(last, int)
        node = container.items[last]
        first = lines.number(node.start)
    stop = lines.after(node.end)
    removed = text[lines.start(first + 1) : stop]
    if any(line.lstrip().startswith("#") for line in removed.splitlines()):
        raise CannotEdit("what is removed holds comments; remove it by hand, deciding on them")
    begin = lines.start(first)
    # a list whose items are spaced by a blank line keeps one blank line between the rest
    if container.kind == "seq" and begin >= 2 and text[begin - 2 : begin] == "\n\n":
        begin -= 1
    elif container.kind == "seq" and last == 0 and text[stop : stop + 1] == "\n":
        stop += 1
    return text[:begin] + text[stop:], first + 1


__all__ = [
    "CannotEdit",
    "Change",
    "Edited",
    "apply",
    "as_lf",
    "edit_bytes",
    "edit_text",
    "item_text",
    "like_before",
    "plain",
]
