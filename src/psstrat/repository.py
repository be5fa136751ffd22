"""Load a whole strategy repository into typed items, an id index and load-time problems.

Loading never stops at the first bad file: a file that cannot be parsed or validated yields
its problems and is left out of the typed items, but the ids it declares are still indexed
from the raw data, so references to them from other files do not become false alarms.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from psstrat import kinds
from psstrat.codes import UNREADABLE, Code
from psstrat.diagnostics import Finding, Location
from psstrat.errors import NoRepository, PsstratError
from psstrat.kinds import DATA, KINDS, Kind, Part, kind_of
from psstrat.model.common import natural_key
from psstrat.model.risk import Risk
from psstrat.model.sia import Sia
from psstrat.model.strand import Milestone, Strand, WorkElement
from psstrat.model.strategy import MeetingsFile, Owner, OwnersFile, Strategy
from psstrat.progress import stage
from psstrat.records import NOT_RECORDED_LEAD
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
    too_large,
)

__all__ = ["DATA", "Declared", "Repository", "file_kind", "find_root", "load_repository"]

SINGLE_FILES: dict[str, type[BaseModel]] = {k.file: k.model for k in KINDS if k.folder is None}
REQUIRED_FILES = tuple(k.file for k in KINDS if k.required)
FOLDERS: dict[str, type[BaseModel]] = {k.file: k.model for k in KINDS if k.folder is not None}
Source = Path | bytes | YamlProblem
"""A file to load: its path on disk, its bytes (from git), or why it could not be read."""
MAX_SCHEMA_PROBLEMS = 50
"""Listed per file; a file that is wrong throughout needs fixing, not 150,000 lines."""


def find_root(start: Path) -> Path:
    """The nearest directory from ``start`` upwards holding psstrat.yaml or data/strategy.yaml."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / SETTINGS_FILE).is_file() or (candidate / DATA / "strategy.yaml").is_file():
            return candidate
    raise NoRepository(
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
    """Every file that loaded (``files``, by path from the root) and the typed indexes built
    from them (``index``): the strategy, owners by id, meetings, strands, risks and SIAs."""

    root: Path
    settings: Settings
    files: dict[str, BaseModel] = field(default_factory=dict)
    """Each file that loaded, by path from the root: the item it holds (the registry in
    psstrat.kinds says which kind by the path)."""
    session: str | None = None
    """The session whose view this is (psstrat.marking.restrict), None for the whole
    repository."""
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
    _unplaced: dict[str, Source] = field(default_factory=dict, repr=False)
    """Files loaded without their positions: read again if a problem in one is reported."""
    unvalidated: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    """The data of each file that parses but does not validate: a session's gate may remove
    what is withheld from it and validate the rest (psstrat.marking), so that a problem inside
    a withheld item does not withhold the whole file."""

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

    def not_loaded(self) -> set[str]:
        """Files under data/ that are there, or required, but did not load: they do not
        parse, do not validate, are not read (a link, a FIFO), are not part of the format, or
        are missing."""
        return {f.location.path for _, f in self.load_findings} - set(self.files)

    def unreadable_files(self) -> set[str]:
        """Files left out: they do not parse, or not as the format's model."""
        return {f.location.path for code, f in self.load_findings if code in UNREADABLE}

    def owner_label(self, owner_id: str | None) -> str:
        """An owner as people know them: the role, or 'vacant'. In a session's view an owner
        it does not know may be withheld from it, or may not exist: it says neither, and does
        not print the id (an owner's id is often made from a name or a role)."""
        if owner_id is None:
            return "vacant"
        if owner_id == NOT_RECORDED_LEAD:  # as at a day before the first dated record
            return "not recorded"
        owner = self.owners.get(owner_id)
        if owner is not None:
            return owner.label
        if self.session is not None:  # the id itself may name a withheld owner
            return f"not named in the {self.session} session"
        return f"{owner_id} (not in owners.yaml)"

    def index(self) -> None:
        """Build the typed indexes from ``files``, in path order: what the loader and the
        marking gate both do, so a view holds exactly what its files hold."""
        self.strategy, self.owners, self.meetings = None, {}, None
        self.strands, self.risks, self.sias = [], [], []
        for rel in sorted(self.files):
            kind = kind_of(rel)
            if kind is not None:
                _add(self, kind, self.files[rel])
        self.strands.sort(key=lambda s: natural_key(s.id))
        self.risks.sort(key=lambda r: natural_key(r.id))
        self.sias.sort(key=lambda s: natural_key(s.id))


def _add(repo: Repository, kind: Kind, item: BaseModel) -> None:
    """One file's item into the index its kind fills."""
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
    else:  # a kind registered without an index: a bug, caught by tests/test_kinds.py
        raise TypeError(f"no index for {kind.key} files")


def load_repository(
    root: Path,
    settings: Settings | None = None,
    sources: dict[str, bytes | YamlProblem] | None = None,
    *,
    positions: bool = True,
) -> Repository:
    """The repository at ``root`` with its psstrat.yaml (or ``settings``), or, given
    ``sources`` (relative path -> bytes, e.g. read from a git commit, or the YamlProblem that
    kept a file from being read), the repository those
    files make: the same checks either way. The one loader; everything else calls it.

    Without ``positions``, where things are is worked out only for the files a problem is
    reported in (when it is asked for): for commands that report few problems, if any."""
    if settings is None:
        settings = load_settings(root)
    repo = Repository(root=root, settings=settings)
    files: dict[str, Source]
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
    with _no_garbage_collection(), stage("Reading the data files", len(expected)) as done:
        parsed = _parse_all([files[rel] for rel, _ in expected], positions)
        for n, ((rel, kind), doc) in enumerate(zip(expected, parsed, strict=True), 1):
            if not positions:
                repo._unplaced[rel] = files[rel]
            _load_file(repo, rel, kind, doc)
            done(n)
    repo._shared_paths.clear()
    repo.index()
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
    root: Path, files: dict[str, Path] | dict[str, Source]
) -> Iterator[tuple[str, Kind | None]]:
    """Every file found under data/, sorted, with the kind it should hold (None: unexpected)."""
    for rel in sorted(files):
        if rel.endswith(".md"):
            continue  # documentation beside the data
        yield rel, kind_of(rel)


