"""A work element in progress has had no update for too long.

Catches: a work element whose status is on-track, at-risk or off-track and whose latest
update (on or before the as-of date) is more than `stale_update_days` old (default 120), or
that has no update at all and started more than that long ago. Elements not started,
complete or cancelled are not checked.

Why: the committee is reported to quarterly; an element silent for a third of a year cannot
be reported on honestly.

Fix: add a dated entry under `updates:` saying where the work stands.

Example (as of 2025-09-01), data/strands/S1.yaml:

    work_elements:
      - id: S1.1
        status: on-track
        start: 2025-04-01

Fixed:

    work_elements:
      - id: S1.1
        status: on-track
        start: 2025-04-01
        updates:
          - date: 2025-08-20
            text: Draft code out to consultation.
"""

import datetime as dt
from collections.abc import Iterator

from psstrat import schedule
from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.rules._base import Rule, RuleContext

_IN_PROGRESS = ("on-track", "at-risk", "off-track")


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    limit = ctx.settings.stale_update_days
    cutoff = ctx.as_of - dt.timedelta(days=limit)
    for _, e in repo.elements():
        if e.status not in _IN_PROGRESS or (e.start and e.start > cutoff):
            continue
        notes = schedule.notes_as_of(e.updates, ctx.as_of)
        if notes and notes[0].date >= cutoff:
            continue
        since = f"since {notes[0].date}" if notes else "at all"
        yield Finding(
            repo.where(e, "updates" if e.updates else "id", key=bool(e.updates)),
            f"work element {e.id} ({e.status}) has had no update {since} "
            f"(more than {limit} days before {ctx.as_of})",
            "add a dated entry under `updates:` saying where the work stands",
        )


RULE = Rule(Code.STALE_UPDATE, Severity.WARNING, check, __doc__)
