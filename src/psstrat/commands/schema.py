"""JSON Schema (draft 2020-12) for each kind of file, generated from the pydantic models.

Editors use these for completion, hover help and red squiggles while a strand lead types
(`psstrat init` wires them in; `psstrat schema` writes them). Every field's description is the
model's attribute docstring, the same words docs/format.md prints beside the field (one source:
tools/sync_format_reference.py writes the reference's comments from the models). Values whose
words come from psstrat.yaml (markings, risk categories) get the repository's own lists as
enums, and the keys of `rules:` the known rule codes.

The schema is help for the editor, not the check: `psstrat validate` stays the authority (it
also checks cross-references, file names and the rules no schema can state).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from psstrat.kinds import KINDS as FILE_KINDS
from psstrat.model.common import CHOICE_KEY
from psstrat.settings import SETTINGS_FILE, Settings

DIALECT = "https://json-schema.org/draft/2020-12/schema"

KINDS: dict[str, tuple[type[BaseModel], str, str]] = {
    **{kind.key: (kind.model, kind.path, kind.title) for kind in FILE_KINDS},
    "settings": (Settings, SETTINGS_FILE, "psstrat's settings for this repository"),
}
"""Each kind of file (the registry's, and the settings): its model, the files it describes
(a glob from the root), a title."""


def file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def json_schema(kind: str, settings: Settings) -> dict[str, Any]:
    """The schema of one kind of file, with this repository's markings and categories."""
    from psstrat.rules import RULES

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
    schema["title"] = f"psstrat {kind} file ({files})"
    if kind == "settings":
        rules = schema["properties"]["rules"]
        rules["propertyNames"] = {"enum": sorted(RULES)}
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
    return out


def _is_schema(value: Any) -> bool:
    """A property *named* title (its schema is a dict), not pydantic's title annotation."""
    return isinstance(value, dict)


def dumps(schema: dict[str, Any]) -> str:
    """Stable text: the same settings give the same bytes."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


KIND_HELP = f"{', '.join(list(KINDS)[:-1])} or {list(KINDS)[-1]}"
"""The kinds, as `psstrat schema` lists them."""


def check_asked(kind: str | None, out: Path | None) -> None:
    """Refuse (PsstratError) a kind that is not one, or nothing to do: checked before
    anything is read."""
    from psstrat.errors import PsstratError

    if kind is not None and kind not in KINDS:
        from psstrat.messages import suggest

        raise PsstratError(
            f"no kind of file `{kind}`{suggest(kind, KINDS)}; use one of: {KIND_HELP}"
        )
    if kind is None and out is None:
        raise PsstratError(f"name a kind ({KIND_HELP}) to print its schema, or pass --out DIR")


def write_schemas(kind: str | None, out: Path | None, root: Path | None) -> list[str]:
    """The schema of ``kind`` as text, or every kind's written under ``out`` (the lines to
    say so), with the markings and categories of the repository at ``root`` (default ones
    outside a repository)."""
    from psstrat.errors import PsstratError
    from psstrat.settings import load_settings

    check_asked(kind, out)
    settings = Settings() if root is None else load_settings(root)
    if out is None:
        from psstrat.safetext import inert

        assert kind is not None  # the markings and categories come from psstrat.yaml: data
        return [inert(dumps(json_schema(kind, settings)), "json")]
    from psstrat.safefiles import write_atomically

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PsstratError(f"cannot create {out}: {exc.strerror}; choose another --out") from None
    written = []
    for name in [kind] if kind else list(KINDS):
        path = out / file_name(name)
        write_atomically(path, dumps(json_schema(name, settings)))
        written.append(f"wrote {path}\n")
    return written
