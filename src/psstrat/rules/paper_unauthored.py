"""A paper planned for a coming meeting has no author.

Catches: a paper under a meeting's `papers:` in data/meetings.yaml, at a meeting dated after
the as-of date (`--as-of`, default today), with no `authors:`. Papers already presented are
not checked, nor the quarter's paper a meeting names in its own `report` and `title`.

Why: a planned paper nobody is writing is not presented; the committee's forward plan
(`psstrat plan`) shows each planned paper with its authors, and "no author" is a gap to fill
before the meeting, not at it.

Fix: set `authors:` to the owner ids, from data/owners.yaml, of whoever writes the paper.

Example, data/meetings.yaml:

    meetings:
      - date: 2025-07-15
        papers:
          - title: First progress report on strand 1
          - title: Code of ethics consultation
            kind: strand
            strands: [S1]

Fixed:

    meetings:
      - date: 2025-07-15
        papers:
          - title: First progress report on strand 1
          - title: Code of ethics consultation
            kind: strand
            strands: [S1]
            authors: [head-of-standards]
"""

from collections.abc import Iterator

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.rules._base import Rule, RuleContext


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    for meeting in repo.meetings.meetings if repo.meetings else ():
        if meeting.date <= ctx.as_of:
            continue
        for paper in meeting.papers:
            if paper.authors:
                continue
            number = f" (report {paper.report})" if paper.report is not None else ""
            yield Finding(
                repo.where(paper, "title"),
                f"paper {paper.title}{number}, planned for the meeting on {meeting.date}, "
                "has no author",
                "set `authors:` to the owner ids (data/owners.yaml) of whoever writes it",
            )


RULE = Rule(Code.PAPER_UNAUTHORED, Severity.WARNING, check, __doc__, whole=True)
