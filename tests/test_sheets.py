"""psstrat.sheets: hostile spreadsheets are one-line problems within bounded time and memory;
formulas are never evaluated; exports are typed, formula-safe, marked and the same bytes
every time; what is written reads back as it was.

The hostile files are built here (XlsxWriter, zipfile, and XML written by hand where a
library would not write such a file); only tests/data/sheets/libreoffice.ods (a register
LibreOffice saved) is checked in."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from psstrat.sheets import (
    LIMITS,
    Book,
    Limits,
    Meta,
    SheetProblem,
    Table,
    Value,
    read_book,
    write_book,
)
from psstrat.sheets.writing import widths

DATA = Path(__file__).parent / "data" / "sheets"
BOUND = 30.0
"""Seconds a hostile file may take to be refused (the issue asks for bounded time)."""
META = Meta("Risk & register", "OFFICIAL-SENSITIVE", dt.date(2004, 12, 31), "For the committee")
MARK = META.marking

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
META_NS = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"

SHEET_XML = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
SHEET_TAIL = b"</sheetData></worksheet>"
ODS_TYPE = b"application/vnd.oasis.opendocument.spreadsheet"


# Building files


def xlsx_bytes(build: Callable[[Any, Any], None] | None = None) -> bytes:
    """An .xlsx made by XlsxWriter with one sheet, Register: `Id` and `R1` unless ``build``
    (given the workbook and the sheet) writes it."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Register")
    if build is None:
        sheet.write_string(0, 0, "Id")
        sheet.write_string(1, 0, "R1")
    else:
        build(book, sheet)
    book.close()
    return buffer.getvalue()


def xlsx_with(
    path: Path,
    add: dict[str, bytes] | None = None,
    sheet: Iterable[bytes] | None = None,
    types: bytes = b"",
) -> Path:
    """XlsxWriter's plain .xlsx at ``path`` with parts added, the first sheet's XML replaced
    by the chunks of ``sheet`` (streamed, so it may be hundreds of MiB), and ``types`` put
    into [Content_Types].xml."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for info in source.infolist():
            if info.filename == SHEET_XML and sheet is not None:
                with z.open(SHEET_XML, "w", force_zip64=True) as part:
                    for chunk in sheet:
                        part.write(chunk)
                continue
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", types + b"</Types>")
            z.writestr(info, data)
        for name, data in (add or {}).items():
            z.writestr(name, data)
    return path


def ods_with(
    path: Path,
    table: bytes | str,
    content_extra: bytes = b"",
    parts: dict[str, bytes] | None = None,
) -> Path:
    """A minimal .ods written by hand: one sheet, S, holding ``table`` (XML), with
    ``content_extra`` before the body and other parts by name."""
    body = table.encode() if isinstance(table, str) else table
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<office:document-content xmlns:office="' + OFFICE.encode() + b'" '
        b'xmlns:table="' + TABLE.encode() + b'" xmlns:text="' + TEXT.encode() + b'" '
        b'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
        b'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2">'
        b"<office:scripts/>" + content_extra + b"<office:body><office:spreadsheet>"
        b'<table:table table:name="S">' + body + b"</table:table>"
        b"</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        b'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry'
        b' manifest:full-path="/" manifest:media-type="' + ODS_TYPE + b'"/><manifest:file-entry'
        b' manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), ODS_TYPE)
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
        for name, data in (parts or {}).items():
            z.writestr(name, data)
    return path


def ods_row(*texts: str) -> str:
    cells = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>'
        for t in texts
    )
    return f"<table:table-row>{cells}</table:table-row>"


def rows_xml(count: int) -> Iterator[bytes]:
    """A sheet's XML with a number in column A of rows 1 to ``count``, in chunks."""
    yield SHEET_HEAD
    step = 1 << 16
    for start in range(1, count + 1, step):
        yield "".join(
            f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>'
            for i in range(start, min(start + step, count + 1))
        ).encode()
    yield SHEET_TAIL


def problem(path: Path, limits: Limits = LIMITS, encoding: str = "utf-8") -> str:
    """The problem reading ``path`` gives, checked to be one line and within BOUND."""
    start = time.monotonic()
    with pytest.raises(SheetProblem) as caught:
        read_book(path, limits, encoding)
    took = time.monotonic() - start
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message, message
    assert took < BOUND, f"{took:.1f} s to refuse {path.name}: {message}"
    return message


def rows(book: Book, sheet: int = 0) -> list[tuple[Value, ...]]:
    return list(book.sheets[sheet].rows)


# Hostile input: each a clean problem, in bounded time


def test_a_zip_bomb_stops_at_the_unpacked_limit(tmp_path: Path) -> None:
    spaces = b" " * (16 << 20)
    bomb = xlsx_with(tmp_path / "bomb.xlsx", sheet=[SHEET_HEAD, *[spaces] * 20, SHEET_TAIL])
    assert bomb.stat().st_size < 4 << 20  # 320 MiB of XML in a few MiB
    message = problem(bomb)
    assert message.startswith("bomb.xlsx unpacks to more than 256 MiB (a zip bomb")
    assert "save the register alone" in message


