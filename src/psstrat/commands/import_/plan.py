"""Plan rows (the Milestones sheet: a milestone a row, with its strand and work element) and
strand rows (the Strands sheet: a work element a row, with its strand, or a strand without
work elements).

An item the repository does not have is new: a new strand is a new file holding its new work
elements and milestones; a new work element or milestone is appended to its strand's file.
An item it has is a problem, or (``update``) the dated records and edits that bring it to its
row, as `psstrat record` makes them: an element's status or lead as an update on ``on``, a
milestone completed on its date, a re-plan agreed on ``on``, a title set in place. An empty
cell changes nothing, and a row that says what the file says changes nothing at all.

Every change to one file is made as one edit (psstrat.edits plans an edit from the file on
disk: two edits of one file would each undo the other), and what the import would write is
checked by the rules over the whole repository, as `psstrat validate` would check it after."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from psstrat.commands import record
from psstrat.commands.import_ import Created, Options, Outcome
from psstrat.edits import Edit, Plan, Repo, Target, append, at, dated, edit, set_key
from psstrat.errors import PsstratError
from psstrat.exchange import rows as r
from psstrat.exchange.cells import Owners, Unreadable
from psstrat.exchange.mapping import Mapping
from psstrat.sheets import Book, Sheet, Value

STATUSES = ("not-started", "on-track", "at-risk", "off-track", "complete", "cancelled")
NOT_RECORDED = "not-recorded"
"""What the export writes for a status with no record by its day: read as an empty cell."""


def _status(value: Value, mapping: Mapping, name: str) -> str | None:
    said = r.choice(*STATUSES, NOT_RECORDED)(value, mapping, name)
    return None if said == NOT_RECORDED else said


_PARENTS: dict[str, r.Reader] = {
    "strand": r.as_id,
    "strand.title": r.as_text,
    "element": r.as_id,
    "element.title": r.as_text,
    "element.lead": r.as_owner,
    "element.status": _status,
    "marking": r.words,
}
PLAN_READERS: dict[str, r.Reader] = {
    **_PARENTS,
    "id": r.as_id,
    "title": r.as_text,
    "due": r.as_date,
    "revised_due": r.as_date,
    "completed": r.as_date,
}
STRAND_READERS: dict[str, r.Reader] = {**_PARENTS, "strand.lead": r.as_owner}

_LEADS = ("strand.lead", "element.lead")
_STRAND_LEVEL = ("strand.title", "strand.lead")
_ELEMENT_LEVEL = ("element.title", "element.lead", "element.status")


# --- what plan and actions rows share -------------------------------------------------------


class CellProblem(Exception):
    """A row that cannot import: the field whose cell is at fault (None: the row) and why."""

    def __init__(self, name: str | None, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass
class Unit:
    """Changes to one file that stand or fall together, and the rows they come from."""

    rows: list[r.Row]
    plan: Plan


def called(name: str | None, make: Callable[[], Plan]) -> Plan:
    """``make()``; its refusal as a problem at the cell of ``name``."""
    try:
        return make()
    except PsstratError as exc:
        raise CellProblem(name, str(exc)) from None


def merged(plans: Iterable[Plan | None]) -> Plan:
    changes, what, notes = [], [], []
    for p in plans:
        if p is not None:
            changes.extend(p.changes)
            what.extend(p.what)
            notes.extend(p.notes)
    return Plan(changes, what, notes)


def fail(out: Outcome, rows: Iterable[r.Row], name: str | None, message: str) -> None:
    """Each row a problem (at the cell of ``name``) and left out."""
    for row in rows:
        row.problem(name, message)
        skip(out, row)


def skip(out: Outcome, row: r.Row) -> None:
    """The row left out, with its problems (once)."""
    if row.where not in out.skipped:
        out.problems.extend(row.problems)
        out.skipped.append(row.where)


def same(old: Any, new: Any) -> bool:
    """Whether the file's value is the row's: text alike but for spacing, dates as dates."""
    if isinstance(old, str) and isinstance(new, str):
        return " ".join(old.split()) == " ".join(new.split())
    if isinstance(new, dt.date):
        return dated(old) == new
    return bool(old == new)


def said(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "(none)"
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:57] + "..."


def set_plan(rel: str, path: tuple[Any, ...], item_id: str, name: str, old: Any, new: Any) -> Plan:  # noqa: PLR0913 - the place, the item and the value
    return Plan(
        [set_key(rel, (*path, name), new)], [f"{item_id} {name}: {said(old)} -> {said(new)}"]
    )


def resolve_marking(repo: Repo, row: r.Row) -> None:
    """The row's marking as psstrat.yaml spells it (a problem if it lists no such one)."""
    marking = row.values.get("marking")
    if marking is None:
        return
    known = {m.lower(): m for m in repo.settings.markings}
    if marking.lower() in known:
        row.values["marking"] = known[marking.lower()]
    else:
        listed = ", ".join(repo.settings.markings)
        row.problem("marking", f"`{marking}` is not a marking; psstrat.yaml lists: {listed}")


