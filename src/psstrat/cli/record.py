"""`psstrat record WHAT ID`: something that happened on a date, written as its dated record
(a milestone done, a re-plan, an update, a lead, a status, a risk's re-assessment, escalation
or closure, a control's status, an action done). `--on` is the day (default: today)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from psstrat.cli.new import _choice, _given, _score, _score_option, _text, ask
from psstrat.cli.options import RootOption, parse_date
from psstrat.cli.policy import today

if TYPE_CHECKING:
    from psstrat.edits import Planner, Repo, Target

app = typer.Typer(
    name="record",
    help="Record what happened on a date: a milestone or action done, a re-plan or a "
    "cancellation, an update, a lead, a status, a risk re-assessed, escalated, closed or given "
    "an owner, a control's status. Each changes "
    "one file, keeps every other line and comment, and is checked before it is written.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

On = Annotated[
    dt.date | None,
    typer.Option(
        "--on",
        metavar="YYYY-MM-DD",
        parser=parse_date,
        help="The day it happened (default: today).",
        show_default=False,
    ),
]
DryRun = Annotated[
    bool,
    typer.Option("--dry-run", help="Change nothing: print the change as a unified diff."),
]
Text = Annotated[
    str | None, typer.Option("--text", metavar="TEXT", help="What happened (one line).")
]


def _day(help: str) -> Any:
    return typer.Option(metavar="YYYY-MM-DD", parser=parse_date, help=help, show_default=False)


def _item(help: str) -> Any:
    return typer.Argument(help=help, show_default=False, metavar="ID")


def run_edit(
    root: Path | None,
    dry_run: bool,
    prepare: Callable[[Repo], tuple[str, Planner]],
) -> None:
    """Read the settings, let ``prepare`` gather (ask for) the values and name the file, then
    make the edit under the lock and say what changed, a line per change."""
    from psstrat.cli.policy import resolve_root
    from psstrat.edits import Repo, edit
    from psstrat.safetext import inert, visible

    repo = Repo(resolve_root(root), today())
    rel, planner = prepare(repo)
    made = edit(repo, rel, planner, write=not dry_run)
    for note in made.notes:
        print(inert(f"psstrat: note: {visible(note)}"), file=sys.stderr)
    if dry_run:
        for line in made.diff():
            print(inert(visible(line)))
        print("psstrat: dry run: nothing written", file=sys.stderr)
        return
    for line in made.lines:
        print(inert(visible(line)))


def _target(value: str | None, question: str, *kinds: str) -> Target:
    from psstrat.edits import target

    given = ask(value, "ID", question, _text("the id"))
    return target(given, *kinds)


def _statuses() -> list[str]:
    from typing import get_args

    from psstrat.model.strand import ElementStatus

    return list(get_args(ElementStatus))


def _control_statuses() -> list[str]:
    from typing import get_args

    from psstrat.model.risk import ControlStatus

    return list(get_args(ControlStatus))


@app.command("done")
def done(
    item: Annotated[str | None, _item("The milestone (S1.1.M1) or action (A3).")] = None,
    on: On = None,
    dry_run: DryRun = False,
    root: RootOption = None,
) -> None:
    """A milestone achieved or an action done: sets its `completed:` date."""

    def prepare(repo: Repo) -> tuple[str, Planner]:
        from psstrat.commands import record

        found = _target(item, "Milestone or action (e.g. S1.1.M1, A3)", "milestone", "action")
        return found.rel, record.done(repo, found, on or repo.today)

    run_edit(root, dry_run, prepare)


@app.command("replan")
def replan(
    item: Annotated[str | None, _item("The milestone, e.g. S1.1.M1.")] = None,
    due: Annotated[
        dt.date | None,
        _day("The new date."),
    ] = None,
    agreed: Annotated[
        dt.date | None,
        _day("When the re-plan was agreed (default: today)."),
    ] = None,
    dry_run: DryRun = False,
    root: RootOption = None,
) -> None:
    """A milestone re-planned: `revised_due` and `revised_on`; `due` stays the baseline."""

    def prepare(repo: Repo) -> tuple[str, Planner]:
        from psstrat.commands import record

        found = _target(item, "Milestone (e.g. S1.1.M1)", "milestone")
        new = ask(due, "--due", "New due date (YYYY-MM-DD)", parse_date)
        return found.rel, record.replan(repo, found, new, agreed or repo.today)

    run_edit(root, dry_run, prepare)


@app.command("cancel")
def cancel(
    item: Annotated[str | None, _item("The milestone, e.g. S1.1.M1.")] = None,
    on: On = None,
    dry_run: DryRun = False,
    root: RootOption = None,
) -> None:
    """A milestone dropped from the plan: `cancelled: true` and `cancelled_on`."""

    def prepare(repo: Repo) -> tuple[str, Planner]:
        from psstrat.commands import record

        found = _target(item, "Milestone (e.g. S1.1.M1)", "milestone")
        return found.rel, record.cancel(repo, found, on or repo.today)

    run_edit(root, dry_run, prepare)


@app.command("owner")
def owner(
    item: Annotated[str | None, _item("The risk, e.g. R0001.")] = None,
    who: Annotated[
        str | None, typer.Argument(metavar="OWNER_ID", help="Its new owner.", show_default=False)
    ] = None,
    none: Annotated[bool, typer.Option("--none", help="It has no owner from this day.")] = False,
    text: Text = None,
    on: On = None,
    dry_run: DryRun = False,
    root: RootOption = None,
) -> None:
    """A risk's owner from a date: a dated record in its updates, and its `owner:`."""

    def prepare(repo: Repo) -> tuple[str, Planner]:
        from psstrat.commands import record
        from psstrat.errors import PsstratError

        found = _target(item, "Risk (e.g. R0001)", "risk")
        if none and who is not None:
            raise PsstratError("give an owner id or --none, not both")
        new = None
        if not none:
            choices = ", ".join(sorted(repo.owners))
            new = ask(who, "OWNER_ID", f"Owner ({choices})", lambda v: _lead(repo, v))
        said = _given(text, "--text", _text("what happened"))
        return found.rel, record.owner(repo, found, new, on or repo.today, said)

    run_edit(root, dry_run, prepare)


