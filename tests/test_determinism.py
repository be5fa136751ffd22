"""The same data and date give the same bytes, whatever Python's string hashing: every output
is made in fresh processes with different PYTHONHASHSEED values (a set or dict ordered by hash
would differ between them) and compared byte for byte."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ("0", "1", "4242")

COMMANDS = {
    # Past every milestone and review: many problems, from many rules.
    "validate json": ["validate", "--as-of", "2009-12-31", "--format", "json"],
    "validate sarif": ["validate", "--as-of", "2009-12-31", "--format", "sarif"],
    "status": ["status", "--as-of", "2005-03-31", "--session", "all", "--format", "json"],
    "overdue": ["overdue", "--as-of", "2009-12-31", "--session", "all", "--format", "csv"],
    "report md": ["report", "-q", "2004-Q3", "--as-of", "2004-12-31", "--session", "closed"],
    "report html": ["report", "-q", "2004-Q3", "--as-of", "2004-12-31", "--format", "html"],
    "report docx": ["report", "-q", "2004-Q3", "--as-of", "2004-12-31", "--format", "docx"],
    "report pdf": ["report", "-q", "2004-Q3", "--as-of", "2004-12-31", "--format", "pdf"],
    "plan": ["plan", "--as-of", "2004-12-31", "--session", "all", "--format", "json"],
    "meeting paper": ["report", "--meeting", "2004-10-07", "--session", "closed"],
    "meeting paper docx": ["report", "--meeting", "2004-10-07", "--format", "docx"],
    "schema": ["schema", "risk"],
    "explain": ["validate", "--explain", "all"],
}


def run(args: list[str], seed: str, out: Path) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    target = out / f"{seed}.out"
    is_paper = args[0] == "report" and "--format" in args and args[-1] in ("docx", "pdf")
    cmd = [sys.executable, "-m", "psstrat", *args, "--root", str(ROOT)]
    if is_paper:
        cmd += ["-o", str(target)]
    done = subprocess.run(cmd, env=env, capture_output=True, check=False, timeout=300)
    assert done.returncode in (0, 1), done.stderr.decode()
    return target.read_bytes() if is_paper else done.stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_same_bytes_whatever_the_hash_seed(name: str, tmp_path: Path) -> None:
    outputs = {seed: run(COMMANDS[name], seed, tmp_path) for seed in SEEDS}
    first = outputs[SEEDS[0]]
    assert len(first) > 200, first[:200]
    for seed, output in outputs.items():
        assert output == first, f"PYTHONHASHSEED={seed} gives different bytes for {name}"
