"""The open-session boundary and untrusted input: a regression test for each defect found by
reading psstrat as a hostile pull-request author and as a clerk would (issue 7)."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from psstrat.errors import PsstratError
from psstrat.report import render as render_module
from psstrat.report.context import build_context
from psstrat.report.render import render
from psstrat.report.scope import Paper
from psstrat.repository import load_repository
from psstrat.safefiles import write_atomically
from psstrat.schedule import Quarter
from tests.conftest import RepoBuilder, invoke

ROOT = Path(__file__).resolve().parents[1]
S1 = "data/strands/S1.yaml"
R1 = "data/risks/R0001.yaml"
CANARY = "CANARY-9d1e"
Q3 = ["--quarter", "2004-Q3"]


def psstrat(*args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    """psstrat as a user runs it: its own process, through the real entry point."""
    return subprocess.run(
        [sys.executable, "-m", "psstrat", *args],
        capture_output=True,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )


# -- non-interference on the shipped data -------------------------------------------------------


def test_a_strand_is_rated_from_the_work_elements_the_session_sees(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    """S1's open work element is on track; a withheld S1.2 is off track. The open report
    said RED."""
    repo.write(
        S1,
        repo.read(S1) + "  - id: S1.2\n    title: Covert work\n    lead: lead-a\n"
        "    status: off-track\n    marking: official-sensitive\n",
    )
    args = ["report", "--root", str(repo.root), *Q3, "--allow-errors"]
    _, out, _ = invoke(cli, *args)
    assert "#### S1 Security of information: GREEN" in out
    _, closed, _ = invoke(cli, *args, "--session", "closed")
    assert "#### S1 Security of information: RED" in closed


def test_withheld_element_does_not_link_risks_into_a_strand_report(repo: RepoBuilder) -> None:
    """A withheld work element's `risks:` pulled open risks into the strand report."""
    repo.edit(R1, "marking: official-sensitive\n", "")
    repo.edit(R1, "strands: [S1, S1.1]", "strands: []")
    repo.edit(S1, "    risks: [R0001]\n", "")
    repo.edit(
        S1,
        "work_elements:\n",
        "work_elements:\n  - id: S1.9\n    title: Hidden\n    marking: official-sensitive\n"
        "    risks: [R0001]\n",
    )
    loaded = load_repository(repo.root)
    day = dt.date(2004, 12, 31)
    open_ctx = build_context(loaded, Paper(Quarter(2004, 3), day, "open", "S1"))
    closed_ctx = build_context(loaded, Paper(Quarter(2004, 3), day, "closed", "S1"))
    assert open_ctx.register.live == 0
    assert closed_ctx.register.live == 1


# -- templates confined and bounded ---------------------------------------------------------------


def _report(cli: CliRunner, repo: RepoBuilder, *args: str) -> tuple[int, str, str]:
    return invoke(cli, "report", "--root", str(repo.root), *Q3, *args)


def test_template_cannot_include_a_data_file(cli: CliRunner, repo: RepoBuilder) -> None:
    repo.edit(R1, "title: Information leakage", f"title: {CANARY}")
    template = repo.write("custom.md.j2", '{% include "data/risks/R0001.yaml" %}\n')
    code, out, err = _report(cli, repo, "--template", str(template))
    assert (code, out) == (2, "")
    assert "data/risks/R0001.yaml is not in templates/" in err and CANARY not in err


