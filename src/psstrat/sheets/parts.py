"""The parts of a zipped workbook, checked before python-calamine sees them (in the reading
child, psstrat.sheets.child, so a hostile zip is held to the child's memory and time too).

Every part is unpacked (and thrown away) up to `Limits.unpacked_bytes` whatever sizes the zip
claims, so a zip bomb stops there; a workbook with macros, or with links to other files, is
refused by its part names and content types (.xlsx) or by the elements in its XML (.ods)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from psstrat.sheets.book import Limits, SheetProblem

FORMATS = "psstrat reads .xlsx, .ods and .csv"
MAX_PARTS = 10_000
"""An .xlsx or .ods has tens of parts; a zip of many more is not a workbook."""

_ODS_TYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_CONTENT_TYPES = "[Content_Types].xml"
# Excel's macros (VBA projects, Excel 4 macro sheets, ActiveX controls), by part name
# (lower case: part names in an Office file are case-insensitive) and by content type.
_XLSX_MACRO_PARTS = ("vbaproject.bin", "vbaprojectsignature.bin")
_XLSX_MACRO_FOLDERS = ("xl/macrosheets/", "xl/activex/")
_XLSX_MACRO_TYPES = (
    b"application/vnd.ms-office.vbaProject",
    b"application/vnd.ms-excel.sheet.macroEnabled",
    b"application/vnd.ms-excel.macrosheet",
    b"application/vnd.ms-excel.intlmacrosheet",
    b"application/vnd.ms-office.activeX",
)
_XLSX_LINK_TYPE = b"spreadsheetml.externalLink+xml"
# LibreOffice's macros and links: the Basic and Scripts folders, and in any XML part an
# element (whatever its prefix) that runs a script or takes cells from another file: a
# script, an event listener, a linked sheet or range, a DDE link. `office:scripts`, which
# LibreOffice writes empty in every file, is not one of them.
_ODS_MACRO_FOLDERS = ("basic/", "scripts/")
_ODS_OUTSIDE = re.compile(
    rb"<(?:[\w.-]+:)?(script|event-listener|table-source|cell-range-source|dde-source"
    rb"|dde-link|dde-connection-decl)[\s/>]"
)
_TAIL = 64
_SAID = 200
"""Bytes of one chunk kept for the next, so a marker split between chunks is still found."""


def zip_kind(path: Path, limits: Limits) -> str:
    """xlsx or ods, after reading every part unpacked within ``limits``, and refusing macros
    and links to other files: SheetProblem (one line, with the remedy) otherwise."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
            if len(members) > MAX_PARTS:
                raise SheetProblem(
                    f"{name} is a zip of {len(members):,} files, not a workbook; {FORMATS}"
                )
            names = {m.filename.lower() for m in members}
            kind = _kind(z, names, name)
            if kind == "xlsx":
                _xlsx_inside(z, names, name)
            elif any(n.startswith(_ODS_MACRO_FOLDERS) for n in names):
                raise _macros(name)
            _unpack_within(z, members, name, limits, kind)
    except zipfile.BadZipFile as exc:
        raise SheetProblem(f"{name} is not a readable spreadsheet ({exc}); {FORMATS}") from None
    except (OSError, RuntimeError, NotImplementedError, EOFError, ValueError) as exc:
        # RuntimeError: an encrypted part; NotImplementedError: a compression zipfile lacks.
        raise SheetProblem(
            f"{name} cannot be unpacked ({said(exc)}); open it in Excel or LibreOffice and "
            "save it again as .xlsx or .ods"
        ) from None
    return kind


def _kind(z: zipfile.ZipFile, names: set[str], name: str) -> str:
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        raise SheetProblem(
            f"{name} is an Excel binary workbook (.xlsb); save it as .xlsx (File > Save As > "
            "Excel Workbook)"
        )
    if "mimetype" in names and z.read("mimetype").strip() == _ODS_TYPE:
        return "ods"
    raise SheetProblem(f"{name} is a zip file but not a spreadsheet; {FORMATS}")


def _xlsx_inside(z: zipfile.ZipFile, names: set[str], name: str) -> None:
    types = z.read(_CONTENT_TYPES) if _CONTENT_TYPES.lower() in names else b""
    if len(types) > 1 << 20:
        raise SheetProblem(f"{name} is not a workbook (its content types run to MiB); {FORMATS}")
    if any(
        n.endswith(_XLSX_MACRO_PARTS) or n.startswith(_XLSX_MACRO_FOLDERS) for n in names
    ) or any(t in types for t in _XLSX_MACRO_TYPES):
        raise _macros(name)
    if any(n.startswith("xl/externallinks/") for n in names) or _XLSX_LINK_TYPE in types:
        raise SheetProblem(
            f"{name} links to other workbooks; break the links (Data > Edit Links > Break "
            "Link) or paste the values, and save it again"
        )


def _macros(name: str) -> SheetProblem:
    return SheetProblem(
        f"{name} holds macros; psstrat never opens a workbook with macros: save a copy as "
        ".xlsx (Excel Workbook) or .ods without them, and import that"
    )


def _unpack_within(
    z: zipfile.ZipFile, members: list[zipfile.ZipInfo], name: str, limits: Limits, kind: str
) -> None:
    total = 0
    for member in members:
        scan = kind == "ods" and member.filename.lower().endswith(".xml")
        tail = b""
        with z.open(member) as part:
            while chunk := part.read(1 << 20):
                total += len(chunk)
                if total > limits.unpacked_bytes:
                    raise SheetProblem(
                        f"{name} unpacks to more than {limits.unpacked_bytes >> 20} MiB (a zip "
                        "bomb, or far more than a register); psstrat does not read it: save "
                        "the register alone, as values"
                    )
                if scan:
                    if _ODS_OUTSIDE.search(tail + chunk):
                        raise SheetProblem(
                            f"{name} links to other files or holds scripts; copy the cells, "
                            "paste them as values (Paste Special > Values Only) into a new "
                            "spreadsheet and save that"
                        )
                    tail = chunk[-_TAIL:]


def said(exc: BaseException) -> str:
    """What a library said, on one line and not too long."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= _SAID else text[: _SAID - 1] + "…"
