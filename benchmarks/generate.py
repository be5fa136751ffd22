"""Write a large synthetic strategy repository in the psstrat format, for benchmarks.

    python benchmarks/generate.py OUT_DIR [--strands 50] [--elements 10] [--risks 10000]

The default (50 strands of 10 work elements, 10,000 risks, comments included) is about 15 MB.
The output is the same for the same arguments (a fixed random seed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

CATEGORIES = ["operational", "financial", "reputational", "legal", "people", "information"]
STATUSES = ["on-track", "on-track", "at-risk", "off-track", "complete", "not-started"]
MARKINGS = ["official", "official", "official-sensitive"]
WORDS = [
    *[
        "intelligence",
        "leakage",
        "vetting",
        "integrity",
        "prevention",
        "detection",
        "learning",
        "standards",
    ],
    *[
        "misconduct",
        "corruption",
        "borough",
        "supervision",
        "review",
        "assessment",
        "control",
        "measure",
    ],
    *[
        "information",
        "security",
        "substance",
        "testing",
        "partnership",
        "diversity",
        "recruits",
        "training",
    ],
    *["policy", "procedure", "risk", "register"],
]


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def day(rng: random.Random, start: dt.date, span: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(span))


def owners(n: int) -> str:
    lines = ["# Owners of the synthetic strategy", "owners:"]
    for i in range(n):
        lines += [f"  - id: owner-{i}", f"    role: Detective Chief Superintendent, unit {i}"]
    return "\n".join(lines) + "\n"


def strand(rng: random.Random, s: int, elements: int, n_owners: int, n_risks: int) -> str:
    out = [
        f"# Strand {s}: generated for benchmarking",
        f"id: S{s}",
        f"title: {sentence(rng, 6)}",
        f"summary: >-\n  {sentence(rng, 30)}",
        f"purpose: {sentence(rng, 12)}",
        f"expected_outcome: {sentence(rng, 16)}",
        f"lead: owner-{rng.randrange(n_owners)}",
        "outcomes: [O1]",
        "work_elements:",
    ]
    for e in range(1, elements + 1):
        start = day(rng, dt.date(2002, 8, 1), 700)
        if e > 1:
            out.append("")  # as `psstrat fmt` lays them out: a blank line between elements
        out += [
            f"  - id: S{s}.{e}      # work element",
            f"    title: {sentence(rng, 8)}",
            f"    lead: owner-{rng.randrange(n_owners)}",
            f"    status: {rng.choice(STATUSES)}",
            f"    start: {start}",
            f"    risks: [R{rng.randrange(n_risks):04d}]",
            f"    marking: {rng.choice(MARKINGS)}",
            "    milestones:",
        ]
        for m in range(1, 6):
            due = day(rng, start, 900)
            if m > 1:
                out.append("")
            out += [
                f"      - id: S{s}.{e}.M{m}",
                f"        title: {sentence(rng, 6)}",
                f"        due: {due}",
            ]
            if rng.random() < 0.4:
                done = max(start, due - dt.timedelta(days=rng.randrange(30)))
                out.append(f"        completed: {done}")
        out.append("    updates:")
        for _ in range(4):
            out += [f"      - date: {day(rng, start, 800)}", f"        text: {sentence(rng, 20)}"]
    return "\n".join(out) + "\n"


def risk(rng: random.Random, r: int, n_owners: int, n_strands: int) -> str:
    raised = day(rng, dt.date(2002, 8, 1), 1500)
    li, im = rng.randint(1, 5), rng.randint(1, 3)
    out = [
        f"# Risk R{r:04d}: generated for benchmarking",
        f"id: R{r:04d}",
        f"title: {sentence(rng, 6)}",
        f"description: >-\n  {sentence(rng, 40)}",
        f"category: {rng.choice(CATEGORIES)}",
        f"owner: owner-{rng.randrange(n_owners)}",
        f"raised: {raised}",
        f"strands: [S{rng.randint(1, n_strands)}]",
        f"inherent: {{likelihood: {li}, impact: {im}}}",
    ]
    history = []
    when = raised
    for _ in range(3):
        history.append(f"  - {{likelihood: {rng.randint(1, li)}, impact: {im}, date: {when}}}")
        when += dt.timedelta(days=rng.randint(30, 120))
    out += [
        f"residual: {{likelihood: {rng.randint(1, li)}, impact: {rng.randint(1, im)}, "
        f"date: {when}}}",
        "history:",
        *history,
        "treatment: treat",
        "controls:",
    ]
    for _ in range(3):
        out += [
            f"  - description: {sentence(rng, 10)}",
            f"    owner: owner-{rng.randrange(n_owners)}",
            "    status: in-progress   # being put in place",
        ]
    out += [
        f"escalated: {{to: MPS Corporate Risk Register, date: {raised}}}",
        f"review_date: {when + dt.timedelta(days=180)}",
        f"marking: {rng.choice(MARKINGS)}",
    ]
    return "\n".join(out) + "\n"


def generate(out: Path, n_strands: int, n_elements: int, n_risks: int, dangling: int = 0) -> int:
    """Write the repository; ``dangling`` work-element references name risks that do not
    exist (R10000 on, one edit from a risk that does: the typos a did-you-mean is for)."""
    rng = random.Random(2004)
    if out.exists():
        shutil.rmtree(out)
    (out / "data" / "strands").mkdir(parents=True)
    (out / "data" / "risks").mkdir()
    n_owners = 40
    files = {
        "psstrat.yaml": "# synthetic\nyear_start_month: 4\n",
        "data/strategy.yaml": (
            "id: PSS-BENCH\ntitle: Synthetic strategy\n"
            "period: {start: 2002-08-01, end: 2007-07-31}\n"
            "outcomes:\n  - id: O1\n    title: Risks are identified quickly\n"
        ),
        "data/owners.yaml": owners(n_owners),
    }
    for s in range(1, n_strands + 1):
        files[f"data/strands/S{s}.yaml"] = strand(rng, s, n_elements, n_owners, n_risks)
    for r in range(n_risks):  # R0000 to R9999
        files[f"data/risks/R{r:04d}.yaml"] = risk(rng, r, n_owners, n_strands)
    strands = [rel for rel in files if rel.startswith("data/strands/")]
    for k in range(dangling):  # round the work elements, as often as it takes
        rel = strands[k % len(strands)]
        nth = (k // len(strands)) % n_elements
        lines = files[rel].split("\n")
        at = [i for i, line in enumerate(lines) if line.startswith("    risks: [")][nth]
        lines[at] = lines[at][:-1] + f", R{10000 + k}]"
        files[rel] = "\n".join(lines)
    total = 0
    for rel, text in files.items():
        (out / rel).write_text(text, encoding="utf-8")
        total += len(text.encode())
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--strands", type=int, default=50)
    parser.add_argument("--elements", type=int, default=10)
    parser.add_argument("--risks", type=int, default=10_000)
    parser.add_argument("--dangling", type=int, default=0, help="references to missing risks")
    args = parser.parse_args()
    size = generate(args.out, args.strands, args.elements, args.risks, args.dangling)
    print(f"wrote {args.out}: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