def far(book: Any, sheet: Any) -> None:
    """Cells in A1 and XFD1048576, the last cell of a sheet."""
    sheet.write_string(0, 0, "Id")
    sheet.write_string(1_048_575, 16_383, "far")


def test_a_sheet_reaching_xfd1048576_is_a_problem_not_an_abort(tmp_path: Path) -> None:
    path = tmp_path / "far.xlsx"
    path.write_bytes(xlsx_bytes(far))
    message = problem(path)
    assert message.startswith("far.xlsx could not be read within 2,048 MiB of memory")
    assert "psstrat reads at most 100,000 rows and 256 columns" in message


def test_python_calamine_alone_aborts_on_that_sheet(tmp_path: Path) -> None:
    """Why the reader is a child process: the library itself kills the process."""
    path = tmp_path / "far.xlsx"
    path.write_bytes(xlsx_bytes(far))
    code = (
        "import sys; from python_calamine import CalamineWorkbook as W; "
        "W.from_path(sys.argv[1]).get_sheet_by_name('Register')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, check=False, timeout=60
    )
    assert done.returncode < 0 or done.returncode == 134, done.stderr[-500:]


@pytest.fixture(scope="module")
def tall(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An .xlsx whose sheet has a number in each of its 1,048,576 rows (8 MiB)."""
    return xlsx_with(tmp_path_factory.mktemp("tall") / "tall.xlsx", sheet=rows_xml(1_048_576))


def test_a_sheet_of_1048576_rows_is_refused(tall: Path) -> None:
    assert problem(tall) == (
        "tall.xlsx: sheet Register has more than 100,000 rows; psstrat reads at most 100,000: "
        "delete the rows below the register, or split it"
    )


GAP = '<table:table-row table:number-rows-repeated="1048574"><table:table-cell/></table:table-row>'
"""Empty rows 2 to 1,048,575 of an .ods."""


def test_an_ods_reaching_the_last_row_is_refused(tmp_path: Path) -> None:
    path = ods_with(tmp_path / "tall.ods", ods_row("Id") + GAP + ods_row("far"))
    assert "sheet S has more than 100,000 rows; psstrat reads at most 100,000" in problem(path)


def test_an_ods_reaching_the_last_cell_is_refused(tmp_path: Path) -> None:
    last = (
        '<table:table-row><table:table-cell table:number-columns-repeated="16383"/>'
        '<table:table-cell office:value-type="string"><text:p>z</text:p></table:table-cell>'
        "</table:table-row>"
    )
    message = problem(ods_with(tmp_path / "far.ods", ods_row("Id") + GAP + last))
    assert message.startswith("far.ods: a sheet reaches far beyond its cells (Cell limit")
    assert "copy the register into a new spreadsheet" in message


def test_the_trailing_rows_libreoffice_writes_are_nothing(tmp_path: Path) -> None:
    """LibreOffice ends a sheet with its empty rows repeated to row 1,048,576."""
    rest = (
        '<table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    book = read_book(ods_with(tmp_path / "lo.ods", ods_row("Id", "Title") + rest))
    assert rows(book) == [("Id", "Title")]


def test_macros_in_an_xlsm_are_refused(tmp_path: Path) -> None:
    path = xlsx_with(tmp_path / "register.xlsm", add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    assert problem(path) == (
        "register.xlsm holds macros; psstrat never opens a workbook with macros: save a copy as "
        ".xlsx (Excel Workbook) or .ods without them, and import that"
    )


@pytest.mark.parametrize(
    ("add", "types"),
    [
        ({"xl/VBAProject.bin": b"x"}, b""),  # part names are case-insensitive
        ({"xl/macrosheets/sheet1.xml": b"<xm/>"}, b""),  # Excel 4 macros
        (
            {},
            b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.'
            b'sheet.macroEnabled.main+xml"/>',
        ),
    ],
)
def test_macros_in_a_workbook_named_xlsx_are_refused(
    tmp_path: Path, add: dict[str, bytes], types: bytes
) -> None:
    path = xlsx_with(tmp_path / "register.xlsx", add=add, types=types)
    assert problem(path).startswith("register.xlsx holds macros; psstrat never opens")


def test_macros_in_an_ods_are_refused(tmp_path: Path) -> None:
    path = ods_with(
        tmp_path / "register.ods", ods_row("Id"), parts={"Basic/Standard/Module1.xml": b"x"}
    )
    assert problem(path).startswith("register.ods holds macros")


def test_external_links_in_an_xlsx_are_refused(tmp_path: Path) -> None:
    link = (
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<externalBook r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships"/></externalLink>'
    )
    path = xlsx_with(tmp_path / "linked.xlsx", add={"xl/externalLinks/externalLink1.xml": link})
    assert problem(path) == (
        "linked.xlsx links to other workbooks; break the links (Data > Edit Links > Break "
        "Link) or paste the values, and save it again"
    )


LINKED = {
    "a linked sheet": (
        '<table:table-source xlink:href="file:///C:/other.ods" table:table-name="S"/>'
        + ods_row("Id")
    ),
    "another prefix": (
        '<t:table-source xmlns:t="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xlink:href="../other.ods"/>' + ods_row("Id")
    ),
    "a linked range": (
        ods_row("Id") + "<table:table-row><table:table-cell><table:cell-range-source "
        'table:name="x" xlink:href="http://example.com/x.ods" table:filter-name="calc8" '
        'table:last-column-spanned="1" table:last-row-spanned="1"/></table:table-cell>'
        "</table:table-row>"
    ),
}


@pytest.mark.parametrize("case", sorted(LINKED))
def test_links_to_other_files_in_an_ods_are_refused(tmp_path: Path, case: str) -> None:
    path = ods_with(tmp_path / "linked.ods", LINKED[case])
    assert problem(path) == (
        "linked.ods links to other files or holds scripts; copy the cells, paste them as "
        "values (Paste Special > Values Only) into a new spreadsheet and save that"
    )


def test_dde_links_and_event_scripts_in_an_ods_are_refused(tmp_path: Path) -> None:
    dde = b'<table:dde-links><table:dde-link><office:dde-source office:dde-application="x"/>'
    path = ods_with(
        tmp_path / "dde.ods", ods_row("Id"), dde + b"</table:dde-link></table:dde-links>"
    )
    assert problem(path).startswith("dde.ods links to other files or holds scripts")
    events = (
        b'<office:event-listeners><script:event-listener script:language="ooo:script" '
        b'script:event-name="dom:load" xlink:href="vnd.sun.star.script:x"/>'
        b"</office:event-listeners>"
    )
    styles = (
        b'<?xml version="1.0"?><office:document-styles>' + events + b"</office:document-styles>"
    )
    path = ods_with(tmp_path / "events.ods", ods_row("Id"), parts={"styles.xml": styles})
    assert problem(path).startswith("events.ods links to other files or holds scripts")


def test_a_libreoffice_file_is_read() -> None:
    """LibreOffice writes `<office:scripts/>` (empty) in every file: that is no script."""
    book = read_book(DATA / "libreoffice.ods")
    assert book.kind == "ods"
    assert rows(book)[:3] == [
        ("Id", "Text", "C", "D", "E", "F"),
        ("R1", "  two leading", dt.date(2004, 9, 30), 3, 2.5, True),
        ("R2", "trailing ", None, -4, 0.1, False),
    ]


WRONG: dict[str, tuple[bytes, str]] = {
    "old.xls": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
        "old.xls is an Excel 97-2003 workbook (.xls); save it as .xlsx (File > Save As > "
        "Excel Workbook); psstrat reads .xlsx, .ods and .csv",
    ),
    "locked.xlsx": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
        "locked.xlsx is protected by a password, or is an Excel 97-2003 workbook; save a copy "
        "as .xlsx (Excel Workbook) without a password and import that",
    ),
    "report.xlsx": (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        "report.xlsx is not a spreadsheet (a PDF document); give the register itself, saved "
        "as .xlsx, .ods or .csv; psstrat reads .xlsx, .ods and .csv",
    ),
    "notes.txt": (
        b"Id,Title\n",
        "notes.txt is not a spreadsheet psstrat reads; save the register as .xlsx, .ods or "
        ".csv; psstrat reads .xlsx, .ods and .csv",
    ),
    "empty.xlsx": (
        b"",
        "empty.xlsx is empty (0 bytes); save the register again, or give the right file",
    ),
    "empty.csv": (
        b"",
        "empty.csv is empty (0 bytes); save the register again, or give the right file",
    ),
    "nul.csv": (
        b"Id,Title\r\nR1,\x00\x00\r\n",
        "nul.csv is not a CSV file (it holds NUL bytes: a binary file, or saved as UTF-16); "
        "save the register as 'CSV UTF-8'",
    ),
    "windows.csv": (
        b"Id,Title\r\nR1,\x93Quoted\x94 \x96 dash\r\n",
        "windows.csv is not utf-8 (byte 0x93 at offset 13); save it as 'CSV UTF-8', or give "
        "its encoding (e.g. cp1252) with `encoding:` in the mapping",
    ),
    "half.xlsx": (
        xlsx_bytes()[:2000],
        "half.xlsx is not a readable spreadsheet (File is not a zip file); psstrat reads "
        ".xlsx, .ods and .csv",
    ),
}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_a_wrong_file_is_a_problem(tmp_path: Path, name: str) -> None:
    data, said = WRONG[name]
    (tmp_path / name).write_bytes(data)
    assert problem(tmp_path / name) == said


def test_a_zip_that_is_no_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("photo.jpg", os.urandom(2000))
    assert problem(path) == (
        "photos.xlsx is a zip file but not a spreadsheet; psstrat reads .xlsx, .ods and .csv"
    )
    with zipfile.ZipFile(path, "w") as z:
        for i in range(10_001):
            z.writestr(f"{i}", b"")
    assert problem(path).startswith("photos.xlsx is a zip of 10,001 files, not a workbook")


def test_an_xlsb_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "binary.xlsb"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    assert problem(path).startswith("binary.xlsb is an Excel binary workbook (.xlsb); save it")


def test_broken_sheet_xml_is_a_problem(tmp_path: Path) -> None:
    path = xlsx_with(tmp_path / "broken.xlsx", sheet=[SHEET_HEAD, b"<row><c r=", b"\xff\xfe"])
    message = problem(path)
    assert message.startswith("broken.xlsx cannot be read as .xlsx (")
    assert message.endswith("open it in Excel or LibreOffice and save it again as .xlsx")


def test_entity_expansion_is_a_problem(tmp_path: Path) -> None:
    """A billion laughs: python-calamine expands no entity a DTD declares."""
    entities = b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9)
    )
    dtd = b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">' + entities + b"]>"
    cell = b'<row r="1"><c r="A1" t="inlineStr"><is><t>&j;</t></is></c></row>'
    body = SHEET_HEAD.split(b"\n", 1)[1]
    path = xlsx_with(tmp_path / "laughs.xlsx", sheet=[dtd, body, cell, SHEET_TAIL])
    assert problem(path).startswith("laughs.xlsx cannot be read as .xlsx (")


def test_a_folder_and_a_missing_file_are_problems(tmp_path: Path) -> None:
    (tmp_path / "register.xlsx").mkdir()
    assert problem(tmp_path / "register.xlsx") == (
        "register.xlsx is a folder; give the spreadsheet's path"
    )
    assert problem(tmp_path / "gone.xlsx") == "cannot read gone.xlsx: No such file or directory"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_is_a_problem(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "register.csv")
    assert problem(tmp_path / "register.csv") == (
        "register.csv is not a file; give the spreadsheet's path"
    )


def test_a_file_over_the_size_limit_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"Id\r\n" + b"R1\r\n" * 300_000)
    assert problem(path, Limits(file_bytes=1 << 20)) == (
        "big.csv is 1 MiB; psstrat reads spreadsheets up to 1 MiB (save the register alone, "
        "as values)"
    )


def test_the_reader_is_held_to_its_time(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    path.write_bytes(xlsx_bytes())
    assert problem(path, Limits(seconds=0.01)).startswith(
        "register.xlsx took more than 0 s to read; psstrat reads at most 100,000 rows"
    )


@pytest.mark.skipif(sys.platform != "linux", reason="the memory limit is Linux's RLIMIT_AS")
def test_the_reader_is_held_to_its_memory(tall: Path) -> None:
    assert problem(tall, Limits(memory_bytes=160 << 20, rows=10**7)).startswith(
        "tall.xlsx could not be read within 160 MiB of memory"
    )


def test_the_rows_and_columns_limits(tmp_path: Path) -> None:
    wide = xlsx_bytes(lambda book, sheet: sheet.write_row(0, 0, [f"c{i}" for i in range(300)]))
    (tmp_path / "wide.xlsx").write_bytes(wide)
    assert problem(tmp_path / "wide.xlsx") == (
        "wide.xlsx: sheet Register has 300 columns in row 1; psstrat reads at most 256: delete "
        "the columns right of the register"
    )
    assert "reaches cell B3; psstrat reads at most 2 rows and 2 columns" in problem(
        xlsx_with(
            tmp_path / "tall.xlsx",
            sheet=[SHEET_HEAD, b'<row r="3"><c r="B3"><v>1</v></c></row>', SHEET_TAIL],
        ),
        Limits(rows=2, columns=2),
    )


# Formulas: the cached value, never the formula, never evaluated


def test_a_formula_cell_gives_its_cached_value(tmp_path: Path) -> None:
    def formulas(book: Any, sheet: Any) -> None:
        sheet.write_row(0, 0, ["Id", "Score", "Link", "Stale"])
        sheet.write_string(1, 0, "R1")
        sheet.write_formula(1, 1, "=2*2", None, 4)
        sheet.write_formula(1, 2, '=HYPERLINK("http://example.com","see")', None, "see")
        sheet.write_formula(1, 3, "=1+1", None, 5)  # what Excel last saved, however wrong

    path = tmp_path / "formulas.xlsx"
    path.write_bytes(xlsx_bytes(formulas))
    assert rows(read_book(path)) == [("Id", "Score", "Link", "Stale"), ("R1", 4, "see", 5)]


def test_an_ods_formula_cell_gives_its_cached_value(tmp_path: Path) -> None:
    cell = (
        '<table:table-row><table:table-cell table:formula="of:=1+1" office:value-type="float" '
        'office:value="5"><text:p>5</text:p></table:table-cell><table:table-cell '
        'table:formula="of:=WEBSERVICE(&quot;http://example.com&quot;)" '
        'office:value-type="string" office:string-value="cached"><text:p>cached</text:p>'
        "</table:table-cell></table:table-row>"
    )
    book = read_book(ods_with(tmp_path / "formulas.ods", ods_row("A", "B") + cell))
    assert rows(book) == [("A", "B"), (5, "cached")]


def test_date_cells_are_dates(tmp_path: Path) -> None:
    def dated(book: Any, sheet: Any) -> None:
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        sheet.write_row(0, 0, ["Due", "Reviewed", "At"])
        sheet.write_datetime(1, 0, dt.datetime(2004, 9, 30), day)
        sheet.write_datetime(1, 1, dt.datetime(2004, 10, 1, 14, 30), day)
        sheet.write_datetime(1, 2, dt.time(9, 15), book.add_format({"num_format": "hh:mm"}))

    path = tmp_path / "dates.xlsx"
    path.write_bytes(xlsx_bytes(dated))
    assert rows(read_book(path))[1] == (dt.date(2004, 9, 30), dt.date(2004, 10, 1), "09:15:00")
    cell = (
        '<table:table-row><table:table-cell office:value-type="date" '
        'office:date-value="2004-09-30"><text:p>30/09/04</text:p></table:table-cell>'
        '<table:table-cell office:value-type="date" office:date-value="2004-10-01T14:30:00">'
        "<text:p>x</text:p></table:table-cell></table:table-row>"
    )
    book = read_book(ods_with(tmp_path / "dates.ods", cell))
    assert rows(book) == [(dt.date(2004, 9, 30), dt.date(2004, 10, 1))]


def test_chart_sheets_are_left_out_and_names_kept(tmp_path: Path) -> None:
    def charted(book: Any, sheet: Any) -> None:
        sheet.write_row(0, 0, ["Id", "Score"])
        sheet.write_row(1, 0, ["R1", 3])
        book.add_worksheet("Plan").write_string(0, 0, "Id")
        chart = book.add_chart({"type": "column"})
        chart.add_series({"values": "=Register!$B$2:$B$2"})
        book.add_chartsheet("Chart").set_chart(chart)

    path = tmp_path / "charted.xlsx"
    path.write_bytes(xlsx_bytes(charted))
    book = read_book(path)
    assert [s.name for s in book.sheets] == ["Register", "Plan"]
    assert book.kind == "xlsx" and book.name == "charted.xlsx"


def test_an_ods_named_xlsx_is_read_by_its_content(tmp_path: Path) -> None:
    path = ods_with(tmp_path / "misnamed.xlsx", ods_row("Id") + ods_row("R1"))
    book = read_book(path)
    assert (book.kind, rows(book)) == ("ods", [("Id",), ("R1",)])


# CSV


def test_csv_as_excel_saves_it(tmp_path: Path) -> None:
    """Excel's 'CSV UTF-8': a byte order mark, CRLF, quoted line breaks; trailing empty cells
    and rows (a sheet formatted further down than its data) are dropped."""
    path = tmp_path / "register.csv"
    text = (
        "\ufeffId,Title,Owner,,\r\n"
        'R1,"Two\nlines",Smith,,\r\n'
        "R2,Caf\u00e9 \u2013 \u00bd,,,\r\n"
        ",,,,\r\n"
        'R3,"He said ""no""",  ,,\r\n'
    )
    path.write_text(text + ",,,,\r\n" * 5 + ",,,,", encoding="utf-8", newline="")
    assert rows(read_book(path)) == [
        ("Id", "Title", "Owner"),
        ("R1", "Two\nlines", "Smith"),
        ("R2", "Caf\u00e9 \u2013 \u00bd"),
        (),
        ("R3", 'He said "no"'),
    ]


