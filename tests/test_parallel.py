"""SIGTERM during the parallel parse: the workers go with psstrat and the caller's pipe closes
(issue 17, item 9). A caller waiting for the end of psstrat's output hung: killed mid-parse,
psstrat left its forked workers running, holding stdout open."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from psstrat import repository

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only"),
    pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: nothing runs in parallel"),
]


def _generated(tmp: Path, risks: int) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    generate(tmp, 4, 3, risks)
    return tmp


def _processes(where: int, field: int) -> set[int]:
    """The live processes (not zombies: a container's init may never reap them) whose
    parent (field 1 after the name in /proc/PID/stat) or process group (field 2) is
    ``where``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[field]) == where and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def _read_to_end(stream: IO[bytes], seconds: float) -> bytes | None:
    """Everything until end-of-file, or None if it has not come within ``seconds``."""
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(stream.read()), daemon=True)
    reader.start()
    reader.join(seconds)
    return got[0] if got else None


@contextlib.contextmanager
def _validating(root: Path, stderr: int) -> Iterator[tuple[subprocess.Popen[bytes], set[int]]]:
    """`psstrat validate` in a session of its own, once its parse workers have started;
    whatever is left of the session is killed afterwards, whatever the test found."""
    command = [sys.executable, "-m", "psstrat", "validate", "--root", str(root)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, start_new_session=True)
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 60
        while not workers and proc.poll() is None and time.monotonic() < deadline:
            workers = _processes(proc.pid, 1)
            time.sleep(0.002)
        assert workers, "no worker process was started"
        yield proc, workers
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def _nothing_left(session: int) -> bool:
    deadline = time.monotonic() + 5
    while _processes(session, 2) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _processes(session, 2)


@pytest.mark.parametrize(
    ("signum", "status", "said"),
    [(signal.SIGTERM, 143, b""), (signal.SIGINT, 130, b"\n")],
    ids=["SIGTERM", "Ctrl-C"],
)
def test_a_signal_mid_parse_stops_the_workers_and_closes_the_pipe(
    tmp_path: Path, signum: int, status: int, said: bytes
) -> None:
    root = _generated(tmp_path / "big", 3000)
    assert repository.PARALLEL_FROM < 3000
    with _validating(root, subprocess.PIPE) as (proc, _):
        assert proc.stdout is not None and proc.stderr is not None
        proc.send_signal(signum)
        assert _read_to_end(proc.stdout, 10) is not None, "stdout stayed open"
        assert _read_to_end(proc.stderr, 5) == said  # quietly: no traceback, no message
        assert proc.wait(timeout=10) == status
        assert _nothing_left(proc.pid), "a worker outlived psstrat"


def test_a_killed_psstrat_takes_its_workers_with_it(tmp_path: Path) -> None:
    """SIGKILL cannot be handled: the workers asked the kernel to end them with psstrat."""
    root = _generated(tmp_path / "big", 3000)
    with _validating(root, subprocess.DEVNULL) as (proc, _):
        assert proc.stdout is not None
        time.sleep(0.2)  # each worker has set itself up
        proc.kill()
        assert _read_to_end(proc.stdout, 10) is not None, "stdout stayed open"
        assert _nothing_left(proc.pid), "a worker outlived psstrat"
