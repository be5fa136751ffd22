"""The same id is declared twice anywhere in the repository.

Catches: two strands, work elements, milestones, risks, SIAs, SIA issues, outcomes or owners
with the same id, in one file or across files.

Why: references, reports and the risk register identify items by id alone; a duplicate makes
every reference to it ambiguous.

Fix: give one of them a new id (the next free number), and update references to it.

Example, data/strands/S1.yaml:

    work_elements:
      - id: S1.1
      - id: S1.1
        title: Train the trainers
        lead: head-of-standards
        status: not-started

Fixed:

    work_elements:
      - id: S1.1
      - id: S1.2
        title: Train the trainers
        lead: head-of-standards
        status: not-started
"""

from collections.abc import Iterator

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Location, Severity
from psstrat.repository import Declared, Repository
from psstrat.rules._base import Rule, RuleContext


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    first: dict[str, Declared] = {}
    for d in repo.declared:
        seen = first.setdefault(d.id, d)
        if seen is d:
            continue
        there = _location(repo, seen)
        yield Finding(
            _location(repo, d),
            f"id `{d.id}` is already used at {there.path}:{there.line}:{there.column}",
            "give this item a new id; ids must be unique across the repository",
        )


def _location(repo: Repository, d: Declared) -> Location:
    return Location(d.path, *repo.positions_of(d.path).value(d.yaml_path))


RULE = Rule(Code.DUPLICATE_ID, Severity.ERROR, check, __doc__)