def _lead(repo: Repo, value: str) -> str:
    return repo.owner(value.strip())


@app.command("update")
def update(
    item: Annotated[str | None, _item("The work element (S1.1) or strand (S1).")] = None,
    text: Text = None,
    on: On = None,
    status: Annotated[
        str | None,
        typer.Option(
            metavar="STATUS", help="The element's status from this day.", show_default=False
        ),
    ] = None,
    lead: Annotated[
        str | None,
        typer.Option(metavar="OWNER_ID", help="Its lead from this day.", show_default=False),
    ] = None,
    vacant: Annotated[
        bool, typer.Option("--vacant", help="Its lead is vacant from this day.")
    ] = False,
    marking: Annotated[
        str | None,
        typer.Option(
            metavar="MARKING",
            help="The update's marking (default: the item's).",
            show_default=False,
        ),
    ] = None,
    dry_run: DryRun = False,
    root: RootOption = None,
) -> None:
    """A progress update, with the status or lead it records from its date."""

    def prepare(repo: Repo) -> tuple[str, Planner]:
        from psstrat.commands import record

        found = _target(item, "Work element or strand (e.g. S1.1)", "element", "strand")
        said = ask(text, "--text", "What happened", _text("the update"))
        return found.rel, record.update(
            repo,
            found,
            record.UpdateDraft(
                on or repo.today,
                said,
                _given(status, "--status", _choice(_statuses())),
                _lead_given(repo, lead, vacant),
                marking,
            ),
        )

    run_edit(root, dry_run, prepare)


def _lead_given(repo: Repo, lead: str | None, vacant: bool) -> Any:
    from psstrat.commands.record import NOT_GIVEN
    from psstrat.errors import PsstratError

    if vacant and lead is not None:
        raise PsstratError("give --lead or --vacant, not both")
    if vacant:
        return None
    return NOT_GIVEN if lead is None else _lead(repo, lead)


