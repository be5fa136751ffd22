"""Writing a workbook: .xlsx with XlsxWriter, .ods with odfpy, .csv with the standard library.

Every cell is written as what it is (text as text, a date as a date cell), so nothing is ever
a formula: XlsxWriter's `write_string` and odfpy's string cells cannot be one, and text that a
spreadsheet would read as a formula on editing (`= + - @`) carries the quote prefix (.xlsx)
or a `'` (.csv). The same tables and date give the same bytes, in any process: both libraries
are given the date, zip entries carry a fixed time, and odfpy's namespaces are set before
each document (they are process-wide in odfpy, so what a document declared depended on
what the process had made before)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from psstrat.sheets.book import Sheet, SheetProblem, Table, Value, column_letters

XLSX_CELL = 32_767
"""The most characters an .xlsx cell holds (Excel's limit)."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_QUOTED = (*_FORMULA_START, "'")
"""What a CSV cell's text starts with to be written behind a `'` (reading takes it off)."""
_MAX_WIDTH = 60
_HEADER_FOOTER = 255
"""The most characters of an .xlsx header or footer (XlsxWriter leaves out a longer one)."""


@dataclass(frozen=True)
class Meta:
    """What every sheet's header and footer and the file's properties say."""

    title: str
    marking: str
    """The marking as it is shown, e.g. OFFICIAL-SENSITIVE."""
    as_of: dt.date
    note: str = ""


def write_book(kind: str, tables: Sequence[Table], meta: Meta) -> bytes:
    """The workbook as bytes: ``kind`` is xlsx, ods or csv (one table)."""
    return FORMATS[kind](tables, meta)


def widths(table: Table) -> list[int]:
    """Characters each column needs: its longest line, heading included, up to 60."""
    out = [min(len(h), _MAX_WIDTH) for h in table.headings]
    for row in table.rows:
        if len(row) > len(out):
            out.extend([0] * (len(row) - len(out)))
        for i, value in enumerate(row):
            if value is None:
                continue
            text = value.isoformat() if isinstance(value, dt.date) else str(value)
            longest = max(len(line) for line in text.split("\n")) if "\n" in text else len(text)
            if longest > out[i]:
                out[i] = min(longest, _MAX_WIDTH)
    return [w + 2 for w in out]


# .xlsx


def _xlsx(tables: Sequence[Table], meta: Meta) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    book = xlsxwriter.Workbook(buffer, options)
    book.set_properties(
        {
            "title": meta.title,
            "subject": f"{meta.title}, as at {meta.as_of.isoformat()}",
            "author": "psstrat",
            "category": meta.marking,
            "keywords": meta.marking,
            "comments": meta.note,
            "created": dt.datetime.combine(meta.as_of, dt.time()),
        }
    )
    book.set_custom_property("Classification", meta.marking)
    styles = _XlsxStyles(book)
    for table in tables:
        _xlsx_sheet(book.add_worksheet(table.name), table, meta, styles)
    book.close()
    return buffer.getvalue()


class _XlsxStyles:
    """The formats cells are written with: a heading, a date, and text that is quoted
    (starts like a formula) and/or wrapped (several lines)."""

    def __init__(self, book: Any) -> None:
        self.heading = book.add_format({"bold": True, "bottom": 1})
        self.date = book.add_format({"num_format": "yyyy-mm-dd", "align": "left"})
        quoted = {"quote_prefix": True}
        wrapped = {"text_wrap": True, "valign": "top"}
        self.text: dict[tuple[bool, bool], Any] = {
            (False, False): None,
            (True, False): book.add_format(quoted),
            (False, True): book.add_format(wrapped),
            (True, True): book.add_format(quoted | wrapped),
        }


def _xlsx_sheet(sheet: Any, table: Table, meta: Meta, styles: _XlsxStyles) -> None:
    for column, text in enumerate(table.headings):
        sheet.write_string(0, column, text, styles.heading)
    for r, row in enumerate(table.rows, start=1):
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(r, column, value)
            elif isinstance(value, int | float):
                sheet.write_number(r, column, value)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, column, _midnight(value), styles.date)
            else:
                style = _text_style(table, r, column, value, styles)
                sheet.write_string(r, column, value, style)
    for column, width in enumerate(widths(table)):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(table.rows), 1), max(len(table.headings) - 1, 0))
    mark = meta.marking.replace("&", "&&")
    sheet.set_header(f"&C&B{mark}"[:_HEADER_FOOTER])
    sheet.set_footer(_xlsx_footer(mark, meta.title))
    sheet.repeat_rows(0)


