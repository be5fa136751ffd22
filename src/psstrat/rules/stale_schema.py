"""The repository's JSON Schemas are not what `psstrat schema` writes now.

Catches: a file in `schemas/` (the folder a new repository's editors read its schemas from)
that differs from what `psstrat schema --out schemas` would write for this repository today,
or is missing from it: a category or marking added to `psstrat.yaml`, or a psstrat upgrade
that changed the format, without the schemas being written again. A repository with no
`schemas/` folder is not checked; files in it that psstrat does not write are left alone.

Why: editors check the YAML against these schemas while people type. A stale schema flags a
new category as wrong (while `validate` says nothing) or lets an old one through, until
someone remembers to regenerate it, and people learn to ignore the red underlines.

Fix: run `psstrat schema --out schemas` in the folder that holds psstrat.yaml and commit what
it writes, in the same pull request as the change to `psstrat.yaml` (or the upgrade).

Example: `vetting` added to `categories:` in psstrat.yaml, and schemas/risk.schema.json still
listing only the categories before it.

Fixed: schemas/ as `psstrat schema --out schemas` writes it, committed with the change.
"""

from collections.abc import Iterator
from pathlib import Path

from psstrat.codes import Code
from psstrat.diagnostics import Finding, Location, Severity
from psstrat.rules._base import Rule, RuleContext
from psstrat.schemas import FOLDER, KINDS, dumps, file_name, json_schema

FIX = (
    f"run `psstrat schema --out {FOLDER}` in the folder that holds psstrat.yaml, and commit "
    "the result"
)


def check(ctx: RuleContext) -> Iterator[Finding]:
    folder = ctx.repo.root / FOLDER
    if folder.is_symlink() or not folder.is_dir():
        return
    for kind in KINDS:
        rel = f"{FOLDER}/{file_name(kind)}"
        now = dumps(json_schema(kind, ctx.settings)).encode("utf-8")
        said = _differs(ctx.repo.root / rel, now)
        if said:
            yield Finding(Location(rel), said, FIX)


def _differs(path: Path, now: bytes) -> str:
    """Why the file is not ``now`` (empty when it is)."""
    from psstrat.yamlio import YamlProblem, read_bytes

    try:
        held = read_bytes(path)
    except FileNotFoundError:
        return "the schema is missing: editors do not check these files against it"
    except (OSError, YamlProblem):
        return "the schema cannot be read (not a regular file, or too large)"
    if held.replace(b"\r\n", b"\n") == now:  # git on Windows may check it out with CRLF
        return ""
    return (
        "the schema is out of date: `psstrat schema` writes it differently now (psstrat.yaml's "
        "markings or categories, or psstrat itself, changed), so editors check against the old "
        "format"
    )


RULE = Rule(Code.STALE_SCHEMA, Severity.WARNING, check, __doc__)
