"""The shipped strategy and the 2006 example validate with no errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from psstrat.commands.validate import validate
from psstrat.diagnostics import Severity

ROOT = Path(__file__).resolve().parents[1]
DATES = [dt.date(2004, 1, 12), dt.date(2004, 12, 31), dt.date(2026, 1, 1)]


@pytest.mark.parametrize("where", [ROOT, ROOT / "examples" / "pss-2006"])
@pytest.mark.parametrize("as_of", DATES)
def test_shipped_repositories_have_no_errors(where: Path, as_of: dt.date) -> None:
    result = validate(where, as_of)
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert errors == []
    assert result.repo.strategy is not None


def test_shipped_data_holds_the_papers() -> None:
    repo = validate(ROOT, dt.date(2004, 12, 31)).repo
    assert [s.id for s in repo.strands] == ["S1", "S2", "S3", "S4", "S5"]
    sia = {s.id: s for s in repo.sias}["SIA-2004"]
    assert sia.sequence == 3 and len(sia.issues) == 6
    assert repo.owner_label(repo.strands[4].lead) == "Deputy Director, DPS (Commander Hagon)"


def test_example_has_four_strands_and_vacant_leads() -> None:
    result = validate(ROOT / "examples" / "pss-2006", dt.date(2006, 6, 30))
    assert [s.id for s in result.repo.strands] == ["S1", "S2", "S3", "S4"]
    assert {d.code for d in result.diagnostics} == {"vacant-lead"}


# -- the shipped papers as they were (issue 19) -----------------------------------------------


def _paper(*args: str) -> str:
    from typer.testing import CliRunner

    from tests.conftest import invoke

    code, out, err = invoke(CliRunner(), "report", "--root", str(ROOT), *args)
    assert code == 0, err
    return out


def test_the_december_2002_paper_for_strand_5_is_as_it_was() -> None:
    """Seed 000 (19 December 2002): the NIM, the Desk and STCG and the TDG are in place, and
    strand 5 is on course; the work elements that began in 2004 are not in it."""
    for quarter in ("2002-Q2", "2002-Q3"):
        paper = _paper("-q", quarter, "--strand", "S5")
        for later in ("S5.5", "S5.6", "S5.7", "S5.8"):
            assert later not in paper, (quarter, later)
        assert "AMBER" not in paper and ": GREEN" in paper
        assert "S5.4 NIMROD tactical options" in paper  # presented in the open paper (000 l.63)
    paper = _paper("-q", "2002-Q2", "--strand", "S5")
    assert "| Date | 19 December 2002 |" in paper
    assert "Tactics Development Group established: completed 16 September 2002" in paper


def test_the_january_2004_paper_for_strand_4_is_as_it_was() -> None:
    """Seed 002 (12 January 2004): the misconduct code "will be in position by April 2004"
    (not complete), and the strand is led by the Director of DPS until the HR lead is
    appointed after the meeting."""
    paper = _paper("-q", "2003-Q3", "--strand", "S4")
    assert "| Date | 12 January 2004 |" in paper
    assert "Strand lead: Director, Directorate of Professional Standards" in paper
    s43 = next(line for line in paper.splitlines() if line.startswith("| S4.3 "))
    assert "complete" not in s43
    assert "Senior HR lead" not in paper
    later = _paper("-q", "2004-Q3", "--strand", "S4")
    assert "Strand lead: Senior HR lead for Strand 4" in later


def test_the_shipped_papers_show_the_changes_between_meetings() -> None:
    paper = _paper("-q", "2004-Q3", "--session", "closed")
    section = paper.split("### Changes since the last report")[1].split("### Progress")[0]
    assert "to the meeting of 7 October 2004, as at 30 September 2004" in section
    assert "Milestones completed" in section and "Nothing listed here" not in section


def test_a_milestone_due_on_the_last_day_is_late_in_its_strand_in_the_shipped_data() -> None:
    paper = _paper("-q", "2004-Q3", "--session", "closed")
    strand4 = paper.split("#### S4 ")[1].split("#### S5 ")[0]
    assert "S4.2.M2 Code of Ethics agreed" in strand4.split("**Overdue**")[1].split("**Due")[0]


def test_the_2004_q4_paper_goes_to_the_next_meeting_after_the_quarter() -> None:
    paper = _paper("-q", "2004-Q4")
    assert "13 January 2005" not in paper.split("## Summary")[0]
