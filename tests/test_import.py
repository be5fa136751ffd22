"""`psstrat import` of a risk register (issue 23): the mapping, the cells a spreadsheet holds,
problems at `file:Sheet!C7`, nothing written unless every row imports, and `--update` as the
dated records and exact edits that bring a risk to its row."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from psstrat.exchange import cells
from psstrat.exchange.cells import Owners, Unreadable
from psstrat.sheets import Value
from tests.conftest import invoke, tree

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "spreadsheet"


def workbook(path: Path, rows: Sequence[Sequence[object]], sheet: str = "Register") -> Path:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(sheet)
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), day)
            elif value is not None:
                ws.write(r, c, value)
    book.close()
    return path


MAPPING = """\
kind: risks
sheet: Register
columns:
  Ref: id
  Risk: title
  Category: category
  Owner: owner
  Identified: raised
  L: residual.likelihood
  I: residual.impact
  Controls: controls
  Next review: review_date
  RAG:
values:
  residual.impact: {High: 4, Medium: 3}
"""
HEAD = [
    "Ref",
    "Risk",
    "Category",
    "Owner",
    "Identified",
    "L",
    "I",
    "Controls",
    "Next review",
    "RAG",
]


def row(**changes: object) -> list[object]:
    base: dict[str, object] = {
        "Ref": "R0100",
        "Risk": "Loss of exhibits from property stores",
        "Category": "operational",
        "Owner": "Director, Directorate of Professional Standards",
        "Identified": dt.date(2005, 1, 10),
        "L": 2,
        "I": "Medium",
        "Controls": "• Quarterly audit of stores\n• Two-person sign-out",
        "Next review": "30/06/2005",
        "RAG": "Amber",
    }
    base.update(changes)
    return [base[h] for h in HEAD]


def run(cli: CliRunner, root: Path, *args: str) -> tuple[int, str, str]:
    return invoke(cli, "import", *args, "--root", str(root))


def test_a_register_imports_as_risk_files_that_validate(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    sheet = workbook(
        tmp_path / "register.xlsx",
        [HEAD, row(), row(Ref="R0101", Risk="Second risk", I="High", L=3)],
    )
    (tmp_path / "m.yaml").write_text(MAPPING)
    code, out, err = run(cli, shipped, str(sheet), "--mapping", str(tmp_path / "m.yaml"))
    assert code == 0, err
    assert "+ data/risks/R0100.yaml (R0100: Loss of exhibits from property stores)" in out
    text = (shipped / "data/risks/R0100.yaml").read_text()
    assert "owner: director-dps\n" in text  # the role, as its id
    assert "residual: {likelihood: 2, impact: 3, date: 2005-01-10}" in text  # Medium, by `values:`
    assert (
        "  - {description: Quarterly audit of stores}\n  - {description: Two-person sign-out}"
        in text
    )
    assert "review_date: 2005-06-30" in text  # 30/06/2005, day first
    assert "RAG" not in text and "Amber" not in text
    code, out, _ = invoke(cli, "validate", "--root", str(shipped), "--as-of", "2005-03-31")
    assert code == 0, out


def test_unreadable_cells_are_problems_at_their_cell_and_nothing_is_written(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    sheet = workbook(
        tmp_path / "register.xlsx",
        [
            HEAD,
            row(),
            row(Ref="R0101", Identified="31/02/2005"),
            row(Ref="R0102", I="Huge"),
            row(Ref="R0103", Owner="Chief Inspector Nobody"),
            row(Ref="PSR-9"),
        ],
    )
    (tmp_path / "m.yaml").write_text(MAPPING)
    before = tree(shipped)
    code, _, err = run(cli, shipped, str(sheet), "-m", str(tmp_path / "m.yaml"))
    assert code == 1
    assert tree(shipped) == before
    lines = err.splitlines()
    assert (
        "register.xlsx:Register!E3: `31/02/2005` is not a date; write 2004-09-30, 30/09/2004 "
        "or 30 Sep 2004" in lines
    )
    assert any(
        line.startswith("register.xlsx:Register!G4: `Huge` is not a score") for line in lines
    )
    assert any(
        line.startswith(
            "register.xlsx:Register!D5: `Chief Inspector Nobody` is not in data/owners.yaml"
        )
        for line in lines
    )
    assert "  psstrat new owner --role 'Chief Inspector Nobody'" in lines  # proposed, not created
    assert any(
        line.startswith("register.xlsx:Register!A6: `PSR-9` is not a psstrat risk id")
        for line in lines
    )
    assert lines[-1].startswith("psstrat: error: 4 problems in register.xlsx; nothing was written")
    # The problems are in the sheet's order.
    rows = [line.split("!")[1].split(":")[0] for line in lines if line.startswith("register.xlsx:")]
    assert rows == ["E3", "G4", "D5", "A6"]


def test_skip_bad_rows_imports_the_rest_and_lists_what_it_left(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    sheet = workbook(tmp_path / "r.xlsx", [HEAD, row(), row(Ref="R0101", L=9)])
    (tmp_path / "m.yaml").write_text(MAPPING)
    code, out, err = run(
        cli, shipped, str(sheet), "-m", str(tmp_path / "m.yaml"), "--skip-bad-rows"
    )
    assert code == 0, err
    assert "+ data/risks/R0100.yaml" in out
    assert (shipped / "data/risks/R0100.yaml").is_file()
    assert not (shipped / "data/risks/R0101.yaml").exists()
    assert "left out 1 rows: r.xlsx:Register!3" in err


def test_an_existing_id_is_a_problem_without_update(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    sheet = workbook(tmp_path / "r.xlsx", [HEAD, row(Ref="R0001")])
    (tmp_path / "m.yaml").write_text(MAPPING)
    before = tree(shipped)
    code, _, err = run(cli, shipped, str(sheet), "-m", str(tmp_path / "m.yaml"))
    assert code == 1
    assert "R0001 exists (data/risks/R0001.yaml); give --update" in err
    assert tree(shipped) == before


def test_update_writes_dated_records_and_only_the_lines_that_changed(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    out = tmp_path / "register.csv"
    code, _, err = invoke(
        cli, "export", str(out), "--root", str(shipped), "--session", "all", "--as-of", "2005-06-01"
    )
    assert code == 0, err
    text = out.read_text(encoding="utf-8-sig")
    # The sheet as a strand lead edits it: R0003 re-assessed on a new date, a control added.
    lines = text.splitlines()
    head = lines[0].split(",")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    r3 = next(r for r in rows if r[0] == "R0003")
    r3[head.index("Residual likelihood")] = "2"
    r3[head.index("Assessed")] = "2005-05-20"
    r3[head.index("Controls")] += "\nWeekly dip sample of case files"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    out.write_text(buffer.getvalue(), encoding="utf-8-sig")
    before = (shipped / "data/risks/R0003.yaml").read_text()
    code, said, err = run(cli, shipped, str(out), "--update")
    assert code == 0, err
    after = (shipped / "data/risks/R0003.yaml").read_text()
    import difflib

    changed = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert any(
        line.startswith("+residual: {likelihood: 2,") and "date: 2005-05-20" in line
        for line in changed
    )
    assert any(line.startswith("+  - {likelihood:") for line in changed)  # the old one, to history
    assert "+  - {description: Weekly dip sample of case files}" in changed or any(
        "Weekly dip sample of case files" in line for line in changed
    )
    assert sum(1 for line in changed if line.startswith("-")) == 1  # only the residual line went
    assert "R0003 residual:" in said
    # Every other risk is as it was; the repository still validates.
    assert "0 new, 1 changed, 6 unchanged" in err
    code, report, _ = invoke(cli, "validate", "--root", str(shipped), "--as-of", "2005-06-01")
    assert ": error[" not in report


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_an_exported_register_reimports_with_no_change(
    cli: CliRunner, shipped: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"register.{fmt}"
    code, _, err = invoke(
        cli, "export", str(out), "--root", str(shipped), "--session", "all", "--sheet", "register"
    )
    assert code == 0, err
    before = tree(shipped)
    code, _, err = run(cli, shipped, str(out), "--update")
    assert code == 0, err
    assert "0 new, 0 changed, 7 unchanged" in err
    assert tree(shipped) == before


def test_dry_run_prints_the_files_and_writes_nothing(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    sheet = workbook(tmp_path / "r.xlsx", [HEAD, row()])
    (tmp_path / "m.yaml").write_text(MAPPING)
    before = tree(shipped)
    code, out, err = run(cli, shipped, str(sheet), "-m", str(tmp_path / "m.yaml"), "--dry-run")
    assert code == 0, err
    assert "+++ b/data/risks/R0100.yaml" in out and "+id: R0100" in out
    assert "dry run: nothing written" in err
    assert tree(shipped) == before


def test_a_sheet_without_ids_numbers_new_risks_and_refuses_them_twice(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    sheet = workbook(tmp_path / "r.xlsx", [HEAD, row(Ref=None)])
    (tmp_path / "m.yaml").write_text(MAPPING.replace("  Ref: id\n", "  Ref:\n"))
    code, out, err = run(cli, shipped, str(sheet), "-m", str(tmp_path / "m.yaml"))
    assert code == 0, err
    assert "+ data/risks/R0008.yaml" in out  # the next free number
    code, _, err = run(cli, shipped, str(sheet), "-m", str(tmp_path / "m.yaml"))
    assert code == 1
    assert "R0008 has this title already" in err


def test_the_suggested_mapping_reads_the_example_register(cli: CliRunner, tmp_path: Path) -> None:
    """`--suggest-mapping` on the shipped example writes the mapping shipped beside it (the
    one the walkthrough uses), but for the line that says it was checked."""
    copy = tmp_path / "register.xlsx"
    shutil.copy(EXAMPLE / "register.xlsx", copy)
    code, _, err = invoke(cli, "import", str(copy), "--suggest-mapping")
    assert code == 0, err
    made = (tmp_path / "register.xlsx.mapping.yaml").read_text().splitlines()
    shipped = (EXAMPLE / "register.mapping.yaml").read_text().splitlines()
    assert made[1:] == shipped[1:]
    code, _, err = invoke(cli, "import", str(copy), "--suggest-mapping")
    assert code == 2 and "exists" in err  # never overwritten


def test_the_example_register_is_what_its_tool_makes() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "make_example_register.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("mapping", "said"),
    [
        ("kind: plans\ncolumns: {A: id}\n", "`kind:` must be one of"),
        ("kind: risks\ncolumns: {A: titel}\n", "not a field of risks (did you mean title?)"),
        ("kind: risks\ncolumns: {A: title, B: title}\n", "two columns map to `title`"),
        ("kind: risks\ncolumns: {A: title}\ndates: american\n", "`dates:` is day-first"),
        ("kind: risks\ncolumns: {A: title}\nshets: x\n", "`shets` is not a mapping key"),
        ("kind: risks\ncolumns: !!python/object:os.system {}\n", "m.yaml:2"),
        ("- a\n- b\n", "m.yaml:1:1: the top of the file must be a mapping"),
        ("kind: risks\ncolumns: {Nope: title}\n", "has no column `Nope` in row 1"),
    ],
)
def test_a_mapping_that_cannot_be_used_is_one_line(
    cli: CliRunner, shipped: Path, tmp_path: Path, mapping: str, said: str
) -> None:
    sheet = workbook(tmp_path / "r.xlsx", [HEAD, row()])
    (tmp_path / "m.yaml").write_text(mapping)
    code, _, err = run(cli, shipped, str(sheet), "-m", str(tmp_path / "m.yaml"))
    assert code == 2, err
    assert said in err
    assert len(err.strip().splitlines()) == 1


def test_a_sheet_psstrat_did_not_write_needs_a_mapping(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    sheet = workbook(tmp_path / "r.xlsx", [HEAD, row()])
    code, _, err = run(cli, shipped, str(sheet))
    assert code == 2
    assert (
        "is not a sheet psstrat exported; write a mapping for it: psstrat import --suggest-mapping"
        in err
    )


# --- cells --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "day_first", "expected"),
    [
        (dt.date(2004, 9, 30), True, dt.date(2004, 9, 30)),
        ("30/09/2004", True, dt.date(2004, 9, 30)),
        ("09/30/2004", False, dt.date(2004, 9, 30)),
        ("2004-09-30", True, dt.date(2004, 9, 30)),
        ("30.09.2004", True, dt.date(2004, 9, 30)),
        ("30-09-04", True, dt.date(2004, 9, 30)),
        ("30 Sep 2004", True, dt.date(2004, 9, 30)),
        ("30th September 2004", True, dt.date(2004, 9, 30)),
        ("1/2/2005", True, dt.date(2005, 2, 1)),
        (None, True, None),
    ],
)
def test_dates_in_the_forms_spreadsheets_hold(
    value: Value, day_first: bool, expected: dt.date | None
) -> None:
    assert cells.date(value, day_first) == expected


@pytest.mark.parametrize("value", ["30/13/2004", "Sept", "30 Sep", 38260, "tomorrow", "2004-02-30"])
def test_what_is_not_a_date_is_unreadable_never_guessed(value: Value) -> None:
    with pytest.raises(Unreadable):
        cells.date(value)


def test_scores_numbers_words_and_pairs() -> None:
    assert cells.score(4) == 4
    assert cells.score(4.0) == 4
    assert cells.score("4") == 4
    assert cells.score("high", {"High": 4}) == 4
    assert cells.pair("4x5") == (4, 5)
    assert cells.pair(" 4 \u00d7 5 ") == (4, 5)
    for bad in (0, 6, 2.5, "High", True):
        with pytest.raises(Unreadable):
            cells.score(bad)
    with pytest.raises(Unreadable):
        cells.pair("45")


def test_free_text_controls_are_split_into_controls() -> None:
    assert cells.controls("• Vetting\n• Audit of PNC use") == ["Vetting", "Audit of PNC use"]
    assert cells.controls("1. One\n2) Two\n- Three\n\n* Four") == ["One", "Two", "Three", "Four"]
    assert cells.controls("Declarations; annual review") == ["Declarations", "annual review"]
    assert cells.controls(None) == []


def test_owners_by_id_role_name_or_both() -> None:
    owners = Owners(
        {
            "director-dps": {"role": "Director, DPS", "name": "DAC Stephen Roberts"},
            "head-of-vetting": {"role": "Head of Vetting"},
            "twin": {"role": "Head of Vetting 2", "name": "Sam"},
            "twin2": {"role": "Analyst", "name": "Sam"},
        }
    )
    assert owners.find("director-dps") == "director-dps"
    assert owners.find("  director,   dps ") == "director-dps"
    assert owners.find("DAC Stephen Roberts") == "director-dps"
    assert owners.find("Director, DPS (DAC Stephen Roberts)") == "director-dps"
    assert owners.find("vacant") is None
    with pytest.raises(Unreadable, match="names more than one owner"):
        owners.find("Sam")
    with pytest.raises(cells.UnknownOwner, match="psstrat new owner --role 'Nobody'"):
        owners.find("Nobody")


def test_two_sheets_changing_one_file_are_refused_and_nothing_is_written(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    """Each sheet's edits are planned from the file as it is: two sheets changing one strand
    file would have the second undo the first, so the import is refused."""
    from psstrat.sheets import Table, read_book, write_book
    from psstrat.sheets.writing import Meta

    out = tmp_path / "all.xlsx"
    code, _, err = invoke(cli, "export", str(out), "--root", str(shipped), "--session", "all")
    assert code == 0, err
    book = read_book(out)
    tables = []
    for sheet in book.sheets:
        head, *rows = (list(r) for r in sheet.rows)
        width = len(head)
        rows = [r + [None] * (width - len(r)) for r in rows]
        if sheet.name == "Milestones":
            first = next(r for r in rows if r[0] == "S1" and r[head.index("Completed")] is None)
            first[head.index("Completed")] = dt.date(2005, 5, 1)
        if sheet.name == "Strands":
            first = next(r for r in rows if r[0] == "S1" and r[head.index("Work element")])
            first[head.index("Status")] = (
                "at-risk" if first[head.index("Status")] != "at-risk" else "on-track"
            )
        tables.append(Table(sheet.name, tuple(str(h) for h in head), [tuple(r) for r in rows]))
    out.write_bytes(write_book("xlsx", tables, Meta("t", "OFFICIAL", dt.date(2005, 6, 1))))
    before = tree(shipped)
    code, _, err = run(cli, shipped, str(out), "--update", "--on", "2005-06-01")
    assert code == 1, err
    assert "the Milestones and Strands sheets both change data/strands/S1.yaml" in err
    assert tree(shipped) == before


_text = st.text(
    alphabet=st.sampled_from(list("abcXYZ09 ,.()'/&-:#\"{}[]!é\n")), min_size=1, max_size=30
) | st.text(alphabet=st.sampled_from(list("abcdef ")), min_size=90, max_size=400)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(
    title=_text,
    description=st.none() | _text,
    controls=st.lists(_text, max_size=3),
    strands=st.lists(st.sampled_from(["S1", "S2.1", "S5.7"]), max_size=2, unique=True),
    source=st.none() | _text,
)
def test_a_new_risk_file_is_what_the_layout_engine_writes(
    title: str, description: str | None, controls: list[str], strands: list[str], source: str | None
) -> None:
    """Import lays most new files out without the round trip (4 ms a file); whichever way a
    file is made, its bytes are the layout engine's."""
    from psstrat.commands.import_.risks import layout
    from psstrat.yamlio import document_text

    item: dict[str, object] = {"id": "R0100", "title": title, "description": description}
    item |= {"category": "operational", "raised": dt.date(2005, 1, 10), "source": source}
    item |= {"inherent": {"likelihood": 2, "impact": 3}, "strands": strands}
    item |= {"residual": {"likelihood": 2, "impact": 3, "date": dt.date(2005, 1, 10)}}
    item |= {"controls": [{"description": c} for c in controls]}
    item = {k: v for k, v in item.items() if v not in (None, [])}
    assert layout(item) == document_text(item)


