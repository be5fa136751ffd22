"""The strategy as it was at a commit, read from git objects without a checkout.

`pair` reads the two sides of a comparison: the files under data/ (and psstrat.yaml) that
differ between them, plus the strategy, owners and meetings files every comparison needs for
its context. Both sides are read as `validate` reads files (a blob over 1 MiB is never read;
in the working tree only regular files inside the repository) and loaded by the same loader,
into the same models, so the marking gate applies to them as to anything else. A side whose
files do not validate is compared as far as it loads, and says so. Only the changed files are
read and parsed: on a repository of 10,000 risks, a pull request that changes three files
reads about seven.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from psstrat.errors import PsstratError
from psstrat.git import Commit, GitTree, GitUnavailable, NoSuchCommit, Oversized, blob_id
from psstrat.isodate import parse_iso
from psstrat.kinds import KINDS, SIA, STRAND, STRATEGY, kind_of
from psstrat.repository import DATA, Repository, load_repository
from psstrat.settings import SETTINGS_FILE, Settings, parse_settings
from psstrat.yamlio import MAX_BYTES, YamlProblem, too_large

CONTEXT = (f"{DATA}/strategy.yaml", f"{DATA}/owners.yaml", f"{DATA}/meetings.yaml")
"""Read on both sides of every comparison: the strategy's marking gates everything, owners
name the leads, meetings date the last meeting."""


@dataclass
class Side:
    """One side of a comparison."""

    repo: Repository
    commit: Commit | None
    """None for the working tree."""
    settings_problem: str | None = None
    """Why this side's psstrat.yaml could not be used (defaults were), if it could not."""
    broken: list[str] = field(default_factory=list)
    """Files that do not load on this side (left out of the comparison on both sides)."""

    @property
    def label(self) -> str:
        if self.commit is None:
            return "the working tree"
        return f"commit {self.commit.short} ({self.commit.date.isoformat()})"


@dataclass
class Pair:
    before: Side
    after: Side
    changed: list[str]
    """The files (relative to the strategy's root) that differ between the sides."""
    since: str
    """What --since was resolved from, for the reader: `last-meeting (13 January 2005)`."""
    later: list[Repository] = field(default_factory=list)
    """Every other version of the data after ``before`` up to today (the commits between,
    on the way to HEAD and to ``after``, and the working tree when ``after`` is a commit),
    each holding the files it changed that neither side already holds as they are there:
    their markings govern the earlier side too (psstrat.commands.changes)."""
    after_later: list[Repository] = field(default_factory=list)
    """When ``after`` is a commit, the versions after it up to today: they govern it."""


def pair(root: Path, since: str, until: str | None, today: dt.date, session: str = "all") -> Pair:
    """The two sides: ``since`` (a commit, branch, tag, YYYY-MM-DD or `last-meeting`: the
    last meeting ``session`` may see) and ``until`` (a ref; None for the working tree)."""
    try:
        tree = GitTree.of(root)
    except GitUnavailable as exc:
        raise PsstratError(
            f"psstrat changes needs the strategy's git history ({exc}); run it in a clone"
        ) from None
    try:
        after_commit = tree.commit(until) if until is not None else None
        end_ref = after_commit.sha if after_commit else "HEAD"
        end_day = after_commit.date if after_commit else today
        before_commit, described = _resolve_since(tree, root, since, end_ref, end_day, session)
        changed = tree.changed(before_commit.sha, after_commit.sha if after_commit else None)
    except NoSuchCommit as exc:
        raise PsstratError(
            f"{exc}; give a commit, branch, tag, YYYY-MM-DD or last-meeting"
        ) from None
    except GitUnavailable as exc:
        raise PsstratError(f"git could not compare the commits ({exc})") from None
    wanted = {*changed, *CONTEXT, SETTINGS_FILE}
    if any(kind_of(rel) is SIA for rel in changed):
        # A recommendation's alignments are quoted only as far as the session sees the
        # strands and work elements they name: every strand file is needed to know that.
        wanted |= _strand_files(tree, root, before_commit.sha)
        wanted |= _strand_files(tree, root, after_commit.sha if after_commit else None)
    before_files = _committed(tree, before_commit.sha, sorted(wanted))
    after_files = _read_side(tree, root, after_commit, sorted(wanted))
    seen = {
        blob_id(raw)
        for raw in [*before_files.values(), *after_files.values()]
        if isinstance(raw, bytes)
    }
    before = _side(root, before_commit, before_files)
    after = _side(root, after_commit, after_files)
    ends = ["HEAD"] if after_commit is None else ["HEAD", after_commit.sha]
    working = after_commit is not None
    ids = _ids_by_folder(before.repo)
    later = _later(tree, root, before_commit, ends, working, after.repo, seen, ids)
    after_later = []
    if after_commit is not None:  # the later side is itself an earlier version than today
        ids = _ids_by_folder(after.repo)
        after_later = _later(tree, root, after_commit, ["HEAD"], True, after.repo, seen, ids)
    return Pair(before, after, changed, described, later, after_later)


