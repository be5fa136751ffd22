"""`psstrat new`: a new item with the next free id, added without touching anything else.

The next free id counts every id on every local and remote-tracking branch (read from git
objects, nothing checked out) as well as the working tree, so two pull requests opened on
different branches do not both take R0008. A new risk, strand or SIA is a new file; a work
element, milestone, meeting, owner, or a meeting's paper, decision or action, is appended, as
text, at the end of its list: the file's comments and layout are left exactly as they were
(its CRLF line endings and byte-order mark too), and the item is laid out as `psstrat fmt`
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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ValidationError

from psstrat.errors import PsstratError, Refused
from psstrat.kinds import SPACED
from psstrat.model.common import ID_PATTERNS, held_model
from psstrat.repository import DATA, Repository, file_kind, model_of
from psstrat.rules.duplicate_meeting import body_key
from psstrat.yamlio import (
    MAX_BYTES,
    CannotAppend,
    YamlProblem,
    as_lf,
    document_text,
    item_text,
    like_before,
    parse_yaml,
)

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


def load_for_new(root: Path) -> Repository:
    """The repository as `new` needs it: the strategy, the owners and the meetings, which
    additions are checked against. Strands, risks and SIAs are known by their files' names
    (an addition to one reads that file), so an addition takes the same time in a register
    of ten risks or ten thousand."""
    from psstrat.repository import load_repository
    from psstrat.safefiles import scan
    from psstrat.settings import load_settings
    from psstrat.yamlio import read_bytes

    settings = load_settings(root)
    files, _ = scan(root, DATA, skip=frozenset(f"{DATA}/{k}" for k in ("risks", "strands", "sia")))
    sources: dict[str, bytes | YamlProblem] = {}
    for rel, path in files.items():
        try:
            sources[rel] = read_bytes(path)
        except YamlProblem as exc:
            sources[rel] = exc
        except OSError as exc:
            sources[rel] = YamlProblem(f"cannot read file: {exc.strerror}")
    return load_repository(root, settings, sources)


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
    """The file's text exactly as it is (its line endings and BOM too: `read_text` would
    turn CRLF into LF, and a CRLF file would then never match what the edit was made from)."""
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def checked_id(kind: str, value: str) -> str:
    """``value``, if it is an id of this kind (``ID_PATTERNS``): ids given by the user become
    part of a path (data/strands/<strand>.yaml), so nothing else may get that far (nor a
    name longer than a file system takes)."""
    pattern, example = ID_PATTERNS[kind]
    if len(value) > 64 or not re.fullmatch(pattern, value):
        value = value if len(value) <= 64 else value[:64] + "..."
        what = {"element": "a work element", "sia": "an SIA"}.get(kind, f"a {kind}")
        raise ValueError(f"`{value}` is not {what} id; give one like {example}")
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
    escalated_to: str | None = None
    """The register or body the risk went to (required at or above the escalation threshold)."""
    escalated_on: dt.date | None = None
    """When it went there (default: the day it was raised)."""


def escalation_due(repo: Repository, likelihood: int, impact: int) -> str | None:
    """Why a risk rated so must be escalated the day it is raised, or None: the
    escalation-missing rule refuses a residual score at or above the settings' threshold that
    has no `escalated:`, and `new` never writes a risk that `validate` at once refuses."""
    score, threshold = likelihood * impact, repo.settings.escalation_threshold
    if score < threshold:
        return None
    return f"a score of {score} is at or above the escalation threshold ({threshold})"


def _escalation(repo: Repository, draft: RiskDraft) -> dict[str, Any] | None:
    """The risk's `escalated:` entry, or None; refused when the score needs one and none is
    given, or when it is dated before the risk was raised (the date-order rule)."""
    if draft.escalated_to is None:
        if draft.escalated_on is not None:
            raise PsstratError(
                "--escalated-on is the day of an escalation; give --escalated-to (the register "
                "or body it went to) too, or leave --escalated-on out"
            )
        why = escalation_due(repo, draft.likelihood, draft.impact)
        if why is not None:
            raise PsstratError(
                f"--escalated-to is required: {why}; pass --escalated-to with the register or "
                "body it went to (and --escalated-on if not the day it was raised), or give a "
                "lower --likelihood or --impact"
            )
        return None
    day = draft.escalated_on or draft.raised
    if day < draft.raised:
        raise PsstratError(
            f"--escalated-on {day} is before the risk was raised ({draft.raised}); give the day "
            "it was escalated, on or after --raised"
        )
    return {"to": draft.escalated_to, "date": day}


def new_risk(repo: Repository, census: Census, draft: RiskDraft) -> Creation:
    title, category, owner, raised = draft.title, draft.category, draft.owner, draft.raised
    likelihood, impact = draft.likelihood, draft.impact
    _owner(repo, owner)
    escalated = _escalation(repo, draft)
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
    }
    if escalated is not None:
        values["escalated"] = escalated
    values["review_date"] = raised + relativedelta(years=1)  # (29 February: the 28th)
    return _new_file(repo, census, f"{DATA}/risks/{risk_id}.yaml", values)


@dataclass(frozen=True)
class ControlDraft:
    """What `psstrat new control` is told: the control, who does it, its status from the day
    it was agreed (its first dated status record), and when it should be in place."""

    risk: str
    description: str
    owner: str | None
    on: dt.date
    status: str = "planned"
    due: dt.date | None = None


def new_control(repo: Repository, census: Census, draft: ControlDraft) -> Creation:
    """A control at the end of a risk's `controls:`, with an update recording its status from
    the day it was agreed, so a paper as at a later day shows the status it had then."""
    _owner(repo, draft.owner)
    rel = f"{DATA}/risks/{_checked('risk', draft.risk)}.yaml"
    if not (repo.root / rel).is_file():
        known = [p.stem for p in (repo.root / DATA / "risks").glob("*.yaml")]
        raise PsstratError(_unknown("risk", draft.risk, known))
    data = _current(repo, rel)
    if data.get("status") == "closed":
        raise Refused(f"{draft.risk} is closed; a closed risk takes no new control")
    raised = _day({"date": data.get("raised")})
    if raised is not None and draft.on < raised:
        raise PsstratError(f"--on {draft.on} is before {draft.risk} was raised ({raised})")
    item: dict[str, Any] = {"description": draft.description, "owner": draft.owner}
    item["status"] = draft.status
    if draft.due is not None:
        item["due"] = draft.due
    item["updates"] = [{"date": draft.on, "status": draft.status}]
    number = len(data.get("controls") or []) + 1 if isinstance(data.get("controls"), list) else 1
    creation = _append(repo, census, rel, ListPlace((), "controls"), item)
    return replace(creation, new_id=f"{draft.risk} control {number}")


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


MEETINGS = f"{DATA}/meetings.yaml"


@dataclass(frozen=True)
class MeetingDraft:
    """What `psstrat new meeting` is told."""

    date: dt.date
    title: str | None = None
    report: str | None = None
    committee: str | None = None
    """The body that met, when it is not the file's committee."""


