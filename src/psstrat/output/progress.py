"""The progress display: long work's stage on a terminal's stderr, then gone.

What psstrat.progress says, shown as one line: a spinner, the stage's name (with how many of
how many are done, when the work counts), and the seconds it has taken. It appears only once
the work has gone on for ``delay`` seconds, so a quick command never flickers, and is erased
when the work ends, leaving the terminal as it was. It writes to stderr only, and holds
nothing from the data (its words are psstrat's). psstrat.cli.policy decides whether it is
shown at all: on a terminal, never in CI or with --quiet. rich is imported only when the line
is first drawn.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import RenderableType

REFRESH = 0.1
"""The least time between two redraws of counted work, in seconds (ten a second)."""
_ERASE = b"\r\x1b[2K\x1b[?25h"
"""Back to the line's start, erase it, and show the cursor again."""


class Progress:
    """A psstrat.progress.Display on ``stream`` (stderr, a terminal), drawn after ``delay``
    seconds, in colour when ``colour``."""

    def __init__(self, stream: TextIO, delay: float, colour: bool = True) -> None:
        self._stream = stream
        self._delay = delay
        self._colour = colour
        self._lock = threading.Lock()
        self._live: Any = None
        self._spinner: Any = None
        self._timer: threading.Thread | None = None
        self._over = threading.Event()
        self._what = ""
        self._total: int | None = None
        self._done = 0
        self._start = 0.0
        self._next = 0.0

    def begin(self, what: str, total: int | None, animated: bool) -> None:
        self._what, self._total, self._done = what, total, 0
        self._start = time.monotonic()
        self._next = self._start + self._delay
        self._over = threading.Event()
        if animated:  # one blocking call: a thread of ours draws the line, then animates it
            self._timer = threading.Thread(target=self._after_delay, daemon=True)
            self._timer.start()

    def relabel(self, what: str, total: int | None) -> None:
        self._what, self._total, self._done = what, total, 0

    def advance(self, done: int) -> None:
        """Counted work, in the caller's thread: drawn here, at most every REFRESH seconds
        (no thread: the loader forks its workers while it counts)."""
        self._done = done
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + REFRESH
        with self._lock:
            if self._live is None:
                self._show(animated=False)
            else:
                self._live.refresh()

    def end(self) -> None:
        self._over.set()
        if self._timer is not None:
            self._timer.join()
            self._timer = None
        with self._lock:
            if self._live is not None:
                self._live.stop()  # transient: the line is erased
                self._live = None

    def abandon(self) -> None:
        if self._live is not None:
            with contextlib.suppress(OSError, ValueError):
                os.write(self._stream.fileno(), _ERASE)

    def _after_delay(self) -> None:
        if self._over.wait(self._delay):
            return  # over before the delay: nothing was drawn
        with self._lock:
            if not self._over.is_set():
                self._show(animated=True)

    def _show(self, animated: bool) -> None:
        from rich.console import Console
        from rich.live import Live
        from rich.spinner import Spinner

        console = Console(
            file=self._stream,
            force_terminal=True,
            no_color=not self._colour,
            highlight=False,
            markup=False,
            emoji=False,
        )
        self._spinner = Spinner("dots")
        self._live = Live(
            get_renderable=self._line,
            console=console,
            auto_refresh=animated,
            refresh_per_second=1 / REFRESH,
            transient=True,
            redirect_stdout=False,  # stdout is the paper's: never touched
            redirect_stderr=False,
        )
        self._live.start(refresh=True)

    def _line(self) -> RenderableType:
        from rich.text import Text

        said = self._what
        if self._total:
            said += f": {self._done:,} of {self._total:,}"
        now = time.monotonic()
        frame = self._spinner.render(now)  # a Text: the spinner has no text of its own
        seconds = int(now - self._start)
        return Text.assemble(frame, f" {said} ({seconds} s)", no_wrap=True, overflow="ellipsis")
