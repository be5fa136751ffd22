"""The progress display (issue 24): long work is shown on a terminal's stderr, after a delay,
and erased when done; never in a pipe, in CI or with --quiet; stdout is never touched.

psstrat runs here as a user runs it, in its own process, with stderr on a real
pseudo-terminal (the pty module) and stdout on a pipe. PSSTRAT_PROGRESS_DELAY (documented in
docs/terminal.md) sets the delay: 0 shows even the shipped data's quick work.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOWN = "\x1b[?25l"
"""What the display writes first (the cursor hidden while the line is drawn)."""


def run_on_terminal(
    *args: str, env: dict[str, str] | None = None, terminal: bool = True
) -> tuple[int, bytes, bytes]:
    """psstrat ``args`` with stderr on a pseudo-terminal (or a pipe): (status, stdout,
    stderr as the terminal received it)."""
    import pty

    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}
    environ |= {"TERM": "xterm-256color", "COLUMNS": "100"}
    for name in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "PSSTRAT_PROGRESS_DELAY"):
        environ.pop(name, None)
    environ |= env or {}
    command = [sys.executable, "-m", "psstrat", *args]
    if not terminal:
        done = subprocess.run(command, capture_output=True, env=environ, cwd=ROOT, timeout=120)
        return done.returncode, done.stdout, done.stderr
    reader, writer = pty.openpty()
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=writer, env=environ, cwd=ROOT
    ) as child:
        os.close(writer)
        out: list[bytes] = []
        assert child.stdout is not None
        pipe = child.stdout
        drain = threading.Thread(target=lambda: out.append(pipe.read()))
        drain.start()
        err = b""
        while True:
            ready, _, _ = select.select([reader], [], [], 120)
            assert ready, "psstrat did not finish"
            try:
                chunk = os.read(reader, 65536)
            except OSError:  # the terminal's other end closed: psstrat has exited
                break
            if not chunk:
                break
            err += chunk
        os.close(reader)
        drain.join()
        code = child.wait(timeout=120)
    return code, out[0], err


def screen(output: bytes) -> list[str]:
    """The lines a terminal shows after ``output``: carriage returns, line feeds, erasing a
    line (ESC [2K), the cursor up (ESC [1A) and the cursor's visibility, as xterm does."""
    lines = [""]
    row = column = 0
    text = output.decode("utf-8").replace("\r\n", "\n")  # the pty's own line ending
    for token in re.findall(r"\x1b\[[0-9;?]*[A-Za-z]|.", text, flags=re.DOTALL):
        if token == "\r":
            column = 0
        elif token == "\n":
            row, column = row + 1, 0
            if row == len(lines):
                lines.append("")
        elif token == "\x1b[2K":
            lines[row] = ""
        elif token == "\x1b[1A":
            row = max(row - 1, 0)
        elif token.startswith("\x1b"):
            continue  # the cursor's visibility, colour
        else:
            line = lines[row].ljust(column)
            lines[row] = line[:column] + token + line[column + 1 :]
            column += 1
    return [line.rstrip() for line in lines]


def cursor_shown(output: bytes) -> bool:
    """Whether the cursor is visible at the end (hidden only while the line is drawn)."""
    text = output.decode("utf-8")
    return text.rfind("\x1b[?25h") >= text.rfind("\x1b[?25l")


VALIDATE = ("validate", "--as-of", "2004-12-31")


def test_loading_is_shown_on_the_terminal_and_erased() -> None:
    code, out, err = run_on_terminal(*VALIDATE, env={"PSSTRAT_PROGRESS_DELAY": "0"})
    assert code == 0, err
    assert re.search(rb"Reading the data files: (\d+) of \1 \(0 s\)", err), err
    assert not any(screen(err)), "the terminal is left as it was"
    assert cursor_shown(err)
    _, piped, _ = run_on_terminal(*VALIDATE, terminal=False)
    assert out == piped and out.endswith(b" files\n")  # stdout the same, byte for byte


def test_laying_out_a_pdf_is_shown_by_its_stage(tmp_path: Path) -> None:
    pytest.importorskip("typst", reason="the PDF needs the typst package (a psstrat dependency)")
    target = tmp_path / "report.pdf"
    args = ("report", "-q", "2004-Q3", "-o", str(target))
    code, out, err = run_on_terminal(*args, env={"PSSTRAT_PROGRESS_DELAY": "0"})
    assert code == 0, err
    said = err.decode("utf-8")
    assert "Making the PDF paper" in said and "Laying out the PDF with Typst" in said
    assert [line for line in screen(err) if line] == [f"wrote {target} (OFFICIAL, open session)"]
    assert cursor_shown(err) and out == b""
    assert target.read_bytes().startswith(b"%PDF")


def test_quick_work_shows_nothing() -> None:
    """Work done within the delay shows nothing: the default (a second) is longer than
    reading the shipped data takes, and making a paper (a longer delay: a slow machine)."""
    code, out, err = run_on_terminal(*VALIDATE)
    assert (code, err) == (0, b"") and out.endswith(b" files\n")
    delay = {"PSSTRAT_PROGRESS_DELAY": "30"}
    code, out, err = run_on_terminal("report", "-q", "2004-Q3", "-f", "docx", env=delay)
    assert (code, err) == (0, b"") and out.startswith(b"PK")


@pytest.mark.parametrize(
    "env",
    [
        {"CI": "true"},
        {"GITHUB_ACTIONS": "true"},
        {"TERM": "dumb"},
        {"PSSTRAT_PROGRESS_DELAY": "off"},
    ],
)
def test_never_in_ci_nor_when_turned_off(env: dict[str, str]) -> None:
    code, _, err = run_on_terminal(*VALIDATE, env={"PSSTRAT_PROGRESS_DELAY": "0", **env})
    assert code == 0 and b"Reading" not in err and SHOWN.encode() not in err


def test_never_when_stderr_is_not_a_terminal() -> None:
    code, _, err = run_on_terminal(
        *VALIDATE, "--format", "json", env={"PSSTRAT_PROGRESS_DELAY": "0"}, terminal=False
    )
    assert code == 0 and len(err.splitlines()) == 1 and err.endswith(b" files\n")  # the summary
    assert b"\x1b" not in err


def test_never_with_quiet() -> None:
    code, _, err = run_on_terminal(*VALIDATE, "--quiet", env={"PSSTRAT_PROGRESS_DELAY": "0"})
    assert (code, err) == (0, b"")


def test_a_delay_that_is_not_a_number_is_said_in_one_line() -> None:
    code, _, err = run_on_terminal(*VALIDATE, env={"PSSTRAT_PROGRESS_DELAY": "soon"})
    assert code == 2
    assert err.decode("utf-8").splitlines() == [
        "psstrat: error: PSSTRAT_PROGRESS_DELAY=`soon` is not a number of seconds; set it "
        "to, e.g., 1.5, to `off` for no progress display, or unset it"
    ]


def test_a_signal_mid_display_leaves_the_terminal_usable() -> None:
    """A SIGTERM while the loader's workers run ends psstrat at once (os._exit): the line is
    erased and the cursor shown first."""
    import pty

    from psstrat.output.progress import Progress
    from psstrat.progress import abandon, shown_by, stage

    reader, writer = pty.openpty()
    try:
        with os.fdopen(os.dup(writer), "w", encoding="utf-8") as stream:
            display = Progress(stream, delay=0)
            with shown_by(display), stage("Reading the data files", 2) as done:
                done(1)
                stream.flush()
                abandon()
                written = b""
                while select.select([reader], [], [], 1)[0]:
                    written += os.read(reader, 65536)
                assert b"Reading the data files: 1 of 2" in written
                assert written.endswith(b"\r\x1b[2K\x1b[?25h")
    finally:
        os.close(reader)
        os.close(writer)


@pytest.mark.skipif(sys.platform != "linux" or (os.cpu_count() or 1) < 2, reason="forked workers")
def test_sigterm_while_loading_leaves_the_terminal_clean(tmp_path: Path) -> None:
    """End to end: SIGTERM mid-load (the workers running) exits 143 with the line erased."""
    import pty
    import signal

    big = tmp_path / "big"
    generate = [sys.executable, str(ROOT / "benchmarks/generate.py"), str(big)]
    subprocess.run(
        [*generate, "--risks", "8000", "--strands", "5"], check=True, capture_output=True
    )
    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}
    environ |= {"TERM": "xterm-256color", "PSSTRAT_PROGRESS_DELAY": "0"}
    reader, writer = pty.openpty()
    command = [sys.executable, "-m", "psstrat", "validate", "--root", str(big)]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=writer, env=environ) as child:
        os.close(writer)
        err = b""
        while b"Reading the data files" not in err:
            assert select.select([reader], [], [], 60)[0], "no progress shown"
            err += os.read(reader, 65536)
        child.send_signal(signal.SIGTERM)
        while select.select([reader], [], [], 60)[0]:
            try:
                chunk = os.read(reader, 65536)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
        os.close(reader)
        assert child.wait(timeout=60) == 143
    assert not any(screen(err)) and cursor_shown(err)


def test_stages_nest_and_only_the_outermost_is_drawn() -> None:
    from psstrat.progress import Display, shown_by, stage, waiting

    said: list[tuple[str, ...]] = []

    class Recorder:
        def begin(self, what: str, total: int | None, animated: bool) -> None:
            said.append(("begin", what))

        def relabel(self, what: str, total: int | None) -> None:
            said.append(("now", what))

        def advance(self, done: int) -> None:
            said.append(("done", str(done)))

        def end(self) -> None:
            said.append(("end",))

        def abandon(self) -> None:
            said.append(("abandon",))

    recorder: Display = Recorder()
    with shown_by(recorder), waiting("Making the PDF paper"), stage("Laying out", 3) as done:
        done(3)
    with stage("Not shown", 1) as done:
        done(1)  # no display installed: nothing happens
    assert said == [
        ("begin", "Making the PDF paper"),
        ("now", "Laying out"),
        ("done", "3"),
        ("now", "Making the PDF paper"),
        ("end",),
    ]
