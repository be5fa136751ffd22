"""What every presenter shares: the Screen it is shown on, values as JSON, rich renderables as
plain text.

Each command's presenter module (psstrat.output.X for `psstrat X`) registers its formats once,
in FORMATS: {name: function(result, screen) -> text}; the command's `--format` takes exactly
those names. The module imports its command's types only for type checking, so the command
line can read FORMATS without loading the domain.

Whatever a presenter here returns goes to a terminal or a CI log, where the data in it is
untrusted: each one makes its values `visible` and passes its whole text through `inert`
last, so no line of it is a workflow command (JSON in JSON's own escapes).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from psstrat.safetext import inert

if TYPE_CHECKING:
    from rich.console import RenderableType


@dataclasses.dataclass(frozen=True)
class Screen:
    """Where a presenter's text goes: its width in columns, and whether colour is wanted."""

    width: int = 80
    colour: bool = False


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
    import json

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