@pytest.mark.parametrize("target", ["../data/risks/R0001.yaml", "/proc/self/environ"])
def test_template_symlinked_out_of_its_folder_is_refused(
    cli: CliRunner, repo: RepoBuilder, target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSSTRAT_SECRET", CANARY)
    repo.edit(R1, "title: Information leakage", f"title: {CANARY}")
    (repo.root / "templates").mkdir()
    (repo.root / "templates" / "report.md.j2").symlink_to(target)
    code, out, err = _report(cli, repo, "--session", "closed")
    assert (code, out) == (2, "")
    assert "template report.md.j2 leads outside its folder templates/" in err
    assert CANARY not in err


def test_symlinked_template_folder_is_refused(cli: CliRunner, repo: RepoBuilder) -> None:
    (repo.root / "elsewhere").mkdir()
    (repo.root / "templates").symlink_to(repo.root / "elsewhere")
    code, _, err = _report(cli, repo)
    assert code == 2 and "templates/ is a symbolic link" in err


def test_template_may_extend_the_packaged_one(cli: CliRunner, repo: RepoBuilder) -> None:
    template = repo.write(
        "mine.md.j2", '{% extends "report.md.j2" %}\n{% block nothing %}{% endblock %}\n'
    )
    code, out, _ = _report(cli, repo, "--template", str(template))
    assert code == 0 and "## A. Recommendations" in out


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("{{ 9 ** 999999999 }}", "is too large to compute"),
        ("{{ (10 ** 10 ** 10) ** (10 ** 10 ** 10) }}", "is too large to compute"),
        ("{{ 'x' * 100000000 }}", "builds more than 1 million items"),
        (
            "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
            "rendering took more than 1 s",
        ),
    ],
)
def test_runaway_template_is_stopped(
    cli: CliRunner, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch, body: str, says: str
) -> None:
    monkeypatch.setattr(render_module, "RENDER_SECONDS", 1.0)
    template = repo.write("runaway.md.j2", f"line one\n{body}\n")
    code, out, err = _report(cli, repo, "--template", str(template))
    assert (code, out) == (2, "")
    assert f"template {template}:2: " in err and says in err


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("{{ 1 / 0 }}", "division by zero"),
        ("{{ r.no_such_field }}", "has no attribute 'no_such_field'"),
        ("{{ r.__class__.__mro__ }}", "unsafe"),
        ("{% if %}", "Expected an expression"),
    ],
)
def test_failing_template_names_file_and_line(
    cli: CliRunner, repo: RepoBuilder, body: str, says: str
) -> None:
    (repo.root / "templates").mkdir()
    repo.write("templates/_strand.md.j2", f"ok\n\n{body}\n")
    code, out, err = _report(cli, repo)
    assert (code, out) == (2, "")
    assert "template _strand.md.j2:3" in err and says in err
    assert "Traceback" not in err


# -- untrusted text cannot forge output ---------------------------------------------------------

FORGED = "x\\n::error file=README.md::forged"