def test_a_plain_new_risk_is_laid_out_without_the_round_trip() -> None:
    from psstrat.yamlio import document_text, quick_text

    item = {"id": "R0100", "title": "Loss of exhibits, from stores", "raised": dt.date(2005, 1, 10)}
    item |= {"residual": {"likelihood": 2, "impact": 3, "date": dt.date(2005, 1, 10)}}
    item |= {"controls": [{"description": "Quarterly audit"}], "strands": ["S1", "S2.1"]}
    assert quick_text(item) == document_text(item)
    assert quick_text({"title": "yes"}) is None  # a word YAML would read as true
    assert (
        quick_text({"controls": [{"description": "Audit, quarterly"}]}) is None
    )  # a comma in flow


# --- found in review --------------------------------------------------------------------------


def _git(root: Path) -> None:
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "start"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *argv],
            cwd=root,
            check=True,
            capture_output=True,
        )


@pytest.mark.parametrize("sheet", ["strands", "milestones", "register", "actions"])
def test_an_export_as_at_an_earlier_day_reimports_with_no_change(
    cli: CliRunner, shipped: Path, tmp_path: Path, sheet: str
) -> None:
    """A sheet as at 30 June 2004 says what was so then: read back, it records nothing (an
    element's old status, a risk's old owner, are not changes made today)."""
    out = tmp_path / f"{sheet}.csv"
    code, _, err = invoke(
        cli, "export", str(out), "--sheet", sheet, "--as-of", "2004-12-31",
        "--session", "all", "--root", str(shipped),
    )  # fmt: skip
    assert code == 0, err
    before = tree(shipped)
    code, _, err = run(cli, shipped, str(out), "--update")
    assert code == 0, err
    assert tree(shipped) == before


