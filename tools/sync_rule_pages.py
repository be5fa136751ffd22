"""Write docs/rules/<code>.md, one page for each rule, from the rules' documentation.

    python tools/sync_rule_pages.py          # rewrite docs/rules/
    python tools/sync_rule_pages.py --check  # exit 1 and say which pages are stale

Each rule's documentation is its module's docstring (src/psstrat/rules/<code>.py): `psstrat
explain CODE` prints it and the SARIF log carries it (`help.markdown`). The SARIF log also
links each rule to its page here on the repository's main branch (`helpUri`), so a reviewer
in GitHub's code-scanning panel can open it; this script writes those pages from the same
text, so the page and the panel never say different things. docs/rules/README.md lists them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from psstrat.output.sarif import help_markdown
from psstrat.rules import RULES

PAGES = Path(__file__).resolve().parents[1] / "docs" / "rules"
FOOTER = (
    "\n---\n\nWritten by `tools/sync_rule_pages.py` from the rule's documentation in "
    "`src/psstrat/rules/`; edit it there. Every rule: [the list](README.md) and the format "
    "reference's [problem codes](../format.md#problem-codes).\n"
)


def pages() -> dict[str, str]:
    """Every page of docs/rules/, by file name."""
    out = {f"{code}.md": help_markdown(code) + FOOTER for code in RULES}
    rows = [
        f"| [`{code}`]({code}.md) | {rule.severity.value} | {rule.summary} |"
        for code, rule in RULES.items()
    ]
    out["README.md"] = (
        "# The rules\n\n"
        "What `psstrat validate` checks, one page a rule (`psstrat explain CODE` prints the "
        "same). The default severity can be changed in psstrat.yaml (`rules:`).\n\n"
        "| code | default | what it catches |\n|---|---|---|\n" + "\n".join(rows) + "\n" + FOOTER
    )
    return out


def main(argv: list[str]) -> int:
    wanted = pages()
    present = {p.name: p.read_text(encoding="utf-8") for p in sorted(PAGES.glob("*.md"))}
    stale = sorted(name for name, text in wanted.items() if present.get(name) != text)
    extra = sorted(set(present) - set(wanted))
    if "--check" in argv:
        for name in stale:
            print(f"docs/rules/{name} is stale or missing", file=sys.stderr)
        for name in extra:
            print(f"docs/rules/{name} is no rule's page", file=sys.stderr)
        if stale or extra:
            print("run python tools/sync_rule_pages.py", file=sys.stderr)
            return 1
        return 0
    PAGES.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (PAGES / name).write_text(wanted[name], encoding="utf-8", newline="\n")
    for name in extra:
        (PAGES / name).unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
