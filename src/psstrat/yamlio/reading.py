"""Safe reading: a file's bytes (a regular file, at most 1 MiB), decoded as UTF-8, with nothing
hidden in it, composed into one mapping; and the words for a value in a message."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

from ruamel.yaml.events import ScalarEvent

from psstrat.yamlio.composing import Document, Positions, YamlProblem, compose
from psstrat.yamlio.parser import events

MAX_BYTES = 1024 * 1024
"""Files larger than this are refused unread (1 MiB)."""


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
    text = decode(raw)
    if not text.strip():
        if empty_ok:
            return Document({}, Positions())
        raise YamlProblem("file is empty", help="write a mapping of keys, or delete the file")
    data, where, unsafe = compose(text, positions)
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
        for event in events(text)
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


def decode(raw: bytes) -> str:
    """A file's text: UTF-8 (a leading BOM dropped) with no NUL; YamlProblem otherwise."""
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