def file_kind(rel: str) -> str | None:
    """The kind of file a path under data/ should hold, by its file or folder name
    (`strands`, `strategy.yaml`, ...), or None when it is not part of the format."""
    kind = kind_of(rel)
    return kind.file if kind is not None else None


def model_of(kind: str) -> type[BaseModel]:
    """The model of a kind of file, as ``file_kind`` names it."""
    return kinds.BY_FILE[kind].model


def _unexpected(rel: str) -> Finding:
    parts = rel.split("/")
    if rel.endswith(".yml"):
        remedy = "rename it to end in .yaml"
    elif len(parts) == 3 and parts[1] in FOLDERS:
        remedy = f"only <id>.yaml files belong in {DATA}/{parts[1]}/; move or delete it"
    else:
        files = " and ".join(", ".join(SINGLE_FILES).rsplit(", ", 1))
        folders = " and ".join(", ".join(f"{f}/" for f in FOLDERS).rsplit(", ", 1))
        remedy = f"{DATA}/ holds {files} and the folders {folders}; move or delete it"
    return Finding(Location(rel), f"file {rel} is not part of the format and is not read", remedy)


PARALLEL_FROM = 400
"""From this many files, files are parsed on every core (forked worker processes, on Linux):
a register of 10,000 risks spends most of its time in the YAML parser. (Validation stays in
this process: sending models back costs more than validating them here.)"""


def _parse(source: Source, positions: bool = True) -> Document | Finding:
    """A file's document, or why it cannot be read (a Finding at line 0 or the error)."""
    try:
        if isinstance(source, YamlProblem):
            raise source
        if isinstance(source, Path):
            return read_yaml(source, positions=positions)
        return parse_yaml(_limited(source), positions=positions)
    except YamlProblem as exc:
        return Finding(Location("", exc.line, exc.column), exc.message, exc.help)
    except OSError as exc:
        return Finding(Location(""), f"cannot read file: {exc.strerror}", "check its permissions")