# Named exception (PLR0913): the versions between depend on both sides and what they hold.
def _later(  # noqa: PLR0913
    tree: GitTree,
    root: Path,
    since: Commit,
    ends: list[str],
    working: bool,
    today: Repository,
    seen: set[str],
    ids: dict[str, set[str]],
) -> list[Repository]:
    """Each version of the data files after ``since`` up to ``ends`` (and, if ``working``,
    the working tree), as far as it can govern an earlier side: a file the sides already hold
    as it is there is not read again, and one that names none of ``ids`` (the ids the earlier
    side holds in files of its kind: an item is only ever in a file of its kind) is not
    parsed. Read with today's settings and strategy, as `history` reads them."""
    try:
        commits = tree.touched(since.sha, ends)
    except GitUnavailable as exc:
        raise PsstratError(f"git could not list the commits between ({exc})") from None
    wanted = [
        (c.sha, rel, oid)
        for c, changed in commits
        for rel, oid in changed
        if kind_of(rel) is not None and oid not in seen
    ]
    contents = tree.blobs([oid for _, _, oid in wanted], MAX_BYTES)
    versions: dict[str, dict[str, bytes | YamlProblem]] = {}
    for (sha, rel, _), raw in zip(wanted, contents, strict=True):
        if isinstance(raw, Oversized):
            versions.setdefault(sha, {})[rel] = too_large()
        elif raw is not None and _may_govern(rel, raw, ids):
            versions.setdefault(sha, {})[rel] = raw
    if working:  # and the working tree: today
        changed = tree.changed("HEAD", None)
        files = working_tree(root, [rel for rel in changed if kind_of(rel) is not None])
        versions["working tree"] = {
            rel: raw
            for rel, raw in files.items()
            if not isinstance(raw, bytes)
            or (blob_id(raw) not in seen and _may_govern(rel, raw, ids))
        }
    return [_version(root, today, files) for files in versions.values() if files]


_WORD = re.compile(rb"[A-Za-z0-9][A-Za-z0-9.-]*")


def _names_any(raw: bytes, ids: set[str]) -> bool:
    """Whether the text may hold one of the ids (a later version of an item names its id, and
    a note's container's: what does not cannot govern it). A text with an escape may spell an
    id another way (`"R\\x30001"`), so it may hold any."""
    if b"\\" in raw:
        return True
    if len(ids) <= 64:
        return any(i.encode() in raw for i in ids)
    return any(word.decode("ascii", "replace") in ids for word in _WORD.findall(raw))


_ID_LESS = frozenset(k.file for k in KINDS if any(p.marked and not p.declares for p in k.parts))
"""Kinds whose marked items have no id to look for (meetings): always read."""


def _may_govern(rel: str, raw: bytes, ids: dict[str, set[str]]) -> bool:
    folder = rel.split("/")[1]
    return folder in _ID_LESS or _names_any(raw, ids.get(folder, set()))


def _ids_by_folder(repo: Repository) -> dict[str, set[str]]:
    """The ids a side declares, by the folder or file name their file has under data/."""
    found: dict[str, set[str]] = {}
    for declared in repo.declared:
        found.setdefault(declared.path.split("/")[1], set()).add(declared.id)
    return found


def _version(root: Path, today: Repository, files: dict[str, bytes | YamlProblem]) -> Repository:
    """Some files of one version, loaded with today's settings, in today's strategy."""
    version = load_repository(root, today.settings, sources=files, positions=False)
    if STRATEGY.path in today.files and STRATEGY.path not in files:
        version.files[STRATEGY.path] = today.files[STRATEGY.path]
        version.index()
    return version


