"""The typer application: one module per command."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

import typer

from psstrat import describe
from psstrat.cli import (
    changes,
    explain,
    export,
    fmt,
    history,
    import_,
    init,
    new,
    overdue,
    plan,
    record,
    remove,
    report,
    schema,
    set,
    status,
    validate,
)

SETTINGS: dict[str, Any] = {
    "name": "psstrat",
    "help": "Keep a professional standards strategy as YAML in git: validate it, list what is "
    "overdue, and render the committee report.",
    "no_args_is_help": True,
    "context_settings": {"help_option_names": ["-h", "--help"]},
    "pretty_exceptions_enable": False,
    "rich_markup_mode": None,
}


def _version(value: bool) -> None:
    if value:
        print(describe())
        raise typer.Exit()


def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """psstrat: the strategy, its risks and the committee report, as YAML in git."""


COMMANDS: dict[str, Any] = {
    "init": init.command,
    "validate": validate.command,
    "overdue": overdue.command,
    "status": status.command,
    "plan": plan.command,
    "report": report.command,
    "changes": changes.command,
    "history": history.command,
    "explain": explain.command,
    "schema": schema.command,
    "fmt": fmt.command,
    "import": import_.command,
    "export": export.command,
}
GROUPS: dict[str, typer.Typer] = {
    "new": new.app,
    "record": record.app,
    "set": set.app,
    "remove": remove.app,
}


def _build(names: Iterable[str]) -> typer.Typer:
    built = typer.Typer(**SETTINGS)
    built.callback()(_root)
    for name in names:
        if name in COMMANDS:
            built.command(name=name)(COMMANDS[name])
        else:
            built.add_typer(GROUPS[name], name=name)
    return built


app = _build([*COMMANDS, *GROUPS])


def for_args(args: list[str]) -> typer.Typer:
    """The app to run ``args`` with: one holding only the command they name, when they name
    one (typer works out every command's parameters before it runs any: 0.25 s for all of
    them, against 0.02 s for one), else the whole app (for help, or a misspelt command)."""
    if args and (args[0] in COMMANDS or args[0] in GROUPS):
        return _build([args[0]])
    return app
