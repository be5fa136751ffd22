"""A paper engine (Typst for the PDF) run in a child process, bounded as a whole.

Layout engines are large native code driven by untrusted input: a hostile template can make
one run for minutes (12,000 pages), take gigabytes, recurse until Python gives up (5,000
nested `div`s), divide by zero (`font-size: 1e30px`) or crash outright. None of that may take
psstrat down with a traceback or hang CI. So the engine runs in its own process, bytes in and
bytes out, with a wall-clock limit (the parent kills it on expiry), an address-space and a
CPU-time limit set in the child before the engine is imported, and a page limit; whatever goes
wrong in it is one line, exit 2, naming the template. The wrapper knows nothing of Typst: an
engine is a function from bytes and a page limit to bytes (ENGINES), so each engine
(Typst, the HTML cleaning) is bounded the same way.

    main([NAME, SECONDS, BYTES, PAGES]) in `python -P`, input on stdin, output on stdout

The child exits 0 with the output on stdout, MISSING when the engine cannot be imported, or
FAILED with one line on stderr saying why; each warning it has for the user is a line of
its own on stderr (WARNING).
"""

from __future__ import annotations

import dataclasses
import importlib
import signal
import subprocess
import sys
from pathlib import Path

from psstrat.errors import PsstratError

PDF_SECONDS = 180.0
"""The longest the PDF may take to lay out and write. The 10,000-risk benchmark paper with its
whole register as an appendix (210 pages) takes about 2 s in Typst on the project's machine;
the limit is for a runaway template on a slow runner, not for any real paper."""
PDF_MEMORY = 3 * 1024**3
"""The address space the PDF engine's process may map: the benchmark paper with its appendix
peaks at 340 MiB resident (565 MiB with the whole register as a table); 3 GiB stays well
inside a 7 GiB CI runner."""
PDF_PAGES = 1_000
"""The most pages a PDF paper may have: about 5 times the benchmark's 210 (a real
directorate's paper is a few dozen). The pages are counted when the compiler is done."""

CLEAN_MEMORY = 2 * 1024**3
"""The address space the HTML cleaning's process may map (the 10,000-risk paper's needs
well under 100 MiB; 64 MiB of tiny nested tags would need gigabytes)."""

RESERVE = 16 * 1024 * 1024
"""Memory the child holds until it runs out, so that it can still say so."""

FAILED = 2
MISSING = 4
REFUSED = 5


class EngineMissing(Exception):
    """The engine (or a system library it needs) cannot be loaded."""


class Refused(Exception):
    """The input is refused: the message is what follows `template NAME: ` for the user."""


class PageLimit(Exception):
    def __init__(self, pages: int) -> None:
        super().__init__(f"the paper passed {pages:,} pages")


ENGINES = {
    "typst": "psstrat.report.pdf:typst_pdf",
    "clean-html": "psstrat.report.safehtml:clean_bytes",
}
"""Each engine: a function from bytes and a page limit to bytes, named so that only the
child process imports it."""
WHAT = {"typst": "the PDF engine", "clean-html": "the HTML cleaning"}


@dataclasses.dataclass(frozen=True)
class Limits:
    seconds: float
    memory: int
    pages: int


def pdf_limits() -> Limits:
    """The PDF's limits, as this module sets them now (tests lower them)."""
    return Limits(PDF_SECONDS, PDF_MEMORY, PDF_PAGES)


