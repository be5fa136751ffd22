"""`psstrat import` of the Milestones, Strands and Actions sheets (issue: import and export).

Run on a copy of the shipped data: psstrat's own export imports back with --update changing
nothing, in every format; a new milestone, work element, strand or action is added as `psstrat
new` adds one; a changed status is a dated update; a cell that cannot be read is a problem at
its cell, and nothing is written unless every row imports (or --skip-bad-rows)."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from psstrat.exchange.fields import ACTIONS, MILESTONES, STRANDS
from psstrat.sheets import Meta, Table, Value, read_book, write_book
from tests.conftest import invoke
from tests.conftest import tree as files

REPO = Path(__file__).resolve().parents[1]
ON = "2005-06-01"
"""The day the rows record (--on): after every dated record of the shipped data."""


def run(cli: CliRunner, root: Path, *args: str) -> tuple[int, str, str]:
    return invoke(cli, *args, "--root", str(root))


def errors(cli: CliRunner, root: Path) -> list[str]:
    _, out, _ = run(cli, root, "validate")
    return [line for line in out.splitlines() if ": error[" in line]


def changed(
    before: dict[str, bytes], after: dict[str, bytes]
) -> dict[str, tuple[list[str], list[str]]]:
    """Each file that changed: (lines removed, lines added), as `git diff` shows them."""
    out = {}
    for rel in sorted(set(before) | set(after)):
        old = before.get(rel, b"").decode().splitlines()
        new = after.get(rel, b"").decode().splitlines()
        if old != new:
            diff = list(difflib.ndiff(old, new))
            out[rel] = (
                [line[2:] for line in diff if line.startswith("- ")],
                [line[2:] for line in diff if line.startswith("+ ")],
            )
    return out


def sheet(path: Path, name: str, rows: list[dict[str, Value]], fields: dict[str, Any]) -> Path:
    """A workbook of one sheet with psstrat's own headings (every exported field's column),
    one row for each dict (by field name; a field not given is an empty cell)."""
    names = [n for n, f in fields.items() if f.exported]
    table = Table(
        name,
        tuple(fields[n].heading for n in names),
        [tuple(row.get(n) for n in names) for row in rows],
    )
    fmt = path.suffix.lstrip(".")
    path.write_bytes(write_book(fmt, [table], Meta("Test", "OFFICIAL", dt.date(2005, 6, 1))))
    return path


def exported(cli: CliRunner, root: Path, path: Path, *args: str) -> list[dict[str, Value]]:
    """psstrat's own export of one sheet, as rows by field name."""
    code, _, err = run(cli, root, "export", str(path), "--session", "all", *args)
    assert code == 0, err
    table = read_book(path).sheets[0]
    fields = {"milestones": MILESTONES, "strands": STRANDS, "actions": ACTIONS}[args[-1]]
    names = [n for n, f in fields.items() if f.exported]
    return [dict(zip(names, row, strict=False)) for row in table.rows[1:]]


# --- the round trip ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, args",
    [
        ("book.xlsx", ()),
        ("book.ods", ()),
        ("milestones.csv", ("--sheet", "milestones")),
        ("strands.csv", ("--sheet", "strands")),
        ("actions.csv", ("--sheet", "actions")),
        ("register.csv", ("--sheet", "register")),
    ],
)
def test_the_export_imports_back_changing_nothing(
    cli: CliRunner, shipped: Path, tmp_path: Path, name: str, args: tuple[str, ...]
) -> None:
    out = tmp_path / name
    code, _, err = run(cli, shipped, "export", str(out), "--session", "all", *args)
    assert code == 0, err
    before = files(shipped)
    code, stdout, err = run(cli, shipped, "import", str(out), "--update")
    assert code == 0, err
    assert changed(before, files(shipped)) == {}
    assert " 0 new, 0 changed, " in err and " 0 left out" in err, err
    assert "unchanged" in err and stdout == ""


