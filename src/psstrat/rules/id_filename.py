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
from psstrat.kinds import KINDS, Part
from psstrat.repository import Declared, Repository
from psstrat.rules._base import Rule, RuleContext


def _nesting() -> dict[str, tuple[str, Part, int]]:
    """From the registry: each kind of id that nests under its parent's, with the parent's
    kind of id, the part, and how many YAML path steps up the parent's mapping is."""
    found: dict[str, tuple[str, Part, int]] = {}

    def visit(parts: tuple[Part, ...], parent: str | None, depth: int) -> None:
        for part in parts:
            steps = depth + (2 if part.many else 1)
            if part.declares and part.under_parent and parent:
                found[part.declares] = (parent, part, steps)
            visit(part.parts, part.declares or parent, 0 if part.declares else steps)

    for kind in KINDS:
        visit(kind.parts, kind.declares, 0)
    return found


_NESTED = _nesting()
_NAMED_BY_ID = frozenset(k.declares for k in KINDS if k.named_by_id and k.declares)


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    by_place = {(d.path, d.yaml_path[:-1]): d for d in repo.declared}
    for d in repo.declared:
        if d.yaml_path == ("id",) and d.kind in _NAMED_BY_ID:
            stem = d.path.rsplit("/", 1)[-1].removesuffix(".yaml")
            if stem != d.id:
                yield Finding(
                    _location(repo, d),
                    f"file is named `{stem}.yaml` but holds id `{d.id}`",
                    f"rename the file to `{d.id}.yaml`, or correct the id",
                )
        nested = _NESTED.get(d.kind)
        if nested is None:
            continue
        parent_kind, part, steps = nested
        # The parent's mapping is `steps` above this item's (a list and its index each count).
        parent_place = d.yaml_path[: -1 - steps]
        parent = by_place.get((d.path, parent_place))
        if parent is None or parent.kind != parent_kind:
            continue
        prefix = parent.id + (part.under_parent or "")
        rest = d.id[len(prefix) :]
        if not (d.id.startswith(prefix) and rest.isdigit()):
            yield Finding(
                _location(repo, d),
                f"{part.name} id `{d.id}` is not under its parent `{parent.id}`",
                f"number it `{prefix}<n>`",
            )


def _location(repo: Repository, d: Declared) -> Location:
    return Location(d.path, *repo.positions_of(d.path).value(d.yaml_path))


RULE = Rule(Code.ID_FILENAME, Severity.ERROR, check, __doc__)
