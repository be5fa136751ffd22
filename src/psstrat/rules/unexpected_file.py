"""A file under data/ that is not part of the format.

Catches: files in the wrong folder, `.yml` instead of `.yaml`, stray files such as
`data/strands/S1.yaml.bak` or `data/risk/R0001.yaml` (a misspelt folder). Markdown files
(`*.md`) and hidden files (`.gitkeep`) are allowed and ignored.

Why: a file psstrat does not read is a strand or risk that silently drops out of every check
and every report.

Fix: move the file to where it belongs (data/strands/, data/risks/, data/sia/), rename it to
`<id>.yaml`, or delete it.

Example, data/risk/R0001.yaml:

    id: R0001

Fixed, data/risks/R0001.yaml:

    id: R0001
"""

from collections.abc import Iterator

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.rules._base import Rule, RuleContext


def check(ctx: RuleContext) -> Iterator[Finding]:
    return ctx.load_findings(Code.UNEXPECTED_FILE)


RULE = Rule(Code.UNEXPECTED_FILE, Severity.ERROR, check, __doc__)
