"""SARIF 2.1.0: problems for GitHub code scanning (and any SARIF viewer).

Each result names its rule; the rules carry the same documentation `--explain` prints (as
text and as Markdown) and link to the rule's page in the repository's docs
(docs/rules/<code>.md, written from the same documentation by tools/sync_rule_pages.py), so
a reviewer reads in the code-scanning panel what the rule catches and how to fix it.

Within GitHub's limits ("SARIF support for code scanning" and "SARIF results exceed one or
more limits" in GitHub's docs): at most RESULTS_PER_RUN results, the most severe kept, with
a notification in the run counting the rest; descriptions of at most DESCRIPTION_LIMIT
characters; no more than 20 tags a rule.

Alerts are tracked across commits by `partialFingerprints["psstrat/v1"]` (see
`fingerprints`): what the problem is about, never its line, so an alert survives lines
moving above it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import quote

import psstrat
from psstrat.diagnostics import Diagnostic, Severity
from psstrat.safetext import inert

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
REPOSITORY = "https://github.com/psstrat/psstrat"
"""Where psstrat is developed: the run's `informationUri`, and the base of every rule's
`helpUri`. pyproject.toml's [project.urls] names the same (tests/test_sarif.py checks)."""
RULE_PAGES = f"{REPOSITORY}/blob/main/docs/rules"
"""The rules' pages, docs/rules/<code>.md on the main branch (tools/sync_rule_pages.py); a
release links to its own tag's pages instead (``rule_pages``), which say what it checks."""


def rule_pages() -> str:
    """Where this psstrat's rule pages are: its release tag's, else the main branch's."""
    if psstrat.is_release():
        return f"{REPOSITORY}/blob/v{psstrat.__version__}/docs/rules"
    return RULE_PAGES


RESULTS_PER_RUN = 25_000
"""GitHub rejects a run of more results than this (of which it shows the 5,000 most
severe)."""
DESCRIPTION_LIMIT = 1_024
"""The characters GitHub takes of a rule's shortDescription and fullDescription."""
FINGERPRINT = "psstrat/v1"
"""The name of psstrat's partial fingerprint; a new version if what goes into it changes."""
LOADER_CODES = frozenset({"yaml-syntax", "unsafe-path", "schema", "unexpected-file"})
"""The codes of problems the loader finds in a file as a whole (it cannot be read, or not as
its kind): the tag `file`; every other rule judges the loaded data (`data`)."""
_MORE = " (continued in the rule's help)"


def uri(path: str) -> str:
    """A shown path as SARIF's artifactLocation.uri, a URI reference (RFC 3986): a space,
    `%`, `#` or `?` in a file's name is percent-encoded, so a viewer opens that file and not
    another (`data/risks/R 1.yaml` is `data/risks/R%201.yaml`). A file outside the checkout,
    shown by its absolute path, is a `file:` URI (on Windows too: `file:///C:/...`)."""
    if (absolute := Path(path)).is_absolute():
        return absolute.as_uri()
    return quote(path, safe="/")


def sarif(diagnostics: Sequence[Diagnostic], sources: Mapping[str, Sequence[str]]) -> str:
    """The SARIF log of ``diagnostics`` (paths as they are to be shown); ``sources`` holds the
    lines of the files they are in, by the same paths, for end positions and fingerprints."""
    from psstrat.rules import RULES

    index = {code: i for i, code in enumerate(RULES)}
    kept = capped(diagnostics, RESULTS_PER_RUN)
    prints = fingerprints(kept, sources)
    results = []
    for d, fingerprint in zip(kept, prints, strict=True):
        location: dict[str, object] = {"artifactLocation": {"uri": uri(d.path)}}
        if d.line:
            location["region"] = region(d, sources.get(d.path))
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "level": d.severity.value,
                "message": {"text": d.message + (f"; {d.help}" if d.help else "")},
                "locations": [{"physicalLocation": location}],
                "partialFingerprints": {FINGERPRINT: fingerprint},
            }
        )
    invocation: dict[str, object] = {"executionSuccessful": True}
    left = len(diagnostics) - len(kept)
    if left:
        invocation["toolExecutionNotifications"] = [
            {
                "descriptor": {"id": "results-left-out"},
                "level": "warning",
                "message": {
                    "text": f"{left} of {len(diagnostics)} results left out: GitHub takes "
                    f"at most {RESULTS_PER_RUN:,} a run; the most severe are kept. "
                    "`psstrat validate` lists them all."
                },
            }
        ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "psstrat",
                        "version": psstrat.__version__,
                        "informationUri": REPOSITORY,
                        "rules": [rule_descriptor(code) for code in RULES],
                    }
                },
                "invocations": [invocation],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    # Compact: json's C encoder (indenting takes its pure-Python one, 3 s for 25,000 results)
    # and a smaller upload (GitHub takes at most 10 MB, gzipped).
    text = json.dumps(log, ensure_ascii=False, separators=(",", ":"))
    return inert(text + "\n", "json")


