"""SARIF 2.1.0: problems for GitHub code scanning (and any SARIF viewer).

Each result names its rule; the rules carry the same documentation `--explain` prints, so a
reviewer reads in the code-scanning panel what the rule catches and how to fix it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from psstrat import __version__
from psstrat.diagnostics import Diagnostic
from psstrat.safetext import inert

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def sarif(diagnostics: Sequence[Diagnostic]) -> str:
    from psstrat.rules import RULES

    rules = []
    for code, rule in RULES.items():
        doc = rule.documentation
        rules.append(
            {
                "id": code,
                "name": code,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": doc},
                "help": {"text": doc},
                "defaultConfiguration": {"level": rule.severity.value},
            }
        )
    index = {code: i for i, code in enumerate(RULES)}
    results = []
    for d in diagnostics:
        location: dict[str, object] = {"artifactLocation": {"uri": d.path}}
        if d.line:
            location["region"] = {"startLine": d.line, "startColumn": max(d.column, 1)}
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "level": d.severity.value,
                "message": {"text": d.message + (f"; {d.help}" if d.help else "")},
                "locations": [{"physicalLocation": location}],
            }
        )
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "psstrat",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/psstrat/",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return inert(json.dumps(log, indent=2, ensure_ascii=False) + "\n", "json")
