"""`psstrat schema [KIND] [--out DIR]`: JSON Schema for editors, from the models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from psstrat.cli.options import RootOption


def command(
    kind: Annotated[
        str | None,
        typer.Argument(
            help="Print the schema of one kind of file: strategy, owners, meetings, strand, "
            "risk, sia or settings.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write every kind's schema to DIR/<kind>.schema.json (DIR is created).",
            file_okay=False,
            show_default=False,
        ),
    ] = None,
    root: RootOption = None,
) -> None:
    """JSON Schema (draft-07, which every editor reads) for each kind of file, for completion
    and hover help in editors; the markings and categories are this repository's (psstrat.yaml)."""
    from psstrat.cli.policy import resolve_root
    from psstrat.commands.schema import check_asked, write_schemas
    from psstrat.errors import NoRepository

    check_asked(kind, out)  # before --root is looked at, as the kind is the first thing asked
    try:
        where: Path | None = resolve_root(root)
    except NoRepository:
        where = None  # outside a repository: the default markings and categories
    for line in write_schemas(kind, out, where):
        print(line, end="")