def new_meeting(repo: Repository, census: Census, draft: MeetingDraft) -> Creation:
    """A meeting at the end of data/meetings.yaml; refused when the same body already has a
    meeting that day (papers, decisions and actions find their meeting by its date)."""
    rel, date = MEETINGS, draft.date
    item: dict[str, Any] = {"date": date}
    if draft.committee:
        item["committee"] = draft.committee
    if draft.report:
        item["report"] = _report_value(draft.report)
    if draft.title:
        item["title"] = draft.title
    if not (repo.root / rel).exists():
        # The meeting in block style, as `new paper`, `new decision` and `new action` can
        # then add to it (a flow mapping would have to be rewritten as text).
        text = "meetings:\n" + item_text(item, 2)
        _check(repo, rel, text)
        return Creation(rel, text, date.isoformat(), True, census.notes)
    read = _read(repo, rel)
    data = read.data
    meetings = _meeting_list(data)
    body = draft.committee or _text_or_none(data.get("committee"))
    same = [
        i for i, m in enumerate(meetings) if _day(m) == date and _same_body(_body(data, m), body)
    ]
    if same:
        of = f" of {body}" if body else ""
        raise PsstratError(
            f"{rel} already has a meeting{of} on {date}; add papers, decisions and actions to "
            f"it (psstrat new paper|decision|action --meeting {date}), or give --committee for "
            "another body's meeting"
        )
    return _append(repo, census, read, ListPlace((), "meetings"), item)


# --- a meeting's papers, decisions and actions ----------------------------------------------


@dataclass(frozen=True)
class MeetingPick:
    """Which meeting an addition goes to: its date and, when more than one body met that day,
    the body (a meeting without `committee:` is the file's committee's)."""

    date: dt.date
    committee: str | None = None