def test_a_risk_owner_of_an_earlier_day_is_not_recorded_again(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    for owner, day in (("dcs-intelligence", "2004-10-07"), ("director-dps", "2005-01-01")):
        code, _, err = invoke(
            cli, "record", "owner", "R0006", owner, "--on", day, "--root", str(shipped)
        )
        assert code == 0, err
    out = tmp_path / "r.csv"
    code, _, err = invoke(
        cli, "export", str(out), "--as-of", "2004-12-31", "--session", "all", "--root", str(shipped)
    )
    assert code == 0, err
    before = tree(shipped)
    code, _, err = run(cli, shipped, str(out), "--update")
    assert code == 0, err
    assert tree(shipped) == before
    assert "R0006: the row's owner is who owned it on 2004-10-07" in err


def test_a_cell_cannot_add_keys_to_the_suggested_mapping(cli: CliRunner, tmp_path: Path) -> None:
    sheet = tmp_path / "inj.csv"
    evil = "PSR-1\nvalues: {residual.likelihood: {'1': 5}} #"
    with sheet.open("w", newline="", encoding="utf-8") as f:
        import csv

        csv.writer(f).writerows(
            [["Risk", "Category", "Likelihood", "Risk ID"], ["x", "people", "1", evil]]
        )
    code, _, err = invoke(cli, "import", str(sheet), "--suggest-mapping")
    assert code == 0, err
    from psstrat.yamlio import parse_yaml

    mapping = parse_yaml((tmp_path / "inj.csv.mapping.yaml").read_bytes(), positions=False).data
    assert "values" not in mapping  # the cell is in a comment, on one line


@pytest.mark.parametrize(
    "mapping",
    [
        "kind: [risks]\ncolumns: {Risk: title}\n",
        "kind: risks\ncolumns: {Risk: [title]}\n",
        "kind: risks\ncolumns: {Risk: {a: b}}\n",
        "kind: risks\ncolumns: {Risk: title}\nvalues: {residual.likelihood: {High: [4]}}\n",
        "kind: risks\ncolumns: {Risk: title}\nvalues: {residual.likelihood: {High: null}}\n",
    ],
)
def test_a_mapping_of_the_wrong_types_is_one_line(
    cli: CliRunner, shipped: Path, tmp_path: Path, mapping: str
) -> None:
    sheet = workbook(tmp_path / "r.xlsx", [HEAD, row()])
    (tmp_path / "m.yaml").write_text(mapping)
    code, _, err = run(cli, shipped, str(sheet), "-m", str(tmp_path / "m.yaml"))
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "psstrat: error: m.yaml: " in err


def test_text_that_reads_as_yaml_syntax_in_flow_is_kept(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    sheet = workbook(
        tmp_path / "r.xlsx", [HEAD, row(Controls="Is vetting current? Checked yearly\n?q")]
    )
    (tmp_path / "m.yaml").write_text(MAPPING)
    code, _, err = run(cli, shipped, str(sheet), "-m", str(tmp_path / "m.yaml"))
    assert code == 0, err
    from psstrat.yamlio import parse_yaml

    data = parse_yaml((shipped / "data/risks/R0100.yaml").read_bytes(), positions=False).data
    assert [c["description"] for c in data["controls"]] == [
        "Is vetting current? Checked yearly",
        "?q",
    ]


def test_controls_psstrat_exported_read_back_as_they_are(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    """A control with a semicolon, or that starts like a list item, is one control."""
    path = shipped / "data/risks/R0007.yaml"
    text = path.read_text()
    path.write_text(
        text.replace("Professional standards profiles for Boroughs", "1. Profiles; reviewed yearly")
    )
    out = tmp_path / "r.csv"
    code, _, err = invoke(cli, "export", str(out), "--session", "all", "--root", str(shipped))
    assert code == 0, err
    before = tree(shipped)
    code, _, err = run(cli, shipped, str(out), "--update")
    assert code == 0, err
    assert tree(shipped) == before


@pytest.mark.parametrize("blank", ["-", "None", "n/a", "TBC"])
def test_a_blank_owner_cell_changes_nothing(
    cli: CliRunner, shipped: Path, tmp_path: Path, blank: str
) -> None:
    out = tmp_path / "r.csv"
    code, _, err = invoke(cli, "export", str(out), "--session", "all", "--root", str(shipped))
    assert code == 0, err
    import csv
    import io

    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    for r in rows[1:]:
        r[rows[0].index("Owner")] = blank
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    out.write_text(buffer.getvalue(), encoding="utf-8-sig")
    before = tree(shipped)
    code, _, err = run(cli, shipped, str(out), "--update")
    assert code == 0, err
    assert tree(shipped) == before


def test_owners_sharing_a_role_are_exported_by_id_and_read_back(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    owners = shipped / "data/owners.yaml"
    owners.write_text(
        owners.read_text() + "  - id: dcs-intel-2\n    role: DCS Intelligence Command, DPS\n"
    )
    out = tmp_path / "r.csv"
    code, _, err = invoke(cli, "export", str(out), "--session", "all", "--root", str(shipped))
    assert code == 0, err
    assert ",dcs-intelligence," in out.read_text(encoding="utf-8-sig")
    before = tree(shipped)
    code, _, err = run(cli, shipped, str(out), "--update")
    assert code == 0, err
    assert tree(shipped) == before


def test_a_row_open_with_a_closed_date_is_a_problem(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    head = [*HEAD, "Status", "Closed"]
    sheet = workbook(tmp_path / "r.xlsx", [head, [*row(Ref="R0001"), "open", "30/04/2005"]])
    mapping = MAPPING.replace("  RAG:\n", "  RAG:\n  Status: status\n  Closed: closed\n")
    (tmp_path / "m.yaml").write_text(mapping)
    code, _, err = run(cli, shipped, str(sheet), "-m", str(tmp_path / "m.yaml"), "--update")
    assert code == 1
    assert "says open and gives a Closed date" in err


def test_kind_without_suggest_mapping_is_refused(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    sheet = workbook(tmp_path / "r.xlsx", [HEAD, row()])
    code, _, err = run(cli, shipped, str(sheet), "--kind", "risks")
    assert code == 2 and "--kind and --output go with --suggest-mapping" in err


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_risks_without_ids_are_numbered_past_every_branch(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    _git(shipped)
    subprocess.run(["git", "checkout", "-qb", "colleague"], cwd=shipped, check=True)
    (shipped / "data/risks/R0008.yaml").write_text(
        (shipped / "data/risks/R0007.yaml").read_text().replace("R0007", "R0008")
    )
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qam", "x"], cwd=shipped
    )
    subprocess.run(["git", "add", "-A"], cwd=shipped, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x"], cwd=shipped
    )
    subprocess.run(["git", "checkout", "-q", "-"], cwd=shipped, check=True)
    assert not (shipped / "data/risks/R0008.yaml").exists()
    sheet = workbook(tmp_path / "r.xlsx", [HEAD, row(Ref=None)])
    (tmp_path / "m.yaml").write_text(MAPPING.replace("  Ref: id\n", "  Ref:\n"))
    code, out, err = run(cli, shipped, str(sheet), "-m", str(tmp_path / "m.yaml"))
    assert code == 0, err
    assert "+ data/risks/R0009.yaml" in out


def test_a_title_folded_over_lines_is_still_the_same_title(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    path = shipped / "data/risks/R0007.yaml"
    text = path.read_text()
    title = "Lack of coherent, actionable professional standards information at Borough/OCU level"
    path.write_text(text.replace(f"title: {title}", f"title: >-\n  {title[:41]}\n  {title[42:]}"))
    sheet = workbook(tmp_path / "r.xlsx", [HEAD, row(Ref=None, Risk=title)])
    (tmp_path / "m.yaml").write_text(MAPPING.replace("  Ref: id\n", "  Ref:\n"))
    code, _, err = run(cli, shipped, str(sheet), "-m", str(tmp_path / "m.yaml"))
    assert code == 1
    assert "R0007 has this title already" in err
