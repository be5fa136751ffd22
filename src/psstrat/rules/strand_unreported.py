"""A strand has not been reported to the committee for too long.

Catches: a strand that no meeting of the committee's own (one that names no other
`committee`) dated on or before the as-of date has presented, in its `strands` or a paper's,
within the last `strand_report_months` months (default 12). A strand never reported counts
from the strategy's period start or the committee's first meeting, whichever is later, so
nothing is flagged until the committee has met for that long, and nothing after the period
ends. A meeting planned after the as-of date does not count
until it has been held, and a strand with none planned is not flagged for that alone; a
meeting of another body does not count at all. Without data/meetings.yaml (or when it does
not load) nothing is checked.

Why: the committee is told about each strand in turn ("the progress on individual strands
will be presented to the committee at separate meetings throughout the year"): a strand it
has not heard about for a year is not being held to account.

Fix: plan a paper on the strand at a coming meeting in data/meetings.yaml (a paper with
`strands: [S1]` under the meeting's `papers:`; `psstrat plan` lists what is planned). The
warning clears once that meeting has been held. A strategy that reports less often can set
`strand_report_months:` in psstrat.yaml.

Example (as of 2026-06-30), data/meetings.yaml:

    meetings:
      - date: 2025-05-01
        papers:
          - title: The strategy launched
            kind: strategy
            strands: []

Fixed:

    meetings:
      - date: 2025-05-01
        papers:
          - title: The strategy launched
            kind: strategy
            strands: []
      - date: 2026-06-16
        papers:
          - title: Progress on strand 1
            kind: strand
            strands: [S1]
            authors: [head-of-standards]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.model.strategy import MeetingsFile, Period
from psstrat.rules._base import Rule, RuleContext
from psstrat.schedule import is_the_committees


@dataclass(frozen=True)
class Reporting:
    """When the committee's own meetings take a strand, seen from a day."""

    last: dt.date | None
    """The last meeting on or before the day that presented it; None if none did."""
    next: dt.date | None
    """The first meeting after the day planned to present it; None if none is."""
    first: dt.date | None = None
    """The committee's first meeting on or before the day (any strand); None if none."""


def reporting(meetings: MeetingsFile, strand_id: str, day: dt.date) -> Reporting:
    """The strand's last report on or before ``day`` and its next one planned after it, at
    the committee's own meetings (`psstrat plan` shows the same dates)."""
    own = [m for m in meetings.meetings if is_the_committees(meetings, m)]
    dates = [m.date for m in own if m.covers(strand_id)]
    return Reporting(
        max((d for d in dates if d <= day), default=None),
        min((d for d in dates if d > day), default=None),
        min((m.date for m in own if m.date <= day), default=None),
    )


def unreported(period: Period, dates: Reporting, day: dt.date, months: int) -> bool:
    """Whether a strand is overdue a report on ``day``: no report in the ``months`` months
    before it, counting a strand never reported from the period's start or the committee's
    first meeting (whichever is later; not at all before the committee has met), and only
    while the period runs."""
    if day > period.end or dates.first is None:
        return False
    since = day - relativedelta(months=months)
    return max(dates.last or dates.first, period.start, dates.first) < since


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    strategy, meetings = repo.strategy, repo.meetings
    if strategy is None or meetings is None:
        return  # its own problem: nothing to count from, or no meeting to count
    months = ctx.settings.strand_report_months
    for strand in repo.strands:
        dates = reporting(meetings, strand.id, ctx.as_of)
        if not unreported(strategy.period, dates, ctx.as_of, months):
            continue
        yield Finding(
            repo.where(strand, "id"),
            f"strand {strand.id} ({strand.title}) has not been reported to the committee in "
            f"the {months} months to {ctx.as_of} (last reported: {dates.last or 'never'}; "
            f"next planned: {dates.next or 'none'})",
            "plan a paper on it at a coming meeting in data/meetings.yaml (a paper with "
            f"`strands: [{strand.id}]` under the meeting's `papers:`)",
        )


RULE = Rule(Code.STRAND_UNREPORTED, Severity.WARNING, check, __doc__, whole=True)
