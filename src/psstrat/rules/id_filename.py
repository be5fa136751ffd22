"""A file is not named after its id, or a nested id is not under its parent's id.

Catches: `data/strands/S5.yaml` holding `id: S4`; a work element `S4.2` inside strand S5; a
milestone `S5.2.M1` inside work element S5.1; an SIA issue `SIA-2003.1` inside SIA-2004.

Why: people find an item by its file name and read its place in the strategy from its id;
when they disagree, edits land in the wrong place.

Fix: rename the file to `<id>.yaml`, or renumber the nested item under its parent
(`S5.3`, `S5.1.M4`, `SIA-2004.7`).

Example, data/risks/R0001.yaml:

    id: R0002

Fixed:

    id: R0001
"""

from collections.abc import Iterator

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Location, Severity
from psstrat.repository import Declared, Repository
from psstrat.rules._base import Rule, RuleContext

_PARENT_KIND = {"element": "strand", "milestone": "element", "sia-issue": "sia"}
_SEPARATOR = {"element": ".", "milestone": ".M", "sia-issue": "."}
_NAMES = {"element": "work element", "milestone": "milestone", "sia-issue": "SIA issue"}


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    by_place = {(d.path, d.yaml_path[:-1]): d for d in repo.declared}
    for d in repo.declared:
        if d.yaml_path == ("id",) and d.kind in ("strand", "risk", "sia"):
            stem = d.path.rsplit("/", 1)[-1].removesuffix(".yaml")
            if stem != d.id:
                yield Finding(
                    _location(repo, d),
                    f"file is named `{stem}.yaml` but holds id `{d.id}`",
                    f"rename the file to `{d.id}.yaml`, or correct the id",
                )
        parent_kind = _PARENT_KIND.get(d.kind)
        if parent_kind is None:
            continue
        # A milestone's parent is the work element two levels up; the others sit at the top.
        parent_place = d.yaml_path[:-3] if d.kind == "milestone" else ()
        parent = by_place.get((d.path, parent_place))
        if parent is None or parent.kind != parent_kind:
            continue
        prefix = parent.id + _SEPARATOR[d.kind]
        rest = d.id[len(prefix) :]
        if not (d.id.startswith(prefix) and rest.isdigit()):
            yield Finding(
                _location(repo, d),
                f"{_NAMES[d.kind]} id `{d.id}` is not under its parent `{parent.id}`",
                f"number it `{prefix}<n>`",
            )


def _location(repo: Repository, d: Declared) -> Location:
    return Location(d.path, *repo.positions_of(d.path).value(d.yaml_path))


RULE = Rule(Code.ID_FILENAME, Severity.ERROR, check, __doc__)
