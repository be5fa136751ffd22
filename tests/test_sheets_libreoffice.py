"""A real client checks the workbooks: LibreOffice opens psstrat's .xlsx and .ods (converted
headless to one CSV per sheet, to PDF, to .xlsx) and shows the values psstrat wrote, with the
marking on every printed page; and an .xlsx LibreOffice writes from psstrat's CSV imports.

.ci/run installs LibreOffice (libreoffice-calc-nogui); a local run without it skips, CI fails.
Every conversion runs once, in a module fixture, with a profile of its own (parallel runs of
soffice with one profile clash)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from psstrat.exchange.fields import RISKS
from psstrat.sheets import Value, read_book
from tests.conftest import RepoBuilder, call, shipped_copy
from tests.test_export import FORMULAS, ROOT, SHEET_NAMES, tree, with_formulas

DAY = "2005-03-31"
FORMULAS_DAY = "2004-12-31"
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
"""Comma, double quote, UTF-8, from row 1; as shown; every sheet to a file of its own (-1,
LibreOffice 7.2 and later): NAME-Sheet.csv."""
CSV_IN = "CSV:44,34,76,1"
"""Reading a CSV: comma, double quote, UTF-8 (psstrat's CSV has a BOM), from row 1."""
MAPPING = {"kind": "risks", "columns": {f.heading: f.name for f in RISKS.values() if f.exported}}
"""Every heading of psstrat's register to its field: what LibreOffice's one sheet named after
the file needs, since import knows psstrat's own sheets by their names."""


def soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have LibreOffice: .ci/run installs libreoffice-calc-nogui")
        pytest.skip("no LibreOffice on this machine (.ci/run installs it; CI never skips)")
    said = subprocess.run(
        [found, "--version"], capture_output=True, text=True, timeout=60, check=False
    ).stdout
    version = re.search(r"LibreOffice (\d+)\.(\d+)", said)
    if version is None or (int(version[1]), int(version[2])) < (7, 2):
        message = f"LibreOffice 7.2 or later writes one CSV per sheet; this is {said.strip()!r}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@dataclasses.dataclass(frozen=True)
class Converted:
    made: Path
    """What psstrat wrote: `book-xlsx.xlsx`, `book-ods.ods` (the shipped data, session all),
    `formulas-xlsx.xlsx`, `formulas-ods.ods` (text like formulas), `register.csv`."""
    strategy: Path
    """A copy of the shipped data, for the import."""
    csvs: Path
    """Every sheet of each workbook as LibreOffice shows it: `book-xlsx-Register.csv`, ..."""
    pdfs: Path
    """Each workbook as LibreOffice prints it: `book-xlsx.pdf`, `book-ods.pdf`."""
    xlsx: Path
    """`register.csv` and `book-ods.ods`, saved by LibreOffice as .xlsx."""


def _export(runner: CliRunner, root: Path, out: Path, *args: str) -> None:
    ran = call(runner, ["export", str(out), "--root", str(root), *args])
    assert ran.exit_code == 0, ran.stderr


def _convert(
    program: str, profile: Path, target: str, outdir: Path, *files: Path, infilter: str = ""
) -> None:
    args = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    args += [f"--infilter={infilter}"] if infilter else []
    args += ["--convert-to", target, "--outdir", str(outdir), *(str(f) for f in files)]
    done = subprocess.run(
        args,
        cwd=outdir.parent,
        env={**os.environ, "HOME": str(profile.parent)},
        capture_output=True,
        timeout=240,
        check=False,
    )
    said = done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0 and "Error" not in said, said


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Converted:
    """Every file psstrat writes here, converted by LibreOffice in four runs of soffice (one
    per target format), with a profile of this module's own."""
    program = soffice()
    base = tmp_path_factory.mktemp("libreoffice")
    profile = base / "profile"
    runner = CliRunner()
    found = Converted(
        base / "made", shipped_copy(base / "strategy"), base / "csv", base / "pdf", base / "xlsx"
    )
    found.made.mkdir()
    formulas = with_formulas(RepoBuilder(base / "formulas"))
    for fmt in ("xlsx", "ods"):
        _export(runner, ROOT, found.made / f"book-{fmt}.{fmt}", "--as-of", DAY, "--session", "all")
        _export(
            runner, formulas.root, found.made / f"formulas-{fmt}.{fmt}",
            "--as-of", FORMULAS_DAY, "--session", "all",
        )  # fmt: skip
    _export(runner, found.strategy, found.made / "register.csv", "--session", "all")
    books = [
        found.made / f"{name}-{fmt}.{fmt}"
        for name in ("book", "formulas")
        for fmt in ("xlsx", "ods")
    ]
    _convert(program, profile, CSV_FILTER, found.csvs, *books)
    _convert(program, profile, "pdf", found.pdfs, *books[:2])
    _convert(program, profile, "xlsx", found.xlsx, found.made / "register.csv", infilter=CSV_IN)
    _convert(program, profile, "xlsx", found.xlsx, found.made / "book-ods.ods")
    return found


def as_shown(value: Value) -> str:
    """A cell as LibreOffice shows it: a date in the cell's yyyy-mm-dd, a number plainly."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def shown_by_libreoffice(path: Path) -> list[list[str]]:
    assert path.exists(), f"LibreOffice wrote no {path.name}"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def written_by_psstrat(path: Path, sheet: str) -> list[list[str]]:
    """The sheet as psstrat wrote it (read back with psstrat's reader), cell by cell as text."""
    (found,) = [s for s in read_book(path).sheets if s.name == sheet]
    width = len(found.rows[0])
    return [[as_shown(v) for v in (*r, *([None] * (width - len(r))))] for r in found.rows]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
@pytest.mark.parametrize("sheet", SHEET_NAMES)
def test_libreoffice_shows_the_values_psstrat_wrote(
    converted: Converted, fmt: str, sheet: str
) -> None:
    """Text, numbers, dates (in the cells' yyyy-mm-dd) and multi-line cells, cell by cell."""
    shown = shown_by_libreoffice(converted.csvs / f"book-{fmt}-{sheet}.csv")
    written = written_by_psstrat(converted.made / f"book-{fmt}.{fmt}", sheet)
    assert len(written) > 1
    assert [r + [""] * (len(written[0]) - len(r)) for r in shown] == written
    if sheet == "Register":
        assert any("\n" in cell for row in shown for cell in row)  # controls, one a line
    if sheet != "Strands":
        assert any(re.fullmatch(r"\d{4}-\d\d-\d\d", cell) for row in shown for cell in row)


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_libreoffice_computes_no_formula_from_text(converted: Converted, fmt: str) -> None:
    """Text like `=1+1` or `-cmd|' /C calc'!A0` is shown as written, never worked out."""
    shown: set[str] = set()
    for sheet in SHEET_NAMES:
        for row in shown_by_libreoffice(converted.csvs / f"formulas-{fmt}-{sheet}.csv"):
            shown |= set(row)
    for what, text in FORMULAS.items():
        if fmt == "ods" and "\t" in text:
            text = text.replace("\t", "")  # LibreOffice reads no tab from an .ods cell
        assert text in shown, what
    assert "2" not in shown and "#NAME?" not in shown and "Err:" not in " ".join(shown)


def pages(path: Path) -> list[str]:
    assert path.exists(), f"LibreOffice wrote no {path.name}"
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def test_every_printed_page_of_the_xlsx_carries_the_marking(converted: Converted) -> None:
    printed = pages(converted.pdfs / "book-xlsx.pdf")
    assert len(printed) > 4  # every sheet, across and down
    for n, text in enumerate(printed, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {n}: header and footer"
        assert f"Page {n} of {len(printed)}" in text, f"page {n}"


def test_every_printed_page_of_the_ods_carries_the_marking(converted: Converted) -> None:
    printed = pages(converted.pdfs / "book-ods.pdf")
    assert len(printed) > 4
    for n, text in enumerate(printed, start=1):
        assert "OFFICIAL-SENSITIVE" in text, f"page {n}"


def test_libreoffice_sees_the_xlsx_filters_and_frozen_headings(converted: Converted) -> None:
    """Checked in the file by tests/test_export.py; here LibreOffice's own .xlsx of psstrat's
    .ods is the client's word on the .ods (the next test)."""
    made = converted.made / "book-xlsx.xlsx"
    import zipfile

    with zipfile.ZipFile(made) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<autoFilter " in sheet and 'state="frozen"' in sheet


def test_libreoffice_opens_the_ods_with_filters_on(converted: Converted) -> None:
    """LibreOffice's own .xlsx of psstrat's .ods has the filters on every sheet."""
    import zipfile

    with zipfile.ZipFile(converted.xlsx / "book-ods.xlsx") as archive:
        for n, _ in enumerate(SHEET_NAMES, start=1):
            sheet = archive.read(f"xl/worksheets/sheet{n}.xml").decode()
            assert "<autoFilter " in sheet, n


def test_an_xlsx_libreoffice_saved_from_the_csv_imports_and_changes_nothing(
    converted: Converted, tmp_path: Path
) -> None:
    """psstrat's register CSV, opened in LibreOffice and saved as .xlsx (one sheet, named
    after the file, dates now date cells, numbers numbers), read back with --update: every
    row unchanged, told its columns by a mapping (as a clerk's own workbook would be)."""
    from tests.conftest import invoke

    book = converted.xlsx / "register.xlsx"
    (sheet,) = read_book(book).sheets
    assert sheet.name == "register" and isinstance(sheet.rows[1][5], dt.date)
    root = tmp_path / "strategy"
    shutil.copytree(converted.strategy, root)
    before = tree(root)
    mapping = tmp_path / "register.mapping.yaml"
    mapping.write_text(json.dumps(MAPPING), encoding="utf-8")  # JSON is YAML
    runner = CliRunner()
    code, _, err = invoke(
        runner, "import", str(book), "--update", "--mapping", str(mapping), "--root", str(root)
    )
    assert code == 0 and "7 rows, 0 new, 0 changed, 7 unchanged" in err, err
    assert tree(root) == before


def test_a_one_sheet_workbook_with_psstrats_headings_imports_without_a_mapping(
    converted: Converted, tmp_path: Path
) -> None:
    """The one sheet is named after the file; import knows it by its headings, as a CSV's."""
    from tests.conftest import invoke

    root = tmp_path / "strategy"
    shutil.copytree(converted.strategy, root)
    before = tree(root)
    code, _, err = invoke(
        CliRunner(),
        "import",
        str(converted.xlsx / "register.xlsx"),
        "--update",
        "--root",
        str(root),
    )
    assert code == 0 and "7 rows, 0 new, 0 changed, 7 unchanged" in err, err
    assert tree(root) == before
