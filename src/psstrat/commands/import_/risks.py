"""Risk register rows: each a new risk file, or (``update``) the dated records and edits that
bring an existing risk to what its row says."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from psstrat.commands.import_ import Created, Options, Outcome
from psstrat.edits import Plan, Planner, Repo, Target, append, dated, edit, set_key
from psstrat.errors import PsstratError
from psstrat.exchange import rows as r
from psstrat.exchange.cells import Ambiguous, Owners, UnknownOwner, Unreadable, owner_command
from psstrat.exchange.mapping import Mapping
from psstrat.sheets import Book, Sheet

READERS: dict[str, r.Reader] = {
    "id": r.as_id,
    "title": r.as_text,
    "description": r.as_multiline,
    "category": r.words,
    "owner": r.as_owner,
    "raised": r.as_date,
    "source": r.as_id,
    "strands": r.as_ids,
    "inherent.likelihood": r.as_score,
    "inherent.impact": r.as_score,
    "inherent": r.as_pair,
    "residual.likelihood": r.as_score,
    "residual.impact": r.as_score,
    "residual": r.as_pair,
    "residual.date": r.as_date,
    "target.likelihood": r.as_score,
    "target.impact": r.as_score,
    "treatment": r.choice("tolerate", "treat", "transfer", "terminate"),
    "controls": r.as_controls,
    "escalated.to": r.as_text,
    "escalated.date": r.as_date,
    "review_date": r.as_date,
    "status": r.choice("open", "closed"),
    "closed": r.as_date,
    "marking": r.words,
}

_ORDER = (
    "id", "title", "description", "category", "owner", "raised", "source", "strands",
    "inherent", "residual", "target", "treatment", "controls", "escalated", "review_date",
    "status", "closed", "marking",
)  # fmt: skip


# Named exception (PLR0913): every importer takes what it reads (book, sheet, mapping), how
# (options), where (repo) and what it makes (out); psstrat.commands.import_.run calls them.
def rows(  # noqa: PLR0913
    repo: Repo, book: Book, sheet: Sheet, mapping: Mapping, options: Options, out: Outcome
) -> None:
    found, ignored = r.read_rows(book, sheet, mapping, READERS)
    if ignored:
        out.notes.append(f"not imported (no field in the mapping): {', '.join(ignored)}")
    out.rows = len(found)
    register = _Register(repo, "id" not in mapping.columns.values())
    out.notes.extend(register.notes)
    news: list[tuple[r.Row, dict[str, Any]]] = []
    for row in found:
        risk_id = register.id_of(row)
        existing = risk_id if risk_id in register.existing else None
        _resolve(row, repo, register.owners, out, functools.partial(_current_owner, repo, existing))
        if row.problems or risk_id is None:
            _skip(out, row)
        elif risk_id in register.existing:
            if options.update:
                _update(repo, row, risk_id, options, out)
            else:
                row.problem(
                    "id",
                    f"{risk_id} exists (data/risks/{risk_id}.yaml); give --update to bring it "
                    "to this row",
                )
                _skip(out, row)
        else:
            data = _new(row, repo, options)
            if row.problems:
                _skip(out, row)
            else:
                news.append((row, data))
    _check_new(repo, news, out)


class _Register:
    """The risks there are, and the ids and titles the rows so far have taken."""

    def __init__(self, repo: Repo, numbered: bool) -> None:
        folder = repo.root / "data" / "risks"
        self.existing = {p.stem for p in folder.glob("R*.yaml")} if folder.is_dir() else set()
        self.numbered = numbered
        self.notes: list[str] = []
        taken = self.existing
        if numbered:  # as `psstrat new risk` counts: every branch, and every id ever used
            from psstrat.commands.new import Census

            census = Census(repo.root)
            taken = taken | census.names("risks")
            self.notes = census.notes
        self.numbers = {int(i[1:]) for i in taken if i[1:].isdigit()}
        """No id column: each row is a new risk, numbered from the next free number."""
        self.titles = _titles(repo, self.existing) if numbered else {}
        self.seen: dict[str, str] = {}
        self.owners = Owners(repo.owners)

    def id_of(self, row: r.Row) -> str | None:
        """The row's risk id (a new number when the sheet has none), or None with the
        problem said."""
        if self.numbered:
            return self._numbered(row)
        risk_id = row.values.get("id")
        if risk_id is None:
            row.problem("id", "the risk id is empty; give it (R0001), or leave the column unmapped")
        elif not _is_risk_id(risk_id):
            row.problem(
                "id",
                f"`{risk_id}` is not a psstrat risk id (R and four digits: R0001); renumber the "
                "column, or leave it unmapped to number the risks in order",
            )
        elif risk_id in self.seen:
            row.problem("id", f"{risk_id} is also in {self.seen[risk_id]}; one row per risk")
        else:
            self.seen[risk_id] = row.where
            return str(risk_id)
        return None

    def _numbered(self, row: r.Row) -> str | None:
        title = " ".join(str(row.values.get("title", "")).split()).lower()
        if title in self.titles:
            row.problem(
                "title",
                f"{self.titles[title]} has this title already: with no id column each row is a "
                "new risk; to change existing risks from a sheet, import one with their ids and "
                "--update (psstrat export writes one)",
            )
            return None
        if title:
            self.titles[title] = row.where
        number = max(self.numbers, default=0) + 1
        self.numbers.add(number)
        risk_id = f"R{number:04d}" if number < 10_000 else f"R{number:05d}"
        row.values["id"] = risk_id
        return risk_id


def _titles(repo: Repo, existing: set[str]) -> dict[str, str]:
    """Each existing risk's title (folded), to its id, each file read as the loader reads it:
    a sheet without ids is matched by title only to refuse importing a risk twice."""
    from psstrat.yamlio import YamlProblem, parse_yaml, read_bytes

    found: dict[str, str] = {}
    for risk_id in sorted(existing):
        try:
            data = parse_yaml(read_bytes(repo.root / "data" / "risks" / f"{risk_id}.yaml")).data
        except (OSError, YamlProblem):
            continue
        title = data.get("title") if isinstance(data, dict) else None
        if isinstance(title, str):
            found[" ".join(title.split()).lower()] = risk_id
    return found


def _skip(out: Outcome, row: r.Row) -> None:
    out.problems.extend(row.problems)
    out.skipped.append(row.where)


def _is_risk_id(value: str) -> bool:
    import re

    return re.fullmatch(r"R\d{4}|R[1-9]\d{4}", value) is not None


def _current_owner(repo: Repo, risk_id: str | None) -> str | None:
    """The risk's `owner:` as its file has it, read as the loader reads it (asked for only
    when the row's words name several owners: the risk's own is then the one meant)."""
    if risk_id is None:
        return None
    from psstrat.yamlio import YamlProblem, parse_yaml, read_bytes

    try:
        data = parse_yaml(read_bytes(repo.root / "data" / "risks" / f"{risk_id}.yaml")).data
    except (OSError, YamlProblem):
        return None
    owner = data.get("owner") if isinstance(data, dict) else None
    return owner if isinstance(owner, str) else None


def _resolve(
    row: r.Row, repo: Repo, owners: Owners, out: Outcome, current: Callable[[], str | None]
) -> None:
    """Owners by role or name as their ids; the marking one psstrat.yaml lists; `4x5` cells
    as a likelihood and an impact."""
    owner_of(row, "owner", owners, out, current)
    marking_of(row, repo.settings.markings)
    for pair in ("inherent", "residual", "target"):
        _pair(row, pair)


def owner_of(
    row: r.Row,
    name: str,
    owners: Owners,
    out: Outcome,
    current: Callable[[], str | None] = lambda: None,
) -> None:
    """The row's ``name`` (an owner as the sheet names them) as the owner's id; an owner
    data/owners.yaml lacks is a problem and proposed (the command that adds them)."""
    if name not in row.values:
        return
    try:
        try:
            row.values[name] = owners.find(row.values[name])
        except Ambiguous:  # the item's own owner, if it is one of them
            row.values[name] = owners.find(row.values[name], current())
    except UnknownOwner as exc:
        row.problem(name, str(exc))
        if owner_command(exc.said) not in out.proposed:
            out.proposed.append(owner_command(exc.said))
    except Unreadable as exc:
        row.problem(name, str(exc))


def marking_of(row: r.Row, markings: list[str]) -> None:
    """The row's marking as psstrat.yaml spells it (any case), or a problem."""
    marking = row.values.get("marking")
    if marking is None:
        return
    known = {m.lower(): m for m in markings}
    if marking.lower() in known:
        row.values["marking"] = known[marking.lower()]
    else:
        row.problem(
            "marking", f"`{marking}` is not a marking; psstrat.yaml lists: {', '.join(markings)}"
        )


