"""Non-interference: what a session may not see never influences what it is shown.

For generated repositories with markings anywhere, the open-session output equals the output
of the same repository with every withheld item deleted from the files, apart from the count
of withheld items (the one trace the report is allowed). This holds for the report (whole and
per strand, Markdown and HTML), `status` and `overdue`.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psstrat.marking import restrict
from psstrat.overdue import find_overdue
from psstrat.report.context import build_context
from psstrat.report.render import render
from psstrat.report.scope import Paper
from psstrat.repository import load_repository
from psstrat.schedule import Quarter
from psstrat.status import build_status

MARKINGS = [None, "official", "official-sensitive", "secret"]
OPEN_MAX = 0  # official: markings rank from 0
CLOSED_MAX = 1  # official-sensitive
Q3 = Quarter(2004, 3)
AS_OF = dt.date(2004, 12, 31)
START = dt.date(2004, 6, 1)

marking = st.sampled_from(MARKINGS)
day = st.integers(0, 330).map(lambda n: (START + dt.timedelta(days=n)).isoformat())
rag = st.sampled_from(["not-started", "on-track", "at-risk", "off-track", "complete"])


@st.composite
def repositories(draw: st.DrawFn) -> dict[str, Any]:
    """A repository as data: file path -> mapping. References may point anywhere, including
    at items that end up withheld."""
    n_strands = draw(st.integers(1, 3))
    element_ids = [f"S{s}.{e}" for s in range(1, n_strands + 1) for e in range(1, 4)]
    risk_ids = [f"R000{i}" for i in range(1, draw(st.integers(0, 4)) + 1)]
    refs = st.lists(st.sampled_from([f"S{s}" for s in range(1, 4)] + element_ids), max_size=2)
    files: dict[str, Any] = {
        "data/strategy.yaml": {
            "id": "PSS-2002",
            "title": "Generated Strategy",
            "period": {"start": "2002-08-01", "end": "2007-07-31"},
            "author": "lead-a",
            "outcomes": [{"id": "O1", "title": "Outcome"}],
        },
        "data/owners.yaml": {
            "owners": [{"id": "lead-a", "role": "Lead A"}, {"id": "lead-b", "role": "Lead B"}]
        },
        "data/meetings.yaml": {
            "meetings": [
                {"date": "2005-01-13", "report": 7, "strands": draw(st.sampled_from([[], ["S1"]]))}
            ]
        },
    }
    lead = st.sampled_from([None, "lead-a", "lead-b"])
    for s in range(1, n_strands + 1):
        elements = []
        for e in range(1, draw(st.integers(0, 3)) + 1):
            milestones = []
            for m in range(1, draw(st.integers(0, 3)) + 1):
                ms: dict[str, Any] = {"id": f"S{s}.{e}.M{m}", "title": f"Milestone {s}.{e}.{m}"}
                ms["due"] = draw(day)
                if draw(st.booleans()):
                    ms["completed"] = draw(day)
                if draw(st.booleans()):
                    ms["revised_due"] = draw(day)
                ms["marking"] = draw(marking)
                milestones.append(ms)
            updates = [
                {"date": draw(day), "text": f"Update {i} on S{s}.{e}", "marking": draw(marking)}
                for i in range(draw(st.integers(0, 2)))
            ]
            elements.append(
                {
                    "id": f"S{s}.{e}",
                    "title": f"Element {s}.{e}",
                    "lead": draw(lead),
                    "status": draw(rag),
                    "risks": draw(st.lists(st.sampled_from(risk_ids), max_size=2))
                    if risk_ids
                    else [],
                    "marking": draw(marking),
                    "milestones": milestones,
                    "updates": updates,
                }
            )
        files[f"data/strands/S{s}.yaml"] = {
            "id": f"S{s}",
            "title": f"Strand {s}",
            "lead": draw(lead),
            "marking": draw(marking),
            "equality_implications": f"Equality text of S{s}.",
            "work_elements": elements,
        }
    score = st.integers(1, 5)
    for rid in risk_ids:
        raised = draw(day)
        files[f"data/risks/{rid}.yaml"] = {
            "id": rid,
            "title": f"Risk {rid}",
            "category": "operational",
            "owner": draw(lead),
            "raised": raised,
            "strands": draw(refs),
            "inherent": {"likelihood": 5, "impact": 5},
            "residual": {"likelihood": draw(score), "impact": draw(score), "date": draw(day)},
            "history": [{"likelihood": draw(score), "impact": draw(score), "date": raised}],
            "review_date": draw(day),
            "marking": draw(marking),
        }
    if draw(st.booleans()):
        issues = []
        for i in range(1, draw(st.integers(0, 3)) + 1):
            issues.append(
                {
                    "id": f"SIA-2004.{i}",
                    "title": f"Issue {i}",
                    "risks": draw(st.lists(st.sampled_from(risk_ids), max_size=2))
                    if risk_ids
                    else [],
                    "recommendations": [{"text": f"Recommendation {i}", "aligned_to": draw(refs)}],
                    "progress": [
                        {"date": draw(day), "text": f"Progress on {i}", "marking": draw(marking)}
                    ],
                    "marking": draw(marking),
                }
            )
        files["data/sia/SIA-2004.yaml"] = {
            "id": "SIA-2004",
            "title": "Assessment",
            "date": draw(day),
            "marking": draw(marking),
            "issues": issues,
        }
    return files


def _rank(item: dict[str, Any], container: int) -> int:
    return max(container, MARKINGS.index(item.get("marking")) - 1 if item.get("marking") else 0)


def delete_withheld(files: dict[str, Any], maximum: int = OPEN_MAX) -> dict[str, Any]:
    """The same repository with every item above the session's maximum rank removed from the
    files: written here independently of psstrat's own gate."""
    out: dict[str, Any] = {}
    for path, data in files.items():
        data = copy.deepcopy(data)
        rank = _rank(data, 0)
        if rank > maximum:
            continue  # a whole strand, risk or SIA file
        for list_key, inner_keys in (
            ("work_elements", ("milestones", "updates")),
            ("issues", ("progress",)),
        ):
            kept = []
            for child in data.get(list_key, []):
                child_rank = _rank(child, rank)
                if child_rank > maximum:
                    continue
                for key in inner_keys:
                    child[key] = [g for g in child[key] if _rank(g, child_rank) <= maximum]
                kept.append(child)
            if list_key in data:
                data[list_key] = kept
        out[path] = data
    return out