def test_validate_text_output_cannot_start_a_workflow_command(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    repo.edit(S1, "title: Code agreed", f'title: "{FORGED}\\e[2J"')
    repo.edit(S1, "lead: lead-a", 'lead: "x\\n::error file=README.md::forged"')  # quoted back
    for fmt in ("text", "github"):
        code, out, _ = invoke(cli, "validate", "--root", str(repo.root), "--format", fmt)
        assert code == 1
        assert "control-character" in out
        for line in out.splitlines():
            assert not line.startswith("::error file=README.md")
        assert "\x1b" not in out and "\\n::error file=README.md::forged" in out


def test_markdown_report_has_no_heading_from_data(cli: CliRunner, repo: RepoBuilder) -> None:
    repo.edit(S1, "title: Code agreed", 'title: "Done\\r# HEADING one\\u2028# HEADING two"')
    repo.edit(S1, "text: Code agreed by the committee.", 'text: "ok\\u2029## HEADING three"')
    code, out, _ = _report(cli, repo, "--allow-errors")
    assert code == 0
    assert not any(line.lstrip().startswith("#") and "HEADING" in line for line in out.splitlines())
    assert "- S1.1.M1 Done # HEADING one # HEADING two: completed" in out  # mid-line: text


def test_terminal_tables_never_emit_escape_sequences(cli: CliRunner, repo: RepoBuilder) -> None:
    repo.edit(S1, "        completed: 2004-11-13\n", "")
    repo.edit(S1, "title: Code agreed", 'title: "Code \\e[31magreed\\u202e"')
    args = ["--root", str(repo.root), "--as-of", "2004-12-31", "--allow-errors"]
    for command in ("overdue", "status"):
        code, out, _ = invoke(cli, command, *args)
        assert code == 0
        assert "\x1b" not in out and "\u202e" not in out
    assert "\\x1b[31magreed" in invoke(cli, "overdue", *args)[1]


def test_csv_cells_are_never_formulas(cli: CliRunner, repo: RepoBuilder) -> None:
    repo.edit(S1, "        completed: 2004-11-13\n", "")
    repo.edit(S1, "title: Code agreed", 'title: \'=HYPERLINK("http://evil", "x")\'')
    args = ["overdue", "--root", str(repo.root), "--as-of", "2004-12-31", "-f", "csv"]
    _, out, _ = invoke(cli, *args)
    assert "'=HYPERLINK" in out and ",31," in out  # the number is left as it is


# -- only regular files inside the repository -----------------------------------------------------


def test_fifo_is_reported_not_opened(repo: RepoBuilder) -> None:
    os.mkfifo(repo.root / "data/risks/R0002.yaml")
    result = psstrat("validate", "--root", str(repo.root), "--as-of", "2004-12-31")
    assert result.returncode == 1
    assert b"data/risks/R0002.yaml: error[unsafe-path]" in result.stdout
    assert b"FIFO" in result.stdout


def test_symlink_out_of_the_repository_is_never_read_or_named(
    repo: RepoBuilder, tmp_path: Path, cli: CliRunner
) -> None:
    outside = tmp_path / "outside-secret.yaml"
    outside.write_text(f"id: R0002\ntitle: {CANARY}\n")
    (repo.root / "data/risks/R0002.yaml").symlink_to(outside)
    code, out, _ = invoke(cli, "validate", "--root", str(repo.root), "--as-of", "2004-12-31")
    assert code == 1 and "error[unsafe-path]" in out
    assert CANARY not in out and "outside-secret" not in out


def test_symlinked_folder_is_a_problem_not_a_gap(repo: RepoBuilder, cli: CliRunner) -> None:
    (repo.root / "more-risks").mkdir()
    (repo.root / "data/risks/old").symlink_to(repo.root / "more-risks")
    code, out, _ = invoke(cli, "validate", "--root", str(repo.root), "--as-of", "2004-12-31")
    assert code == 1 and "data/risks/old is a symbolic link to a folder" in out


def test_unreadable_folder_is_a_problem_not_a_gap(
    repo: RepoBuilder, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_scandir = os.scandir

    def scandir(path: Path) -> object:
        if Path(path).name == "risks":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)  # root reads anything, so chmod cannot show it
    code, out, _ = invoke(cli, "validate", "--root", str(repo.root), "--as-of", "2004-12-31")
    assert code == 1
    assert "data/risks: error[unsafe-path] folder data/risks/ cannot be read" in out


def test_settings_fifo_is_refused(repo: RepoBuilder) -> None:
    os.mkfifo(repo.root / "psstrat.yaml")
    result = psstrat("validate", "--root", str(repo.root))
    assert result.returncode == 2 and b"psstrat.yaml is not a regular file" in result.stderr


# -- reports written safely -----------------------------------------------------------------------


def test_output_keeps_an_existing_files_mode(cli: CliRunner, repo: RepoBuilder) -> None:
    target = repo.root / "closed.md"
    target.write_text("old")
    target.chmod(0o600)
    code, _, _ = _report(cli, repo, "--session", "closed", "-o", str(target))
    assert code == 0 and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "OFFICIAL-SENSITIVE" in target.read_text()


def test_new_closed_report_is_private_and_open_one_is_not(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    closed, opened = repo.root / "closed.html", repo.root / "open.html"
    assert _report(cli, repo, "--session", "closed", "-o", str(closed))[0] == 0
    assert _report(cli, repo, "-o", str(opened))[0] == 0
    assert stat.S_IMODE(closed.stat().st_mode) == 0o600
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(opened.stat().st_mode) == 0o666 & ~umask


def test_output_that_is_not_a_regular_file_is_refused(cli: CliRunner, repo: RepoBuilder) -> None:
    fifo = repo.root / "pipe.md"
    os.mkfifo(fifo)
    code, _, err = _report(cli, repo, "-o", str(fifo))
    assert code == 2 and "it is not a regular file" in err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    link = repo.root / "link.md"
    link.symlink_to(repo.root / "target.md")
    code, _, err = _report(cli, repo, "-o", str(link))
    assert code == 2 and "it is a symbolic link" in err and link.is_symlink()


def test_interrupted_write_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen_modes = []

    def interrupted(fd: int, mode: int) -> None:
        seen_modes.append(stat.S_IMODE(os.fstat(fd).st_mode))
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fchmod", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(tmp_path / "closed.md", "CLOSED CONTENT", private=True)
    assert seen_modes == [0o600]  # the temp file was private while it held the text
    assert list(tmp_path.iterdir()) == []


# -- one error boundary ---------------------------------------------------------------------------


def test_output_is_utf8_whatever_the_locale(repo: RepoBuilder) -> None:
    repo.edit(S1, "title: Code agreed", "title: Code agréé → done")
    result = psstrat(
        "report", "--root", str(repo.root), *Q3, PYTHONIOENCODING="latin-1", LC_ALL="C"
    )
    assert result.returncode == 0, result.stderr
    assert "Code agréé → done" in result.stdout.decode("utf-8")


def test_closed_pipe_exits_quietly_with_the_commands_status(repo: RepoBuilder) -> None:
    command = [sys.executable, "-m", "psstrat", "report", "--root", str(repo.root), *Q3]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.read(10)
        proc.stdout.close()
        err = proc.stderr.read()
        assert proc.wait(timeout=60) == 0
    assert err == b""


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["report", "--quarter", "9999-Q4"], "`9999-Q4` is out of range"),
        (["overdue", "--within", "3000000"], "`3000000` is not a number of days"),
        (["status", "--as-of", "0001-01-01"], "`0001-01-01` is out of range"),
        (["report", "-q", "2004-Q3", "--as-of", "9999-12-31"], "`9999-12-31` is out of range"),
    ],
)
def test_absurd_dates_and_numbers_are_exit_2(args: list[str], says: str) -> None:
    result = psstrat(*args, "--root", str(ROOT))
    assert result.returncode == 2
    assert says in result.stderr.decode()
    assert b"Traceback" not in result.stderr