def _pair(row: r.Row, pair: str) -> None:
    combined = row.values.pop(pair, None)
    if combined is not None:
        row.values.setdefault(f"{pair}.likelihood", combined[0])
        row.values.setdefault(f"{pair}.impact", combined[1])
    unread = {p.where for p in row.problems}
    if any(row.cells.get(f"{pair}.{part}") in unread for part in ("likelihood", "impact")):
        return  # said already
    got = [f"{pair}.likelihood" in row.values, f"{pair}.impact" in row.values]
    if any(got) and not all(got):
        missing = "impact" if got[0] else "likelihood"
        row.problem(
            f"{pair}.{missing}",
            f"the {pair} {missing} is empty; give both the likelihood and the impact",
        )


def _assessment(values: dict[str, Any], pair: str) -> dict[str, int] | None:
    if f"{pair}.likelihood" not in values:
        return None
    return {"likelihood": values[f"{pair}.likelihood"], "impact": values[f"{pair}.impact"]}


def _new(row: r.Row, repo: Repo, options: Options) -> dict[str, Any]:
    """The new risk's values, in the order the format writes them."""
    v = row.values
    on = options.on or repo.today
    for name in ("title", "category"):
        if name not in v:
            row.problem(name, f"a new risk needs its {name}; fill the cell")
    inherent = _assessment(v, "inherent")
    residual = _assessment(v, "residual")
    if residual is None and inherent is None:
        row.problem(
            "residual.likelihood", "a new risk needs a likelihood and an impact; fill the cells"
        )
    raised = v.get("raised") or on
    data: dict[str, Any] = {
        "id": v.get("id"),
        "title": v.get("title"),
        "description": v.get("description"),
        "category": v.get("category"),
        "owner": v.get("owner"),
        "raised": raised,
        "source": v.get("source"),
        "strands": v.get("strands") or None,
        "inherent": inherent or residual,
        "residual": {**(residual or inherent or {}), "date": v.get("residual.date") or raised},
        "target": _assessment(v, "target"),
        "treatment": v.get("treatment"),
        "controls": [{"description": c} for c in v.get("controls", [])] or None,
        "escalated": (
            {"to": v["escalated.to"], "date": v.get("escalated.date") or raised}
            if "escalated.to" in v
            else None
        ),
        "review_date": v.get("review_date"),
        "status": v.get("status") if v.get("status") == "closed" else None,
        "closed": v.get("closed") or (on if v.get("status") == "closed" else None),
        "marking": v.get("marking"),
    }
    if data["closed"] is not None and data["status"] is None:
        data["status"] = "closed"
    return {k: data[k] for k in _ORDER if data[k] is not None}


