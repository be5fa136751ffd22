"""The strategy as git holds it on other branches: read from git objects, never checked out.

Every call runs git with a fixed argument list (no shell) and reads its output; a ref or path
from the repository is passed as an argument or on stdin, never interpreted. Without git, or
outside a git work tree, there is simply nothing to read: callers fall back to the working
tree and say so.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TIMEOUT = 120


class GitUnavailable(Exception):
    """git is not installed, or the strategy is not in a git work tree."""


class NoSuchCommit(Exception):
    """A ref, or a date, that names no commit."""


@dataclass(frozen=True)
class Oversized:
    """A blob larger than the limit it was read with: not read, only its size known."""

    size: int


@dataclass(frozen=True)
class Commit:
    sha: str
    date: dt.date
    """The committer's date (in the committer's time zone)."""

    @property
    def short(self) -> str:
        return self.sha[:10]


def _commit(line: str) -> Commit:
    sha, _, when = line.strip().partition("\0")
    return Commit(sha, dt.date.fromisoformat(when[:10]))


@dataclass(frozen=True)
class GitTree:
    """A strategy repository inside a git work tree: its top and where the strategy sits."""

    top: Path
    prefix: str
    """The strategy's folder relative to the top ("" at the top), with a trailing slash."""

    @classmethod
    def of(cls, root: Path) -> GitTree:
        out = _run(root, "rev-parse", "--show-toplevel")
        top = Path(out.strip())
        try:
            rel = root.resolve().relative_to(top.resolve()).as_posix()
        except ValueError:
            raise GitUnavailable("the strategy is outside git's work tree") from None
        return cls(top, "" if rel == "." else f"{rel}/")

    def branches(self) -> list[str]:
        """Every local and remote-tracking branch (full ref names, sorted)."""
        out = _run(
            self.top,
            "for-each-ref",
            "--format=%(refname)%00%(symref)",
            "refs/heads",
            "refs/remotes",
        )
        refs = []
        for line in out.splitlines():
            name, _, symref = line.partition("\0")
            if name and not symref:  # refs/remotes/origin/HEAD points at another branch
                refs.append(name)
        return sorted(refs)

    def commit(self, ref: str) -> Commit:
        """The commit a ref (a sha, branch, tag, HEAD~2...) names."""
        try:
            out = _run(self.top, "log", "-1", "--format=%H%x00%cI", "--end-of-options", ref, "--")
        except GitUnavailable as exc:
            raise NoSuchCommit(f"`{ref}` names no commit here ({exc})") from None
        if not out.strip():
            raise NoSuchCommit(f"`{ref}` names no commit here")
        return _commit(out)

    def commit_on_or_before(self, day: dt.date, ref: str = "HEAD") -> Commit:
        """The last commit of ``ref``'s history made on or before ``day``."""
        out = _run(
            self.top,
            "log",
            "-1",
            "--format=%H%x00%cI",
            f"--before={day.isoformat()}T23:59:59",
            "--end-of-options",
            ref,
            "--",
        )
        if not out.strip():
            raise NoSuchCommit(f"no commit on or before {day.isoformat()}")
        return _commit(out)

    def changed(self, since: str, until: str | None) -> list[str]:
        """Paths (relative to the strategy) of psstrat.yaml and data/ that differ between two
        commits, or between a commit and the working tree (``until`` None: untracked and
        ignored files count, since psstrat reads them)."""
        where = [f"{self.prefix}data", f"{self.prefix}psstrat.yaml"]
        revs = [since] if until is None else [since, until]
        out = _run(self.top, "diff", "--name-only", "-z", "--no-renames", *revs, "--", *where)
        paths = [p for p in out.split("\0") if p]
        if until is None:
            others = _run(self.top, "ls-files", "--others", "-z", "--", *where)
            paths += [p for p in others.split("\0") if p]
        return sorted({p.removeprefix(self.prefix) for p in paths})

    def log(self, path: str, ref: str = "HEAD") -> list[tuple[Commit, str]]:
        """The commits that changed ``path``, oldest first, each with the path the file had
        then (renames followed)."""
        out = _run(
            self.top,
            "log",
            "--follow",
            "--reverse",
            "--format=%x01%H%x00%cI",
            "--name-only",
            "--end-of-options",
            ref,
            "--",
            f"{self.prefix}{path}",
        )
        found = []
        for record in out.split("\x01")[1:]:
            head, _, names = record.partition("\n")
            name = next((n for n in names.splitlines() if n.strip()), f"{self.prefix}{path}")
            found.append((_commit(head), name.removeprefix(self.prefix)))
        return found

    def touched(self, since: str, ends: list[str]) -> list[tuple[Commit, list[tuple[str, str]]]]:
        """The commits after ``since`` up to any of ``ends`` that changed data/ (not
        ``since`` itself, nor what it holds), newest first, each with the paths it changed
        (relative to the strategy's root) and the blob each then held (deletions left out).
        The blob ids come from the same `git log` (`--raw`): looking each one up as
        `commit:path` would walk the folder for every path."""
        out = _run(
            self.top,
            "log",
            "--format=%x01%H%x00%cI",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            # Every commit, side branches and what a merge itself changed included: git's
            # default history simplification would drop a branch that changed a file back.
            "--full-history",
            "--diff-merges=separate",
            "-z",
            "--end-of-options",
            f"^{since}",
            *ends,
            "--",
            f"{self.prefix}data",
        )
        found = []
        for record in out.split("\x01")[1:]:
            head, _, raw = record.partition("\n")
            fields = raw.lstrip("\n").split("\0")
            changed = []
            for meta, path in zip(fields[0::2], fields[1::2], strict=False):
                parts = meta.split()
                if len(parts) >= 4 and set(parts[3]) != {"0"}:
                    changed.append((path.removeprefix(self.prefix), parts[3]))
            found.append((_commit(head), changed))
        return found

    def blobs(self, ids: list[str], limit: int | None = None) -> list[bytes | Oversized | None]:
        """The contents of blobs by id, in one git process (two with a ``limit``)."""
        return self._cat(ids, limit)

    def ever(self, path: str) -> tuple[set[str], list[str]]:
        """Every path under ``path`` that any branch's history ever held (relative to the
        strategy's root), and every commit that changed ``path``: what an id may once have
        named, so that a new item never takes an old item's id."""
        out = _run(
            self.top,
            "log",
            "--all",
            "--format=%x01%H",
            "--name-only",
            "--no-renames",
            "--",
            f"{self.prefix}{path}",
        )
        paths: set[str] = set()
        commits = []
        for record in out.split("\x01")[1:]:
            head, _, names = record.partition("\n")
            commits.append(head.strip())
            paths |= {n.removeprefix(self.prefix) for n in names.splitlines() if n.strip()}
        return paths, commits

    def files(self, ref: str, folder: str) -> list[str]:
        """Paths (relative to the strategy's root) of the files under ``folder`` at ``ref``."""
        out = _run(
            self.top, "ls-tree", "-r", "-z", "--name-only", ref, "--", f"{self.prefix}{folder}"
        )
        return [p.removeprefix(self.prefix) for p in out.split("\0") if p]

    def read(
        self, ref: str, paths: list[str], limit: int | None = None
    ) -> dict[str, bytes | Oversized]:
        """The contents of ``paths`` (relative to the strategy's root) at ``ref``, in two git
        processes (three with a ``limit``: a blob over it is never read, only sized); a path
        the ref does not have is left out.

        Blobs are looked up by id from one `ls-tree` of their folders: asking `cat-file` for
        `ref:path` instead walks the folder for every path, which takes git 20 s for 10,000
        risks.
        """
        if not paths:
            return {}
        folders = sorted({f"{self.prefix}{p.rpartition('/')[0]}" for p in paths if "/" in p})
        tops = [f"{self.prefix}{p}" for p in paths if "/" not in p]
        out = _run(self.top, "ls-tree", "-r", "-z", "--end-of-options", ref, "--", *folders, *tops)
        blobs: dict[str, str] = {}
        for entry in out.split("\0"):
            meta, _, path = entry.partition("\t")
            parts = meta.split()
            if len(parts) == 3 and parts[1] == "blob":
                blobs[path.removeprefix(self.prefix)] = parts[2]
        wanted = [p for p in paths if p in blobs]
        contents = self._cat([blobs[p] for p in wanted], limit)
        return {p: raw for p, raw in zip(wanted, contents, strict=True) if raw is not None}

    def read_many(
        self, wanted: list[tuple[str, str]], limit: int | None = None
    ) -> list[bytes | Oversized | None]:
        """The contents of each (ref, path) in one git process (two with a ``limit``); None
        where there is none."""
        return self._cat([f"{ref}:{self.prefix}{p}" for ref, p in wanted], limit)

    def _cat(self, objects: list[str], limit: int | None = None) -> list[bytes | Oversized | None]:
        """The contents of each object (an id, or `ref:path`) from `git cat-file --batch`;
        with a ``limit``, objects are sized first (`--batch-check`) and one over it is not
        read at all: a committed 30 MB file costs nothing."""
        if not objects:
            return []
        if limit is None:
            return list(self._batch(objects, "--batch"))
        sizes = [found[1] if found else None for found in self._batch(objects, "--batch-check")]
        small = [
            o for o, size in zip(objects, sizes, strict=True) if size is not None and size <= limit
        ]
        read = iter(self._batch(small, "--batch"))
        found: list[bytes | Oversized | None] = []
        for size in sizes:
            if size is None:
                found.append(None)
            elif size > limit:
                found.append(Oversized(size))
            else:
                found.append(next(read))
        return found

    def blob_ids(self, wanted: list[tuple[str, str]]) -> list[str | None]:
        """The blob id of each (ref, path), in one git process; None where there is none."""
        found = self._batch([f"{ref}:{self.prefix}{p}" for ref, p in wanted], "--batch-check")
        return [f[0] if f else None for f in found]

    def _batch(self, objects: list[str], mode: str) -> list[Any]:
        """`git cat-file --batch` (each blob's bytes) or `--batch-check` (each blob's id and
        size); None for an object that is missing or not a blob."""
        if not objects:
            return []
        specs = "".join(f"{name}\n" for name in objects)
        try:
            result = subprocess.run(
                ["git", "-C", str(self.top), "cat-file", mode],
                input=specs.encode("utf-8"),
                capture_output=True,
                check=False,
                timeout=TIMEOUT,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise GitUnavailable(str(exc)) from None
        found: list[Any] = []
        out = result.stdout
        at = 0
        for _ in objects:
            end = out.find(b"\n", at)
            if end < 0:
                found.append(None)
                continue
            header = out[at:end]
            at = end + 1
            if header.endswith((b" missing", b" ambiguous")):
                found.append(None)
                continue
            oid, kind, size = header.rsplit(b" ", 2)
            if mode == "--batch-check":
                found.append((oid.decode("ascii"), int(size)) if kind == b"blob" else None)
                continue
            found.append(out[at : at + int(size)] if kind == b"blob" else None)
            at += int(size) + 1
        return found


def blob_id(content: bytes) -> str:
    """The id git gives a blob with this content (to tell a version already read)."""
    import hashlib

    return hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()


def _run(where: Path, *args: str) -> str:
    try:
        result = subprocess.run(
            ["git", "-C", str(where), *args],
            capture_output=True,
            check=False,
            timeout=TIMEOUT,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitUnavailable(f"git is not available ({exc})") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        first = message[0].removeprefix("fatal: ") if message else f"git {args[0]} failed"
        raise GitUnavailable(first)
    return result.stdout.decode("utf-8", "replace")
