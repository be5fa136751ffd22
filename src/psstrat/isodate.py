"""Dates as psstrat reads them from people: YYYY-MM-DD with ASCII digits, and only that.

``datetime.date.fromisoformat`` alone also takes 20041231 and 2004-W53-1; the data files,
the command line (--as-of, --since) and `fmt` all go through ``parse_iso`` instead.
"""

from __future__ import annotations

import datetime as dt
import re

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_iso(text: str) -> dt.date | None:
    """The date ``text`` writes; None when it is not written YYYY-MM-DD. Raises ValueError
    when it is written so but is not a real date (2004-02-30)."""
    if not ISO_DATE.fullmatch(text):
        return None
    return dt.date.fromisoformat(text)