def raised_marking(
    repo: Repo, rel: str, path: tuple[Any, ...], found: dict[str, Any], new: str
) -> Plan | None:
    """The item's marking raised to ``new`` (None when it has it); lowering is a problem: a
    sheet never lowers a marking."""
    old = found.get("marking")
    if new == old:
        return None
    item_id = str(found.get("id"))
    if repo.settings.rank(new) < repo.settings.rank(old):
        raise CellProblem(
            "marking",
            f"the row lowers {item_id}'s marking from {old} to {new}; lower a marking only with "
            f"`psstrat set marking {item_id} {new}`, which checks what it publishes",
        )
    return set_plan(rel, path, item_id, "marking", old, new)


def apply_units(
    repo: Repo, rel: str, units: list[Unit], out: Outcome, partial_rules: bool = True
) -> list[r.Row]:
    """One edit of ``rel`` making every unit's changes, made and checked through the one
    layout engine (not written); a unit that cannot be made is a problem on its rows and is
    left out. The rows whose changes are in the edit.

    ``partial_rules`` False: the edit is checked as its kind but not by the rules run on the
    file alone (psstrat.edits runs them on the strategy, the owners and the file, where every
    strand an action names is unknown); check_whole runs them on the whole repository."""
    units = [u for u in units if u.plan.changes]
    if not units:
        return []
    make = _edit if partial_rules else _planned
    made: Edit | None
    try:
        made = make(repo, rel, units)
    except PsstratError as exc:
        units = [u for u in units if _alone(make, repo, rel, u, out)]
        made = _edit_or_fail(make, repo, rel, units, out, str(exc))
    if made is None or made.after == made.before:
        return []
    out.edits.append(made)
    return [row for u in units for row in u.rows]


_Maker = Callable[[Repo, str, list[Unit]], Edit]


def _edit(repo: Repo, rel: str, units: list[Unit]) -> Edit:
    plan = merged(u.plan for u in units)
    return edit(repo, rel, lambda _data: plan, write=False)


def _planned(repo: Repo, rel: str, units: list[Unit]) -> Edit:
    """The edit as psstrat.edits makes it, checked as the file's kind (the rules are
    check_whole's)."""
    from pydantic import ValidationError

    from psstrat.repository import file_kind, model_of
    from psstrat.yamlio import CannotEdit, edit_bytes, parse_yaml

    plan = merged(u.plan for u in units)
    raw = repo.raw(rel)
    try:
        after, numbers = edit_bytes(raw, plan.changes)
    except CannotEdit as exc:
        raise PsstratError(f"{rel}: {exc}") from None
    kind = file_kind(rel)
    assert kind is not None, rel
    try:
        model_of(kind).model_validate(
            parse_yaml(after, positions=False).data, context=repo.settings.validation_context
        )
    except ValidationError as exc:
        raise PsstratError(
            f"not changed: {rel} would not validate ({exc.errors()[0]['msg']})"
        ) from None
    lines = [f"{rel}:{n}: {what}" for n, what in zip(numbers, plan.what, strict=True)]
    return Edit(rel, raw, after, lines, plan.notes, False)


def _alone(make: _Maker, repo: Repo, rel: str, unit: Unit, out: Outcome) -> bool:
    try:
        make(repo, rel, [unit])
    except PsstratError as exc:
        fail(out, unit.rows, None, str(exc))
        return False
    return True


