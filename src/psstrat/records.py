"""Values as at a day, from dated records: what psstrat.asat projects a view with, and what
psstrat.rules.state_record checks an item's own value against.

A paper is the same whenever it is run because every value in it is the value *as at* its
date, worked out here from dated records:

- a work element's status and lead are those of its latest update on or before the day that
  records them (`status:`, `lead:`); with no such record at all, its own `status:` and
  `lead:`, for every day; on a day before its first record, "not recorded" (never a value
  that was only set later);
- a strand's lead, a risk's owner and a control's status likewise, from their `updates`;
- a work element whose `start` is after the day, and a milestone `set_on` a later day, do not
  exist yet (counted nowhere); a re-plan `revised_on` a later day has not been made (the
  milestone is due on its earlier date), nor has a cancellation `cancelled_on` a later day.

"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from psstrat.model.risk import Control, Risk
from psstrat.model.strand import Milestone, Strand, WorkElement

NOT_RECORDED_STATUS = "not-recorded"
"""The status shown on a day before a work element's first dated status record."""
NOT_RECORDED_LEAD = "(not recorded)"
"""The lead (or owner) shown on a day before the first dated record of one; never an owner id
(those are lower case letters, digits and -), so it names nobody (psstrat.repository)."""

R = TypeVar("R")
_UNSET: Any = object()


def recorded_at(records: Iterable[R], day: dt.date, value: Callable[[R], Any], current: Any) -> Any:
    """The value of the latest record on or before ``day`` among those that record one
    (``value`` gives _UNSET for a record that records nothing); ``current`` when no record
    records one; _UNSET on a day before the first that does."""
    records = list(records)
    if latest_record(records, value) is None:
        return current
    record = record_at(records, day, value)
    return _UNSET if record is None else value(record)


def record_at(records: Iterable[R], day: dt.date, value: Callable[[R], Any]) -> R | None:
    """The latest record on or before ``day`` that records a value (None if there is none)."""
    best: R | None = None
    for record in records:
        if value(record) is _UNSET or record.date > day:  # type: ignore[attr-defined]
            continue
        if best is None or record.date >= best.date:  # type: ignore[attr-defined]
            best = record
    return best


def _owner_of(update: Any) -> Any:
    return update.owner if "owner" in update.model_fields_set else _UNSET


def illustrative_at(item: WorkElement | Strand | Risk, day: dt.date) -> list[str]:
    """The item's illustrative fields as at ``day``: a status, lead or owner taken from a
    record is illustrative when that record says its value (or its date) is; one no record
    records is as the item itself says."""
    fields = set(item.illustrative)
    field = "owner" if isinstance(item, Risk) else "lead"
    values: dict[str, Callable[[Any], Any]] = {field: _owner_of if field == "owner" else _lead_of}
    if isinstance(item, WorkElement):
        values["status"] = lambda u: u.status or _UNSET
    for field, value in values.items():
        if not any(value(u) is not _UNSET for u in item.updates):
            continue  # no record: the item's own word
        record = record_at(item.updates, day, value)
        made_up = record is not None and bool(
            {field, "date"} & set(getattr(record, "illustrative", ()))
        )
        fields.discard(field)
        if made_up:
            fields.add(field)
    return [f for f in type(item).model_fields if f in fields]


def element_status(e: WorkElement, day: dt.date) -> str:
    got = recorded_at(e.updates, day, lambda u: u.status or _UNSET, e.status)
    return NOT_RECORDED_STATUS if got is _UNSET else str(got)


def _lead_of(update: Any) -> Any:
    return update.lead if update.records_lead else _UNSET


def element_lead(e: WorkElement, day: dt.date) -> str | None:
    got = recorded_at(e.updates, day, _lead_of, e.lead)
    return NOT_RECORDED_LEAD if got is _UNSET else got


def strand_lead(s: Strand, day: dt.date) -> str | None:
    got = recorded_at(s.updates, day, _lead_of, s.lead)
    return NOT_RECORDED_LEAD if got is _UNSET else got


def risk_owner(r: Risk, day: dt.date) -> str | None:
    got = recorded_at(r.updates, day, _owner_of, r.owner)
    return NOT_RECORDED_LEAD if got is _UNSET else got


def control_status(c: Control, day: dt.date) -> str:
    got = recorded_at(c.updates, day, lambda u: u.status, c.status)
    return NOT_RECORDED_STATUS if got is _UNSET else str(got)


def latest_record(records: Iterable[R], value: Callable[[R], Any]) -> R | None:
    """The latest record that records a value (the one the item's own field must agree
    with): psstrat.rules.state_record."""
    best: R | None = None
    for record in records:
        if value(record) is _UNSET:
            continue
        if best is None or record.date >= best.date:  # type: ignore[attr-defined]
            best = record
    return best


def status_record(e: WorkElement, within: Callable[[Any], bool] = bool) -> Any:
    """The latest update recording a status (among those ``within`` keeps)."""
    return latest_record((u for u in e.updates if within(u)), lambda u: u.status or _UNSET)


def lead_record(item: WorkElement | Strand, within: Callable[[Any], bool] = bool) -> Any:
    return latest_record((u for u in item.updates if within(u)), _lead_of)


def owner_record(r: Risk) -> Any:
    return latest_record(r.updates, _owner_of)


def control_record(c: Control) -> Any:
    return latest_record(c.updates, lambda u: u.status)


def exists_on(e: WorkElement, day: dt.date) -> bool:
    """Whether the work element had started by ``day`` (one with no `start` always has)."""
    return e.start is None or e.start <= day


def milestone_exists_on(m: Milestone, day: dt.date) -> bool:
    return m.set_on is None or m.set_on <= day