def _strand_files(tree: GitTree, root: Path, ref: str | None) -> set[str]:
    folder = f"{DATA}/{STRAND.folder}"
    if ref is not None:
        return set(tree.files(ref, folder))
    from psstrat.safefiles import scan

    return {rel for rel in scan(root, DATA)[0] if kind_of(rel) is STRAND}


def _read_side(
    tree: GitTree, root: Path, commit: Commit | None, wanted: list[str]
) -> dict[str, bytes | YamlProblem]:
    return working_tree(root, wanted) if commit is None else _committed(tree, commit.sha, wanted)


def _committed(tree: GitTree, ref: str, wanted: list[str]) -> dict[str, bytes | YamlProblem]:
    """The wanted files at a commit; one over 1 MiB is never read (it loads as that problem)."""
    return {
        rel: too_large() if isinstance(raw, Oversized) else raw
        for rel, raw in tree.read(ref, wanted, MAX_BYTES).items()
    }


# Named exception (PLR0913): what --since means depends on every one of these.
def _resolve_since(  # noqa: PLR0913
    tree: GitTree, root: Path, since: str, end_ref: str, end_day: dt.date, session: str
) -> tuple[Commit, str]:
    if since == "last-meeting":
        meetings = _meeting_dates(root, session)
        earlier = [d for d in meetings if d < end_day]
        if not earlier:
            raise PsstratError(
                f"no meeting in data/meetings.yaml before {end_day.isoformat()}, so there is no "
                "last meeting to compare with; give --since a commit, branch or date"
            )
        day = max(earlier)
        from psstrat.english import long_date

        return tree.commit_on_or_before(day, end_ref), f"the last meeting ({long_date(day)})"
    try:
        written = parse_iso(since)
    except ValueError:
        raise PsstratError(f"--since {since} is not a real date; write YYYY-MM-DD") from None
    if written is not None:
        return tree.commit_on_or_before(written, end_ref), since
    return tree.commit(since), since


def _meeting_dates(root: Path, session: str) -> list[dt.date]:
    """The dates of the meetings ``session`` may see: a meeting marked above it does not move
    what is compared (its date would be a trace of it)."""
    from psstrat.marking import restrict

    # Today's meetings, as the session sees them today (with --until too: today's marking
    # governs), up to the end of the comparison.
    context = [*CONTEXT, SETTINGS_FILE]
    side = _side(root, None, working_tree(root, context))
    meetings_file = f"{DATA}/meetings.yaml"
    if side.settings_problem or meetings_file in side.broken:
        raise PsstratError(
            f"{meetings_file} or {SETTINGS_FILE} does not load, so the last meeting is not "
            "known; fix it (psstrat validate) or give --since a commit, branch or date"
        )
    meetings = restrict(side.repo, session).repo.meetings
    return [m.date for m in meetings.meetings] if meetings else []


def working_tree(root: Path, wanted: list[str]) -> dict[str, bytes | YamlProblem]:
    """The wanted files as they are on disk, read as `validate` reads them: only regular files
    inside the repository (a link out of it, a FIFO or a device is not read), at most 1 MiB."""
    from psstrat.safefiles import scan
    from psstrat.settings import settings_file
    from psstrat.yamlio import read_bytes

    files, unsafe = scan(root, DATA)
    refused = {f.location.path: f for f in unsafe}
    found: dict[str, bytes | YamlProblem] = {}
    for rel in wanted:
        if rel in refused:
            found[rel] = YamlProblem(refused[rel].message, help=refused[rel].help)
            continue
        try:
            path = settings_file(root) if rel == SETTINGS_FILE else files.get(rel)
        except PsstratError as exc:
            found[rel] = YamlProblem(str(exc))
            continue
        if path is None:
            continue
        try:
            found[rel] = read_bytes(path)
        except YamlProblem as exc:
            found[rel] = exc
        except OSError as exc:
            found[rel] = YamlProblem(f"cannot read file: {exc.strerror}", help="check it")
    return found


def _side(root: Path, commit: Commit | None, files: dict[str, bytes | YamlProblem]) -> Side:
    settings = Settings()
    settings_problem = None
    raw_settings = files.pop(SETTINGS_FILE, None)
    if isinstance(raw_settings, YamlProblem):
        settings_problem = raw_settings.message
    elif raw_settings is not None:
        try:
            settings = parse_settings(raw_settings)
        except PsstratError as exc:
            settings_problem = str(exc)
    repo = load_repository(root, settings, sources=files, positions=False)
    return Side(repo, commit, settings_problem, sorted(repo.unreadable_files()))
