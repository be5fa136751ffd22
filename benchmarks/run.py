"""Time psstrat against yamllint and bare Python start-up, side by side in one run.

    python benchmarks/run.py [--repo DIR] [--repeat 3] [--skip-yamllint]

Generates the synthetic repository (benchmarks/generate.py) unless --repo is given, then
prints, for each measurement, the best of --repeat wall-clock runs and the ratio asked of it:

- `psstrat validate` against the floor, libyaml parsing every file and keeping nothing
  (benchmarks/floor.py; target <= 2x, and <= 150 MiB peak memory), against itself on a copy
  with 560 references to missing risks (the did-you-mean; target < 10% extra), and against
  `yamllint` on the same files (target <= 0.2x, aim 0.1x);
- `psstrat report` for one quarter, and `status` and `overdue` for the open session, against
  `psstrat validate` (target <= 1x); the Word report against the HTML one (target <= 2x);
  the PDF against the HTML, with and without the register appendix (target <= 1.2x), and on
  the shipped data (target <= 1.5x);
- `psstrat changes` between two commits (ten files changed, and every risk changed) against
  `psstrat validate` (target <= 2x);
- `psstrat fmt --check` against `psstrat validate` (target <= 3x), and `fmt --check` and
  `new` on the shipped data (target: well under a second);
- `psstrat --version` against `python -c pass` (target <= 0.2 s above).

Each command runs as a fresh process, as a user or CI would run it. Record the figures in
docs/performance.md with the machine they were taken on.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

AS_OF = "2008-01-01"


PEAKS: dict[str, float] = {}
"""Peak memory (MiB) of the last run of each command, by its first words."""


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


def best_of(cmd: list[str], repeat: int, ok: tuple[int, ...] = (0, 1)) -> float:
    """The best wall-clock time of ``repeat`` runs; the peak resident memory of the process
    (or of the largest process it waited for: its parsing workers) is kept in PEAKS."""
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryFile() as err:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            times.append(time.perf_counter() - start)
            proc.returncode = code = os.waitstatus_to_exitcode(status)
            if code not in ok:
                err.seek(0)
                sys.exit(f"{' '.join(cmd)} failed ({code}): {err.read().decode()[:500]}")
        PEAKS[" ".join(cmd[:4])] = usage.ru_maxrss / 1024
    return min(times)


def peak(cmd: list[str]) -> float:
    return PEAKS[" ".join(cmd[:4])]


def time_changes(psstrat: list[str], repo: Path, repeat: int) -> tuple[float, float]:
    """`psstrat changes` between commits of a copy of the repository in git: one commit
    changing ten files (a pull request), one changing every risk (a sweeping edit)."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "repo"
        shutil.copytree(repo, copy)
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "b",
            "GIT_AUTHOR_EMAIL": "b@example.org",
            "GIT_COMMITTER_NAME": "b",
            "GIT_COMMITTER_EMAIL": "b@example.org",
        }

        def git(*args: str) -> None:
            subprocess.run(["git", "-C", str(copy), *args], check=True, env=env)

        git("init", "-q")
        git("add", "-A")
        git("commit", "-qm", "start")
        risks = sorted((copy / "data" / "risks").glob("*.yaml"))
        for path in risks[:8] + sorted((copy / "data" / "strands").glob("*.yaml"))[:2]:
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("status: in-progress", "status: in-place"), "utf-8")
        git("commit", "-qam", "ten files")
        for path in risks:
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("treatment: treat", "treatment: tolerate"), "utf-8")
        git("commit", "-qam", "every risk")
        base = [*psstrat, "changes", "--root", str(copy), "--format", "json"]
        few = best_of([*base, "--since", "HEAD~2", "--until", "HEAD~1"], repeat)
        every = best_of([*base, "--since", "HEAD~1", "--until", "HEAD"], repeat)
    return few, every


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, help="an existing repository to time instead")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-yamllint", action="store_true")
    args = parser.parse_args()

    psstrat = [sys.executable, "-m", "psstrat"]
    exe = shutil.which("psstrat")
    if exe:
        psstrat = [exe]
    tmp = None
    repo = args.repo
    if repo is None:
        tmp = tempfile.mkdtemp(prefix="psstrat-bench-")
        repo = Path(tmp) / "repo"
        size = generate(repo, 50, 10, 10_000)
        files = sum(1 for _ in repo.rglob("*.yaml"))
        print(f"synthetic repository: {size / 1e6:.1f} MB, {files} files")

    from psstrat.yamlio import BACKEND

    cores = os.cpu_count()
    print(f"machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}")
    print(f"YAML parser: {BACKEND}")
    print()

    validate_cmd = [*psstrat, "validate", "--root", str(repo), "--as-of", AS_OF]
    validate = best_of(validate_cmd, args.repeat)
    floor = best_of([sys.executable, str(HERE / "floor.py"), str(repo)], args.repeat)
    print(f"psstrat validate           {validate:8.2f} s   peak {peak(validate_cmd):5.0f} MiB")
    print(f"libyaml parse (the floor)  {floor:8.2f} s")
    print(f"  ratio validate/floor     {validate / floor:8.3f} x   (target <= 2; peak <= 150 MiB)")
    if tmp:
        dangling_repo = Path(tmp) / "dangling"
        generate(dangling_repo, 50, 10, 10_000, dangling=560)
        dangling_cmd = [*psstrat, "validate", "--root", str(dangling_repo), "--as-of", AS_OF]
        dangling = best_of(dangling_cmd, args.repeat)
        again = best_of(validate_cmd, args.repeat)  # side by side, against machine drift
        print(f"  with 560 dangling refs   {dangling:8.2f} s")
        extra = dangling / min(validate, again) - 1
        print(f"  extra for them           {extra:8.1%}     (target < 10%)")
    if not args.skip_yamllint:
        yamllint = best_of(
            [sys.executable, "-m", "yamllint", "-d", "relaxed", str(repo / "data")], 1
        )
        print(f"yamllint (relaxed)         {yamllint:8.2f} s")
        print(f"  ratio validate/yamllint  {validate / yamllint:8.3f} x   (target <= 0.2, aim 0.1)")

    report_cmd = [
        *psstrat,
        "report",
        "--root",
        str(repo),
        "--quarter",
        "2004-Q3",
        "--allow-errors",
        "-o",
        str(Path(tempfile.gettempdir()) / "bench-report.html"),
    ]
    report = best_of(report_cmd, args.repeat)
    print(f"psstrat report (html)      {report:8.2f} s")
    print(f"  ratio report/validate    {report / validate:8.3f} x   (target <= 1)")
    out = Path(tempfile.gettempdir())
    docx = best_of([*report_cmd[:-1], str(out / "bench-report.docx")], args.repeat)
    print(f"psstrat report (docx)      {docx:8.2f} s")
    print(f"  ratio docx/html          {docx / report:8.3f} x   (target <= 2)")
    # The PDF against the HTML side by side, each measured again beside the other, with and
    # without the whole register as an appendix (issue 21: within 1.2x).
    for extra_args, what in (([], ""), (["--appendix", "register"], ", appendix register")):
        html_cmd = [*report_cmd[:-2], *extra_args, "-o", str(out / "bench-report.html")]
        pdf_out = str(out / f"bench-report{len(extra_args)}.pdf")
        pdf_cmd = [*report_cmd[:-2], *extra_args, "-o", pdf_out]
        html = min(best_of(html_cmd, args.repeat), best_of(html_cmd, 1))
        pdf = min(best_of(pdf_cmd, args.repeat), best_of(pdf_cmd, 1))
        pages = _pages(out / f"bench-report{len(extra_args)}.pdf")
        print(f"psstrat report (html{what}) {html:8.2f} s")
        print(f"psstrat report (pdf{what})  {pdf:8.2f} s, {pages} pages")
        print(f"  ratio pdf/html           {pdf / html:8.3f} x   (target <= 1.2)")
    shipped = [*psstrat, "report", "--root", str(HERE.parent), "--quarter", "2004-Q3", "-o"]
    html = best_of([*shipped, str(out / "shipped.html")], args.repeat)
    pdf = best_of([*shipped, str(out / "shipped.pdf")], args.repeat)
    print(f"shipped data, report (html) {html:8.2f} s")
    print(f"shipped data, report (pdf) {pdf:8.2f} s")
    print(f"  ratio pdf/html           {pdf / html:8.3f} x   (target <= 1.5)")

    changes_few, changes_all = time_changes(psstrat, repo, args.repeat)
    print(f"psstrat changes (10 files)  {changes_few:8.2f} s")
    print(f"  ratio changes/validate   {changes_few / validate:8.3f} x   (target <= 2)")
    print(f"psstrat changes (all risks){changes_all:8.2f} s")
    print(f"  ratio changes/validate   {changes_all / validate:8.3f} x   (target <= 2)")
    fmt_check = best_of([*psstrat, "fmt", "--check", "--root", str(repo)], args.repeat)
    print(f"psstrat fmt --check        {fmt_check:8.2f} s")
    print(f"  ratio fmt/validate       {fmt_check / validate:8.3f} x   (target <= 3)")
    shipped_check = best_of([*psstrat, "fmt", "--check", "--root", str(HERE.parent)], args.repeat)
    print(f"shipped data, fmt --check  {shipped_check:8.2f} s   (target: well under 1)")
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "strategy"
        shutil.copytree(HERE.parent / "data", copy / "data")
        shutil.copy(HERE.parent / "psstrat.yaml", copy / "psstrat.yaml")
        subprocess.run(["git", "init", "-q", str(copy)], check=True)
        new = [*psstrat, "new", "milestone", "--root", str(copy), "--element", "S1.1"]
        shipped_new = best_of([*new, "--title", "Benchmark", "--due", "2005-01-01"], args.repeat)
    print(f"shipped data, new milestone{shipped_new:8.2f} s   (target: well under 1)")

    for name in ("status", "overdue"):
        cmd = [*psstrat, name, "--root", str(repo), "--as-of", AS_OF, "--allow-errors"]
        seconds = best_of([*cmd, "--session", "open"], args.repeat)
        print(f"psstrat {name} (open)       {seconds:8.2f} s")
        print(f"  ratio {name}/validate    {seconds / validate:8.3f} x   (target <= 1)")

    bare = best_of([sys.executable, "-c", "pass"], 10)
    version = best_of([*psstrat, "--version"], 10)
    print(f"python -c pass             {bare:8.3f} s")
    print(f"psstrat --version          {version:8.3f} s")
    print(f"  above bare start-up      {version - bare:8.3f} s   (target <= 0.2)")
    if tmp:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
