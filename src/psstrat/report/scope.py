"""What one paper is about: the session's View, the quarter as at a date, and, for a strand
report, the strand; the strands, risks and ids in scope are worked out once, here."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from psstrat.marking import View, is_risk_linked
from psstrat.model.risk import Risk
from psstrat.model.strand import Strand
from psstrat.repository import Repository
from psstrat.schedule import Quarter, Span


@dataclass(frozen=True)
class Paper:
    """Which paper to make: a quarter's report as at a date for a session, or, given
    ``strand``, the report on one strand."""

    quarter: Quarter
    as_of: dt.date
    session: str = "open"
    strand: str | None = None
    appendix: bool = False
    """Print the whole register as an appendix (`--appendix register`)."""


@dataclass(frozen=True)
class Scope:
    view: View
    quarter: Quarter
    as_of: dt.date
    strand_id: str | None
    strands: tuple[Strand, ...]
    """The strands the paper reports on: all, or the one of a strand report."""
    risks: tuple[Risk, ...]
    """Risks raised by the as-of date (a risk raised later does not exist yet), and for a
    strand report only those linked to the strand."""
    risk_ids: frozenset[str]
    shown: frozenset[str]
    """Ids of the strands and work elements shown."""
    appendix: bool = False
    """The paper ends with the whole register in scope."""

    @classmethod
    def of(
        cls,
        view: View,
        quarter: Quarter,
        as_of: dt.date,
        strand_id: str | None,
        appendix: bool = False,
    ) -> Scope:
        repo = view.repo
        strands = tuple(s for s in repo.strands if strand_id in (None, s.id))
        risks = tuple(
            r
            for r in repo.risks
            if r.raised <= as_of and (not strand_id or is_risk_linked(r, strands))
        )
        shown = {s.id for s in strands} | {e.id for s in strands for e in s.work_elements}
        return cls(
            view,
            quarter,
            as_of,
            strand_id,
            strands,
            risks,
            frozenset(r.id for r in risks),
            frozenset(shown),
            appendix,
        )

    @property
    def repo(self) -> Repository:
        return self.view.repo

    @functools.cached_property
    def window(self) -> Span:
        """The days of the quarter the paper covers: to its end, or to the as-of date."""
        return self.quarter.as_at(self.as_of)

    @functools.cached_property
    def following(self) -> Quarter:
        """The next quarter (what is due then is listed as due next)."""
        return self.quarter.next()
