"""The strategy as git holds it on other branches: read from git objects, never checked out.

Every call runs git with a fixed argument list (no shell) and reads its output; a ref or path
from the repository is passed as an argument or on stdin, never interpreted. Without git, or
outside a git work tree, there is simply nothing to read: callers fall back to the working
tree and say so.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

TIMEOUT = 120


class GitUnavailable(Exception):
    """git is not installed, or the strategy is not in a git work tree."""


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

    def files(self, ref: str, folder: str) -> list[str]:
        """Paths (relative to the strategy's root) of the files under ``folder`` at ``ref``."""
        out = _run(
            self.top, "ls-tree", "-r", "-z", "--name-only", ref, "--", f"{self.prefix}{folder}"
        )
        return [p.removeprefix(self.prefix) for p in out.split("\0") if p]

    def read(self, ref: str, paths: list[str]) -> dict[str, bytes]:
        """The contents of ``paths`` (relative to the strategy's root) at ``ref``, in one git
        process; a path the ref does not have is left out."""
        if not paths:
            return {}
        specs = "".join(f"{ref}:{self.prefix}{p}\n" for p in paths)
        try:
            result = subprocess.run(
                ["git", "-C", str(self.top), "cat-file", "--batch"],
                input=specs.encode("utf-8"),
                capture_output=True,
                check=False,
                timeout=TIMEOUT,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise GitUnavailable(str(exc)) from None
        found: dict[str, bytes] = {}
        out = result.stdout
        at = 0
        for path in paths:
            end = out.find(b"\n", at)
            if end < 0:
                break
            header = out[at:end]
            at = end + 1
            if header.endswith((b" missing", b" ambiguous")):
                continue
            _, kind, size = header.rsplit(b" ", 2)
            if kind == b"blob":
                found[path] = out[at : at + int(size)]
            at += int(size) + 1
        return found


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
