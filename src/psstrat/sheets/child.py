"""The child process that reads a workbook (psstrat.sheets.reading runs its `main` in an
isolated `python -I`), under a memory limit it sets on itself and the timeout its parent
keeps.

It takes a JSON request on stdin (the file's path and the limits), checks the zip's parts
(psstrat.sheets.parts), reads every worksheet with python-calamine and writes the kind and
the sheets' rows, as plain values with trailing empty cells and rows dropped, to stdout as a
pickle for its parent. A problem it can name goes to stderr as one line starting
`psstrat-sheet: ` (status 1); running out of memory is status 3, or a signal where the
library aborts. Nothing else imports it."""

from __future__ import annotations

import io
import json
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from psstrat.sheets.book import Limits, SheetProblem, Value, column_letters
from psstrat.sheets.parts import said, zip_kind
from psstrat.sheets.reading import PREFIX, plain, rows_within

if TYPE_CHECKING:
    from python_calamine import CalamineSheet

OUT_OF_MEMORY = 3


def main() -> None:
    request = json.loads(sys.stdin.buffer.read())
    limits = Limits(**request["limits"])
    _limit_memory(limits.memory_bytes)
    path = Path(request["path"])
    try:
        kind = zip_kind(path, limits)
        sheets = _sheets(path, kind, limits)
    except SheetProblem as exc:
        _say(str(exc))
    except MemoryError:
        raise SystemExit(OUT_OF_MEMORY) from None
    except Exception as exc:  # whatever else a hostile file makes a library raise
        _say(
            f"{path.name} cannot be read ({type(exc).__name__}: {said(exc)}); open it in Excel "
            "or LibreOffice and save it again as .xlsx or .ods"
        )
    sys.stdout.buffer.write(pickle.dumps((kind, sheets), protocol=pickle.HIGHEST_PROTOCOL))


def _limit_memory(limit: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # no such limit here (Windows, some macOS)
        pass


def _say(message: str) -> NoReturn:
    print(PREFIX + " ".join(message.split()), file=sys.stderr)
    raise SystemExit(1)


def _sheets(
    path: Path, kind: str, limits: Limits
) -> list[tuple[str, tuple[tuple[Value, ...], ...]]]:
    """Every worksheet (not chart or dialog sheets) as rows, in the workbook's order."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum

    name = path.name
    try:
        if path.suffix == f".{kind}":
            book = CalamineWorkbook.from_path(path)
        else:  # python-calamine goes by the suffix; by the content for a file-like
            book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
        with book:
            out = []
            for meta in book.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet:
                    continue
                sheet = book.get_sheet_by_name(meta.name)
                out.append((meta.name, _rows(sheet, f"{name}: sheet {meta.name}", limits)))
    except PasswordError:
        raise SheetProblem(
            f"{name} is protected by a password; save a copy without it and import that"
        ) from None
    except CalamineError as exc:
        if "cell limit" in str(exc).lower():
            raise SheetProblem(
                f"{name}: a sheet reaches far beyond its cells ({said(exc)}); psstrat reads at "
                f"most {limits.rows:,} rows and {limits.columns} columns: copy the register "
                "into a new spreadsheet and save that"
            ) from None
        raise SheetProblem(
            f"{name} cannot be read as .{kind} ({said(exc)}); open it in Excel or LibreOffice "
            f"and save it again as .{kind}"
        ) from None
    return out


def _rows(sheet: CalamineSheet, who: str, limits: Limits) -> tuple[tuple[Value, ...], ...]:
    """The sheet's rows from A1, within ``limits``. Only the rows up to the limit (and one)
    are made Python values, unless cells lie further down: those must all be empty."""
    end = sheet.end
    if end is None:
        return ()
    if (end[0] + 1) * (end[1] + 1) > limits.rows * limits.columns:
        raise SheetProblem(
            f"{who} reaches cell {column_letters(end[1])}{end[0] + 1}; psstrat reads at most "
            f"{limits.rows:,} rows and {limits.columns} columns: delete the rows below the "
            "register and the columns right of it, and save it again"
        )
    head = sheet.to_python(skip_empty_area=False, nrows=limits.rows + 1)
    rows = rows_within(head, plain, who, limits)
    if end[0] + 1 > len(head):  # cells further down (empty text, a formula giving ""?)
        rows_within(sheet.to_python(skip_empty_area=False), plain, who, limits)
    return rows


if __name__ == "__main__":
    main()
