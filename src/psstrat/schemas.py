"""JSON Schema (draft-07) for each kind of file, generated from the pydantic models.

Editors use these for completion, hover help and red squiggles while a strand lead types
(`psstrat init` wires them in; `psstrat schema` writes them). Every field's description is the
model's attribute docstring, the same words docs/format.md prints beside the field (one source:
tools/sync_format_reference.py writes the reference's comments from the models). Values whose
words come from psstrat.yaml (markings, risk categories) get the repository's own lists as
enums, and the keys of `rules:` the known rule codes. (`psstrat schema`, in
psstrat.commands.schema, writes them; the `stale-schema` rule compares a repository's copies
with them.)

The draft is the one editors support best: the YAML language server (VS Code's YAML extension,
and the editors that use the server: Neovim, Helix, Emacs, Sublime) validates draft-07 and warns
"Draft 2020-12 schemas are not yet fully supported". Pydantic writes 2020-12, so `$defs`
become `definitions` and a `$ref` with words beside it is wrapped in `allOf` (draft-07 ignores
anything beside a `$ref`). Every `pattern` carries `patternErrorMessage` (the extension both
the YAML server and VS Code show instead of the raw regular expression) in validate's words.

The schema is help for the editor, not the check: `psstrat validate` stays the authority (it
also checks cross-references, file names and the rules no schema can state).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from psstrat.isodate import ISO_DATE
from psstrat.kinds import KINDS as FILE_KINDS
from psstrat.model.common import CHOICE_KEY, ID_PATTERNS
from psstrat.settings import SETTINGS_FILE, Settings

DIALECT = "http://json-schema.org/draft-07/schema#"

READABLE_PATTERNS: dict[str, str] = {
    rf"^{ISO_DATE.pattern}$": "must be a date written YYYY-MM-DD, e.g. 2025-04-01",
    r"^[A-Za-z0-9][A-Za-z0-9 -]*$": "letters, digits, spaces and -, starting with a letter "
    "or digit, e.g. official-sensitive",
    r"^#[0-9a-fA-F]{6}$": "a colour written #RRGGBB, e.g. #d9534f",
    r"^[a-z]{2,3}(-[A-Z]{2})?$": "a language, or language-REGION, e.g. en-GB or cy-GB",
    **{
        f"^{pattern}$": f"not a valid id; ids here look like `{example}`"
        for pattern, example in ID_PATTERNS.values()
    },
}
"""What an editor says of a value that does not match a pattern: validate's words, never the
regular expression (tests/test_schema.py checks every pattern has them)."""

KINDS: dict[str, tuple[type[BaseModel], str, str]] = {
    **{kind.key: (kind.model, kind.path, kind.title) for kind in FILE_KINDS},
    "settings": (Settings, SETTINGS_FILE, "psstrat's settings for this repository"),
}
"""Each kind of file (the registry's, and the settings): its model, the files it describes
(a glob from the root), a title."""


def file_name(kind: str) -> str:
    return f"{kind}.schema.json"


FOLDER = "schemas"
"""Where a repository keeps its schemas (`psstrat init` writes them there; the `stale-schema`
rule compares them with what psstrat writes now)."""


def json_schema(kind: str, settings: Settings) -> dict[str, Any]:
    """The schema of one kind of file, with this repository's markings and categories."""
    from psstrat.codes import CODES

    model, files, title = KINDS[kind]
    generated = model.model_json_schema()
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": f"https://psstrat.invalid/schema/v1/{file_name(kind)}",
        "description": f"{title}. Format reference: `psstrat explain {kind}`.",
    }
    schema.update({k: v for k, v in generated.items() if k not in ("title", "description")})
    choices = {"markings": settings.markings, "categories": settings.categories}
    schema = _finish(schema, choices)
    if "$defs" in schema:
        schema["definitions"] = schema.pop("$defs")
    schema["title"] = f"psstrat {kind} file ({files})"
    if kind == "settings":
        rules = schema["properties"]["rules"]
        rules["propertyNames"] = {"enum": sorted(CODES)}
    return schema


def _finish(node: Any, choices: dict[str, list[str]]) -> Any:
    """Enums from the settings, `x-` keys allowed wherever unknown keys are not, no
    pydantic-made titles (the descriptions say it better)."""
    if isinstance(node, list):
        return [_finish(item, choices) for item in node]
    if not isinstance(node, dict):
        return node
    if CHOICE_KEY in node:
        kept = {k: v for k, v in node.items() if k not in (CHOICE_KEY, "type", "title")}
        return {**kept, "enum": list(choices[node[CHOICE_KEY]])}
    out = {k: _finish(v, choices) for k, v in node.items() if k != "title" or _is_schema(v)}
    if node.get("additionalProperties") is False:
        out["patternProperties"] = {"^x-": {}}
    if isinstance(node.get("pattern"), str) and node["pattern"] in READABLE_PATTERNS:
        out["patternErrorMessage"] = READABLE_PATTERNS[node["pattern"]]
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith(_DEFS):
        ref = "#/definitions/" + ref[len(_DEFS) :]
        out["$ref"] = ref
    if ref is not None and len(out) > 1:  # draft-07 ignores what stands beside a $ref
        out = {"allOf": [{"$ref": ref}], **{k: v for k, v in out.items() if k != "$ref"}}
    return out


_DEFS = "#/$defs/"


def _is_schema(value: Any) -> bool:
    """A property *named* title (its schema is a dict), not pydantic's title annotation."""
    return isinstance(value, dict)


def dumps(schema: dict[str, Any]) -> str:
    """Stable text: the same settings give the same bytes."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


MODELINE = "# yaml-language-server: $schema="
"""The comment that points the YAML language server at a file's schema from inside the file,
for the editors with no `.vscode/settings.json` (Neovim, Helix, Emacs, JetBrains' with the
server, github.dev): `psstrat init` and `psstrat new` write it as a file's first line."""


def modeline(rel: str) -> str | None:
    """The first line that gives the file at ``rel`` (from the repository's root) its schema
    in ``FOLDER``, by a path relative to the file; None for a file of no kind."""
    from psstrat.kinds import kind_of

    if rel == SETTINGS_FILE:
        kind = "settings"
    else:
        found = kind_of(rel)
        if found is None:
            return None
        kind = found.key
    up = "../" * rel.count("/")
    return f"{MODELINE}{up}{FOLDER}/{file_name(kind)}\n"
