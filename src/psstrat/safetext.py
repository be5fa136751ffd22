"""Text from the data, made safe to show: every output escapes what it prints.

Every data file and template in a pull request is untrusted. A title can carry a newline and
`::error file=...::` (a line GitHub Actions would obey), an escape sequence for the terminal,
a line or paragraph separator that starts a heading in Markdown, a bidi override that makes a
line read differently than it is, or `=HYPERLINK(...)` for a spreadsheet. `validate` reports
these as errors (the `control-character` rule); the functions here make sure that, whatever
reaches an output, it is shown and never obeyed.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Literal, TypeVar

T = TypeVar("T")

BIDI = "\u202a-\u202e\u2066-\u2069"
"""Bidi embeddings, overrides and isolates: they reorder what a reader sees."""
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""Everything Python's str.splitlines() (and Unicode) treats as a line break."""
UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{BIDI}]")
"""C0 and C1 controls, DEL, the line and paragraph separators, and bidi controls."""
UNSAFE_BUT_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029{BIDI}]")
"""The same without the newline (a YAML file is made of lines)."""
_BREAKS = re.compile(f"[{LINE_BREAKS}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_char(ch: str) -> str:
    """One unsafe character as visible text: `\\n`, `\\x1b`, `\\u2028`."""
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Controls, line and paragraph separators and bidi controls shown as escapes, so the text
    stays on one line and is read as it is (terminal tables, text and GitHub output)."""
    if UNSAFE.search(text) is None:
        return text
    return UNSAFE.sub(lambda m: escape_char(m[0]), text)


def one_line(text: str) -> str:
    """Every Unicode line break as a space, other unsafe characters as escapes (Markdown and
    HTML, where a line break in a value must not start a new block)."""
    if UNSAFE.search(text) is None:  # every line break is an unsafe character: most text
        return text
    return visible(_BREAKS.sub(" ", text))


def one_line_all(value: T) -> T:
    """``value`` with every string inside it (frozen dataclasses, tuples) made `one_line`:
    how a report context is cleaned once, before any template sees it."""
    if isinstance(value, str):
        return one_line(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        cleaned = tuple(one_line_all(v) for v in value)
        same = all(new is old for new, old in zip(cleaned, value, strict=True))
        return value if same else cleaned  # type: ignore[return-value]
    kind: type = type(value)
    names = _field_names(kind)
    if names:
        changes = {}
        for name in names:
            old = getattr(value, name)
            new = one_line_all(old)
            if new is not old:  # what needs no change comes back as it was
                changes[name] = new
        return dataclasses.replace(value, **changes) if changes else value  # type: ignore[type-var]
    return value


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    """A dataclass's field names (empty for anything else), worked out once per type."""
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else ()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A cell a spreadsheet shows and never evaluates: text starting with `= + - @`, a tab or
    a carriage return gets a leading `'` (OWASP's advice); numbers are left as they are."""
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START):
        value = "'" + value
    return visible(value)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~])")
_MD_LINE_START = re.compile(r"^([#>+=:-]|\d+[.)])")
_MD_CLOSING_HASHES = re.compile(r"(?<=[ \t])#(?=#*[ \t]*$)")
"""The `#`s a heading would take as its closing sequence when the text ends one."""


def md_escape(value: object) -> str:
    """User text for Markdown: on one line (every Unicode line break is a space), with the
    characters that Markdown or HTML would interpret escaped, so the text is shown, never
    obeyed (and `&` cannot start an entity). A template may put the text at the start of a
    line, so it never starts with `:` (`::error` there is a workflow command when the paper
    is printed in CI) and, `[` being escaped, `##[` never appears in it. White space at
    either end is left out: no viewer shows it, and before a closing `**` it would undo the
    bold (tests/test_markdown_escape.py reads every string back through a CommonMark
    parser, in every place the paper puts one)."""
    text = one_line(str(value)).strip().replace("&", "&amp;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_CLOSING_HASHES.sub(r"\\#", text, count=1)
    return _MD_LINE_START.sub(_escape_line_start, text)


def _escape_line_start(m: re.Match[str]) -> str:
    """The backslash goes before the punctuation that would start a block: `\\#`, `\\-`,
    and for an ordered list marker after its digits (`2\\. agreed`): CommonMark escapes only
    ASCII punctuation, so a backslash before a digit would be shown."""
    mark = m[1]
    return f"{mark[:-1]}\\{mark[-1]}" if mark[0].isdigit() else f"\\{mark}"


# -- workflow commands --------------------------------------------------------------------

Style = Literal["text", "json", "md", "html"]

_BLANK = r"\s\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
"""What may come before `::` on a line the runner obeys: the runner's TrimStart() trims every
Unicode white space character (U+00A0, U+2000-U+200A, U+3000...: all in Python's \\s); the
zero-width and format characters are counted too, with a margin (the runner compares through
ICU, where they weigh nothing)."""
_COMMAND_START = re.compile(rf"(?:\A|(?<=[{LINE_BREAKS}]))([{_BLANK}]*):(?=:)")
_ESCAPES: dict[Style, tuple[str, str]] = {
    "text": ("\\x3a", "\\x23"),  # as visible() shows a control: `\x3a:error`, `#\x23[`
    "json": ("\\u003a", "\\u0023"),  # JSON's own: json.loads gives the text back unchanged
    "md": ("\\:", "\\#"),  # a backslash before punctuation is Markdown's own escape
    "html": ("&#58;", "&#35;"),  # a character reference, shown as the character itself
}


def inert(text: str, style: Style = "text") -> str:
    """``text`` with no line the GitHub Actions runner would obey, whatever the data in it.

    The runner reads a step's stdout and stderr line by line and obeys a line whose first
    characters after white space are `::` (`::error file=...::`, `::add-mask::`,
    `::stop-commands::`) and a line holding `##[` anywhere (the legacy `##[error]...`);
    tests/actions_runner.py ports its parsers. So the first `:` of such a line and the second
    `#` of every `##[` are escaped: visibly in text (`\\x3a:error`, `#\\x23[`, as visible()
    shows a control), else in the output's own syntax (``style``): JSON's `\\u003a` and
    `\\u0023` (only a string can hold either, and json.loads gives back exactly the value),
    Markdown's backslash, HTML's character reference. Any of LINE_BREAKS starts a line, not
    only the runner's \\n and \\r, so a viewer that breaks lines elsewhere is covered too.

    Every presenter passes what it prints through here once, last, so no path from the data
    to a line can miss it; psstrat's own `--format github` commands are assembled from values
    passed through here.
    """
    if "::" not in text and "##[" not in text:
        return text
    colon, hash_ = _ESCAPES[style]
    text = text.replace("##[", f"#{hash_}[")
    return _COMMAND_START.sub(lambda m: m[1] + colon, text)