@app.command("lead")
def lead(
    item: Annotated[str | None, _item("The work element (S1.1) or strand (S1).")] = None,
    owner: Annotated[
        str | None, typer.Argument(metavar="OWNER_ID", help="The new lead.", show_default=False)
    ] = None,
    vacant: Annotated[
        bool, typer.Option("--vacant", help="The lead is vacant from this day.")
    ] = False,
    text: Text = None,
    on: On = None,
    dry_run: DryRun = False,
    root: RootOption = None,
) -> None:
    """A lead appointed (or, with --vacant, vacated): an update recording it from its date."""

    def prepare(repo: Repo) -> tuple[str, Planner]:
        from psstrat.commands import record

        found = _target(item, "Work element or strand (e.g. S1.1)", "element", "strand")
        who: Any = None
        if not vacant:
            choices = ", ".join(sorted(repo.owners))
            who = ask(
                owner,
                "OWNER_ID",
                f"Lead ({choices}; or run with --vacant)",
                lambda v: _lead(repo, v),
            )
        elif owner is not None:
            from psstrat.errors import PsstratError

            raise PsstratError("give an owner id or --vacant, not both")
        what = "strand" if found.kind == "strand" else "work"
        default = f"{repo.label(who)} leads the {what}." if who else f"The {what} has no lead."
        said = _given(text, "--text", _text("the update")) or default
        draft = record.UpdateDraft(on or repo.today, said, None, who)
        return found.rel, record.update(repo, found, draft)

    run_edit(root, dry_run, prepare)


@app.command("status")
def status(
    item: Annotated[str | None, _item("The work element, e.g. S1.1.")] = None,
    value: Annotated[
        str | None, typer.Argument(metavar="STATUS", help="The new status.", show_default=False)
    ] = None,
    text: Text = None,
    on: On = None,
    dry_run: DryRun = False,
    root: RootOption = None,
) -> None:
    """A work element's status from a date: an update recording it."""

    def prepare(repo: Repo) -> tuple[str, Planner]:
        from psstrat.commands import record

        found = _target(item, "Work element (e.g. S1.1)", "element")
        statuses = _statuses()
        new = ask(value, "STATUS", f"Status ({', '.join(statuses)})", _choice(statuses))
        said = _given(text, "--text", _text("the update")) or f"Status: {new.replace('-', ' ')}."
        return found.rel, record.update(
            repo, found, record.UpdateDraft(on or repo.today, said, new)
        )

    run_edit(root, dry_run, prepare)


@app.command("assessment")
def assessment(
    item: Annotated[str | None, _item("The risk, e.g. R0001.")] = None,
    likelihood: Annotated[int | None, _score_option("How likely now, 1 to 5.")] = None,
    impact: Annotated[int | None, _score_option("How severe now, 1 to 5.")] = None,
    on: On = None,
    escalated_to: Annotated[
        str | None,
        typer.Option(
            metavar="TEXT", help="Where it was escalated, when the score reaches the threshold."
        ),
    ] = None,
    escalated_on: Annotated[
        dt.date | None,
        _day("When (default: --on)."),
    ] = None,
    next_review: Annotated[
        dt.date | None,
        _day("When it is next reviewed (sets review_date)."),
    ] = None,
    dry_run: DryRun = False,
    root: RootOption = None,
) -> None:
    """A risk assessed again: the current residual moves to its history, the new one replaces it."""

    def prepare(repo: Repo) -> tuple[str, Planner]:
        from psstrat.commands import record

        found = _target(item, "Risk (e.g. R0001)", "risk")
        new = record.Assessment(
            ask(likelihood, "--likelihood", "Likelihood (1-5)", _score),
            ask(impact, "--impact", "Impact (1-5)", _score),
            on or repo.today,
            _given(escalated_to, "--escalated-to", _text("where it was escalated")),
            escalated_on,
            next_review,
        )
        if new.escalated_to is None and _needs_escalation(repo, found, new):
            question = (
                f"A score of {new.likelihood * new.impact} is at or above the escalation "
                f"threshold ({repo.settings.escalation_threshold}). Escalated to"
            )
            to = ask(None, "--escalated-to", question, _text("where it was escalated"))
            new = record.Assessment(
                new.likelihood, new.impact, new.on, to, escalated_on, next_review
            )
        return found.rel, record.assess(repo, found, new)

    run_edit(root, dry_run, prepare)


