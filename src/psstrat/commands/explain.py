"""The format reference, from inside the installed package: help without the docs folder.

docs/format.md is packaged into the wheel as psstrat/docs/format.md (pyproject.toml), so
`psstrat explain format` works wherever pip installed psstrat; an editable install reads the
source tree's copy. `psstrat explain strand` prints only the section on strand files.
"""

from __future__ import annotations

import re
from pathlib import Path

from psstrat.errors import PsstratError
from psstrat.kinds import KINDS as FILE_KINDS

KINDS = {
    "layout": "Layout",
    "every-file": "Rules for every file",
    **{kind.key: kind.heading for kind in FILE_KINDS},
    "settings": "psstrat.yaml",
    "dates": "Derived state",
    "codes": "Problem codes",
}
"""`psstrat explain KIND` -> the start of the heading of its section in the reference (each
kind of file's from the registry, psstrat.kinds)."""
HINT = "`psstrat explain format` prints the format reference"


def format_reference() -> str:
    package = Path(__file__).resolve().parents[1]  # psstrat/, installed or in src/
    for candidate in (package / "docs" / "format.md", package.parents[1] / "docs" / "format.md"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise PsstratError("the format reference is missing from this installation; reinstall psstrat")


def section(kind: str) -> str:
    """The reference's section on one kind of file (or topic)."""
    heading = KINDS[kind]
    parts = re.split(r"(?m)^(?=## )", format_reference())
    for part in parts:
        if part.startswith(f"## {heading}"):
            return part.rstrip() + "\n"
    raise PsstratError(f"the format reference has no section on {kind}; {HINT}")


def explain_topic(topic: str | None) -> str:
    """What `psstrat explain TOPIC` prints: a rule, a kind of file, the whole format, or
    (without a topic) the list of them all."""
    from psstrat.rules import RULES, explain

    if topic is None or topic == "all":
        kinds = ", ".join(["format", *KINDS])
        return explain("all") + f"\nTopics: {kinds}; `psstrat explain TOPIC` prints one.\n"
    if topic == "format":
        return format_reference()
    if topic in KINDS:
        return section(topic)
    if topic in RULES:
        return explain(topic)
    from psstrat.messages import suggest

    known = ["format", *KINDS, *RULES]
    raise PsstratError(
        f"nothing to explain as `{topic}`{suggest(topic, known)}; `psstrat explain` lists the "
        "rules and topics"
    )
