"""`psstrat overdue` and `psstrat status` on the fixture and on the shipped data."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import RepoBuilder, as_json, invoke

ROOT = str(Path(__file__).resolve().parents[1])
S1 = "data/strands/S1.yaml"


@pytest.fixture
def late(repo: RepoBuilder) -> RepoBuilder:
    """The fixture with three milestones: overdue by 31 days, by 1 day, and due in 10 days."""
    repo.edit(S1, "        completed: 2004-11-13\n", "")
    repo.edit(
        S1,
        "      - id: S1.1.M2\n        title: Code implemented\n        due: 2005-06-30\n",
        "      - id: S1.1.M2\n        title: Code <b>implemented</b>, in full\n"
        "        due: 2005-06-30\n        revised_due: 2004-12-30\n"
        "      - id: S1.1.M3\n        title: Code reviewed\n        due: 2005-01-10\n",
    )
    return repo


def test_overdue_worst_first_with_every_field(late: RepoBuilder, cli: CliRunner) -> None:
    code, out, _ = invoke(
        cli, "overdue", "--root", str(late.root), "--as-of", "2004-12-31", "--format", "json"
    )
    assert code == 0
    rows = as_json(out)
    assert rows == [
        {
            "id": "S1.1.M1",
            "title": "Code agreed",
            "strand": "S1",
            "work_element": "S1.1",
            "lead": "Deputy Director, DPS",
            "due": "2004-11-30",
            "revised_due": None,
            "effective_due": "2004-11-30",
            "days_overdue": 31,
            "state": "overdue",
            "marking": None,
            "kind": "milestone",
        },
        {
            "id": "S1.1.M2",
            "title": "Code <b>implemented</b>, in full",
            "strand": "S1",
            "work_element": "S1.1",
            "lead": "Deputy Director, DPS",
            "due": "2005-06-30",
            "revised_due": "2004-12-30",
            "effective_due": "2004-12-30",
            "days_overdue": 1,
            "state": "overdue",
            "marking": None,
            "kind": "milestone",
        },
    ]


def test_within_adds_those_due_soon(late: RepoBuilder, cli: CliRunner) -> None:
    args = ["overdue", "--root", str(late.root), "--as-of", "2004-12-31", "--format", "csv"]
    _, out, _ = invoke(cli, *args, "--within", "10")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["id"], r["days_overdue"], r["state"]) for r in rows] == [
        ("S1.1.M1", "31", "overdue"),
        ("S1.1.M2", "1", "overdue"),
        ("S1.1.M3", "-10", "due-soon"),
    ]
    assert rows[1]["title"] == "Code <b>implemented</b>, in full"
    assert rows[0]["revised_due"] == ""
    _, out, _ = invoke(cli, *args, "--within", "9")
    assert "S1.1.M3" not in out


def test_table_fits_80_columns_without_colour(late: RepoBuilder, cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "overdue", "--root", str(late.root), "--as-of", "2004-12-31")
    assert code == 0
    assert "\x1b[" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert out.index("S1.1.M1") < out.index("S1.1.M2")
    assert "Deputy Director" in out and "2 overdue, 0 due soon" in out


def test_filters(late: RepoBuilder, cli: CliRunner) -> None:
    base = ["overdue", "--root", str(late.root), "--as-of", "2004-12-31", "--format", "json"]
    assert len(as_json(invoke(cli, *base, "--strand", "S1")[1])) == 2
    assert as_json(invoke(cli, *base, "--owner", "lead-a")[1]) == []
    assert len(as_json(invoke(cli, *base, "--owner", "lead-b")[1])) == 2
    code, out, err = invoke(cli, *base, "--strand", "S11")
    assert (code, out) == (2, "")
    assert "--strand S11 is not a strand the open session may see (did you mean `S1`?)" in err
    code, out, err = invoke(cli, *base, "--strand", "S11", "--session", "all")
    assert "--strand S11 is not a strand (did you mean `S1`?); strands are S1" in err
    code, _, err = invoke(cli, *base, "--owner", "lead-c")
    assert code == 2 and "lead-c is not an owner in data/owners.yaml (did you mean" in err


def test_fail_exits_1_only_when_something_is_overdue(late: RepoBuilder, cli: CliRunner) -> None:
    base = ["overdue", "--root", str(late.root), "--fail"]
    assert invoke(cli, *base, "--as-of", "2004-12-31")[0] == 1
    # On 30 November the fixture's risk is not yet escalated: an error, so --allow-errors.
    base.append("--allow-errors")
    assert invoke(cli, *base, "--as-of", "2004-11-30")[0] == 0
    assert invoke(cli, *base, "--as-of", "2004-11-30", "--within", "60")[0] == 0


def test_nothing_overdue(repo: RepoBuilder, cli: CliRunner) -> None:
    code, out, _ = invoke(cli, "overdue", "--root", str(repo.root), "--as-of", "2004-12-31")
    assert (code, out) == (0, "No milestones overdue as of 2004-12-31.\n")


@pytest.mark.parametrize("command", ["overdue", "status"])
def test_data_with_errors_is_refused_unless_allowed(
    repo: RepoBuilder, cli: CliRunner, command: str
) -> None:
    """Regression: `overdue --fail` said "No milestones overdue" and exited 0 when a strand
    file could not be read."""
    repo.write(S1, "id: [\n")
    args = [command, "--root", str(repo.root), "--as-of", "2004-12-31", "--session", "all"]
    code, out, err = invoke(cli, *args, *(["--fail"] if command == "overdue" else []))
    assert (code, out) == (1, "")
    assert "data/strands/S1.yaml:2:1: error[yaml-syntax]" in err
    assert "nothing is reported" in err and "--allow-errors" in err
    code, out, err = invoke(cli, *args, "--allow-errors")
    assert code == 0 and out
    assert "1 file(s) are left out (data/strands/S1.yaml)" in err


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_january_2005_committee_on_shipped_data(cli: CliRunner, fmt: str) -> None:
    """At the 13 January 2005 meeting two milestones due at the year's end were not met; at
    the 12 January 2004 meeting nothing was overdue (seed 002 reports strand 4 on course)."""
    args = ["overdue", "--root", ROOT, "--as-of", "2005-01-12", "--format", fmt]
    code, first, _ = invoke(cli, *args)
    assert code == 0
    assert invoke(cli, *args)[1] == first  # the same output every time
    assert first.index("S4.2.M2") < first.index("S5.6.M2")  # 12 days each: by id
    assert "S1." not in first and "S3." not in first
    code, out, _ = invoke(cli, "overdue", "--root", ROOT, "--as-of", "2004-01-12", "--format", fmt)
    assert code == 0 and "S4." not in out


def test_status_json(late: RepoBuilder, cli: CliRunner) -> None:
    late.edit(S1, "status: on-track", "status: at-risk")
    args = ["status", "--root", str(late.root), "--as-of", "2004-12-31", "--format", "json"]
    code, out, _ = invoke(cli, *args, "--session", "all")
    assert code == 0
    data = as_json(out)
    assert isinstance(data, dict)
    [strand] = data["strands"]
    assert (
        strand["rag"] == "amber" and strand["lead"] == "DCS Intelligence Command, DPS (Jane Smith)"
    )
    assert strand["milestones"] == {
        "complete": 0,
        "cancelled": 0,
        "overdue": 2,
        "due-soon": 1,
        "pending": 0,
    }
    assert strand["next_milestone"] == {
        "id": "S1.1.M3",
        "title": "Code reviewed",
        "due": "2005-01-10",
    }
    heat = data["risk_heat_map"]["counts"]
    assert heat[3][2] == 1 and sum(map(sum, heat)) == 1  # impact 4, likelihood 3
    assert [r["id"] for r in data["highest_risks"]] == ["R0001"]
    assert data["highest_risks"][0]["score"] == 12


def test_status_as_of_before_a_risk_was_raised(repo: RepoBuilder, cli: CliRunner) -> None:
    _, out, _ = invoke(
        cli, "status", "--root", str(repo.root), "--as-of", "2004-06-30", "--format", "json"
    )
    data = as_json(out)
    assert isinstance(data, dict)
    assert data["live_risks"] == 0 and data["highest_risks"] == []


def test_status_text_on_shipped_data(cli: CliRunner) -> None:
    args = ["status", "--root", ROOT, "--as-of", "2004-12-31", "--session", "all"]
    code, out, _ = invoke(cli, *args)
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 80
    for text in ("S4", "AMBER", "Residual risk heat map (7 live risks)", "R0001", "very high"):
        assert text in out
