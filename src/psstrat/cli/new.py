"""`psstrat new KIND`: a new item with the next free id (risk, strand, element, milestone,
sia, meeting, owner). Required values come from options, or are asked for on a terminal,
all before the repository is locked to count ids and write (nobody waits on a question)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from psstrat.cli.options import RootOption, parse_date
from psstrat.cli.policy import today
from psstrat.errors import PsstratError

if TYPE_CHECKING:
    from psstrat.commands.new import Census, Creation
    from psstrat.repository import Repository

Make = Callable[["Census"], "Creation"]
"""Counts ids and makes the addition (under the lock; again if another process got there)."""

app = typer.Typer(
    name="new",
    help="Add a risk, strand, work element, milestone, SIA, meeting or owner, with the next "
    "free id (counted on every branch). Prompts for what is missing only on a terminal.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _date(name: str, help: str) -> Any:
    return typer.Option(
        name, metavar="YYYY-MM-DD", parser=parse_date, help=help, show_default=False
    )


Title = Annotated[
    str | None, typer.Option("--title", help="The title (one line).", show_default=False)
]
Lead = Annotated[
    str | None,
    typer.Option("--lead", help="Owner id of the lead (default: vacant).", show_default=False),
]


def ask(value: Any, option: str, question: str, parse: Callable[[str], Any] = str) -> Any:
    """The value given (checked), else one asked for on a terminal; never waits on a pipe."""
    if isinstance(value, str):
        try:
            return parse(value)
        except ValueError as exc:
            raise PsstratError(f"{option}: {exc}") from None
    if value is not None:
        return value
    if not on_terminal():
        raise PsstratError(f"{option} is required; pass {option} (there is no terminal to ask on)")
    while True:
        answer = typer.prompt(question).strip()
        try:
            return parse(answer)
        except (ValueError, typer.BadParameter) as exc:
            from psstrat.safetext import inert, visible

            print(inert(f"  {visible(str(exc))}"), file=sys.stderr)


def checked(value: str, parse: Callable[[str], Any]) -> Any:
    """A value given on the command line, checked: what the check says is the error."""
    try:
        return parse(value)
    except ValueError as exc:
        raise PsstratError(str(exc)) from None


def on_terminal() -> bool:
    """Someone is there to answer: stdin and stdout are both a terminal (not CI, not a pipe)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _text(what: str) -> Callable[[str], str]:
    from psstrat.safetext import UNSAFE

    def check(value: str) -> str:
        if not value.strip() or UNSAFE.search(value):
            raise ValueError(f"{what} must be one line of visible text")
        return value.strip()

    return check


def _id(kind: str) -> Callable[[str], str]:
    """The parser of an option naming an item: its id, checked before it reaches a path."""
    from psstrat.commands.new import checked_id

    return lambda value: checked_id(kind, value.strip())


def _run(root: Path | None, prepare: Callable[[Repository], Make]) -> None:
    """Load the repository, let ``prepare`` gather (ask for) the values, then add the item."""
    from psstrat.cli.policy import resolve_root
    from psstrat.commands.new import Census, add
    from psstrat.repository import load_repository
    from psstrat.safetext import inert, visible

    top = resolve_root(root)
    repo = load_repository(top)
    make = prepare(repo)
    creation = add(top, Census(top), make)
    for note in creation.notes:
        print(inert(f"psstrat: note: {visible(note)}"), file=sys.stderr)
    verb = "wrote" if creation.new_file else "added to"
    print(f"{creation.new_id}: {verb} {creation.rel}")


@app.command("risk")
def risk(
    title: Title = None,
    category: Annotated[str | None, typer.Option(help="One of the settings' categories.")] = None,
    owner: Annotated[str | None, typer.Option(help="Owner id of the risk's owner.")] = None,
    likelihood: Annotated[int | None, _score_option("How likely, 1 to 5.")] = None,
    impact: Annotated[int | None, _score_option("How severe, 1 to 5.")] = None,
    raised: Annotated[dt.date | None, _date("--raised", "When raised (default: today).")] = None,
    control: Annotated[
        list[str] | None,
        typer.Option(help="A control measure, planned, owned by the risk's owner (repeatable)."),
    ] = None,
    root: RootOption = None,
) -> None:
    """A new risk file (data/risks/R<next>.yaml), assessed at the given rating."""

    def prepare(repo: Repository) -> Make:
        from psstrat.commands.new import RiskDraft, new_risk

        categories = repo.settings.categories
        draft = RiskDraft(
            ask(title, "--title", "Title", _text("the title")),
            ask(category, "--category", f"Category ({', '.join(categories)})", _choice(categories)),
            owner,
            raised or today(),
            ask(likelihood, "--likelihood", "Likelihood (1-5)", _score),
            ask(impact, "--impact", "Impact (1-5)", _score),
            tuple(checked(c, _text("a control")) for c in control or []),
        )
        return lambda census: new_risk(repo, census, draft)

    _run(root, prepare)


