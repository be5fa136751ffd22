"""`psstrat report`: render the committee's progress report for a quarter."""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from psstrat.cli.options import (
    AllowErrorsOption,
    ReportAsOfOption,
    RootOption,
    choice_option,
    fail,
    repository_at,
    require_clean,
    today,
)
from psstrat.errors import PsstratError

if TYPE_CHECKING:
    from psstrat.report.views import ChangesView
    from psstrat.schedule import Quarter


class Format(enum.StrEnum):
    md = "md"
    html = "html"
    pdf = "pdf"
    docx = "docx"


EXTENSIONS = {
    "md": "md",
    "markdown": "md",
    "html": "html",
    "htm": "html",
    "pdf": "pdf",
    "docx": "docx",
}


class Session(enum.StrEnum):
    open = "open"
    closed = "closed"


STDOUT = "-"
"""`-o -`: standard output, as for most command-line tools (never a file named `-`)."""


def command(
    quarter: Annotated[
        str,
        typer.Option(
            "--quarter",
            "-q",
            help="The quarter: 2004-Q3, 2004Q3 or 2004/05-Q3.",
            show_default=False,
        ),
    ],
    root: RootOption = None,
    as_of: ReportAsOfOption = None,
    session: Annotated[
        Session,
        choice_option(
            "--session",
            kind=Session,
            what="a session for a report",
            help="open leaves out anything marked above "
            "open_session_max; closed, above closed_session_max.",
        ),
    ] = Session.open,
    strand: Annotated[
        str | None,
        typer.Option("--strand", metavar="ID", help="The single-strand progress report, e.g. S4."),
    ] = None,
    format: Annotated[
        Format | None,
        choice_option(
            "--format",
            "-f",
            kind=Format,
            what="a report format",
            help="md, html, pdf or docx (default: from -o's extension, else md).",
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write here; - (the default) is stdout, in --format (md unless given).",
            show_default=False,
        ),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option("--template", metavar="FILE", help="Render with this template instead."),
    ] = None,
    allow_errors: AllowErrorsOption = False,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="REF|YYYY-MM-DD|last-meeting",
            help="What the section 'Changes since the last report' compares with (default: "
            "the last commit on or before the previous quarter's last day).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Render the committee progress report for a quarter through the Jinja templates."""
    from psstrat.report.context import build_context
    from psstrat.report.paper import produce
    from psstrat.report.scope import Paper
    from psstrat.report.source import paper_source
    from psstrat.safefiles import write_atomically
    from psstrat.schedule import Quarter

    target = None if output in (None, STDOUT) else Path(output)  # `-o ./-` is a file named -
    try:
        fmt = _format(format, target)
        repo = repository_at(root)
        where = repo.root
        q = Quarter.parse(quarter, repo.settings.year_start_month)
        day = as_of or q.as_at(today()).last
        judged = require_clean(repo, session.value, day, allow_errors)
        errors = len(judged.errors)
        source = paper_source(where, session.value, today())
        changes = _changes(where, q, since, session.value, strand)
        paper = Paper(q, day, session.value, strand)
        context = build_context(judged.view, paper, source, errors, changes)
        text = produce(context, fmt, where, template)
        if target is None:
            _to_stdout(text, fmt)
        else:
            write_atomically(target, text, private=context.above_open)
            print(f"wrote {target} ({context.marking}, {session.value} session)", file=sys.stderr)
    except PsstratError as exc:
        fail(exc)


def _changes(
    root: Path, quarter: Quarter, since: str | None, session: str, strand: str | None
) -> ChangesView:
    """The section on what changed since the last report; a note when git cannot say."""
    from psstrat.commands.changes import compare
    from psstrat.english import long_date
    from psstrat.report.context import changes_view
    from psstrat.snapshots import pair

    last = quarter.previous().last_day
    compared_with = f"the last report (as at {long_date(last)})" if since is None else since
    try:
        sides = pair(root, since or last.isoformat(), None, today(), session)
        found = compare(sides, session)
    except PsstratError as exc:
        if since is not None:
            raise  # what the user asked to compare with cannot be compared: say so, exit 2
        why = str(exc).split(";")[0]
        return changes_view(None, compared_with, f"Not compared with earlier data: {why}.", strand)
    return changes_view(found, compared_with, None, strand)


def _format(format: Format | None, output: Path | None) -> str:
    if output is not None and output.is_dir():
        raise PsstratError(f"{output} is a folder; give a file name, e.g. {output / 'report.md'}")
    suffix = output.suffix.lower().lstrip(".") if output else ""
    by_extension = EXTENSIONS.get(suffix)
    if output is not None and by_extension is None and format is None:
        raise PsstratError(
            f"cannot tell the format from {output.name}; name it .md, .html, .pdf or .docx, "
            "or pass --format"
        )
    if format is not None and by_extension is not None and format.value != by_extension:
        raise PsstratError(
            f"--format {format.value} does not match {output}; use a .{format.value} file name"
        )
    return format.value if format is not None else by_extension or "md"


def _to_stdout(paper: str | bytes, fmt: str) -> None:
    if isinstance(paper, str):
        sys.stdout.write(paper)
        return
    if sys.stdout.isatty():
        raise PsstratError(
            f"a {fmt.upper()} file is binary and would garble the terminal; write it with "
            f"-o report.{fmt}, or redirect the output to a file"
        )
    if os.environ.get("GITHUB_ACTIONS") == "true" and not _to_a_file():
        # Its bytes are not lines psstrat can make inert: the runner reads the log line by
        # line and would obey a `##[` in, say, the PDF's uncompressed title.
        raise PsstratError(
            f"a {fmt.upper()} file is binary; in GitHub Actions it goes to a file, never to "
            f"the step's log: write it with -o report.{fmt}, or redirect the output to a file"
        )
    sys.stdout.flush()
    sys.stdout.buffer.write(paper)
    sys.stdout.buffer.flush()


def _to_a_file() -> bool:
    """Whether stdout is redirected to a regular file."""
    import stat

    try:
        return stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):
        return False
