"""The file cannot be read as plain YAML.

Catches: YAML that does not parse, bytes that are not UTF-8, tabs used for indentation,
duplicate keys, more than one document in a file, anchors (`&name`), aliases (`*name`) and
explicit tags (`!!python/object`, `!foo`), files over 1 MiB, and lists or mappings nested
more than 64 levels deep.

Why: psstrat reads nothing it cannot read safely. Anchors and aliases are never needed in
strategy files and are how "billion laughs" alias bombs work; tags are how YAML loaders are
tricked into constructing objects. psstrat never expands an alias or constructs an object: it
refuses the file and says where.

Fix: correct the syntax at the position shown; write repeated values out in full; save the
file as UTF-8 with spaces for indentation.

Example, data/risks/R0001.yaml:

    title: Leaks: internal and external

Fixed:

    title: "Leaks: internal and external"
"""

from collections.abc import Iterator

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Severity
from psstrat.rules._base import Rule, RuleContext


def check(ctx: RuleContext) -> Iterator[Finding]:
    return ctx.load_findings(Code.YAML_SYNTAX)


RULE = Rule(Code.YAML_SYNTAX, Severity.ERROR, check, __doc__)