def test_the_export_without_update_is_a_problem_at_each_id(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    out = tmp_path / "milestones.csv"
    run(cli, shipped, "export", str(out), "--session", "all", "--sheet", "milestones")
    before = files(shipped)
    code, _, err = run(cli, shipped, "import", str(out))
    assert code != 0
    assert "milestones.csv:G2: S1.1.M1 exists (data/strands/S1.yaml); give --update" in err
    assert "nothing was written" in err
    assert files(shipped) == before


# --- new items ----------------------------------------------------------------------------------


def test_a_new_milestone_is_appended_and_validates(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    new: dict[str, Value] = {
        "strand": "S1",
        "element": "S1.2",
        "id": "S1.2.M2",
        "title": "Publicity programme run",
        "due": dt.date(2006, 3, 31),
    }
    path = sheet(tmp_path / "plan.xlsx", "Milestones", [new], MILESTONES)
    before = files(shipped)
    code, stdout, err = run(cli, shipped, "import", str(path))
    assert code == 0, err
    diff = changed(before, files(shipped))
    assert list(diff) == ["data/strands/S1.yaml"]
    removed, added = diff["data/strands/S1.yaml"]
    assert removed == []
    assert [line.strip() for line in added if line.strip()] == [
        "- id: S1.2.M2",
        "title: Publicity programme run",
        "due: 2006-03-31",
    ]
    assert "S1.2.M2" in stdout
    assert errors(cli, shipped) == []


def test_a_new_work_element_and_strand(cli: CliRunner, shipped: Path, tmp_path: Path) -> None:
    rows: list[dict[str, Value]] = [
        {
            "strand": "S1",
            "element": "S1.3",
            "element.title": "Ethics training",
            "element.lead": "DCS Prevention, DPS",
            "id": "S1.3.M1",
            "title": "Course written",
            "due": dt.date(2006, 1, 31),
        },
        {
            "strand": "S1",
            "element": "S1.3",
            "id": "S1.3.M2",
            "title": "Course run",
            "due": dt.date(2006, 6, 30),
        },
        {
            "strand": "S6",
            "strand.title": "Partnerships",
            "element": "S6.1",
            "element.title": "Work with the IPCC",
            "element.status": "on-track",
            "id": "S6.1.M1",
            "title": "Protocol agreed",
            "due": dt.date(2006, 1, 31),
        },
    ]
    path = sheet(tmp_path / "plan.xlsx", "Milestones", rows, MILESTONES)
    before = files(shipped)
    code, _, err = run(cli, shipped, "import", str(path), "--on", ON)
    assert code == 0, err
    after = files(shipped)
    assert set(changed(before, after)) == {"data/strands/S1.yaml", "data/strands/S6.yaml"}
    s1 = after["data/strands/S1.yaml"].decode()
    assert (
        "  - id: S1.3\n    title: Ethics training\n    lead: dcs-prevention\n"
        "    status: not-started\n" in s1
    )
    assert s1.index("S1.3.M1") < s1.index("S1.3.M2")
    s6 = after["data/strands/S6.yaml"].decode()
    assert s6.startswith("id: S6\ntitle: Partnerships\n")
    assert "status: on-track" in s6 and "S6.1.M1" in s6
    assert errors(cli, shipped) == []


def test_a_new_action_goes_to_the_meeting_of_its_date(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    rows: list[dict[str, Value]] = [
        {
            "id": "A2",
            "meeting": dt.date(2005, 1, 13),
            "text": "Report on vetting",
            "owner": "Head of the Vetting Unit, DPS",
            "due": dt.date(2005, 4, 30),
            "strands": "S5",
        },
    ]
    path = sheet(tmp_path / "actions.csv", "Actions", rows, ACTIONS)
    before = files(shipped)
    code, _, err = run(cli, shipped, "import", str(path))
    assert code == 0, err
    removed, added = changed(before, files(shipped))["data/meetings.yaml"]
    assert removed == []
    text = files(shipped)["data/meetings.yaml"].decode()
    meeting = text[text.index("- date: 2005-01-13") :]
    assert "id: A2" in meeting.split("- date: 2007-09-13")[0]
    assert any("owner: dps-vetting" in line for line in added)
    assert errors(cli, shipped) == []


@pytest.mark.parametrize(
    "row, cell, said",
    [
        (
            {"meeting": dt.date(2005, 2, 1)},
            "B2",
            "data/meetings.yaml has no meeting on 2005-02-01; add it first (psstrat new meeting "
            "--date 2005-02-01)",
        ),
        (
            {"due": dt.date(2004, 12, 1)},
            "E2",
            "2004-12-01 is before the meeting that sets A2 (2005-01-13)",
        ),
        ({"owner": None}, "D2", "a new action needs its owner"),
        (
            {"owner": "Chief Constable"},
            "D2",
            "`Chief Constable` is not in data/owners.yaml; add them first",
        ),
        ({"id": "A1"}, "A2", "A1 exists (data/meetings.yaml); give --update"),
    ],
)
def test_an_action_that_cannot_be_added(
    cli: CliRunner, shipped: Path, tmp_path: Path, row: dict[str, Value], cell: str, said: str
) -> None:
    action: dict[str, Value] = {
        "id": "A2",
        "meeting": dt.date(2005, 1, 13),
        "text": "Report",
        "owner": "dps-vetting",
        "due": dt.date(2005, 4, 30),
    }
    path = sheet(tmp_path / "actions.csv", "Actions", [{**action, **row}], ACTIONS)
    before = files(shipped)
    code, _, err = run(cli, shipped, "import", str(path))
    assert code != 0
    assert f"actions.csv:{cell}: {said}" in err
    assert files(shipped) == before


# --- updates ----------------------------------------------------------------------------------


def test_a_changed_status_is_a_dated_update(cli: CliRunner, shipped: Path, tmp_path: Path) -> None:
    rows = exported(cli, shipped, tmp_path / "m.xlsx", "--sheet", "milestones")
    for row in rows:
        if row["element"] == "S1.2":
            row["element.status"] = "at-risk"
    path = sheet(tmp_path / "plan.xlsx", "Milestones", rows, MILESTONES)
    before = files(shipped)
    code, stdout, err = run(cli, shipped, "import", str(path), "--update", "--on", ON)
    assert code == 0, err
    diff = changed(before, files(shipped))
    assert list(diff) == ["data/strands/S1.yaml"]
    removed, added = diff["data/strands/S1.yaml"]
    assert removed == ["    status: on-track"]
    assert added == [
        "    status: at-risk",
        f"      - date: {ON}",
        "        text: Status at-risk as the sheet plan.xlsx gives it.",
        "        status: at-risk",
    ]
    assert "data/strands/S1.yaml:39: S1.2 status: on-track -> at-risk" in stdout
    assert "1 changed, 38 unchanged" in err
    assert errors(cli, shipped) == []


def test_updates_are_the_records_the_record_commands_write(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    rows = exported(cli, shipped, tmp_path / "m.csv", "--sheet", "milestones")
    by_id = {row["id"]: row for row in rows}
    by_id["S1.2.M1"]["completed"] = "2005-03-01"  # done
    by_id["S2.1.M2"]["revised_due"] = "2005-09-30"  # re-planned
    by_id["S4.4.M1"]["title"] = "Diversity standards drafted"  # retitled
    for row in rows:
        if row["element"] == "S5.6":
            row["element.lead"] = "DCS Intelligence Command, DPS"
    path = sheet(tmp_path / "plan.csv", "Milestones", rows, MILESTONES)
    before = files(shipped)
    code, _, err = run(cli, shipped, "import", str(path), "--update", "--on", ON)
    assert code == 0, err
    diff = changed(before, files(shipped))
    assert diff["data/strands/S1.yaml"][1] == ["        completed: 2005-03-01"]
    assert diff["data/strands/S2.yaml"][1] == [
        "        revised_due: 2005-09-30",
        f"        revised_on: {ON}",
    ]
    assert diff["data/strands/S4.yaml"][1] == ["        title: Diversity standards drafted"]
    removed, added = diff["data/strands/S5.yaml"]
    assert "    lead: dps-vetting" in removed and "    lead: dcs-intelligence" in added
    assert "        lead: dcs-intelligence" in added  # the dated record
    assert errors(cli, shipped) == []
    # and the sheet, imported again, changes nothing more
    again = files(shipped)
    code, _, err = run(cli, shipped, "import", str(path), "--update", "--on", ON)
    assert code == 0, err
    assert files(shipped) == again


def test_an_element_change_on_several_rows_is_one_record(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    rows = exported(cli, shipped, tmp_path / "m.csv", "--sheet", "milestones")
    for row in rows:
        if row["element"] == "S4.5":  # six milestones
            row["element.status"] = "off-track"
    path = sheet(tmp_path / "plan.csv", "Milestones", rows, MILESTONES)
    before = files(shipped)
    code, _, err = run(cli, shipped, "import", str(path), "--update", "--on", ON)
    assert code == 0, err
    _, added = changed(before, files(shipped))["data/strands/S4.yaml"]
    assert added.count("        status: off-track") == 1


@pytest.mark.parametrize(
    "change, cell, said",
    [
        ({"due": "2005-06-30"}, "I3", "S1.2.M1 is due on 2005-03-31 (its baseline"),
        ({"element.status": "finished"}, "F3", "`finished` is not one of not-started"),
        ({"element": "S1.9"}, "C3", "S1.2.M1 is not in S1.9"),
    ],
)
def test_a_row_that_cannot_update(
    cli: CliRunner, shipped: Path, tmp_path: Path, change: dict[str, Value], cell: str, said: str
) -> None:
    rows = exported(cli, shipped, tmp_path / "m.csv", "--sheet", "milestones")[:2]
    rows[1].update(change)
    path = sheet(tmp_path / "plan.csv", "Milestones", rows, MILESTONES)
    before = files(shipped)
    code, _, err = run(cli, shipped, "import", str(path), "--update")
    assert code != 0
    assert f"plan.csv:{cell}: {said}" in err, err
    assert files(shipped) == before


def test_a_new_milestone_changes_its_element_only_with_update(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    new: dict[str, Value] = {
        "strand": "S1",
        "element": "S1.2",
        "element.status": "at-risk",
        "id": "S1.2.M2",
        "title": "Run",
        "due": dt.date(2006, 3, 31),
    }
    path = sheet(tmp_path / "plan.csv", "Milestones", [new], MILESTONES)
    before = files(shipped)
    code, _, err = run(cli, shipped, "import", str(path), "--on", ON)
    assert code != 0
    assert (
        "plan.csv:F2: S1.2 exists, with the status on-track; give --update to bring it to this row"
        in err
    )
    assert files(shipped) == before
    code, _, err = run(cli, shipped, "import", str(path), "--on", ON, "--update")
    assert code == 0, err
    text = (shipped / "data/strands/S1.yaml").read_text()
    assert "S1.2.M2" in text and "    status: at-risk" in text


def test_a_marking_is_raised_never_lowered(cli: CliRunner, shipped: Path, tmp_path: Path) -> None:
    rows = exported(cli, shipped, tmp_path / "m.csv", "--sheet", "milestones")[:1]
    rows[0]["marking"] = "official-sensitive"
    path = sheet(tmp_path / "plan.csv", "Milestones", rows, MILESTONES)
    code, _, err = run(cli, shipped, "import", str(path), "--update")
    assert code == 0, err
    assert "        marking: official-sensitive" in (shipped / "data/strands/S1.yaml").read_text()
    rows[0]["marking"] = "official"
    path = sheet(tmp_path / "plan.csv", "Milestones", rows, MILESTONES)
    code, _, err = run(cli, shipped, "import", str(path), "--update")
    assert code != 0
    assert "lower a marking only with `psstrat set marking S1.1.M1 official`" in err


def test_a_strands_sheet_changes_a_strand_lead(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    rows = exported(cli, shipped, tmp_path / "s.csv", "--sheet", "strands")
    for row in rows:
        if row["strand"] == "S3":
            row["strand.lead"] = "Head of DPS Policy Unit"
    rows.append(
        {
            "strand": "S3",
            "element": "S3.2",
            "element.title": "Recruit a diversity co-ordinator",
            "element.lead": "dps-diversity",
        }
    )
    path = sheet(tmp_path / "strands.csv", "Strands", rows, STRANDS)
    before = files(shipped)
    code, _, err = run(cli, shipped, "import", str(path), "--update", "--on", ON)
    assert code == 0, err
    diff = changed(before, files(shipped))
    assert list(diff) == ["data/strands/S3.yaml"]
    removed, added = diff["data/strands/S3.yaml"]
    assert removed == ["lead: dps-diversity"]
    assert "lead: dps-policy-unit" in added and "  - id: S3.2" in added
    assert errors(cli, shipped) == []


# --- cells that cannot be read -----------------------------------------------------------------


def test_an_unreadable_date_is_a_problem_at_its_cell(
    cli: CliRunner, shipped: Path, tmp_path: Path
) -> None:
    rows: list[dict[str, Value]] = [
        {
            "strand": "S1",
            "element": "S1.2",
            "id": "S1.2.M2",
            "title": "Run",
            "due": dt.date(2006, 3, 31),
        },
        {"strand": "S1", "element": "S1.2", "id": "S1.2.M3", "title": "Review", "due": "soon"},
    ]
    path = sheet(tmp_path / "plan.xlsx", "Milestones", rows, MILESTONES)
    before = files(shipped)
    code, _, err = run(cli, shipped, "import", str(path))
    assert code != 0
    assert (
        "plan.xlsx:Milestones!I3: `soon` is not a date; write 2004-09-30, 30/09/2004 or 30 Sep 2004"
        in err
    )
    assert "1 problem in plan.xlsx; nothing was written" in err
    assert files(shipped) == before  # the good row is not written either
    code, _, err = run(cli, shipped, "import", str(path), "--skip-bad-rows")
    assert code == 0, err
    text = (shipped / "data/strands/S1.yaml").read_text()
    assert "S1.2.M2" in text and "S1.2.M3" not in text
    assert "left out 1 rows: plan.xlsx:Milestones!3" in err
    assert errors(cli, shipped) == []


def test_a_new_strand_needs_its_title(cli: CliRunner, shipped: Path, tmp_path: Path) -> None:
    rows: list[dict[str, Value]] = [
        {
            "strand": "S6",
            "element": "S6.1",
            "element.title": "Work",
            "id": "S6.1.M1",
            "title": "Done",
            "due": dt.date(2006, 3, 31),
        },
    ]
    path = sheet(tmp_path / "plan.csv", "Milestones", rows, MILESTONES)
    code, _, err = run(cli, shipped, "import", str(path))
    assert code != 0
    assert "plan.csv:B2: a new strand (S6) needs its title; fill the cell" in err
    assert not (shipped / "data/strands/S6.yaml").exists()


def test_an_action_brought_to_its_row(cli: CliRunner, shipped: Path, tmp_path: Path) -> None:
    rows = exported(cli, shipped, tmp_path / "a.csv", "--sheet", "actions")
    rows[0]["due"] = "2004-01-31"
    rows[0]["owner"] = "Director of Human Resources"
    path = sheet(tmp_path / "actions.csv", "Actions", rows, ACTIONS)
    before = files(shipped)
    code, stdout, err = run(cli, shipped, "import", str(path), "--update")
    assert code == 0, err
    removed, added = changed(before, files(shipped))["data/meetings.yaml"]
    assert [line.strip() for line in added] == ["owner: hr-director", "due: 2004-01-31"]
    assert len(removed) == 2
    assert "A1 due: 2003-12-31 -> 2004-01-31" in stdout
    rows[0]["completed"] = "2004-01-05"
    path = sheet(tmp_path / "actions.csv", "Actions", rows, ACTIONS)
    code, _, err = run(cli, shipped, "import", str(path), "--update")
    assert code != 0
    assert "actions.csv:F2: A1 was completed on 2003-12-15, not 2004-01-05" in err
