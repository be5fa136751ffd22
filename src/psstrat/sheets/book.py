"""A workbook as plain values: what reading gives and writing takes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from psstrat.errors import PsstratError

Value = str | int | float | bool | dt.date | None
"""A cell: text, a number, a boolean, a date (a date-time cell keeps its date), or empty."""


@dataclass(frozen=True)
class Limits:
    """What psstrat reads at most: a register is thousands of rows, never a million."""

    file_bytes: int = 64 << 20
    """The file as it is on disk."""
    unpacked_bytes: int = 256 << 20
    """Every part of an .xlsx or .ods, unpacked: a zip bomb stops here."""
    rows: int = 100_000
    columns: int = 256
    memory_bytes: int = 2 << 30
    """The reader's address space (the child process's limit, where the system has one)."""
    seconds: float = 120.0
    """The reader's time."""


LIMITS = Limits()


class SheetProblem(PsstratError):
    """A file that cannot be read as a spreadsheet: one line, with the remedy (exit 2)."""


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: tuple[tuple[Value, ...], ...]
    """Every row from the first, each as long as it is (trailing empty cells dropped)."""


@dataclass(frozen=True)
class Book:
    name: str
    """The file's name, as problems say it."""
    sheets: tuple[Sheet, ...]
    kind: str
    """xlsx, ods or csv."""


@dataclass(frozen=True)
class Table:
    """A sheet to write: its name, the headings (row 1, frozen, with filters) and the rows."""

    name: str
    headings: tuple[str, ...]
    rows: list[tuple[Value, ...]] = field(default_factory=list)
    multiline: frozenset[int] = frozenset()
    """Columns whose cells may hold several lines (wrapped)."""


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: a column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_name(book: str, sheet: str | None, row: int, column: int | None = None) -> str:
    """`register.xlsx:Register!C7` (row and column 0-based); a CSV has no sheet name:
    `register.csv:C7`. Without a column, the row: `register.xlsx:Register!7`."""
    where = f"{row + 1}" if column is None else f"{column_letters(column)}{row + 1}"
    return f"{book}:{sheet}!{where}" if sheet else f"{book}:{where}"