def _edit_or_fail(  # noqa: PLR0913 - how, where, what, and why the first try failed
    make: _Maker, repo: Repo, rel: str, units: list[Unit], out: Outcome, why: str
) -> Edit | None:
    """The edit of the units that can each be made alone; if together they still cannot,
    each is a problem (with ``why`` the first try failed, when this one fails alike)."""
    if not units:
        return None
    try:
        return make(repo, rel, units)
    except PsstratError as exc:
        message = str(exc) or why
        for u in units:
            fail(out, u.rows, None, f"{message} (with the other rows that change {rel})")
        return None


def check_whole(repo: Repo, out: Outcome, rows_of: dict[str, list[r.Row]]) -> None:
    """The new files and the edits checked by the rules over the whole repository with them
    (as `psstrat validate` would run after the import): a file that would have an error it
    does not have now is left out, a problem on every row that changes it."""
    changed = {c.rel: c.text.encode() for c in out.created}
    changed.update({e.rel: e.after for e in out.edits})
    if not changed:
        return
    before = _errors(repo, {}, set(changed))
    after = _errors(repo, changed, set(changed))
    for rel, found in after.items():
        new = [d for d in found if _key(d) not in {_key(b) for b in before.get(rel, [])}]
        if not new:
            continue
        out.created = [c for c in out.created if c.rel != rel]
        out.edits = [e for e in out.edits if e.rel != rel]
        first = new[0]
        fail(
            out,
            rows_of.get(rel, []),
            None,
            f"{rel} would then have an error: {first.code}: {first.message}; {first.help}",
        )


def _errors(repo: Repo, changed: dict[str, bytes], wanted: set[str]) -> dict[str, list[Any]]:
    from psstrat.diagnostics import Severity
    from psstrat.repository import load_repository
    from psstrat.rules import run_rules
    from psstrat.safefiles import scan

    found, _ = scan(repo.root, "data")
    sources: dict[str, Any] = {
        rel: (source.read_bytes() if hasattr(source, "read_bytes") else source)
        for rel, source in found.items()
    }
    sources.update(changed)
    whole = load_repository(repo.root, repo.settings, sources, positions=False)
    out: dict[str, list[Any]] = {}
    for d in run_rules(whole, repo.today, only=Severity.ERROR):
        if d.path in wanted:
            out.setdefault(d.path, []).append(d)
    return out


def _key(problem: Any) -> tuple[str, str]:
    """A problem as the same problem before and after: the places it names left out."""
    return problem.code, re.sub(r"\.yaml:\d+(?::\d+)?", ".yaml", problem.message)


def checked(row: r.Row, name: str, kind: str) -> str | None:
    """The row's id in ``name``, if it is an id of ``kind`` (else a problem at its cell)."""
    from psstrat.commands.new import checked_id

    value = row.values.get(name)
    if value is None:
        return None
    try:
        return checked_id(kind, value)
    except ValueError as exc:
        row.problem(name, str(exc))
        return None


# --- plan and strand rows -----------------------------------------------------------------


@dataclass
class _Import:
    repo: Repo
    options: Options
    out: Outcome
    book: str
    strands_sheet: bool
    rows_of: dict[str, list[r.Row]] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)

    @property
    def on(self) -> dt.date:
        return self.options.on or self.repo.today

    def changing(self, row: r.Row, name: str, item_id: str, what: str, old: Any) -> None:
        """Refuses, without ``update``, a row that would change an item that exists."""
        if not self.options.update:
            raise CellProblem(
                name,
                f"{item_id} exists, with {what} {said(old)}; give --update to bring it to this "
                "row, or correct the cell",
            )

    def took(self, rel: str, rows: list[r.Row]) -> None:
        self.rows_of.setdefault(rel, []).extend(rows)
        self.touched.update(row.where for row in rows)


def rows(  # noqa: PLR0913 - every importer's signature
    repo: Repo, book: Book, sheet: Sheet, mapping: Mapping, options: Options, out: Outcome
) -> None:
    """The Milestones sheet: a milestone a row, with its strand and work element."""
    _rows(_Import(repo, options, out, book.name, False), book, sheet, mapping, PLAN_READERS)


