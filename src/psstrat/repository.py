"""Load a whole strategy repository into typed items, an id index and load-time problems.

Loading never stops at the first bad file: a file that cannot be parsed or validated yields
its problems and is left out of the typed items, but the ids it declares are still indexed
from the raw data, so references to them from other files do not become false alarms.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from psstrat.codes import UNREADABLE, Code
from psstrat.diagnostics import Finding, Location
from psstrat.errors import PsstratError
from psstrat.model.common import natural_key
from psstrat.model.risk import Risk
from psstrat.model.sia import Sia, SiaIssue
from psstrat.model.strand import Milestone, Strand, WorkElement
from psstrat.model.strategy import MeetingsFile, Owner, OwnersFile, Strategy
from psstrat.safefiles import scan
from psstrat.settings import SETTINGS_FILE, Settings, load_settings
from psstrat.yamlio import (
    MAX_BYTES,
    Document,
    Positions,
    UnsafeText,
    YamlPath,
    YamlProblem,
    parse_yaml,
    read_yaml,
)

DATA = "data"
SINGLE_FILES: dict[str, type[BaseModel]] = {
    "strategy.yaml": Strategy,
    "owners.yaml": OwnersFile,
    "meetings.yaml": MeetingsFile,
}
REQUIRED_FILES = ("strategy.yaml", "owners.yaml")
FOLDERS: dict[str, type[BaseModel]] = {"strands": Strand, "risks": Risk, "sia": Sia}
MAX_SCHEMA_PROBLEMS = 50
"""Listed per file; a file that is wrong throughout needs fixing, not 150,000 lines."""


def find_root(start: Path) -> Path:
    """The nearest directory from ``start`` upwards holding psstrat.yaml or data/strategy.yaml."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / SETTINGS_FILE).is_file() or (candidate / DATA / "strategy.yaml").is_file():
            return candidate
    raise PsstratError(
        f"no strategy repository found at or above {start} (looked for {SETTINGS_FILE} or "
        f"{DATA}/strategy.yaml); run psstrat inside one or pass --root DIR"
    )


@dataclass(frozen=True)
class Declared:
    """An id declared somewhere: what kind of item, in which file, at which YAML path."""

    kind: str
    id: str
    path: str
    yaml_path: YamlPath


@dataclass
class Repository:
    root: Path
    settings: Settings
    strategy: Strategy | None = None
    owners: dict[str, Owner] = field(default_factory=dict)
    meetings: MeetingsFile | None = None
    strands: list[Strand] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    sias: list[Sia] = field(default_factory=list)
    files_read: int = 0
    load_findings: list[tuple[Code, Finding]] = field(default_factory=list)
    declared: list[Declared] = field(default_factory=list)
    positions: dict[str, Positions] = field(default_factory=dict)
    item_paths: dict[int, tuple[str, YamlPath]] = field(default_factory=dict)
    unsafe_text: list[tuple[str, UnsafeText]] = field(default_factory=list)
    """(file, key or value) holding control, separator or bidi characters, for the
    control-character rule."""
    _shared_paths: dict[YamlPath, YamlPath] = field(default_factory=dict, repr=False)
    _unplaced: dict[str, Path | bytes] = field(default_factory=dict, repr=False)
    """Files loaded without their positions: read again if a problem in one is reported."""

    # -- positions -------------------------------------------------------------------------

    def where(self, item: BaseModel, *fields: str | int, key: bool = False) -> Location:
        """Location of ``item`` (a loaded model) or of a field path inside it."""
        path, yaml_path = self.item_paths[id(item)]
        full = yaml_path + fields
        positions = self.positions_of(path)
        line, column = positions.key(full) if key else positions.value(full)
        return Location(path, line, column)

    def positions_of(self, rel: str) -> Positions:
        """Where everything in a loaded file is (in a repository loaded without positions,
        the file is read again, once, the first time it is asked for)."""
        positions = self.positions.get(rel)
        if positions is None:
            source = self._unplaced.pop(rel, None)
            doc = _parse(source, positions=True) if source is not None else None
            positions = doc.positions if isinstance(doc, Document) else Positions()
            self.positions[rel] = positions
        return positions

    # -- lookups -----------------------------------------------------------------------------

    def elements(self) -> Iterator[tuple[Strand, WorkElement]]:
        for strand in self.strands:
            for element in strand.work_elements:
                yield strand, element

    def milestones(self) -> Iterator[tuple[Strand, WorkElement, Milestone]]:
        for strand, element in self.elements():
            for milestone in element.milestones:
                yield strand, element, milestone

    def require_strand(self, strand_id: str) -> Strand:
        """The strand with this id, or a PsstratError naming the nearest and the known ones."""
        for strand in self.strands:
            if strand.id == strand_id:
                return strand
        from psstrat.messages import suggest

        known = [s.id for s in self.strands]
        raise PsstratError(
            f"--strand {strand_id} is not a strand{suggest(strand_id, known)}; "
            f"strands are {', '.join(known) or 'none'}"
        )

    def unreadable_files(self) -> set[str]:
        """Files left out: they do not parse, or not as the format's model."""
        return {f.location.path for code, f in self.load_findings if code in UNREADABLE}

    def owner_label(self, owner_id: str | None) -> str:
        """An owner as people know them: the role, or 'vacant'."""
        if owner_id is None:
            return "vacant"
        owner = self.owners.get(owner_id)
        return owner.label if owner else f"{owner_id} (not in owners.yaml)"


