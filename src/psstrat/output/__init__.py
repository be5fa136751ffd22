"""Diagnostic formatters (name -> function(diagnostics) -> text for stdout), and what every
presenter shares: values as JSON, rich renderables as plain text.

Whatever a presenter here returns goes to a terminal or a CI log, where the data in it is
untrusted: each one makes its values `visible` and passes its whole text through `inert`
last, so no line of it is a workflow command (JSON in JSON's own escapes).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import io
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psstrat.diagnostics import Diagnostic
from psstrat.safetext import inert, visible

if TYPE_CHECKING:
    from rich.console import RenderableType

JSON_NAME = "json"
"""A dataclass field's metadata key: the name the field has in JSON, or None to leave it out."""


def plain(value: Any) -> Any:
    """A value as JSON holds it: dataclasses as objects (fields in order, renamed or left out
    by ``JSON_NAME`` metadata), dates as YYYY-MM-DD, enums as their values, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            name = f.metadata.get(JSON_NAME, f.name)
            if name is not None:
                out[name] = plain(getattr(value, f.name))
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def to_json(value: Any) -> str:
    """``value`` as indented JSON (text as it is: JSON escapes controls itself, and `inert`
    escapes, in JSON's own way, what the runner would obey; json.loads reads the same
    values)."""
    return inert(json.dumps(plain(value), indent=2, ensure_ascii=False) + "\n", "json")


def render_rich(*renderables: RenderableType, width: int = 80, colour: bool = False) -> str:
    """Rich tables and text as lines of plain text (ANSI colour only with ``colour``), with
    no trailing spaces. Data in them is made visible by the caller; markup is never read."""
    from rich.console import Console

    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        color_system="standard" if colour else None,
        highlight=False,
        markup=False,
    )
    for renderable in renderables:
        console.print(renderable)
    return inert("".join(line.rstrip() + "\n" for line in out.getvalue().splitlines()))


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


FORMATTERS: dict[str, Callable[[Sequence[Diagnostic]], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": _sarif,
}