@app.command("strand")
def strand(
    title: Title = None,
    lead: Lead = None,
    outcome: Annotated[
        list[str] | None, typer.Option(help="A strategic outcome id it serves (repeatable).")
    ] = None,
    root: RootOption = None,
) -> None:
    """A new strand file (data/strands/S<next>.yaml)."""

    def prepare(repo: Repository) -> Make:
        from psstrat.commands.new import new_strand

        given = ask(title, "--title", "Title", _text("the title"))
        return lambda census: new_strand(repo, census, given, lead, outcome or [])

    _run(root, prepare)


@app.command("element")
def element(
    strand: Annotated[str | None, typer.Option(help="The strand it belongs to, e.g. S1.")] = None,
    title: Title = None,
    lead: Lead = None,
    root: RootOption = None,
) -> None:
    """A new work element at the end of a strand's list (S<n>.<next>)."""

    def prepare(repo: Repository) -> Make:
        from psstrat.commands.new import new_element

        strand_id = ask(strand, "--strand", "Strand (e.g. S1)", _id("strand"))
        given = ask(title, "--title", "Title", _text("the title"))
        return lambda census: new_element(repo, census, strand_id, given, lead)

    _run(root, prepare)


@app.command("milestone")
def milestone(
    element: Annotated[
        str | None, typer.Option(help="The work element it belongs to, e.g. S1.1.")
    ] = None,
    title: Title = None,
    due: Annotated[dt.date | None, _date("--due", "The baseline date.")] = None,
    root: RootOption = None,
) -> None:
    """A new milestone at the end of a work element's list (S<n>.<m>.M<next>)."""

    def prepare(repo: Repository) -> Make:
        from psstrat.commands.new import new_milestone

        element_id = ask(element, "--element", "Work element (e.g. S1.1)", _id("element"))
        given = ask(title, "--title", "Title", _text("the title"))
        day = ask(due, "--due", "Due (YYYY-MM-DD)", parse_date)
        return lambda census: new_milestone(repo, census, element_id, given, day)

    _run(root, prepare)


@app.command("sia")
def sia(
    date: Annotated[dt.date | None, _date("--date", "When presented (default: today).")] = None,
    title: Annotated[str, typer.Option(help="The assessment's title.")] = (
        "Strategic Intelligence Assessment"
    ),
    root: RootOption = None,
) -> None:
    """A new Strategic Intelligence Assessment file (data/sia/SIA-<year>.yaml)."""

    def prepare(repo: Repository) -> Make:
        from psstrat.commands.new import new_sia

        checked_title = checked(title, _text("the title"))
        return lambda census: new_sia(repo, census, date or today(), checked_title)

    _run(root, prepare)


@app.command("meeting")
def meeting(
    date: Annotated[dt.date | None, _date("--date", "The day of the meeting.")] = None,
    title: Annotated[str | None, typer.Option(help="What is presented.")] = None,
    report: Annotated[str | None, typer.Option(help="The agenda item or report number.")] = None,
    root: RootOption = None,
) -> None:
    """A new meeting at the end of data/meetings.yaml."""

    def prepare(repo: Repository) -> Make:
        from psstrat.commands.new import new_meeting

        day = ask(date, "--date", "Date (YYYY-MM-DD)", parse_date)
        checked_title = checked(title, _text("the title")) if title else None
        number = checked(report, _text("the report")) if report else None
        return lambda census: new_meeting(repo, census, day, checked_title, number)

    _run(root, prepare)


@app.command("owner")
def owner(
    role: Annotated[str | None, typer.Option(help="How reports name the owner.")] = None,
    name: Annotated[str | None, typer.Option(help="The person's name (optional).")] = None,
    id: Annotated[
        str | None, typer.Option("--id", help="The owner id (default: made from the role).")
    ] = None,
    root: RootOption = None,
) -> None:
    """A new owner at the end of data/owners.yaml."""

    def prepare(repo: Repository) -> Make:
        from psstrat.commands.new import new_owner

        given = ask(role, "--role", "Role", _text("the role"))
        person = checked(name, _text("the name")) if name else None
        return lambda census: new_owner(repo, census, given, person, id)

    _run(root, prepare)


def _choice(choices: list[str]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(f"`{value}` is not one of: {', '.join(choices)}")
        return value

    return check


def _score(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 5:
        raise ValueError(f"`{value}` is not a score; give a whole number from 1 to 5")
    return int(value)


def _score_option(help: str) -> Any:
    def parse(value: str) -> int:
        try:
            return _score(value)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None

    return typer.Option(metavar="1-5", parser=parse, help=help, show_default=False)
