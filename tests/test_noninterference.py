"""Non-interference: what a session may not see never influences what it is shown.

For generated repositories with markings anywhere, the open-session output equals the output
of the same repository with every withheld item deleted from the files, apart from the count
of withheld items (the one trace the report is allowed). This holds for the report (whole and
per strand, Markdown and HTML), `status`, `overdue` and the problems the session judges (so
its exit status too), on broken data as well: errors inside withheld items, errors in what the
session sees, and files that do not load (withheld whole: their marking is unknown). And it
holds for `changes` and `history` between two generated versions committed to git, where
today's marking governs both: the earlier version is deleted as the later one marks it.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psstrat.commands.changes import compare
from psstrat.commands.history import item_trail
from psstrat.commands.overdue import find_overdue
from psstrat.commands.status import build_status
from psstrat.commands.validate import judge
from psstrat.errors import PsstratError
from psstrat.marking import restrict
from psstrat.report.context import build_context
from psstrat.report.papers import build_paper
from psstrat.report.pdf import context_json
from psstrat.report.render import render
from psstrat.report.scope import Paper
from psstrat.repository import load_repository
from psstrat.schedule import Quarter
from psstrat.snapshots import pair
from tests.test_changes import git

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
def element(draw: st.DrawFn, s: int, e: int, risk_ids: list[str]) -> dict[str, Any]:
    """A work element with milestones and updates, markings anywhere."""
    lead = st.sampled_from([None, "lead-a", "lead-b"])
    milestones = []
    for m in range(1, draw(st.integers(0, 3)) + 1):
        ms: dict[str, Any] = {"id": f"S{s}.{e}.M{m}", "title": f"Milestone {s}.{e}.{m}"}
        ms["due"] = draw(day)
        if draw(st.booleans()):
            ms["completed"] = draw(day)
        if draw(st.booleans()):
            ms["revised_due"] = draw(day)
            if draw(st.booleans()):
                ms["revised_on"] = draw(day)
        if draw(st.integers(0, 3)) == 0:
            ms["set_on"] = draw(day)
        ms["marking"] = draw(marking)
        milestones.append(ms)
    updates = [
        {"date": draw(day), "text": f"Update {i} on S{s}.{e}", "marking": draw(marking)}
        for i in range(draw(st.integers(0, 2)))
    ]
    for update in updates:  # dated state: a withheld record must change nothing
        if draw(st.booleans()):
            update["status"] = draw(rag)
        if draw(st.booleans()):
            update["lead"] = draw(lead)
    item: dict[str, Any] = {
        "id": f"S{s}.{e}",
        "title": f"Element {s}.{e}",
        "lead": draw(lead),
        "status": draw(rag),
        "risks": draw(st.lists(st.sampled_from(risk_ids), max_size=2)) if risk_ids else [],
        "marking": draw(marking),
        "milestones": milestones,
        "updates": updates,
    }
    if draw(st.integers(0, 3)) == 0:
        item["start"] = draw(day)
    return item


@st.composite
def repositories(draw: st.DrawFn, broken: bool = False) -> dict[str, Any]:
    """A repository as data: file path -> mapping (or, for a file that does not load, its
    text). References may point anywhere, including at items that end up withheld. With
    ``broken``, errors anywhere, withheld or not (see `break_`)."""
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
            "owners": [
                {"id": "lead-a", "role": "Lead A"},
                {"id": "lead-b", "role": "Lead B", "marking": draw(marking)},
            ]
        },
        "data/meetings.yaml": {
            "meetings": [
                {
                    "date": "2004-12-01",
                    "decisions": [{"text": "Decided", "strands": ["S1"], "marking": draw(marking)}],
                    "actions": [
                        {
                            "id": "A1",
                            "text": "Do it",
                            "owner": draw(st.sampled_from(["lead-a", "lead-b"])),
                            "due": "2004-12-20",
                            "completed": draw(st.sampled_from([None, "2004-12-10", "2005-01-10"])),
                            "marking": draw(marking),
                        },
                        {"id": "A2", "text": "And this", "owner": "lead-a", "due": "2005-02-01"},
                    ],
                },
                {
                    "date": "2005-01-13",
                    "report": 7,
                    "strands": draw(st.sampled_from([[], ["S1"]])),
                    "papers": [
                        {
                            "report": 9,
                            "title": "Paper",
                            "kind": "strand",
                            "strands": ["S1"],
                            "authors": [draw(st.sampled_from(["lead-a", "lead-b"]))],
                            "marking": draw(marking),
                            "supporting": [
                                {"text": "Own words", "marking": draw(marking)},
                                {"include": "progress", "marking": draw(marking)},
                                {"include": "decisions"},
                                {"include": draw(st.sampled_from(["actions", "risks", "next"]))},
                            ],
                        }
                    ],
                },
                {"date": "2005-01-20", "report": 8, "marking": draw(marking)},
            ]
        },
    }
    lead = st.sampled_from([None, "lead-a", "lead-b"])
    for s in range(1, n_strands + 1):
        elements = []
        for e in range(1, draw(st.integers(0, 3)) + 1):
            elements.append(draw(element(s, e, risk_ids)))
        files[f"data/strands/S{s}.yaml"] = {
            "id": f"S{s}",
            "title": f"Strand {s}",
            "lead": draw(lead),
            "marking": draw(marking),
            "equality_implications": f"Equality text of S{s}.",
            "work_elements": elements,
            "updates": [
                {"date": draw(day), "text": f"Lead of S{s}", "lead": draw(lead), "marking": m}
                for m in draw(st.lists(marking, max_size=2))
            ],
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
    if broken:
        break_(draw, files)
    return files


def break_(draw: st.DrawFn, files: dict[str, Any]) -> None:
    """Errors anywhere, in withheld items or not: a lead nobody is, a duplicate milestone id,
    milestones completed before their element started (risks at 25 and not escalated, and
    history after the residual, come with the generator); and files that do not load: one
    with an unknown key, and one that is not YAML."""
    strands = sorted(p for p in files if p.startswith("data/strands/"))
    for path in strands:
        for element in files[path]["work_elements"]:
            if draw(st.booleans()):
                element["lead"] = "lead-nobody"
            if draw(st.integers(0, 5)) == 0:  # does not validate, withheld or not
                element["status"] = "bogus"
            if draw(st.integers(0, 5)) == 0:  # a marking nobody knows: withheld, fail closed
                element["marking"] = "Official-Sensitive"
            if element["milestones"] and draw(st.booleans()):
                again = {"title": "Again", "marking": draw(marking)}
                element["milestones"].append(dict(element["milestones"][0], **again))
            if draw(st.booleans()):
                element["start"] = "2005-06-01"
    loaded = sorted(p for p in files if p.startswith(("data/strands/", "data/risks/")))
    if draw(st.booleans()) and loaded:
        path = draw(st.sampled_from(loaded))
        files[path] = json.dumps({**files[path], "bogus": True})
    if draw(st.booleans()):
        files["data/strands/S9.yaml"] = f"id: S9\ntitle: [unclosed\nmarking: {draw(marking)}\n"


def _rank(item: dict[str, Any], container: int) -> int:
    marking = item.get("marking")
    if marking is None:
        return container
    return max(container, MARKINGS.index(marking) - 1 if marking in MARKINGS else UNKNOWN)


Ranks = dict[tuple[str, ...], int]
NESTED = {
    "work_elements": ("element", ("milestones", "updates")),
    "milestones": ("milestone", ()),
    "updates": ("update", ()),
    "issues": ("sia-issue", ("progress",)),
    "progress": ("progress", ()),
    "owners": ("owner", ()),
    "meetings": ("meeting", ("papers", "decisions", "actions")),
    "papers": ("paper", ("supporting",)),
    "supporting": ("paper paragraph", ()),
    "decisions": ("decision", ()),
    "actions": ("action", ()),
}
"""The generator's lists of marked items: what one is called, and its own lists."""


