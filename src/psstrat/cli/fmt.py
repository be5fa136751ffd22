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
    needed, a blank line between work elements and between milestones; comments kept in their
    places, values never changed. A file that does not parse, or whose comments cannot all
    be kept where they are, is reported (with its line) and left as it is; the others are
    formatted."""
    from psstrat.commands.fmt import format_repository
    from psstrat.output import fmt as present

    results = format_repository(resolve_root(root), paths or [], write=not check)
    for line in present.lines(results, check):
        print(line)
    print(present.summary(results, check), file=sys.stderr)
    if any(r.problem is not None for r in results) or (check and any(r.changed for r in results)):
        raise typer.Exit(1)
