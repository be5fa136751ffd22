"""`psstrat new KIND`: a new item with the next free id (risk, strand, element, milestone,
sia, meeting, paper, decision, action, owner). Required values come from options, or are
asked for on a terminal, all before the repository is locked to count ids and write (nobody
waits on a question)."""

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
    from psstrat.commands.new import Census, Creation, MeetingPick
    from psstrat.repository import Repository

Make = Callable[["Census"], "Creation"]
"""Counts ids and makes the addition (under the lock; again if another process got there)."""

app = typer.Typer(
    name="new",
    help="Add a risk, control, strand, work element, milestone, SIA, meeting, paper, decision, "
    "action or owner, with the next free id (counted on every branch). Prompts for what is missing "
    "only on a terminal.",
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
    """Load the repository (all but the risks), let ``prepare`` gather (ask for) the values,
    then add the item."""
    from psstrat.cli.policy import resolve_root
    from psstrat.commands.new import Census, add, load_for_new
    from psstrat.safetext import inert, visible

    top = resolve_root(root)
    repo = load_for_new(top)
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
    escalated_to: Annotated[
        str | None,
        _option(
            "The register or body it was escalated to, e.g. Corporate Risk Register; required "
            "when likelihood x impact is at or above escalation_threshold (psstrat.yaml, "
            "default 15).",
            "TEXT",
            "--escalated-to",
        ),
    ] = None,
    escalated_on: Annotated[
        dt.date | None,
        _date("--escalated-on", "When it was escalated (default: the day it was raised)."),
    ] = None,
    root: RootOption = None,
) -> None:
    """A new risk file (data/risks/R<next>.yaml), assessed at the given rating; escalated
    (--escalated-to) when the score is at or above the escalation threshold."""

    def prepare(repo: Repository) -> Make:
        from psstrat.commands.new import RiskDraft, new_risk

        categories = repo.settings.categories
        given = ask(title, "--title", "Title", _text("the title"))
        kind = ask(
            category, "--category", f"Category ({', '.join(categories)})", _choice(categories)
        )
        rated = (
            ask(likelihood, "--likelihood", "Likelihood (1-5)", _score),
            ask(impact, "--impact", "Impact (1-5)", _score),
        )
        draft = RiskDraft(
            given,
            kind,
            owner,
            raised or today(),
            *rated,
            tuple(checked(c, _text("a control")) for c in control or []),
            _escalated_to(repo, escalated_to, escalated_on, *rated),
            escalated_on,
        )
        return lambda census: new_risk(repo, census, draft)

    _run(root, prepare)


def _escalated_to(
    repo: Repository, given: str | None, on: dt.date | None, likelihood: int, impact: int
) -> str | None:
    """Where the risk was escalated: as given, else asked for on a terminal when the score
    needs it (or --escalated-on was given); off a terminal the command refuses, naming the
    option (psstrat.commands.new)."""
    from psstrat.commands.new import escalation_due

    to = _given(given, "--escalated-to", _text("the register"))
    why = escalation_due(repo, likelihood, impact)
    if to is None and (why or on) and on_terminal():
        question = f"Escalated to ({why})" if why else "Escalated to"
        to = ask(None, "--escalated-to", question, _text("the register"))
    return to


@app.command("control")
def control(
    risk: Annotated[str | None, _option("The risk it treats, e.g. R0001.", "RISK_ID")] = None,
    description: Annotated[
        str | None, _option("What is done to reduce the risk (one line).", "TEXT")
    ] = None,
    owner: Annotated[
        str | None, _option("Owner id of who does it (default: none).", "OWNER_ID")
    ] = None,
    status: Annotated[
        str | None, _option("Its status: planned (default), in-progress, in-place.", "STATUS")
    ] = None,
    due: Annotated[dt.date | None, _date("--due", "When it should be in place.")] = None,
    on: Annotated[
        dt.date | None, _date("--on", "When it was agreed: its status from then (default: today).")
    ] = None,
    root: RootOption = None,
) -> None:
    """A new control at the end of a risk's controls, its status recorded from --on."""

    def prepare(repo: Repository) -> Make:
        from typing import get_args

        from psstrat.commands.new import ControlDraft, new_control
        from psstrat.model.risk import ControlStatus

        statuses = list(get_args(ControlStatus))
        draft = ControlDraft(
            ask(risk, "--risk", "Risk (e.g. R0001)", _id("risk")),
            ask(description, "--description", "Control", _text("the control")),
            _given(owner, "--owner", _text("the owner")),
            on or today(),
            _given(status, "--status", _choice(statuses)) or "planned",
            due,
        )
        return lambda census: new_control(repo, census, draft)

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
    committee: Annotated[
        str | None,
        typer.Option(help="The body that met, for another body's meeting (default: the file's)."),
    ] = None,
    root: RootOption = None,
) -> None:
    """A new meeting at the end of data/meetings.yaml."""

    def prepare(repo: Repository) -> Make:
        from psstrat.commands.new import MeetingDraft, new_meeting

        draft = MeetingDraft(
            ask(date, "--date", "Date (YYYY-MM-DD)", parse_date),
            checked(title, _text("the title")) if title else None,
            checked(report, _text("the report")) if report else None,
            _given(committee, "--committee", _text("the committee")),
        )
        return lambda census: new_meeting(repo, census, draft)

    _run(root, prepare)