def strand_rows(  # noqa: PLR0913 - every importer's signature
    repo: Repo, book: Book, sheet: Sheet, mapping: Mapping, options: Options, out: Outcome
) -> None:
    """The Strands sheet: a work element a row, with its strand, or a strand without any."""
    _rows(_Import(repo, options, out, book.name, True), book, sheet, mapping, STRAND_READERS)


def _rows(
    job: _Import, book: Book, sheet: Sheet, mapping: Mapping, readers: dict[str, r.Reader]
) -> None:
    found, ignored = r.read_rows(book, sheet, mapping, readers)
    out = job.out
    if ignored:
        out.notes.append(f"not imported (no field in the mapping): {', '.join(ignored)}")
    out.rows = len(found)
    owners = Owners(job.repo.owners)
    seen: dict[str, str] = {}
    good: list[r.Row] = []
    for row in found:
        _resolve(job, row, owners)
        if not row.problems:
            _once(job, row, seen)
        if row.problems:
            skip(out, row)
        else:
            good.append(row)
    for strand_id, strand_rows_ in _by_strand(job, good).items():
        _strand(job, strand_id, strand_rows_)
    check_whole(job.repo, out, job.rows_of)
    out.unchanged = sum(1 for row in found if not row.problems and row.where not in job.touched)


def _resolve(job: _Import, row: r.Row, owners: Owners) -> None:
    """Leads by id, role or name as owner ids (`vacant`: none); the marking as psstrat.yaml
    spells it; the ids checked, and those not given taken from the ids below them."""
    for name in _LEADS:
        if name in row.values:
            try:
                row.values[name] = owners.find(row.values[name])
            except Unreadable as exc:
                row.problem(name, str(exc))
    resolve_marking(job.repo, row)
    v = row.values
    if not job.strands_sheet:
        milestone = checked(row, "id", "milestone")
        if "id" not in v:
            row.problem(
                "id",
                "the milestone id is empty; give it (S1.2.M1: its work element's id, .M and a "
                "number)",
            )
        _parent(row, "element", milestone, "milestone")
    element = checked(row, "element", "element")
    _parent(row, "strand", element, "work element")
    checked(row, "strand", "strand")
    if "strand" not in v and not row.problems:
        row.problem("strand", "the strand id is empty; give it (S1)")


def _parent(row: r.Row, name: str, child: str | None, what: str) -> None:
    """The id in ``name`` (a work element's or a strand's) as ``child``'s id says it is;
    a problem when the row gives another."""
    if child is None:
        return
    parent = child.rsplit(".", 1)[0]
    given = row.values.get(name)
    if given is None:
        row.values[name] = parent
    elif given != parent:
        row.problem(
            name,
            f"{child} is not in {given} (its id says it is in {parent}); correct the {what} id "
            "or this cell",
        )


def _once(job: _Import, row: r.Row, seen: dict[str, str]) -> None:
    v = row.values
    item = v.get("element") or v["strand"] if job.strands_sheet else v["id"]
    name = ("element" if "element" in v else "strand") if job.strands_sheet else "id"
    if item in seen:
        row.problem(name, f"{item} is also in {seen[item]}; one row per item")
    else:
        seen[item] = row.where


def _by_strand(job: _Import, good: list[r.Row]) -> dict[str, list[r.Row]]:
    """The rows by strand, in the sheet's order, each agreeing with the rows before it on
    what its strand and work element are (a row that disagrees is a problem)."""
    groups: dict[str, list[r.Row]] = {}
    first: dict[tuple[str, str], tuple[Any, r.Row]] = {}
    for row in good:
        v = row.values
        keys = [(v["strand"], n) for n in _STRAND_LEVEL]
        if "element" in v:
            keys += [(v["element"], n) for n in _ELEMENT_LEVEL]
        for key in keys:
            if key[1] not in v:
                continue
            if key not in first:
                first[key] = (v[key[1]], row)
            elif not same(first[key][0], v[key[1]]):
                was, where = first[key]
                row.problem(
                    key[1],
                    f"{key[0]}'s {_words(key[1])} is {said(was)} in {where.where}; give it one",
                )
        if row.problems:
            skip(job.out, row)
        else:
            groups.setdefault(v["strand"], []).append(row)
    return groups


