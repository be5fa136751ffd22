"""`psstrat remove owner ID`: an owner removed, refused while anything names it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from psstrat.cli.new import _text, ask
from psstrat.cli.options import RootOption
from psstrat.cli.record import DryRun, run_edit

if TYPE_CHECKING:
    from psstrat.edits import Planner, Repo

app = typer.Typer(
    name="remove",
    help="Remove an owner (refused while anything names it, saying what).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("owner")
def remove_owner(
    item: Annotated[
        str | None,
        typer.Argument(
            help="The owner id, e.g. dcs-intelligence.", show_default=False, metavar="ID"
        ),
    ] = None,
    dry_run: DryRun = False,
    root: RootOption = None,
) -> None:
    """An owner removed from data/owners.yaml; refused while a lead, owner, author or
    presenter anywhere (psstrat.yaml's report.author too) still names it."""

    def prepare(repo: Repo) -> tuple[str, Planner]:
        from psstrat.commands import remove
        from psstrat.edits import target

        found = target(ask(item, "ID", "Owner id", _text("the id")), "owner")
        return found.rel, remove.remove_owner(repo, found.id)

    run_edit(root, dry_run, prepare)
