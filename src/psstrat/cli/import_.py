"""`psstrat import`: risks, milestones, strands or actions from a spreadsheet into data/."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from psstrat.cli.options import RootOption, choice_option, parse_date
from psstrat.cli.policy import resolve_root, today
from psstrat.errors import PsstratError, Refused
from psstrat.safetext import inert, visible

if TYPE_CHECKING:
    from psstrat.commands.import_ import Outcome
    from psstrat.exchange.rows import Problem

KINDS = ("risks", "plan", "strands", "actions")
SHOWN = 50
"""Problems listed before the rest are counted."""


def command(
    file: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="The .xlsx, .ods or .csv to read.", show_default=False),
    ],
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            "-m",
            metavar="MAPPING.yaml",
            help="Which column holds which field (default: psstrat's own export headings).",
            show_default=False,
        ),
    ] = None,
    suggest_mapping: Annotated[
        bool,
        typer.Option(
            "--suggest-mapping",
            help="Write a mapping for FILE from its header row (to -o, default FILE.mapping.yaml) "
            "and import nothing.",
        ),
    ] = False,
    kind: Annotated[
        str | None,
        choice_option(
            "--kind",
            values=KINDS,
            what="a kind of sheet",
            help="With --suggest-mapping: what the sheet holds (default: from its headings).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where --suggest-mapping writes.",
            show_default=False,
        ),
    ] = None,
    update: Annotated[
        bool,
        typer.Option(
            "--update", help="Bring existing items to their rows (dated records, exact edits)."
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Write nothing: print the new files and the edits as a diff."
        ),
    ] = False,
    skip_bad_rows: Annotated[
        bool,
        typer.Option("--skip-bad-rows", help="Import the rows that read; list the rows left out."),
    ] = False,
    on: Annotated[
        dt.date | None,
        typer.Option(
            "--on",
            metavar="YYYY-MM-DD",
            parser=parse_date,
            help="The day of what a row records without a date of its own (default: today).",
            show_default=False,
        ),
    ] = None,
    root: RootOption = None,
) -> None:
    """Import a risk register, a plan (strands, work elements, milestones) or actions from a
    spreadsheet. Every cell is read and every item checked first; nothing is written unless
    every row imports (or, with --skip-bad-rows, those that do). An id that exists is a
    problem, or, with --update, an exact edit of that item."""
    from psstrat.commands import import_ as imp

    if suggest_mapping:
        _suggest(file, kind, output)
        return
    if kind is not None or output is not None:
        raise PsstratError(
            "--kind and --output go with --suggest-mapping; an import takes its kind from "
            "the mapping (--mapping) or from psstrat's own sheet names"
        )
    day = today()
    if on is not None and on > day:
        raise Refused(f"--on {on} is after today ({day}); a row records what has happened")
    repo_root = resolve_root(root)
    book, mappings = imp.read(file, mapping)
    options = imp.Options(update=update, skip_bad_rows=skip_bad_rows, on=on)
    outcomes = [imp.run(repo_root, day, book, m, options) for m in mappings]
    problems = _said(file, outcomes)
    if problems and not skip_bad_rows:
        raise Refused(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {file.name}; nothing "
            "was written: fix the cells named above, or give --skip-bad-rows to import the rest"
        )
    imp.overlapping(outcomes)
    for note in (n for o in outcomes for e in o.edits for n in e.notes):
        _err(f"psstrat: note: {note}")
    if dry_run:
        _dry_run(outcomes)
        return
    imp.write(repo_root, outcomes)
    for o in outcomes:
        for line in [c.what for c in o.created] + [w for e in o.edits for w in e.lines]:
            print(inert(visible(line)))
    _err(f"psstrat: imported {file.name}: {_summary(outcomes)}")
    rows = sorted({r for o in outcomes for r in o.skipped})
    if rows:
        _err(f"psstrat: left out {len(rows)} rows: {', '.join(rows[:SHOWN])}")


def _err(line: str) -> None:
    print(inert(visible(line)), file=sys.stderr)


def _suggest(file: Path, kind: str | None, output: Path | None) -> None:
    from psstrat.commands import import_ as imp
    from psstrat.safefiles import create_exclusively

    text = imp.suggest(file, kind)
    target = output or file.with_name(file.name + ".mapping.yaml")
    if target.exists() or not create_exclusively(target, text):
        raise PsstratError(f"{target} exists; give another name with -o, or remove it")
    _err(
        f"wrote {target}: check each column, then: "
        f"psstrat import {file} --mapping {target} --dry-run"
    )


def _said(file: Path, outcomes: list[Outcome]) -> list[Problem]:
    """The notes, the problems (in the sheet's order, the first SHOWN) and the owners to add,
    on stderr; the problems."""
    problems = sorted((p for o in outcomes for p in o.problems), key=_place)
    for o in outcomes:
        for note in o.notes:
            _err(f"psstrat: note: {o.sheet or file.name}: {note}")
    for p in problems[:SHOWN]:
        _err(str(p))
    if len(problems) > SHOWN:
        _err(f"... and {len(problems) - SHOWN} more problems")
    proposed = list(dict.fromkeys(c for o in outcomes for c in o.proposed))
    if proposed:
        _err(
            "psstrat: owners the sheet names that data/owners.yaml lacks; add each (check the "
            "role, add --name), then import again:"
        )
        for line in proposed:
            _err(f"  {line}")
    return problems


def _dry_run(outcomes: list[Outcome]) -> None:
    for o in outcomes:
        for c in o.created:
            print(f"--- /dev/null\n+++ b/{inert(visible(c.rel))}")
            for line in c.text.splitlines():
                print(inert(visible("+" + line)))
        for e in o.edits:
            for line in e.diff():
                print(inert(visible(line)))
    _err(f"psstrat: dry run: nothing written; {_summary(outcomes)}")


def _place(problem: object) -> tuple[str, int, int, str]:
    """Problems in the order of the sheet: by row, then column."""
    import re

    where = str(getattr(problem, "where", ""))
    m = re.search(r"([A-Z]*)(\d+)$", where)
    if m is None:
        return (where, 0, 0, "")
    column = 0
    for ch in m[1]:
        column = column * 26 + ord(ch) - 64
    return (where[: m.start()], int(m[2]), column, str(problem))


def _summary(outcomes: list[Outcome]) -> str:
    parts = []
    for o in outcomes:
        parts.append(
            f"{o.sheet or 'sheet'}: {o.rows} rows, {len(o.created)} new, {len(o.edits)} changed, "
            f"{o.unchanged} unchanged, {len(o.skipped)} left out"
        )
    return "; ".join(parts)