def _words(name: str) -> str:
    return name.split(".")[-1]


# --- a strand ---------------------------------------------------------------------------------


@dataclass
class _Strand:
    """An existing strand file, as the rows change it."""

    sid: str
    rel: str
    data: dict[str, Any]
    strand_done: bool = False
    elements_done: set[str] = field(default_factory=set)
    new: dict[str, list[tuple[r.Row, dict[str, Any] | None]]] = field(default_factory=dict)
    """New work elements, with each row and the milestone it brings."""

    @property
    def item(self) -> Target:
        return Target("strand", self.sid)


def _strand(job: _Import, sid: str, rows_: list[r.Row]) -> None:
    rel = f"data/strands/{sid}.yaml"
    if not (job.repo.root / rel).exists():
        _new_strand(job, sid, rel, rows_)
        return
    try:
        from psstrat.yamlio import YamlProblem, parse_yaml

        data = parse_yaml(job.repo.raw(rel), positions=False).data
    except (PsstratError, YamlProblem) as exc:
        fail(
            job.out,
            rows_,
            "strand",
            f"{rel} cannot be read ({exc}); fix it first (psstrat validate)",
        )
        return
    doc = _Strand(sid, rel, data if isinstance(data, dict) else {})
    units = []
    for row in rows_:
        try:
            units.append(Unit([row], _existing_row(job, doc, row)))
        except CellProblem as exc:
            fail(job.out, [row], exc.name, exc.message)
    units += _new_elements(job, doc)
    job.took(rel, apply_units(job.repo, rel, units, job.out))


def _existing_row(job: _Import, doc: _Strand, row: r.Row) -> Plan:
    """What one row changes in its existing strand (a new work element's row: what it
    changes in the strand; the element is appended with the others, by _new_elements)."""
    eid = row.values.get("element")
    index = _index(doc.data.get("work_elements"), eid) if eid else None
    _exists(job, doc, row, eid, index)
    plans: list[Plan | None] = [] if doc.strand_done else [_strand_level(job, doc, row)]
    if eid is not None and index is None:
        milestone = None if job.strands_sheet else _new_milestone(job, row)
        doc.new.setdefault(eid, []).append((row, milestone))
    elif eid is not None and index is not None:
        if eid not in doc.elements_done:
            plans.append(_element_level(job, doc, index, row))
        if not job.strands_sheet:
            plans.append(_milestone_part(job, doc, index, row))
    doc.strand_done = True
    if eid is not None and index is not None:
        doc.elements_done.add(eid)
    return merged(plans)


def _exists(job: _Import, doc: _Strand, row: r.Row, eid: str | None, index: int | None) -> None:
    """Without ``update``, a row whose own item exists is a problem at the item's id: a
    strand or work element of the Strands sheet, a milestone of the Milestones sheet."""
    if job.options.update:
        return
    if not job.strands_sheet:
        milestones = (
            at(doc.data, ("work_elements", index, "milestones")) if index is not None else None
        )
        name, item = (
            "id",
            row.values["id"] if _index(milestones, row.values["id"]) is not None else None,
        )
    elif eid is None:
        name, item = "strand", doc.sid
    else:
        name, item = "element", eid if index is not None else None
    if item is not None:
        raise CellProblem(name, f"{item} exists ({doc.rel}); give --update to bring it to this row")


def _index(items: Any, item_id: str | None) -> int | None:
    for i, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict) and item.get("id") == item_id:
            return i
    return None


def _strand_level(job: _Import, doc: _Strand, row: r.Row) -> Plan:
    v, data = row.values, doc.data
    plans: list[Plan | None] = []
    if "strand.title" in v and not same(data.get("title"), v["strand.title"]):
        job.changing(row, "strand.title", doc.sid, "the title", data.get("title"))
        plans.append(set_plan(doc.rel, (), doc.sid, "title", data.get("title"), v["strand.title"]))
    if (
        "strand.lead" in v
        and v["strand.lead"] != data.get("lead")
        and not _held(job, data, "lead", v["strand.lead"])
    ):
        job.changing(row, "strand.lead", doc.sid, "the lead", job.repo.label(data.get("lead")))
        plans.append(_recorded(job, doc, (), None, v["strand.lead"]))
    if job.strands_sheet and "element" not in v and "marking" in v:
        plans.append(_marking(job, doc, (), data, v["marking"]))
    return merged(plans)


