"""The sessions a command's output is for: the one spelling of them."""

from __future__ import annotations

import enum


class Session(enum.StrEnum):
    """open and closed withhold what is above the settings' `open_session_max` /
    `closed_session_max`; all withholds nothing (for the directorate's own use) and labels
    what is above open."""

    open = "open"
    closed = "closed"
    all = "all"


PAPER_SESSIONS = (Session.open, Session.closed)
"""The sessions a committee paper is for: a meeting sits in open or in closed session."""
