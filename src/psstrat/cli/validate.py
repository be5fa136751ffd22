"""`psstrat validate`: check every file; exit 1 when there are errors."""

from __future__ import annotations

import enum
import sys
from typing import Annotated

import typer

from psstrat.cli.options import AsOfOption, RootOption, fail, resolve_root, today
from psstrat.errors import PsstratError


class Format(enum.StrEnum):
    text = "text"
    json = "json"
    github = "github"


def command(
    root: RootOption = None,
    as_of: AsOfOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    format: Annotated[
        Format, typer.Option("--format", "-f", help="How to print problems.")
    ] = Format.text,
    explain: Annotated[
        str | None,
        typer.Option(
            "--explain",
            metavar="CODE",
            help="Print what a rule catches and how to "
            "fix it, then exit. `--explain all` lists every rule.",
        ),
    ] = None,
) -> None:
    """Check every file against the format and the rules; print one line per problem."""
    if explain is not None:
        _explain(explain)
        return
    from psstrat.output import FORMATTERS
    from psstrat.validate import validate

    try:
        result = validate(resolve_root(root), as_of or today())
    except PsstratError as exc:
        fail(exc)
    sys.stdout.write(FORMATTERS[format.value](result.diagnostics))
    summary_stream = sys.stdout if format is Format.text else sys.stderr
    print(result.summary, file=summary_stream)
    if result.failed(strict):
        raise typer.Exit(1)


def _explain(code: str) -> None:
    from psstrat.rules import explain

    try:
        print(explain(code), end="")
    except PsstratError as exc:
        fail(exc)