def _marking(
    job: _Import, doc: _Strand, path: tuple[Any, ...], found: dict[str, Any], new: str
) -> Plan | None:
    p = raised_marking(job.repo, doc.rel, path, found, new)
    if p is not None and not job.options.update:
        raise CellProblem(
            "marking",
            f"{found.get('id')} exists, marked {said(found.get('marking'))}; give --update to "
            "raise its marking, or correct the cell",
        )
    return p


def _element_level(job: _Import, doc: _Strand, index: int, row: r.Row) -> Plan:
    v, path = row.values, ("work_elements", index)
    found = at(doc.data, path)
    eid = str(found.get("id"))
    plans: list[Plan | None] = []
    if "element.title" in v and not same(found.get("title"), v["element.title"]):
        job.changing(row, "element.title", eid, "the title", found.get("title"))
        plans.append(set_plan(doc.rel, path, eid, "title", found.get("title"), v["element.title"]))
    status = v.get("element.status")
    if status == found.get("status", "not-started") or _held(job, found, "status", status):
        status = None
    if status is not None:
        job.changing(row, "element.status", eid, "the status", found.get("status", "not-started"))
    lead = v.get("element.lead", record.NOT_GIVEN)
    if lead == found.get("lead") or _held(job, found, "lead", lead):
        lead = record.NOT_GIVEN
    if lead is not record.NOT_GIVEN:
        job.changing(row, "element.lead", eid, "the lead", job.repo.label(found.get("lead")))
    if status is not None or lead is not record.NOT_GIVEN:
        plans.append(_recorded(job, doc, path, status, lead))
    if job.strands_sheet and "marking" in v:
        plans.append(_marking(job, doc, path, found, v["marking"]))
    return merged(plans)


def _held(job: _Import, found: dict[str, Any], key: str, value: Any) -> bool:
    """True, with a note, when a dated record of the item held ``value`` before its latest:
    the row is from a sheet as at an earlier day (an export `--as-of`), and says what was so
    then, not a change."""
    if value is None or value is record.NOT_GIVEN:
        return False
    dates = [
        d
        for u in found.get("updates") or []
        if isinstance(u, dict) and key in u and u.get(key) == value
        if (d := dated(u.get("date")))
    ]
    if not dates:
        return False
    job.out.notes.append(
        f"{found.get('id')}: the row's {key} ({value}) is what it was on {max(dates)}; a sheet "
        f"as at an earlier day changes nothing (record a change with psstrat record {key})"
    )
    return True


def _recorded(
    job: _Import, doc: _Strand, path: tuple[Any, ...], status: str | None, lead: Any
) -> Plan:
    """An update on ``on`` recording the status and (or) the lead the row gives, as `psstrat
    record status` and `record lead` write it; refused when the item has a later record of
    either (the update would not be its latest, and the row would still differ)."""
    found = at(doc.data, path)
    item = Target("element" if path else "strand", str(found.get("id")))
    given = {"status": status, "lead": lead}
    cells = {"status": "element.status", "lead": "element.lead" if path else "strand.lead"}
    parts = []
    for key in ("status", "lead"):
        if given[key] is record.NOT_GIVEN or (key == "status" and given[key] is None):
            continue
        last = max(
            (
                d
                for u in found.get("updates") or []
                if isinstance(u, dict) and key in u
                if (d := dated(u.get("date")))
            ),
            default=None,
        )
        if last is not None and job.on < last:
            raise CellProblem(
                cells[key],
                f"{item.id}'s {key} was last recorded on {last}, after {job.on}; give --on {last} "
                f"or later, or record it by hand (psstrat record {key})",
            )
        parts.append(f"{key} {given[key] if key == 'status' else job.repo.label(given[key])}")
    text = f"{' and '.join(parts).capitalize()} as the sheet {job.book} gives it."
    draft = record.UpdateDraft(job.on, text, status=status, lead=lead)
    return called(
        cells["status" if status else "lead"],
        lambda: record.update(job.repo, item, draft)(doc.data),
    )


