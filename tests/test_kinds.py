"""The registry of file kinds is complete: nothing that carries a marking or declares an id
can be added to a model without the registry (and so the gate and the id index) knowing it."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from psstrat.kinds import KINDS, Kind, Part, kind_of
from psstrat.marking import restrict
from psstrat.model.strand import Strand
from psstrat.repository import FOLDERS, SINGLE_FILES, load_repository
from tests.conftest import RepoBuilder


def nested_models(model: type[BaseModel]) -> Iterator[tuple[str, type[BaseModel], bool]]:
    """Each field of ``model`` that holds models: (field, model, whether it is a list)."""
    for name, info in model.model_fields.items():
        todo, many = [info.annotation], False
        while todo:
            annotation = todo.pop()
            if typing.get_origin(annotation) is list:
                many = True
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                yield name, annotation, many
            elif isinstance(annotation, types.UnionType) or typing.get_origin(annotation):
                todo.extend(typing.get_args(annotation))


def problems(model: type[BaseModel], parts: tuple[Part, ...], where: str) -> Iterator[str]:
    registered = {part.field: part for part in parts}
    for name, child, many in nested_models(model):
        part = registered.get(name)
        marked = "marking" in child.model_fields
        declares = "id" in child.model_fields
        if part is None:
            if marked or declares:
                yield f"{where}.{name} ({child.__name__}) carries a marking or an id: register it"
            continue
        if part.marked != marked:
            yield f"{where}.{name}: registered marked={part.marked}, the model says {marked}"
        if bool(part.declares) != declares:
            yield f"{where}.{name}: registered declares={part.declares}, the model says {declares}"
        if part.many != many:
            yield f"{where}.{name}: registered many={part.many}, the model says {many}"
        yield from problems(child, part.parts, f"{where}.{name}")
    for name in registered:
        if name not in model.model_fields:
            yield f"{where}.{name} is registered but {model.__name__} has no such field"


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.key)
def test_every_kind_is_complete(kind: Kind) -> None:
    assert list(problems(kind.model, kind.parts, kind.key)) == []
    assert kind.marked == ("marking" in kind.model.model_fields)
    assert bool(kind.declares) == ("id" in kind.model.model_fields)
    assert kind_of(kind.path.replace("*", "X1")) is kind


def test_the_check_finds_an_unregistered_marked_list() -> None:
    """The completeness check can fail: a strand kind that forgot its work elements."""
    assert problems(Strand, (), "strand")


def test_the_loader_reads_exactly_the_registered_files() -> None:
    assert set(SINGLE_FILES) | set(FOLDERS) == {k.file for k in KINDS}
    assert kind_of("data/strand/S1.yaml") is None and kind_of("data/strands/S1.yml") is None
    assert kind_of("data/strands/x/S1.yaml") is None and kind_of("elsewhere/S1.yaml") is None


def test_a_view_holds_only_what_the_registry_names(repo: RepoBuilder, tmp_path: Path) -> None:
    """The view is built from the registered kinds' gated items: each index of it comes from
    a registered file, and every file's item is gated."""
    loaded = load_repository(repo.root)
    view = restrict(loaded, "open")
    assert set(view.repo.files) <= set(loaded.files)
    for rel, item in view.repo.files.items():
        assert kind_of(rel) is not None
        assert view.rank(item) <= loaded.settings.rank(loaded.settings.open_session_max)
    assert "data/risks/R0001.yaml" not in view.repo.files  # official-sensitive
    assert [r.id for r in view.repo.risks] == []


def _declaring(kind: Kind) -> Iterator[tuple[str, str, type[BaseModel]]]:
    """(where, the kind of id declared, the model declaring it) for a kind and its parts."""
    from psstrat.model.common import held_model

    if kind.declares:
        yield kind.key, kind.declares, kind.model
    todo = [(kind.key, kind.model, part) for part in kind.parts]
    while todo:
        where, model, part = todo.pop()
        child = held_model(model, part.field)
        assert child is not None, f"{where}.{part.field}"
        if part.declares:
            yield f"{where}.{part.field}", part.declares, child
        todo.extend((f"{where}.{part.field}", child, p) for p in part.parts)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.key)
def test_every_id_a_kind_declares_is_checked_by_its_pattern(kind: Kind) -> None:
    """Each declared id has its pattern in ID_PATTERNS, and the model's `id` refuses what the
    pattern does not match (a new kind whose id field is plain text fails here)."""
    from pydantic import TypeAdapter, ValidationError

    from psstrat.model.common import ID_PATTERNS

    for where, declares, model in _declaring(kind):
        assert declares in ID_PATTERNS, f"{where} declares `{declares}`, not in ID_PATTERNS"
        field = model.model_fields["id"]
        annotation = field.annotation
        if field.metadata:  # the pattern's check, which pydantic keeps beside the type
            annotation = typing.Annotated[annotation, *field.metadata]  # type: ignore[assignment]
        check: TypeAdapter[object] = TypeAdapter(annotation)  # type: ignore[arg-type]
        check.validate_python(ID_PATTERNS[declares][1])  # the pattern's own example is an id
        with pytest.raises(ValidationError):
            check.validate_python("not an id!")


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.key)
def test_every_kind_has_its_section_in_the_reference(kind: Kind) -> None:
    """`psstrat explain <kind>` prints the section of docs/format.md headed by the registry's
    heading (a new kind without one made explain stop with exit 2)."""
    from psstrat.commands.explain import section

    assert section(kind.key).startswith(f"## {kind.heading}")