def _text_style(table: Table, r: int, column: int, value: str, styles: _XlsxStyles) -> Any:
    """The format text is written with: quoted if it starts as a formula would, wrapped if it
    has several lines in a column that holds them."""
    if len(value) > XLSX_CELL:
        raise SheetProblem(
            f"a cell of sheet {table.name} (row {r + 1}) has {len(value):,} characters; an "
            f".xlsx cell holds {XLSX_CELL:,}: export as .ods or .csv"
        )
    quoted = value.startswith(_FORMULA_START)
    wrapped = column in table.multiline and "\n" in value
    return styles.text[quoted, wrapped]


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def _xlsx_footer(mark: str, title: str) -> str:
    """The marking left, the title centred (cut to fit Excel's 255 characters, as UTF-16
    counts them), the page right."""
    left, right = f"&L{mark}&C", "&RPage &P of &N"
    centre = title.replace("&", "&&")
    while centre and _utf16(left + centre + right) > _HEADER_FOOTER:
        centre = centre[:-2].rstrip("&") + "…"
    footer = left + centre + right
    return footer if _utf16(footer) <= _HEADER_FOOTER else f"&L{mark}"[:_HEADER_FOOTER]


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# .ods

_ODF = threading.Lock()
"""odfpy keeps namespaces process-wide: one document at a time."""


def _ods(tables: Sequence[Table], meta: Meta) -> bytes:
    with _ODF:
        _fixed_namespaces()
        doc = _ods_document(tables, meta)
        buffer = io.BytesIO()
        doc.write(buffer)
    return _fixed_times(buffer.getvalue())


def _fixed_namespaces() -> None:
    """Every namespace a document's parts declare, in one order, before the document is
    made. odfpy declares in every part's root the namespaces its elements have met so far in
    the process (one dict on its Element class): styles.xml, written first, missed those met
    only while writing content.xml the first time, and a process that had made other ODF
    files declared theirs too. Set here, every part declares the same ones, whatever came
    before."""
    from odf import namespaces as ns
    from odf.element import Element

    used = (
        ns.OFFICENS, ns.STYLENS, ns.TEXTNS, ns.TABLENS, ns.NUMBERNS, ns.FONS, ns.DCNS,
        ns.METANS, ns.MANIFESTNS, ns.CHARTNS, ns.DRAWNS, ns.PRESENTATIONNS,
    )  # fmt: skip
    Element.namespaces.clear()
    Element.namespaces.update((uri, ns.nsdict[uri]) for uri in used)


def _ods_document(tables: Sequence[Table], meta: Meta) -> Any:
    from odf import dc
    from odf import meta as odfmeta
    from odf import style as st
    from odf import table as tb
    from odf.opendocument import OpenDocumentSpreadsheet

    doc = OpenDocumentSpreadsheet()
    for element in (
        dc.Title(text=meta.title),
        dc.Subject(text=f"{meta.title}, as at {meta.as_of.isoformat()}"),
        dc.Description(text=meta.note) if meta.note else None,
        odfmeta.Keyword(text=meta.marking),
        odfmeta.CreationDate(text=f"{meta.as_of.isoformat()}T00:00:00"),
        odfmeta.UserDefined(name="Classification", valuetype="string", text=meta.marking),
    ):
        if element is not None:
            doc.meta.addElement(element)
    _ods_styles(doc, meta)
    ranges = tb.DatabaseRanges()
    cells = _OdsCells()
    column_styles: dict[int, Any] = {}
    for n, table in enumerate(tables):
        sheet = tb.Table(name=table.name, stylename="sheet")
        for width in widths(table):
            if width not in column_styles:
                column_styles[width] = st.Style(name=f"width-{width}", family="table-column")
                column_styles[width].addElement(
                    st.TableColumnProperties(columnwidth=f"{width * 0.19:.2f}cm")
                )
                doc.automaticstyles.addElement(column_styles[width])
            sheet.addElement(tb.TableColumn(stylename=column_styles[width]))
        header = tb.TableHeaderRows()
        header.addElement(cells.row(table.headings, "heading"))
        sheet.addElement(header)
        for values in table.rows:
            sheet.appendChild(cells.row(values))
        doc.spreadsheet.addElement(sheet)
        quoted = "'" + table.name.replace("'", "''") + "'"
        last = column_letters(max(len(table.headings) - 1, 0))
        ranges.addElement(
            tb.DatabaseRange(
                name=f"__Anonymous_Sheet_DB__{n}",
                targetrangeaddress=f"{quoted}.A1:{quoted}.{last}{len(table.rows) + 1}",
                displayfilterbuttons="true",
            )
        )
    doc.spreadsheet.addElement(ranges)
    return doc