@dataclass(frozen=True)
class ActionDraft:
    """What `psstrat new action` is told."""

    meeting: MeetingPick
    text: str
    owner: str
    due: dt.date
    strands: tuple[str, ...] = ()


@dataclass(frozen=True)
class PaperDraft:
    """What `psstrat new paper` is told (``kind`` None: sia with an SIA, strand with strands,
    else strategy)."""

    meeting: MeetingPick
    title: str
    kind: str | None = None
    strands: tuple[str, ...] = ()
    sia: str | None = None
    report: str | None = None
    authors: tuple[str, ...] = ()


def new_action(repo: Repository, census: Census, draft: ActionDraft) -> Creation:
    """An action at the end of a meeting's `actions:`, with the next free A<n>: every action
    id in data/meetings.yaml here, on every branch and in its history is taken."""
    if draft.owner not in repo.owners:
        raise PsstratError(_unknown("owner", draft.owner, list(repo.owners)))
    _strands(repo, draft.strands)
    read = _read(repo, MEETINGS)
    index = _pick(read.data, draft.meeting)
    if draft.due < draft.meeting.date:
        raise PsstratError(
            f"--due {draft.due} is before the meeting that sets the action "
            f"({draft.meeting.date}); give the day it is due"
        )
    number = next_number(_action_numbers(census.texts(MEETINGS)))
    item: dict[str, Any] = {
        "id": f"A{number}",
        "text": draft.text,
        "owner": draft.owner,
        "due": draft.due,
    }
    if draft.strands:
        item["strands"] = list(draft.strands)
    return _append(repo, census, read, ListPlace(("meetings", index), "actions"), item)


def new_decision(
    repo: Repository, census: Census, pick: MeetingPick, text: str, strands: tuple[str, ...]
) -> Creation:
    """A decision at the end of a meeting's `decisions:` (decisions have no id: it is named
    by its place, as `psstrat validate` names it)."""
    _strands(repo, strands)
    read = _read(repo, MEETINGS)
    index = _pick(read.data, pick)
    item: dict[str, Any] = {"text": text}
    if strands:
        item["strands"] = list(strands)
    number = len(_listed(_meeting_list(read.data)[index], "decisions")) + 1
    creation = _append(repo, census, read, ListPlace(("meetings", index), "decisions"), item)
    return replace(creation, new_id=f"decision {number} on {pick.date}")


def new_paper(repo: Repository, census: Census, draft: PaperDraft) -> Creation:
    """A paper at the end of a meeting's `papers:`: a strand paper names its strands, an sia
    paper its SIA, and no two papers of one meeting share a report number."""
    kind = _paper_kind(repo, draft)
    _strands(repo, draft.strands)
    for author in draft.authors:
        if author not in repo.owners:
            raise PsstratError(_unknown("owner", author, list(repo.owners)))
    read = _read(repo, MEETINGS)
    index = _pick(read.data, draft.meeting)
    meeting = _meeting_list(read.data)[index]
    item: dict[str, Any] = {}
    if draft.report is not None:
        used = [meeting.get("report")] + [p.get("report") for p in _listed(meeting, "papers")]
        if draft.report in {_report_text(number) for number in used}:
            raise PsstratError(
                f"the meeting on {draft.meeting.date} already has a paper numbered "
                f"{draft.report}; give another --report, or leave it out"
            )
        item["report"] = _report_value(draft.report)
    item |= {"title": draft.title, "kind": kind}
    if draft.strands:
        item["strands"] = list(draft.strands)
    if draft.sia is not None:
        item["sia"] = draft.sia
    if draft.authors:
        item["authors"] = list(draft.authors)
    creation = _append(repo, census, read, ListPlace(("meetings", index), "papers"), item)
    name = draft.report or repr(draft.title)
    return replace(creation, new_id=f"paper {name} on {draft.meeting.date}")


def _paper_kind(repo: Repository, draft: PaperDraft) -> str:
    """The paper's kind (given, else sia with an SIA, strand with strands, else strategy),
    once it has what that kind needs: a strand paper its strands, an sia paper its SIA."""
    kind = draft.kind or ("sia" if draft.sia else "strand" if draft.strands else "strategy")
    if kind == "strand" and not draft.strands:
        raise PsstratError(
            "a strand paper names the strands it covers; add --strand S1 (repeatable)"
        )
    if draft.sia is not None and kind != "sia":
        raise PsstratError(
            f"--sia is for an sia paper, not a {kind} paper; add --kind sia, or leave --sia out"
        )
    if kind == "sia":
        known = _declared(repo, "sia")
        if draft.sia is None:
            listed = ", ".join(sorted(known)) or "none yet (psstrat new sia adds one)"
            raise PsstratError(
                f"an sia paper names the SIA it presents; add --sia (known: {listed})"
            )
        if draft.sia not in known:
            raise PsstratError(_unknown("SIA", draft.sia, known))
    return kind


