"""Protective markings: the security boundary between open and closed session.

Every item a report may include passes through one Gate. Anything whose effective marking
(the highest of its own and every container's) is above the session's maximum is withheld
here, before any template sees it; only a count of what was withheld, by kind, survives.
"""

from __future__ import annotations

from collections import Counter

from psstrat.errors import PsstratError
from psstrat.settings import Settings

SESSIONS = ("open", "closed")


class Gate:
    def __init__(self, settings: Settings, session: str) -> None:
        if session not in SESSIONS:
            raise PsstratError(f"--session {session} is not open or closed; use one of those")
        self.settings = settings
        maximum = settings.open_session_max if session == "open" else settings.closed_session_max
        self.max_rank = settings.rank(maximum)
        self.highest_rank = 0
        self.withheld: Counter[str] = Counter()

    def admit(self, kind: str, marking: str | None, container: int = 0) -> int | None:
        """The item's effective rank if the session may see it; None (and counted) if not.

        ``container`` is the effective rank of what holds the item. Callers do not look
        inside an item that was not admitted, so only the outermost withheld item is counted
        and nothing nested in it is revealed, not even how many updates it has.
        """
        rank = max(container, self.settings.rank(marking))
        if rank > self.max_rank:
            self.withheld[kind] += 1
            return None
        self.highest_rank = max(self.highest_rank, rank)
        return rank

    @property
    def marking(self) -> str:
        """The report's own marking: the highest among what it includes."""
        return self.settings.markings[self.highest_rank]