def _key(kind: str, item: dict[str, Any], container: tuple[str, ...]) -> tuple[str, ...]:
    """The same item in both versions: by id, or (a note, a meeting) by what it says."""
    if "id" in item:
        return (kind, item["id"])
    return (kind, *container, json.dumps({k: v for k, v in item.items() if k != "marking"}))


UNKNOWN = 99
"""The rank of an item whose marking cannot be read: above every session."""


def prune(
    files: dict[str, Any], maximum: int = OPEN_MAX, governed: Ranks | None = None
) -> tuple[dict[str, Any], Ranks]:
    """The repository with every item above the session's maximum rank removed from the files
    (and every file that does not load), written here independently of psstrat's own gate; and
    the rank of every item, by key, as it governs earlier versions: an item twice (a duplicate
    id) at the lowest of its ranks, an id declared in a file that does not load at UNKNOWN.
    With ``governed`` (the ranks of later versions), an item is ranked at the higher of its own
    rank and theirs."""
    kept, ranks, _ = _prune(files, maximum, governed)
    return kept, ranks


def unreadable(files: dict[str, Any], maximum: int, governed: Ranks | None = None) -> set[str]:
    """The files the session cannot read: not YAML, or invalid in what it may see."""
    return _prune(files, maximum, governed)[2]


