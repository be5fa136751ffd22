"""`psstrat init [DIR]`: start a new strategy repository that validates clean at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from psstrat.cli.options import fail, start_option, today
from psstrat.errors import PsstratError


def command(
    directory: Annotated[
        Path,
        typer.Argument(help="Where to create it (default: here); created if missing."),
    ] = Path(),
    title: Annotated[
        str, typer.Option("--title", help="The strategy's title.")
    ] = "Professional Standards Strategy",
    committee: Annotated[
        str, typer.Option("--committee", help="The oversight committee the reports go to.")
    ] = "Professional Standards Committee",
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            metavar="OWNER/REPO",
            help="Where psstrat is hosted on GitHub, for the CI workflow and pre-commit config "
            "(default: a <owner>/psstrat placeholder to replace).",
            show_default=False,
        ),
    ] = None,
    start: Annotated[dt.date | None, start_option()] = None,
) -> None:
    """Create a strategy repository: settings, one strand, risk and SIA, the CI workflow,
    pre-commit config, editor schemas and a README. Never overwrites a file."""
    try:
        for line in initialise(directory, title, committee, source, start or today()):
            print(line)
    except PsstratError as exc:
        fail(exc)


def initialise(
    directory: Path, title: str, committee: str, source: str | None, start: dt.date
) -> list[str]:
    from psstrat import skeleton
    from psstrat.safefiles import write_atomically
    from psstrat.schema import KINDS, dumps, file_name, json_schema
    from psstrat.settings import Settings

    planned = skeleton.files(start, title, committee, source)
    settings = Settings()  # what the skeleton's psstrat.yaml spells out
    mapping = {}
    for kind, (_, glob, _) in KINDS.items():
        planned[f"schemas/{file_name(kind)}"] = dumps(json_schema(kind, settings))
        mapping[f"schemas/{file_name(kind)}"] = glob
    planned[".vscode/settings.json"] = skeleton.editor_settings(mapping)

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
            f"Replace `{skeleton.PLACEHOLDER_SOURCE}` in .github/workflows/validate-strategy.yml "
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