def _paper_kinds() -> list[str]:
    from typing import get_args

    from psstrat.model.paper import PaperKind

    return list(get_args(PaperKind))


def _option(help: str, metavar: str, name: str | None = None) -> Any:
    names = [name] if name else []
    return typer.Option(*names, metavar=metavar, help=help, show_default=False)


MeetingDate = Annotated[dt.date | None, _date("--meeting", "The day of the meeting it belongs to.")]
Committee = Annotated[
    str | None,
    _option("The body whose meeting it is, when more than one met that day.", "TEXT"),
]


def _strands_option(help: str) -> Any:
    return _option(f"{help}, e.g. S4 (repeatable).", "STRAND", "--strand")


@app.command("action")
def action(
    meeting: MeetingDate = None,
    text: Annotated[str | None, _option("What is to be done (one line).", "TEXT")] = None,
    owner: Annotated[str | None, _option("Owner id of who does it.", "OWNER_ID")] = None,
    due: Annotated[dt.date | None, _date("--due", "When it is due.")] = None,
    strand: Annotated[list[str] | None, _strands_option("A strand it concerns")] = None,
    committee: Committee = None,
    root: RootOption = None,
) -> None:
    """A new action (A<next>) at the end of a meeting's actions in data/meetings.yaml."""

    def prepare(repo: Repository) -> Make:
        from psstrat.commands.new import ActionDraft, new_action

        draft = ActionDraft(
            _pick(meeting, committee),
            ask(text, "--text", "Action", _text("the action")),
            ask(owner, "--owner", "Owner id", _text("the owner")),
            ask(due, "--due", "Due (YYYY-MM-DD)", parse_date),
            _ids(strand, "--strand", "strand"),
        )
        return lambda census: new_action(repo, census, draft)

    _run(root, prepare)


@app.command("decision")
def decision(
    meeting: MeetingDate = None,
    text: Annotated[str | None, _option("The decision, as minuted (one line).", "TEXT")] = None,
    strand: Annotated[list[str] | None, _strands_option("A strand it concerns")] = None,
    committee: Committee = None,
    root: RootOption = None,
) -> None:
    """A new decision at the end of a meeting's decisions in data/meetings.yaml."""

    def prepare(repo: Repository) -> Make:
        from psstrat.commands.new import new_decision

        pick = _pick(meeting, committee)
        given = ask(text, "--text", "Decision", _text("the decision"))
        strands = _ids(strand, "--strand", "strand")
        return lambda census: new_decision(repo, census, pick, given, strands)

    _run(root, prepare)


@app.command("paper")
def paper(
    meeting: MeetingDate = None,
    title: Title = None,
    kind: Annotated[
        str | None,
        _option(
            "What it reports (default: sia with --sia, strand with --strand, else strategy).",
            "|".join(_paper_kinds()),
        ),
    ] = None,
    strand: Annotated[list[str] | None, _strands_option("A strand it covers")] = None,
    sia: Annotated[
        str | None, _option("The SIA an sia paper presents, e.g. SIA-2004.", "SIA-YYYY")
    ] = None,
    report: Annotated[str | None, _option("Its agenda item or report number.", "N")] = None,
    author: Annotated[
        list[str] | None, _option("Owner id of an author (repeatable).", "OWNER_ID")
    ] = None,
    committee: Committee = None,
    root: RootOption = None,
) -> None:
    """A new paper at the end of a meeting's papers in data/meetings.yaml."""

    def prepare(repo: Repository) -> Make:
        from psstrat.commands.new import PaperDraft, new_paper

        draft = PaperDraft(
            _pick(meeting, committee),
            ask(title, "--title", "Title", _text("the title")),
            _given(kind, "--kind", lambda k: _choice(_paper_kinds())(k.lower())),
            _ids(strand, "--strand", "strand"),
            _given(sia, "--sia", _id("sia")),
            _given(report, "--report", _text("the report")),
            tuple(checked(a, _text("an author")) for a in author or []),
        )
        return lambda census: new_paper(repo, census, draft)

    _run(root, prepare)


def _pick(meeting: dt.date | None, committee: str | None) -> MeetingPick:
    from psstrat.commands.new import MeetingPick

    day = ask(meeting, "--meeting", "Meeting date (YYYY-MM-DD)", parse_date)
    return MeetingPick(day, _given(committee, "--committee", _text("the committee")))


def _given(value: str | None, option: str, parse: Callable[[str], str]) -> str | None:
    """An optional value, checked if given (the error names the option)."""
    if value is None:
        return None
    try:
        return parse(value.strip())
    except ValueError as exc:
        raise PsstratError(f"{option}: {exc}") from None


def _ids(values: list[str] | None, option: str, kind: str) -> tuple[str, ...]:
    """The ids a repeatable option gives, each checked, in order, once each."""
    ids = (_given(value, option, _id(kind)) for value in values or [])
    return tuple(dict.fromkeys(i for i in ids if i is not None))


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