def rule_descriptor(code: str) -> dict[str, object]:
    """A rule as SARIF's reportingDescriptor: its documentation, its page, its tags."""
    from psstrat.rules import RULES

    rule = RULES[code]
    severity = rule.severity.value
    return {
        "id": code,
        "name": code,
        "shortDescription": {"text": within(rule.summary)},
        "fullDescription": {"text": within(description(rule.documentation))},
        "helpUri": f"{rule_pages()}/{code}.md",
        "help": {"text": help_text(code), "markdown": help_markdown(code)},
        "defaultConfiguration": {"level": severity},
        "properties": {
            "tags": tags(code),
            "precision": "very-high",  # a check of the data as written, not a guess
            "problem.severity": severity,
        },
    }


def tags(code: str) -> list[str]:
    """`psstrat`, the default severity, `file` or `data` (LOADER_CODES), and
    `whole-repository` for a rule only the whole repository can judge."""
    from psstrat.rules import RULES

    rule = RULES[code]
    out = ["psstrat", rule.severity.value, "file" if code in LOADER_CODES else "data"]
    return [*out, "whole-repository"] if rule.whole else out


def description(documentation: str) -> str:
    """The documentation without its examples: what the rule catches, why, how to fix it."""
    return re.split(r"\n\nExample\b", documentation, maxsplit=1)[0].strip()


