"""`psstrat fmt [--check] [PATH...]`: every file in one canonical layout, comments kept."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from psstrat.cli.options import RootOption
from psstrat.cli.policy import resolve_root


def command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files or folders to format (default: psstrat.yaml and everything under data/); "
            "`-` formats standard input to standard output (with --stdin-filename).",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Change nothing: print a unified diff of what would change, exit 1 if any.",
        ),
    ] = False,
    stdin_filename: Annotated[
        Path | None,
        typer.Option(
            "--stdin-filename",
            help="With `-`: the path the text on standard input is saved at (e.g. "
            "data/risks/R0001.yaml), which says what kind of file it is.",
            show_default=False,
        ),
    ] = None,
    root: RootOption = None,
) -> None:
    """Put files in the one layout: keys in the reference's order, ISO dates, quotes only where
    needed, a blank line between work elements and between milestones; comments kept in their
    places, values never changed. A file that does not parse, or whose comments cannot all
    be kept where they are, is reported (with its line) and left as it is; the others are
    formatted. `fmt - --stdin-filename PATH` is for an editor's format-on-save: the laid-out
    text on stdout (the text as it came, with the problem on stderr and exit 1, when it cannot
    be laid out; with --check, the diff instead)."""
    if paths == [Path(STDIN)]:
        _stream(stdin_filename, check, root)
        return
    if stdin_filename is not None or Path(STDIN) in (paths or []):
        raise typer.BadParameter(
            "`-` (standard input) is given alone, with --stdin-filename naming the file, "
            "e.g. `psstrat fmt - --stdin-filename data/risks/R0001.yaml < R0001.yaml`",
            param_hint="PATHS",
        )
    from psstrat.commands.fmt import format_repository
    from psstrat.output import fmt as present

    results = format_repository(resolve_root(root, paths or []), paths or [], write=not check)
    for line in present.lines(results, check):
        print(line)
    print(present.summary(results, check), file=sys.stderr)
    if any(r.problem is not None for r in results) or (check and any(r.changed for r in results)):
        raise typer.Exit(1)


STDIN = "-"
"""`fmt -`: standard input to standard output."""


def _stream(filename: Path | None, check: bool, root: Path | None) -> None:
    """Format standard input as ``filename`` of the repository, to standard output."""
    from psstrat.commands.fmt import format_stream
    from psstrat.errors import PsstratError
    from psstrat.output import fmt as present
    from psstrat.yamlio import MAX_BYTES

    if filename is None:
        raise typer.BadParameter(
            "`fmt -` needs --stdin-filename PATH, the path the text is saved at (e.g. "
            "data/risks/R0001.yaml), to know what kind of file it is",
            param_hint="--stdin-filename",
        )
    if sys.stdin is None:  # started with standard input closed (`<&-`)
        raise PsstratError(
            "`fmt -` reads the text from standard input, which is closed; pipe the file in, "
            "e.g. `psstrat fmt - --stdin-filename data/risks/R0001.yaml < R0001.yaml`"
        )
    if sys.stdout is None:  # started with standard output closed (`>&-`)
        raise PsstratError(
            "`fmt -` writes the laid-out text to standard output, which is closed; give it "
            "somewhere to go, e.g. `psstrat fmt - --stdin-filename R0001.yaml < a.yaml > b.yaml`"
        )
    raw = sys.stdin.buffer.read(MAX_BYTES + 1)
    result = format_stream(resolve_root(root, [filename]), filename, raw)
    problems = [line for line in present.lines([result], check) if result.problem is not None]
    if result.problem is not None:
        # An editor that takes stdout whatever keeps its text: all of it, so a buffer over
        # the limit is passed through (in chunks, never held whole) after the part read.
        # --check writes only what it finds, as for files.
        if not check:
            _pass_through(raw, len(raw) > MAX_BYTES)
        for line in problems:
            print(line, file=sys.stderr)
        raise typer.Exit(1)
    if check:
        for line in present.lines([result], check=True):
            print(line)
        if result.changed:
            raise typer.Exit(1)
        return
    assert result.after is not None
    sys.stdout.buffer.write(result.after.encode("utf-8"))


def _pass_through(raw: bytes, more: bool) -> None:
    """The text as it came back to stdout: ``raw``, then (``more``) the rest of stdin."""
    sys.stdout.buffer.write(raw)
    if more:
        import shutil

        shutil.copyfileobj(sys.stdin.buffer, sys.stdout.buffer)
