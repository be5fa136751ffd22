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
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from psstrat.isodate import parse_iso
from psstrat.yamlio.comments import Outline, comments, outline
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


class CannotLayOut(Exception):
    """The round trip failed on a file ``parse_yaml`` accepts (ruamel.yaml's pure Python
    scanner is stricter than libyaml, or it cannot place a comment); the file is left as it
    is. ``line`` and ``column`` are 1-based, in the file."""

    def __init__(self, reason: str, line: int = 1, column: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column


def canonical_yaml(raw: bytes, shape: Shape) -> str:
    """The text of a file in the one canonical layout, keeping every comment it can.

    Round-trips with ruamel.yaml (which keeps comments and block-scalar styles), puts keys in
    the shape's order (unknown and ``x-`` keys after, as they were), writes date fields as
    plain ISO dates and null as ``null``, indents mappings by 2 and list items by 2 with the
    dash, never wraps a line, and leaves blank lines only where one was (one at most), plus
    exactly one before every item but the first of a spaced list.

    The layout has no document markers: the comments before the first key (above a ``---``
    too) and after the last value (below a ``...`` too) are kept verbatim around the body,
    which is all ruamel sees. Before the round trip, what libyaml accepts and ruamel's
    stricter scanner does not is made plain: CRLF line ends become LF, blanks at the end of
    a line (outside quoted and block text) go, a tab between tokens becomes a space, and a
    plain scalar holding a tab is double-quoted.

    Call it only on bytes that ``parse_yaml`` accepts (so nothing here meets an alias or a
    tag); the caller checks that the result holds the same values and the same comments in
    the same places (yamlio.comments). Raises CannotLayOut when the round trip fails.
    """
    import io

    text = decode(raw).replace("\r\n", "\n")
    try:
        found = outline(text)
    except Exception as exc:  # (not on a file parse_yaml accepts: the same parser)
        raise _cannot(exc, 0) from None
    lo, hi = _body_span(text, found)
    tabs_kept = [c.index for c in comments(text, found)] if "\t" in text else []  # (in comments)
    body = _prepared(text, found, tabs_kept, lo, hi)
    yaml = round_trip()
    try:
        tree = yaml.load(body)
        _reshape(tree, shape)
        out = io.StringIO()
        yaml.dump(tree, out)
    except Exception as exc:  # anything ruamel raises on a file libyaml reads: not a crash
        raise _cannot(exc, text.count("\n", 0, lo)) from None
    last = found.scalars[-1] if found.scalars else None
    after_block = last is not None and last.style in ("|", ">")
    head, tail = _verbatim(text[:lo]), _verbatim(text[hi:], dedent=after_block)
    return space(head + out.getvalue() + tail, shape.spaced_keys())


def _body_span(text: str, found: Outline) -> tuple[int, int]:
    """Where the body starts (the line of the first key or value) and ends (after the line
    of the last value); around it are only comments, blank lines, directives and markers."""
    first = found.points[0].at if found.points else 0
    lo = text.rfind("\n", 0, first) + 1
    last = found.content_end()
    if last == 0 or text[last - 1] == "\n":
        return lo, max(lo, last)
    newline = text.find("\n", last)
    return lo, len(text) if newline < 0 else newline + 1


_MARKER = re.compile(r"^(?:---|\.\.\.)(?=[ \t]|$)")


def _verbatim(part: str, dedent: bool = False) -> str:
    """The lines before or after the body as the layout keeps them (``space`` then tidies
    the blank lines): comments, and a document marker's comment on a line of its own; no
    directive, no marker. With ``dedent`` (the body ends in block text, which an indented
    line would join) every comment starts its line."""
    lines: list[str] = []
    for line in part.split("\n"):
        marker = _MARKER.match(line)
        if marker:
            line = line[marker.end() :].strip()
            if not line:
                continue
        elif line.startswith("%"):
            continue
        lines.append(line.strip() if dedent else line.rstrip())
    return "\n".join(lines)


Edit = tuple[int, int, str]
"""Replace ``text[start:end]`` with a string."""


def _prepared(text: str, found: Outline, comment_starts: list[int], lo: int, hi: int) -> str:
    """The body as ruamel's scanner reads it, holding the same values: a document marker
    blanked, a plain scalar holding a tab double-quoted, blanks at line ends dropped (but in
    quoted and block text), and other tabs outside scalars and comments made spaces."""
    edits = _quoting(text, found)
    marker = found.start_marker
    if marker is not None and lo <= marker[0] < hi:  # `--- {...}`: the body starts on its line
        after = len(text[marker[1] : hi]) - len(text[marker[1] : hi].lstrip(" \t"))
        edits.append((marker[0], marker[1] + after, ""))
    rewritten = {(start, end) for start, end, _ in edits}
    blanks = _line_end_blanks(text, found, lo, hi, rewritten)
    spans = [(at, _line_end(text, at)) for at in comment_starts]
    kept = sorted([*spans, *((start, end) for start, end, _ in blanks)])
    edits += blanks + _tabs(text, found, lo, hi, kept)
    parts: list[str] = []
    done = lo
    for start, stop, new in sorted(edits):
        if start < done:
            continue  # inside a scalar already rewritten
        parts += [text[done:start], new]
        done = stop
    return "".join([*parts, text[done:hi]])


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return end if end >= 0 else len(text)


def _quoting(text: str, found: Outline) -> list[Edit]:
    """Plain scalars with a tab in their text, double-quoted (ruamel's scanner stops at a
    tab in plain text)."""
    import json

    return [
        (span.start, span.end, json.dumps(span.value, ensure_ascii=False))
        for span in found.scalars
        if span.style == "" and "\t" in text[span.start : span.end]
    ]


def _line_end_blanks(
    text: str, found: Outline, lo: int, hi: int, rewritten: set[tuple[int, int]]
) -> list[Edit]:
    """Spaces and tabs at the ends of lines, dropped: all but those in quoted or block text
    (where they may be part of the value) or in a scalar quoted anyway."""
    edits: list[Edit] = []
    for blank in re.finditer(r"[ \t]+$", text[lo:hi], re.M):
        at = lo + blank.start()
        inside = found.inside_scalar(at)
        if inside is None or (inside.style == "" and (inside.start, inside.end) not in rewritten):
            edits.append((at, lo + blank.end(), ""))
    return edits


def _tabs(text: str, found: Outline, lo: int, hi: int, kept: list[tuple[int, int]]) -> list[Edit]:
    """Tabs between tokens, made spaces: not those in a scalar or in the ``kept`` ranges (the
    comments, and the blanks dropped anyway), sorted by start."""
    import bisect

    starts = [start for start, _ in kept]
    edits: list[Edit] = []
    for tab in re.finditer("\t", text[lo:hi]):
        at = lo + tab.start()
        near = bisect.bisect_right(starts, at) - 1
        if (near >= 0 and at < kept[near][1]) or found.inside_scalar(at) is not None:
            continue
        edits.append((at, at + 1, " "))
    return edits


def _cannot(exc: Exception, lines_before: int) -> CannotLayOut:
    """What went wrong in the round trip, in one line, placed in the file."""
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    reason = str(problem) if problem else (str(exc).splitlines() or [type(exc).__name__])[0]
    if len(reason) > 120:
        reason = reason[:117] + "..."
    if mark is None:
        return CannotLayOut(reason)
    return CannotLayOut(reason, mark.line + 1 + lines_before, mark.column + 1)


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


def _reshape(node: Any, shape: Shape, put_above: Callable[[str], None] | None = None) -> None:
    """Put a mapping, and those under it, in the shape's layout; ``put_above`` puts comments
    above the mapping (a list item's: above its dash), when its first key is not."""
    if not hasattr(node, "move_to_end"):
        return
    wanted = [k for k in shape.order if k in node] + [k for k in node if k not in shape.order]
    if list(node) != wanted:
        _reorder(node, wanted, put_above)
    for key in shape.dates & set(node):
        value = node[key]
        if isinstance(value, str):
            with contextlib.suppress(ValueError):  # not a real date: left for validate
                node[key] = parse_iso(value) or value
    for key, child in shape.children.items():
        value = node.get(key)
        if isinstance(value, list):
            for index, item in enumerate(value):
                _reshape(item, child, functools.partial(_before, value, index))
        else:
            _reshape(value, child)


def _reorder(node: Any, wanted: list[Any], put_above: Callable[[str], None] | None = None) -> None:
    """Put a mapping's keys in the wanted order, keeping each comment with what it is about.

    An end-of-line comment stays with its key, and so do the comments at the start of a
    key's list or mapping. Whole-line comments below a key's value lead into the key that
    followed them, so they move to stay just above it; above the key that comes first, they
    go above the mapping (``put_above``; by default before that key, which for a list item
    would be after its dash). Those after the last key stay at the end of the mapping. ruamel
    keeps them in one token with the end-of-line comment of the value they follow, and for a
    block list or mapping in its last scalar (``_end_slot``).
    """
    keys = list(node)
    _lift(node, keys, wanted[0])
    tails = {key: _split(*_end_slot(node, key))[1] for key in keys}
    leading = {keys[i + 1]: tails[keys[i]] for i in range(len(keys) - 1)}
    for key in wanted:
        node.move_to_end(key)
    for index, key in enumerate(wanted):
        tail = leading.get(wanted[index + 1], "") if index + 1 < len(wanted) else tails[keys[-1]]
        _set_tail(*_end_slot(node, key), tail)
    lead = leading.get(wanted[0], "")
    if lead.strip():
        (put_above or functools.partial(_before, node, wanted[0]))(lead)


def _before(node: Any, at: Any, text: str) -> None:
    """Whole-line comments printed just before a key, or before a list item's dash."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    entry = node.ca.items.setdefault(at, [None, None, None, None])
    entry[1] = [*(entry[1] or []), CommentToken(text, CommentMark(0), None)]


def _lift(node: Any, keys: list[Any], first: Any) -> None:
    """Comments ruamel keeps *before* a key (a comment less indented than the mapping) made
    whole-line comments below the key above it, as the others are; those before the first
    key stay before whichever key comes first."""
    for above, key in itertools.pairwise(keys):
        entry = node.ca.items.get(key)
        if entry and len(entry) > 1 and entry[1]:
            owner, at, slot = _end_slot(node, above)
            _set_tail(owner, at, slot, _split(owner, at, slot)[1] + _joined(entry[1]))
            entry[1] = None
    entry = node.ca.items.get(keys[0])
    if first != keys[0] and entry and len(entry) > 1 and entry[1]:
        moved = node.ca.items.setdefault(first, [None, None, None, None])
        moved[1], entry[1] = entry[1], None


def _joined(tokens: Any) -> str:
    """Comment tokens as the lines they were (a token's text leaves out its indent)."""
    return "".join(" " * t.column + t.value for t in tokens if t is not None)


def _end_slot(parent: Any, key: Any) -> tuple[Any, Any, int]:
    """Where ruamel keeps the comments after the value at ``parent[key]``: in ``owner.ca
    .items[at][slot]``, the last scalar (or flow collection) of a block list or mapping."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    value = parent[key]
    if isinstance(value, CommentedMap | CommentedSeq) and value and not value.fa.flow_style():
        last = next(reversed(value)) if isinstance(value, CommentedMap) else len(value) - 1
        return _end_slot(value, last)
    return parent, key, 2 if isinstance(parent, CommentedMap) else 0


def _split(owner: Any, at: Any, slot: int) -> tuple[str, str]:
    """A value's comment token as (its end-of-line part, the whole lines below it). After a
    block scalar the token holds only the lines below: the scalar took the line's end."""
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    entry = owner.ca.items.get(at)
    token = entry[slot] if entry and len(entry) > slot else None
    text: str = token.value if token is not None else ""
    if isinstance(owner[at], LiteralScalarString | FoldedScalarString):
        return "", text
    cut = text.find("\n") + 1 if "\n" in text else len(text)
    return text[:cut], text[cut:]


def _set_tail(owner: Any, at: Any, slot: int, tail: str) -> None:
    """Make ``tail`` the whole-line comments below the value at ``owner[at]``."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
    from ruamel.yaml.tokens import CommentToken

    head, _ = _split(owner, at, slot)
    block = isinstance(owner[at], LiteralScalarString | FoldedScalarString)
    text = ((head or ("" if block else "\n")) + tail) if tail else head
    entry = owner.ca.items.get(at)
    token = entry[slot] if entry and len(entry) > slot else None
    if token is not None:
        if text.strip("\n"):
            token.value = text
        else:
            entry[slot] = None
    elif text.strip():
        entry = entry or [None, None, None, None]
        entry[slot] = CommentToken(text, CommentMark(0), None)
        owner.ca.items[at] = entry


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


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.()'/&-]*")
_WORDS_THAT_ARE_VALUES = frozenset(
    {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}
)


def quick_text(values: dict[str, Any]) -> str | None:
    """The text `document_text` would give, made without the round trip, for the simple
    shapes a new file often has (scalars; flow mappings of scalars; lists of scalars or of
    such mappings), or None. What it gives is a guess: callers keep it only when the
    canonical check and the parser agree (psstrat.commands.import_.risks)."""
    lines = []
    for key, value in values.items():
        if isinstance(value, dict):
            flow = _flow(value)
            if flow is None:
                return None
            lines.append(f"{key}: {flow}")
        elif isinstance(value, list):
            if value and all(isinstance(v, dict) for v in value):
                items = [_flow(v) for v in value]
                if any(i is None for i in items):
                    return None
                lines.append(f"{key}:")
                lines += [f"  - {i}" for i in items]
            else:
                said = [_scalar(v, flow=True) for v in value]
                if any(x is None for x in said):
                    return None
                lines.append(f"{key}: [{', '.join(x for x in said if x is not None)}]")
        else:
            said_one = _scalar(value)
            if said_one is None:
                return None
            lines.append(f"{key}: {said_one}")
    return "\n".join(lines) + "\n"


def _flow(value: dict[str, Any]) -> str | None:
    if not value or len(value) > 3:
        return None
    parts = []
    for key, item in value.items():
        said = _scalar(item, flow=True)
        if said is None or not isinstance(key, str):
            return None
        parts.append(f"{key}: {said}")
    return "{" + ", ".join(parts) + "}"


def _scalar(value: Any, flow: bool = False) -> str | None:
    """A scalar as plain text, where that is sure to read back as itself (in flow, no comma:
    it would end the item); else None."""
    import datetime as dt

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if (
        isinstance(value, str)
        and _PLAIN.fullmatch(value)
        and value.lower() not in _WORDS_THAT_ARE_VALUES
    ):
        if value.endswith(" ") or "  " in value or (flow and "," in value):
            return None
        return value
    return None


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
        if (
            value
            and all(isinstance(v, scalar) and not _flow_unsafe(v) for v in value.values())
            and len(value) <= 3
        ):
            styled.fa.set_flow_style()
        return styled
    if isinstance(value, list):
        seq = CommentedSeq(_styled(v) for v in value)
        if all(isinstance(v, scalar) and not _flow_unsafe(v) for v in value):
            seq.fa.set_flow_style()
        return seq
    return value


def _flow_unsafe(value: Any) -> bool:
    """Text the emitter writes plain in flow style that libyaml cannot read back there (`a ?
    b`, `?q`): such a mapping or list is written in block style."""
    return isinstance(value, str) and "?" in value


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