def load_repository(
    root: Path,
    settings: Settings | None = None,
    sources: dict[str, bytes] | None = None,
    *,
    positions: bool = True,
) -> Repository:
    """The repository at ``root`` with its psstrat.yaml (or ``settings``), or, given
    ``sources`` (relative path -> bytes, e.g. read from a git commit), the repository those
    files make: the same checks either way. The one loader; everything else calls it.

    Without ``positions``, where things are is worked out only for the files a problem is
    reported in (when it is asked for): for commands that report few problems, if any."""
    if settings is None:
        settings = load_settings(root)
    repo = Repository(root=root, settings=settings)
    files: dict[str, Path | bytes]
    if sources is None:
        found, unsafe = scan(root, DATA)
        files = dict(found)
    else:
        files, unsafe = dict(sources), []
    repo.load_findings.extend((Code.UNSAFE_PATH, f) for f in unsafe)
    unsafe_paths = {f.location.path for f in unsafe}
    for name in REQUIRED_FILES if sources is None else ():
        rel = f"{DATA}/{name}"
        if rel not in files and rel not in unsafe_paths:
            repo.load_findings.append(
                (
                    Code.SCHEMA,
                    Finding(
                        Location(rel),
                        f"required file {rel} is missing",
                        f"create it (`psstrat explain {name.removesuffix('.yaml')}` says "
                        "what it holds)",
                    ),
                )
            )
    expected = []
    for rel, kind in _data_files(root, files):
        if kind is None:
            repo.load_findings.append((Code.UNEXPECTED_FILE, _unexpected(rel)))
        else:
            expected.append((rel, kind))
    with _no_garbage_collection():
        parsed = _parse_all([files[rel] for rel, _ in expected], positions)
        for (rel, kind), doc in zip(expected, parsed, strict=True):
            if not positions:
                repo._unplaced[rel] = files[rel]
            _load_file(repo, rel, kind, doc)
    repo._shared_paths.clear()
    repo.strands.sort(key=lambda s: natural_key(s.id))
    repo.risks.sort(key=lambda r: natural_key(r.id))
    repo.sias.sort(key=lambda s: natural_key(s.id))
    return repo


