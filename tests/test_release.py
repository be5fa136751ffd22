"""A release a force can pin: the version from the git tag, the pins that name a release,
and the locks the action installs from. (.ci/run installs from an archive of the repository,
as GitHub hands an action its files, and checks the version there.)"""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import psstrat
from psstrat.commands.init import PIN, pin

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CHANGELOG = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)


@pytest.mark.parametrize(
    ("version", "commit", "release", "said"),
    [
        ("0.2.0", "8" * 40, True, "psstrat 0.2.0"),
        # From an archive of a repository with no tags, setuptools-scm says 0.0: no release.
        ("0.0", "8" * 40, False, "psstrat 0.0 (commit 888888888888, not a release)"),
        (
            "0.2.1.dev3+g1a2b3c4d",
            "1a2b3c4d" * 5,
            False,
            "psstrat 0.2.1.dev3+g1a2b3c4d (commit 1a2b3c4d1a2b, not a release)",
        ),
        (
            "0.2.1.dev3+g1a2b3c4d.d20261202",
            "1a2b3c4d" * 5,
            False,
            "psstrat 0.2.1.dev3+g1a2b3c4d.d20261202 (commit 1a2b3c4d1a2b, not a release)",
        ),
        # A copy with neither git nor an archive's data: hatch-vcs's fallback.
        ("0.0", "", False, "psstrat 0.0 (no commit known, not a release)"),
    ],
)
def test_version_names_the_commit_when_not_a_release(
    monkeypatch: pytest.MonkeyPatch, version: str, commit: str, release: bool, said: str
) -> None:
    monkeypatch.setattr(psstrat, "__version__", version)
    monkeypatch.setattr(psstrat, "__commit__", commit)
    monkeypatch.setattr(psstrat, "__release__", release)
    assert psstrat.describe() == said


def test_the_installed_version_is_the_tags() -> None:
    """What pip installed (hatch-vcs, from `git describe`): a release on its tag, else (a
    commit after it, or the tag's commit with uncommitted changes) the next release's
    development version naming the commit."""
    from psstrat import _version as installed  # (not psstrat's: conftest sets those)

    described = git("describe", "--tags", "--long", "--match", "v[0-9]*", installed.__commit__)
    if described.returncode != 0:
        pytest.skip(f"this checkout has no release tag ({described.stderr.strip()})")
    tag, distance, _ = described.stdout.strip().rsplit("-", 2)
    version, commit = installed.__version__, installed.__commit__
    dirty = re.search(r"\.d[0-9]{8}$", version)  # built from a tree with uncommitted changes
    if distance == "0" and not dirty:
        assert version == tag.removeprefix("v") and installed.__release__
    else:
        assert re.fullmatch(
            rf"[0-9.]+\.dev{distance}\+g{commit[:7]}[0-9a-f]*(\.d[0-9]+)?",
            version,
        )
        assert not installed.__release__


def test_every_pin_names_the_same_release_and_it_is_in_the_changelog(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """README, the shipped workflow, init's template and the pre-commit snippet pin one
    commit, with one release named beside it; that release has a CHANGELOG entry, and where
    this checkout has its tag, the tag is that commit."""
    texts = {
        "README.md": README,
        "workflow": (ROOT / ".github/workflows/validate-strategy.yml").read_text("utf-8"),
        "init's workflow": (ROOT / "src/psstrat/commands/init/validate-strategy.yml").read_text(
            "utf-8"
        ),
    }
    pins = {name: PIN.findall(text) for name, text in texts.items()}
    assert all(len(found) == 1 for found in pins.values()), pins
    [(commit, release)] = {found[0] for found in pins.values()}
    assert re.search(rf"rev: {commit}  # frozen: v{re.escape(release)}\n", README)
    assert f"## [{release}]" in CHANGELOG
    tagged = git("rev-parse", "--verify", "--quiet", f"refs/tags/v{release}^{{commit}}")
    if tagged.returncode == 0:
        assert tagged.stdout.strip() == commit, f"v{release} is not the commit the pins name"
    monkeypatch.setattr(psstrat, "__version__", "0.2.1.dev1+g1a2b3c4")
    monkeypatch.setattr(psstrat, "__commit__", "1a2b3c4" + "0" * 33)
    monkeypatch.setattr(psstrat, "__release__", False)
    assert pin() == (commit, release)  # init, between releases, pins the latest release


def test_a_release_build_of_init_pins_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(psstrat, "__version__", "9.9.9")
    monkeypatch.setattr(psstrat, "__commit__", "9" * 40)
    monkeypatch.setattr(psstrat, "__release__", True)
    assert pin() == ("9" * 40, "9.9.9")
    from psstrat.commands import init

    assert f"psstrat@{'9' * 40} # v9.9.9\n" in init.workflow()


def _locked(name: str) -> dict[str, tuple[str, list[str]]]:
    """A lock file's entries: name -> (version, hashes)."""
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    entries: dict[str, tuple[str, list[str]]] = {}
    for block in re.split(r"\n(?=[a-z0-9])", text):
        head = re.match(r"([A-Za-z0-9._-]+)==([^ ;\\]+)", block)
        if head:
            hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
            entries[canonicalize_name(head[1])] = (head[2], hashes)
    return entries


@pytest.mark.parametrize(
    ("lock", "wanted"),
    [
        ("action.txt", "project.dependencies"),
        ("build.txt", "build-system.requires"),
    ],
)
def test_the_locks_hold_every_requirement_by_hash(lock: str, wanted: str) -> None:
    """Every requirement of pyproject.toml is in the lock the action installs, at a version it
    allows, every file with its hash (tools/lock_action.sh writes them)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    section, key = wanted.split(".")
    locked = _locked(lock)
    assert locked and all(hashes for _, hashes in locked.values())
    for text in project[section][key]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in requirements/{lock}: run tools/lock_action.sh"
        version, _ = locked[name]
        assert requirement.specifier.contains(version, prereleases=True), (name, version)


def test_the_action_installs_from_the_locks_and_caches() -> None:
    action = (ROOT / "action.yml").read_text(encoding="utf-8")
    install = (ROOT / "requirements/install.sh").read_text(encoding="utf-8")
    assert 'bash "$ACTION_PATH/requirements/install.sh"' in action
    assert install.count("--require-hashes") == 2 and "--no-build-isolation" in install
    assert "actions/cache@" in action and "requirements/action.txt" in action
