"""GitHub's limits (issue 24, item 1): at most 10 annotations of each level from a step, and
at most 1 MiB of job summary; what psstrat leaves out it counts, and says where to read."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from psstrat.commands.validate import validate
from psstrat.diagnostics import Diagnostic, Severity
from psstrat.output.summary import GITHUB_SUMMARY_LIMIT, SUMMARY_LIMIT, Line, fit
from psstrat.output.validate import ANNOTATIONS_PER_LEVEL, annotated, summary
from tests import actions_runner as runner
from tests.conftest import AS_OF, RepoBuilder, invoke, shipped_copy

SHIPPED_AS_OF = "2006-06-30"
"""A date the shipped data has more than 10 warnings as of (38; no errors)."""


def _warning(i: int, text: str = "") -> Diagnostic:
    path = f"data/risks/R{i:04d}.yaml"
    return Diagnostic(path, 3, 1, Severity.WARNING, "no-controls", f"risk {i} {text}", "fix it")


# -- the cut, as a pure function -----------------------------------------------------------------


def _said(rows: Counter[str]) -> str:
    return f"{rows['row']} rows left out"


def test_what_fits_is_left_as_it_is() -> None:
    lines = [Line("# head"), Line(""), Line("- a", "row"), Line("- b", "row")]
    assert fit(lines, 100, _said) == "# head\n\n- a\n- b\n"


def test_a_cut_is_at_a_row_and_counts_the_rest() -> None:
    lines = [Line("# head"), Line("")] + [Line(f"- row {i:02d}", "row") for i in range(20)]
    text = fit(lines, 80, _said)
    rows = "".join(f"- row {i:02d}\n" for i in range(6))
    assert text == f"# head\n\n{rows}\n14 rows left out\n" and len(text) == 80


def test_a_heading_is_not_left_without_its_rows() -> None:
    lines = [Line("- a", "row"), Line(""), Line("**Group two**"), Line(""), Line("x" * 50, "row")]
    assert fit(lines, 40, _said) == "- a\n\n1 rows left out\n"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.text(max_size=40).map(lambda s: s.replace("\n", " ")), st.booleans())),
    st.integers(min_value=20, max_value=600),
)
def test_the_bound_holds_and_every_row_is_shown_or_counted(
    rows: list[tuple[str, bool]], max_bytes: int
) -> None:
    lines = [Line(text, "row" if is_row else "") for text, is_row in rows]
    out = fit(lines, max_bytes, _said)
    whole = "".join(line.text + "\n" for line in lines)
    if len(whole.encode()) <= max_bytes:
        assert out == whole
        return
    assert len(out.encode()) <= max_bytes
    tail = out[:-1].rsplit("\n", 1)[-1]
    left = int(tail.split()[0])
    body = out[: -len(tail) - 1]
    shown = body[:-1].count("\n") if body else 0  # the body ends in a blank line
    assert all(a.text == b for a, b in zip(lines, body[:-1].split("\n")[:shown], strict=False))
    assert sum(line.row == "row" for line in lines[:shown]) + left == sum(r for _, r in rows)


# -- annotations -----------------------------------------------------------------------------------


def test_at_most_ten_of_each_level_most_severe_first() -> None:
    diagnostics = [_warning(i) for i in range(25)]
    diagnostics += [
        Diagnostic(f"data/z{i}.yaml", 0, 0, Severity.ERROR, "unexpected-file", "x")
        for i in range(12)
    ]
    shown, left = annotated(diagnostics)
    assert [d.severity for d in shown] == [Severity.ERROR] * 10 + [Severity.WARNING] * 10
    assert [d.path for d in shown[:2]] == ["data/z0.yaml", "data/z1.yaml"]
    assert left == {Severity.ERROR: 2, Severity.WARNING: 15}


@pytest.fixture
def github_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Inside GitHub Actions, with a job summary file."""
    target = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    return target


