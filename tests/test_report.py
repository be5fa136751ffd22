"""`psstrat report`: the committee paper, its security boundary, its bytes."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from psstrat.errors import PsstratError
from psstrat.provenance import Source
from psstrat.report.context import build_context
from psstrat.report.render import render
from psstrat.report.scope import Paper
from psstrat.repository import load_repository
from psstrat.schedule import Quarter
from tests.conftest import RepoBuilder, call, invoke

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
CANARY = "CANARY-7f3a9c"
S1 = "data/strands/S1.yaml"
Q3 = Quarter(2004, 3)


@pytest.fixture
def marked(repo: RepoBuilder) -> RepoBuilder:
    """The fixture with the canary in an official-sensitive risk, strand, work element,
    update and SIA issue, and official content around each."""
    repo.edit(
        "data/risks/R0001.yaml",
        "title: Information leakage",
        f"title: Information leakage {CANARY} risk",
    )
    repo.write(
        "data/strands/S2.yaml",
        f"""\
        id: S2
        title: Covert tactics {CANARY} strand
        lead: lead-a
        marking: official-sensitive
        work_elements:
          - id: S2.1
            title: Tactics group
            lead: lead-a
            status: on-track
            updates:
              - date: 2004-11-01
                text: Nested text {CANARY} inside a withheld strand.
        """,
    )
    repo.edit(
        S1,
        "    updates:\n      - date: 2004-12-01\n        text: Code agreed by the committee.\n",
        "    updates:\n      - date: 2004-12-01\n        text: Code agreed by the committee.\n"
        f"      - date: 2004-12-02\n        text: Source {CANARY} update.\n"
        "        marking: official-sensitive\n"
        "  - id: S1.2\n"
        f"    title: Surveillance {CANARY} element\n"
        "    lead: lead-a\n    status: on-track\n    marking: official-sensitive\n"
        "    updates:\n      - date: 2004-12-03\n        text: Element note.\n",
    )
    repo.edit(
        "data/sia/SIA-2004.yaml",
        "    progress:\n",
        "    progress:\n      - date: 2004-11-15\n        text: Open progress note.\n",
    )
    repo.write(
        "data/sia/SIA-2004.yaml",
        repo.read("data/sia/SIA-2004.yaml")
        + f"  - id: SIA-2004.2\n    title: Informant {CANARY} issue\n    risks: [R0001]\n"
        "    marking: official-sensitive\n",
    )
    return repo


def report(repo: RepoBuilder, fmt: str, session: str = "open", strand: str | None = None) -> str:
    loaded = load_repository(repo.root)
    context = build_context(loaded, Paper(Q3, dt.date(2004, 12, 31), session, strand))
    return render(context, fmt, repo.root)


def test_fixture_with_canary_is_valid(marked: RepoBuilder) -> None:
    assert [d.code for d in marked.diagnostics()] == []


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_canary_never_reaches_an_open_session_report(marked: RepoBuilder, fmt: str) -> None:
    open_text = report(marked, fmt, "open")
    closed_text = report(marked, fmt, "closed")
    assert CANARY not in open_text
    for where in ("risk", "strand", "inside a withheld strand", "element", "update", "issue"):
        assert f"{CANARY} {where}" in closed_text
    assert "OFFICIAL-SENSITIVE" not in open_text
    assert "OFFICIAL-SENSITIVE" in closed_text
    # The open report says what is withheld, by kind, counting only the outermost item.
    assert (
        "One SIA issue, one risk, one strand, one update and one work element are marked above "
        "this session's level" in open_text
    )
    assert "5 items marked above open session are withheld" in open_text
    assert "(s)" not in open_text
    # The official content around each withheld item is still there.
    for text in ("Code agreed by the committee", "Open progress note", "Information leakage"):
        assert text in open_text


def test_canary_never_reaches_an_open_strand_report(marked: RepoBuilder) -> None:
    for fmt in ("md", "html"):
        assert CANARY not in report(marked, fmt, "open", strand="S1")
        assert CANARY in report(marked, fmt, "closed", strand="S1")


def test_open_report_withholds_the_risk_from_the_heat_map(marked: RepoBuilder) -> None:
    loaded = load_repository(marked.root)
    open_ctx = build_context(loaded, Paper(Q3, dt.date(2004, 12, 31), "open"))
    closed_ctx = build_context(loaded, Paper(Q3, dt.date(2004, 12, 31), "closed"))
    assert sum(c.count for c in open_ctx.register.heat) == 0
    assert sum(c.count for c in closed_ctx.register.heat) == 1
    assert open_ctx.sias[0].issues[0].risks == ()  # the withheld risk's id is not shown
    assert closed_ctx.sias[0].issues[0].risks == ("R0001",)


def test_report_marking_is_the_highest_included(repo: RepoBuilder) -> None:
    assert report(repo, "md", "open").startswith("**OFFICIAL**\n")
    assert report(repo, "md", "closed").startswith("**OFFICIAL-SENSITIVE**\n")
    assert report(repo, "md", "closed").rstrip().endswith("**OFFICIAL-SENSITIVE**")
    repo.edit("data/risks/R0001.yaml", "marking: official-sensitive", "marking: official")
    assert report(repo, "md", "closed").startswith("**OFFICIAL**\n")


def test_strategy_above_the_session_withholds_everything(repo: RepoBuilder) -> None:
    repo.edit("data/strategy.yaml", "title: Test Strategy", f"title: Test {CANARY} Strategy")
    repo.edit("data/strategy.yaml", "marking: official", "marking: official-sensitive")
    repo.write("data/meetings.yaml", "meetings: []\n")
    repo.edit("data/strategy.yaml", "status: agreed", f"status: agreed\nreports_to: {CANARY}")
    for fmt in ("md", "html"):
        text = report(repo, fmt, "open")
        assert CANARY not in text
        assert "No strand can be shown in this session." in text
        assert "One strategy is marked above" in text and "Security of information" not in text
        assert CANARY in report(repo, fmt, "closed")


def test_strand_report_on_a_withheld_strand_is_refused_as_if_absent(
    marked: RepoBuilder,
) -> None:
    with pytest.raises(PsstratError) as withheld:
        report(marked, "md", "open", strand="S2")
    assert CANARY not in str(withheld.value)
    (marked.root / "data/strands/S2.yaml").unlink()
    with pytest.raises(PsstratError) as deleted:
        report(marked, "md", "open", strand="S2")
    assert str(withheld.value) == str(deleted.value)
    assert "S1" in str(deleted.value)


def test_markup_in_data_is_shown_not_obeyed(repo: RepoBuilder) -> None:
    evil = '<script>alert("x")</script> *bold* [link](http://example.org) & more'
    repo.edit(S1, "title: Code agreed", f"title: '{evil}'")
    html = report(repo, "html")
    assert "<script>" not in html and '&lt;script&gt;alert("x")&lt;/script&gt;' in html
    assert "&amp; more" in html
    md = report(repo, "md")
    assert "<script>" not in md and "[link]" not in md
    assert r"\<script\>alert(\"x\")" not in md  # quotes need no escaping
    assert r"\<script\>" in md and r"\*bold\*" in md and r"\[link\]" in md


def test_html_is_self_contained(repo: RepoBuilder) -> None:
    html = report(repo, "html")
    assert "<script" not in html
    for fetch in ("<link", "@import", "src=", "url("):
        assert fetch not in html
    assert html.count("<svg") == 2  # heat map and milestone timeline
    assert '<title id="heat-title">' in html and '<th scope="col">' in html
    assert '@top-center { content: "OFFICIAL"' in html


def test_same_inputs_same_bytes(marked: RepoBuilder) -> None:
    for fmt in ("md", "html"):
        assert report(marked, fmt) == report(marked, fmt)


def test_meeting_and_sections(repo: RepoBuilder) -> None:
    md = report(repo, "md")
    assert "| Report | 7 |" in md and "| Date | 13 January 2005 |" in md
    sections = [
        "## Summary",
        "## A. Recommendations",
        "## B. Supporting information",
        "### Progress by strand",
        "### Strategic Intelligence Assessments",
        "### Risk register",
        "## C. Equality and diversity implications",
        "## D. Financial implications",
        "## E. Background papers",
        "## F. Contact details",
    ]
    positions = [md.index(s) for s in sections]
    assert positions == sorted(positions)


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("PSSTRAT_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {name}; run with PSSTRAT_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden file; if the change is intended, rerun with "
        "PSSTRAT_UPDATE_GOLDEN=1 and review the diff"
    )


@pytest.mark.parametrize(
    ("name", "session", "strand", "fmt"),
    [
        ("data-2004-Q3-open.md", "open", None, "md"),
        ("data-2004-Q3-closed.md", "closed", None, "md"),
        ("data-2004-Q3-S4-open.md", "open", "S4", "md"),
        ("data-2004-Q3-open.html", "open", None, "html"),
    ],
)
def test_golden_reports_of_shipped_data(
    name: str, session: str, strand: str | None, fmt: str
) -> None:
    repo = load_repository(ROOT)
    context = build_context(
        repo, Paper(Q3, dt.date(2004, 12, 31), session, strand), Source("GOLDEN", False)
    )
    _golden(name, render(context, fmt, ROOT))


def test_golden_report_of_fixture(marked: RepoBuilder) -> None:
    _golden("fixture-2004-Q3-closed.md", report(marked, "md", "closed"))


# -- the command line ------------------------------------------------------------------------


def run(cli: CliRunner, repo: RepoBuilder, *args: str) -> tuple[int, str, str]:
    return invoke(cli, "report", "--root", str(repo.root), *args)


@pytest.mark.parametrize("quarter", ["2004-Q3", "2004q3", "2004/05-Q3"])
def test_quarter_forms_on_the_command_line(cli: CliRunner, repo: RepoBuilder, quarter: str) -> None:
    code, out, _ = run(cli, repo, "--quarter", quarter)
    assert code == 0 and "Q3 2004/05" in out


def test_bad_quarter_exits_2_saying_what_is_accepted(cli: CliRunner, repo: RepoBuilder) -> None:
    code, out, err = run(cli, repo, "--quarter", "autumn")
    assert (code, out) == (2, "")
    assert "write it as 2004-Q3, 2004Q3 or 2004/05-Q3" in err


def test_output_file_format_from_extension(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path
) -> None:
    out = tmp_path / "paper.html"
    code, stdout, err = run(cli, repo, "--quarter", "2004-Q3", "-o", str(out))
    assert code == 0 and stdout == ""
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert "wrote" in err and oct(out.stat().st_mode & 0o777) != "0o600"
    assert run(cli, repo, "--quarter", "2004-Q3", "-o", str(tmp_path / "a.txt"))[0] == 2
    code, _, err = run(cli, repo, "-q", "2004-Q3", "-o", str(tmp_path / "a.md"), "-f", "html")
    assert code == 2 and "does not match" in err
    code, _, err = run(cli, repo, "-q", "2004-Q3", "-o", str(tmp_path / "no" / "a.md"))
    assert code == 2 and "does not exist" in err


@pytest.mark.parametrize(
    ("args", "start"),
    [([], "**OFFICIAL**\n\n# "), (["-f", "html"], "<!DOCTYPE html>"), (["-f", "docx"], "PK")],
)
def test_output_dash_is_stdout(
    cli: CliRunner,
    repo: RepoBuilder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    start: str,
) -> None:
    """Regression: `report -o -` wrote a file named `-`. It is stdout, in --format (md by
    default); a binary format only when stdout is not a terminal, as without -o."""
    monkeypatch.chdir(tmp_path)
    result = call(cli, ["report", "--root", str(repo.root), "-q", "2004-Q3", "-o", "-", *args])
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(start.encode()) and result.stderr == ""
    assert list(tmp_path.iterdir()) == [repo.root]  # no file named -
    code, _, err = run(cli, repo, "-q", "2004-Q3", "-o", str(tmp_path))
    assert code == 2 and f"{tmp_path} is a folder; give a file name" in err
    code, _, err = run(cli, repo, "-q", "2004-Q3", "-o", "./-", "-f", "md")
    assert code == 0 and (tmp_path / "-").read_text().startswith("**OFFICIAL**")  # by name


def test_refuses_to_render_with_errors(cli: CliRunner, repo: RepoBuilder) -> None:
    repo.edit(S1, "id: S1.1.M2", "id: S1.1.M1")
    code, out, err = run(cli, repo, "--quarter", "2004-Q3")
    assert (code, out) == (1, "")
    assert "error[duplicate-id]" in err and "--allow-errors" in err
    code, out, _ = run(cli, repo, "--quarter", "2004-Q3", "--allow-errors")
    assert code == 0 and "progress report, Q3 2004/05" in out


def test_as_of_defaults_to_quarter_end_or_today(
    cli: CliRunner, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psstrat.cli.report as command

    monkeypatch.setattr(command, "today", lambda: dt.date(2026, 1, 1))
    assert "as at 31 December 2004" in run(cli, repo, "--quarter", "2004-Q3")[1]
    monkeypatch.setattr(command, "today", lambda: dt.date(2004, 12, 15))
    assert "as at 15 December 2004" in run(cli, repo, "--quarter", "2004-Q3")[1]


def test_repository_template_overrides_packaged_one(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path
) -> None:
    repo.write("templates/_strand.md.j2", "STRAND {{ s.id }} FROM THE REPOSITORY\n")
    _, out, _ = run(cli, repo, "--quarter", "2004-Q3")
    assert "STRAND S1 FROM THE REPOSITORY" in out and "## F. Contact details" in out
    one_off = tmp_path / "brief.md.j2"
    one_off.write_text("{{ r.title }} / {{ r.marking }}\n")
    _, out, _ = run(cli, repo, "--quarter", "2004-Q3", "--template", str(one_off))
    assert out == "Test Strategy: progress report, Q3 2004/05 / OFFICIAL\n"


def test_template_errors_exit_2(cli: CliRunner, repo: RepoBuilder, tmp_path: Path) -> None:
    bad = tmp_path / "bad.md.j2"
    bad.write_text("{{ r.no_such_field }}\n")
    code, _, err = run(cli, repo, "--quarter", "2004-Q3", "--template", str(bad))
    assert code == 2 and "no_such_field" in err
    bad.write_text("{% for %}\n")
    code, _, err = run(cli, repo, "--quarter", "2004-Q3", "--template", str(bad))
    assert code == 2 and "bad.md.j2:1" in err
    bad.write_text("{{ r.__class__.__mro__ }}\n")  # the sandbox refuses
    code, _, err = run(cli, repo, "--quarter", "2004-Q3", "--template", str(bad))
    assert code == 2 and "Traceback" not in err


def test_template_not_utf8_exits_2(cli: CliRunner, repo: RepoBuilder, tmp_path: Path) -> None:
    bad = tmp_path / "latin.md.j2"
    bad.write_bytes(b"\xff\xfe{{ r.title }}")
    code, out, err = run(cli, repo, "--quarter", "2004-Q3", "--template", str(bad))
    assert (code, out) == (2, "")
    assert "latin.md.j2 is not UTF-8" in err


def test_unwritable_output_exits_2(cli: CliRunner, repo: RepoBuilder) -> None:
    code, _, err = run(cli, repo, "--quarter", "2004-Q3", "-o", "/proc/psstrat-report.md")
    assert code == 2
    assert err.startswith("psstrat: error: cannot write /proc/psstrat-report.md")


def test_unknown_strand_exits_2(cli: CliRunner, repo: RepoBuilder) -> None:
    code, _, err = run(cli, repo, "--quarter", "2004-Q3", "--strand", "S11")
    assert code == 2 and "did you mean `S1`" in err


def test_provenance_names_the_commit(cli: CliRunner, repo: RepoBuilder) -> None:
    _, out, _ = run(cli, repo, "--quarter", "2004-Q3")
    assert "from a source with no commit (not a git checkout)" in out

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(repo.root), *args], check=True, capture_output=True, text=True
        ).stdout.strip()

    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "data")
    commit = git("rev-parse", "HEAD")
    _, out, _ = run(cli, repo, "--quarter", "2004-Q3")
    assert f"source commit {commit}." in out
    repo.edit(S1, "Code agreed by the committee.", "Code agreed.")
    _, out, _ = run(cli, repo, "--quarter", "2004-Q3")
    assert f"source commit {commit} + uncommitted changes." in out


@pytest.mark.parametrize("ignored", [False, True])
def test_untracked_or_ignored_data_counts_as_uncommitted(
    cli: CliRunner, repo: RepoBuilder, ignored: bool
) -> None:
    """Regression: a gitignored or untracked data file was rendered while provenance said the
    commit was clean."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(repo.root), *args], check=True, capture_output=True, text=True
        ).stdout.strip()

    git("init", "-q")
    if ignored:
        repo.write(".gitignore", "data/strands/S9.yaml\n")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "data")
    commit = git("rev-parse", "HEAD")
    repo.write("data/strands/S9.yaml", "id: S9\ntitle: Not in any commit\n")
    _, out, _ = run(cli, repo, "--quarter", "2004-Q3", "--allow-errors")
    assert "Not in any commit" in out
    assert f"source commit {commit} + uncommitted changes." in out


def test_missing_git_is_said_as_such(
    cli: CliRunner, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(repo.root / "no-such-bin"))
    _, out, _ = run(cli, repo, "--quarter", "2004-Q3")
    assert "from a source with no commit (git is not available)" in out
