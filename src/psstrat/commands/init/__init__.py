"""A new strategy repository, as text: what `psstrat init` writes.

The files are templates beside this module (``$name`` placeholders, string.Template); the CI
workflow is the same file as this repository's .github/workflows/validate-strategy.yml (a test
keeps them equal), and the commit it pins psstrat to is the one the pre-commit config pins.
``files`` returns {relative path: text}; ``initialise`` writes them, never over a file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from string import Template

from dateutil.relativedelta import relativedelta

from psstrat.errors import PsstratError
from psstrat.schemas import modeline

HERE = Path(__file__).resolve().parent
PLACEHOLDER_SOURCE = "<owner>/psstrat"
SOURCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+")
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,.()'/&-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

TEMPLATES = {
    "psstrat.yaml": "psstrat.yaml",
    "data/strategy.yaml": "strategy.yaml",
    "data/owners.yaml": "owners.yaml",
    "data/meetings.yaml": "meetings.yaml",
    "data/strands/S1.yaml": "S1.yaml",
    "data/risks/R0001.yaml": "R0001.yaml",
    "data/sia/SIA-$year.yaml": "SIA.yaml",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    ".gitignore": "gitignore",
    "README.md": "README.md",
}
"""Where each template goes in the new repository (the path may hold placeholders too)."""

EDITORCONFIG = """\
# Editor settings every editor understands (https://editorconfig.org).
root = true

[*]
charset = utf-8
end_of_line = lf
insert_final_newline = true
trim_trailing_whitespace = true

[*.{yaml,yml}]
indent_style = space
indent_size = 2
"""


PIN = re.compile(r"psstrat@(?P<commit>[0-9a-f]{40}) # v(?P<release>[0-9][0-9.]*)")
"""How the workflow template pins psstrat: a release's commit, the release named beside it."""


def pin() -> tuple[str, str]:
    """The psstrat (commit, release) a new repository pins: this psstrat's own commit when it
    is a release, else the latest release the shipped workflow pins (a build between releases
    is no commit a force should pin)."""
    import psstrat

    if psstrat.is_release() and len(psstrat.__commit__) == 40:
        return psstrat.__commit__, psstrat.__version__
    found = PIN.search(_template())
    assert found, "the workflow template pins no release"
    return found["commit"], found["release"]


def pinned_commit() -> str:
    """The psstrat commit a new repository's workflow and pre-commit config pin."""
    return pin()[0]


def workflow() -> str:
    """The workflow `init` writes (and README shows): the template, pinned as ``pin`` says."""
    commit, release = pin()
    return PIN.sub(f"psstrat@{commit} # v{release}", _template())


def _template() -> str:
    return (HERE / "validate-strategy.yml").read_text(encoding="utf-8")


def yaml_text(value: str, what: str) -> str:
    """A one-line text as a YAML scalar: plain when that is safe, else double-quoted."""
    value = value.strip()
    if not value or _CONTROL.search(value):
        raise PsstratError(f"--{what} must be one line of visible text; give another {what}")
    return value if _PLAIN.fullmatch(value) else json.dumps(value, ensure_ascii=False)


def files(start: dt.date, title: str, committee: str, source: str | None) -> dict[str, str]:
    """Every file of a new repository that validates clean as of ``start``."""
    if source is not None and not SOURCE.fullmatch(source):
        raise PsstratError(
            f"--source `{source}` is not OWNER/REPOSITORY, e.g. my-force/psstrat; give where "
            "psstrat is hosted on GitHub"
        )
    origin = source or PLACEHOLDER_SOURCE
    due = start + relativedelta(months=3)
    values = {
        "year": str(start.year),
        "start": start.isoformat(),
        "end": (start + relativedelta(years=5, days=-1)).isoformat(),
        "due": due.isoformat(),
        "meeting": (due + dt.timedelta(days=14)).isoformat(),
        "review": (start + relativedelta(years=1)).isoformat(),
        "title": yaml_text(title, "title"),
        "committee": yaml_text(committee, "committee"),
        "source": f"https://github.com/{origin}",
        "source_url": f"https://github.com/{origin}",
        "rev": pinned_commit(),
        "release": pin()[1],
    }
    written: dict[str, str] = {}
    for target, name in TEMPLATES.items():
        text = (HERE / name).read_text(encoding="utf-8")
        if name == "README.md":  # Markdown, not YAML: the title as typed
            text = Template(text).substitute(values, title=title.strip())
        else:
            text = Template(text).substitute(values)
        rel = Template(target).substitute(values)
        line = modeline(rel)
        written[rel] = text if line is None else line + text
    written[".github/workflows/validate-strategy.yml"] = workflow().replace(
        PLACEHOLDER_SOURCE, origin
    )
    written[".editorconfig"] = EDITORCONFIG
    written[".vscode/extensions.json"] = _json({"recommendations": ["redhat.vscode-yaml"]})
    return written


def editor_settings(schemas: dict[str, str]) -> str:
    """VS Code settings mapping each file kind to its schema ({schema path: files glob})."""
    return _json(
        {
            "yaml.schemas": schemas,
            "yaml.validate": True,
            "yaml.completion": True,
            "[yaml]": {"editor.insertSpaces": True, "editor.tabSize": 2},
        }
    )


def _json(value: object) -> str:
    return json.dumps(value, indent=2) + "\n"


def initialise(
    directory: Path, title: str, committee: str, source: str | None, start: dt.date
) -> list[str]:
    from psstrat.safefiles import write_atomically
    from psstrat.schemas import KINDS, dumps, file_name, json_schema
    from psstrat.settings import Settings

    planned = files(start, title, committee, source)
    settings = Settings()  # what the skeleton's psstrat.yaml spells out
    mapping = {}
    for kind, (_, glob, _) in KINDS.items():
        planned[f"schemas/{file_name(kind)}"] = dumps(json_schema(kind, settings))
        mapping[f"schemas/{file_name(kind)}"] = glob
    planned[".vscode/settings.json"] = editor_settings(mapping)

    if directory.exists() and not directory.is_dir():
        raise PsstratError(f"{directory} is a file; give a directory for the new repository")
    taken = sorted(rel for rel in planned if _exists(directory / rel))
    if taken:
        more = f" (and {len(taken) - 1} more of its files)" if len(taken) > 1 else ""
        raise PsstratError(
            f"{directory / taken[0]} already exists{more}; psstrat init never overwrites a "
            "file: choose an empty directory"
        )
    lines = []
    for rel in sorted(planned):
        path = directory / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PsstratError(f"cannot create {path.parent}: {exc.strerror}") from None
        write_atomically(path, planned[rel])
        lines.append(f"wrote {path}")
    where = "" if directory == Path() else f"cd {directory} && "
    lines.append(
        f"A new strategy repository: {len(planned)} files. Next: {where}git init && "
        "psstrat validate"
    )
    if source is None:
        lines.append(
            f"Replace `{PLACEHOLDER_SOURCE}` in .github/workflows/validate-strategy.yml "
            "and .pre-commit-config.yaml with where psstrat is hosted (or rerun with --source)."
        )
    return lines


def _exists(path: Path) -> bool:
    """Anything at the path, even a broken symbolic link, counts as taken."""
    try:
        path.lstat()
    except FileNotFoundError:
        return False
    except NotADirectoryError:
        return True  # a file where a folder of the path should be
    return True
