"""The mapping file: which column of a sheet holds which field (`psstrat import --mapping`).

```yaml
kind: risks                 # risks, plan or actions
sheet: Register             # the sheet to read (default: the first)
header_row: 1               # the row of column headings (default 1)
dates: day-first            # 30/09/2004 is 30 September; month-first reads 09/30/2004
columns:                    # heading -> field; a heading mapped to nothing is not imported
  Risk ID: id
  Risk: title
  Score: residual           # 4x5 in one cell
  RAG:                      # worked out from the score: not imported
values:                     # words in cells, as the values psstrat keeps
  residual.likelihood: {High: 4, Medium: 3, Low: 2}
```
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from psstrat.errors import PsstratError
from psstrat.sheets import Book, Sheet, Value


@dataclass(frozen=True)
class Field:
    """A field a column can hold: its name in the mapping, the heading psstrat's export gives
    it, and the headings `--suggest-mapping` takes for it."""

    name: str
    heading: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    """A new item needs it (an update does not)."""
    derived: bool = False
    """Worked out from other fields: exported, never imported."""
    exported: bool = True
    """psstrat's export writes a column for it (not for `4x5` in one cell: import's only)."""


@dataclass(frozen=True)
class Mapping:
    kind: str
    columns: dict[str, str | None]
    sheet: str | None = None
    header_row: int = 1
    day_first: bool = True
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    encoding: str = "utf-8"
    source: str = "the mapping"
    own: bool = False
    """psstrat's own export: a cell of lines is one item a line, exactly as written."""


class MappingProblem(PsstratError):
    """A mapping that cannot be used: one line naming the key, with the remedy."""


_KEYS = {"kind", "sheet", "header_row", "dates", "columns", "values", "encoding"}


def load_mapping(path: Path, fields: dict[str, dict[str, Field]]) -> Mapping:
    """The mapping file at ``path`` (YAML, read as psstrat reads every file: no tags, no
    aliases expanded), checked against the fields of its kind."""
    from psstrat.yamlio import YamlProblem, parse_yaml, read_bytes

    name = path.name
    try:
        data = parse_yaml(read_bytes(path), positions=False).data
    except FileNotFoundError:
        raise MappingProblem(
            f"there is no mapping {path}; write one with `psstrat import --suggest-mapping FILE`"
        ) from None
    except YamlProblem as exc:
        raise MappingProblem(f"{name}:{exc.line}:{exc.column}: {exc.message}") from None
    except OSError as exc:
        raise MappingProblem(f"cannot read {path}: {exc.strerror or exc}") from None
    if not isinstance(data, dict):
        raise MappingProblem(f"{name} is not a mapping file; it must hold `kind:` and `columns:`")
    return mapping_from(data, fields, name)


def mapping_from(data: dict[str, Any], fields: dict[str, dict[str, Field]], name: str) -> Mapping:
    """The mapping ``data`` says, checked: MappingProblem names the first key that is wrong."""
    unknown = sorted(str(k) for k in data if k not in _KEYS)
    if unknown:
        raise MappingProblem(
            f"{name}: `{unknown[0]}` is not a mapping key; use {', '.join(sorted(_KEYS))}"
        )
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in fields:
        raise MappingProblem(f"{name}: `kind:` must be one of {', '.join(fields)} (it is {kind!r})")
    known = fields[kind]
    columns = _columns_of(data.get("columns"), known, kind, name)
    values = data.get("values") or {}
    scalar = (str, int, float)
    if not isinstance(values, dict) or not all(
        isinstance(v, dict)
        and k in known
        and all(isinstance(w, scalar) and isinstance(n, scalar) for w, n in v.items())
        for k, v in values.items()
    ):
        raise MappingProblem(
            f"{name}: `values:` maps a field to its words and their values, e.g. "
            "`residual.likelihood: {High: 4}`"
        )
    sheet, header_row, day_first, encoding = _options_of(data, name)
    return Mapping(
        kind,
        columns,
        sheet,
        header_row,
        day_first,
        {str(k): {str(w): n for w, n in v.items()} for k, v in values.items()},
        encoding,
        name,
    )


