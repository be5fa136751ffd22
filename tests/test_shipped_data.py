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
