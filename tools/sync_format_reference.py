"""Write the field comments of docs/format.md's examples from the models' descriptions.

    python tools/sync_format_reference.py          # rewrite docs/format.md
    python tools/sync_format_reference.py --check  # exit 1 and show the diff if it is stale

Each field of each file kind has one description: the attribute docstring under the field in
src/psstrat/model/ (and settings.py). `psstrat schema` gives it to editors as the field's
hover text; this script writes it as the comment beside the field in the format reference, so
the two never say different things. The example values and layout stay as written in the doc.
It also fails when the reference names a key the models do not have, or leaves out a field
they do have (in block or flow style).
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

from pydantic import BaseModel

from psstrat.commands.explain import KINDS as HEADINGS
from psstrat.model.common import held_model, models_in
from psstrat.schemas import KINDS

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "format.md"
COLUMN = 36
WIDTH = 100
KEY = re.compile(
    r"^(?P<code>(?P<indent> *)(?P<dash>- )?(?P<key>[A-Za-z_][A-Za-z0-9_-]*):(?P<value>[^#]*?))"
    r"(?P<comment>\s+#.*)?$"
)
COMMENT_ONLY = re.compile(r"^ *#")


# Named exception (C901): one pass over a YAML example, every kind of line handled here.
def annotate(block: list[str], root: type[BaseModel], problems: list[str], kind: str) -> list[str]:  # noqa: C901
    out: list[str] = []
    frames: list[tuple[int, type[BaseModel]]] = [(0, root)]
    pending: tuple[int, type[BaseModel]] | None = None
    last_comment_col = -1
    above: list[str] = []  # comment lines just before a key: written anew if at its indent
    for line in block:
        if COMMENT_ONLY.match(line):
            if line.index("#") != last_comment_col:
                above.append(line)
            continue  # (else a continuation of the comment beside the key, written anew)
        match = KEY.match(line)
        if above and not (match and above[-1].index("#") == len(match["indent"])):
            out.extend(above)
        above = []
        if not match:
            out.append(line)
            last_comment_col = -1
            continue
        column = len(match["indent"]) + (2 if match["dash"] else 0)
        if pending and column > pending[0]:
            frames.append((column, pending[1]))
        pending = None
        while frames and frames[-1][0] > column:
            frames.pop()
        if not frames or frames[-1][0] != column:
            out.append(line)
            continue
        model = frames[-1][1]
        key = match["key"]
        if key not in model.model_fields:
            problems.append(f"{kind}: `{key}` is not a field of {model.__name__}")
            out.append(line)
            continue
        description = model.model_fields[key].description
        if not description:
            problems.append(f"{kind}: {model.__name__}.{key} has no description (docstring)")
            out.append(line)
            continue
        child = held_model(model, key)
        if child is not None and not match["value"].strip():
            pending = (column, child)
        code = match["code"].rstrip()
        gap = " " * (COLUMN - len(code)) if len(code) < COLUMN - 1 else "   "
        if len(code) + len(gap) + 2 + len(description) <= WIDTH:
            out.append(f"{code}{gap}# {description}")
            last_comment_col = len(code) + len(gap)
        else:  # too long beside the value: on its own line above the key
            out.append(f"{match['indent']}# {description}")
            out.append(code)
            last_comment_col = -1
    return out


def every_field(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    return {f"{m.__name__}.{name}": m for m in models_in(model) for name in m.model_fields}


def sync(text: str, problems: list[str]) -> str:
    parts = re.split(r"(?m)^(?=## )", text)
    for index, part in enumerate(parts):
        kind = next((k for k in KINDS if part.startswith(f"## {HEADINGS[k]}")), None)
        if kind is None:
            continue
        model = KINDS[kind][0]
        lines = part.split("\n")
        start = lines.index("```yaml") + 1
        end = lines.index("```", start)
        block = annotate(lines[start:end], model, problems, kind)
        shown = "\n".join(block)
        for path in every_field(model):
            if not re.search(rf"\b{re.escape(path.split('.')[1])}:", shown):
                problems.append(f"{kind}: the example leaves out {path}")
        parts[index] = "\n".join([*lines[:start], *block, *lines[end:]])
    return "".join(parts)


def main(argv: list[str]) -> int:
    text = REFERENCE.read_text(encoding="utf-8")
    problems: list[str] = []
    synced = sync(text, problems)
    for problem in problems:
        print(f"docs/format.md: {problem}", file=sys.stderr)
    if "--check" in argv:
        if synced != text:
            sys.stdout.writelines(
                difflib.unified_diff(
                    text.splitlines(keepends=True),
                    synced.splitlines(keepends=True),
                    "docs/format.md",
                    "docs/format.md (from the models)",
                )
            )
            print(
                "docs/format.md is stale: run python tools/sync_format_reference.py",
                file=sys.stderr,
            )
            return 1
        return 1 if problems else 0
    if synced != text:
        REFERENCE.write_text(synced, encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
