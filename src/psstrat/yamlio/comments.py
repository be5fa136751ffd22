"""Where a text's comments stand, so `psstrat fmt` can prove it kept every one in its place.

A comment is a ``#`` at the start of a line or after a space or tab, outside every scalar
(libyaml's events give each scalar's span, so a ``#`` in quoted or block text is not one).
Each comment has an *anchor*, what it is about, named by YAML path (key and value told
apart) so that it survives keys being put in order: an end-of-line comment is about the last
key or value before it on its line ("after" it; after a whole ``[...]`` or ``{...}``, about
all of it); a comment on a line of its own is about the next key or value ("before" it), or
the end of the file. Just above a list or mapping, it is as much about the list or mapping as
about its first entry: a header stays a header whatever key comes first, and a comment above
a key stays in its place when the layout puts that key first, the comment above its mapping.

fmt compares the comments of a file before and after laying it out (``unkept``): each must
be there with the same text and a reading of its anchor in common, or the file is left as
it is and the first comment that would be lost or moved is reported.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ruamel.yaml.events import (
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from psstrat.yamlio.composing import YamlPath
from psstrat.yamlio.parser import events

Anchor = tuple[YamlPath, str, str]
"""(path, "key" | "value" | "end", "after" | "before"): what a comment is about."""

END: Anchor = ((), "end", "before")

_COMMENT = re.compile("#")
"""Outside every scalar, a ``#`` can only start a comment (after a space, or straight after
a closing quote or bracket, as libyaml reads it), unless it is inside a comment already."""
_MARKERS = ("---", "...")


class Point(NamedTuple):
    """A key or a value (a scalar, or the start of a list or mapping) where it starts.
    (Tuples: one is made for every key and value of a file.)"""

    at: int
    path: YamlPath
    role: str
    """"key" or "value"."""
    scalar: bool


class Span(NamedTuple):
    """A scalar (or flow collection) from its first character to just past its last."""

    start: int
    end: int
    style: str
    """"" plain, ``'`` or ``"`` quoted, ``|`` or ``>`` block; ``[`` or ``{`` a flow
    collection."""
    value: str = ""
    path: YamlPath = ()
    """Of a flow collection: where it is."""


@dataclass
class Outline:
    """What one pass over libyaml's events tells about a text: its keys and values in
    document order, its scalars' and outermost flow collections' spans, and where its
    explicit ``---`` is (start and end, or None)."""

    points: list[Point]
    scalars: list[Span]
    flows: list[Span]
    start_marker: tuple[int, int] | None
    _scalar_starts: list[int] = field(init=False, repr=False)
    _flow_starts: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._scalar_starts = [s.start for s in self.scalars]
        self._flow_starts = [f.start for f in self.flows]

    def content_end(self) -> int:
        """Just past the last scalar or flow collection: only comments, blank lines and
        ``...`` may follow."""
        ends = [s.end for s in self.scalars[-1:]] + [f.end for f in self.flows[-1:]]
        return max(ends, default=0)

    def inside_scalar(self, index: int) -> Span | None:
        """The scalar whose text holds ``index``, if any."""
        at = bisect.bisect_right(self._scalar_starts, index) - 1
        if at >= 0 and index < self.scalars[at].end:
            return self.scalars[at]
        return None

    def flow_at(self, index: int) -> Span | None:
        """The (outermost) flow collection, ``[ ]`` or ``{ }``, that holds ``index``."""
        at = bisect.bisect_right(self._flow_starts, index) - 1
        if at >= 0 and index < self.flows[at].end:
            return self.flows[at]
        return None


# Named exception (C901): one loop over libyaml's events, every kind decided in one place.
@functools.lru_cache(maxsize=2)
def outline(text: str) -> Outline:  # noqa: C901
    """One pass over libyaml's events for ``text`` (which ``parse_yaml`` accepts). The last
    two are kept: fmt outlines a file's text for the round trip and again for the check,
    and nothing changes an Outline."""
    points: list[Point] = []
    scalars: list[Span] = []
    flows: list[Span] = []
    start_marker = None
    # Open collections: [path, is a mapping, the key awaiting its value, items so far]
    stack: list[list[Any]] = []
    flow_start: Any = None  # the outermost open flow collection, and its depth
    flow_depth = 0
    flow_path: YamlPath = ()
    point, span = points.append, scalars.append
    for event in events(text):
        cls = event.__class__
        start = event.start_mark.index
        if cls is ScalarEvent:
            value = event.value
            if stack:
                frame = stack[-1]
                if frame[1] and frame[2] is None:
                    frame[2] = value
                    point(Point(start, (*frame[0], value), "key", True))
                    span(Span(start, event.end_mark.index, event.style or ""))
                    continue
                point(Point(start, (*frame[0], frame[2] if frame[1] else frame[3]), "value", True))
                frame[2] = None
                frame[3] += 1
            else:
                point(Point(start, (), "value", True))
            span(Span(start, event.end_mark.index, event.style or "", value))
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            path: YamlPath = ()
            if stack:
                frame = stack[-1]
                path = (*frame[0], frame[2] if frame[1] else frame[3])
                frame[2] = None
                frame[3] += 1
            point(Point(start, path, "value", False))
            if event.flow_style and flow_start is None:
                flow_start, flow_depth, flow_path = event, len(stack), path
            stack.append([path, cls is MappingStartEvent, None, 0])
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            stack.pop()
            if flow_start is not None and len(stack) == flow_depth:
                style = "{" if flow_start.__class__ is MappingStartEvent else "["
                start = flow_start.start_mark.index
                flows.append(Span(start, event.end_mark.index, style, path=flow_path))
                flow_start = None
        elif cls is DocumentStartEvent and event.explicit:
            start_marker = (start, event.end_mark.index)
    return Outline(points, scalars, flows, start_marker)


@dataclass(frozen=True)
class Comment:
    """One comment: its text (from ``#``, trailing blanks dropped), where it is (1-based, and
    its index in the text), what it is about, and whether it stands inside a flow collection
    (``[ ]``, ``{ }``) or between a key and its value."""

    text: str
    line: int
    column: int
    index: int
    anchor: Anchor
    """What it is about; for a comment above the start of a list or mapping, the outermost."""
    anchors: frozenset[Anchor]
    """Every reading of ``anchor``: a comment just above a list or mapping is as much about
    its first entry (and so on down, to the first key or scalar), so one above a key stays in
    its place when the layout puts that key first and the comment above the mapping."""
    in_flow: bool = False
    between: bool = False
    """Between a key and its scalar value (which is on a later line): the layout writes the
    two on one line, so no place is left for it."""

    def cannot_stay(self) -> bool:
        """Whether no layout can keep it where it is: inside a flow collection (written on
        one line) or between a key and its scalar value."""
        return self.in_flow or self.between


def comments(text: str, known: Outline | None = None) -> list[Comment]:
    """Every comment of ``text`` (which ``parse_yaml`` accepts), in order, with its anchor;
    ``known`` is the text's outline when the caller has it already."""
    shape = known or outline(text)
    indices = [p.at for p in shape.points]
    found: list[Comment] = []
    line, counted = 1, 0  # the line number at ``counted``, counted on as comments are met
    within = -1  # the end of the last comment found: a `#` before it is its text
    for match in _COMMENT.finditer(text):
        at = match.start()
        if at < within or shape.inside_scalar(at) is not None:
            continue
        line += text.count("\n", counted, at)
        counted = at
        found.append(_comment(text, shape, indices, at, line))
        end = text.find("\n", at)
        within = len(text) if end < 0 else end
    return found


