"""Progress on long work, said by the code doing it and shown (or not) by the command line.

The domain says what stage it is in: ``with stage("Reading 10,052 files", 10_052) as done``
(then ``done(n)`` as it goes: the loader, in its own thread, forking workers), or ``with
waiting("Laying out the PDF")`` around one call that blocks for a while (the Typst compile in
its child process; a thread of the display's animates it, so nothing inside it may fork Python
workers). Whether anything is shown, where and after what delay is the command line's choice
(psstrat.cli.policy.showing_progress, drawn by psstrat.output.progress on stderr). With no
display installed (pipes, CI, --quiet, tests: the default) a stage costs a function call.

Stages nest: an inner stage names what the outer one is doing now, and the outer one's name
comes back when it ends; only the outermost starts and ends the display. Nothing here prints,
reads the clock or imports anything of psstrat's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Protocol


class Display(Protocol):
    """What shows the stages (psstrat.output.progress.Progress)."""

    def begin(self, what: str, total: int | None, animated: bool) -> None:
        """The outermost stage begins (``animated``: one blocking call, nothing ticks)."""

    def relabel(self, what: str, total: int | None) -> None:
        """What is being done now, inside the stage (and how many there are to do)."""

    def advance(self, done: int) -> None:
        """How many of the stage's total are done."""

    def end(self) -> None:
        """The outermost stage is over (or failed): leave the terminal as it was."""

    def abandon(self) -> None:
        """psstrat is about to exit at once (a signal): leave the terminal usable, now."""


_display: Display | None = None
_labels: list[tuple[str, int | None]] = []


def _nothing(done: int) -> None:
    return None


@contextlib.contextmanager
def stage(what: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A stage of work that says how far it has got: ``done(n)`` of ``total``, in this
    thread (with ``total`` None, only its name is shown)."""
    with _staged(what, total, animated=False) as done:
        yield done


@contextlib.contextmanager
def waiting(what: str) -> Iterator[None]:
    """One call that blocks for a while, shown by its name and the time it has taken."""
    with _staged(what, None, animated=True):
        yield


@contextlib.contextmanager
def _staged(what: str, total: int | None, animated: bool) -> Iterator[Callable[[int], None]]:
    display = _display
    if display is None:
        yield _nothing
        return
    outermost = not _labels
    _labels.append((what, total))
    if outermost:
        display.begin(what, total, animated)
    else:
        display.relabel(what, total)
    try:
        yield display.advance
    finally:
        _labels.pop()
        if outermost:
            display.end()
        else:
            display.relabel(*_labels[-1])


@contextlib.contextmanager
def shown_by(display: Display | None) -> Iterator[None]:
    """Stages are shown by ``display`` while this lasts (None: not at all)."""
    global _display
    previous, _display = _display, display
    try:
        yield
    finally:
        _display = previous


def hide() -> None:
    """No stage begun from now on is shown (a command's --quiet), until shown_by's end."""
    global _display
    _display = None


def abandon() -> None:
    """Leave the terminal usable before an immediate exit (a signal's os._exit)."""
    if _display is not None and _labels:
        _display.abandon()