def _needs_escalation(repo: Repo, found: Target, new: Any) -> bool:
    """Whether to ask where the risk was escalated: on a terminal, when the new score reaches
    the threshold and the file records no escalation (off one, the edit refuses, naming
    --escalated-to; the edit decides again from the file as read under the lock)."""
    from psstrat.cli.new import on_terminal
    from psstrat.yamlio import YamlProblem, parse_yaml

    if not on_terminal() or new.likelihood * new.impact < repo.settings.escalation_threshold:
        return False
    try:
        data = parse_yaml(repo.raw(found.rel), positions=False).data
    except YamlProblem:
        return False  # the edit says what is wrong with the file
    return data.get("escalated") is None and data.get("status") != "closed"


def _controls(repo: Repo, found: Target) -> str:
    """The question for a control: the risk's controls, numbered (read only to ask)."""
    from psstrat.yamlio import YamlProblem, parse_yaml

    try:
        controls = parse_yaml(repo.raw(found.rel), positions=False).data.get("controls")
    except YamlProblem:
        controls = None
    listed = [
        f"{n}: {c.get('description')}"
        for n, c in enumerate(controls if isinstance(controls, list) else [], start=1)
        if isinstance(c, dict)
    ]
    return f"Control ({'; '.join(listed) or 'its number, 1 the first'})"


@app.command("escalation")
def escalation(
    item: Annotated[str | None, _item("The risk, e.g. R0001.")] = None,
    to: Annotated[
        str | None,
        typer.Option("--to", metavar="TEXT", help="Where it was escalated.", show_default=False),
    ] = None,
    on: On = None,
    dry_run: DryRun = False,
    root: RootOption = None,
) -> None:
    """A risk escalated: `escalated: {to, date}`."""

    def prepare(repo: Repo) -> tuple[str, Planner]:
        from psstrat.commands import record

        found = _target(item, "Risk (e.g. R0001)", "risk")
        where = ask(to, "--to", "Escalated to (e.g. the corporate risk register)", _text("where"))
        return found.rel, record.escalate(repo, found, where, on or repo.today)

    run_edit(root, dry_run, prepare)


@app.command("closure")
def closure(
    item: Annotated[str | None, _item("The risk, e.g. R0001.")] = None,
    text: Text = None,
    on: On = None,
    dry_run: DryRun = False,
    root: RootOption = None,
) -> None:
    """A risk closed: `status: closed` and `closed:`, with an update saying why (--text)."""

    def prepare(repo: Repo) -> tuple[str, Planner]:
        from psstrat.commands import record

        found = _target(item, "Risk (e.g. R0001)", "risk")
        said = _given(text, "--text", _text("why it was closed"))
        return found.rel, record.close(repo, found, on or repo.today, said)

    run_edit(root, dry_run, prepare)


@app.command("control")
def control(
    item: Annotated[str | None, _item("The risk, e.g. R0001.")] = None,
    which: Annotated[
        str | None,
        typer.Argument(
            metavar="CONTROL",
            help="The control: its number (1 the first) or words from its description.",
            show_default=False,
        ),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            metavar="STATUS",
            help="Its status from this day: planned, in-progress, in-place.",
            show_default=False,
        ),
    ] = None,
    text: Text = None,
    on: On = None,
    dry_run: DryRun = False,
    root: RootOption = None,
) -> None:
    """A control's status from a date: a dated record in its updates, and its `status:`."""

    def prepare(repo: Repo) -> tuple[str, Planner]:
        from psstrat.commands import record

        found = _target(item, "Risk (e.g. R0001)", "risk")
        picked = ask(which, "CONTROL", _controls(repo, found), _text("the control"))
        statuses = _control_statuses()
        new = ask(status, "--status", f"Status ({', '.join(statuses)})", _choice(statuses))
        said = _given(text, "--text", _text("what happened"))
        given = record.ControlRecord(picked, new, on or repo.today, said)
        return found.rel, record.control_status(repo, found, given)

    run_edit(root, dry_run, prepare)