def test_a_bug_is_exit_3_with_one_line(monkeypatch: pytest.MonkeyPatch, capsys: object) -> None:
    from psstrat.cli import run
    from psstrat.commands import status

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something impossible")

    monkeypatch.setattr(status, "build_status", broken)
    monkeypatch.delenv("PSSTRAT_DEBUG", raising=False)
    assert run(["status", "--root", str(ROOT), "--as-of", "2004-12-31"]) == 3
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert err.count("\n") == 1 and "internal error: RuntimeError: something impossible" in err
    monkeypatch.setenv("PSSTRAT_DEBUG", "1")
    assert run(["status", "--root", str(ROOT), "--as-of", "2004-12-31"]) == 3
    assert "Traceback" in capsys.readouterr().err  # type: ignore[attr-defined]


def test_open_above_closed_is_a_settings_error(repo: RepoBuilder, cli: CliRunner) -> None:
    repo.write("psstrat.yaml", "open_session_max: secret\n")
    code, _, err = invoke(cli, "validate", "--root", str(repo.root))
    assert code == 2 and "open_session_max `secret` is above closed_session_max" in err


# -- --session on status and overdue ------------------------------------------------------------


@pytest.fixture
def sensitive(repo: RepoBuilder) -> RepoBuilder:
    """An official-sensitive strand with an overdue milestone and a canary title."""
    repo.write(
        "data/strands/S2.yaml",
        f"""\
        id: S2
        title: Covert {CANARY}
        lead: lead-a
        marking: official-sensitive
        work_elements:
          - id: S2.1
            title: Tactics {CANARY}
            lead: lead-a
            status: on-track
            updates: [{{date: 2004-12-01, text: Going well.}}]
            milestones:
              - id: S2.1.M1
                title: Covert milestone {CANARY}
                due: 2004-12-01
        """,
    )
    return repo


@pytest.mark.parametrize("command", ["status", "overdue"])
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_session_gate_on_status_and_overdue(
    sensitive: RepoBuilder, cli: CliRunner, command: str, fmt: str
) -> None:
    if command == "overdue" and fmt == "text":
        fmt = "table"
    args = [command, "--root", str(sensitive.root), "--as-of", "2004-12-31", "-f", fmt]
    code, open_out, _ = invoke(cli, *args, "--session", "open")
    assert code == 0 and CANARY not in open_out and "S2" not in open_out.replace("S2.", "")
    assert invoke(cli, *args)[1] == open_out  # the default: fail closed
    code, all_out, _ = invoke(cli, *args, "--session", "all")  # asked for: labelled
    assert code == 0
    assert CANARY in all_out or (command, fmt) == ("status", "text")  # it shows no strand titles
    assert "official-sensitive" in all_out.lower()
    code, _, err = invoke(cli, command, "--root", str(sensitive.root), "--session", "secret")
    assert code == 2 and "secret" in err


def test_status_open_says_how_much_is_withheld(sensitive: RepoBuilder, cli: CliRunner) -> None:
    args = ["status", "--root", str(sensitive.root), "--as-of", "2004-12-31", "--session", "open"]
    _, out, _ = invoke(cli, *args)
    assert "Withheld, marked above the open session: 2 items (risk: 1, strand: 1)." in out


def test_render_refuses_a_template_that_is_not_a_file(repo: RepoBuilder) -> None:
    context = build_context(
        load_repository(repo.root), Paper(Quarter(2004, 3), dt.date(2004, 12, 31))
    )
    os.mkfifo(repo.root / "t.j2")
    with pytest.raises(PsstratError, match="is not a regular file"):
        render(context, "md", repo.root, repo.root / "t.j2")


def test_ctrl_c_exits_130_without_a_traceback(repo: RepoBuilder) -> None:
    import signal
    import time

    template = repo.write("slow.md.j2", "{% for i in range(99999) %}{{ i }}{% endfor %}" * 50)
    command = [sys.executable, "-m", "psstrat", "report", "--root", str(repo.root), *Q3]
    with subprocess.Popen(
        [*command, "--template", str(template), "-o", str(repo.root / "out.md")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # A shell's background jobs ignore SIGINT; a user's terminal does not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    ) as proc:
        time.sleep(1.5)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and b"Traceback" not in err
    assert not [p for p in repo.root.iterdir() if p.name.startswith(".out.md")]