def _check_new(repo: Repo, news: list[tuple[r.Row, dict[str, Any]]], out: Outcome) -> None:
    """Each new risk validated as its kind, then the rules run on the repository with them
    (as `psstrat validate` would after the import); a row whose risk has an error is a
    problem there."""
    if not news:
        return
    from pydantic import ValidationError

    from psstrat.diagnostics import Severity
    from psstrat.messages import schema_problems
    from psstrat.model.risk import Risk
    from psstrat.repository import load_repository
    from psstrat.rules import run_rules
    from psstrat.safefiles import scan
    from psstrat.yamlio import Positions

    valid: list[tuple[r.Row, dict[str, Any]]] = []
    for row, data in news:
        try:
            Risk.model_validate(data, context=repo.settings.validation_context)
        except ValidationError as exc:
            said = next(schema_problems(exc, Risk, data, Positions()))
            row.problem(None, f"{data['id']} would not validate: {said.message}")
            _skip(out, row)
            continue
        valid.append((row, data))
    laid_out = _laid_out([data for _, data in valid])
    texts = {
        f"data/risks/{data['id']}.yaml": (row, text)
        for (row, data), text in zip(valid, laid_out, strict=True)
    }
    if not texts:
        return
    found, _ = scan(repo.root, "data")
    sources: dict[str, Any] = {rel: _bytes(source) for rel, source in found.items()}
    sources.update({rel: text.encode() for rel, (_, text) in texts.items()})
    whole = load_repository(repo.root, repo.settings, sources, positions=False)
    errors: dict[str, list[str]] = {}
    for d in run_rules(whole, repo.today, only=Severity.ERROR):
        if d.path in texts:
            errors.setdefault(d.path, []).append(f"{d.code}: {d.message}; {d.help}")
    for rel, (row, text) in texts.items():
        if rel in errors:
            row.problem(None, f"{rel.rsplit('/', 1)[1][:-5]} would have an error: {errors[rel][0]}")
            _skip(out, row)
        else:
            out.created.append(
                Created(rel, text, f"+ {rel} ({row.values['id']}: {row.values.get('title')})")
            )


PARALLEL_FROM = 200
"""Files laid out in worker processes from this many on (each takes the layout engine, a
ruamel.yaml round trip, about 4 ms)."""


