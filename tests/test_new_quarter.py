"""`psstrat new` as a user notices it: a risk scored at or above the escalation threshold is
escalated (or refused, never written for `validate` to refuse), an owner id made from a long
role ends at a whole word, and an addition to a CRLF file (with or without a BOM) changes
nothing but the added lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import call, invoke
from tests.test_new import START, git, new

RISK = ["risk", "--title", "Vetting backlog", "--category", "people", "--raised", START]


@pytest.fixture
def strategy(cli: CliRunner, tmp_path: Path) -> Path:
    """A repository as `psstrat init` makes it, committed (ids are counted on git's branches,
    so nothing is printed about the working tree)."""
    root = tmp_path / "strategy"
    assert invoke(cli, "init", str(root), "--start", START)[0] == 0
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    return root


def files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}


def validates(cli: CliRunner, root: Path) -> None:
    code, out, err = invoke(cli, "validate", "--root", str(root), "--as-of", START)
    assert code == 0 and "error[" not in out, out + err


# -- new risk: escalation ----------------------------------------------------------------------


def test_a_risk_at_the_threshold_is_refused_off_a_terminal_without_its_escalation(
    cli: CliRunner, strategy: Path
) -> None:
    before = files(strategy)
    code, out, err = new(cli, strategy, *RISK, "--likelihood", "4", "--impact", "4")
    assert (code, out) == (2, "")
    assert err.startswith(
        "psstrat: error: --escalated-to is required: a score of 16 is at or above the "
        "escalation threshold (15); pass --escalated-to"
    ), err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert files(strategy) == before


def test_escalated_to_writes_a_risk_that_validates(cli: CliRunner, strategy: Path) -> None:
    args = [*RISK, "--likelihood", "4", "--impact", "4", "--control", "Weekly backlog review"]
    code, out, err = new(cli, strategy, *args, "--escalated-to", "Corporate Risk Register")
    assert (code, out, err) == (0, "R0002: wrote data/risks/R0002.yaml\n", "")
    text = (strategy / "data/risks/R0002.yaml").read_text(encoding="utf-8")
    # On the day raised (the default), in the layout's place: after controls, before review.
    assert "escalated: {to: Corporate Risk Register, date: 2025-04-01}\nreview_date:" in text
    validates(cli, strategy)
    assert invoke(cli, "fmt", "--check", "--root", str(strategy))[0] == 0


def test_escalated_on_is_its_date_and_never_before_the_risk_was_raised(
    cli: CliRunner, strategy: Path
) -> None:
    scored = [*RISK, "--likelihood", "5", "--impact", "3", "--escalated-to", "Corporate RR"]
    code, _, err = new(cli, strategy, *scored, "--escalated-on", "2025-03-31")
    assert code == 2 and err.count("\n") == 1
    assert "--escalated-on 2025-03-31 is before the risk was raised (2025-04-01)" in err
    assert not (strategy / "data/risks/R0002.yaml").exists()
    assert new(cli, strategy, *scored, "--escalated-on", "2025-04-03")[0] == 0
    text = (strategy / "data/risks/R0002.yaml").read_text(encoding="utf-8")
    assert "escalated: {to: Corporate RR, date: 2025-04-03}" in text
    code, out, err = invoke(cli, "validate", "--root", str(strategy), "--as-of", "2025-04-03")
    assert code == 0 and "escalation-missing" not in out, out


def test_below_the_threshold_a_risk_may_be_escalated_anyway(cli: CliRunner, strategy: Path) -> None:
    low = [*RISK, "--likelihood", "2", "--impact", "2"]
    code, _, err = new(cli, strategy, *low, "--escalated-on", "2025-04-02")
    assert code == 2 and "--escalated-on is the day of an escalation; give --escalated-to" in err
    assert new(cli, strategy, *low)[0] == 0  # nothing asked for: 4 is below 15
    assert "escalated" not in (strategy / "data/risks/R0002.yaml").read_text(encoding="utf-8")
    assert new(cli, strategy, *low, "--escalated-to", "Corporate Risk Register")[0] == 0
    text = (strategy / "data/risks/R0003.yaml").read_text(encoding="utf-8")
    assert "escalated: {to: Corporate Risk Register, date: 2025-04-01}" in text
    validates(cli, strategy)


def test_on_a_terminal_where_it_was_escalated_is_asked_for(
    cli: CliRunner, strategy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psstrat.cli.new as new_cli

    monkeypatch.setattr(new_cli, "on_terminal", lambda: True)
    args = ["new", *RISK, "--likelihood", "4", "--impact", "4", "--root", str(strategy)]
    result = call(cli, args, "\nCorporate Risk Register\n")  # an empty answer is asked again
    assert result.exit_code == 0, result.output
    assert "Escalated to (a score of 16 is at or above the escalation threshold (15))" in (
        result.output
    )
    text = (strategy / "data/risks/R0002.yaml").read_text(encoding="utf-8")
    assert "escalated: {to: Corporate Risk Register, date: 2025-04-01}" in text


def test_the_threshold_is_the_settings(cli: CliRunner, strategy: Path) -> None:
    settings = strategy / "psstrat.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("escalation_threshold: 15", "escalation_threshold: 9"))
    code, _, err = new(cli, strategy, *RISK, "--likelihood", "3", "--impact", "3")
    assert code == 2 and "a score of 9 is at or above the escalation threshold (9)" in err


# -- new owner: the id ---------------------------------------------------------------------------


def test_an_owner_id_from_a_long_role_ends_at_a_whole_word(cli: CliRunner, strategy: Path) -> None:
    role = ["owner", "--role", "Detective Chief Superintendent, Head of Professional Standards"]
    assert new(cli, strategy, *role)[1] == (
        "detective-chief-superintendent-head-of: added to data/owners.yaml\n"
    )
    assert new(cli, strategy, *role)[1] == (
        "detective-chief-superintendent-head-of-2: added to data/owners.yaml\n"
    )
    # A word ending at the 40th character is whole; one longer word is cut at 40.
    assert new(cli, strategy, "owner", "--role", "Head of " + "x" * 32 + " Unit")[1] == (
        f"head-of-{'x' * 32}: added to data/owners.yaml\n"
    )
    assert new(cli, strategy, "owner", "--role", "Y" * 45)[1] == (
        f"{'y' * 40}: added to data/owners.yaml\n"
    )
    validates(cli, strategy)


# -- line endings ----------------------------------------------------------------------------------

BOM = b"\xef\xbb\xbf"
ADDITIONS = {
    "data/owners.yaml": ["owner", "--role", "Head of Vetting"],
    "data/strands/S1.yaml": [
        "milestone",
        "--element",
        "S1.1",
        "--title",
        "X",
        "--due",
        "2025-09-01",
    ],
    "data/meetings.yaml": ["meeting", "--date", "2025-10-14"],
}


def crlf(root: Path, rel: str, bom: bool = False, last_newline: bool = True) -> bytes:
    """Save the file as a Windows editor would: CRLF, perhaps a BOM, perhaps no last newline."""
    path = root / rel
    text = path.read_bytes().replace(b"\n", b"\r\n")
    data = (BOM if bom else b"") + (text if last_newline else text.removesuffix(b"\r\n"))
    path.write_bytes(data)
    return data


def lines_added(before: bytes, after: bytes) -> list[bytes]:
    """The lines of ``after`` not in ``before``, each with its ending; fails unless every line
    of ``before`` is still there, byte for byte and in order."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    head = 0
    while head < len(old) and old[head] == new[head]:
        head += 1
    tail = len(old) - head
    assert new[len(new) - tail :] == old[head:], "a line of the file changed"
    return new[head : len(new) - tail]