def _milestone_part(job: _Import, doc: _Strand, index: int, row: r.Row) -> Plan:
    v, epath = row.values, ("work_elements", index)
    mid = v["id"]
    mindex = _index(at(doc.data, (*epath, "milestones")), mid)
    if mindex is None:
        m = _new_milestone(job, row)
        eid = v["element"]
        return Plan(
            [append(doc.rel, (*epath, "milestones"), m)],
            [f"{eid} milestones: + {mid} {said(m['title'])} (due {m['due']})"],
        )
    return _milestone_changes(job, doc, (*epath, "milestones", mindex), row)


def _milestone_changes(job: _Import, doc: _Strand, path: tuple[Any, ...], row: r.Row) -> Plan:
    v, found = row.values, at(doc.data, path)
    mid = v["id"]
    plans: list[Plan | None] = []
    item = Target("milestone", mid)
    if "title" in v and not same(found.get("title"), v["title"]):
        plans.append(set_plan(doc.rel, path, mid, "title", found.get("title"), v["title"]))
    if "due" in v and not same(found.get("due"), v["due"]):
        raise CellProblem(
            "due",
            f"{mid} is due on {said(found.get('due'))} (its baseline, which stays as it was); a "
            "new date is a re-plan: give it as the revised due (psstrat record replan)",
        )
    if "revised_due" in v and not same(found.get("revised_due"), v["revised_due"]):
        plans.append(
            called(
                "revised_due",
                lambda: record.replan(job.repo, item, v["revised_due"], job.on)(doc.data),
            )
        )
    plans.append(done_plan(job.repo, item, found, doc.data, doc.rel, v.get("completed")))
    if "marking" in v:
        plans.append(raised_marking(job.repo, doc.rel, path, found, v["marking"]))
    return merged(plans)


# Named exception (PLR0913): who, the item, its values, the file's values and name, the day.
def done_plan(  # noqa: PLR0913
    repo: Repo, item: Target, found: dict[str, Any], data: dict[str, Any], rel: str, day: Any
) -> Plan | None:
    """The row's completion date as `psstrat record done` writes it: nothing when the item
    has it; a problem when it has another, or the day is after today. (Milestones and
    actions alike.)"""
    if day is None:
        return None
    was = dated(found.get("completed"))
    if was == day:
        return None
    if was is not None:
        raise CellProblem(
            "completed",
            f"{item.id} was completed on {was}, not {day}; correct `completed` in {rel} if "
            "the row is right",
        )
    if day > repo.today:
        raise CellProblem(
            "completed", f"{day} is after today ({repo.today}); record what has happened"
        )
    return called("completed", lambda: record.done(repo, item, day)(data))


# --- new items --------------------------------------------------------------------------------


def _new_milestone(job: _Import, row: r.Row) -> dict[str, Any]:
    """The row's new milestone, as `psstrat new milestone` writes one (with its re-plan,
    agreed on ``on``, its completion and its marking when the row gives them)."""
    from pydantic import ValidationError

    from psstrat.model.strand import Milestone

    v = row.values
    for name in ("title", "due"):
        if name not in v:
            raise CellProblem(name, f"a new milestone needs its {name}; fill the cell")
    m: dict[str, Any] = {"id": v["id"], "title": v["title"], "due": v["due"]}
    if "revised_due" in v and v["revised_due"] != v["due"]:
        m["revised_due"] = v["revised_due"]
    if "completed" in v:
        m["completed"] = v["completed"]
    if "revised_due" in m:
        m["revised_on"] = job.on
    if "marking" in v:
        m["marking"] = v["marking"]
    try:
        Milestone.model_validate(m, context=job.repo.settings.validation_context)
    except ValidationError as exc:
        raise CellProblem(None, f"{v['id']} would not validate: {exc.errors()[0]['msg']}") from None
    return m


