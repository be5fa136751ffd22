"""The command line: parse options, call one domain function, present, exit.

`run` is the one error boundary: commands raise, and it decides the exit status: 0 success, 1
findings (a command's own verdict, or a psstrat.errors.Refused), 2 the command could not run (a
PsstratError, a bad option, a date or number out of range), 130 interrupted (Ctrl-C), 3 a bug
in psstrat (one line asking for a report; the traceback only with PSSTRAT_DEBUG=1). Output is
UTF-8 whatever the locale, and a closed pipe (`psstrat validate | head -1`) ends the output
quietly while the command still exits with its own status. Heavy imports happen inside the
commands, so `psstrat --version` stays fast.
"""

from __future__ import annotations

import io
import os
import sys

BUG = 3
INTERRUPTED = 130


def main() -> None:
    _utf8_streams()
    sys.exit(run(sys.argv[1:]))


def run(args: list[str]) -> int:
    """Run the command line on ``args`` and return the exit status; never raises.

    Typer (in standalone mode) turns bad options into a usage message and exit 2, Ctrl-C into
    130 and a command's typer.Exit into its status, all as SystemExit; everything else is
    turned into a status here.
    """
    if args == ["--version"]:  # the one answer that needs no command line parser
        from psstrat import describe

        print(describe())
        return 0
    from psstrat.errors import PsstratError
    from psstrat.safetext import inert, visible

    try:
        from psstrat.cli.app import for_args
        from psstrat.cli.policy import showing_progress

        args = _optional_values(args)
        with showing_progress():
            for_args(args)(args, prog_name="psstrat")
        return 0
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    except PsstratError as exc:
        _report(exc)
        return exc.status
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return INTERRUPTED
    except (OverflowError, MemoryError) as exc:
        what = "a date or number is out of range" if isinstance(exc, OverflowError) else "too large"
        print(
            inert(
                f"psstrat: error: {what} ({visible(str(exc))}); use dates between 1900 and "
                "9998 and numbers of a sensible size"
            ),
            file=sys.stderr,
        )
        return 2
    except Exception as exc:
        if os.environ.get("PSSTRAT_DEBUG") == "1":
            import traceback

            traceback.print_exc()
        print(
            inert(
                f"psstrat: internal error: {type(exc).__name__}: {visible(str(exc))}. This is "
                "a bug in psstrat; please report it with the command you ran (set "
                "PSSTRAT_DEBUG=1 to see the traceback)"
            ),
            file=sys.stderr,
        )
        return BUG


def _report(exc: Exception) -> None:
    """A PsstratError on stderr: the command's warnings and the problems it refused, then one
    line (the message may quote the data: shown `visible` and `inert`). (Typed Exception so
    that `psstrat --version` imports nothing to define it.)"""
    from psstrat.errors import PsstratError, Refused
    from psstrat.safetext import inert, visible

    assert isinstance(exc, PsstratError)
    for note in exc.notes:
        print(inert(f"psstrat: warning: {visible(note)}"), file=sys.stderr)
    if isinstance(exc, Refused) and exc.diagnostics:
        from psstrat.output.validate import text

        sys.stderr.write(text(exc.diagnostics))
    print(inert(f"psstrat: error: {visible(str(exc))}"), file=sys.stderr)


OPTIONAL_VALUES = {"--explain": "all"}
"""Options whose value may be left out, and what it then is: `psstrat validate --explain`
lists the rules, as `--explain all` does (the CLI library has no optional option values)."""


def _optional_values(args: list[str]) -> list[str]:
    out = []
    for i, arg in enumerate(args):
        out.append(arg)
        following = args[i + 1] if i + 1 < len(args) else None
        if arg in OPTIONAL_VALUES and (following is None or following.startswith("-")):
            out.append(OPTIONAL_VALUES[arg])
    return out


class _QuietPipe(io.RawIOBase):
    """A file descriptor whose reader may go away: once the pipe is closed, what is written
    is dropped instead of raising BrokenPipeError at every later write and at exit."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.closed_by_reader = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return os.isatty(self.fd)

    def write(self, data: object) -> int:
        view = memoryview(data)  # type: ignore[arg-type]
        if not self.closed_by_reader:
            try:
                written = 0
                while written < len(view):
                    written += os.write(self.fd, view[written:])
            except BrokenPipeError:
                self.closed_by_reader = True
        return len(view)


def _utf8_streams() -> None:
    """stdout and stderr as UTF-8 (PYTHONIOENCODING or a C locale would make them ASCII or
    Latin-1, and a title with "é" would crash the output), quiet on a closed pipe."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        try:
            fd = stream.fileno()
        except (AttributeError, OSError, ValueError):
            continue  # not a real file (an embedding host); leave it
        stream.flush()
        raw = _QuietPipe(fd)
        tty = raw.isatty()
        wrapper = io.TextIOWrapper(
            io.BufferedWriter(raw),
            encoding="utf-8",
            errors="backslashreplace",
            newline="\n",
            line_buffering=tty or name == "stderr",
            write_through=name == "stderr",
        )
        setattr(sys, name, wrapper)
