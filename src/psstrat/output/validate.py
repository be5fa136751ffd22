"""Presenting `psstrat validate`: the problems as text, JSON, GitHub workflow commands or SARIF
(FORMATS: name -> function(diagnostics, extras) -> text for stdout), and the job summary's
table of them (`summary`)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from psstrat.diagnostics import Diagnostic, Severity
from psstrat.english import count, listed, sentence, verb
from psstrat.output import to_json
from psstrat.output.summary import SUMMARY_LIMIT, Line, cut_at, fit
from psstrat.safetext import inert, md_escape, visible

ANNOTATIONS_PER_LEVEL = 10
"""GitHub shows at most 10 annotations of each level (error, warning, notice) from one step,
and 50 from a job; the rest are dropped without a word ("10 warning annotations, 10 error
annotations, and 10 notice annotations per step; 50 annotations per job": the Actions
toolkit's docs/problem-matchers.md, "Limitations", which apply to workflow commands alike).
So `--format github` prints at most this many of each level, the most severe first, and one
notice counting the rest."""
ANNOTATIONS_PER_JOB = 50
"""GitHub's limit on a job's annotations: 10 errors, 10 warnings and the one notice of
`--format github` stay well within it, leaving room for the workflow's other steps."""


@dataclasses.dataclass(frozen=True)
class Extras:
    """What some formats add from beyond the problems themselves."""

    sources: Mapping[str, Sequence[str]] = dataclasses.field(default_factory=dict)
    """The lines of each file a problem is in, by the path the problem shows (SARIF's end
    positions and fingerprints); a file missing here gets neither."""
    summary: bool = False
    """Whether the table of problems was written to the job summary (every problem, or as
    many as fit with a count of the rest): the notice of `github` then says so."""


def as_seen_from(diagnostics: Sequence[Diagnostic], root: Path, base: Path) -> list[Diagnostic]:
    """The diagnostics with paths relative to ``base`` instead of the repository root: as the
    user sees them from where they stand (absolute when the file is not below ``base``)."""
    root, base = root.resolve(), base.resolve()
    if root == base:
        return list(diagnostics)
    out = []
    for d in diagnostics:
        path = root / d.path
        shown = path.relative_to(base).as_posix() if path.is_relative_to(base) else str(path)
        out.append(dataclasses.replace(d, path=shown))
    return out


def text(diagnostics: Sequence[Diagnostic], extras: Extras | None = None) -> str:
    """One line per problem: `path:line:col: severity[code] message; remedy`.

    Paths and messages can quote the data (a file name, a value), so controls and separators
    in them are shown as escapes (every problem stays on its own line) and the text is made
    `inert` (no line is obeyed by GitHub Actions).
    """
    lines = []
    for d in diagnostics:
        where = f"{d.path}:{d.line}:{d.column}" if d.line else d.path
        remedy = f"; {d.help}" if d.help else ""
        lines.append(visible(f"{where}: {d.severity.value}[{d.code}] {d.message}{remedy}"))
    return inert("".join(line + "\n" for line in lines))


def as_json(diagnostics: Sequence[Diagnostic], extras: Extras | None = None) -> str:
    return to_json(diagnostics)


def _escape_data(value: str) -> str:
    """GitHub's escaping for workflow command data, after every control is made visible and
    `inert` has escaped `##[` (and a leading `::`), which the runner would otherwise read as
    a command of its own inside the value."""
    return inert(visible(value.replace("%", "%25")))


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def most_severe_first(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """Errors, then warnings; within a level by file, line, column and code (and message)."""
    rank = {severity: i for i, severity in enumerate(Severity)}
    return sorted(diagnostics, key=lambda d: (rank[d.severity], d.sort_key))


def annotated(
    diagnostics: Sequence[Diagnostic], per_level: int = ANNOTATIONS_PER_LEVEL
) -> tuple[list[Diagnostic], Counter[Severity]]:
    """The problems `--format github` annotates (at most ``per_level`` of each level, the
    most severe first) and how many of each level it leaves out."""
    shown: list[Diagnostic] = []
    left: Counter[Severity] = Counter()
    taken: Counter[Severity] = Counter()
    for d in most_severe_first(diagnostics):
        if taken[d.severity] < per_level:
            taken[d.severity] += 1
            shown.append(d)
        else:
            left[d.severity] += 1
    return shown, left


def github(diagnostics: Sequence[Diagnostic], extras: Extras | None = None) -> str:
    """GitHub Actions workflow commands, so problems show on the pull request's diff. The one
    output whose lines are commands: each is psstrat's own, with the data escaped inside the
    properties and the message (tests/test_workflow_commands.py parses them as the runner
    does).

    GitHub shows only ANNOTATIONS_PER_LEVEL of each level from a step, in the order printed,
    so the errors come first, then the warnings, at most that many of each; then one
    `::notice::` counts the problems left out and says where every one is listed."""
    shown, left = annotated(diagnostics)
    lines = []
    for d in shown:
        props = [f"file={_escape_property(d.path)}"]
        if d.line:
            props += [f"line={d.line}", f"col={d.column}"]
        props.append(f"title={_escape_property(f'psstrat {d.code}')}")
        message = d.message + (f" ({d.help})" if d.help else "")
        lines.append(f"::{d.severity.value} {','.join(props)}::{_escape_data(message)}")
    if left:
        title = _escape_property("psstrat: more problems")
        lines.append(f"::notice title={title}::{_escape_data(more_problems(left, extras))}")
    return "".join(line + "\n" for line in lines)


def more_problems(left: Counter[Severity], extras: Extras | None = None) -> str:
    """The notice's words: how many of each level are not annotated, and where to read them."""
    counts = [count(left[s], f"more {s.value}") for s in Severity if left[s]]
    where = "the job summary has a table of them; " if extras and extras.summary else ""
    return (
        f"{listed(counts)} {verb(sum(left.values()), 'is')} not shown as annotations (GitHub "
        f"shows {ANNOTATIONS_PER_LEVEL} of each level from a step): {where}`psstrat validate` "
        "lists them all, `--format sarif` for code scanning"
    )


def summary(diagnostics: Sequence[Diagnostic], heading: str, max_bytes: int = SUMMARY_LIMIT) -> str:
    """Every problem as a Markdown table for the job summary, the most severe first, under
    ``heading`` (the summary line), cut at a row to fit in ``max_bytes`` with a line counting
    the rows left out. Every cell from the data is escaped as the Markdown paper escapes it
    (md_escape: one line, markup and `|` escaped) and the whole made `inert`, so no text can
    forge a row, markup or a workflow command."""
    lines = [
        Line(f"### psstrat validate: {md_escape(heading)}"),
        Line(""),
    ]
    if diagnostics:
        lines += [
            Line("| Severity | File | Line | Rule | Problem | Remedy |"),
            Line("|---|---|---|---|---|---|"),
        ]
    for d in most_severe_first(diagnostics):
        where = f"{d.line}:{d.column}" if d.line else ""
        cells = [d.severity.value, md_escape(d.path), where, f"`{d.code}`"]
        cells += [md_escape(d.message), md_escape(d.help)]
        lines.append(Line(f"| {' | '.join(cells)} |", row="problem"))
    # Each line made inert before the cut, so the bound holds for what is written.
    return fit([Line(inert(x.text, "md"), x.row) for x in lines], max_bytes, _left_out(max_bytes))


def _left_out(max_bytes: int) -> Callable[[Counter[str]], str]:
    """The last line of a cut summary: how many problems the cut left out."""

    def said(rows: Counter[str]) -> str:
        more = sentence(count(rows["problem"], "more problem"))
        return f"*{more} left out {cut_at(max_bytes)}: `psstrat validate` lists them all.*"

    return said


def _sarif(diagnostics: Sequence[Diagnostic], extras: Extras | None = None) -> str:
    from psstrat.output.sarif import sarif

    return sarif(diagnostics, extras.sources if extras else {})


FORMATS: dict[str, Callable[[Sequence[Diagnostic], Extras | None], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": _sarif,
}