def _prune(
    files: dict[str, Any], maximum: int, governed: Ranks | None
) -> tuple[dict[str, Any], Ranks, set[str]]:
    pruner = _Pruner(maximum, governed)
    out: dict[str, Any] = {}
    broken: set[str] = set()
    for path, data in files.items():
        if isinstance(data, str):
            try:  # the file with an unknown key is JSON: it parses, and does not validate
                data = json.loads(data)
            except ValueError:  # not YAML at all: the item it is named after is unknown
                broken.add(path)
                stem = path.rsplit("/", 1)[-1].removesuffix(".yaml")
                pruner.ranks[(path.split("/")[1], stem)] = UNKNOWN
                continue
        data = copy.deepcopy(data)
        top = pruner.rank(_top(path, data), data, 0)
        pruner.inside(data, _top(path, data), top)
        if top > maximum:
            continue
        if _invalid(data):  # what the session sees does not validate: withheld whole
            broken.add(path)
            continue
        out[path] = data
    return out, pruner.ranks, broken


def _invalid(node: Any) -> bool:
    """Whether anything left in the data does not validate: an unknown key, an unknown
    status, an unknown marking."""
    if isinstance(node, list):
        return any(_invalid(n) for n in node)
    if not isinstance(node, dict):
        return False
    if "bogus" in node or node.get("status") == "bogus":
        return True
    if node.get("marking") is not None and node["marking"] not in MARKINGS:
        return True
    return any(_invalid(v) for v in node.values())


class _Pruner:
    def __init__(self, maximum: int, governed: Ranks | None) -> None:
        self.maximum, self.governed = maximum, governed
        self.ranks: Ranks = {}

    def rank(self, key: tuple[str, ...], item: dict[str, Any], container: int) -> int:
        own = _rank(item, 0)
        if self.governed is not None:
            own = max(own, self.governed.get(key, 0))
        effective = max(container, own)
        self.ranks[key] = min(self.ranks.get(key, UNKNOWN), effective)
        return effective

    def inside(self, data: dict[str, Any], key: tuple[str, ...], container: int) -> None:
        for field, (kind, _) in NESTED.items():
            if field not in data:
                continue
            survivors = []
            for child in data[field]:
                child_key = _key(kind, child, key)
                child_rank = self.rank(child_key, child, container)
                self.inside(child, child_key, child_rank)
                if child_rank <= self.maximum:
                    survivors.append(child)
            data[field] = survivors


def _top(path: str, data: dict[str, Any]) -> tuple[str, ...]:
    kind = path.split("/")[1]
    return (kind, data["id"]) if kind in ("strands", "risks", "sia") else (kind, path)


def delete_withheld(files: dict[str, Any], maximum: int = OPEN_MAX) -> dict[str, Any]:
    return prune(files, maximum)[0]


def write(root: Path, files: dict[str, Any]) -> None:
    for path, data in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        text = data if isinstance(data, str) else json.dumps(data)  # JSON is YAML
        target.write_text(text, encoding="utf-8")


def problems(root: Path, session: str) -> tuple[list[str], int]:
    """The errors the session judges (their places aside: deleting items moves lines), and so
    its exit status; and the view the commands would show."""
    judged = judge(load_repository(root), session, AS_OF)
    lines = [re.sub(r":\d+:\d+", "", f"{d.path} {d.code} {d.message}") for d in judged.errors]
    return lines, len(judged.errors)


def outputs(root: Path, forget_withheld: bool, session: str = "open") -> list[str]:
    """Every output of the repository at ``root`` for ``session``."""
    repo = load_repository(root)
    lines, errors = problems(root, session)
    texts = [*lines]
    strands = [None, *(s.id for s in restrict(repo, session).repo.strands)]
    for strand in strands:
        context = build_context(repo, Paper(Q3, AS_OF, session, strand), errors=errors)
        if forget_withheld:
            context = dataclasses.replace(context, withheld=(), withheld_total=0, withheld_said="")
        else:
            assert context.withheld == ()
        texts += [render(context, fmt, root) for fmt in ("md", "html")]
        texts.append(context_json(context))  # all the PDF's template sees
    try:  # the meeting's paper: withheld, it is as if it were not recorded
        paper = build_paper(repo, PAPER_DAY, None, session, errors=errors)
    except PsstratError as exc:
        texts.append(str(exc))
    else:
        if forget_withheld:
            paper = dataclasses.replace(paper, withheld=(), withheld_total=0, withheld_said="")
        else:
            assert paper.withheld == ()
        texts += [render(paper, fmt, root) for fmt in ("md", "html")]
        texts.append(context_json(paper))
    status = build_status(restrict(repo, session), AS_OF)
    texts.append(repr(dataclasses.replace(status, withheld={})))
    texts.append(repr(find_overdue(restrict(repo, session), AS_OF, within=60, kind="all")))
    return texts


