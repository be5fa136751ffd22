"""Time `psstrat export` and `psstrat import` on the synthetic 10,000-risk repository against
`psstrat validate` on it: each should take at most 2x validate (issue 23).

Usage: python benchmarks/exchange.py [--repo DIR] [--repeat N]. Measured, best of N:
validate; export of the register (and of every sheet) as .xlsx, .ods and .csv; import of the
exported register back with --update (no change: every row compared with its risk); and
import of the register as 10,000 new risks into the repository with data/risks/ emptied.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

AS_OF = "2007-03-31"


def timed(cmd: list[str], repeat: int, before: list[str] | None = None) -> float:
    best = float("inf")
    for _ in range(repeat):
        if before:
            subprocess.run(before, check=True, capture_output=True)
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        best = min(best, time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-800:]}")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, help="an existing repository (copied) to time")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    exe = shutil.which("psstrat")
    psstrat = [exe] if exe else [sys.executable, "-m", "psstrat"]
    with tempfile.TemporaryDirectory(prefix="psstrat-exchange-") as scratch:
        out = Path(scratch)
        repo = out / "repo"
        if args.repo:
            shutil.copytree(args.repo, repo)
        else:
            generate(repo, 50, 10, 10_000)
        risks = sum(1 for _ in (repo / "data" / "risks").glob("*.yaml"))
        root = ["--root", str(repo)]
        print(f"{risks} risks; best of {args.repeat}")
        base = timed([*psstrat, "validate", *root, "--as-of", AS_OF, "--quiet"], args.repeat)
        print(f"{'psstrat validate':46} {base:6.2f} s")

        def line(what: str, seconds: float) -> None:
            print(f"{what:46} {seconds:6.2f} s   {seconds / base:4.2f}x validate")

        for fmt in ("xlsx", "ods", "csv"):
            target = out / f"register.{fmt}"
            cmd = [
                *psstrat,
                "export",
                str(target),
                "--sheet",
                "register",
                *root,
                "--session",
                "all",
            ]
            line(f"psstrat export register.{fmt}", timed(cmd, args.repeat))
        for fmt in ("xlsx", "ods"):
            cmd = [*psstrat, "export", str(out / f"all.{fmt}"), *root, "--session", "all"]
            line(f"psstrat export all.{fmt} (every sheet)", timed(cmd, args.repeat))
        for fmt in ("xlsx", "ods", "csv"):
            cmd = [*psstrat, "import", str(out / f"register.{fmt}"), "--update", *root]
            line(f"psstrat import register.{fmt} --update", timed(cmd, args.repeat))
        fresh = out / "fresh"
        shutil.copytree(repo, fresh)
        empty = [
            sys.executable,
            "-c",
            f"import shutil, pathlib; p = pathlib.Path({str(fresh / 'data' / 'risks')!r}); "
            "shutil.rmtree(p); p.mkdir()",
        ]
        for fmt in ("xlsx", "csv"):
            cmd = [*psstrat, "import", str(out / f"register.{fmt}"), "--root", str(fresh)]
            line(f"psstrat import register.{fmt} (10,000 new)", timed(cmd, args.repeat, empty))


if __name__ == "__main__":
    main()
