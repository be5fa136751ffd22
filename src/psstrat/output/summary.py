"""Markdown for a GitHub job summary, cut to fit: `validate`'s table of problems and the
`changes` a pull request makes.

GitHub takes at most 1 MiB (1,048,576 bytes) of job summary from a step and shows an error
instead of the summary when a step writes more ("Job summaries" in GitHub's docs: "the
maximum size of the summary for a single step is 1MiB"). Re-scoring a register of 10,000
risks made 1.1 MB of `changes`, so every summary psstrat writes is cut at a whole line, below
a margin under that limit, and ends with a line saying how many rows were left out and where
to read them all. The cut is a pure function of the lines: what is left out is only what the
caller put in them, so a summary made from a session's view counts only what that session
may see.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

GITHUB_SUMMARY_LIMIT = 1024 * 1024
"""GitHub's limit on the job summary one step writes, in bytes (1 MiB)."""
SUMMARY_LIMIT = 1_000_000
"""The bytes (UTF-8) psstrat writes to a job summary at most: GITHUB_SUMMARY_LIMIT less a
margin of 48,576 bytes for what the workflow's own steps add to the same step's summary."""


@dataclass(frozen=True)
class Line:
    """One line of Markdown (no line break in it) and, when it is a row (a table's row, a
    list's item), what it is one of ("problem", "change"): rows are counted by that when they
    are left out. A line that is not a row (a heading, a table's head, a blank line) is never
    counted, and is left out with the rows that follow it."""

    text: str
    row: str = ""


def fit(lines: Sequence[Line], max_bytes: int, left_out: Callable[[Counter[str]], str]) -> str:
    """The lines as text (each ending in a newline), all of them when they fit in
    ``max_bytes`` (UTF-8); else the longest run of them from the start that fits together
    with a blank line and the line ``left_out`` says of the rows left out (how many of each
    kind); lines that are not rows are not left dangling at the end of the cut (a heading
    without its rows), but the first line, the summary's title (which says whose view it
    is), is kept whenever it fits with the last. The result fits in ``max_bytes`` whenever
    the blank line and ``left_out``'s line alone do (MIN_BYTES is a bound where they do)."""
    sizes = [len(line.text.encode("utf-8")) + 1 for line in lines]
    if sum(sizes) <= max_bytes:
        return "".join(line.text + "\n" for line in lines)
    remaining = Counter(line.row for line in lines if line.row)
    keep, kept_left, used = 0, +remaining, 0
    for index, (line, size) in enumerate(zip(lines, sizes, strict=True)):
        if used + len(left_out(remaining).encode("utf-8")) + 2 <= max_bytes:
            keep, kept_left = index, +remaining  # (+2: the blank line before it, its newline)
        used += size
        if line.row:
            remaining[line.row] -= 1
        if used > max_bytes:
            break
    while keep > 1 and not lines[keep - 1].row:
        keep -= 1  # a heading or blank line with nothing after it (the title stays)
    body = "".join(line.text + "\n" for line in lines[:keep])
    return f"{body}\n{left_out(kept_left)}\n" if body else f"{left_out(kept_left)}\n"


MIN_BYTES = 1024
"""The least room psstrat writes a summary in: its title and the line counting what was left
out take a few hundred bytes, so a bound below this is refused (`changes --max-bytes`).
(`validate` writes to a step's summary file whatever fits in the room left, and nothing when
not even that does.)"""


def cut_at(max_bytes: int) -> str:
    """How the last line of a cut summary names its bound."""
    if max_bytes == SUMMARY_LIMIT:
        return "to keep this summary within GitHub's 1 MiB"
    return f"to keep this summary within {max_bytes:,} bytes"


def budget(already: int, limit: int = SUMMARY_LIMIT) -> int:
    """The bytes a summary may still take when the step's summary file holds ``already``
    bytes: GitHub counts the step's whole file against its limit."""
    return max(0, limit - already)
