"""A file does not have the shape the format requires.

Catches: required keys that are missing, unknown keys (usually typos), values of the wrong
type (text where a number belongs, a single value where a list belongs), values outside what
is allowed (a status, marking or category not in the list, a score outside 1-5, a date not
written YYYY-MM-DD), ids of the wrong form (`S5`, `S5.1`, `S5.1.M1`, `R0001`, `SIA-2004.1`),
a closed risk without a `closed:` date, and a required file (data/strategy.yaml,
data/owners.yaml) that is missing.

Why: every report and check relies on these fields meaning what the format says.

Fix: follow the message; `psstrat explain format` (docs/format.md) describes every file. Keys
starting with `x-` are free for your own use and never checked.

Example, data/risks/R0001.yaml:

    inherent: {likelihood: 7, impact: 4}

Fixed:

    inherent: {likelihood: 5, impact: 4}
"""

from collections.abc import Iterator

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.rules._base import Rule, RuleContext


def check(ctx: RuleContext) -> Iterator[Finding]:
    return ctx.load_findings(Code.SCHEMA)


RULE = Rule(Code.SCHEMA, Severity.ERROR, check, __doc__)
