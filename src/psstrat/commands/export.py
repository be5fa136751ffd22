"""`psstrat export`: the register, the milestones, the actions and the strands' status as a
workbook (.xlsx, .ods) or one sheet as .csv, as at a day, through the session gate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from psstrat.marking import View

FORMATS = ("xlsx", "ods", "csv")


@dataclass(frozen=True)
class Exported:
    data: bytes
    marking: str
    sheets: tuple[str, ...]
    rows: int


def export_book(
    view: View, day: dt.date, fmt: str, sheets: tuple[str, ...], title: str
) -> Exported:
    """The workbook's bytes: every sheet in ``sheets`` (one for csv), as at ``day``, holding
    only what ``view``'s session may see, marked with the highest marking of what it holds."""
    from psstrat.exchange.export import export
    from psstrat.sheets import write_book
    from psstrat.sheets.writing import Meta

    made = export(view, day, sheets)
    meta = Meta(
        title=title,
        marking=made.marking,
        as_of=day,
        note=f"Exported by psstrat as at {day.isoformat()}, {view.session} session.",
    )
    data = write_book(fmt, made.tables, meta)
    return Exported(data, made.marking, tuple(t.name for t in made.tables), made.items)
