"""`psstrat schema [KIND] [--out DIR]`: JSON Schema for editors, from the models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from psstrat.cli.options import RootOption, fail
from psstrat.errors import PsstratError

KIND_HELP = "strategy, owners, meetings, strand, risk, sia or settings"


def command(
    kind: Annotated[
        str | None,
        typer.Argument(
            help=f"Print the schema of one kind of file: {KIND_HELP}.", show_default=False
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
    """JSON Schema (draft 2020-12) for each kind of file, for completion and hover help in
    editors; the markings and categories are this repository's (psstrat.yaml)."""
    try:
        for line in write_schemas(kind, out, root):
            print(line, end="")
    except PsstratError as exc:
        fail(exc)


def write_schemas(kind: str | None, out: Path | None, root: Path | None) -> list[str]:
    from psstrat.cli.options import resolve_root
    from psstrat.commands.schema import KINDS, dumps, file_name, json_schema
    from psstrat.settings import Settings, load_settings

    if kind is not None and kind not in KINDS:
        from psstrat.messages import suggest

        raise PsstratError(
            f"no kind of file `{kind}`{suggest(kind, KINDS)}; use one of: {KIND_HELP}"
        )
    if kind is None and out is None:
        raise PsstratError(f"name a kind ({KIND_HELP}) to print its schema, or pass --out DIR")
    try:
        settings = load_settings(resolve_root(root))
    except PsstratError as exc:
        if root is not None or "no strategy repository found" not in str(exc):
            raise
        settings = Settings()  # outside a repository: the default markings and categories
    if out is None:
        from psstrat.safetext import inert

        assert kind is not None  # the markings and categories come from psstrat.yaml: data
        return [inert(dumps(json_schema(kind, settings)), "json")]
    from psstrat.safefiles import write_atomically

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PsstratError(f"cannot create {out}: {exc.strerror}; choose another --out") from None
    written = []
    for name in [kind] if kind else list(KINDS):
        path = out / file_name(name)
        write_atomically(path, dumps(json_schema(name, settings)))
        written.append(f"wrote {path}\n")
    return written