def within(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """``text`` whole if it fits in ``limit`` characters, else cut after the last sentence
    that fits, saying the rest is in the rule's help."""
    if len(text) <= limit:
        return text
    room = limit - len(_MORE)
    ends = [m.end(1) for m in re.finditer(r"(?<!e\.g)(?<!i\.e)([.!?])(?=\s)", text[: room + 1])]
    cut = ends[-1] if ends else text.rfind(" ", 0, room)
    if cut <= 0:
        cut = room
    return text[:cut].rstrip() + _MORE


def help_text(code: str) -> str:
    """What `psstrat validate --explain CODE` prints of the rule."""
    from psstrat.rules import EXAMPLES_NOTE, RULES

    doc = RULES[code].documentation
    note = f"\n\n{EXAMPLES_NOTE}" if re.search(r"^Example\b", doc, re.M) else ""
    return f"{doc}{note}"


def help_markdown(code: str) -> str:
    """The rule's documentation as Markdown: the docstrings are written as Markdown already
    (code in backticks, examples as indented code blocks), under a heading with the code and
    its default severity."""
    from psstrat.rules import RULES

    rule = RULES[code]
    return (
        f"# `{code}`\n\nDefault severity: **{rule.severity.value}** "
        f"(`rules: {{{code}: error|warning|off}}` in psstrat.yaml changes it).\n\n"
        f"{help_text(code)}\n"
    )


def capped(diagnostics: Sequence[Diagnostic], cap: int) -> list[Diagnostic]:
    """At most ``cap`` of the problems, in their order: the errors before the warnings."""
    if len(diagnostics) <= cap:
        return list(diagnostics)
    rank = {severity: i for i, severity in enumerate(Severity)}
    order = sorted(range(len(diagnostics)), key=lambda i: (rank[diagnostics[i].severity], i))
    return [diagnostics[i] for i in sorted(order[:cap])]


# -- where a problem ends, and what it is about ----------------------------------------------

_ID = re.compile(r"^(?P<lead>\s*(?:-\s+)?)id:\s*(?P<id>[^#]*?)\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*(?:-\s+)?(?P<key>[^\s:#'\"{\[][^:#]*?|'[^']*'|\"[^\"]*\"):(?:\s|$)")


def region(d: Diagnostic, lines: Sequence[str] | None) -> dict[str, int]:
    """The problem's region: its start, and its end at the end of the token it points at (a
    value, a key, a quoted string) when the file's lines are known, else at the end of the
    line (SARIF's reading of a region with no endColumn)."""
    start = max(d.column, 1)
    out = {"startLine": d.line, "startColumn": start, "endLine": d.line}
    if lines is not None and d.line <= len(lines):
        out["endColumn"] = token_end(lines[d.line - 1], start)
    return out


# Named exception (C901): one scan of a YAML line, every kind of token decided here.
def token_end(line: str, column: int) -> int:  # noqa: C901
    """The column just past the YAML token starting at ``column`` (1-based) on ``line``: a
    quoted string to its closing quote, a flow collection to its closing bracket, a block
    scalar's header or anything else not plain to the end of the line, and a plain scalar or
    key to before `: `, ` #` (or `,`, `]`, `}` inside brackets) and trailing white space. At
    least one character when the column is on the line; the column itself past its end."""
    i, n = column - 1, len(line)
    if i >= n:
        return column
    first = line[i]
    if first in "'\"":
        j = i + 1
        while j < n:
            if first == '"' and line[j] == "\\":
                j += 2
                continue
            if line[j] == first:
                if first == "'" and line[j + 1 : j + 2] == "'":
                    j += 2
                    continue
                return j + 2
            j += 1
        return len(line.rstrip()) + 1
    if first in "[{":
        depth, closing = 0, {"[": "]", "{": "}"}
        for j in range(i, n):
            if line[j] in closing:
                depth += 1
            elif line[j] in "]}":
                depth -= 1
                if depth == 0:
                    return j + 2
        return len(line.rstrip()) + 1
    if first in "|>&*!%@`":
        return len(line.rstrip()) + 1
    in_flow = "[" in line[:i] or "{" in line[:i]
    j = i
    while j < n:
        ch = line[j]
        if ch == ":" and (j + 1 == n or line[j + 1] in " \t"):
            break
        if ch == "#" and line[j - 1] in " \t":
            break
        if in_flow and ch in ",]}":
            break
        j += 1
    end = i + len(line[i:j].rstrip())
    return max(end, i + 1) + 1


def fingerprints(
    diagnostics: Sequence[Diagnostic], sources: Mapping[str, Sequence[str]]
) -> list[str]:
    """Each problem's `psstrat/v1` fingerprint: the SHA-256, in hex, of these, joined by NUL:
    `psstrat/v1`; the rule's code; the file's path from the checkout's top; what the problem
    is about in the file, `identity`; and n, counting from 1, among the problems with the same
    first four (in file order). Never the line or column, so an alert is the same alert when
    lines are added, removed or moved above it, and when a date in its message moves on."""
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for d in diagnostics:
        about = identity(d, sources.get(d.path))
        seen[(d.code, d.path, about)] += 1
        n = seen[(d.code, d.path, about)]
        text = "\0".join([FINGERPRINT, d.code, d.path, about, str(n)])
        out.append(hashlib.sha256(text.encode("utf-8")).hexdigest())
    return out


def identity(d: Diagnostic, lines: Sequence[str] | None) -> str:
    """What a problem is about, in words that do not move with its line: the id of the item
    the reported line is in (the nearest `id:` above it, or on it, at its indentation or
    less; none at the top of a file without one) and the key on the reported line (the
    line's text, stripped, when it has no key), as `S1.1.M2 due`. For a problem in a file
    as a whole, or in one whose lines are not known: its message, each run of digits as 0
    (a count or a line number in it changes nothing)."""
    if not d.line or lines is None or d.line > len(lines):
        return "message " + re.sub(r"\d+", "0", d.message)
    line = lines[d.line - 1]
    key = _KEY.match(line)
    what = key["key"] if key else line.strip()
    depth = len(line) - len(line.lstrip(" -")) if key else len(line) - len(line.lstrip())
    for above in reversed(lines[: d.line]):
        found = _ID.match(above)
        if found and len(found["lead"]) <= depth:
            return f"{found['id']} {what}"
    return what