def _columns_of(
    columns: Any, known: dict[str, Field], kind: str, name: str
) -> dict[str, str | None]:
    if not isinstance(columns, dict) or not columns:
        raise MappingProblem(f"{name}: `columns:` must map each heading to a field")
    out: dict[str, str | None] = {}
    for heading, target in columns.items():
        if target is not None and not isinstance(target, str):
            raise MappingProblem(
                f"{name}: column `{heading}` maps to {type(target).__name__} {target!r}; map it "
                "to one field's name (or to nothing)"
            )
        if isinstance(heading, dict | list):
            raise MappingProblem(
                f"{name}: a heading under `columns:` must be text, not {heading!r}"
            )
        if target is not None and target not in known:
            hint = difflib.get_close_matches(str(target), list(known), 1)
            raise MappingProblem(
                f"{name}: column `{heading}` maps to `{target}`, which is not a field of "
                f"{kind}{f' (did you mean {hint[0]}?)' if hint else ''}; fields: {', '.join(known)}"
            )
        out[_heading(heading)] = None if target is None or known[target].derived else target
    taken = [t for t in out.values() if t is not None]
    twice = sorted({t for t in taken if taken.count(t) > 1})
    if twice:
        raise MappingProblem(f"{name}: two columns map to `{twice[0]}`; map one of them to nothing")
    return out


def _options_of(data: dict[str, Any], name: str) -> tuple[str | None, int, bool, str]:
    """The sheet, the header row, whether dates are day first, the encoding."""
    dates = data.get("dates", "day-first")
    if dates not in ("day-first", "month-first"):
        raise MappingProblem(
            f"{name}: `dates:` is day-first (30/09/2004) or month-first (09/30/2004)"
        )
    header_row = data.get("header_row", 1)
    if not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 1:
        raise MappingProblem(f"{name}: `header_row:` is the number of the headings' row, from 1")
    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, str | int):
        raise MappingProblem(f"{name}: `sheet:` is a sheet's name")
    encoding = data.get("encoding", "utf-8")
    if not isinstance(encoding, str):
        raise MappingProblem(f"{name}: `encoding:` is an encoding's name, e.g. cp1252")
    return (None if sheet is None else str(sheet)), header_row, dates == "day-first", encoding


def _heading(value: object) -> str:
    return " ".join(str(value).split())