_ACTION_ID = re.compile(
    rf"""(?:^|[\s{{,-])["']?id["']?[ \t]*:[ \t]*["']?({ID_PATTERNS["action"][0]})["']?"""
    r"(?=[\s,}#]|$)",
    re.MULTILINE,
)
"""An action's `id:` as written, in block or flow style (action ids are given only to
actions, all in data/meetings.yaml; `A4` in a text is not one)."""


def _action_numbers(texts: list[str]) -> set[int]:
    return {
        n for text in texts for m in _ACTION_ID.finditer(text) if (n := _number(m[1])) is not None
    }


def _pick(data: dict[str, Any], pick: MeetingPick) -> int:
    """The index in `meetings:` of the one meeting ``pick`` names; refused, with the meetings
    there are, when it names none or more than one."""
    meetings = _meeting_list(data)
    on_day = [i for i, m in enumerate(meetings) if _day(m) == pick.date]
    if not on_day:
        days = {d.isoformat() for m in meetings if (d := _day(m)) is not None}
        raise PsstratError(
            _unknown("meeting on", pick.date.isoformat(), days)
            + f"; add it first (psstrat new meeting --date {pick.date})"
        )
    if pick.committee is not None:
        chosen = [i for i in on_day if _same_body(_body(data, meetings[i]), pick.committee)]
        if not chosen:
            that_day = "; ".join(_label(_body(data, meetings[i])) for i in on_day)
            raise PsstratError(
                f"no meeting of `{pick.committee}` on {pick.date}; that day: {that_day}; give "
                "--committee as one of them"
            )
    else:
        chosen = on_day
    if len(chosen) > 1:
        bodies = [_body(data, meetings[i]) for i in chosen]
        if pick.committee is None and len({_folded(b) for b in bodies}) == len(bodies):
            listed = "; ".join(_label(b) for b in bodies)
            raise PsstratError(
                f"{len(chosen)} meetings on {pick.date} ({listed}); say which with --committee"
            )
        raise PsstratError(
            f"{MEETINGS} has {len(chosen)} meetings of {_label(bodies[0])} on {pick.date}; "
            "make them one meeting (or tell them apart with `committee:`) before adding to it"
        )
    return chosen[0]


@dataclass(frozen=True)
class Read:
    """A file as read once: what is added to is what was looked at."""

    rel: str
    text: str
    """Exactly as on disk: a BOM and CRLF line endings are kept (``_append`` restores them)."""
    data: dict[str, Any]


def _read(repo: Repository, rel: str) -> Read:
    path = repo.root / rel
    if not path.is_file():
        raise PsstratError(f"there is no {rel}; add a meeting first (psstrat new meeting)")
    raw = path.read_bytes()
    try:
        data = parse_yaml(raw).data
    except YamlProblem as exc:
        raise PsstratError(
            f"{rel}:{exc.line}:{exc.column}: {exc.message}; fix it before adding to it"
        ) from None
    return Read(rel, raw.decode("utf-8"), data)


