"""A reference to an id that does not exist.

Catches: a `lead` or `owner` (on an item, or recorded by one of its updates) that is not in
data/owners.yaml; a strand's `outcomes` naming an
outcome the strategy does not have; a work element's `risks`, or an SIA issue's `risks`,
naming a risk with no file in data/risks/; a risk's `strands` or a recommendation's
`aligned_to` naming a strand or work element that does not exist; a risk's `source` naming
an SIA issue that does not exist; a meeting's `strands` naming an unknown strand; a
paper's `strands`, `sia`, `authors` or `presenter`, a decision's `strands`, or an action's
`owner` or `strands`, naming nothing.

Why: a dangling reference silently drops the link from every report: the risk that no strand
mitigates, the lead nobody can find.

Fix: correct the id (the message suggests the nearest existing one), or add the missing item.

Example, data/strands/S1.yaml:

    lead: head-of-standrads

Fixed:

    lead: head-of-standards
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from pydantic import BaseModel

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.messages import Candidates, did_you_mean
from psstrat.model.strategy import Meeting
from psstrat.repository import Repository
from psstrat.rules._base import Rule, RuleContext
from psstrat.yamlio import YamlPath


@dataclass(frozen=True, eq=False)  # the six below are the only ones: identity will do
class Target:
    """What a kind of reference must name, and how to fix one that names nothing."""

    kinds: tuple[str, ...]
    what: str
    fix: str


OWNER = Target(
    ("owner",),
    "an owner in data/owners.yaml",
    "set it to an owner id from data/owners.yaml, or null for a vacant lead",
)
OUTCOME = Target(
    ("outcome",),
    "an outcome in data/strategy.yaml",
    "use an outcome id from data/strategy.yaml such as O1",
)
RISK = Target(
    ("risk",), "a risk in data/risks/", "use the id of a file in data/risks/ such as R0001"
)
STRAND = Target(("strand",), "a strand in data/strands/", "use a strand id such as S1")
STRAND_OR_ELEMENT = Target(
    ("strand", "element"),
    "a strand or work element",
    "use a strand id such as S1 or a work element id such as S1.2",
)
SIA = Target(("sia",), "an SIA in data/sia/", "use the id of a file in data/sia/ such as SIA-2004")
SIA_ISSUE = Target(
    ("sia-issue",), "an SIA issue in data/sia/", "use an SIA issue id such as SIA-2004.1"
)


class Reference(NamedTuple):
    """Ids named at one place: ``path`` inside ``item``; a list field names several. (A
    tuple: a repository of 10,000 risks makes 60,000 of them.)"""

    holder: str
    item: BaseModel
    path: YamlPath
    ids: Sequence[str | None]
    target: Target
    is_list: bool = False


def references(repo: Repository) -> Iterator[Reference]:
    """Every place in the repository that names an id."""
    if s := repo.strategy:
        yield Reference("strategy", s, ("owner",), [s.owner], OWNER)
        yield Reference("strategy", s, ("author",), [s.author], OWNER)
    for m in repo.meetings.meetings if repo.meetings else ():
        yield from _meeting(m)
    for strand in repo.strands:
        name = f"strand {strand.id}"
        yield Reference(name, strand, ("lead",), [strand.lead], OWNER)
        yield Reference(name, strand, ("outcomes",), strand.outcomes, OUTCOME, True)
        yield from _recorded(name, strand, strand.updates, "lead")
        for e in strand.work_elements:
            yield Reference(f"work element {e.id}", e, ("lead",), [e.lead], OWNER)
            yield Reference(f"work element {e.id}", e, ("risks",), e.risks, RISK, True)
            yield from _recorded(f"work element {e.id}", e, e.updates, "lead")
    for risk in repo.risks:
        name = f"risk {risk.id}"
        yield Reference(name, risk, ("owner",), [risk.owner], OWNER)
        yield Reference(name, risk, ("source",), [risk.source], SIA_ISSUE)
        yield Reference(name, risk, ("strands",), risk.strands, STRAND_OR_ELEMENT, True)
        yield from _recorded(name, risk, risk.updates, "owner")
        for i, control in enumerate(risk.controls):
            where = ("controls", i, "owner")
            yield Reference(f"{name} control {i + 1}", risk, where, [control.owner], OWNER)
    for sia in repo.sias:
        for issue in sia.issues:
            name = f"SIA issue {issue.id}"
            yield Reference(name, issue, ("risks",), issue.risks, RISK, True)
            for i, rec in enumerate(issue.recommendations):
                yield Reference(
                    f"{name} recommendation {i + 1}",
                    issue,
                    ("recommendations", i, "aligned_to"),
                    rec.aligned_to,
                    STRAND_OR_ELEMENT,
                    True,
                )


def _meeting(m: Meeting) -> Iterator[Reference]:
    """The ids a meeting names: its strands, its papers', decisions' and actions'."""
    yield Reference(f"meeting on {m.date}", m, ("strands",), m.strands, STRAND, True)
    for paper in m.papers:
        name = f"paper {paper.report or paper.title!r} on {m.date}"
        yield Reference(name, paper, ("strands",), paper.strands, STRAND, True)
        yield Reference(name, paper, ("sia",), [paper.sia], SIA)
        yield Reference(name, paper, ("authors",), paper.authors, OWNER, True)
        yield Reference(name, paper, ("presenter",), [paper.presenter], OWNER)
    for i, decision in enumerate(m.decisions):
        name = f"decision {i + 1} on {m.date}"
        yield Reference(name, decision, ("strands",), decision.strands, STRAND, True)
    for action in m.actions:
        name = f"action {action.id}"
        yield Reference(name, action, ("owner",), [action.owner], OWNER)
        yield Reference(name, action, ("strands",), action.strands, STRAND, True)


def _recorded(
    name: str, item: BaseModel, updates: Sequence[BaseModel], field: str
) -> Iterator[Reference]:
    """The owners dated records name (`lead:` or `owner:` in an update)."""
    for i, update in enumerate(updates):
        if field in update.model_fields_set:
            where = ("updates", i, field)
            yield Reference(f"{name} update {i + 1}", item, where, [getattr(update, field)], OWNER)


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    by_kind: dict[str, set[str]] = {}
    for d in repo.declared:
        by_kind.setdefault(d.kind, set()).add(d.id)
    known = {
        target: Candidates(id_ for kind in target.kinds for id_ in by_kind.get(kind, ()))
        for target in (OWNER, OUTCOME, RISK, STRAND, STRAND_OR_ELEMENT, SIA, SIA_ISSUE)
    }
    for ref in references(repo):
        ids = known[ref.target]
        for i, value in enumerate(ref.ids):
            if value is None or value in ids.known:
                continue
            close = ids.nearest(value)
            hint = ""
            if close:
                hint = did_you_mean(
                    close, f", {repo.owner_label(close)}" if ref.target is OWNER else ""
                )
            path = (*ref.path, i) if ref.is_list else ref.path
            yield Finding(
                repo.where(ref.item, *path),
                f"{ref.holder}: {ref.path[-1]} `{value}` is not {ref.target.what}{hint}",
                ref.target.fix,
            )


# A session's view cannot tell a reference to a withheld item from one to nothing: judged on
# the whole repository only (validate), never in an open or closed session's output.
RULE = Rule(Code.UNKNOWN_REFERENCE, Severity.ERROR, check, __doc__, whole=True)