@pytest.mark.parametrize("rel", sorted(ADDITIONS))
@pytest.mark.parametrize("bom", [False, True], ids=["crlf", "crlf+bom"])
def test_an_addition_to_a_crlf_file_keeps_its_line_endings(
    cli: CliRunner, strategy: Path, rel: str, bom: bool
) -> None:
    before = crlf(strategy, rel, bom)
    code, out, err = new(cli, strategy, *ADDITIONS[rel])
    assert code == 0 and out.endswith(f": added to {rel}\n"), err
    after = (strategy / rel).read_bytes()
    added = lines_added(before, after)
    assert added and all(line.endswith(b"\r\n") for line in added), added
    assert after.count(b"\n") == after.count(b"\r\n")
    assert after.startswith(BOM) == bom and after.count(BOM) == int(bom)
    validates(cli, strategy)


def test_a_crlf_file_without_a_last_newline_gets_one_in_crlf(
    cli: CliRunner, strategy: Path
) -> None:
    rel = "data/owners.yaml"
    before = crlf(strategy, rel, last_newline=False)
    assert new(cli, strategy, *ADDITIONS[rel])[0] == 0
    after = (strategy / rel).read_bytes()
    assert after.startswith(before + b"\r\n  - id: head-of-vetting\r\n")
    assert after.endswith(b"\r\n") and after.count(b"\n") == after.count(b"\r\n")


def test_a_line_rewritten_to_take_the_first_item_keeps_crlf(cli: CliRunner, strategy: Path) -> None:
    """`decisions: []` becomes `decisions:` with the item below it: in CRLF, as the rest."""
    rel = "data/meetings.yaml"
    before = crlf(strategy, rel)
    code, _, err = new(cli, strategy, "decision", "--meeting", "2025-07-15", "--text", "Noted.")
    assert code == 0, err
    after = (strategy / rel).read_bytes()
    assert b"    decisions:\r\n      - text: Noted.\r\n    actions: []\r\n" in after
    assert after.count(b"\n") == after.count(b"\r\n")
    assert len(after.splitlines()) == len(before.splitlines()) + 1


def test_a_file_of_mixed_endings_keeps_each_line_s_own(cli: CliRunner, strategy: Path) -> None:
    rel = "data/owners.yaml"
    path = strategy / rel
    lines = path.read_bytes().splitlines(keepends=True)
    before = b"".join(
        line.replace(b"\n", b"\r\n") if i % 3 == 0 else line for i, line in enumerate(lines)
    )
    path.write_bytes(before)
    assert new(cli, strategy, *ADDITIONS[rel])[0] == 0
    added = lines_added(before, path.read_bytes())
    assert added == [b"  - id: head-of-vetting\n", b"    role: Head of Vetting\n"]  # as most
