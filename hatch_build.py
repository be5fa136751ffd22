"""Build hook: writes src/psstrat/_version.py, the version (from the git tag, by hatch-vcs)
and the commit the package is built from, so `psstrat --version` names the commit of a build
that is not a release and `psstrat init` pins exactly the psstrat that wrote it.

Whether it is a release (`__release__`) is whether the commit carries the version's tag. The
commit comes from git when the source is a checkout, from .git_archival.txt when it is an
archive of one (GitHub hands an action its checkout as an archive; `export-subst` in
.gitattributes fills the file in), and from the _version.py already there when a wheel is
built from an sdist. Nothing here reads the clock.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

TARGET = "src/psstrat/_version.py"
TEMPLATE = '''"""Written by hatch_build.py when psstrat is built or installed; not in git."""

__version__ = {version!r}
__commit__ = {commit!r}
__release__ = {release!r}
'''
_SHA = re.compile(r"[0-9a-f]{40}")


def _commit(root: Path) -> str:
    if (root / ".git").exists():
        try:
            done = subprocess.run(
                ["git", "-C", str(root), "rev-parse", "HEAD"],
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError:
            done = None
        if done is not None and _SHA.fullmatch(done.stdout.strip()):
            return done.stdout.strip()
    archival = root / ".git_archival.txt"
    if archival.exists():
        found = re.search(r"^node: ([0-9a-f]{40})$", archival.read_text("utf-8"), re.M)
        if found:
            return found[1]
    existing = root / TARGET
    if existing.exists():
        found = re.search(r"^__commit__ = '([0-9a-f]{40})'$", existing.read_text("utf-8"), re.M)
        if found:
            return found[1]
    return ""


def _released(root: Path, version: str) -> bool:
    """Whether this build is of a release: its commit carries the tag `v<version>` (git, or
    the archive's describe-name). A version that looks like a release is not enough: from an
    archive of a repository with no tags, setuptools-scm says 0.0."""
    tag = f"v{version}"
    if (root / ".git").exists():
        try:
            done = subprocess.run(
                ["git", "-C", str(root), "tag", "--points-at", "HEAD"],
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError:
            done = None
        if done is not None and done.returncode == 0:
            return tag in done.stdout.split()
    archival = root / ".git_archival.txt"
    if archival.exists():
        found = re.search(r"^describe-name: (.*)$", archival.read_text("utf-8"), re.M)
        if found and "$Format" not in found[1]:
            return found[1].strip() == tag
    existing = root / TARGET
    if existing.exists():
        return "__release__ = True" in existing.read_text("utf-8")
    return False


class VersionFile(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        version = self.metadata.version
        text = TEMPLATE.format(
            version=version, commit=_commit(root), release=_released(root, version)
        )
        target = root / TARGET
        if not target.exists() or target.read_text("utf-8") != text:
            target.write_text(text, encoding="utf-8")
        build_data["artifacts"].append(f"/{TARGET}")
