"""Time two versions of psstrat side by side, alternating, as fresh processes.

    python benchmarks/side_by_side.py OLD_SRC NEW_SRC REPO [--repeat 3] [--only a,b]

OLD_SRC and NEW_SRC are the `src` folders of two checkouts (e.g. a `git worktree` of the commit
before a change, and this one); each command runs once with each, in turn, --repeat times, and
the best time of each is printed as a Markdown table row. Alternating keeps a machine whose speed
drifts from favouring either side. For a change meant to change nothing (issue 18).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time


def commands(repo: str) -> dict[str, list[str]]:
    return {
        "validate": ["validate", "--root", repo, "--as-of", "2008-01-01"],
        "report html": ["report", "-q", "2004-Q3", "--root", repo, "-o", os.devnull + ".html"],
        "status": ["status", "--root", repo, "--as-of", "2008-01-01"],
        "overdue": ["overdue", "--root", repo, "--as-of", "2008-01-01"],
        "fmt --check": ["fmt", "--check", "--root", repo],
        "--version": ["--version"],
        "validate --help": ["validate", "--help"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("repo")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="comma-separated names of the commands to time")
    args = parser.parse_args()
    chosen = commands(args.repo)
    if args.only:
        chosen = {k: v for k, v in chosen.items() if k in args.only.split(",")}
    sides = {"before": args.old, "after": args.new}
    best = {(name, side): float("inf") for name in chosen for side in sides}
    for _ in range(args.repeat):
        for name, argv in chosen.items():
            for side, src in sides.items():
                env = dict(os.environ, PYTHONPATH=src)
                start = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "psstrat", *argv],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    check=False,
                )
                best[name, side] = min(best[name, side], time.perf_counter() - start)
    for name in chosen:
        before, after = best[name, "before"], best[name, "after"]
        change = 100 * (after - before) / before
        print(f"| `psstrat {name}` | {before:.3f} s | {after:.3f} s | {change:+.0f}% |")


if __name__ == "__main__":
    main()
