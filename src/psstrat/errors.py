"""Errors that stop a command: what it raises, for the one boundary (psstrat.cli.run) to
report on stderr with the error's exit status."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from psstrat.diagnostics import Diagnostic


class PsstratError(Exception):
    """A problem the user can fix, reported as one line on stderr with exit status 2.

    The message ends with the remedy, so the user knows what to do next.
    """

    status = 2
    """The exit status: 2, the command could not run."""
    notes: tuple[str, ...] = ()
    """Warnings the command had for stderr before it stopped: printed before the message."""


class NoRepository(PsstratError):
    """No strategy repository at or above the directory the command was run in."""


class Refused(PsstratError):
    """The command ran and refused what it found, the data's errors: exit status 1, with the
    ``notes`` (warnings) and the ``diagnostics`` printed before the message."""

    status = 1

    def __init__(
        self, message: str, diagnostics: Sequence[Diagnostic] = (), notes: Sequence[str] = ()
    ) -> None:
        super().__init__(message)
        self.diagnostics = tuple(diagnostics)
        self.notes = tuple(notes)