@contextlib.contextmanager
def _no_garbage_collection() -> Iterator[None]:
    """Loading makes a million small containers and no reference cycles: the cyclic
    collector would walk them again and again for nothing (measured: 7% of validate)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _data_files(
    root: Path, files: dict[str, Path] | dict[str, Path | bytes]
) -> Iterator[tuple[str, str | None]]:
    """Every file found under data/, sorted, with the kind it should hold (None: unexpected)."""
    for rel in sorted(files):
        if rel.endswith(".md"):
            continue  # documentation beside the data
        yield rel, file_kind(rel)


def file_kind(rel: str) -> str | None:
    """The kind of file a path under data/ should hold (`strands`, `strategy.yaml`, ...), or
    None when it is not part of the format."""
    parts = rel.split("/")
    if parts[0] != DATA:
        return None
    if (len(parts) == 2 and parts[1] in SINGLE_FILES) or (
        len(parts) == 3 and parts[1] in FOLDERS and parts[2].endswith(".yaml")
    ):
        return parts[1]
    return None


def model_of(kind: str) -> type[BaseModel]:
    """The model of a kind of file, as ``file_kind`` names it."""
    return SINGLE_FILES.get(kind) or FOLDERS[kind]


def _unexpected(rel: str) -> Finding:
    parts = rel.split("/")
    if rel.endswith(".yml"):
        remedy = "rename it to end in .yaml"
    elif len(parts) == 3 and parts[1] in FOLDERS:
        remedy = f"only <id>.yaml files belong in {DATA}/{parts[1]}/; move or delete it"
    else:
        remedy = (
            f"{DATA}/ holds strategy.yaml, owners.yaml, meetings.yaml and the folders "
            "strands/, risks/ and sia/; move or delete it"
        )
    return Finding(Location(rel), f"file {rel} is not part of the format and is not read", remedy)


PARALLEL_FROM = 400
"""From this many files, files are parsed on every core (forked worker processes, on Linux):
a register of 10,000 risks spends most of its time in the YAML parser. (Validation stays in
this process: sending models back costs more than validating them here.)"""


def _parse(source: Path | bytes, positions: bool = True) -> Document | Finding:
    """A file's document, or why it cannot be read (a Finding at line 0 or the error)."""
    try:
        if isinstance(source, Path):
            return read_yaml(source, positions=positions)
        return parse_yaml(_limited(source), positions=positions)
    except YamlProblem as exc:
        return Finding(Location("", exc.line, exc.column), exc.message, exc.help)
    except OSError as exc:
        return Finding(Location(""), f"cannot read file: {exc.strerror}", "check its permissions")


def _parse_all(sources: list[Path | bytes], positions: bool) -> Iterator[Document | Finding]:
    """Each source parsed, in order: in worker processes when there are many and more than
    one core; the values are the same either way."""
    parse = _parse if positions else _parse_unplaced
    cores = os.cpu_count() or 1
    if len(sources) < PARALLEL_FROM or cores < 2 or sys.platform != "linux":
        yield from map(parse, sources)
        return
    from psstrat.parallel import ordered_map  # workers that die with psstrat (SIGTERM too)

    yield from ordered_map(parse, sources, workers=min(cores, 4), chunksize=256)


def _parse_unplaced(source: Path | bytes) -> Document | Finding:
    return _parse(source, positions=False)


def _load_file(repo: Repository, rel: str, kind: str, doc: Document | Finding) -> None:
    repo.files_read += 1
    if isinstance(doc, Finding):
        where = Location(rel, doc.location.line, doc.location.column)
        repo.load_findings.append((Code.YAML_SYNTAX, Finding(where, doc.message, doc.help)))
        return
    if rel not in repo._unplaced:
        repo.positions[rel] = doc.positions
    repo.unsafe_text.extend((rel, u) for u in doc.unsafe_text)
    repo.declared.extend(_declarations(rel, kind, doc.data))
    model = model_of(kind)
    try:
        item = model.model_validate(doc.data, context=repo.settings.validation_context)
    except ValidationError as exc:
        placed = Document(doc.data, repo.positions_of(rel), doc.unsafe_text)
        repo.load_findings.extend(_schema_findings(rel, exc, model, placed))
        return
    _register(repo, rel, item)


