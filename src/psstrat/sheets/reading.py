"""Reading a spreadsheet: .xlsx and .ods in a child process held to limits, .csv here.

python-calamine reads .xlsx and .ods fast (it is Rust) and never evaluates a formula: a formula
cell gives the value the spreadsheet last saved. It trusts the file: a sheet with one cell in
A1 and one in XFD1048576 makes it ask for 512 GiB and abort the process. So the zip's checks
(psstrat.sheets.parts: a zip bomb, macros, links to other files) and the library run in a
child process (psstrat.sheets.child) under a memory limit and a timeout; what fails there is
a problem, never a crash. Here: the first bytes, to tell the kind of file, and a CSV file."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import pickle
import signal
import stat
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from psstrat.sheets.book import LIMITS, Book, Limits, Sheet, SheetProblem, Value
from psstrat.sheets.parts import FORMATS
from psstrat.sheets.writing import CSV_QUOTED

PREFIX = "psstrat-sheet: "
"""How the child starts the one line that names a problem."""
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORKBOOKS = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".ods", ".ots")
_OUT_OF_MEMORY = 3
_ROOT = str(Path(__file__).resolve().parents[2])
"""Where this psstrat is imported from: the child (isolated from PYTHONPATH and the working
directory) imports the same one, installed or not."""
_CHILD = (
    "import sys; sys.path.insert(0, sys.argv[1]); from psstrat.sheets.child import main; main()"
)


def read_book(path: Path, limits: Limits = LIMITS, encoding: str = "utf-8") -> Book:
    """The workbook at ``path``: every worksheet's rows as values. SheetProblem (one line,
    with the remedy) for anything that is not a spreadsheet psstrat reads within ``limits``.
    ``encoding`` is a CSV file's (UTF-8, with or without Excel's byte order mark, unless
    given)."""
    name = path.name
    head = _head(path, limits)
    suffix = path.suffix.lower()
    if head.startswith(_ZIP):
        kind, sheets = _child_read(path, limits)
        return Book(name, tuple(sheets), kind)
    if head.startswith(_OLE):
        if suffix == ".xls":
            raise SheetProblem(
                f"{name} is an Excel 97-2003 workbook (.xls); save it as .xlsx (File > Save As "
                f"> Excel Workbook); {FORMATS}"
            )
        raise SheetProblem(
            f"{name} is protected by a password, or is an Excel 97-2003 workbook; save a copy "
            "as .xlsx (Excel Workbook) without a password and import that"
        )
    if suffix in (*_WORKBOOKS, ".xls"):
        what = "a PDF document" if head.startswith(b"%PDF") else "not a zip file"
        raise SheetProblem(
            f"{name} is not a spreadsheet ({what}); give the register itself, saved as .xlsx, "
            f".ods or .csv; {FORMATS}"
        )
    if suffix != ".csv":
        raise SheetProblem(
            f"{name} is not a spreadsheet psstrat reads; save the register as .xlsx, .ods or "
            f".csv; {FORMATS}"
        )
    rows = _csv_rows(_bytes(path, limits), name, limits, encoding)
    return Book(name, (Sheet("", rows),), "csv")


def _head(path: Path, limits: Limits) -> bytes:
    """The file's first bytes, after refusing what is not a file of a size psstrat reads."""
    name = path.name or str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise SheetProblem(f"{name} is a folder; give the spreadsheet's path")
        if not stat.S_ISREG(info.st_mode):
            raise SheetProblem(f"{name} is not a file; give the spreadsheet's path")
        if info.st_size == 0:
            raise SheetProblem(
                f"{name} is empty (0 bytes); save the register again, or give the right file"
            )
        if info.st_size > limits.file_bytes:
            raise SheetProblem(
                f"{name} is {info.st_size >> 20} MiB; psstrat reads spreadsheets up to "
                f"{limits.file_bytes >> 20} MiB (save the register alone, as values)"
            )
        with path.open("rb") as f:
            return f.read(8)
    except OSError as exc:
        raise SheetProblem(f"cannot read {name}: {exc.strerror or exc}") from None


def _bytes(path: Path, limits: Limits) -> bytes:
    try:
        with path.open("rb") as f:
            raw = f.read(limits.file_bytes + 1)
    except OSError as exc:
        raise SheetProblem(f"cannot read {path.name}: {exc.strerror or exc}") from None
    if len(raw) > limits.file_bytes:
        raise SheetProblem(
            f"{path.name} is more than {limits.file_bytes >> 20} MiB; psstrat reads "
            "spreadsheets up to that (save the register alone)"
        )
    return raw


