"""The registry of file kinds: one declaration per kind of file in a strategy repository.

Everything that needs to know what a repository holds reads it from here: the loader (where
files live, their model, the ids they declare, the items inside them), the marking gate
(which items carry a marking of their own, and what people call them), `psstrat schema` and
`psstrat explain` (a title and the reference's heading), the `id-filename` rule (which ids
name their file, which nest under their parent's), `changes` and `history`.

The gate builds a session's view from this registry only: a file, a list or a field that is
not registered here is not in the view. tests/test_kinds.py checks that every kind is
complete: each model reachable from a kind that carries a `marking` is a registered part that
is gated, and each that declares an `id` is a registered part whose ids are indexed. A new
kind of item is added here first, and cannot be shown to a session until it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel

from psstrat.model.risk import Risk
from psstrat.model.sia import Sia
from psstrat.model.strand import Strand
from psstrat.model.strategy import MeetingsFile, OwnersFile, Strategy

DATA = "data"


@dataclass(frozen=True)
class Part:
    """Items held inside an item: a list field (or, with ``many`` False, one model)."""

    field: str
    name: str
    """What people call one such item: `work element`, `SIA progress note`."""
    declares: str | None = None
    """The kind of id each item declares in its `id` (a key of model.common.ID_PATTERNS)."""
    marked: bool = False
    """Each item carries a `marking` of its own, which the gate applies."""
    under_parent: str | None = None
    """How an item's id nests under the id of the item holding it: `.` (S4 -> S4.2) or `.M`
    (S4.2 -> S4.2.M1); None when ids do not nest."""
    parts: tuple[Part, ...] = ()
    many: bool = True
    spaced: bool = False
    """Its items are written with a blank line between them (`psstrat fmt`, `psstrat new`)."""


@dataclass(frozen=True)
class Kind:
    """One kind of file."""

    key: str
    """As `psstrat schema` and `psstrat explain` name it: `strand`."""
    name: str
    """What people call the file's item: `strand`, `SIA`."""
    path: str
    """Where its files are, from the repository's root: `data/strands/*.yaml` for a folder
    of files (one item each), `data/owners.yaml` for one file."""
    model: type[BaseModel]
    title: str
    """Its title in the JSON Schema."""
    heading: str
    """The start of the heading of its section in the format reference."""
    declares: str | None = None
    marked: bool = False
    parts: tuple[Part, ...] = ()
    required: bool = False
    named_by_id: bool = False
    """Each file is named after the id of its item (`data/risks/R0004.yaml`)."""

    @property
    def folder(self) -> str | None:
        """`strands` for a folder kind, None for a single file."""
        head, _, tail = self.path.removeprefix(f"{DATA}/").partition("/")
        return head if tail else None

    @property
    def file(self) -> str:
        """`strategy.yaml`; for a folder kind its folder name: the name `file_kind` gives."""
        return self.folder or self.path.removeprefix(f"{DATA}/")


STRATEGY = Kind(
    "strategy",
    "strategy",
    f"{DATA}/strategy.yaml",
    Strategy,
    "The strategy",
    "data/strategy.yaml",
    declares="strategy",
    marked=True,
    parts=(Part("outcomes", "outcome", declares="outcome"),),
    required=True,
)
OWNERS = Kind(
    "owners",
    "owners file",
    f"{DATA}/owners.yaml",
    OwnersFile,
    "Who may lead or own things",
    "data/owners.yaml",
    parts=(Part("owners", "owner", declares="owner", marked=True),),
    required=True,
)
MEETINGS = Kind(
    "meetings",
    "meetings file",
    f"{DATA}/meetings.yaml",
    MeetingsFile,
    "The committee's meetings",
    "data/meetings.yaml",
    parts=(
        Part(
            "meetings",
            "meeting",
            marked=True,
            spaced=True,
            parts=(
                Part(
                    "papers",
                    "paper",
                    marked=True,
                    parts=(Part("supporting", "paper paragraph", marked=True),),
                ),
                Part("decisions", "decision", marked=True),
                Part("actions", "action", declares="action", marked=True),
            ),
        ),
    ),
)
STRAND = Kind(
    "strand",
    "strand",
    f"{DATA}/strands/*.yaml",
    Strand,
    "One strand of the strategy",
    "data/strands/",
    declares="strand",
    marked=True,
    named_by_id=True,
    parts=(
        Part(
            "work_elements",
            "work element",
            declares="element",
            marked=True,
            under_parent=".",
            spaced=True,
            parts=(
                Part(
                    "milestones",
                    "milestone",
                    declares="milestone",
                    marked=True,
                    under_parent=".M",
                    spaced=True,
                ),
                Part("updates", "update", marked=True),
            ),
        ),
        Part("updates", "strand update", marked=True),
    ),
)
RISK = Kind(
    "risk",
    "risk",
    f"{DATA}/risks/*.yaml",
    Risk,
    "One risk-register entry",
    "data/risks/",
    declares="risk",
    marked=True,
    named_by_id=True,
    parts=(
        Part("residual", "residual assessment", many=False),
        Part("history", "assessment"),
        Part("updates", "risk update"),
    ),
)
SIA = Kind(
    "sia",
    "SIA",
    f"{DATA}/sia/*.yaml",
    Sia,
    "One Strategic Intelligence Assessment",
    "data/sia/",
    declares="sia",
    marked=True,
    named_by_id=True,
    parts=(
        Part(
            "issues",
            "SIA issue",
            declares="sia-issue",
            marked=True,
            under_parent=".",
            parts=(
                Part("recommendations", "recommendation"),
                Part("progress", "SIA progress note", marked=True),
            ),
        ),
    ),
)

KINDS: tuple[Kind, ...] = (STRATEGY, OWNERS, MEETINGS, STRAND, RISK, SIA)
"""Every kind, in the order the gate and the format reference take them (the strategy first:
its marking contains everything)."""
BY_KEY = {kind.key: kind for kind in KINDS}
BY_FILE = {kind.file: kind for kind in KINDS}


def kind_of(rel: str) -> Kind | None:
    """The kind of file a path (from the root) should hold, or None when it is not part of
    the format: `data/strands/S4.yaml` -> STRAND, `data/notes.txt` -> None."""
    parts = rel.split("/")
    if parts[0] != DATA:
        return None
    if len(parts) == 2:
        kind = BY_FILE.get(parts[1])
        return kind if kind is not None and kind.folder is None else None
    if len(parts) == 3 and parts[2].endswith(".yaml"):
        kind = BY_FILE.get(parts[1])
        return kind if kind is not None and kind.folder is not None else None
    return None


def file_of(kind: Kind, item_id: str) -> str:
    """The file holding the item with this id, for a folder kind named by id."""
    return kind.path.replace("*", item_id)


def walk_parts(
    parts: tuple[Part, ...], at: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Part]]:
    """Every part inside these, depth first, with the fields leading to it."""
    for part in parts:
        yield (*at, part.field), part
        yield from walk_parts(part.parts, (*at, part.field))


SPACED = frozenset(
    part.field for kind in KINDS for _, part in walk_parts(kind.parts) if part.spaced
)
"""The list fields whose items are written with a blank line between them."""