def _comment(text: str, shape: Outline, indices: list[int], at: int, line: int) -> Comment:
    points = shape.points
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at)
    body = text[at : len(text) if line_end < 0 else line_end].rstrip()
    following = bisect.bisect_right(indices, at)
    nxt = points[following] if following < len(points) else None
    last = points[following - 1] if following > 0 else None
    ahead = text[line_start:at].strip()
    if ahead in ("", *_MARKERS) or ahead.startswith("%") or last is None:
        # on a line of its own (or after a marker or a directive, which are not kept)
        chain = _chain(points, following)
        anchors = frozenset((p.path, p.role, "before") for p in chain) or {END}
        anchor = (chain[0].path, chain[0].role, "before") if chain else END
    else:
        anchor = (last.path, last.role, "after")
        flow = shape.flow_at(last.at)
        if flow is not None and flow.end <= at:  # after a whole `[...]`: about all of it
            anchor = (flow.path, "value", "after")
        anchors = frozenset({anchor})
    between = (
        last is not None
        and nxt is not None
        and last.role == "key"
        and nxt.scalar
        and nxt.path == last.path
    )
    return Comment(
        body,
        line,
        at - line_start + 1,
        at,
        anchor,
        frozenset(anchors),
        in_flow=shape.flow_at(at) is not None,
        between=between,
    )


def _chain(points: list[Point], start: int) -> list[Point]:
    """The point at ``start`` and, while it starts a list or mapping, its first entry."""
    chain = points[start : start + 1]
    at = start
    while chain and not chain[-1].scalar and at + 1 < len(points):
        child = points[at + 1]
        if child.path[:-1] != chain[-1].path or len(child.path) != len(chain[-1].path) + 1:
            break  # an empty `[]` or `{}`
        chain.append(child)
        at += 1
    return chain


def unkept(before: Sequence[Comment], after: Sequence[Comment]) -> Comment | None:
    """The first comment of ``before`` that ``after`` does not hold with the same text and a
    reading of its anchor in common (lost or moved); or, when ``after`` holds one more, the
    first of ``before`` with its text (or the first of all). None when every comment is kept
    in its place."""
    left: dict[str, list[Comment]] = {}
    for comment in after:
        left.setdefault(comment.text, []).append(comment)
    for comment in before:
        same = left.get(comment.text, [])
        match = next((c for c in same if c.anchors & comment.anchors), None)
        if match is None:
            return comment
        same.remove(match)
    extra = {text for text, rest in left.items() if rest}
    if not extra:
        return None
    return next((c for c in before if c.text in extra), (*before, *after)[0])


def moved(comment: Comment, after: Sequence[Comment]) -> bool:
    """Whether ``after`` still holds the comment's text, elsewhere (moved, not lost)."""
    return any(c.text == comment.text for c in after)


def where(anchor: Anchor) -> str:
    """An anchor in a user's words: `controls[0].status`, `the top of the file`."""
    path, role, _ = anchor
    if role == "end":
        return "the end of the file"
    if not path:
        return "the top of the file"
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else f".{step}" if text else str(step)
    return f"`{text}`"
