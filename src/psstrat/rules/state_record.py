"""An item's current value disagrees with its latest dated record.

Catches: a work element whose `status:` or `lead:` is not what its latest update recording
one says (`updates: - date: ... status: ...`); a strand whose `lead:` is not its latest
strand update's `lead:`; a risk whose `owner:` is not its latest update's `owner:`; a control
whose `status:` is not its latest update's `status:`. Items with no dated record of a value
are not checked: their one value holds for every date. Only updates marked no higher than the
item count: a record marked above it (a secret update on an official work element) is never
to be repeated in the item's own field, which its readers see.

Why: a paper as at a date shows the value of the latest record on or before it, so a paper
for today shows the record's value, not the one written on the item: the two must agree, or
the paper and the file tell different stories.

Fix: when the value changed, add an update dated the day it changed that records the new
value (the message names it); when the record is right, set the item's own value to match.

Example (as of 2025-10-01), data/strands/S1.yaml:

    work_elements:
      - id: S1.1
        status: on-track
        updates:
          - date: 2025-09-26
            text: Fieldwork delayed by the data-sharing agreement.
            status: off-track

Fixed:

    work_elements:
      - id: S1.1
        status: off-track
        updates:
          - date: 2025-09-26
            text: Fieldwork delayed by the data-sharing agreement.
            status: off-track
"""

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel

from psstrat import records
from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.repository import Repository
from psstrat.rules._base import Rule, RuleContext


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    rank = repo.settings.rank
    for strand in repo.strands:
        level = rank(strand.marking)
        within = _no_higher(rank, level)
        record = records.lead_record(strand, within)
        yield from _agrees(repo, strand, f"strand {strand.id}", "lead", record)
        for e in strand.work_elements:
            name = f"work element {e.id}"
            within = _no_higher(rank, max(level, rank(e.marking)))
            yield from _agrees(repo, e, name, "status", records.status_record(e, within))
            yield from _agrees(repo, e, name, "lead", records.lead_record(e, within))
    for risk in repo.risks:
        yield from _agrees(repo, risk, f"risk {risk.id}", "owner", records.owner_record(risk))
        for i, control in enumerate(risk.controls):
            record = records.control_record(control)
            if record is not None and record.status != control.status:
                yield Finding(
                    repo.where(risk, "controls", i, "status"),
                    f"risk {risk.id} control {i + 1} is {_said(control.status)} but its latest "
                    f"update ({record.date}) says {_said(record.status)}",
                    f"set its `status:` to {record.status}, or add an update dated the day it "
                    f"became {control.status} with `status: {control.status}`",
                )


def _no_higher(rank: Callable[[str | None], int], level: int) -> Callable[[Any], bool]:
    """Keeps the updates marked no higher than the item: a record marked above it is not one
    its own value may repeat (that would publish the record's value at the item's marking)."""
    return lambda update: rank(update.marking) <= level


def _agrees(
    repo: Repository, item: BaseModel, name: str, field: str, record: Any
) -> Iterator[Finding]:
    if record is None:
        return
    now, then = getattr(item, field), getattr(record, field)
    if now == then:
        return
    at = (field,) if field in item.model_fields_set else ("id",)
    yield Finding(
        repo.where(item, *at),
        f"{name} {field} is {_said(now)} but its latest update recording one "
        f"({record.date}) says {_said(then)}",
        f"set `{field}:` to {_value(then)}, or add an update dated the day it changed with "
        f"`{field}: {_value(now)}`",
    )


def _said(value: object) -> str:
    return "vacant" if value is None else f"`{value}`"


def _value(value: object) -> str:
    return "null" if value is None else str(value)


RULE = Rule(Code.STATE_RECORD, Severity.ERROR, check, __doc__, whole=True)
