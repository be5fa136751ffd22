"""Two meetings of one body on the same day.

Catches: two meetings in data/meetings.yaml with the same `date` and the same body: the
meeting's `committee:`, or the file's `committee:` when it names none, compared ignoring case
and spacing (`Strategic  committee` is the Strategic Committee).

Why: papers, decisions and actions find their meeting by its date (`psstrat report --meeting
DATE`, `psstrat new paper --meeting DATE`); with two meetings of one body that day, which one
is meant is ambiguous, and `psstrat new` refuses to add to either. Meetings of different
bodies on one day are fine: `committee:` (and `--committee`) tells them apart.

Fix: make them one meeting (move the second one's papers, decisions and actions into the
first), correct the date that is wrong, or name the other body in its `committee:`.

Example, data/meetings.yaml:

    meetings:
      - date: 2025-07-15
      - date: 2025-07-15
        decisions:
          - text: The committee noted the report.

Fixed:

    meetings:
      - date: 2025-07-15
        decisions:
          - text: The committee noted the report.
"""

import datetime as dt
from collections.abc import Iterator

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Location, Severity
from psstrat.model.strategy import Meeting
from psstrat.rules._base import Rule, RuleContext


def body_key(body: str | None) -> str | None:
    """What makes two names one body: their words, ignoring case and spacing (None: no body
    named). `psstrat new` picks and refuses meetings by the same key."""
    return " ".join(body.split()).casefold() or None if body else None


def body_of(meeting: Meeting, committee: str | None) -> str | None:
    """The body that met: the meeting's `committee`, else the file's (blank is none)."""
    return (meeting.committee or "").strip() or (committee or "").strip() or None


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    if repo.meetings is None:
        return
    committee = repo.meetings.committee
    first: dict[tuple[dt.date, str | None], Location] = {}
    for meeting in repo.meetings.meetings:
        body = body_of(meeting, committee)
        here = repo.where(meeting, "date")
        there = first.setdefault((meeting.date, body_key(body)), here)
        if there is here:
            continue
        of = f" of {body}" if body else ""
        yield Finding(
            here,
            f"a second meeting{of} on {meeting.date} (the first is at "
            f"{there.path}:{there.line}:{there.column}): papers, decisions and actions find "
            "their meeting by its date",
            "make them one meeting, correct the date, or name the other body in `committee:`",
        )


RULE = Rule(Code.DUPLICATE_MEETING, Severity.ERROR, check, __doc__)