def _schema_findings(
    rel: str, exc: ValidationError, model: type[BaseModel], doc: Document
) -> list[tuple[Code, Finding]]:
    from psstrat.messages import schema_problems

    problems = list(schema_problems(exc, model, doc.data, doc.positions))
    findings = [
        (Code.SCHEMA, Finding(Location(rel, p.line, p.column), p.message, p.help))
        for p in problems[:MAX_SCHEMA_PROBLEMS]
    ]
    if len(problems) > MAX_SCHEMA_PROBLEMS:
        rest = len(problems) - MAX_SCHEMA_PROBLEMS
        findings.append(
            (
                Code.SCHEMA,
                Finding(
                    Location(rel, 1, 1),
                    f"and {rest} more schema problem(s) in this file, not listed",
                    "fix the problems listed; the rest will show on the next run",
                ),
            )
        )
    return findings


def _limited(raw: bytes) -> bytes:
    if len(raw) > MAX_BYTES:
        raise YamlProblem(
            f"file is larger than {MAX_BYTES // 1024} KiB",
            help="split it into smaller files; no strategy file needs to be this large",
        )
    return raw


def _register(repo: Repository, rel: str, item: BaseModel) -> None:
    """Add a loaded file's item to the repository, and note the YAML path of every item in it
    that rules point at (``Repository.where``)."""
    repo.item_paths[id(item)] = (rel, ())
    shared = repo._shared_paths
    for yaml_path, inner in _inner_items(item):
        # Most files repeat the same paths (`residual`, `history.0`): one tuple serves all.
        repo.item_paths[id(inner)] = (rel, shared.setdefault(yaml_path, yaml_path))
    if isinstance(item, Strategy):
        repo.strategy = item
    elif isinstance(item, OwnersFile):
        for owner in item.owners:
            repo.owners.setdefault(owner.id, owner)
    elif isinstance(item, MeetingsFile):
        repo.meetings = item
    elif isinstance(item, Strand):
        repo.strands.append(item)
    elif isinstance(item, Risk):
        repo.risks.append(item)
    elif isinstance(item, Sia):
        repo.sias.append(item)


_INNER: dict[type[BaseModel], tuple[str, ...]] = {
    Strategy: ("outcomes",),
    OwnersFile: ("owners",),
    MeetingsFile: ("meetings",),
    Strand: ("work_elements",),
    WorkElement: ("milestones", "updates"),
    Risk: ("history",),
    Sia: ("issues",),
    SiaIssue: ("recommendations", "progress"),
}
"""The lists of items inside each kind of item."""


def _inner_items(item: BaseModel, at: YamlPath = ()) -> Iterator[tuple[YamlPath, BaseModel]]:
    """Every item inside ``item`` with its YAML path (a risk's residual assessment too)."""
    if isinstance(item, Risk):
        yield (*at, "residual"), item.residual
    for name in _INNER.get(type(item), ()):
        for i, inner in enumerate(getattr(item, name)):
            yield (*at, name, i), inner
            yield from _inner_items(inner, (*at, name, i))


# Where ids are declared in each kind of file: (kind of id, path pattern), "*" = every item.
_DECLARES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "strategy.yaml": [("strategy", ()), ("outcome", ("outcomes", "*"))],
    "owners.yaml": [("owner", ("owners", "*"))],
    "meetings.yaml": [],
    "strands": [
        ("strand", ()),
        ("element", ("work_elements", "*")),
        ("milestone", ("work_elements", "*", "milestones", "*")),
    ],
    "risks": [("risk", ())],
    "sia": [("sia", ()), ("sia-issue", ("issues", "*"))],
}


def _declarations(rel: str, kind: str, data: dict[str, Any]) -> Iterator[Declared]:
    """The ids in raw data, tolerating any shape, so valid references still resolve."""
    for id_kind, pattern in _DECLARES[kind]:
        for yaml_path, node in _walk(data, pattern, ()):
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                yield Declared(id_kind, node["id"], rel, (*yaml_path, "id"))


def _walk(node: Any, pattern: tuple[str, ...], at: YamlPath) -> Iterator[tuple[YamlPath, Any]]:
    if not pattern:
        yield at, node
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(node, list):
            for i, child in enumerate(node):
                yield from _walk(child, rest, (*at, i))
    elif isinstance(node, dict) and head in node:
        yield from _walk(node[head], rest, (*at, head))