def _laid_out(items: list[dict[str, Any]]) -> list[str]:
    """Each new risk's file, as `fmt` lays it out: in worker processes when there are many
    and more than one core (the texts are the same either way)."""
    import os
    import sys

    cores = os.cpu_count() or 1
    if len(items) < PARALLEL_FROM or cores < 2 or sys.platform != "linux":
        return [layout(item) for item in items]
    from psstrat.parallel import ordered_map

    return list(ordered_map(layout, items, workers=min(cores, 4), chunksize=64))


def layout(item: dict[str, Any]) -> str:
    """A new risk's file as the layout engine writes it. Most new risks are scalars and small
    flow mappings: their text is made directly (`quick_text`: the same bytes, as
    tests/test_import.py checks over generated risks) and kept only when it reads back as the
    same values; anything else is made by the round trip (4 ms a file)."""
    from psstrat.yamlio import document_text, parse_yaml, quick_text
    from psstrat.yamlio.editing import plain

    text = quick_text(item)
    if text is not None and parse_yaml(text.encode(), positions=False).data == plain(item):
        return text
    return document_text(item)


def _bytes(source: Any) -> Any:
    from pathlib import Path

    return source.read_bytes() if isinstance(source, Path) else source


# --- an existing risk, brought to its row ---------------------------------------------------


def _update(repo: Repo, row: r.Row, risk_id: str, options: Options, out: Outcome) -> None:
    item = Target("risk", risk_id)
    try:
        made = edit(repo, item.rel, _planner(repo, item, row, options), write=False)
    except PsstratError as exc:
        row.problem(None, f"{risk_id}: {exc}")
        _skip(out, row)
        return
    if made.after == made.before:
        out.unchanged += 1
        out.notes.extend(made.notes)
    else:
        out.edits.append(made)


class _Plans:
    """The plans an edit is made of, one after another."""

    def __init__(self) -> None:
        self.changes: list[Any] = []
        self.what: list[str] = []
        self.notes: list[str] = []

    def add(self, plan: Plan | None) -> None:
        if plan is not None:
            self.changes.extend(plan.changes)
            self.what.extend(plan.what)
            self.notes.extend(plan.notes)

    def plan(self) -> Plan:
        return Plan(self.changes, self.what, self.notes)


def _planner(repo: Repo, item: Target, row: r.Row, options: Options) -> Planner:
    v = row.values
    on = options.on or repo.today

    def plan(data: dict[str, Any]) -> Plan:
        plans = _Plans()
        _in_place(repo, item, data, v, plans)
        _dated(repo, item, data, v, on, plans)
        return plans.plan()

    return plan


def _in_place(
    repo: Repo, item: Target, data: dict[str, Any], v: dict[str, Any], plans: _Plans
) -> None:
    """What is not dated, set where it differs (an empty cell is no difference)."""
    for name in ("title", "description", "category", "source", "treatment", "review_date"):
        if name in v and _differs(data.get(name), v[name]):
            plans.add(_set(item, name, data.get(name), v[name]))
    if "strands" in v and list(data.get("strands") or []) != v["strands"]:
        plans.add(_set(item, "strands", data.get("strands"), v["strands"]))
    for pair in ("inherent", "target"):
        new = _assessment(v, pair)
        if new is not None and _pair_of(data.get(pair)) != new:
            plans.add(_set(item, pair, data.get(pair), new))
    if "marking" in v and v["marking"] != data.get("marking"):
        if repo.settings.rank(v["marking"]) < repo.settings.rank(data.get("marking")):
            raise PsstratError(
                f"the row lowers its marking to {v['marking']}; lower a marking only with "
                f"`psstrat set marking {item.id} {v['marking']}`, which checks what it publishes"
            )
        plans.add(_set(item, "marking", data.get("marking"), v["marking"]))
    plans.add(_controls(item, data, v.get("controls", [])))


# Named exception (PLR0913): the risk, its values, the row's, the day and the plans to add to.
def _dated(  # noqa: PLR0913
    repo: Repo, item: Target, data: dict[str, Any], v: dict[str, Any], on: dt.date, plans: _Plans
) -> None:
    """What changes on a date, as the records `psstrat record` writes."""
    from psstrat.commands import record

    plans.add(_residual(repo, item, data, v, on))
    if "owner" in v and v["owner"] != data.get("owner"):
        earlier = [
            u.get("date")
            for u in data.get("updates") or []
            if isinstance(u, dict) and "owner" in u and u.get("owner") == v["owner"]
        ]
        if earlier:  # a sheet as at an earlier day: what was so then, not a change
            plans.notes.append(
                f"{item.id}: the row's owner is who owned it on {max(map(str, earlier))}; a "
                "sheet as at an earlier day changes nothing (psstrat record owner changes it)"
            )
        else:
            plans.add(record.owner(repo, item, v["owner"], on, None)(data))
    _ignored(item, data, v, plans)
    if "escalated.to" in v and data.get("escalated") is None and not _escalated_by(plans.changes):
        plans.add(
            record.escalate(repo, item, v["escalated.to"], v.get("escalated.date") or on)(data)
        )
    if v.get("status") == "open" and "closed" in v:
        raise PsstratError("the row says open and gives a Closed date; clear one of the two")
    if v.get("status") == "closed" or "closed" in v:
        if data.get("status") != "closed":
            plans.add(record.close(repo, item, v.get("closed") or on, None)(data))
    elif v.get("status") == "open" and data.get("status") == "closed":
        plans.notes.append(
            f"{item.id} is closed (on {data.get('closed')}); its row says open (a sheet from "
            "before then?): left closed; to reopen it, edit its YAML file"
        )


