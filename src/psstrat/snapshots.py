"""The strategy as it was at a commit, read from git objects without a checkout.

`pair` reads the two sides of a comparison: the files under data/ (and psstrat.yaml) that
differ between them, plus the strategy, owners and meetings files every comparison needs for
its context. Both sides are loaded by the same loader `validate` uses, into the same models,
so the marking gate applies to them as to anything else. A side whose files do not validate
is compared as far as it loads, and says so. Only the changed files are read and parsed: on
a repository of 10,000 risks, a pull request that changes three files reads about seven.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from psstrat.errors import PsstratError
from psstrat.git import Commit, GitTree, GitUnavailable, NoSuchCommit
from psstrat.isodate import parse_iso
from psstrat.repository import DATA, Repository, load_repository
from psstrat.settings import SETTINGS_FILE, Settings, parse_settings

CONTEXT = (f"{DATA}/strategy.yaml", f"{DATA}/owners.yaml", f"{DATA}/meetings.yaml")
"""Read on both sides of every comparison: the strategy's marking gates everything, owners
name the leads, meetings date the last meeting."""


@dataclass
class Side:
    """One side of a comparison."""

    repo: Repository
    commit: Commit | None
    """None for the working tree."""
    problems: list[str] = field(default_factory=list)
    """Files that do not load on this side (left out of the comparison), and settings that
    could not be used."""

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


def pair(root: Path, since: str, until: str | None, today: dt.date) -> Pair:
    """The two sides: ``since`` (a commit, branch, tag, YYYY-MM-DD or `last-meeting`) and
    ``until`` (a ref; None for the working tree)."""
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
        before_commit, described = _resolve_since(tree, root, since, end_ref, end_day)
        changed = tree.changed(before_commit.sha, after_commit.sha if after_commit else None)
    except NoSuchCommit as exc:
        raise PsstratError(
            f"{exc}; give a commit, branch, tag, YYYY-MM-DD or last-meeting"
        ) from None
    except GitUnavailable as exc:
        raise PsstratError(f"git could not compare the commits ({exc})") from None
    wanted = sorted({*changed, *CONTEXT, SETTINGS_FILE})
    before = _side(root, before_commit, tree.read(before_commit.sha, wanted))
    if after_commit is None:
        after = _side(root, None, _working_tree(root, wanted))
    else:
        after = _side(root, after_commit, tree.read(after_commit.sha, wanted))
    return Pair(before, after, changed, described)


def _resolve_since(
    tree: GitTree, root: Path, since: str, end_ref: str, end_day: dt.date
) -> tuple[Commit, str]:
    if since == "last-meeting":
        meetings = _meeting_dates(tree, root, end_ref)
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


def _meeting_dates(tree: GitTree, root: Path, end_ref: str) -> list[dt.date]:
    from psstrat.model.strategy import MeetingsFile
    from psstrat.yamlio import YamlProblem, parse_yaml

    rel = f"{DATA}/meetings.yaml"
    raw = (
        _working_tree(root, [rel]).get(rel)
        if end_ref == "HEAD"
        else tree.read(end_ref, [rel]).get(rel)
    )
    if raw is None:
        return []
    try:
        meetings = MeetingsFile.model_validate(parse_yaml(raw).data)
    except (YamlProblem, ValueError):
        raise PsstratError(
            "data/meetings.yaml does not load, so the last meeting is not known; fix it "
            "(psstrat validate) or give --since a commit, branch or date"
        ) from None
    return [m.date for m in meetings.meetings]


def _working_tree(root: Path, wanted: list[str]) -> dict[str, bytes]:
    """The wanted files as they are on disk: only regular files inside the repository."""
    from psstrat.safefiles import scan
    from psstrat.settings import settings_file
    from psstrat.yamlio import YamlProblem, read_bytes

    files, _ = scan(root, DATA)
    found: dict[str, bytes] = {}
    for rel in wanted:
        path = settings_file(root) if rel == SETTINGS_FILE else files.get(rel)
        if path is None:
            continue
        try:
            found[rel] = read_bytes(path)
        except (YamlProblem, OSError):
            found[rel] = b"\x00"  # unreadable: loads as a yaml-syntax problem, and says so
    return found


def _side(root: Path, commit: Commit | None, files: dict[str, bytes]) -> Side:
    problems = []
    settings = Settings()
    raw_settings = files.pop(SETTINGS_FILE, None)
    if raw_settings is not None:
        try:
            settings = parse_settings(raw_settings)
        except PsstratError as exc:
            problems.append(f"its settings do not load ({exc}); defaults used")
    repo = load_repository(root, settings, sources=files, positions=False)
    broken = sorted(repo.unreadable_files())
    problems += [f"{rel} does not load and is left out" for rel in broken]
    return Side(repo, commit, problems)