def _fold(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", value.lower()).strip()


def built_in(kind: str, fields: dict[str, dict[str, Field]]) -> Mapping:
    """The mapping of psstrat's own export: every heading it writes, as itself."""
    return Mapping(
        kind,
        {f.heading: (None if f.derived else f.name) for f in fields[kind].values() if f.exported},
        source="psstrat's own headings",
        own=True,
    )


def guess(headings: list[str], fields: dict[str, Field]) -> dict[str, str | None]:
    """Each heading's field, where a field's heading or one of its aliases matches it
    (without regard to case or punctuation); None for the rest."""
    out: dict[str, str | None] = {}
    used: set[str] = set()
    for heading in headings:
        said = _fold(heading)
        match = None
        for f in fields.values():
            if f.name not in used and said in {
                _fold(f.heading),
                *map(_fold, f.aliases),
                _fold(f.name),
            }:
                match = f
                break
        out[heading] = None if match is None or match.derived else match.name
        if match is not None:
            used.add(match.name)
    return out


def kind_of(sheet: Sheet, fields: dict[str, dict[str, Field]], header_row: int = 1) -> str:
    """The kind whose headings a sheet's header row matches most."""
    headings = header(sheet, header_row)
    scores = {
        kind: sum(v is not None for v in guess(headings, known).values())
        for kind, known in fields.items()
    }
    return max(scores, key=lambda k: scores[k])


def header(sheet: Sheet, header_row: int = 1) -> list[str]:
    row = sheet.rows[header_row - 1] if len(sheet.rows) >= header_row else ()
    return [_heading(v) for v in row if v is not None]


_PLAIN_KEY = re.compile(r"[A-Za-z][A-Za-z0-9 ()/&.'-]*[A-Za-z0-9).]|[A-Za-z]")


def _said(value: object) -> str:
    """Text from the sheet (or its file's name) for a comment: one line, quoted as JSON, at
    most 40 characters, so nothing in a cell can end the comment and add a key."""
    text = json.dumps(str(value))
    return text if len(text) <= 40 else text[:37] + '..."'


def _yaml_text(value: str) -> str:
    """A heading or a sheet's name as YAML: plain where that reads back as itself, else in
    double quotes (JSON's escapes are YAML's)."""
    words = {"yes", "no", "true", "false", "null", "on", "off", "y", "n"}
    plain = _PLAIN_KEY.fullmatch(value) and value.lower() not in words
    return value if plain and "  " not in value else json.dumps(value)


_WORD_SCORES = {"very high": 5, "high": 4, "medium": 3, "med": 3, "low": 2, "very low": 1}
_ID = re.compile(r"R\d{4}|R[1-9]\d{4}|S\d+(\.\d+)*(\.M\d+)?|A\d+")


def suggestion(
    book: Book, sheet: Sheet, fields: dict[str, dict[str, Field]], kind: str | None
) -> str:
    """A mapping file for the sheet, from its header row and what its columns hold, with a
    comment on every line the user may need to look at: what `--suggest-mapping` writes."""
    kind = kind or kind_of(sheet, fields)
    headings = header(sheet)
    if not headings:
        raise MappingProblem(
            f"{book.name}: sheet {sheet.name or 1} has no headings in row 1; put the column "
            "headings in the first row"
        )
    known = fields[kind]
    guessed = guess(headings, known)
    columns = _columns(sheet)
    lines = [
        f"# How psstrat reads {_said(book.name)}: written by `psstrat import --suggest-mapping`.",
        "# Check every column below, then: psstrat import FILE --mapping THIS-FILE --dry-run",
        f"kind: {kind}" + " " * max(1, 24 - len(f"kind: {kind}")) + f"# {', '.join(fields)}",
    ]
    if book.kind != "csv":
        lines.append(f"sheet: {_yaml_text(sheet.name)}")
    lines += [
        "header_row: 1",
        "dates: day-first                # 30/09/2004 is 30 September; month-first: 09/30/2004",
        "columns:",
    ]
    words = _column_lines(headings, guessed, columns, known, lines)
    missing = [f.name for f in known.values() if f.required and f.name not in guessed.values()]
    if missing:
        lines.append(f"# Not found, and a new item needs them: {', '.join(missing)}")
    lines.append(f"# Fields: {', '.join(n for n, f in known.items() if not f.derived)}")
    lines += _values_lines(words)
    return "\n".join(lines) + "\n"


# Named exception (PLR0913): the headings, their guesses, their cells, the kind's fields, and
# the lines to add to.
def _column_lines(
    headings: list[str],
    guessed: dict[str, str | None],
    columns: dict[str, list[Value]],
    known: dict[str, Field],
    lines: list[str],
) -> dict[str, list[str]]:
    """A line per heading (added to ``lines``); the words found in the score columns."""
    words: dict[str, list[str]] = {}
    for heading in headings:
        target = guessed[heading]
        key = _yaml_text(heading)
        cells = columns.get(heading, [])
        pad = " " * max(1, 28 - len(key))
        if target == "id" and cells and not all(_ID.fullmatch(str(c)) for c in cells):
            lines.append(
                f"  {key}:{pad}# not psstrat ids (e.g. {_said(cells[0])}): new items are numbered"
            )
        elif target is None:
            derived = _derived(heading, known)
            said = (
                "worked out by psstrat: not imported"
                if derived
                else "not imported: map it to a field, or leave it"
            )
            lines.append(f"  {key}:{pad}# {said}")
        else:
            lines.append(f"  {key}: {target}")
            found = sorted(
                {str(c).strip() for c in cells if isinstance(c, str) and not c.strip().isdigit()}
            )
            if target.endswith((".likelihood", ".impact")) and found:
                words[target] = found
    return words


def _values_lines(words: dict[str, list[str]]) -> list[str]:
    if not words:
        return [
            "# Words in cells (High, Amber, In progress) as values psstrat keeps, e.g.:",
            "# values:",
            "#   residual.likelihood: {Very high: 5, High: 4, Medium: 3, Low: 2, Very low: 1}",
        ]
    lines = ["values:                          # the words in those columns, as scores 1 to 5"]
    for target, found in words.items():
        pairs = ", ".join(f"{_yaml_text(w)}: {_WORD_SCORES.get(w.lower(), 0)}" for w in found)
        lines.append(f"  {target}: {{{pairs}}}")
    if any(_WORD_SCORES.get(w.lower()) is None for f in words.values() for w in f):
        lines.append("# (a 0 is a word psstrat could not guess: give its score)")
    return lines


def _derived(heading: str, known: dict[str, Field]) -> bool:
    said = _fold(heading)
    return any(
        f.derived and said in {_fold(f.heading), *map(_fold, f.aliases)} for f in known.values()
    )


def _columns(sheet: Sheet, header_row: int = 1) -> dict[str, list[Value]]:
    """Each heading's non-empty cells below it (the first 200 rows: enough to see the words)."""
    if len(sheet.rows) < header_row:
        return {}
    out: dict[str, list[Value]] = {}
    for i, value in enumerate(sheet.rows[header_row - 1]):
        if value is None:
            continue
        cells = [
            r[i]
            for r in sheet.rows[header_row : header_row + 200]
            if i < len(r) and r[i] is not None
        ]
        out[_heading(value)] = cells
    return out