PAPER_DAY = dt.date(2005, 1, 13)
"""The meeting whose paper the generated repository records."""


SESSIONS = st.sampled_from([("open", OPEN_MAX), ("closed", CLOSED_MAX)])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repositories(), SESSIONS)
def test_outputs_equal_outputs_with_withheld_items_deleted(
    files: dict[str, Any], session: tuple[str, int]
) -> None:
    """For the open session (and the closed one, which withholds what is secret)."""
    check_one_version(files, session)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repositories(broken=True), SESSIONS)
def test_on_broken_data_too(files: dict[str, Any], session: tuple[str, int]) -> None:
    """Errors inside withheld items and files that do not load change nothing the session is
    shown, nor which problems it judges (so nor its exit status)."""
    check_one_version(files, session)


def check_one_version(files: dict[str, Any], session: tuple[str, int]) -> None:
    name, maximum = session
    with tempfile.TemporaryDirectory() as tmp:
        full, deleted = Path(tmp, "full"), Path(tmp, "deleted")
        write(full, files)
        write(deleted, delete_withheld(files, maximum))
        shown = outputs(full, True, name)
        assert shown == outputs(deleted, False, name)
        # No output quotes the id of an item the session does not see.
        assert {i for text in shown for i in ID.findall(text)} <= ids_in(
            delete_withheld(files, maximum)
        )


def two_versions(root: Path, before: dict[str, Any], after: dict[str, Any]) -> None:
    """``before`` committed, ``after`` in the working tree."""
    write(root, before)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "before")
    shutil.rmtree(root / "data")
    write(root, after)


def changes_and_history(root: Path, session: str) -> list[Any]:
    """What `changes --since HEAD` lists (groups, ids, texts, markings) and counts, and the
    `history` of every strand, work element and risk the session sees today (values and
    changes; commits and dates differ between the two repositories)."""
    result = compare(pair(root, "HEAD", None, AS_OF, session), session)
    found: list[Any] = [
        [(c.group, c.id, c.text, c.marking) for c in result.changes],
        result.quiet,
    ]
    repo = load_repository(root)
    view = restrict(repo, session).repo
    ids = [s.id for s in view.strands] + [e.id for _, e in view.elements()]
    for item_id in [*ids, *(r.id for r in view.risks)]:
        try:
            trail = item_trail(repo, item_id, session)
        except PsstratError as exc:
            found.append(str(exc))
            continue
        found.append([(p.value, p.change, p.date is None) for p in trail.points])
    return found


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repositories(broken=True), repositories(broken=True), SESSIONS)
def test_changes_and_history_equal_those_with_withheld_items_deleted(
    before: dict[str, Any], after: dict[str, Any], session: tuple[str, int]
) -> None:
    """Between two versions, with today's marking governing both: an earlier item shown only
    if its own and today's markings allow it. `changes` leaves out a file that does not load on
    either side (on both); `history` skips a version that does not load."""
    name, maximum = session
    kept_after, today = prune(after, maximum)
    broken = unreadable(before, maximum, today) | unreadable(after, maximum)
    with tempfile.TemporaryDirectory() as tmp:
        full = Path(tmp, "full")
        two_versions(full, before, after)
        got = changes_and_history(full, name)
        # For `changes`: a file the session cannot read on either side is left out of both.
        earlier = prune({p: d for p, d in before.items() if p not in broken}, maximum, today)[0]
        changes_view = Path(tmp, "changes")
        two_versions(
            changes_view, earlier, {p: d for p, d in kept_after.items() if p not in broken}
        )
        expected_changes = changes_and_history(changes_view, name)[:2]
        # For `history`: each version as far as it loads, today's marking governing.
        history_view = Path(tmp, "history")
        two_versions(history_view, prune(before, maximum, today)[0], kept_after)
        expected_history = changes_and_history(history_view, name)[2:]
        assert got[:2] == expected_changes
        assert got[2:] == expected_history
        # Nor does a change quote the id of an item the session does not see (a reference
        # in what it sees to one it does not, say a recommendation's alignment).
        seen = ids_in(earlier) | ids_in(kept_after)
        quoted = {i for change in got[0] for i in ID.findall(change[2])}
        assert quoted <= seen


ID = re.compile(r"\b(?:S\d+(?:\.\d+(?:\.M\d+)?)?|R\d{4}|SIA-\d{4}(?:\.\d+)?)\b")


def ids_in(files: dict[str, Any]) -> set[str]:
    """Every id declared in the files (as data)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("id"), str):
                found.add(node["id"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(list(files.values()))
    return found


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
