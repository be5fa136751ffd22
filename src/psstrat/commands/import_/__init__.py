"""`psstrat import`: a sheet of risks, milestones, strands or actions into data/.

Nothing is written unless every row imports (or, with ``skip_bad_rows``, the rows that do):
every cell is read first, every new item is checked as `psstrat validate` checks it, every
edit of an existing one (``update``) is made and checked through the one layout engine
(psstrat.edits), and only then is anything written, under the repository's lock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from psstrat.edits import Edit, Repo
from psstrat.errors import PsstratError
from psstrat.exchange.fields import KINDS, SHEETS
from psstrat.exchange.mapping import Mapping, built_in, load_mapping, suggestion
from psstrat.exchange.rows import Problem, pick_sheet
from psstrat.sheets import Book, Sheet, read_book


@dataclass(frozen=True)
class Options:
    update: bool = False
    skip_bad_rows: bool = False
    on: dt.date | None = None
    """The day of what the sheet records without a date of its own (default today)."""


@dataclass(frozen=True)
class Created:
    rel: str
    text: str
    what: str


@dataclass
class Outcome:
    sheet: str
    kind: str
    rows: int = 0
    created: list[Created] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """The rows left out (--skip-bad-rows)."""
    notes: list[str] = field(default_factory=list)
    proposed: list[str] = field(default_factory=list)
    """Owners the sheet names that data/owners.yaml lacks, as the commands that add them."""
    written: bool = False


def read(
    path: Path, mapping_path: Path | None, encoding: str = "utf-8"
) -> tuple[Book, list[Mapping]]:
    """The workbook, and the mapping for each sheet to import: the mapping file's, or, for
    psstrat's own export, each sheet it wrote by its name."""
    mapping = load_mapping(mapping_path, KINDS) if mapping_path is not None else None
    book = read_book(path, encoding=mapping.encoding if mapping else encoding)
    if mapping is not None:
        return book, [mapping]
    found = []
    for sheet in book.sheets:
        # By its name, or (a .csv; a sheet another program renamed) by its headings alone.
        kind = SHEETS.get(sheet.name) if book.kind != "csv" else None
        if kind is None or not _is_own(sheet, kind):
            kind = _csv_kind(sheet)
        if kind is not None:
            found.append(_named(built_in(kind, KINDS), sheet.name))
    if not found:
        raise PsstratError(
            f"{book.name} is not a sheet psstrat exported; write a mapping for it: psstrat "
            f"import --suggest-mapping {path} (then check it and give --mapping)"
        )
    return book, found


def _named(mapping: Mapping, sheet: str) -> Mapping:
    import dataclasses

    return dataclasses.replace(mapping, sheet=sheet)


def _is_own(sheet: Sheet, kind: str) -> bool:
    from psstrat.exchange.mapping import header

    headings = header(sheet)
    return headings == [f.heading for f in KINDS[kind].values() if f.exported]


def _csv_kind(sheet: Sheet) -> str | None:
    return next((k for k in KINDS if _is_own(sheet, k)), None)


def suggest(path: Path, kind: str | None, encoding: str = "utf-8") -> str:
    """The mapping `--suggest-mapping` writes for the workbook's first sheet."""
    book = read_book(path, encoding=encoding)
    if not book.sheets or not book.sheets[0].rows:
        raise PsstratError(f"{book.name} is empty; nothing to map")
    return suggestion(book, book.sheets[0], KINDS, kind)


def run(root: Path, today: dt.date, book: Book, mapping: Mapping, options: Options) -> Outcome:
    """Every row of the mapping's sheet, as new items and (with ``update``) edits: planned,
    checked, not written (``write`` writes them)."""
    from psstrat.commands.import_ import actions, plan, risks

    sheet = pick_sheet(book, mapping)
    repo = Repo(root, today)
    importers = {
        "risks": risks.rows,
        "plan": plan.rows,
        "strands": plan.strand_rows,
        "actions": actions.rows,
    }
    outcome = Outcome(sheet.name, mapping.kind)
    importers[mapping.kind](repo, book, sheet, mapping, options, outcome)
    return outcome


def overlapping(outcomes: list[Outcome]) -> None:
    """Refused (exit 1) when two sheets change one file: each sheet's edits are planned from
    the file as it is, so the second would undo the first."""
    from psstrat.errors import Refused

    by: dict[str, str] = {}
    for o in outcomes:
        for rel in [e.rel for e in o.edits] + [c.rel for c in o.created]:
            if rel in by and by[rel] != o.sheet:
                raise Refused(
                    f"the {by[rel]} and {o.sheet} sheets both change {rel}; make the change in "
                    "one sheet, or import them one at a time (a mapping names its sheet)"
                )
            by[rel] = o.sheet


def write(root: Path, outcomes: list[Outcome]) -> None:
    """Writes what the outcomes plan, under the lock: new files only where there is none, an
    edit only over the bytes it was planned from."""
    from psstrat.safefiles import create_exclusively, locked, write_atomically

    with locked(root):
        for outcome in outcomes:
            for e in outcome.edits:
                now = (root / e.rel).read_bytes()
                if now != e.before:
                    raise PsstratError(f"{e.rel} changed while psstrat worked on it; import again")
            for c in outcome.created:
                if (root / c.rel).exists():
                    raise PsstratError(f"{c.rel} appeared while psstrat worked; import again")
        for outcome in outcomes:
            for e in outcome.edits:
                write_atomically(root / e.rel, e.after)
            for c in outcome.created:
                (root / c.rel).parent.mkdir(parents=True, exist_ok=True)
                if not create_exclusively(root / c.rel, c.text):
                    raise PsstratError(f"{c.rel} appeared while psstrat worked; import again")
            outcome.written = True
