"""A sheet's rows as fields' values, through a mapping: each cell read as its field's type,
each cell that cannot be read a Problem at `file:Sheet!C7` with the remedy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from psstrat.exchange import cells
from psstrat.exchange.mapping import Mapping, MappingProblem, header
from psstrat.sheets import Book, Sheet, Value, cell_name


@dataclass(frozen=True)
class Problem:
    where: str
    """`register.xlsx:Register!C7`, or the row: `register.xlsx:Register!7`."""
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Row:
    number: int
    """0-based, in the sheet."""
    where: str
    """The row as problems name it: `register.xlsx:Register!7`."""
    values: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    """Each field's cell name."""
    problems: list[Problem] = field(default_factory=list)

    def problem(self, name: str | None, message: str) -> None:
        where = self.cells.get(name, self.where) if name else self.where
        self.problems.append(Problem(where, message))


Reader = Callable[[Value, Mapping, str], Any]


def pick_sheet(book: Book, mapping: Mapping) -> Sheet:
    """The sheet the mapping names (default the first)."""
    if mapping.sheet is None or book.kind == "csv":
        if not book.sheets:
            raise MappingProblem(f"{book.name} has no sheets")
        return book.sheets[0]
    for sheet in book.sheets:
        if sheet.name == mapping.sheet:
            return sheet
    names = ", ".join(s.name for s in book.sheets)
    raise MappingProblem(f"{book.name} has no sheet `{mapping.sheet}`; it has: {names}")


def read_rows(
    book: Book, sheet: Sheet, mapping: Mapping, readers: dict[str, Reader]
) -> tuple[list[Row], list[str]]:
    """Every row under the headings with anything in it, read; and the headings the sheet has
    that the mapping does not import."""
    headings = header(sheet, mapping.header_row)
    raw_headings = (
        sheet.rows[mapping.header_row - 1] if len(sheet.rows) >= mapping.header_row else ()
    )
    index: dict[str, int] = {}
    for i, value in enumerate(raw_headings):
        if value is not None:
            index.setdefault(" ".join(str(value).split()), i)
    missing = [h for h in mapping.columns if h not in index]
    if missing:
        found = ", ".join(headings) or "none"
        raise MappingProblem(
            f"{book.name}: sheet {sheet.name or 1} has no column `{missing[0]}` in row "
            f"{mapping.header_row} ({mapping.source} maps it); its headings: {found}"
        )
    wanted = {h: f for h, f in mapping.columns.items() if f is not None}
    ignored = [h for h in headings if h not in mapping.columns]
    sheet_name = sheet.name if book.kind != "csv" else None
    rows = []
    for number in range(mapping.header_row, len(sheet.rows)):
        values = sheet.rows[number]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        row = Row(number, cell_name(book.name, sheet_name, number))
        for heading, name in wanted.items():
            column = index[heading]
            row.cells[name] = cell_name(book.name, sheet_name, number, column)
            value = values[column] if column < len(values) else None
            try:
                parsed = readers[name](value, mapping, name)
            except cells.Unreadable as exc:
                row.problem(name, str(exc))
                continue
            if parsed is not None and parsed != []:
                row.values[name] = parsed
        rows.append(row)
    return rows, ignored


# --- readers, by what a field holds -----------------------------------------------------------


def as_text(value: Value, mapping: Mapping, name: str) -> Any:
    return cells.text(value)


_BLANK = frozenset({"-", "--", "none", "n/a", "na", "tbc", "tba"})


def as_owner(value: Value, mapping: Mapping, name: str) -> Any:
    """An owner or lead as the sheet names them; a spreadsheet's blank (`-`, `None`, `n/a`,
    `TBC`) is an empty cell, which changes nothing (`vacant` says there is none)."""
    said = cells.text(value)
    if said is None or said.strip().lower() in _BLANK:
        return None
    return said


def as_multiline(value: Value, mapping: Mapping, name: str) -> Any:
    return cells.multiline(value)


def as_date(value: Value, mapping: Mapping, name: str) -> dt.date | None:
    return cells.date(value, mapping.day_first)


def as_score(value: Value, mapping: Mapping, name: str) -> int | None:
    return cells.score(value, mapping.values.get(name))


def as_pair(value: Value, mapping: Mapping, name: str) -> tuple[int, int] | None:
    return cells.pair(value)


def as_ids(value: Value, mapping: Mapping, name: str) -> list[str]:
    return cells.ids(value)


def as_controls(value: Value, mapping: Mapping, name: str) -> list[str]:
    if mapping.own:  # psstrat's export: a control a line, as written
        return [" ".join(line.split()) for line in str(value or "").split("\n") if line.strip()]
    return cells.controls(value)


def as_id(value: Value, mapping: Mapping, name: str) -> str | None:
    said = cells.text(value)
    if isinstance(value, float | int) and not isinstance(value, bool):
        said = str(value)
    return said.strip() if said else None


def choice(*allowed: str) -> Reader:
    def read(value: Value, mapping: Mapping, name: str) -> str | None:
        return cells.choice(value, allowed, mapping.values.get(name))

    return read


def words(value: Value, mapping: Mapping, name: str) -> Any:
    """Text, through the mapping's `values:` when it names the word (a category, say)."""
    said = cells.text(value)
    if said is None:
        return None
    for word, meant in mapping.values.get(name, {}).items():
        if said.lower() == word.strip().lower():
            return str(meant)
    return said
