"""`psstrat fmt` results for the terminal: problems, diffs (with --check) and a summary.

Diffs and problems quote the files, so controls are shown as escapes and every line is made
`inert`: a file's text cannot drive the terminal or forge a workflow command (a diff line is
a file's line with one character before it, so a line of a block scalar holding `::error`
would otherwise be one).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from psstrat.commands.fmt import Result
from psstrat.english import count
from psstrat.safetext import inert, visible


def lines(results: Sequence[Result], check: bool) -> list[str]:
    """What stdout shows, line by line: each problem, then each diff (--check) or each file
    formatted."""
    out: list[str] = []
    for result in results:
        if result.problem is not None:
            where = result.problem.location
            out.append(
                visible(
                    f"{where.path}:{where.line}:{where.column}: "
                    f"{result.problem.message}; {result.problem.help}"
                )
            )
        elif result.changed and check:
            out += [visible(line) for line in diff(result)]
        elif result.changed:
            out.append(f"formatted {visible(result.rel)}")
    return [inert(line) for line in out]


def diff(result: Result) -> list[str]:
    """A unified diff of what formatting changes in one file."""
    return list(
        difflib.unified_diff(
            result.before.splitlines(),
            (result.after or "").splitlines(),
            f"a/{result.rel}",
            f"b/{result.rel}",
            lineterm="",
        )
    )


def summary(results: Sequence[Result], check: bool) -> str:
    """`2 files would be reformatted, 15 already formatted; run `psstrat fmt` to apply`."""
    changed = sum(1 for r in results if r.changed)
    problems = sum(1 for r in results if r.problem is not None)
    unchanged = len(results) - changed - problems
    verb = "would be reformatted" if check else "formatted"
    text = f"{count(changed, 'file')} {verb}, {unchanged} already formatted"
    if problems:
        text += f", {count(problems, 'file')} not formatted (see above)"
    if check and changed:
        text += "; run `psstrat fmt` to apply"
    return text