def test_csv_without_bom_with_lf_and_crlf_inside_a_cell(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(b'Id,Title\nR1,"a\r\nb"\nR2," spaced  out "\n\n\n')
    book = read_book(path)
    assert (book.kind, book.sheets[0].name) == ("csv", "")
    assert rows(book) == [("Id", "Title"), ("R1", "a\r\nb"), ("R2", " spaced  out ")]


def test_csv_in_a_given_encoding(tmp_path: Path) -> None:
    path = tmp_path / "windows.csv"
    path.write_bytes("Id,Title\r\nR1,\u201cQuoted\u201d \u2013 dash\r\n".encode("cp1252"))
    assert rows(read_book(path, encoding="cp1252"))[1] == ("R1", "\u201cQuoted\u201d \u2013 dash")
    assert problem(path, encoding="klingon") == (
        "`klingon` is not an encoding Python knows; give one such as utf-8 or cp1252"
    )


def test_csv_quote_prefix_is_taken_off_only_where_export_puts_it(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(b"A,B,C,D,E\r\n'=1+1,'+44 20,''quoted,'tis,'-x\r\n")
    assert rows(read_book(path))[1] == ("=1+1", "+44 20", "'quoted", "'tis", "-x")


def test_csv_limits_count_the_register_not_the_empty_end(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(b"Id,A,,,,,,,,\r\nR1,x,,,,,,,,\r\n" + b",,,,,,,,,\r\n" * 50)
    assert len(read_book(path, Limits(rows=2, columns=2)).sheets[0].rows) == 2
    path.write_bytes(b"Id\r\nR1\r\n\r\n\r\nR2\r\n")
    assert problem(path, Limits(rows=4)) == (
        "register.csv has more than 4 rows; psstrat reads at most 4: delete the rows below the "
        "register, or split it"
    )
    path.write_bytes(b"Id,A,B\r\n")
    assert problem(path, Limits(columns=2)).startswith("register.csv has 3 columns in row 1")


def test_csv_a_huge_field_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(b'Id,Title\r\nR1,"' + b"x" * 200_000 + b'"\r\n')
    assert problem(path).startswith("register.csv is not a CSV file psstrat can read (field")


# Writing


REGISTER = Table(
    "Register",
    ("Id", "Title", "Due", "Score", "Weight", "Open", "Notes"),
    [
        ("R0001", "Vetting backlog", dt.date(2004, 9, 30), 12, 0.5, True, "One line"),
        ("R0002", "  leading and trailing  ", dt.date(2005, 1, 2), -3, 2.25, False, "a\nb\n\nc"),
        ("R0003", "double  spaced   text", None, 0, None, None, " one leading"),
        (
            "R0004",
            "Caf\u00e9 \u2013 \u00bd & <tags> \"quotes\" 'single'",
            dt.date(2004, 2, 29),
            25,
            1e-05,
        ),
        ("R0005", None, None, None, None, None, "trailing one "),
        ("R0006", '=HYPERLINK("http://example.com","x")', "+1", "-x", "@x", "=1+1", "'q"),
        ("R0007", "emoji \U0001f600 and 12345678901", dt.date(1999, 12, 31), 12345678901, -7.75),
    ],
    frozenset({6}),
)
PLAN = Table("Plan", ("Id", "Milestone"), [("S1.1.M1", "Code agreed")])
FORMULA_LIKE = ('=HYPERLINK("http://example.com","x")', "+1", "-x", "@x", "=1+1")


def expected(table: Table) -> list[tuple[Value, ...]]:
    """The rows as reading gives them: trailing empty cells dropped."""
    out = []
    for row in (table.headings, *table.rows):
        cells = list(row)
        while cells and cells[-1] is None:
            cells.pop()
        out.append(tuple(cells))
    return out


def as_text(value: Value) -> Value:
    """A value as a CSV file holds it: text."""
    if value is None or isinstance(value, str):
        return value
    return value.isoformat() if isinstance(value, dt.date) else str(value)


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_round_trip(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"register.{kind}"
    path.write_bytes(write_book(kind, [REGISTER, PLAN], META))
    book = read_book(path)
    assert [s.name for s in book.sheets] == ["Register", "Plan"]
    assert rows(book) == expected(REGISTER)
    assert rows(book, 1) == expected(PLAN)


def test_round_trip_csv(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(write_book("csv", [REGISTER], META))
    assert rows(read_book(path)) == [tuple(as_text(v) for v in row) for row in expected(REGISTER)]


def test_csv_is_formula_safe(tmp_path: Path) -> None:
    raw = write_book("csv", [REGISTER], META)
    assert raw.startswith(b"\xef\xbb\xbfId,Title,")
    line = raw.decode("utf-8-sig").split("\r\n")[6]
    assert line == 'R0006,"\'=HYPERLINK(""http://example.com"",""x"")",\'+1,\'-x,\'@x,\'=1+1,\'\'q'


def test_csv_holds_one_sheet() -> None:
    with pytest.raises(SheetProblem, match=r"a \.csv file holds one sheet, and this export has 2"):
        write_book("csv", [REGISTER, PLAN], META)


def xlsx_parts(raw: bytes) -> dict[str, bytes]:
    z = zipfile.ZipFile(io.BytesIO(raw))
    return {name: z.read(name) for name in z.namelist()}


def test_xlsx_text_is_never_a_formula() -> None:
    parts = xlsx_parts(write_book("xlsx", [REGISTER], META))
    sheet = ET.fromstring(parts[SHEET_XML])
    assert sheet.find(f".//{{{MAIN}}}f") is None and b"<f>" not in parts[SHEET_XML]
    shared = [
        "".join(t.text or "" for t in si.iter(f"{{{MAIN}}}t"))
        for si in ET.fromstring(parts["xl/sharedStrings.xml"])
    ]
    styles = ET.fromstring(parts["xl/styles.xml"])
    xfs = styles.findall(f"{{{MAIN}}}cellXfs/{{{MAIN}}}xf")
    row = sheet.findall(f".//{{{MAIN}}}row")[6]  # R0006
    cells = row.findall(f"{{{MAIN}}}c")[1:6]
    for cell, text in zip(cells, FORMULA_LIKE, strict=True):
        assert cell.get("t") == "s", ET.tostring(cell)
        value = cell.find(f"{{{MAIN}}}v")
        assert value is not None and value.text is not None
        assert shared[int(value.text)] == text
        assert xfs[int(cell.get("s", "0"))].get("quotePrefix") == "1"  # stays text on editing


def test_xlsx_dates_are_date_cells_and_numbers_numbers() -> None:
    parts = xlsx_parts(write_book("xlsx", [REGISTER], META))
    sheet = ET.fromstring(parts[SHEET_XML])
    due = sheet.findall(f".//{{{MAIN}}}row")[1].findall(f"{{{MAIN}}}c")[2]
    serial = (dt.date(2004, 9, 30) - dt.date(1899, 12, 30)).days
    assert due.get("t") is None and due.findtext(f"{{{MAIN}}}v") == str(serial)
    styles = ET.fromstring(parts["xl/styles.xml"])
    xf = styles.findall(f"{{{MAIN}}}cellXfs/{{{MAIN}}}xf")[int(due.get("s", "0"))]
    formats = {f.get("numFmtId"): f.get("formatCode") for f in styles.iter(f"{{{MAIN}}}numFmt")}
    assert formats[xf.get("numFmtId")] == "yyyy-mm-dd"


def test_xlsx_header_row_frozen_filters_widths() -> None:
    parts = xlsx_parts(write_book("xlsx", [REGISTER, PLAN], META))
    for name, table in (("sheet1", REGISTER), ("sheet2", PLAN)):
        sheet = ET.fromstring(parts[f"xl/worksheets/{name}.xml"])
        pane = sheet.find(f".//{{{MAIN}}}pane")
        assert pane is not None
        assert (pane.get("ySplit"), pane.get("topLeftCell"), pane.get("state")) == (
            "1", "A2", "frozen",
        )  # fmt: skip
        last = chr(ord("A") + len(table.headings) - 1)
        auto = sheet.find(f"{{{MAIN}}}autoFilter")
        assert auto is not None and auto.get("ref") == f"A1:{last}{len(table.rows) + 1}"
        cols = sheet.findall(f"{{{MAIN}}}cols/{{{MAIN}}}col")
        assert len(cols) == len(table.headings)
    assert widths(REGISTER) == [7, 38, 12, 13, 8, 7, 15]
    assert widths(Table("T", ("x",), [("y" * 500,)])) == [62]


def test_xlsx_marking_in_header_footer_and_properties() -> None:
    parts = xlsx_parts(write_book("xlsx", [REGISTER, PLAN], META))
    for name in ("sheet1", "sheet2"):
        sheet = ET.fromstring(parts[f"xl/worksheets/{name}.xml"])
        assert sheet.findtext(f".//{{{MAIN}}}oddHeader") == f"&C&B{MARK}"
        assert sheet.findtext(f".//{{{MAIN}}}oddFooter") == (
            f"&L{MARK}&CRisk && register&RPage &P of &N"
        )
    core = ET.fromstring(parts["docProps/core.xml"])
    said = {el.tag.rsplit("}", 1)[1]: el.text for el in core}
    assert said["keywords"] == MARK and said["category"] == MARK
    assert said["title"] == "Risk & register" and said["created"] == "2004-12-31T00:00:00Z"
    custom = ET.fromstring(parts["docProps/custom.xml"])
    (prop,) = custom
    assert prop.get("name") == "Classification" and "".join(prop.itertext()) == MARK


def test_xlsx_footer_fits_a_long_title() -> None:
    meta = Meta(
        "A long title & more \U0001f600 " * 20, "OFFICIAL & SENSITIVE", dt.date(2004, 12, 31)
    )
    sheet = ET.fromstring(xlsx_parts(write_book("xlsx", [PLAN], meta))[SHEET_XML])
    footer = sheet.findtext(f".//{{{MAIN}}}oddFooter")
    assert footer is not None and len(footer.encode("utf-16-le")) // 2 <= 255
    assert footer.startswith("&LOFFICIAL && SENSITIVE&CA long title && more") and footer.endswith(
        "…&RPage &P of &N"
    )
    assert sheet.findtext(f".//{{{MAIN}}}oddHeader") == "&C&BOFFICIAL && SENSITIVE"


def test_xlsx_refuses_a_cell_over_excels_limit() -> None:
    table = Table("Register", ("Id", "Notes"), [("R1", "x" * 32_768)])
    with pytest.raises(SheetProblem, match=r"has 32,768 characters; an .xlsx cell holds 32,767"):
        write_book("xlsx", [table], META)


def ods_parts(raw: bytes) -> dict[str, bytes]:
    z = zipfile.ZipFile(io.BytesIO(raw))
    assert z.infolist()[0].filename == "mimetype"
    assert z.infolist()[0].compress_type == zipfile.ZIP_STORED
    return {name: z.read(name) for name in z.namelist()}


def test_ods_text_is_never_a_formula() -> None:
    parts = ods_parts(write_book("ods", [REGISTER], META))
    assert b"table:formula" not in parts["content.xml"]
    content = ET.fromstring(parts["content.xml"])
    row = list(content.iter(f"{{{TABLE}}}table-row"))[6]
    cells = row.findall(f"{{{TABLE}}}table-cell")[1:6]
    for cell, text in zip(cells, FORMULA_LIKE, strict=True):
        assert cell.get(f"{{{OFFICE}}}value-type") == "string"
        assert "".join(cell.itertext()) == text


def test_ods_spaces_are_text_s_elements() -> None:
    content = ET.fromstring(ods_parts(write_book("ods", [REGISTER], META))["content.xml"])
    row = list(content.iter(f"{{{TABLE}}}table-row"))[2]  # R0002
    title = row.findall(f"{{{TABLE}}}table-cell")[1]
    (paragraph,) = title
    spaces = paragraph.findall(f"{{{TEXT}}}s")
    assert [s.get(f"{{{TEXT}}}c") for s in spaces] == ["2", "2"]
    assert paragraph.text is None and (spaces[0].tail or "").startswith("leading and")
    notes = row.findall(f"{{{TABLE}}}table-cell")[-1]
    assert ["".join(p.itertext()) for p in notes] == ["a", "b", "", "c"]  # a paragraph a line


def test_ods_marking_in_meta_and_master_page() -> None:
    parts = ods_parts(write_book("ods", [REGISTER, PLAN], META))
    meta = ET.fromstring(parts["meta.xml"])
    assert meta.findtext(f".//{{{META_NS}}}keyword") == MARK
    (user,) = meta.iter(f"{{{META_NS}}}user-defined")
    assert user.get(f"{{{META_NS}}}name") == "Classification" and user.text == MARK
    styles = ET.fromstring(parts["styles.xml"])
    (master,) = styles.iter(f"{{{STYLE}}}master-page")
    header, footer = master.find(f"{{{STYLE}}}header"), master.find(f"{{{STYLE}}}footer")
    assert header is not None and "".join(header.itertext()) == MARK
    assert footer is not None and "".join(footer.itertext()).startswith(MARK)
    layout = next(styles.iter(f"{{{STYLE}}}page-layout"))  # else no page has either
    assert layout.find(f"{{{STYLE}}}header-style") is not None
    assert layout.find(f"{{{STYLE}}}footer-style") is not None
    content = ET.fromstring(parts["content.xml"])
    sheet_styles = {
        s.get(f"{{{STYLE}}}name"): s.get(f"{{{STYLE}}}master-page-name")
        for s in content.iter(f"{{{STYLE}}}style")
        if s.get(f"{{{STYLE}}}family") == "table"
    }
    for table in content.iter(f"{{{TABLE}}}table"):  # every sheet on the marked page style
        assert sheet_styles[table.get(f"{{{TABLE}}}style-name")] == master.get(f"{{{STYLE}}}name")


def test_ods_filters_and_header_rows() -> None:
    content = ET.fromstring(ods_parts(write_book("ods", [REGISTER, PLAN], META))["content.xml"])
    ranges = [
        (r.get(f"{{{TABLE}}}target-range-address"), r.get(f"{{{TABLE}}}display-filter-buttons"))
        for r in content.iter(f"{{{TABLE}}}database-range")
    ]
    assert ranges == [("'Register'.A1:'Register'.G8", "true"), ("'Plan'.A1:'Plan'.B2", "true")]
    assert len(list(content.iter(f"{{{TABLE}}}table-header-rows"))) == 2


def test_ods_every_part_is_well_formed_and_declares_the_same_namespaces() -> None:
    parts = ods_parts(write_book("ods", [REGISTER], META))
    declared = {}
    for name, data in parts.items():
        if name.endswith(".xml"):
            ET.fromstring(data)  # an undeclared prefix would fail here
            declared[name] = [a for a in data.split(b">", 2)[1].split() if a.startswith(b"xmlns:")]
    assert declared["styles.xml"] == declared["content.xml"] == declared["meta.xml"]


SCRIPT = """
import datetime as dt, hashlib, sys
sys.path[:0] = [sys.argv[1]]
from test_sheets import META, PLAN, REGISTER
from psstrat.sheets import write_book
for kind in ("xlsx", "ods", "csv"):
    tables = [REGISTER] if kind == "csv" else [REGISTER, PLAN]
    print(kind, hashlib.sha256(write_book(kind, tables, META)).hexdigest())
"""


def digests() -> str:
    lines = []
    for kind in ("xlsx", "ods", "csv"):
        tables = [REGISTER] if kind == "csv" else [REGISTER, PLAN]
        lines.append(f"{kind} {hashlib.sha256(write_book(kind, tables, META)).hexdigest()}")
    return "\n".join(lines) + "\n"


def test_same_bytes_after_other_odf_documents() -> None:
    """odfpy keeps the namespaces it has met process-wide and declared them all in every
    later document: a form or a formula made before (by anything in the process) changed
    the export's bytes."""
    first = {k: write_book(k, [REGISTER], META) for k in ("xlsx", "ods", "csv")}
    from odf import draw, form, math
    from odf.opendocument import OpenDocumentDrawing

    drawing = OpenDocumentDrawing()
    page = draw.Page(name="p", masterpagename="m")
    page.addElement(form.Form(check_grammar=False), check_grammar=False)
    page.addElement(math.Math(check_grammar=False), check_grammar=False)
    drawing.drawing.addElement(page)
    drawing.write(io.BytesIO())
    for kind, raw in first.items():
        assert write_book(kind, [REGISTER], META) == raw, kind


def test_same_bytes_at_another_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """odfpy dates the zip's entries now; XlsxWriter is given the date."""
    first = {k: write_book(k, [REGISTER], META) for k in ("xlsx", "ods")}
    later = time.localtime(time.time() + 86_400 * 400 + 3_723)
    monkeypatch.setattr(time, "localtime", lambda *_: later)
    monkeypatch.setattr(time, "time", lambda: time.mktime(later))
    for kind, raw in first.items():
        assert write_book(kind, [REGISTER], META) == raw, kind


def test_same_bytes_whatever_the_hash_seed() -> None:
    here = digests()
    for seed in ("0", "1", "4242"):
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(Path(__file__).parent)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            check=True,
            timeout=120,
        )
        assert done.stdout.decode() == here, f"PYTHONHASHSEED={seed}"


def test_a_write_then_read_of_a_register_sized_export(tmp_path: Path) -> None:
    """A few thousand rows each way, in seconds."""
    table = Table(
        "Register",
        ("Id", "Title", "Due", "Score"),
        [
            (f"R{i:04d}", f"Risk {i}", dt.date(2004, 1, 1) + dt.timedelta(i), i % 25)
            for i in range(3000)
        ],
    )
    for kind in ("xlsx", "ods", "csv"):
        start = time.monotonic()
        path = tmp_path / f"register.{kind}"
        path.write_bytes(write_book(kind, [table], META))
        book = read_book(path)
        assert len(book.sheets[0].rows) == 3001
        assert time.monotonic() - start < BOUND
