"""`psstrat new`: a new item with the next free id, added without touching anything else.

The next free id counts every id on every local and remote-tracking branch (read from git
objects, nothing checked out) as well as the working tree, so two pull requests opened on
different branches do not both take R0008. A new risk, strand or SIA is a new file; a work
element, milestone, meeting or owner is appended, as text, at the end of its list: the file's
comments and layout are left exactly as they were, and the item is laid out as `psstrat fmt`
would. Every result is parsed and validated before it is written.

Several `psstrat new` may run at once (a script, two people on one checkout). `add` takes the
repository's lock before it counts ids and holds it until the file is written, and every file
is read again inside it: nothing one process appends is lost to another, and no id is taken
twice. A new file is created exclusively (an id some other program took meanwhile is
re-numbered, never overwritten), and an edited file is replaced only if it is still what the
edit was made from. Where there is no lock (Windows), those two still hold; only two edits of
one file in the same instant, between the check and the replace, could still collide.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ValidationError

from psstrat.errors import PsstratError
from psstrat.kinds import SPACED
from psstrat.model.common import ID_PATTERNS, held_model
from psstrat.repository import DATA, Repository, file_kind, model_of
from psstrat.yamlio import MAX_BYTES, CannotAppend, YamlProblem, document_text, parse_yaml

# Also named from here: tests/test_new.py replaces append_item here, to race an addition.
from psstrat.yamlio import ListPlace as ListPlace
from psstrat.yamlio import append_item as append_item


@dataclass(frozen=True)
class Creation:
    rel: str
    text: str
    """The file's whole text after the change."""
    new_id: str
    new_file: bool
    notes: list[str] = field(default_factory=list)
    before: str | None = None
    """The text of the edited file the change was made from (None for a new file)."""


@dataclass
class Census:
    """What the working tree and every branch already hold, for picking free ids."""

    root: Path
    notes: list[str] = field(default_factory=list)
    _tree: Any = None
    _refs: list[str] | None = None

    def _git(self) -> tuple[Any, list[str]]:
        from psstrat.git import GitTree, GitUnavailable

        if self._refs is None:
            try:
                self._tree = GitTree.of(self.root)
                self._refs = self._tree.branches()
            except GitUnavailable as exc:
                self._refs = []
                self.notes.append(f"ids counted in the working tree only: {exc}")
        return self._tree, self._refs

    def names(self, folder: str) -> set[str]:
        """File names (without .yaml) under data/<folder>/ here and on every branch."""
        found = set()
        here = self.root / DATA / folder
        if here.is_dir():
            found |= {p.name for p in here.iterdir()}
        tree, refs = self._git()
        for ref in refs:
            found |= {Path(p).name for p in tree.files(ref, f"{DATA}/{folder}")}
        if refs:  # and every file any branch ever held: an old item's id is never reused
            found |= {Path(p).name for p in tree.ever(f"{DATA}/{folder}")[0]}
        return {n.removesuffix(".yaml") for n in found if n.endswith(".yaml")}

    def texts(self, rel: str) -> list[str]:
        """The text of one file here and on every branch that has it."""
        texts = []
        path = self.root / rel
        if path.is_file():
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
        tree, refs = self._git()
        for ref in refs:
            for raw in tree.read(ref, [rel]).values():
                texts.append(raw.decode("utf-8", errors="replace"))
        if refs:  # and every version any branch's history held: ids are never reused
            versions = tree.read_many([(sha, rel) for sha in tree.ever(rel)[1]], MAX_BYTES)
            texts += [raw.decode("utf-8", "replace") for raw in versions if isinstance(raw, bytes)]
        return texts


ATTEMPTS = 20
"""How many times an addition is made again when another process got there first."""


