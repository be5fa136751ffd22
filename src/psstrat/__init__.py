"""psstrat: a professional standards strategy kept as YAML in git."""

try:  # written by hatch_build.py when psstrat is built or installed
    from psstrat._version import __commit__, __release__, __version__
except ImportError:  # pragma: no cover - a source tree that was never installed
    __version__, __commit__, __release__ = "0.0", "", False

__all__ = ["__commit__", "__release__", "__version__", "describe", "is_release"]


def is_release() -> bool:
    """Whether this psstrat is a release: built from the commit its version's tag names
    (`v0.2.0`), not a build between releases."""
    return __release__


def describe() -> str:
    """What `psstrat --version` prints: the release, or the build and the commit it is of."""
    if is_release():
        return f"psstrat {__version__}"
    if not __commit__:
        return f"psstrat {__version__} (no commit known, not a release)"
    return f"psstrat {__version__} (commit {__commit__[:12]}, not a release)"
