"""`psstrat history ID`: a risk's residual score, a strand's RAG or a work element's status,
as it stood after every commit that changed it, read from git.

A trend is then not only what someone typed into a risk's `history:`: each point is a commit
(its date and id), and a score or RAG that was edited in place shows up too. Every version of
the file is loaded with the same loader and passed through the session's marking gate: a
version the session may not see is left out; if it may see none, the item is refused exactly
as an unknown one would be.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from psstrat.errors import PsstratError
from psstrat.marking import restrict
from psstrat.model.common import ID_PATTERNS
from psstrat.model.risk import Risk
from psstrat.model.strand import Strand
from psstrat.repository import DATA, Repository
from psstrat.schedule import element_rag, strand_rag
from psstrat.yamlio import YamlProblem, parse_yaml

_RISK = re.compile(ID_PATTERNS["risk"][0])
_STRAND = re.compile(r"S[1-9]\d*")
_ELEMENT = re.compile(r"(S[1-9]\d*)\.[1-9]\d*")


@dataclass(frozen=True)
class Point:
    date: dt.date | None
    """The commit's date; None for uncommitted changes in the working tree."""
    commit: str | None
    value: str
    change: str
    """`first recorded`, `12 (high) -> 16 (very high)`."""


@dataclass(frozen=True)
class Trail:
    item: str
    measure: str
    """What is followed: `residual score`, `RAG`, `status (RAG)`."""
    points: list[Point]
    skipped: int
    """Versions that did not load (left out)."""


def item_trail(repo: Repository, item_id: str, session: str) -> Trail:
    """The trail of one item through the history of its file (``repo`` is the working tree,
    for the settings, the strategy's marking, and the uncommitted state)."""
    from psstrat.git import GitTree, GitUnavailable

    rel, measure = _file_of(item_id)
    try:
        tree = GitTree.of(repo.root)
        versions = tree.log(rel)
        blobs = tree.read_many([(commit.sha, path) for commit, path in versions])
    except GitUnavailable as exc:
        raise PsstratError(f"psstrat history needs the strategy's git history ({exc})") from None
    points: list[Point] = []
    skipped = 0
    previous: str | None = None
    states: list[tuple[dt.date | None, str | None, bytes | None]] = [
        (commit.date, commit.short, raw) for (commit, _), raw in zip(versions, blobs, strict=True)
    ]
    current = repo.root / rel
    if current.is_file():
        states.append((None, None, current.read_bytes()))
    for date, commit, raw in states:
        if raw is None:
            continue  # deleted in this commit
        value = _value(repo, rel, raw, item_id, session)
        if value is _UNREADABLE:
            skipped += 1
            continue
        if value is None or value == previous:
            continue
        change = f"{value} (first recorded)" if previous is None else f"{previous} -> {value}"
        points.append(Point(date, commit, str(value), change))
        previous = str(value)
    if not points:
        raise PsstratError(
            f"no history of {item_id} that the {session} session may see; give a risk (R0004), "
            "strand (S2) or work element (S2.1) id that has been committed"
        )
    return Trail(item_id, measure, points, skipped)


def _file_of(item_id: str) -> tuple[str, str]:
    if _RISK.fullmatch(item_id):
        return f"{DATA}/risks/{item_id}.yaml", "residual score"
    if _STRAND.fullmatch(item_id):
        return f"{DATA}/strands/{item_id}.yaml", "RAG"
    element = _ELEMENT.fullmatch(item_id)
    if element:
        return f"{DATA}/strands/{element.group(1)}.yaml", "status (RAG)"
    raise PsstratError(
        f"`{item_id}` is not a risk, strand or work element id; give one like R0004, S2 or S2.1"
    )


_UNREADABLE = object()


def _value(repo: Repository, rel: str, raw: bytes, item_id: str, session: str) -> Any:
    """The measure in one version of the file, None when the session may not see the item
    (or it is not in that version), _UNREADABLE when the version does not load."""
    model: type[BaseModel] = Risk if rel.startswith(f"{DATA}/risks/") else Strand
    try:
        item = model.model_validate(parse_yaml(raw).data, context=repo.settings.validation_context)
    except (YamlProblem, ValidationError):
        return _UNREADABLE
    single = Repository(
        root=repo.root,
        settings=repo.settings,
        strategy=repo.strategy,
        owners=repo.owners,
        risks=[item] if isinstance(item, Risk) else [],
        strands=[item] if isinstance(item, Strand) else [],
    )
    view = restrict(single, session).repo
    if isinstance(item, Risk):
        risk = next((r for r in view.risks if r.id == item_id), None)
        if risk is None:
            return None
        score = risk.residual.score
        return f"{score} ({repo.settings.band(score)})"
    strand = next(iter(view.strands), None)
    if strand is None:
        return None
    if strand.id == item_id:
        return str(strand_rag(strand))
    element = next((e for e in strand.work_elements if e.id == item_id), None)
    if element is None:
        return None
    return f"{element.status} ({element_rag(element)})"