def _ods_styles(doc: Any, meta: Meta) -> None:
    """The cell styles (a heading, a date as 2004-09-30), a sheet style that puts every sheet
    on the page style, and the page style, with the marking in its header and footer."""
    from odf import style as st
    from odf.number import DateStyle, Day, Month, Year
    from odf.number import Text as NumberText
    from odf.text import P

    date_style = DateStyle(name="iso-date")
    for part in (
        Year(style="long"), NumberText(text="-"), Month(style="long"), NumberText(text="-"),
        Day(style="long"),
    ):  # fmt: skip
        date_style.addElement(part)
    doc.automaticstyles.addElement(date_style)
    doc.automaticstyles.addElement(
        st.Style(name="date", family="table-cell", datastylename="iso-date")
    )
    bold = st.Style(name="heading", family="table-cell")
    bold.addElement(st.TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    doc.automaticstyles.addElement(st.Style(name="sheet", family="table", masterpagename="Default"))
    layout = st.PageLayout(name="page")
    # Without a header and footer style the page has none: LibreOffice prints neither.
    for holder in (st.HeaderStyle(), st.FooterStyle()):
        holder.addElement(st.HeaderFooterProperties(minheight="0.75cm"))
        layout.addElement(holder)
    doc.automaticstyles.addElement(layout)
    master = st.MasterPage(name="Default", pagelayoutname=layout)
    header = st.Header()
    header.addElement(P(text=meta.marking))
    master.addElement(header)
    footer = st.Footer()
    footer.addElement(P(text=f"{meta.marking}    {meta.title}"))
    master.addElement(footer)
    doc.masterstyles.addElement(master)


class _OdsCells:
    """Rows and cells made with odfpy's qualified attributes and without its grammar checks
    (what a cell may hold is fixed here), the odfpy names looked up once per document: a
    run of empty cells is one repeated cell, the empty cells at the end of a row are left
    out, and only text has a paragraph (a number, date or boolean cell's value is its
    attribute, which spreadsheets show in the cell's style)."""

    def __init__(self) -> None:
        from odf import teletype
        from odf.namespaces import OFFICENS, TABLENS
        from odf.table import TableCell, TableRow
        from odf.text import P, S

        self.cell, self.row_element, self.p, self.s = TableCell, TableRow, P, S
        self.spaced = teletype.addTextToElement
        self.type, self.value = (OFFICENS, "value-type"), (OFFICENS, "value")
        self.date, self.boolean = (OFFICENS, "date-value"), (OFFICENS, "boolean-value")
        self.style, self.repeated = (TABLENS, "style-name"), (TABLENS, "number-columns-repeated")

    def row(self, values: Sequence[Value], style: str | None = None) -> Any:
        row = self.row_element(check_grammar=False)
        empty = 0
        for value in values:
            if value is None:
                empty += 1
                continue
            if empty:
                row.appendChild(
                    self.cell(qattributes={self.repeated: str(empty)}, check_grammar=False)
                )
                empty = 0
            row.appendChild(self.text(value, style) if type(value) is str else self.other(value))
        return row

    def text(self, value: str, style: str | None) -> Any:
        attrs = {self.type: "string"} if style is None else {self.type: "string", self.style: style}
        cell = self.cell(qattributes=attrs, check_grammar=False)
        for line in value.split("\n"):
            cell.appendChild(self.paragraph(line))
        return cell

    def other(self, value: Value) -> Any:
        if isinstance(value, bool):
            attrs = {self.type: "boolean", self.boolean: "true" if value else "false"}
        elif isinstance(value, int | float):
            attrs = {self.type: "float", self.value: repr(value)}
        elif isinstance(value, dt.date):
            attrs = {self.type: "date", self.date: value.isoformat()[:10], self.style: "date"}
        else:  # a str subclass
            return self.text(str(value), None)
        return self.cell(qattributes=attrs, check_grammar=False)

    def paragraph(self, line: str) -> Any:
        """One line of a text cell. OpenDocument collapses spaces as HTML does, so a run of
        spaces, and spaces at either end, are odfpy's `text:s` elements (and a tab is
        `text:tab`), which spreadsheets read back as the spaces they were."""
        paragraph = self.p(check_grammar=False)
        if not line:
            return paragraph
        if "  " not in line and "\t" not in line and line[0] != " " and line[-1] != " ":
            paragraph.addText(line, check_grammar=False)
            return paragraph
        body = line.lstrip(" ")
        middle = body.rstrip(" ")
        if len(line) > len(body):
            paragraph.appendChild(self.s(c=len(line) - len(body)))
        self.spaced(paragraph, middle)
        if len(body) > len(middle):
            paragraph.appendChild(self.s(c=len(body) - len(middle)))
        return paragraph


def _fixed_times(raw: bytes) -> bytes:
    """The same zip with every entry dated 1980-01-01 (odfpy dates them now), in order, the
    `mimetype` entry first and stored, as OpenDocument requires."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0))
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


# .csv


def _csv(tables: Sequence[Table], meta: Meta) -> bytes:
    if len(tables) != 1:
        raise SheetProblem(
            f"a .csv file holds one sheet, and this export has {len(tables)}; export as .xlsx "
            "or .ods, or export one sheet"
        )
    (table,) = tables
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_csv_text(h) for h in table.headings])
    for row in table.rows:
        writer.writerow([_csv_text(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def _csv_text(value: Value) -> object:
    """A CSV cell: a date as 2004-09-30; text a spreadsheet would read as a formula, or that
    starts with the quote mark, behind a `'` (reading takes one off)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    if isinstance(value, str) and value.startswith(CSV_QUOTED):
        return "'" + value
    return value


FORMATS: dict[str, Callable[[Sequence[Table], Meta], bytes]] = {
    "xlsx": _xlsx,
    "ods": _ods,
    "csv": _csv,
}


def as_sheets(tables: Sequence[Table]) -> tuple[Sheet, ...]:
    """The tables as reading gives them back (for tests and the round trip)."""
    return tuple(Sheet(t.name, (t.headings, *t.rows)) for t in tables)
