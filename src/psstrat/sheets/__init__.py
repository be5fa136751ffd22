"""Spreadsheets in and out: the one package that touches the spreadsheet libraries.

Reading (`read_book`) takes .xlsx and .ods through python-calamine in a child process held to
a memory and time limit, after checks that need no spreadsheet library (the file's type, its
size unpacked, macros, external links); .csv through the standard library. Writing
(`write_book`) makes .xlsx with XlsxWriter, .ods with odfpy, .csv with the standard library.
Cells come and go as plain values: text, numbers, booleans and dates."""

from __future__ import annotations

from psstrat.sheets.book import (
    LIMITS,
    Book,
    Limits,
    Sheet,
    SheetProblem,
    Table,
    Value,
    cell_name,
    column_letters,
)
from psstrat.sheets.reading import read_book
from psstrat.sheets.writing import FORMATS, Meta, write_book

__all__ = [
    "FORMATS",
    "LIMITS",
    "Book",
    "Limits",
    "Meta",
    "Sheet",
    "SheetProblem",
    "Table",
    "Value",
    "cell_name",
    "column_letters",
    "read_book",
    "write_book",
]
