"""The register, the milestones, the actions and the strands' status as tables, as at a day
and as a session may see them (`psstrat export`).

Every value comes from the session's view as at the day (psstrat.asat): what is withheld from
the session is not in the view, so it is in no table, no count and no width; the marking the
sheets carry is the highest of what they hold."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from psstrat.asat import as_at
from psstrat.exchange.fields import ACTIONS, MILESTONES, RISKS, STRANDS
from psstrat.exchange.mapping import Field
from psstrat.marking import View
from psstrat.model.common import natural_key
from psstrat.model.strand import WorkElement
from psstrat.schedule import (
    action_state,
    actions_set,
    milestone_status,
    rating_as_of,
    residual_as_of,
)
from psstrat.sheets import Table, Value

SHEETS = ("register", "milestones", "actions", "strands")
"""What `psstrat export --sheet` names, in the order a workbook holds them."""


@dataclass(frozen=True)
class Export:
    tables: list[Table]
    marking: str
    """The highest marking of what the tables hold, as a paper shows it."""
    items: int


def export(view: View, day: dt.date, sheets: tuple[str, ...] = SHEETS) -> Export:
    """The tables ``sheets`` names, as at ``day``, in the session ``view`` is of."""
    view = as_at(view, day)
    shown: list[object] = []
    makers: dict[str, Callable[[View, dt.date, list[object]], Table]] = {
        "register": _register,
        "milestones": _milestones,
        "actions": _actions,
        "strands": _strands,
    }
    tables = [makers[name](view, day, shown) for name in SHEETS if name in sheets]
    strategy = view.repo.strategy
    marking = view.highest([*shown, *([strategy] if strategy is not None else [])])
    return Export(tables, marking.upper(), sum(len(t.rows) for t in tables))


def _headings(fields: dict[str, Field]) -> tuple[str, ...]:
    return tuple(f.heading for f in fields.values())


def _owner(view: View, owner_id: str | None, shown: list[object]) -> str | None:
    """An owner as the sheet names them: the role (import reads it back), or empty; the
    owner counts towards the sheet's marking."""
    if owner_id is None:
        return None
    owner = view.repo.owners.get(owner_id)
    if owner is None:
        return None
    shown.append(owner)
    shared = sum(1 for o in view.repo.owners.values() if o.role == owner.role) > 1
    return owner_id if shared else owner.role  # what import reads back as this owner


def _lines(items: list[str]) -> str | None:
    return "\n".join(items) if items else None


def _register(view: View, day: dt.date, shown: list[object]) -> Table:
    settings = view.settings
    rows: list[tuple[Value, ...]] = []
    for r in sorted(view.repo.risks, key=lambda r: natural_key(r.id)):
        shown.append(r)
        assessed = residual_as_of(r, day)  # None before its first assessment
        rating = rating_as_of(r, day)
        score = rating.score
        values: dict[str, Value] = {
            "id": r.id,
            "title": r.title,
            "description": r.description,
            "category": r.category,
            "owner": _owner(view, r.owner, shown),
            "raised": r.raised,
            "source": r.source,
            "strands": ", ".join(r.strands) or None,
            "inherent.likelihood": r.inherent.likelihood,
            "inherent.impact": r.inherent.impact,
            "inherent": None,
            "residual.likelihood": assessed.likelihood if assessed else None,
            "residual.impact": assessed.impact if assessed else None,
            "residual": None,
            "residual.date": assessed.date if assessed else None,
            "score": score,
            "rag": settings.band(score),
            "target.likelihood": r.target.likelihood if r.target else None,
            "target.impact": r.target.impact if r.target else None,
            "treatment": r.treatment,
            "controls": _lines([" ".join(c.description.split()) for c in r.controls]),
            "escalated.to": r.escalated.to if r.escalated else None,
            "escalated.date": r.escalated.date if r.escalated else None,
            "review_date": r.review_date,
            "status": r.status,
            "closed": r.closed,
            "marking": r.marking,
        }
        rows.append(tuple(values[name] for name in _kept(RISKS)))
    return Table(
        "Register", _kept_headings(RISKS), rows, _multiline(RISKS, "description", "controls")
    )


def _kept(fields: dict[str, Field]) -> list[str]:
    """The fields a sheet has a column for: the combined `4x5` fields are import's only."""
    return [name for name, f in fields.items() if f.exported]


def _kept_headings(fields: dict[str, Field]) -> tuple[str, ...]:
    return tuple(fields[name].heading for name in _kept(fields))


def _multiline(fields: dict[str, Field], *names: str) -> frozenset[int]:
    kept = _kept(fields)
    return frozenset(kept.index(n) for n in names if n in kept)


def _milestones(view: View, day: dt.date, shown: list[object]) -> Table:
    rows: list[tuple[Value, ...]] = []
    soon = view.settings.due_soon_days
    for s in view.repo.strands:
        for e in s.work_elements:
            for m in e.milestones:
                shown.append(m)
                values: dict[str, Value] = {
                    "strand": s.id,
                    "strand.title": s.title,
                    "element": e.id,
                    "element.title": e.title,
                    "element.lead": _owner(view, e.lead, shown),
                    "element.status": e.status,
                    "id": m.id,
                    "title": m.title,
                    "due": m.due,
                    "revised_due": m.revised_due,
                    "completed": m.completed,
                    "state": milestone_status(m, day, soon).state.value,
                    "marking": m.marking,
                }
                rows.append(tuple(values[name] for name in MILESTONES))
    return Table("Milestones", _headings(MILESTONES), rows)


def _strands(view: View, day: dt.date, shown: list[object]) -> Table:
    rows: list[tuple[Value, ...]] = []
    for s in view.repo.strands:
        shown.append(s)
        base: dict[str, Value] = {
            "strand": s.id,
            "strand.title": s.title,
            "strand.lead": _owner(view, s.lead, shown),
        }
        elements: list[WorkElement | None] = [*s.work_elements] or [None]
        for e in elements:
            if e is not None:
                shown.append(e)
            values: dict[str, Value] = {
                **base,
                "element": e.id if e else None,
                "element.title": e.title if e else None,
                "element.lead": _owner(view, e.lead, shown) if e else None,
                "element.status": e.status if e else None,
                "open_milestones": (
                    sum(1 for m in e.milestones if m.completed is None and not m.cancelled)
                    if e
                    else None
                ),
                "marking": (e.marking if e else s.marking),
            }
            rows.append(tuple(values[name] for name in STRANDS))
    return Table("Strands", _headings(STRANDS), rows)


def _actions(view: View, day: dt.date, shown: list[object]) -> Table:
    rows: list[tuple[Value, ...]] = []
    for meeting, action in actions_set(view.repo.meetings, day):
        shown.append(action)
        done = (
            action.completed if action.completed is not None and action.completed <= day else None
        )
        values: dict[str, Value] = {
            "id": action.id,
            "meeting": meeting.date,
            "text": " ".join(action.text.split()),
            "owner": _owner(view, action.owner, shown),
            "due": action.due,
            "completed": done,
            "strands": ", ".join(action.strands) or None,
            "state": action_state(action, day).value,
            "marking": action.marking,
        }
        rows.append(tuple(values[name] for name in ACTIONS))
    return Table("Actions", _headings(ACTIONS), rows)
