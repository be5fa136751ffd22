"""Presenting `psstrat validate`: the problems as text, JSON, GitHub workflow commands or SARIF
(FORMATS: name -> function(diagnostics) -> text for stdout)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

from psstrat.diagnostics import Diagnostic
from psstrat.output import to_json
from psstrat.safetext import inert, visible


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


def text(diagnostics: Sequence[Diagnostic]) -> str:
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


def as_json(diagnostics: Sequence[Diagnostic]) -> str:
    return to_json(diagnostics)


def _escape_data(value: str) -> str:
    """GitHub's escaping for workflow command data, after every control is made visible and
    `inert` has escaped `##[` (and a leading `::`), which the runner would otherwise read as
    a command of its own inside the value."""
    return inert(visible(value.replace("%", "%25")))


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands, so problems show on the pull request's diff. The one
    output whose lines are commands: each is psstrat's own, with the data escaped inside the
    properties and the message (tests/test_workflow_commands.py parses them as the runner
    does)."""
    lines = []
    for d in diagnostics:
        props = [f"file={_escape_property(d.path)}"]
        if d.line:
            props += [f"line={d.line}", f"col={d.column}"]
        props.append(f"title={_escape_property(f'psstrat {d.code}')}")
        message = d.message + (f" ({d.help})" if d.help else "")
        lines.append(f"::{d.severity.value} {','.join(props)}::{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)


def _sarif(diagnostics: Sequence[Diagnostic]) -> str:
    from psstrat.output.sarif import sarif

    return sarif(diagnostics)


FORMATS: dict[str, Callable[[Sequence[Diagnostic]], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": _sarif,
}
