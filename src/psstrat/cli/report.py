"""`psstrat report`: render the committee's progress report for a quarter."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from psstrat.cli.options import AllowErrorsOption, ReportAsOfOption, RootOption, choice_option
from psstrat.cli.policy import resolve_root, today, warn
from psstrat.errors import PsstratError
from psstrat.report.paper import EXTENSIONS, FORMATS
from psstrat.sessions import PAPER_SESSIONS, Session

if TYPE_CHECKING:
    from psstrat.report.views import AnyContext

NAMES = {"md": "Markdown", "html": "HTML", "pdf": "PDF", "docx": "Word"}
"""Each format as the progress display names it."""

STDOUT = "-"
"""`-o -`: standard output, as for most command-line tools (never a file named `-`)."""


def command(
    quarter: Annotated[
        str | None,
        typer.Option(
            "--quarter",
            "-q",
            help="The quarter's paper: 2004-Q3, 2004Q3 or 2004/05-Q3.",
            show_default=False,
        ),
    ] = None,
    meeting: Annotated[
        str | None,
        typer.Option(
            "--meeting",
            "-m",
            metavar="YYYY-MM-DD",
            help="A paper this meeting took (data/meetings.yaml), instead of a quarter's.",
            show_default=False,
        ),
    ] = None,
    paper: Annotated[
        str | None,
        typer.Option(
            "--paper",
            metavar="N",
            help="Which of the meeting's papers: its report number, or its title.",
            show_default=False,
        ),
    ] = None,
    root: RootOption = None,
    as_of: ReportAsOfOption = None,
    session: Annotated[
        Session,
        choice_option(
            "--session",
            values=PAPER_SESSIONS,
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
        str | None,
        choice_option(
            "--format",
            "-f",
            values=FORMATS,
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
        typer.Option(
            "--template",
            metavar="FILE",
            help="Render with this template instead: a Jinja file for md and html, a .docx for "
            "Word, a Typst .typ file for PDF.",
        ),
    ] = None,
    allow_errors: AllowErrorsOption = False,
    appendix: Annotated[
        str | None,
        choice_option(
            "--appendix",
            values=("register",),
            what="an appendix",
            help="register: end the paper with the whole risk register in scope.",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="REF|YYYY-MM-DD|last-meeting",
            help="What the section 'Changes since the last report' compares with (default, "
            "and last-meeting: the paper for the meeting before this paper's, as at its date).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Render a committee paper through the templates: a quarter's progress report
    (--quarter), or a paper a meeting took (--meeting)."""
    from psstrat.commands.report import PaperRequest, gather, gather_meeting
    from psstrat.progress import waiting
    from psstrat.report.paper import make, make_meeting_paper
    from psstrat.safefiles import write_atomically

    if (quarter is None) == (meeting is None):
        raise PsstratError(
            "name one paper: pass --quarter YYYY-QN for a quarter's progress report, or "
            "--meeting YYYY-MM-DD for a paper a meeting took"
        )
    if paper is not None and meeting is None:
        raise PsstratError("--paper chooses among a meeting's papers: pass --meeting too")
    target = None if output in (None, STDOUT) else Path(output)  # `-o ./-` is a file named -
    fmt = _format(format, target)
    request = PaperRequest(
        root=resolve_root(root),
        quarter=quarter,
        meeting=_meeting_date(meeting),
        paper=paper,
        appendix=appendix == "register",
        session=session.value,
        fmt=fmt,
        today=today(),
        as_of=as_of,
        strand=strand,
        template=template,
        allow_errors=allow_errors,
        since=since,
    )
    context: AnyContext
    said: list[str] = []
    making = waiting(f"Making the {NAMES.get(fmt, fmt)} paper")
    if request.meeting is not None:
        found = gather_meeting(request)
        warn(found.notes)
        with making:
            context, made = make_meeting_paper(found, said)
    else:
        data = gather(request)
        warn(data.notes)
        with making:
            context, made = make(data, said)
    warn(said)
    if target is None:
        _to_stdout(made, fmt)
    else:
        write_atomically(target, made, private=context.above_open)
        print(f"wrote {target} ({context.marking}, {session.value} session)", file=sys.stderr)


def _meeting_date(text: str | None) -> dt.date | None:
    """`--meeting`'s date, or a one-line error saying how to write it."""
    if text is None:
        return None
    from psstrat.isodate import parse_iso

    try:
        day = parse_iso(text.strip())
    except ValueError:
        day = None
    if day is None:
        raise PsstratError(
            f"--meeting `{text}` is not a date; write it as YYYY-MM-DD, e.g. 2004-01-12"
        )
    return day


def _format(format: str | None, output: Path | None) -> str:
    if output is not None and output.is_dir():
        raise PsstratError(f"{output} is a folder; give a file name, e.g. {output / 'report.md'}")
    suffix = output.suffix.lower().lstrip(".") if output else ""
    by_extension = EXTENSIONS.get(suffix)
    if output is not None and by_extension is None and format is None:
        raise PsstratError(
            f"cannot tell the format from {output.name}; name it .md, .html, .pdf or .docx, "
            "or pass --format"
        )
    if format is not None and by_extension is not None and format != by_extension:
        raise PsstratError(f"--format {format} does not match {output}; use a .{format} file name")
    return format if format is not None else by_extension or "md"


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
