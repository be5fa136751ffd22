"""`psstrat fmt [--check] [PATH...]`: every file in one canonical layout, comments kept."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from psstrat.cli.options import RootOption, fail, resolve_root
from psstrat.errors import PsstratError


def command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files or folders to format (default: psstrat.yaml and everything under data/).",
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
    root: RootOption = None,
) -> None:
    """Put files in the one layout: keys in the reference's order, ISO dates, quotes only where
    needed, a blank line between work elements and between milestones; comments kept, values
    never changed. A file that does not parse is reported and left as it is."""
    from psstrat.english import count
    from psstrat.fmt import format_repository
    from psstrat.safefiles import write_atomically
    from psstrat.safetext import visible

    try:
        top = resolve_root(root)
        results = format_repository(top, paths or [])
        changed = [r for r in results if r.changed]
        if not check:
            for result in changed:
                assert result.after is not None
                write_atomically(top / result.rel, result.after)
    except PsstratError as exc:
        fail(exc)
    for result in results:
        if result.problem is not None:
            location = result.problem.location
            print(
                visible(
                    f"{location.path}:{location.line}:{location.column}: "
                    f"{result.problem.message}; {result.problem.help}"
                )
            )
        elif result.changed and check:
            for line in _diff(result.rel, result.before, result.after or ""):
                print(visible(line))
        elif result.changed:
            print(f"formatted {visible(result.rel)}")
    problems = sum(1 for r in results if r.problem is not None)
    unchanged = len(results) - len(changed) - problems
    verb = "would be reformatted" if check else "formatted"
    summary = f"{count(len(changed), 'file')} {verb}, {unchanged} already formatted"
    if problems:
        summary += f", {count(problems, 'file')} not formatted (see above)"
    if check and changed:
        summary += "; run `psstrat fmt` to apply"
    print(summary, file=sys.stderr)
    if problems or (check and changed):
        raise typer.Exit(1)


def _diff(rel: str, before: str, after: str) -> list[str]:
    import difflib

    lines = difflib.unified_diff(
        before.splitlines(), after.splitlines(), f"a/{rel}", f"b/{rel}", lineterm=""
    )
    return list(lines)