def _child_read(path: Path, limits: Limits) -> tuple[str, list[Sheet]]:
    """The kind and the sheets, read by psstrat.sheets.child held to ``limits``."""
    name = path.name
    request = {"path": str(path.resolve()), "limits": dataclasses.asdict(limits)}
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", _CHILD, _ROOT],
            input=json.dumps(request).encode(),
            capture_output=True,
            timeout=limits.seconds,
            check=False,
            env={**os.environ, "RUST_BACKTRACE": "0"},
        )
    except subprocess.TimeoutExpired:
        raise SheetProblem(
            f"{name} took more than {limits.seconds:.0f} s to read; psstrat reads at most "
            f"{limits.rows:,} rows and {limits.columns} columns: save the register alone"
        ) from None
    except OSError as exc:
        raise SheetProblem(f"cannot start the reader for {name}: {exc.strerror or exc}") from None
    if done.returncode != 0:
        raise _child_problem(name, done.returncode, done.stderr, limits)
    try:
        kind, raw = pickle.loads(done.stdout)  # our own child's
        return kind, [Sheet(n, rows) for n, rows in raw]
    except Exception as exc:  # something else wrote to the child's stdout
        raise SheetProblem(
            f"the reader's answer for {name} could not be read ({type(exc).__name__}); try "
            "again, and report it if it happens again"
        ) from None


def _child_problem(name: str, status: int, stderr: bytes, limits: Limits) -> SheetProblem:
    said = stderr.decode("utf-8", "replace").strip().splitlines()
    if status == 1 and said and said[-1].startswith(PREFIX):
        return SheetProblem(said[-1].removeprefix(PREFIX))
    if status in (_OUT_OF_MEMORY, -signal.SIGABRT, -signal.SIGKILL):
        return SheetProblem(
            f"{name} could not be read within {limits.memory_bytes >> 20:,} MiB of memory (a "
            f"sheet reaches far beyond its cells?); psstrat reads at most {limits.rows:,} rows "
            f"and {limits.columns} columns: copy the register into a new spreadsheet"
        )
    how = f"signal {signal.Signals(-status).name}" if status < 0 else f"status {status}"
    last = " ".join(said[-1].split())[:200] if said else "nothing said"
    return SheetProblem(
        f"the reader stopped ({how}: {last}) reading {name}; open it in Excel or LibreOffice, "
        "save it again as .xlsx or .ods and try again"
    )


def rows_within(
    rows: Iterable[Iterable[Any]], cell: Callable[[Any], Value], who: str, limits: Limits
) -> tuple[tuple[Value, ...], ...]:
    """``rows`` as values (``cell`` makes each one), each without its trailing empty cells,
    without the empty rows at the end; SheetProblem as soon as a row with cells lies beyond
    ``limits`` (empty rows past the register, as a sheet formatted further down leaves, are
    nothing). ``who`` starts a problem: `register.xlsx: sheet Register`."""
    out: list[tuple[Value, ...]] = []
    blank = 0  # empty rows not yet kept: kept only if a row with cells comes after them
    for row in rows:
        cells = [cell(v) for v in row]
        while cells and cells[-1] is None:
            cells.pop()
        if not cells:
            blank += 1
            continue
        if len(out) + blank >= limits.rows:
            raise SheetProblem(
                f"{who} has more than {limits.rows:,} rows; psstrat reads at most "
                f"{limits.rows:,}: delete the rows below the register, or split it"
            )
        if len(cells) > limits.columns:
            raise SheetProblem(
                f"{who} has {len(cells):,} columns in row {len(out) + blank + 1:,}; psstrat "
                f"reads at most {limits.columns}: delete the columns right of the register"
            )
        out.extend([()] * blank)
        blank = 0
        out.append(tuple(cells))
    return tuple(out)


def plain(value: Any) -> Value:
    """A library's cell as a Value: text of nothing but spaces is an empty cell, as in a CSV
    file; a date-time is its date; a whole number is an int."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, bool | int | str | dt.date):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return str(value)  # a time or a duration cell: its text


def _csv_rows(
    raw: bytes, name: str, limits: Limits, encoding: str
) -> tuple[tuple[Value, ...], ...]:
    if b"\x00" in raw:
        raise SheetProblem(
            f"{name} is not a CSV file (it holds NUL bytes: a binary file, or saved as UTF-16); "
            "save the register as 'CSV UTF-8'"
        )
    text = _decoded(raw, name, encoding)
    try:
        return rows_within(csv.reader(io.StringIO(text, newline="")), _csv_cell, name, limits)
    except csv.Error as exc:
        raise SheetProblem(
            f"{name} is not a CSV file psstrat can read ({exc}); save the register as 'CSV UTF-8'"
        ) from None


def _decoded(raw: bytes, name: str, encoding: str) -> str:
    utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig")
    try:
        return raw.decode("utf-8-sig" if utf8 else encoding)
    except UnicodeDecodeError as exc:
        raise SheetProblem(
            f"{name} is not {encoding} (byte 0x{raw[exc.start]:02x} at offset {exc.start:,}); "
            "save it as 'CSV UTF-8', or give its encoding (e.g. cp1252) with `encoding:` in "
            "the mapping"
        ) from None
    except LookupError:
        raise SheetProblem(
            f"`{encoding}` is not an encoding Python knows; give one such as utf-8 or cp1252"
        ) from None


def _csv_cell(value: str) -> Value:
    """A CSV cell is text, or empty (nothing but spaces). The `'` psstrat's export puts before
    text a spreadsheet would read as a formula (or that starts with a `'`) is taken off; any
    other `'` is the cell's own."""
    if value.strip() == "":
        return None
    if value.startswith("'") and value[1:].startswith(CSV_QUOTED):
        return value[1:]
    return value