def test_the_shipped_data_is_annotated_within_githubs_limits(
    cli: CliRunner, tmp_path: Path, github_env: Path
) -> None:
    root = shipped_copy(tmp_path / "strategy")
    for i in range(12):  # twelve errors too
        (root / "data" / f"stray-{i:02d}.txt").write_text("x\n", encoding="utf-8")
    found = validate(root, dt.date.fromisoformat(SHIPPED_AS_OF)).diagnostics
    levels = Counter(d.severity for d in found)
    assert levels == {Severity.ERROR: 12, Severity.WARNING: 38}
    code, out, err = invoke(cli, "validate", "--root", str(root), "--as-of", SHIPPED_AS_OF)
    assert code == 1, err
    commands = [c for _, c in runner.commands_in(out)]
    assert len(commands) == len(out.splitlines())  # every line is a command
    names = [c.name for c in commands]
    assert names == ["error"] * ANNOTATIONS_PER_LEVEL + ["warning"] * ANNOTATIONS_PER_LEVEL + [
        "notice"
    ]
    notice = commands[-1].data
    assert notice.startswith("2 more errors and 28 more warnings are not shown as annotations")
    assert "the job summary has a table of them" in notice and "--format sarif" in notice
    # The job summary: every problem, the errors first.
    table = github_env.read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| ") and "`" in line]
    assert len(rows) == 50
    assert all(r.startswith("| error |") for r in rows[:12])
    assert table.startswith("### psstrat validate: 50 problems (12 errors, 38 warnings)")
    assert runner.commands_in(table) == []


def test_no_notice_when_everything_is_annotated(cli: CliRunner, repo: RepoBuilder) -> None:
    repo.edit("data/strands/S1.yaml", "lead: lead-a", "lead: lead-x")
    args = ["--root", str(repo.root), "--as-of", AS_OF.isoformat(), "-f", "github"]
    code, out, _ = invoke(cli, "validate", *args)
    assert code == 1 and "::notice" not in out and out.count("\n") == 1


def test_the_summary_is_written_only_where_asked(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path, github_env: Path
) -> None:
    as_of = AS_OF.isoformat()
    args = ["validate", "--root", str(repo.root), "--as-of", as_of]
    invoke(cli, *args, "-f", "text")  # not the github format: no job summary
    invoke(cli, *args, "--summary", "off")
    assert not github_env.exists()
    invoke(cli, *args)
    assert github_env.read_text(encoding="utf-8").startswith("### psstrat validate: no problems")
    elsewhere = tmp_path / "problems.md"
    invoke(cli, *args, "-f", "text", "--summary", str(elsewhere))
    assert elsewhere.read_text(encoding="utf-8").count("### psstrat validate") == 1
    code, _, err = invoke(cli, *args, "--summary", str(tmp_path / "no" / "such" / "dir.md"))
    assert code == 2 and "cannot write the summary" in err and "--summary off" in err


def test_the_summary_of_a_large_register_is_cut_below_one_mib() -> None:
    """20,000 problems with long messages make some 5 MB of table."""
    diagnostics = [_warning(i, "é" * 200) for i in range(20_000)]
    text = summary(diagnostics, "20000 problems")
    size = len(text.encode("utf-8"))
    assert SUMMARY_LIMIT - 1_000 < size <= SUMMARY_LIMIT < GITHUB_SUMMARY_LIMIT
    rows = [line for line in text.splitlines() if line.startswith("| warning |")]
    last = text.splitlines()[-1]
    left = re.match(r"\*(\d+) more problems left out to keep this summary within GitHub's", last)
    assert left is not None
    assert len(rows) + int(left[1]) == 20_000
    assert text.endswith("`psstrat validate` lists them all.*\n")


def test_the_summary_counts_what_the_step_wrote_before(
    cli: CliRunner, repo: RepoBuilder, github_env: Path
) -> None:
    """GitHub counts the step's whole summary file: psstrat adds only what keeps it within,
    on a line of its own when the step before left its last line open."""
    github_env.write_text("x" * (SUMMARY_LIMIT - 3000), encoding="utf-8")
    for i in range(60):
        repo.write(f"data/stray-{i}.txt", "x\n")
    invoke(cli, "validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat())
    text = github_env.read_text(encoding="utf-8")
    assert len(text.encode()) <= SUMMARY_LIMIT
    assert "x\n### psstrat validate:" in text and "more problems left out" in text


def test_a_summary_with_no_room_left_is_not_written_to(
    cli: CliRunner, repo: RepoBuilder, github_env: Path
) -> None:
    """Too near the limit for even the title and the count: nothing is added, the log says
    so, and the notice does not point at a table that is not there."""
    before = "x" * (SUMMARY_LIMIT - 100) + "\n"
    github_env.write_text(before, encoding="utf-8")
    for i in range(12):
        repo.write(f"data/stray-{i}.txt", "x\n")
    code, out, err = invoke(cli, "validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat())
    assert code == 1 and github_env.read_text(encoding="utf-8") == before
    assert "the table of problems, which is left out; the log lists every problem" in err
    assert "::notice" in out and "job summary" not in out


def test_a_summary_that_fits_in_the_room_left_is_written(
    cli: CliRunner, repo: RepoBuilder, github_env: Path
) -> None:
    """ "No problems" takes some 50 bytes: it is written in 500 bytes of room; 12 problems
    there are the title and the count of all 12."""
    github_env.write_text("x" * (SUMMARY_LIMIT - 500) + "\n", encoding="utf-8")
    args = ["validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat()]
    code, _, err = invoke(cli, *args)
    text = github_env.read_text(encoding="utf-8")
    assert code == 0 and "warning" not in err
    assert text.endswith("x\n### psstrat validate: no problems in 6 files\n\n")
    assert len(text) <= SUMMARY_LIMIT
    for i in range(12):
        repo.write(f"data/stray-{i}.txt", "x\n")
    github_env.write_text("x" * (SUMMARY_LIMIT - 500) + "\n", encoding="utf-8")
    code, out, _ = invoke(cli, *args)
    text = github_env.read_text(encoding="utf-8")
    assert len(text.encode()) <= SUMMARY_LIMIT and "\n### psstrat validate: 12 problems" in text
    assert "*12 more problems left out" in text and "job summary has a table" in out


def test_the_title_is_kept_when_no_row_fits() -> None:
    """The title says whose view the summary is; a cut never leaves only the count."""
    lines = [Line("# Title"), Line(""), *(Line("r" * 200, row="row") for _ in range(5))]
    text = fit(lines, 100, _said)
    assert text == "# Title\n\n5 rows left out\n"


def test_cells_cannot_forge_rows_markup_or_commands(repo: RepoBuilder) -> None:
    d = Diagnostic("data/a|b.yaml", 1, 1, Severity.ERROR, "schema", "x | y\n::error::z ##[w]")
    text = summary([d], "1 problem")
    [row] = [line for line in text.splitlines() if line.startswith("| error")]
    assert row.count(" | ") == 5  # six cells: the data's `|` are escaped
    assert runner.commands_in(text) == []


# -- changes --format md --------------------------------------------------------------------


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
    )


def _many_changes(root: Path, withheld: bool) -> None:
    """A committed repository, then 200 milestones added in the working tree; with
    ``withheld``, a re-score of the withheld risk R0001 and a new withheld risk beside them
    (without, R0001 is not there at all)."""
    repo = RepoBuilder(root)
    if not withheld:
        (root / "data/risks/R0001.yaml").unlink()
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "start")
    new = "".join(
        f"      - id: S1.1.M{n}\n        title: Milestone number {n} of the new plan\n"
        "        due: 2005-12-31\n"
        for n in range(3, 203)
    )
    repo.edit(
        "data/strands/S1.yaml", "        due: 2005-06-30\n", "        due: 2005-06-30\n" + new
    )
    if withheld:
        repo.edit(
            "data/risks/R0001.yaml",
            "residual: {likelihood: 3, impact: 4, date: 2004-12-01}",
            "residual: {likelihood: 4, impact: 4, date: 2004-12-20}",
        )
        risk = repo.read("data/risks/R0001.yaml").replace("id: R0001", "id: R0002")
        repo.write("data/risks/R0002.yaml", risk.replace("Information leakage", "Secret thing"))


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("max_bytes", [None, "3000", "0", "1500"])
def test_the_changes_summary_is_bounded_and_counts_only_what_the_session_sees(
    cli: CliRunner, tmp_path: Path, max_bytes: str | None
) -> None:
    """Open output with withheld items == open output with them deleted, at the bound too."""
    outputs = []
    for withheld in (True, False):
        root = tmp_path / f"withheld-{withheld}"
        _many_changes(root, withheld)
        bound = ["--max-bytes", max_bytes] if max_bytes is not None else []
        code, out, err = invoke(
            cli, "changes", "--root", str(root), "--since", "HEAD", "-f", "md", *bound
        )
        assert code == 0, err
        outputs.append(re.sub(r"\(commit [0-9a-f]+ \([0-9-]+\)\)", "(commit)", out))
    assert outputs[0] == outputs[1]
    out = outputs[0]
    assert "R0001" not in out and "R0002" not in out and "Secret" not in out
    if max_bytes in (None, "0"):
        assert out.count("\n- S1.1.M") == 200 and "left out" not in out
    else:
        assert len(out.encode()) <= int(max_bytes)
        shown = out.count("\n- S1.1.M")
        assert 0 < shown < 200
        left = re.search(
            r"\*(\d+) more changes left out to keep this summary within ([\d,]+) bytes", out
        )
        assert left and shown + int(left[1]) == 200, out


def test_max_bytes_is_for_the_markdown_summary(cli: CliRunner, repo: RepoBuilder) -> None:
    code, _, err = invoke(
        cli, "changes", "--root", str(repo.root), "--since", "HEAD", "--max-bytes", "9000"
    )
    assert code == 2 and "--max-bytes bounds the Markdown summary only; add --format md" in err
    code, _, err = invoke(cli, "changes", "--since", "HEAD", "--max-bytes", "-3")
    assert code == 2 and "is not a number of bytes" in err
    code, _, err = invoke(cli, "changes", "--since", "HEAD", "-f", "md", "--max-bytes", "1023")
    assert code == 2 and "give 0 (no bound) or at least 1,024" in err


def test_a_summary_file_that_cannot_be_read_back_is_still_written_to(
    cli: CliRunner, repo: RepoBuilder, github_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file open for writing only (mode 0200, as a runner may make it): its last byte cannot
    be read, so the table is appended as it is, not refused with a misleading error."""
    github_env.write_text("before\n", encoding="utf-8")
    opened = Path.open

    def write_only(self: Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        if self == github_env and "r" in mode:
            raise PermissionError(13, "Permission denied")
        return opened(self, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", write_only)
    code, _, err = invoke(cli, "validate", "--root", str(repo.root), "--as-of", AS_OF.isoformat())
    monkeypatch.undo()
    assert code == 0 and "cannot write the summary" not in err, err
    assert github_env.read_text(encoding="utf-8").startswith("before\n### psstrat validate:")
