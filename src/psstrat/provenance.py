"""Where the data came from: the git commit of the repository, if it is a checkout."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

SHAPING = ("data", "templates", "psstrat.yaml")
"""What shapes a report: a change to any of these, committed or not, changes the paper."""


@dataclass(frozen=True)
class Source:
    commit: str | None
    dirty: bool
    """Anything under SHAPING differs from the commit: modified, staged, untracked or even
    git-ignored (an ignored data file is still read and rendered)."""
    problem: str | None = None
    """Why there is no commit: "git is not available" or "not a git checkout"."""

    @property
    def description(self) -> str:
        """How the report's provenance line names its source."""
        if self.commit is None:
            return f"a source with no commit ({self.problem})"
        return f"source commit {self.commit}" + (" + uncommitted changes" if self.dirty else "")


def source_commit(root: Path, shaping: tuple[str, ...] = SHAPING) -> Source:
    """The commit of the git checkout holding ``root`` and whether what shapes a report
    (or the part of it named) differs from it."""

    def git(*args: str) -> str | None:
        result = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        return result.stdout.strip() if result.returncode == 0 else None

    try:
        commit = git("rev-parse", "--verify", "HEAD")
        if not commit:
            return Source(None, False, "not a git checkout")
        status = git("status", "--porcelain", "--ignored", "--untracked-files=all", "--", *shaping)
    except (OSError, subprocess.SubprocessError):
        return Source(None, False, "git is not available")
    # If git cannot say, the data cannot be called clean.
    return Source(commit, status is None or bool(status))


def work_tree_top(root: Path) -> Path | None:
    """The top of the git work tree holding ``root``; None outside one or without git."""
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    top = result.stdout.strip()
    return Path(top) if result.returncode == 0 and top else None
