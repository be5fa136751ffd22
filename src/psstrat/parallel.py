"""Work spread over forked worker processes that never outlive psstrat nor hold its output.

A caller that reads psstrat's output until it ends (a CI step, `$(psstrat ...)`, a pipe)
waits for every process holding the write end of its pipe. Forked workers inherit stdout and
stderr, and a worker whose parent was killed waited on its task queue for ever: a SIGTERM
mid-parse left them running and the caller hanging. So each worker points its stdin, stdout
and stderr at /dev/null as it starts and asks Linux to kill it when psstrat dies
(PR_SET_PDEATHSIG: a SIGKILL of psstrat takes the workers with it too); and while they run, a
SIGTERM (or Ctrl-C) kills them and ends psstrat at once, with status 143 (130), quietly.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from psstrat.progress import abandon

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

_EXIT: dict[int, int] = {signal.SIGTERM: 128 + signal.SIGTERM, signal.SIGINT: 128 + signal.SIGINT}
"""The status after each signal, as a shell reports a process the signal ended."""
_PR_SET_PDEATHSIG = 1


def ordered_map(
    function: Callable[[T], R], items: Sequence[T], workers: int, chunksize: int
) -> Iterator[R]:
    """``map(function, items)``, computed by ``workers`` forked processes (Linux); the
    results are the same and in the same order. Where workers cannot run (no semaphores, as
    in some containers) or one dies (killed for memory), the rest is computed here.

    ``function`` must be a module-level function (workers find it by name)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # Forked (the workers start with psstrat already imported), all at once before the
    # executor starts its thread.
    done = 0
    try:
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )
        try:
            with _ended_by_signals(pool):
                for result in pool.map(function, items, chunksize=chunksize):
                    yield result
                    done += 1
        except BaseException:
            _kill(pool)  # the caller stopped reading, or failed: nothing more to compute
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    except (OSError, BrokenProcessPool):
        yield from map(function, items[done:])


def _start_worker(parent: int) -> None:
    """In each worker, first: hold nothing of the caller's, and die with psstrat."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not psstrat's handler, inherited
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: psstrat's
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    if sys.platform == "linux":
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # psstrat died before the request took effect
        os._exit(1)


@contextlib.contextmanager
def _ended_by_signals(pool: ProcessPoolExecutor) -> Iterator[None]:
    """While the workers run, SIGTERM and SIGINT kill them and end psstrat there and then.

    Not by raising SystemExit from the handler: unwinding from wherever the signal lands can
    be swallowed (in an at-fork hook while the pool starts, the parse then went on to the
    end) or leave the pool's thread blocked on a lock the main thread held, so the exit hung
    (measured: 3 runs in 25). Nothing needs unwinding: psstrat has written nothing yet while
    it parses (files are written and output printed after loading)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals are handled in the main thread only
        return

    def ended(signum: int, frame: Any) -> None:
        _kill(pool, reap=False)
        abandon()  # the progress line erased, the cursor shown: the terminal left usable
        if signum == signal.SIGINT:
            os.write(2, b"\n")  # as after Ctrl-C anywhere else
        os._exit(_EXIT[signum])

    previous = {number: signal.signal(number, ended) for number in _EXIT}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _kill(pool: ProcessPoolExecutor, reap: bool = True) -> None:
    """Kill the pool's workers (they hold nothing that needs cleaning up), and reap them."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, TypeError):
            os.kill(process.pid, signal.SIGKILL)
    for process in processes if reap else ():
        with contextlib.suppress(OSError, ValueError, AssertionError):
            process.join(timeout=5)
