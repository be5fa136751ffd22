"""The command line: parse options, call one domain function, present, exit.

This is the one place where psstrat's errors become exit statuses: 0 success, 1 findings,
2 the command could not run. Heavy imports happen inside the commands, so `psstrat --version`
stays fast.
"""

from __future__ import annotations

import sys


def main() -> None:
    from psstrat.cli.app import app
    from psstrat.errors import PsstratError

    try:
        app()
    except PsstratError as exc:  # pragma: no cover - commands turn these into exits
        print(f"psstrat: error: {exc}", file=sys.stderr)
        sys.exit(2)