def _new_element(
    job: _Import, eid: str, rows_: list[r.Row], milestones: list[dict[str, Any]]
) -> dict[str, Any]:
    """A new work element, as `psstrat new element` writes one, holding its milestones."""
    values: dict[str, Any] = {}
    for row in rows_:
        for name in (*_ELEMENT_LEVEL, "marking"):
            if name in row.values:
                values.setdefault(name, row.values[name])
    if "element.title" not in values:
        raise CellProblem(
            "element.title", f"a new work element ({eid}) needs its title; fill the cell"
        )
    element: dict[str, Any] = {
        "id": eid,
        "title": values["element.title"],
        "lead": values.get("element.lead"),
        "status": values.get("element.status") or "not-started",
    }
    if job.strands_sheet and "marking" in values:
        element["marking"] = values["marking"]
    elif not job.strands_sheet and (lowest := _lowest_marking(job, rows_)) is not None:
        element["marking"] = lowest  # made only for marked milestones: not shown above them
    if milestones:
        element["milestones"] = milestones
    return element


def _lowest_marking(job: _Import, rows_: list[r.Row]) -> str | None:
    """The lowest marking of the rows' milestones when every one is marked above the lowest
    marking: a strand or element made for them alone takes it (fail closed: what only marked
    rows name is not published open). None when any is not."""
    settings = job.repo.settings
    given = [row.values.get("marking") for row in rows_]
    if not given or any(m is None or settings.rank(m) == 0 for m in given):
        return None
    return min(given, key=settings.rank)


def _new_elements(job: _Import, doc: _Strand) -> list[Unit]:
    units = []
    for eid, brought in doc.new.items():
        rows_ = [row for row, _ in brought]
        milestones = [m for _, m in brought if m is not None]
        try:
            element = _new_element(job, eid, rows_, milestones)
        except CellProblem as exc:
            fail(job.out, rows_, exc.name, exc.message)
            continue
        title, count = said(element["title"]), len(milestones)
        what = f"{doc.sid} work_elements: + {eid} {title} ({count} milestones)"
        units.append(Unit(rows_, Plan([append(doc.rel, ("work_elements",), element)], [what])))
    return units


def _new_strand(job: _Import, sid: str, rel: str, rows_: list[r.Row]) -> None:
    """A new strand file, as `psstrat new strand` writes one, holding the rows' work elements
    and milestones."""
    from pydantic import ValidationError

    from psstrat.model.strand import Strand
    from psstrat.yamlio import document_text

    doc = _Strand(sid, rel, {})
    values: dict[str, Any] = {}
    kept = []
    for row in rows_:
        try:
            _new_strand_row(job, doc, row)
        except CellProblem as exc:
            fail(job.out, [row], exc.name, exc.message)
            continue
        kept.append(row)
        for name in ("strand.title", "strand.lead"):
            values.setdefault(name, row.values.get(name))
        if job.strands_sheet and "element" not in row.values and "marking" in row.values:
            values.setdefault("marking", row.values["marking"])
    if not kept:
        return
    if values.get("strand.title") is None:
        fail(job.out, kept, "strand.title", f"a new strand ({sid}) needs its title; fill the cell")
        return
    elements = []
    for unit in _new_elements(job, doc):
        elements.append(unit.plan.changes[0].value)
    kept = [row for row in kept if not row.problems]
    data: dict[str, Any] = {
        "id": sid,
        "title": values["strand.title"],
        "lead": values.get("strand.lead"),
        "outcomes": [],
    }
    marking = values.get("marking") or (None if job.strands_sheet else _lowest_marking(job, kept))
    if marking is not None:  # (from milestones alone: made only for marked ones)
        data["marking"] = marking
    data["work_elements"] = elements
    try:
        Strand.model_validate(data, context=job.repo.settings.validation_context)
    except ValidationError as exc:
        fail(job.out, kept, None, f"{sid} would not validate: {exc.errors()[0]['msg']}")
        return
    count = sum(len(e.get("milestones", [])) for e in elements)
    what = f"+ {rel} ({sid}: {values['strand.title']}; {len(elements)} work elements, "
    what += f"{count} milestones)"
    job.out.created.append(Created(rel, document_text(data), what))
    job.took(rel, kept)


def _new_strand_row(job: _Import, doc: _Strand, row: r.Row) -> None:
    eid = row.values.get("element")
    if eid is None:
        return
    milestone = None if job.strands_sheet else _new_milestone(job, row)
    doc.new.setdefault(eid, []).append((row, milestone))
