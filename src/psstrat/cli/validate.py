"""`psstrat validate`: check every file; exit 1 when there are errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from psstrat.cli.options import AsOfOption, RootOption, choice_option, format_option
from psstrat.cli.policy import resolve_root, today
from psstrat.diagnostics import Severity
from psstrat.output.validate import FORMATS

AUTO = "auto"
"""github inside GitHub Actions, else text."""


def command(
    root: RootOption = None,
    as_of: AsOfOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    format: Annotated[
        str,
        format_option(
            [AUTO, *FORMATS],
            "How to print problems: auto (github inside GitHub Actions, else text), text, "
            "json, github, or sarif (for GitHub code scanning).",
        ),
    ] = AUTO,
    severity: Annotated[
        Severity,
        choice_option(
            "--severity",
            values=Severity,
            what="a severity",
            help="Show problems of this severity and above: error hides the warnings (the exit "
            "status still counts them with --strict).",
        ),
    ] = Severity.WARNING,
    quiet: Annotated[
        bool, typer.Option("--quiet", help="Print the problems only, without the summary line.")
    ] = False,
    explain: Annotated[
        str | None,
        typer.Option(
            "--explain",
            metavar="[CODE]",
            help="Print what a rule (or a kind of file: strand, risk, ...) is about and how to "
            "fix it, then exit. Without a code it lists every rule.",
        ),
    ] = None,
) -> None:
    """Check every file against the format and the rules; print one line per problem."""
    if explain is not None:
        _explain(explain)
        return
    from psstrat.commands.validate import validate
    from psstrat.output.validate import as_seen_from

    fmt = format
    if format == AUTO:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    where = resolve_root(root)
    result = validate(where, as_of or today())
    shown = [
        d
        for d in result.diagnostics
        if severity is Severity.WARNING or d.severity is Severity.ERROR
    ]
    sys.stdout.write(FORMATS[fmt](as_seen_from(shown, where, _base(fmt, where))))
    if not quiet:
        print(result.summary, file=sys.stdout if fmt == "text" else sys.stderr)
    if result.failed(strict):
        raise typer.Exit(1)


def _base(fmt: str, root: Path) -> Path:
    """Where paths are shown from: the current directory (as ruff and yamllint print them);
    for GitHub annotations, the checkout's top ($GITHUB_WORKSPACE, else git's work tree), so
    an annotation lands on the right file from any --root."""
    if fmt not in ("github", "sarif"):
        return Path.cwd()
    from psstrat.provenance import work_tree_top

    workspace = os.environ.get("GITHUB_WORKSPACE")
    return Path(workspace) if workspace else work_tree_top(root) or Path.cwd()


def _explain(code: str) -> None:
    from psstrat.commands.explain import explain_topic

    print(explain_topic(code), end="")
