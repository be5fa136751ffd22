"""`psstrat record`: what happened on a date, written as the dated record the format keeps.

Each function checks what it is told against the file and returns the Plan of changes for
commands.edit to make: a milestone done or re-planned, an update (with the status or lead
from its date), a risk re-assessed (the current residual moves to its history), escalated or
closed, a control's status, an action done. Where a record changes an item's current value
(an element's `status:`, a control's `status:`), the value is set to agree with the latest
record, as the `state-record` rule asks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from psstrat.edits import (
    Plan,
    Planner,
    Repo,
    Target,
    append,
    at,
    dated,
    locate,
    set_key,
)
from psstrat.errors import PsstratError, Refused
from psstrat.yamlio import YamlPath


def _date(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


# --- milestones and actions -----------------------------------------------------------------


def done(repo: Repo, item: Target, on: dt.date) -> Planner:
    """A milestone achieved, or an action done, on ``on``."""

    def plan(data: dict[str, Any]) -> Plan:
        repo.past(on)
        path = locate(data, item.kind, item.id)
        found = at(data, path)
        if found.get("completed") is not None:
            raise Refused(
                f"{item.id} was already done on {_date(found['completed'])}; nothing to do"
            )
        if found.get("cancelled") is True:
            raise Refused(f"{item.id} was cancelled; a cancelled milestone is not completed")
        if item.kind == "milestone":
            _after_planned(found, item.id, on, "--on")
        else:
            meeting = dated(at(data, path[:2]).get("date"))
            if meeting is not None and on < meeting:
                raise Refused(
                    f"--on {on} is before the meeting that set {item.id} ({meeting}); check "
                    "the date"
                )
        return Plan(
            [set_key(item.rel, (*path, "completed"), on)],
            [f"{item.id} completed: (none) -> {on}"],
        )

    return plan


def _after_planned(found: dict[str, Any], item_id: str, day: dt.date, option: str) -> None:
    """Refuses a day before the milestone was added to the plan (its `set_on`)."""
    start = dated(found.get("set_on"))
    if start is not None and day < start:
        raise Refused(f"{option} {day} is before {item_id} was planned ({start}); check the date")


def replan(repo: Repo, item: Target, due: dt.date, agreed: dt.date) -> Planner:
    """A milestone re-planned to ``due``, agreed on ``agreed``: `due` stays the baseline."""

    def plan(data: dict[str, Any]) -> Plan:
        repo.past(agreed, "--agreed")
        path = locate(data, "milestone", item.id)
        found = at(data, path)
        if found.get("completed") is not None:
            raise Refused(
                f"{item.id} was done on {_date(found['completed'])}; it is not re-planned"
            )
        if found.get("cancelled") is True:
            raise Refused(f"{item.id} was cancelled; it is not re-planned")
        if found.get("revised_due") is not None:
            raise Refused(
                f"{item.id} was already re-planned to {_date(found['revised_due'])}; the format "
                "holds one re-plan (docs/format.md, dated records): edit `revised_due` and "
                "`revised_on` by hand"
            )
        if due < agreed:
            raise Refused(f"--due {due} is before the re-plan was agreed ({agreed}); check both")
        baseline = dated(found.get("due"))
        if baseline == due:
            raise Refused(f"{item.id} is already due on {due}; give the new date with --due")
        _after_planned(found, item.id, agreed, "--agreed")
        return Plan(
            [
                set_key(item.rel, (*path, "revised_due"), due),
                set_key(item.rel, (*path, "revised_on"), agreed),
            ],
            [
                f"{item.id} revised_due: (none) -> {due} (baseline {_date(found.get('due'))})",
                f"{item.id} revised_on: (none) -> {agreed}",
            ],
        )

    return plan


def cancel(repo: Repo, item: Target, on: dt.date) -> Planner:
    """A milestone dropped from the plan on ``on`` (`cancelled: true`, `cancelled_on:`)."""

    def plan(data: dict[str, Any]) -> Plan:
        repo.past(on)
        path = locate(data, "milestone", item.id)
        found = at(data, path)
        if found.get("cancelled") is True:
            raise Refused(f"{item.id} was already cancelled; nothing to do")
        if found.get("completed") is not None:
            raise Refused(f"{item.id} was done on {_date(found['completed'])}; it is not cancelled")
        _after_planned(found, item.id, on, "--on")
        return Plan(
            [
                set_key(item.rel, (*path, "cancelled"), True),
                set_key(item.rel, (*path, "cancelled_on"), on),
            ],
            [f"{item.id} cancelled: false -> true", f"{item.id} cancelled_on: (none) -> {on}"],
        )

    return plan


# --- updates: what happened, and the status or lead from that day ----------------------------

_NOT_GIVEN: Any = object()


@dataclass(frozen=True)
class UpdateDraft:
    """An update to a work element or strand: its text and date, and (optionally) the status
    and lead it records from that date (``lead`` None: vacant; _NOT_GIVEN: not recorded)."""

    on: dt.date
    text: str
    status: str | None = None
    lead: Any = _NOT_GIVEN
    marking: str | None = None


NOT_GIVEN = _NOT_GIVEN


def update(repo: Repo, item: Target, draft: UpdateDraft) -> Planner:
    """An update at the end of the element's (or strand's) `updates:`; the item's own status
    and lead then follow its latest record, as `state-record` asks."""
    if draft.status is not None and item.kind == "strand":
        raise PsstratError("a strand has no status of its own; record it on a work element (S1.1)")
    if draft.lead is not NOT_GIVEN and draft.lead is not None:
        repo.owner(draft.lead)
    if draft.marking is not None:
        repo.marking(draft.marking)

    def plan(data: dict[str, Any]) -> Plan:
        repo.past(draft.on)
        path = locate(data, item.kind, item.id)
        start = dated(at(data, path).get("start"))
        if start is not None and draft.on < start:
            raise Refused(f"--on {draft.on} is before {item.id} started ({start}); check the date")
        record: dict[str, Any] = {"date": draft.on, "text": draft.text}
        if draft.status is not None:
            record["status"] = draft.status
        if draft.lead is not NOT_GIVEN:
            record["lead"] = draft.lead
        if draft.marking is not None:
            record["marking"] = draft.marking
        _not_twice(item.id, at(data, (*path, "updates")), record)
        plan = Plan(
            [append(item.rel, (*path, "updates"), record)],
            [f"{item.id} updates: + {draft.on} {_summary(repo, record)}"],
        )
        _follow(repo, item, data, record, plan)
        return plan

    return plan


def _follow(
    repo: Repo, item: Target, data: dict[str, Any], record: dict[str, Any], plan: Plan
) -> None:
    """The item's own status and lead set to the new record's when it is now the latest
    record of one (among those marked no higher than the item), with a note when it is the
    first dated record of one (earlier papers then say "not recorded")."""
    path = locate(data, item.kind, item.id)
    found = at(data, path)
    updates = [u for u in found.get("updates") or [] if isinstance(u, dict)]
    for key in ("status", "lead"):
        if key not in record:
            continue
        latest = _latest([*updates, record], key, _rank_within(repo, data, path))
        if latest is record and found.get(key) != record[key]:
            plan.changes.append(set_key(item.rel, (*path, key), record[key]))
            old, new = found.get(key), record[key]
            if key == "lead":
                old, new = repo.label(old), repo.label(new)
            plan.what.append(f"{item.id} {key}: {old or '(none)'} -> {new}")
        since = _start(repo, found)
        if not any(key in u for u in updates) and (since is None or record["date"] > since):
            was = found.get(key) if key == "status" else found.get(key) or "--vacant"
            command = "status" if key == "status" else "lead"
            plan.notes.append(
                f"{item.id} had no dated {key} before: a paper as at a day before "
                f"{record['date']} now says its {key} is not recorded; to keep earlier papers "
                f"as they were, record the {key} it had then: psstrat record {command} "
                f"{item.id} {was or 'not-started'} --on {since or 'START'}"
            )


def _not_twice(item_id: str, records: Any, record: dict[str, Any]) -> None:
    """Refuses a record the item already holds, word for word (a script run twice)."""
    from psstrat.yamlio.editing import plain

    if isinstance(records, list) and plain(record) in records:
        raise Refused(f"{item_id} already has this record, dated {record['date']}; nothing to do")


def _summary(repo: Repo, record: dict[str, Any]) -> str:
    parts = [f'"{record["text"]}"']
    if "status" in record:
        parts.append(f"status {record['status']}")
    if "lead" in record:
        parts.append(f"lead {repo.label(record['lead'])}")
    if "marking" in record:
        parts.append(f"marked {record['marking']}")
    return ", ".join(parts)


def _start(repo: Repo, found: dict[str, Any]) -> dt.date | None:
    """The day an item's values have held from: its `start`, else the strategy's."""
    start = dated(found.get("start"))
    if start is None:
        period = repo.strategy.get("period")
        start = dated(period.get("start")) if isinstance(period, dict) else None
    return start


def _rank_within(repo: Repo, data: dict[str, Any], path: YamlPath) -> Any:
    """Keeps the updates marked no higher than the item itself (as `state-record` does): a
    record marked above the item is never repeated in its own value."""
    rank = repo.settings.rank
    level = max(rank(at(data, path[:i]).get("marking")) for i in range(0, len(path) + 1, 2))

    def within(record: dict[str, Any]) -> bool:
        return rank(record.get("marking")) <= level

    return within


def _latest(updates: list[dict[str, Any]], key: str, within: Any) -> dict[str, Any] | None:
    best: dict[str, Any] | None = None
    for record in updates:
        if key not in record or not within(record) or (key == "status" and not record[key]):
            continue
        day = dated(record.get("date"))
        best_day = dated(best.get("date")) if best is not None else None
        if day is not None and (best_day is None or day >= best_day):
            best = record
    return best


# --- risks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """A risk's new residual rating, when it was made, where the risk was escalated (when
    the score needs it) and when it is next reviewed."""

    likelihood: int
    impact: int
    on: dt.date
    escalated_to: str | None = None
    escalated_on: dt.date | None = None
    next_review: dt.date | None = None


def assess(repo: Repo, item: Target, new: Assessment) -> Planner:
    """The risk assessed again: the current `residual` moves to the end of `history` and the
    new one takes its place (what docs/format.md asks to be done by hand)."""

    def plan(data: dict[str, Any]) -> Plan:
        repo.past(new.on)
        if new.escalated_on is not None:
            if new.escalated_to is None:
                raise PsstratError("--escalated-on needs --escalated-to (where it went)")
            repo.past(new.escalated_on, "--escalated-on")
        if new.next_review is not None and new.next_review <= new.on:
            raise Refused(f"--next-review {new.next_review} is not after the assessment ({new.on})")
        _open(data, item.id, "re-assessed")
        residual = data.get("residual")
        if not isinstance(residual, dict):
            raise PsstratError(f"{item.id} has no `residual` to move to its history; fix it first")
        last = dated(residual.get("date"))
        if last is not None and new.on <= last:
            raise Refused(
                f"{item.id} was last assessed on {last}; a re-assessment is dated after it "
                "(correct the latest one by editing `residual`, an older one goes in `history` "
                "by hand)"
            )
        score = new.likelihood * new.impact
        threshold = repo.settings.escalation_threshold
        moved = {k: dated(v) or v if k == "date" else v for k, v in residual.items()}
        changes = [
            append(item.rel, ("history",), moved, flow=True),
            set_key(
                item.rel,
                ("residual",),
                {"likelihood": new.likelihood, "impact": new.impact, "date": new.on},
            ),
        ]
        old = f"{residual.get('likelihood')}x{residual.get('impact')}"
        what = [
            f"{item.id} history: + {old} of {_date(residual.get('date'))}",
            f"{item.id} residual: {old} -> {new.likelihood}x{new.impact} on {new.on}",
        ]
        if score >= threshold and data.get("escalated") is None:
            if new.escalated_to is None:
                raise Refused(
                    f"a score of {score} is at or above the escalation threshold ({threshold}) "
                    f"and {item.id} has not been escalated; give --escalated-to (and "
                    "--escalated-on)"
                )
            on = new.escalated_on or new.on
            changes.append(set_key(item.rel, ("escalated",), {"to": new.escalated_to, "date": on}))
            what.append(f"{item.id} escalated: (none) -> {new.escalated_to} on {on}")
        if new.next_review is not None:
            changes.append(set_key(item.rel, ("review_date",), new.next_review))
            was = _date(data.get("review_date")) if data.get("review_date") else "(none)"
            what.append(f"{item.id} review_date: {was} -> {new.next_review}")
        return Plan(changes, what)

    return plan


def _open(data: dict[str, Any], risk_id: str, verb: str) -> None:
    if data.get("status") == "closed":
        raise Refused(
            f"{risk_id} was closed on {_date(data.get('closed'))}; a closed risk is not {verb}"
        )


def escalate(repo: Repo, item: Target, to: str, on: dt.date) -> Planner:
    """The risk escalated to ``to`` on ``on`` (the format holds one escalation)."""

    def plan(data: dict[str, Any]) -> Plan:
        repo.past(on)
        _open(data, item.id, "escalated")
        now = data.get("escalated")
        if isinstance(now, dict):
            raise Refused(
                f"{item.id} was already escalated to {now.get('to')} on {_date(now.get('date'))}; "
                "the format holds one escalation: edit `escalated` by hand"
            )
        raised = dated(data.get("raised"))
        if raised is not None and on < raised:
            raise Refused(f"--on {on} is before {item.id} was raised ({raised})")
        return Plan(
            [set_key(item.rel, ("escalated",), {"to": to, "date": on})],
            [f"{item.id} escalated: (none) -> {to} on {on}"],
        )

    return plan


def close(repo: Repo, item: Target, on: dt.date, text: str | None) -> Planner:
    """The risk closed on ``on`` (`status: closed`, `closed:`), with an update saying why."""

    def plan(data: dict[str, Any]) -> Plan:
        repo.past(on)
        _open(data, item.id, "closed again")
        raised = dated(data.get("raised"))
        if raised is not None and on < raised:
            raise Refused(f"--on {on} is before {item.id} was raised ({raised})")
        changes = [
            set_key(item.rel, ("status",), "closed"),
            set_key(item.rel, ("closed",), on),
        ]
        what = [f"{item.id} status: open -> closed", f"{item.id} closed: (none) -> {on}"]
        if text is not None:
            changes.append(append(item.rel, ("updates",), {"date": on, "text": text}))
            what.append(f'{item.id} updates: + {on} "{text}"')
        return Plan(changes, what)

    return plan


@dataclass(frozen=True)
class ControlRecord:
    """A control's status from a day: which control (its number or words from its
    description), the status, the day and (optionally) what happened."""

    control: str
    status: str
    on: dt.date
    text: str | None = None


def owner(repo: Repo, item: Target, new: str | None, on: dt.date, text: str | None) -> Planner:
    """A risk's owner from ``on``: a dated record in its `updates`, and its own `owner` when
    that record is its latest (``new`` None: it has no owner)."""
    if new is not None:
        repo.owner(new)

    def plan(data: dict[str, Any]) -> Plan:
        repo.past(on)
        _open(data, item.id, "given an owner")
        raised = dated(data.get("raised"))
        if raised is not None and on < raised:
            raise Refused(f"--on {on} is before {item.id} was raised ({raised})")
        record: dict[str, Any] = {"date": on, "owner": new}
        if text is not None:
            record["text"] = text
        _not_twice(item.id, data.get("updates"), record)
        updates = [u for u in data.get("updates") or [] if isinstance(u, dict)]
        latest = _latest([*updates, record], "owner", lambda _: True)
        if latest is record and data.get("owner") == new and updates:
            raise Refused(f"{item.id} is already owned by {repo.label(new)}; nothing to record")
        changes = [append(item.rel, ("updates",), record)]
        what = [f"{item.id} updates: + {on} owner {repo.label(new)}"]
        notes = []
        if latest is record and data.get("owner") != new:
            changes.append(set_key(item.rel, ("owner",), new))
            what.append(f"{item.id} owner: {repo.label(data.get('owner'))} -> {repo.label(new)}")
        if not updates and (raised is None or on > raised):
            notes.append(
                f"{item.id} had no dated owner before: a paper as at a day before {on} now says "
                "its owner is not recorded; to keep earlier papers as they were, record the "
                f"owner it had then: psstrat record owner {item.id} {data.get('owner') or '--none'}"
                f" --on {_date(data.get('raised')) if data.get('raised') else 'START'}"
            )
        return Plan(changes, what, notes)

    return plan


def control_status(repo: Repo, item: Target, given: ControlRecord) -> Planner:
    """A control's status from ``on``: a dated record in its `updates`, and its own `status`
    when that record is its latest."""
    control, status, on, text = given.control, given.status, given.on, given.text

    def plan(data: dict[str, Any]) -> Plan:
        repo.past(on)
        _open(data, item.id, "given a control's status")
        raised = dated(data.get("raised"))
        if raised is not None and on < raised:
            raise Refused(f"--on {on} is before {item.id} was raised ({raised})")
        index = _control(data, item.id, control)
        path: YamlPath = ("controls", index)
        found = data["controls"][index]
        record: dict[str, Any] = {"date": on, "status": status}
        if text is not None:
            record["text"] = text
        updates = [u for u in found.get("updates") or [] if isinstance(u, dict)]
        latest = _latest([*updates, record], "status", lambda _: True)
        if latest is record and found.get("status", "planned") == status and updates:
            raise Refused(f"{item.id} control {index + 1} is already {status}; nothing to record")
        _not_twice(f"{item.id} control {index + 1}", found.get("updates"), record)
        changes = [append(item.rel, (*path, "updates"), record)]
        said = f' "{text}"' if text else ""
        what = [f"{item.id} control {index + 1} updates: + {on} status {status}{said}"]
        notes = []
        if latest is record and found.get("status", "planned") != status:
            changes.append(set_key(item.rel, (*path, "status"), status))
            was = found.get("status", "planned")
            what.append(f"{item.id} control {index + 1} status: {was} -> {status}")
        raised = dated(data.get("raised"))
        if not updates and (raised is None or on > raised):
            notes.append(
                f"{item.id} control {index + 1} had no dated status before: a paper as at a day "
                f"before {on} now says its status is not recorded; to keep earlier papers as "
                f"they were, record the status it had then: psstrat record control {item.id} "
                f"{index + 1} --status {found.get('status', 'planned')} --on "
                f"{_date(data.get('raised')) if data.get('raised') else 'START'}"
            )
        return Plan(changes, what, notes)

    return plan


def _control(data: dict[str, Any], risk_id: str, control: str) -> int:
    """The index of the control ``control`` names: its number (1 the first) or words that
    only its description holds."""
    controls = [c if isinstance(c, dict) else {} for c in data.get("controls") or []]
    if not controls:
        raise PsstratError(f"{risk_id} has no controls; psstrat new control adds one")
    if control.isdigit():
        number = int(control)
        if 1 <= number <= len(controls):
            return number - 1
        raise PsstratError(
            f"{risk_id} has {len(controls)} control{'s' if len(controls) != 1 else ''}; give a "
            f"number from 1 to {len(controls)}"
        )
    words = control.casefold()
    matches = [
        i for i, c in enumerate(controls) if words in str(c.get("description", "")).casefold()
    ]
    if len(matches) == 1:
        return matches[0]
    listed = "; ".join(f"{i + 1}: {c.get('description')}" for i, c in enumerate(controls))
    which = "no control" if not matches else f"{len(matches)} controls"
    raise PsstratError(f"{which} of {risk_id} match `{control}`; give its number ({listed})")