def write(root: Path, files: dict[str, Any]) -> None:
    for path, data in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML


def outputs(root: Path, forget_withheld: bool, session: str = "open") -> list[str]:
    """Every output of the repository at ``root`` for ``session``."""
    repo = load_repository(root)
    assert not repo.load_findings, repo.load_findings
    texts = []
    strands = [None, *(s.id for s in restrict(repo, session).repo.strands)]
    for strand in strands:
        context = build_context(repo, Paper(Q3, AS_OF, session, strand))
        if forget_withheld:
            context = dataclasses.replace(context, withheld=(), withheld_total=0)
        else:
            assert context.withheld == ()
        texts += [render(context, fmt, root) for fmt in ("md", "html")]
    status = build_status(restrict(repo, session), AS_OF)
    texts.append(repr(dataclasses.replace(status, withheld={})))
    texts.append(repr(find_overdue(restrict(repo, session), AS_OF, within=60)))
    return texts


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repositories(), st.sampled_from([("open", OPEN_MAX), ("closed", CLOSED_MAX)]))
def test_outputs_equal_outputs_with_withheld_items_deleted(
    files: dict[str, Any], session: tuple[str, int]
) -> None:
    """For the open session (and the closed one, which withholds what is secret)."""
    name, maximum = session
    with tempfile.TemporaryDirectory() as tmp:
        full, deleted = Path(tmp, "full"), Path(tmp, "deleted")
        write(full, files)
        write(deleted, delete_withheld(files, maximum))
        assert outputs(full, True, name) == outputs(deleted, False, name)


def test_the_property_can_fail() -> None:
    """The comparison sees a difference when a withheld item does change an output: an
    official-sensitive work element turned official shows in the open report."""
    base = {
        "marking": "official-sensitive",
        "id": "S1.1",
        "title": "Hidden element",
        "status": "off-track",
        "milestones": [],
        "updates": [],
    }
    strand = {"id": "S1", "title": "Strand 1", "work_elements": [base]}
    files: dict[str, Any] = {
        "data/strategy.yaml": {
            "id": "PSS-2002",
            "title": "Generated Strategy",
            "period": {"start": "2002-08-01", "end": "2007-07-31"},
            "outcomes": [{"id": "O1", "title": "Outcome"}],
        },
        "data/owners.yaml": {"owners": []},
        "data/strands/S1.yaml": strand,
    }
    leaky = copy.deepcopy(files)
    leaky["data/strands/S1.yaml"]["work_elements"][0]["marking"] = "official"
    with tempfile.TemporaryDirectory() as tmp:
        write(Path(tmp, "a"), leaky)
        write(Path(tmp, "b"), delete_withheld(files))
        assert outputs(Path(tmp, "a"), True) != outputs(Path(tmp, "b"), False)
