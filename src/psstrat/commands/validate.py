"""`psstrat validate` as a domain function: load, check, return the problems."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from psstrat.diagnostics import Diagnostic, Severity
from psstrat.repository import Repository, load_repository
from psstrat.rules import run_rules

if TYPE_CHECKING:
    from psstrat.marking import View


@dataclass(frozen=True)
class ValidationResult:
    repo: Repository
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> int:
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)

    def failed(self, strict: bool = False) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)

    @property
    def summary(self) -> str:
        n = len(self.diagnostics)
        files = self.repo.files_read
        where = f"in {files} file{'s' if files != 1 else ''}"
        if n == 0:
            return f"no problems {where}"
        return (
            f"{n} problem{'s' if n != 1 else ''} ({self.errors} error"
            f"{'s' if self.errors != 1 else ''}, {self.warnings} warning"
            f"{'s' if self.warnings != 1 else ''}) {where}"
        )


def validate(root: Path, as_of: dt.date) -> ValidationResult:
    repo = load_repository(root)
    return ValidationResult(repo, run_rules(repo, as_of))


@dataclass(frozen=True)
class Judgement:
    """The errors a session's command judges before it shows anything, and how many more the
    whole repository has that the session does not judge."""

    view: View
    errors: list[Diagnostic]
    """Located in, and decided by, only what the session may see."""
    unjudged: int
    """Errors in or about what the session may not see: counted, never described."""


def judge(repo: Repository, session: str, as_of: dt.date) -> Judgement:
    """The session's view of ``repo`` and the errors it judges.

    Session `all` judges the whole repository, as `validate` does. Open and closed sessions
    run the rules on their view: a problem inside a withheld item, in a file that does not
    load (its marking is unknown, so it is withheld whole), or whose verdict turns on withheld
    items (a reference to an id the session does not see) is not judged, so it can change
    neither the output nor its exit status; it is only counted.
    """
    from psstrat.marking import restrict

    view = restrict(repo, session)
    if session == "all":
        return Judgement(view, run_rules(repo, as_of, only=Severity.ERROR), 0)
    errors = run_rules(view.repo, as_of, only=Severity.ERROR)
    everything = run_rules(repo, as_of, only=Severity.ERROR)
    return Judgement(view, errors, len(set(everything) - set(errors)))


@dataclass(frozen=True)
class Checked:
    """The session's view of data a command may go on with, and what to warn about."""

    judgement: Judgement
    notes: tuple[str, ...]
    """Warnings for stderr: errors not judged in the session, and, with --allow-errors, the
    errors gone on with and the files left out."""


def checked(repo: Repository, session: str, as_of: dt.date, allow_errors: bool) -> Checked:
    """The session's view, after refusing (Refused: exit 1, the errors listed) to go on with
    data that has errors, unless ``allow_errors``; the notes say which files are then left
    out, so nobody mistakes a partial picture for the whole one.

    Only the errors the session judges count (``judge``): in open and closed sessions those
    in what the session may see. Errors in withheld content are counted in one note and never
    described, and never change the exit status. The notes quote paths as they are: whoever
    prints them makes them `visible`."""
    from psstrat.codes import UNREADABLE
    from psstrat.errors import Refused

    judged = judge(repo, session, as_of)
    errors = judged.errors
    notes = []
    if judged.unjudged:
        notes.append(
            f"{judged.unjudged} more error(s) not judged in the {session} session (in, or "
            "turning on, what it may not see) and not shown; `psstrat validate` shows them, "
            "where the whole repository may be read"
        )
    if errors and not allow_errors:
        raise Refused(
            f"{len(errors)} error(s) in the data; nothing is reported. Fix them (psstrat "
            "validate), or pass --allow-errors",
            errors,
            notes,
        )
    if errors:
        broken = sorted({d.path for d in errors if d.code in UNREADABLE})
        shown = ", ".join(broken[:3]) + (", ..." if len(broken) > 3 else "")
        left_out = f"; {len(broken)} file(s) are left out ({shown})" if broken else ""
        notes.append(
            f"{len(errors)} error(s) in the data{left_out}; run `psstrat validate` to see them"
        )
    return Checked(judged, tuple(notes))


def source_lines(root: Path, paths: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The lines of each file (by its path from ``root``) a problem is in, for SARIF's end
    positions and fingerprints. Read as the loader reads: only a regular file inside the
    repository, reached through no symbolic link, UTF-8, at most 1 MiB; a file that cannot be
    read so is left out (its problems then have neither)."""
    from psstrat.yamlio.composing import YamlProblem
    from psstrat.yamlio.reading import decode, read_bytes

    out: dict[str, tuple[str, ...]] = {}
    for rel in sorted(set(paths)):
        parts = PurePosixPath(rel).parts
        if not parts or rel.startswith("/") or ".." in parts:
            continue
        folder = root
        if any((folder := folder / part).is_symlink() for part in parts[:-1]):
            continue
        try:
            text = decode(read_bytes(root.joinpath(*parts)))
        except (OSError, YamlProblem):
            continue
        out[rel] = tuple(_LINE_BREAK.split(text))
    return out


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""Where the YAML parser (and so every position psstrat reports) starts a new line: YAML
1.1's line breaks, NEL and the Unicode line and paragraph separators included."""