def _meeting_list(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The meetings (what is not a mapping is left for validate, and never picked)."""
    meetings = data.get("meetings")
    if not isinstance(meetings, list):
        return []
    return [m if isinstance(m, dict) else {} for m in meetings]


def _listed(mapping: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = mapping.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _day(meeting: dict[str, Any]) -> dt.date | None:
    from psstrat.edits import dated

    return dated(meeting.get("date"))


def _body(data: dict[str, Any], meeting: dict[str, Any]) -> str | None:
    """The body that met: the meeting's `committee`, else the file's."""
    return _text_or_none(meeting.get("committee")) or _text_or_none(data.get("committee"))


def _text_or_none(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _folded(body: str | None) -> str | None:
    """Two names of one body fold alike: the duplicate-meeting rule's key, so `new` and
    `validate` agree on which meetings are the same body's."""
    return body_key(body)


def _same_body(one: str | None, other: str | None) -> bool:
    return _folded(one) == _folded(other)


def _label(body: str | None) -> str:
    return f"`{body}`" if body else "no committee named"


def _report_text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    return str(value).strip() if isinstance(value, int | str) else None


def _report_value(report: str) -> int | str:
    """A report number as the files write it: 7, not "7" (text such as 7a or 07 stays text)."""
    return int(report) if report.isdigit() and str(int(report)) == report else report


def _declared(repo: Repository, kind: str) -> set[str]:
    """The strands or SIAs the repository has: the names of their files (each file is named
    after its id, which `validate` checks), so `new` need not read them all."""
    folder = {"strand": "strands", "sia": "sia"}[kind]
    pattern = re.compile(ID_PATTERNS[kind][0])
    here = repo.root / DATA / folder
    names = (p.stem for p in here.glob("*.yaml")) if here.is_dir() else ()
    return {name for name in names if pattern.fullmatch(name)}


def _strands(repo: Repository, strands: tuple[str, ...]) -> None:
    known = _declared(repo, "strand")
    for strand_id in strands:
        if strand_id not in known:
            raise PsstratError(_unknown("strand", strand_id, known))


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
        base = owner_id_from(role)
        owner_id = base
        suffix = 2
        while owner_id in taken:
            owner_id = f"{base}-{suffix}"
            suffix += 1
    item: dict[str, Any] = {"id": owner_id, "role": role}
    if name:
        item["name"] = name
    return _append(repo, census, rel, ListPlace((), "owners"), item)


OWNER_ID_LENGTH = 40
"""The longest id `new owner` makes from a role: long enough to read, short enough to type
(the owner id pattern itself sets no limit, so a `-2` after it is still an id)."""


def owner_id_from(role: str) -> str:
    """An owner id made from the role: its words, lower case, joined by -, cut after the last
    whole word that fits in OWNER_ID_LENGTH (a single longer word is cut there): an id cut
    mid-word (`...-head-of-p`) reads as a typo in every file that names it."""
    words = re.sub(r"[^a-z0-9]+", "-", role.lower()).strip("-")
    if len(words) <= OWNER_ID_LENGTH:
        return words or "owner"
    fits = words[: OWNER_ID_LENGTH + 1].rfind("-")  # a - just after the limit ends a word too
    return words[:fits] if fits > 0 else words[:OWNER_ID_LENGTH]


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
    return Creation(
        rel, _with_modeline(repo, rel, text), new_id or str(values["id"]), True, census.notes
    )


def _with_modeline(repo: Repository, rel: str, text: str) -> str:
    """A new file's text, with the modeline that gives editors its schema first when the
    repository keeps its schemas (`psstrat init` writes them, and a modeline in every file)."""
    from psstrat.schemas import FOLDER, modeline

    line = modeline(rel)
    if line is None or not (repo.root / FOLDER).is_dir():
        return text
    return line + text


def _checked(kind: str, value: str) -> str:
    try:
        return checked_id(kind, value)
    except ValueError as exc:
        raise PsstratError(str(exc)) from None


def _append(
    repo: Repository, census: Census, file: str | Read, place: ListPlace, item: dict[str, Any]
) -> Creation:
    """Add ``item`` (its id, else its date, the first value) at the end of a list in the file
    at ``file`` (a path from the root, or the file as the caller read it)."""
    if isinstance(file, Read):
        rel, before = file.rel, file.text
    else:
        rel, before = file, _exact_text(repo, file)
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
    new_id = str(item.get("id") or item.get("date") or "")  # a caller may name it otherwise
    try:
        text = like_before(before, append_item(as_lf(before), place, item))
    except YamlProblem as exc:
        raise PsstratError(
            f"{rel}:{exc.line}:{exc.column}: {exc.message}; fix it before adding to it"
        ) from None
    except CannotAppend as exc:
        raise PsstratError(str(exc)) from None
    _check(repo, rel, text)
    return Creation(rel, text, new_id, False, census.notes, before)


def _exact_text(repo: Repository, rel: str) -> str:
    """The file's text exactly as on disk (``add`` compares it so); one line if it cannot be."""
    try:
        return (repo.root / rel).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise PsstratError(
            f"there is no {rel}; create it first (psstrat init writes one)"
        ) from None
    except OSError as exc:
        raise PsstratError(f"cannot read {rel}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise PsstratError(f"{rel} is not UTF-8; save it as UTF-8 before adding to it") from None


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
        known = _declared(repo, "strand")
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
