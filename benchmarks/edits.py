"""Time each of the quarter's edits (`psstrat record`, `set`, `remove`) on the synthetic
10,000-risk repository, committed to git: each must take well under a second (issue 22).

Usage: python benchmarks/edits.py [--repo DIR] [--repeat N]. Each edit is made for real and
undone with `git checkout` between runs (outside the time).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

EDITS = [
    ["record", "done", "S1.1.M1", "--on", "2006-06-01"],
    ["record", "replan", "S1.1.M2", "--due", "2007-06-30", "--agreed", "2006-06-01"],
    ["record", "update", "S1.1", "--text", "Benchmark update.", "--on", "2006-06-01"],
    ["record", "status", "S1.2", "at-risk", "--on", "2006-06-01"],
    ["record", "lead", "S1.3", "owner-3", "--on", "2006-06-01"],
    ["record", "assessment", "R5000", "--likelihood", "1", "--impact", "2", "--on", "2006-08-01"],
    ["record", "control", "R5000", "1", "--status", "in-place", "--on", "2006-08-01"],
    ["record", "closure", "R5001", "--on", "2006-08-01"],
    ["set", "marking", "S1.1.M1", "official-sensitive"],
    ["set", "owner", "owner-3", "--name", "Jane Smith"],
    ["remove", "owner", "owner-39"],
    ["record", "cancel", "S1.1.M2", "--on", "2006-06-01"],
    ["record", "owner", "R5003", "owner-4", "--on", "2006-08-01"],
    [
        "new",
        "control",
        "--risk",
        "R5002",
        "--description",
        "Benchmark control",
        "--on",
        "2006-08-01",
    ],
    ["new", "milestone", "--element", "S1.1", "--title", "Benchmark", "--due", "2007-01-01"],
]


def timed(cmd: list[str], repo: Path, repeat: int) -> tuple[float, int]:
    best, code = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        best = min(best, time.perf_counter() - start)
        code = proc.returncode
        if code not in (0, 1):
            sys.exit(f"{' '.join(cmd)} failed ({code}): {proc.stderr[:500]}")
        subprocess.run(["git", "-C", str(repo), "checkout", "-q", "--", "."], check=True)
    return best, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, help="an existing repository (copied) to time")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    exe = shutil.which("psstrat")
    psstrat = [exe] if exe else [sys.executable, "-m", "psstrat"]
    with tempfile.TemporaryDirectory(prefix="psstrat-edits-") as scratch:
        repo = Path(scratch) / "repo"
        if args.repo:
            shutil.copytree(args.repo, repo)
        else:
            generate(repo, 50, 10, 10_000)
        env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.org"}
        env |= {"GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.org"}
        for git in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "start"]):
            subprocess.run(["git", "-C", str(repo), *git], check=True, env=env)
        risks = sum(1 for _ in (repo / "data" / "risks").glob("*.yaml"))
        print(f"{risks} risks, in git; best of {args.repeat}")
        timed([*psstrat, "--version"], repo, 1)  # (the first run reads Python's files cold)
        for edit in EDITS:
            seconds, code = timed([*psstrat, *edit, "--root", str(repo)], repo, args.repeat)
            said = "" if code == 0 else f"   (refused, exit {code})"
            print(f"psstrat {' '.join(edit[:3]):32} {seconds:6.2f} s{said}")


if __name__ == "__main__":
    main()