def _parse_all(sources: list[Source], positions: bool) -> Iterator[Document | Finding]:
    """Each source parsed, in order: in worker processes when there are many and more than
    one core; the values are the same either way."""
    parse = _parse if positions else _parse_unplaced
    cores = os.cpu_count() or 1
    if len(sources) < PARALLEL_FROM or cores < 2 or sys.platform != "linux":
        yield from map(parse, sources)
        return
    from psstrat.parallel import ordered_map  # workers that die with psstrat (SIGTERM too)

    yield from ordered_map(parse, sources, workers=min(cores, 4), chunksize=256)


def _parse_unplaced(source: Source) -> Document | Finding:
    return _parse(source, positions=False)


def _load_file(repo: Repository, rel: str, kind: Kind, doc: Document | Finding) -> None:
    repo.files_read += 1
    if isinstance(doc, Finding):
        where = Location(rel, doc.location.line, doc.location.column)
        repo.load_findings.append((Code.YAML_SYNTAX, Finding(where, doc.message, doc.help)))
        return
    if rel not in repo._unplaced:
        repo.positions[rel] = doc.positions
    repo.unsafe_text.extend((rel, u) for u in doc.unsafe_text)
    repo.declared.extend(_declarations(rel, kind, doc.data))
    model = kind.model
    try:
        item = model.model_validate(doc.data, context=repo.settings.validation_context)
    except ValidationError as exc:
        placed = Document(doc.data, repo.positions_of(rel), doc.unsafe_text)
        repo.load_findings.extend(_schema_findings(rel, exc, model, placed))
        repo.unvalidated[rel] = doc.data
        return
    _register(repo, rel, kind, item)


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
        raise too_large()
    return raw


def _register(repo: Repository, rel: str, kind: Kind, item: BaseModel) -> None:
    """Keep a loaded file's item, and note the YAML path of every item in it that rules
    point at (``Repository.where``)."""
    repo.files[rel] = item
    repo.item_paths[id(item)] = (rel, ())
    shared = repo._shared_paths
    for yaml_path, inner in inner_items(item, kind.parts):
        # Most files repeat the same paths (`residual`, `history.0`): one tuple serves all.
        repo.item_paths[id(inner)] = (rel, shared.setdefault(yaml_path, yaml_path))


def inner_items(
    item: BaseModel, parts: tuple[Part, ...], at: YamlPath = ()
) -> Iterator[tuple[YamlPath, BaseModel]]:
    """Every item inside ``item`` that the registry names (psstrat.kinds), with its YAML
    path."""
    for part in parts:
        value = getattr(item, part.field)
        if not part.many:
            if value is not None:
                yield (*at, part.field), value
                yield from inner_items(value, part.parts, (*at, part.field))
            continue
        for i, inner in enumerate(value):
            yield (*at, part.field, i), inner
            yield from inner_items(inner, part.parts, (*at, part.field, i))


def _declarations(rel: str, kind: Kind, data: dict[str, Any]) -> Iterator[Declared]:
    """The ids in raw data, tolerating any shape, so valid references still resolve."""
    for id_kind, pattern in _declares(kind):
        for yaml_path, node in _walk(data, pattern, ()):
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                yield Declared(id_kind, node["id"], rel, (*yaml_path, "id"))


@functools.cache
def _declares(kind: Kind) -> list[tuple[str, tuple[str, ...]]]:
    """Where a kind of file declares ids: (kind of id, path pattern), `*` every list item."""
    found: list[tuple[str, tuple[str, ...]]] = [(kind.declares, ())] if kind.declares else []

    def visit(parts: tuple[Part, ...], at: tuple[str, ...]) -> None:
        for part in parts:
            here = (*at, part.field, "*") if part.many else (*at, part.field)
            if part.declares:
                found.append((part.declares, here))
            visit(part.parts, here)

    visit(kind.parts, ())
    return found


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
