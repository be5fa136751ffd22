"""Where the data came from: the git commit of the repository, if it is a checkout."""

from __future__ import annotations

import subprocess
from pathlib import Path


def source_commit(root: Path) -> tuple[str | None, bool]:
    """(commit, dirty) of the git checkout holding ``root``; (None, False) when there is none
    or git is not installed. Only files that shape the report count as changes."""

    def git(*args: str) -> str | None:
        try:
            result = subprocess.run(
                ["git", "-C", str(root), *args],
                capture_output=True,
                text=True,
                check=False,
                timeout=10,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return result.stdout.strip() if result.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return None, False
    status = git("status", "--porcelain", "--", "data", "templates", "psstrat.yaml")
    return commit, bool(status)
