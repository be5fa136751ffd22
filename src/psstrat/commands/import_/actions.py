"""Action rows: each a new action, appended to the meeting that set it (the meeting of the
row's date in data/meetings.yaml), or (``update``) the edits and the dated completion that
bring an existing action to its row. Every change to data/meetings.yaml is one edit."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from psstrat.commands.import_ import Options, Outcome
from psstrat.commands.import_.plan import (
    CellProblem,
    Unit,
    apply_units,
    check_whole,
    checked,
    done_plan,
    fail,
    merged,
    raised_marking,
    resolve_marking,
    said,
    same,
    set_plan,
    skip,
)
from psstrat.edits import Plan, Repo, Target, append, at, dated
from psstrat.errors import PsstratError
from psstrat.exchange import rows as r
from psstrat.exchange.cells import Owners, Unreadable
from psstrat.exchange.mapping import Mapping
from psstrat.sheets import Book, Sheet

MEETINGS = "data/meetings.yaml"

READERS: dict[str, r.Reader] = {
    "id": r.as_id,
    "meeting": r.as_date,
    "text": r.as_multiline,
    "owner": r.as_owner,
    "due": r.as_date,
    "completed": r.as_date,
    "strands": r.as_ids,
    "marking": r.words,
}


@dataclass
class _Meetings:
    """data/meetings.yaml as read once, and where each action in it is."""

    data: dict[str, Any]
    actions: dict[str, tuple[int, int]] = field(default_factory=dict)
    numbers: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, repo: Repo) -> _Meetings:
        from psstrat.yamlio import YamlProblem, parse_yaml

        raw = repo.raw(MEETINGS)
        try:
            data = parse_yaml(raw, positions=False).data
        except YamlProblem as exc:
            raise PsstratError(
                f"{MEETINGS}:{exc.line}:{exc.column}: {exc.message}; fix it first "
                "(psstrat validate)"
            ) from None
        found = cls(data if isinstance(data, dict) else {})
        for m, meeting in enumerate(found.meetings):
            for a, action in enumerate(_listed(meeting.get("actions"))):
                if isinstance(action.get("id"), str):
                    found.actions.setdefault(action["id"], (m, a))
        found.numbers = _numbers(repo, raw)
        return found

    @property
    def meetings(self) -> list[dict[str, Any]]:
        return _listed(self.data.get("meetings"))

    def pick(self, day: dt.date) -> int:
        """The index of the one meeting held on ``day``."""
        on_day = [i for i, m in enumerate(self.meetings) if dated(m.get("date")) == day]
        if not on_day:
            raise CellProblem(
                "meeting",
                f"{MEETINGS} has no meeting on {day}; add it first (psstrat new meeting --date "
                f"{day}), or correct the cell",
            )
        if len(on_day) > 1:
            raise CellProblem(
                "meeting",
                f"{MEETINGS} has {len(on_day)} meetings on {day}, and the sheet cannot say "
                f"which set the action; add it with psstrat new action --meeting {day} "
                "--committee ...",
            )
        return on_day[0]


def _listed(value: Any) -> list[dict[str, Any]]:
    """The mappings of a list (what is not one is left for validate, and never picked)."""
    return [v if isinstance(v, dict) else {} for v in value] if isinstance(value, list) else []


def _numbers(repo: Repo, raw: bytes) -> set[int]:
    """Every action number taken: in data/meetings.yaml here, on every branch and in its
    history (as `psstrat new action` counts them: an id is never used twice)."""
    from psstrat.commands.new import Census

    pattern = re.compile(
        r"""(?m)(?:^|[\s{,-])["']?id["']?[ \t]*:[ \t]*["']?A([1-9][0-9]{0,17})\b"""
    )
    texts = [raw.decode("utf-8", "replace"), *Census(repo.root).texts(MEETINGS)]
    return {int(m[1]) for text in texts for m in pattern.finditer(text)}


@dataclass
class _Job:
    repo: Repo
    options: Options
    out: Outcome
    meetings: _Meetings
    numbered: bool
    """The sheet has no id column: new actions take the next free ids."""

    @property
    def on(self) -> dt.date:
        return self.options.on or self.repo.today


def rows(  # noqa: PLR0913 - every importer's signature
    repo: Repo, book: Book, sheet: Sheet, mapping: Mapping, options: Options, out: Outcome
) -> None:
    """The Actions sheet: an action a row, with the date of the meeting that set it."""
    found, ignored = r.read_rows(book, sheet, mapping, READERS)
    if ignored:
        out.notes.append(f"not imported (no field in the mapping): {', '.join(ignored)}")
    out.rows = len(found)
    try:
        meetings = _Meetings.of(repo)
    except PsstratError as exc:
        fail(out, found, None, str(exc))
        return
    job = _Job(repo, options, out, meetings, "id" not in mapping.columns.values())
    owners = Owners(repo.owners)
    seen: dict[str, str] = {}
    units = []
    for row in found:
        _resolve(job, row, owners, seen)
        if row.problems:
            skip(out, row)
            continue
        try:
            units.append(Unit([row], _row(job, row)))
        except CellProblem as exc:
            fail(out, [row], exc.name, exc.message)
    changed = apply_units(repo, MEETINGS, units, out, partial_rules=False)
    check_whole(repo, out, {MEETINGS: changed})
    touched = {row.where for row in changed}
    out.unchanged = sum(1 for row in found if not row.problems and row.where not in touched)


def _resolve(job: _Job, row: r.Row, owners: Owners, seen: dict[str, str]) -> None:
    """The owner by id, role or name as their id; the marking as psstrat.yaml spells it; the
    id checked (or, without an id column, the next free one)."""
    if "owner" in row.values:
        try:
            row.values["owner"] = owners.find(row.values["owner"])
        except Unreadable as exc:
            row.problem("owner", str(exc))
    resolve_marking(job.repo, row)
    if job.numbered:
        number = max(job.meetings.numbers, default=0) + 1
        job.meetings.numbers.add(number)
        row.values["id"] = f"A{number}"
    action = checked(row, "id", "action")
    if "id" not in row.values:
        row.problem(
            "id",
            "the action id is empty; give it (A7), or leave the column unmapped to number new "
            "actions",
        )
    elif action in seen:
        row.problem("id", f"{action} is also in {seen[action]}; one row per action")
    elif action is not None:
        seen[action] = row.where
    _strands(job.repo, row)


def _strands(repo: Repo, row: r.Row) -> None:
    for strand in row.values.get("strands", []):
        if not (repo.root / "data" / "strands" / f"{strand}.yaml").is_file():
            known = sorted(p.stem for p in (repo.root / "data" / "strands").glob("S*.yaml"))
            row.problem(
                "strands", f"there is no strand {strand}; known: {', '.join(known) or 'none'}"
            )
            return


def _row(job: _Job, row: r.Row) -> Plan:
    action_id = row.values["id"]
    where = job.meetings.actions.get(action_id)
    if where is None:
        return _new(job, row)
    if not job.options.update:
        raise CellProblem(
            "id", f"{action_id} exists ({MEETINGS}); give --update to bring it to this row"
        )
    return _changes(job, row, ("meetings", where[0], "actions", where[1]))


def _new(job: _Job, row: r.Row) -> Plan:
    """The row's new action, as `psstrat new action` writes one, at the end of its meeting's
    actions."""
    v = row.values
    for name, what in (
        ("meeting", "the date of the meeting that set it"),
        ("text", "its text"),
        ("owner", "its owner"),
        ("due", "its due date"),
    ):
        if v.get(name) is None:
            raise CellProblem(name, f"a new action needs {what}; fill the cell")
    index = job.meetings.pick(v["meeting"])
    _after_meeting(v, v["meeting"])
    item: dict[str, Any] = {"id": v["id"], "text": v["text"], "owner": v["owner"], "due": v["due"]}
    for name in ("completed", "strands", "marking"):
        if v.get(name):
            item[name] = v[name]
    _validated(job, item)
    return Plan(
        [append(MEETINGS, ("meetings", index, "actions"), item)],
        [
            f"{v['meeting']} actions: + {v['id']} {said(v['text'])} "
            f"({job.repo.label(v['owner'])}, due {v['due']})"
        ],
    )


def _after_meeting(v: dict[str, Any], meeting: dt.date | None) -> None:
    """An action is due, and done, on or after the meeting that set it."""
    if meeting is None:
        return
    for name, what in (("due", "due"), ("completed", "done")):
        day = v.get(name)
        if day is not None and day < meeting:
            raise CellProblem(
                name,
                f"{day} is before the meeting that sets {v['id']} ({meeting}); an action is "
                f"{what} on or after it: check the dates",
            )


def _validated(job: _Job, item: dict[str, Any]) -> None:
    from pydantic import ValidationError

    from psstrat.model.paper import Action

    try:
        Action.model_validate(item, context=job.repo.settings.validation_context)
    except ValidationError as exc:
        raise CellProblem(
            None, f"{item['id']} would not validate: {exc.errors()[0]['msg']}"
        ) from None


def _changes(job: _Job, row: r.Row, path: tuple[Any, ...]) -> Plan:
    """What brings the existing action at ``path`` to its row: its text, owner, due date and
    strands set in place, its completion recorded on its day, its marking raised."""
    v, data = row.values, job.meetings.data
    found = at(data, path)
    meeting = dated(at(data, path[:2]).get("date"))
    action_id = v["id"]
    if v.get("meeting") is not None and v["meeting"] != meeting:
        raise CellProblem(
            "meeting",
            f"{action_id} was set at the meeting on {meeting}, not {v['meeting']}; an action "
            "stays with the meeting that set it: correct the cell",
        )
    _after_meeting(v, meeting)
    plans: list[Plan | None] = []
    for name in ("text", "owner", "due"):
        if v.get(name) is not None and not same(found.get(name), v[name]):
            plans.append(set_plan(MEETINGS, path, action_id, name, found.get(name), v[name]))
    if v.get("strands") and list(found.get("strands") or []) != v["strands"]:
        plans.append(
            set_plan(MEETINGS, path, action_id, "strands", found.get("strands"), v["strands"])
        )
    item = Target("action", action_id)
    plans.append(done_plan(job.repo, item, found, job.meetings.data, MEETINGS, v.get("completed")))
    if "marking" in v:
        plans.append(raised_marking(job.repo, MEETINGS, path, found, v["marking"]))
    return merged(plans)