def run(
    name: str,
    data: bytes,
    shown: str,
    limits: Limits | None = None,
    warnings: list[str] | None = None,
) -> bytes:
    """The engine's output for ``data``, or a PsstratError naming the template ``shown``
    (EngineMissing when the engine cannot be loaded at all); the engine's warnings, one line
    each, are added to ``warnings``."""
    bound = pdf_limits() if limits is None else limits
    # -P: nothing from the working directory (a strategy repository) is importable in the
    # child; psstrat's own folder goes last on its path, so it finds this psstrat without
    # shadowing anything else.
    here = str(Path(__file__).resolve().parents[2])
    start = f"import sys; sys.path.append({here!r}); from {__name__} import main; "
    command = [sys.executable, "-P", "-c", start + "sys.exit(main(sys.argv[1:]))", name]
    command += [f"{bound.seconds:g}", str(bound.memory), str(bound.pages)]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as child:
        try:
            out, err = child.communicate(data, timeout=bound.seconds)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise _failure(name, shown, f"stopped after {bound.seconds:g} s") from None
        except BaseException:  # Ctrl-C: the child goes too
            child.kill()
            raise
    said = err.decode("utf-8", "replace").splitlines()
    if warnings is not None:
        warnings.extend(line.removeprefix(WARNING) for line in said if line.startswith(WARNING))
    if child.returncode == 0:
        return out
    marked = [line.removeprefix(MARK) for line in said if line.startswith(MARK)]
    last = marked[-1] if marked else ""
    if child.returncode == MISSING:
        raise EngineMissing(last or name)
    if child.returncode == REFUSED and last:
        raise PsstratError(f"template {shown}: {last}")
    out_of_memory = ("MemoryError", "memory allocation of")  # Python's, and Rust's abort
    if child.returncode != FAILED and any(m in line for line in said for m in out_of_memory):
        last = f"ran out of memory (more than {bound.memory / 2**20:g} MiB)"
        raise _failure(name, shown, last)
    raise _failure(name, shown, _why(child.returncode, last, bound.seconds))


def _why(code: int, said: str, seconds: float) -> str:
    if code == FAILED and said:
        return said[:200]
    if code < 0:
        if -code == signal.SIGXCPU:
            return f"used more than {seconds:g} s of processor time"
        if -code == signal.SIGKILL:
            return "killed, most likely out of memory"
        return f"crashed with {signal.Signals(-code).name}"
    return f"exited with status {code}"


def _failure(name: str, shown: str, why: str) -> PsstratError:
    what = WHAT.get(name, name)
    return PsstratError(f"template {shown}: {what} failed ({why}); simplify the template")


def _limit(seconds: float, memory: int) -> None:
    """The child's own limits, set before the engine is imported: its address space, and its
    processor time (which stops it even if its parent has gone)."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def _die_with_parent() -> None:
    """The engine goes when psstrat goes, however it goes (SIGTERM, SIGKILL): it never runs on
    with gigabytes after the user stopped it (PR_SET_PDEATHSIG)."""
    import ctypes
    import os

    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # psstrat died before the request took effect
        os._exit(FAILED)


PR_SET_PDEATHSIG = 1

MARK = "psstrat-engine: "
"""Starts the child's one line for the parent, apart from anything else on its stderr."""


WARNING = "psstrat-engine-warning: "
"""Starts each line of the child's warnings for the user."""


def _say(message: str) -> None:
    print(f"\n{MARK}{message}", file=sys.stderr, flush=True)


def warn(message: str) -> None:
    """In the engine's process: a warning for the user, one line."""
    print(f"\n{WARNING}{' '.join(message.split())}", file=sys.stderr, flush=True)


def main(argv: list[str]) -> int:
    name, seconds, memory, pages = argv[0], float(argv[1]), int(argv[2]), int(argv[3])
    if sys.platform.startswith("linux"):  # elsewhere RLIMIT_AS is not enforced or not settable
        _die_with_parent()
        _limit(seconds, memory)
    data = sys.stdin.buffer.read()
    reserve = bytearray(RESERVE)
    module, _, function = ENGINES[name].partition(":")
    try:
        out = getattr(importlib.import_module(module), function)(data, pages)
    except MemoryError:
        del reserve  # room to say so
        _say(f"ran out of memory (more than {memory / 2**20:g} MiB)")
        return FAILED
    except EngineMissing as exc:
        _say(str(exc))
        return MISSING
    except Refused as exc:
        _say(str(exc))
        return REFUSED
    except Exception as exc:  # whatever the engine raises is the template's doing
        text = " ".join(str(exc).split())
        what = text if isinstance(exc, PageLimit) else f"{type(exc).__name__}: {text}"
        _say(what.rstrip(": ") or type(exc).__name__)
        return FAILED
    sys.stdout.buffer.write(out)
    sys.stdout.flush()
    return 0
