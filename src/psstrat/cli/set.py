"""`psstrat set WHAT ID ...`: values that are not dated records (an item's marking, an
owner's details)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from psstrat.cli.new import _choice, _text, ask
from psstrat.cli.options import RootOption
from psstrat.cli.record import DryRun, run_edit

if TYPE_CHECKING:
    from psstrat.edits import Planner, Repo

app = typer.Typer(
    name="set",
    help="Set a value that is not a dated record: an item's protective marking, an owner's "
    "role, name, email or phone. Keeps every other line and comment; checked before written.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _id(help: str) -> Any:
    return typer.Argument(help=help, show_default=False, metavar="ID")


@app.command("marking")
def marking(
    item: Annotated[
        str | None,
        _id("A strand, work element, milestone, risk, SIA, SIA issue, owner or action id."),
    ] = None,
    value: Annotated[
        str | None,
        typer.Argument(
            metavar="MARKING", help="One of psstrat.yaml's markings.", show_default=False
        ),
    ] = None,
    dry_run: DryRun = False,
    root: RootOption = None,
) -> None:
    """An item's own protective marking."""

    def prepare(repo: Repo) -> tuple[str, Planner]:
        from psstrat.commands import set as set_
        from psstrat.edits import target

        found = target(ask(item, "ID", "Item (e.g. S1.1, R0001)", _text("the id")), *set_.MARKED)
        markings = repo.settings.markings
        new = ask(value, "MARKING", f"Marking ({', '.join(markings)})", _choice(markings))
        return found.rel, set_.marking(repo, found, new)

    run_edit(root, dry_run, prepare)


def _field(help: str) -> Any:
    return typer.Option(metavar="TEXT", help=help, show_default=False)


@app.command("owner")
def owner(
    item: Annotated[str | None, _id("The owner id, e.g. dcs-intelligence.")] = None,
    role: Annotated[str | None, _field("How reports name the owner.")] = None,
    name: Annotated[str | None, _field('The person\'s name ("" removes it).')] = None,
    email: Annotated[str | None, _field('An email address ("" removes it).')] = None,
    phone: Annotated[str | None, _field('A telephone number ("" removes it).')] = None,
    dry_run: DryRun = False,
    root: RootOption = None,
) -> None:
    """An owner's role, name, email or phone in data/owners.yaml (its id stays: files name it)."""

    def prepare(repo: Repo) -> tuple[str, Planner]:
        from psstrat.edits import target

        found = target(ask(item, "ID", "Owner id", _text("the id")), "owner")
        from psstrat.commands import set as set_

        given = {"role": role, "name": name, "email": email, "phone": phone}
        values = {k: _value(k, v) for k, v in given.items() if v is not None}
        return found.rel, set_.owner(repo, found.id, values)

    run_edit(root, dry_run, prepare)


def _value(option: str, value: str) -> str:
    from psstrat.errors import PsstratError

    if value.strip() == "":
        return ""
    try:
        checked: str = _text(f"--{option}")(value)
    except ValueError as exc:
        raise PsstratError(str(exc)) from None
    return checked
