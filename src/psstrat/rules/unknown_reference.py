"""A reference to an id that does not exist.

Catches: a `lead` or `owner` that is not in data/owners.yaml; a strand's `outcomes` naming an
outcome the strategy does not have; a work element's `risks`, or an SIA issue's `risks`,
naming a risk with no file in data/risks/; a risk's `strands` or a recommendation's
`aligned_to` naming a strand or work element that does not exist; a risk's `source` naming
an SIA issue that does not exist; a meeting's `strands` naming an unknown strand.

Why: a dangling reference silently drops the link from every report: the risk that no strand
mitigates, the lead nobody can find.

Fix: correct the id (the message suggests the nearest existing one), or add the missing item.
"""

from collections.abc import Iterator, Sequence

from pydantic import BaseModel

from psstrat.diagnostics import Finding, Severity
from psstrat.messages import suggest
from psstrat.rules._base import RuleContext

CODE = "unknown-reference"
SEVERITY = Severity.ERROR

# What each kind of reference must name, and how to fix one that names nothing.
_KINDS: dict[tuple[str, ...], tuple[str, str]] = {
    ("owner",): (
        "an owner in data/owners.yaml",
        "set it to an owner id from data/owners.yaml, or null for a vacant lead",
    ),
    ("outcome",): (
        "an outcome in data/strategy.yaml",
        "use an outcome id from data/strategy.yaml such as O1",
    ),
    ("risk",): ("a risk in data/risks/", "use the id of a file in data/risks/ such as R0001"),
    ("strand",): ("a strand in data/strands/", "use a strand id such as S1"),
    ("strand", "element"): (
        "a strand or work element",
        "use a strand id such as S1 or a work element id such as S1.2",
    ),
    ("sia-issue",): ("an SIA issue in data/sia/", "use an SIA issue id such as SIA-2004.1"),
}


def check(ctx: RuleContext) -> Iterator[Finding]:
    repo = ctx.repo
    refs: list[tuple[str, BaseModel, str, Sequence[str | None], tuple[str, ...]]] = []
    if repo.strategy:
        s = repo.strategy
        refs += [
            ("strategy", s, "owner", [s.owner], ("owner",)),
            ("strategy", s, "author", [s.author], ("owner",)),
        ]
    if repo.meetings:
        for m in repo.meetings.meetings:
            refs.append((f"meeting on {m.date}", m, "strands", m.strands, ("strand",)))
    for strand in repo.strands:
        name = f"strand {strand.id}"
        refs.append((name, strand, "lead", [strand.lead], ("owner",)))
        refs.append((name, strand, "outcomes", strand.outcomes, ("outcome",)))
        for e in strand.work_elements:
            refs.append((f"work element {e.id}", e, "lead", [e.lead], ("owner",)))
            refs.append((f"work element {e.id}", e, "risks", e.risks, ("risk",)))
    for risk in repo.risks:
        name = f"risk {risk.id}"
        refs.append((name, risk, "owner", [risk.owner], ("owner",)))
        refs.append((name, risk, "source", [risk.source], ("sia-issue",)))
        refs.append((name, risk, "strands", risk.strands, ("strand", "element")))
        for i, control in enumerate(risk.controls):
            refs.append(
                (
                    f"{name} control {i + 1}",
                    risk,
                    f"controls.{i}.owner",
                    [control.owner],
                    ("owner",),
                )
            )
    for sia in repo.sias:
        for issue in sia.issues:
            name = f"SIA issue {issue.id}"
            refs.append((name, issue, "risks", issue.risks, ("risk",)))
            for i, rec in enumerate(issue.recommendations):
                refs.append(
                    (
                        f"{name} recommendation {i + 1}",
                        issue,
                        f"recommendations.{i}.aligned_to",
                        rec.aligned_to,
                        ("strand", "element"),
                    )
                )

    known = {kinds: repo.ids_of(*kinds) for kinds in _KINDS}
    for name, item, field, values, kinds in refs:
        is_list = field in ("strands", "outcomes", "risks") or field.endswith("aligned_to")
        for i, value in enumerate(values):
            if value is None or value in known[kinds]:
                continue
            path: list[str | int] = [int(p) if p.isdigit() else p for p in field.split(".")]
            if is_list:
                path.append(i)
            hint = suggest(value, known[kinds])
            if kinds == ("owner",) and hint:
                close = hint.split("`")[1]
                hint = hint.replace("?)", f", {repo.owner_label(close)}?)")
            short = field.rsplit(".", 1)[-1]
            what, fix = _KINDS[kinds]
            yield Finding(
                repo.where(item, *path), f"{name}: {short} `{value}` is not {what}{hint}", fix
            )
