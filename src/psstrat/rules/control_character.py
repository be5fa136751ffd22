r"""Text holding control characters, line separators or bidi overrides.

Catches: in ids, titles, names, roles and every other single-line field (and in keys), any C0
or C1 control character (newline, tab, escape, ...), DEL, U+2028 LINE SEPARATOR or U+2029
PARAGRAPH SEPARATOR; in the multi-line texts (`description`, `summary`, `purpose`,
`expected_outcome`, `aim`, `mission`, `statement`, `text`, `equality_implications`,
`financial_implications`), any of those but newline and tab; and anywhere, the bidi
embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069. The message names the
first such character by code point; the position is that character when the value is plain
text on one line, else the start of the value.

Why: such characters arrive only by `"\e"`, `"\n"` or `"\u2028"` escapes in quoted YAML, or
pasted invisibly, and they are how a pull request forges an output: a newline followed by
`::error file=...::` in a title is a line GitHub Actions obeys, an escape sequence rewrites the
reviewer's terminal, a separator starts a heading in the Markdown paper, and a bidi override
makes text read differently from what it is ("Trojan Source"). psstrat shows them escaped in
every output anyway; this rule stops them reaching the data.

Fix: retype the value as plain text; for a title, use one line. Remove invisible characters
(an editor that shows them, or `cat -A`, helps find them).

Example, data/strands/S1.yaml:

    title: "Prevention\u202E"

Fixed:

    title: Prevention
"""

from collections.abc import Iterator

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Location, Severity
from psstrat.kinds import KINDS
from psstrat.model.common import models_in, multi_line_fields
from psstrat.rules._base import Rule, RuleContext
from psstrat.safetext import UNSAFE

MULTI_LINE = frozenset(
    name for kind in KINDS for model in models_in(kind.model) for name in multi_line_fields(model)
)
"""The fields the models make ``MultiLine`` text (psstrat.model.common), by name."""
_NAMES = {
    "\n": "a newline",
    "\r": "a carriage return",
    "\t": "a tab",
    "\x1b": "an escape character",
    "\x7f": "DEL",
    "\u2028": "a line separator",
    "\u2029": "a paragraph separator",
}


def check(ctx: RuleContext) -> Iterator[Finding]:
    for rel, found in ctx.repo.unsafe_text:
        field = next((p for p in reversed(found.path) if isinstance(p, str)), "")
        allowed = "\n\t" if field in MULTI_LINE and not found.is_key else ""
        bad = next((ch for ch in found.text if UNSAFE.match(ch) and ch not in allowed), None)
        if bad is None:
            continue
        what = "key" if found.is_key else f"`{field}`" if field else "value"
        yield Finding(
            Location(rel, found.line, found.column),
            f"{what} contains {_describe(bad)} (U+{ord(bad):04X})",
            "retype it as plain text on one line; such characters can forge or garble output"
            if not allowed
            else "remove it; only newlines and tabs belong in a multi-line text",
        )


def _describe(ch: str) -> str:
    if ch in _NAMES:
        return _NAMES[ch]
    if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069":
        return "a bidi control character"
    return "a control character"


RULE = Rule(Code.CONTROL_CHARACTER, Severity.ERROR, check, __doc__)