def _ignored(item: Target, data: dict[str, Any], v: dict[str, Any], plans: _Plans) -> None:
    """A note for each value the row gives that an update does not change: when the risk was
    raised, and an escalation the risk already has (the format holds one)."""
    if "raised" in v and _differs(data.get("raised"), v["raised"]):
        plans.notes.append(
            f"{item.id}: the row's Raised ({v['raised']}) is not changed from "
            f"{data.get('raised')}; edit `raised:` in its file if it is wrong"
        )
    escalated = data.get("escalated")
    if isinstance(escalated, dict) and "escalated.to" in v:
        to, on = v["escalated.to"], v.get("escalated.date")
        if _differs(escalated.get("to"), to) or (
            on is not None and _differs(escalated.get("date"), on)
        ):
            plans.notes.append(
                f"{item.id} was escalated to {escalated.get('to')} on {escalated.get('date')}; "
                "the row's other escalation is not recorded (the format holds one)"
            )


def _escalated_by(changes: list[Any]) -> bool:
    return any(getattr(c, "path", None) == ("escalated",) for c in changes)


def _differs(current: Any, new: Any) -> bool:
    if isinstance(current, str) and isinstance(new, str):
        return " ".join(current.split()) != " ".join(new.split())
    return dated(current) != new if isinstance(new, dt.date) else current != new


def _pair_of(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    return {"likelihood": value.get("likelihood"), "impact": value.get("impact")}


def _set(item: Target, name: str, old: Any, new: Any) -> Plan:
    return Plan(
        [set_key(item.rel, (name,), new)], [f"{item.id} {name}: {_said(old)} -> {_said(new)}"]
    )


def _said(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, dict) and "likelihood" in value:
        return f"{value['likelihood']}x{value['impact']}"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "(none)"
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _residual(
    repo: Repo, item: Target, data: dict[str, Any], v: dict[str, Any], on: dt.date
) -> Plan | None:
    """The row's residual: nothing when the risk holds it (now or in its history, for an
    older sheet); a re-assessment when it is newer; else a problem."""
    from psstrat.commands import record

    new = _assessment(v, "residual")
    if new is None:
        return None
    day = v.get("residual.date")
    found = data.get("residual")
    current: dict[str, Any] = found if isinstance(found, dict) else {}
    last = dated(current.get("date"))
    if _pair_of(current) == new and (day is None or day == last):
        return None
    for old in data.get("history") or []:
        if isinstance(old, dict) and _pair_of(old) == new and dated(old.get("date")) == day:
            return None  # an older sheet: that assessment is in the history
    when = day or on
    if last is not None and when <= last:
        raise PsstratError(
            f"the row's residual {new['likelihood']}x{new['impact']} of {when} is not the "
            f"assessment of that day, and it was last assessed on {last} "
            f"({current.get('likelihood')}x{current.get('impact')}); give the row's assessment "
            "its own date (a later one), or correct `residual` in the YAML"
        )
    return record.assess(
        repo,
        item,
        record.Assessment(
            new["likelihood"],
            new["impact"],
            when,
            v.get("escalated.to"),
            v.get("escalated.date"),
            None,
        ),
    )(data)


def _controls(item: Target, data: dict[str, Any], given: list[str]) -> Plan:
    """Controls the row names that the risk does not have, added (as planned); the risk's
    other controls are kept as they are (a sheet never deletes a record)."""
    have = {
        " ".join(str(c.get("description", "")).split())
        for c in data.get("controls") or []
        if isinstance(c, dict)
    }
    changes, what = [], []
    for control in given:
        if control not in have:
            changes.append(append(item.rel, ("controls",), {"description": control}))
            what.append(f"{item.id} controls: + {control}")
            have.add(control)
    return Plan(changes, what)
