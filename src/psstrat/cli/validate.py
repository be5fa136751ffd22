"""`psstrat validate`: check every file; exit 1 when there are errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from psstrat.cli.options import AsOfOption, RootOption, choice_option, format_option
from psstrat.cli.policy import resolve_root, today, warn
from psstrat.diagnostics import Diagnostic, Severity
from psstrat.errors import PsstratError
from psstrat.output.validate import FORMATS, Extras

AUTO = "auto"
"""github inside GitHub Actions, else text."""


def command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files of the strategy (as pre-commit passes them): only to find the "
            "strategy repository when --root is not given; the whole repository is checked.",
            show_default=False,
        ),
    ] = None,
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
    summary: Annotated[
        str,
        typer.Option(
            "--summary",
            metavar="auto|off|FILE",
            help="Append every problem, as a Markdown table, to FILE; auto (the default): to "
            "the job summary ($GITHUB_STEP_SUMMARY) inside GitHub Actions with the github "
            "format. Cut at a row to stay within GitHub's 1 MiB (what FILE holds counts), with a "
            "line counting the rest.",
        ),
    ] = AUTO,
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
    if quiet:
        from psstrat.progress import hide

        hide()  # --quiet: no progress display either
    where = resolve_root(root, paths or [])
    result = validate(where, as_of or today())
    shown = [
        d
        for d in result.diagnostics
        if severity is Severity.WARNING or d.severity is Severity.ERROR
    ]
    seen = as_seen_from(shown, where, _base(fmt, where))
    target = _summary_file(summary, fmt)
    written = target is not None and _append_summary(target, seen, result.summary)
    extras = Extras(_sources(where, shown, seen) if fmt == "sarif" else {}, written)
    sys.stdout.write(FORMATS[fmt](seen, extras))
    if not quiet:
        print(result.summary, file=sys.stdout if fmt == "text" else sys.stderr)
    if fmt == "github":
        _step_outputs(result.diagnostics)
    if result.failed(strict):
        raise typer.Exit(1)


def _step_outputs(found: list[Diagnostic]) -> None:
    """In GitHub Actions ($GITHUB_OUTPUT), how many errors and warnings the whole repository
    has, as the step's outputs (the action's `errors` and `warnings`): numbers only."""
    target = os.environ.get("GITHUB_OUTPUT")
    if not target:
        return
    errors = sum(1 for d in found if d.severity is Severity.ERROR)
    try:
        with Path(target).open("a", encoding="utf-8") as out:
            out.write(f"errors={errors}\nwarnings={len(found) - errors}\n")
    except OSError as exc:
        raise PsstratError(
            f"cannot write the step's outputs to $GITHUB_OUTPUT ({exc.strerror}); unset it "
            "outside GitHub Actions"
        ) from None


def _base(fmt: str, root: Path) -> Path:
    """Where paths are shown from: the current directory (as ruff and yamllint print them);
    for GitHub annotations, the checkout's top ($GITHUB_WORKSPACE, else git's work tree), so
    an annotation lands on the right file from any --root."""
    if fmt not in ("github", "sarif"):
        return Path.cwd()
    from psstrat.provenance import work_tree_top

    workspace = os.environ.get("GITHUB_WORKSPACE")
    return Path(workspace) if workspace else work_tree_top(root) or Path.cwd()


def _summary_file(summary: str, fmt: str) -> Path | None:
    """Where the table of problems goes: FILE, or with `auto` the job summary inside GitHub
    Actions when the problems are printed as annotations; None for none."""
    if summary == "off":
        return None
    if summary != AUTO:
        return Path(summary)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    return Path(step_summary) if step_summary and in_actions and fmt == "github" else None


def _append_summary(target: Path, diagnostics: list[Diagnostic], heading: str) -> bool:
    """Append the table to ``target``, within what GitHub takes of the step's summary file
    (what the file holds already counts); False, with a warning, when not even the table's
    title and its count of the problems left out fit in the room left, and nothing is
    written."""
    from psstrat.errors import PsstratError
    from psstrat.output.summary import SUMMARY_LIMIT, budget
    from psstrat.output.validate import summary
    from psstrat.safetext import visible

    try:
        already = target.stat().st_size if target.exists() else 0
        lead = "\n" if already and not _ends_in_newline(target) else ""
        room = budget(already + len(lead))
        table = summary(diagnostics, heading, room)
        if len(table.encode("utf-8")) > room:
            warn(
                [
                    f"the summary {target} already holds {already:,} bytes, leaving too little "
                    f"of the {SUMMARY_LIMIT:,} psstrat writes within GitHub's 1 MiB for the "
                    "table of problems, which is left out; the log lists every problem"
                ]
            )
            return False
        with target.open("a", encoding="utf-8", newline="\n") as out:
            out.write(lead + table)
    except OSError as exc:
        raise PsstratError(
            f"cannot write the summary to {visible(str(target))} ({exc.strerror}); give "
            "--summary a file that can be written, or --summary off"
        ) from None
    return True


def _ends_in_newline(target: Path) -> bool:
    """Whether the file's last byte is a line break, so a table appended starts on a line of
    its own (a step before may have written a line without one); True when it cannot be
    read back (a file open for writing only, a device), as then nothing is added."""
    try:
        with target.open("rb") as existing:
            existing.seek(-1, 2)
            return existing.read(1) == b"\n"
    except OSError:
        return True


def _sources(
    root: Path, shown: list[Diagnostic], seen: list[Diagnostic]
) -> dict[str, tuple[str, ...]]:
    """The lines of the files the problems are in, by the paths the problems show."""
    from psstrat.commands.validate import source_lines

    lines = source_lines(root, (d.path for d in shown if d.line))
    return {
        new.path: lines[old.path] for old, new in zip(shown, seen, strict=True) if old.path in lines
    }


def _explain(code: str) -> None:
    from psstrat.commands.explain import explain_topic

    print(explain_topic(code), end="")