def add(root: Path, census: Census, make: Callable[[Census], Creation]) -> Creation:
    """Make an addition and write it, under the repository's lock: ``make`` counts the ids
    and reads the file it changes inside the lock, and is called again if the file it
    writes was taken or changed meanwhile (only possible unlocked, or by another program)."""
    from psstrat.safefiles import create_exclusively, locked, write_atomically

    with locked(root) as exclusive:
        if not exclusive:
            census.notes.append(
                "the repository could not be locked here (no file locking); run one psstrat "
                "new at a time"
            )
        for _ in range(ATTEMPTS):
            creation = make(census)
            path = root / creation.rel
            if creation.new_file:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise PsstratError(
                        f"cannot create {path.parent}: {exc.strerror}; make it a folder"
                    ) from None
                if create_exclusively(path, creation.text):
                    return creation
            elif _text_of(path) == creation.before:
                write_atomically(path, creation.text)
                return creation
    raise PsstratError(
        f"{creation.rel} kept changing while psstrat new worked on it ({ATTEMPTS} attempts); "
        "try again when nothing else is writing to the repository"
    )


def _text_of(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def checked_id(kind: str, value: str) -> str:
    """``value``, if it is an id of this kind (``ID_PATTERNS``): ids given by the user become
    part of a path (data/strands/<strand>.yaml), so nothing else may get that far."""
    pattern, example = ID_PATTERNS[kind]
    if not re.fullmatch(pattern, value):
        what = {"strand": "strand", "element": "work element"}.get(kind, kind)
        raise ValueError(f"`{value}` is not a {what} id; give one like {example}")
    return value


def next_number(taken: set[int]) -> int:
    return max(taken, default=0) + 1


def _numbers(kind: str, names: set[str]) -> set[int]:
    """The number of each name that is an id of this kind (``ID_PATTERNS``): 4 for R0004."""
    pattern = re.compile(ID_PATTERNS[kind][0])
    return {n for name in names if pattern.fullmatch(name) and (n := _number(name)) is not None}


def _numbers_under(kind: str, parent: str, texts: list[str]) -> set[int]:
    """The number of each id of this kind (``ID_PATTERNS``) nested under ``parent`` that is
    written anywhere in ``texts``: 2 for S4.2 under S4, 3 for S4.2.M3 under S4.2."""
    pattern = re.compile(rf"\b(?:{ID_PATTERNS[kind][0]})\b")
    return {
        n
        for text in texts
        for m in pattern.finditer(text)
        if m.group().rpartition(".")[0] == parent and (n := _number(m.group())) is not None
    }


MAX_DIGITS = 18
"""An id's number longer than this is no id anyone gave (nor one psstrat would): not counted,
so a next id is still found (and text of thousands of digits is never made a number)."""


def _number(item_id: str) -> int | None:
    """The number an id ends in: 4 for R0004, 3 for S4.2.M3; None when it is too long to be
    one (MAX_DIGITS)."""
    digits = re.findall("[0-9]+", item_id)[-1]
    return int(digits) if len(digits) <= MAX_DIGITS else None


# --- the kinds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskDraft:
    """What `psstrat new risk` is told: the risk is assessed at one rating, inherent and
    residual alike, until somebody assesses it again."""

    title: str
    category: str
    owner: str | None
    raised: dt.date
    likelihood: int
    impact: int
    controls: tuple[str, ...] = ()


def new_risk(repo: Repository, census: Census, draft: RiskDraft) -> Creation:
    title, category, owner, raised = draft.title, draft.category, draft.owner, draft.raised
    likelihood, impact = draft.likelihood, draft.impact
    _owner(repo, owner)
    taken = _numbers("risk", census.names("risks"))
    risk_id = f"R{next_number(taken):04d}"  # R9999, then R10000
    values: dict[str, Any] = {
        "id": risk_id,
        "title": title,
        "category": category,
        "owner": owner,
        "raised": raised,
        "inherent": {"likelihood": likelihood, "impact": impact},
        "residual": {"likelihood": likelihood, "impact": impact, "date": raised},
        "controls": [
            {"description": text, "owner": owner, "status": "planned"} for text in draft.controls
        ],
        "review_date": raised + relativedelta(years=1),  # (29 February: the 28th)
    }
    return _new_file(repo, census, f"{DATA}/risks/{risk_id}.yaml", values)


def new_strand(
    repo: Repository, census: Census, title: str, lead: str | None, outcomes: list[str]
) -> Creation:
    _owner(repo, lead)
    known = {o.id for o in repo.strategy.outcomes} if repo.strategy else set()
    for outcome in outcomes:
        if outcome not in known:
            raise PsstratError(_unknown("strategic outcome", outcome, known))
    number = next_number(_numbers("strand", census.names("strands")))
    strand_id = f"S{number}"
    values: dict[str, Any] = {
        "id": strand_id,
        "title": title,
        "lead": lead,
        "outcomes": outcomes,
        "work_elements": [],
    }
    return _new_file(repo, census, f"{DATA}/strands/{strand_id}.yaml", values)


def new_element(
    repo: Repository, census: Census, strand_id: str, title: str, lead: str | None
) -> Creation:
    _owner(repo, lead)
    rel = _strand_file(repo, _checked("strand", strand_id))
    texts = census.texts(rel)
    number = next_number(_numbers_under("element", strand_id, texts))
    element_id = f"{strand_id}.{number}"
    item = {"id": element_id, "title": title, "lead": lead, "status": "not-started"}
    return _append(repo, census, rel, ListPlace((), "work_elements"), item)


def new_milestone(
    repo: Repository, census: Census, element_id: str, title: str, due: dt.date
) -> Creation:
    strand_id = _checked("element", element_id).split(".")[0]
    rel = _strand_file(repo, strand_id)
    data = _current(repo, rel)
    index = next(
        (i for i, e in enumerate(data.get("work_elements") or []) if _id_of(e) == element_id),
        None,
    )
    if index is None:
        elements = [_id_of(e) for e in data.get("work_elements") or []]
        raise PsstratError(_unknown("work element", element_id, [e for e in elements if e]))
    texts = census.texts(rel)
    number = next_number(_numbers_under("milestone", element_id, texts))
    milestone_id = f"{element_id}.M{number}"
    item = {"id": milestone_id, "title": title, "due": due}
    place = ListPlace(("work_elements", index), "milestones")
    return _append(repo, census, rel, place, item)


def new_sia(repo: Repository, census: Census, date: dt.date, title: str) -> Creation:
    sia_id = f"SIA-{date.year}"
    if sia_id in census.names("sia"):
        raise PsstratError(
            f"{sia_id} already exists (here or on a branch); an assessment's id is its year: "
            "add issues to it instead, or give --date in another year"
        )
    values: dict[str, Any] = {"id": sia_id, "title": title, "date": date, "issues": []}
    return _new_file(repo, census, f"{DATA}/sia/{sia_id}.yaml", values)


def new_meeting(
    repo: Repository, census: Census, date: dt.date, title: str | None, report: str | None
) -> Creation:
    rel = f"{DATA}/meetings.yaml"
    item: dict[str, Any] = {"date": date}
    if report:
        item["report"] = report
    if title:
        item["title"] = title
    if not (repo.root / rel).exists():
        return _new_file(repo, census, rel, {"meetings": [item]}, date.isoformat())
    return _append(repo, census, rel, ListPlace((), "meetings"), item)


def new_owner(
    repo: Repository, census: Census, role: str, name: str | None, owner_id: str | None
) -> Creation:
    rel = f"{DATA}/owners.yaml"
    owner_pattern, example = ID_PATTERNS["owner"]
    taken = {
        m.group(1)
        for text in census.texts(rel)
        for m in re.finditer(rf"(?m)^\s*-?\s*id:\s*[\"']?({owner_pattern})", text)
    }
    pattern = re.compile(owner_pattern)
    if owner_id is not None:
        if not pattern.fullmatch(owner_id):
            raise PsstratError(
                f"--id `{owner_id}` is not an owner id: lower case letters, digits and -, "
                f"e.g. {example}"
            )
        if owner_id in taken:
            raise PsstratError(
                f"owner id `{owner_id}` is taken (here or on a branch); choose another"
            )
    else:
        base = re.sub(r"[^a-z0-9]+", "-", role.lower()).strip("-")[:40].strip("-") or "owner"
        owner_id = base
        suffix = 2
        while owner_id in taken:
            owner_id = f"{base}-{suffix}"
            suffix += 1
    item: dict[str, Any] = {"id": owner_id, "role": role}
    if name:
        item["name"] = name
    return _append(repo, census, rel, ListPlace((), "owners"), item)


# --- writing ------------------------------------------------------------------------------


def _new_file(
    repo: Repository,
    census: Census,
    rel: str,
    values: dict[str, Any],
    new_id: str | None = None,
) -> Creation:
    text = document_text(values)
    _check(repo, rel, text)
    return Creation(rel, text, new_id or str(values["id"]), True, census.notes)


def _checked(kind: str, value: str) -> str:
    try:
        return checked_id(kind, value)
    except ValueError as exc:
        raise PsstratError(str(exc)) from None


def _append(
    repo: Repository, census: Census, rel: str, place: ListPlace, item: dict[str, Any]
) -> Creation:
    """Add ``item`` (its id the first value) at the end of a list in the file at ``rel``."""
    before = (repo.root / rel).read_text(encoding="utf-8")
    kind = file_kind(rel)
    assert kind is not None, rel
    model = model_of(kind)
    for step in place.container:
        if isinstance(step, str):
            model = _child(model, step)
    order = list(model.model_fields)
    place = ListPlace(
        place.container,
        place.key,
        tuple(order[order.index(place.key) + 1 :]),
        place.key in SPACED,
    )
    new_id = str(item.get("id") or item["date"])
    try:
        text = append_item(before, place, item)
    except YamlProblem as exc:
        raise PsstratError(
            f"{rel}:{exc.line}:{exc.column}: {exc.message}; fix it before adding to it"
        ) from None
    except CannotAppend as exc:
        raise PsstratError(str(exc)) from None
    _check(repo, rel, text)
    return Creation(rel, text, new_id, False, census.notes, before)


def _child(model: type[BaseModel], name: str) -> type[BaseModel]:
    """The model a list field holds (`work_elements` -> WorkElement)."""
    child = held_model(model, name)
    if child is None:
        raise AssertionError(f"{model.__name__}.{name} holds no model")
    return child


def _check(repo: Repository, rel: str, text: str) -> None:
    """The new text must parse and validate (a failure here is a bug, not the user's)."""
    kind = file_kind(rel)
    assert kind is not None, rel
    model: type[BaseModel] = model_of(kind)
    try:
        doc = parse_yaml(text.encode("utf-8"))
        model.model_validate(doc.data, context=repo.settings.validation_context)
    except (YamlProblem, ValidationError) as exc:
        raise PsstratError(
            f"the new {rel} would not validate ({str(exc).splitlines()[0]})"
        ) from None


# --- checks on what the user gave -----------------------------------------------------------


def _owner(repo: Repository, owner: str | None) -> None:
    if owner is not None and owner not in repo.owners:
        raise PsstratError(_unknown("owner", owner, list(repo.owners)))


def _unknown(what: str, value: str, known: Any) -> str:
    from psstrat.messages import suggest

    listed = ", ".join(sorted(known)) or "none"
    return f"no {what} `{value}`{suggest(value, list(known))}; known: {listed}"


def _strand_file(repo: Repository, strand_id: str) -> str:
    rel = f"{DATA}/strands/{strand_id}.yaml"
    if not (repo.root / rel).is_file():
        known = [s.id for s in repo.strands]
        raise PsstratError(_unknown("strand", strand_id, known))
    return rel


def _current(repo: Repository, rel: str) -> dict[str, Any]:
    try:
        return parse_yaml((repo.root / rel).read_bytes()).data
    except YamlProblem as exc:
        raise PsstratError(
            f"{rel}:{exc.line}:{exc.column}: {exc.message}; fix it before adding to it"
        ) from None


def _id_of(value: Any) -> str | None:
    return value.get("id") if isinstance(value, dict) else None
