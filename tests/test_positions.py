"""Positions, kept compactly, point where the text says: every key and every value of the
shipped data and the examples, checked against the file's own text; and a repository loaded
on every core is the same repository as one loaded on one."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from psstrat import repository
from psstrat.repository import Repository, load_repository
from psstrat.rules import run_rules
from psstrat.yamlio import YamlPath, YamlProblem, parse_yaml

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted([*(ROOT / "data").rglob("*.yaml"), *(ROOT / "examples").rglob("*.yaml")])


def paths(node: Any, at: YamlPath = ()) -> Iterator[tuple[YamlPath, Any]]:
    yield at, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*at, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from paths(value, (*at, i))


def text_at(lines: list[str], where: tuple[int, int]) -> str:
    line, column = where
    return lines[line - 1][column - 1 :]


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_every_key_and_value_is_where_the_text_has_it(path: Path) -> None:
    raw = path.read_bytes()
    doc = parse_yaml(raw)
    lines = raw.decode("utf-8-sig").splitlines()
    checked = 0
    for at, value in paths(doc.data):
        if at and isinstance(at[-1], str):
            assert text_at(lines, doc.positions.key(at)).startswith(at[-1]), at
        here = text_at(lines, doc.positions.value(at))
        if isinstance(value, str) and value and "\n" not in value:
            assert here.startswith((value[:8], '"', "'", ">", "|")), (at, here)
        elif isinstance(value, list) and value:
            assert here.startswith(("[", "-")), (at, here)
        checked += 1
    assert checked > 3


def test_nearest_container_for_what_is_not_there() -> None:
    doc = parse_yaml(b"a:\n  b: [1, 2]\n  c: {d: x}\n")
    assert doc.positions.value(("a", "b", 1)) == (2, 10)
    assert doc.positions.value(("a", "b", 5)) == (2, 6)  # past the end: the list
    assert doc.positions.value(("a", "c", "e")) == (3, 6)  # no such key: the mapping
    assert doc.positions.value(("a", "c", "d", "deeper")) == (3, 10)  # into a scalar
    assert doc.positions.value(("zz",)) == (1, 1)
    assert doc.positions.key(("a", "c", "d")) == (3, 7)
    assert doc.positions.key(("a", "b", 0)) == (2, 7)  # a list item: its value


def test_a_duplicate_key_names_the_first() -> None:
    with pytest.raises(YamlProblem, match=r"duplicate key `b` \(first at line 2\)"):
        parse_yaml(b"a:\n  b: 1\n  c: {x: 1}\n  b: 2\n")


def test_deep_and_long_files_keep_their_positions() -> None:
    lines = [f"k{i}: v{i}" for i in range(70_000)]  # past 65,535 lines and 256 lines
    doc = parse_yaml(("\n".join(lines) + "\n").encode())
    assert doc.positions.value(("k69999",)) == (70_000, 9)
    assert doc.positions.key(("k300",)) == (301, 1)


def _generated(tmp: Path) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    generate(tmp, 4, 3, repository.PARALLEL_FROM, dangling=5)
    (tmp / "data/risks/R0001.yaml").write_text("id: R0001\ntitle: [unclosed\n", "utf-8")
    (tmp / "data/risks/R0002.yaml").write_text("id: R0002\ntitle: x\n", "utf-8")
    return tmp


def _summary(repo: Repository) -> Any:
    return (
        repo.files_read,
        repo.load_findings,
        repo.declared,
        repo.strands,
        repo.risks,
        repo.unsafe_text,
        [repo.positions[d.path].value(d.yaml_path) for d in repo.declared],
        run_rules(repo, dt.date(2006, 1, 1)),
    )


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: nothing runs in parallel")
@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
def test_loading_on_every_core_gives_the_same_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _generated(tmp_path)
    parallel = load_repository(root)
    assert parallel.files_read > repository.PARALLEL_FROM
    monkeypatch.setattr(repository, "PARALLEL_FROM", 10**9)
    serial = load_repository(root)
    assert _summary(parallel) == _summary(serial)
    codes = {code for code, _ in parallel.load_findings}
    assert {"yaml-syntax", "schema"} <= codes


@pytest.mark.parametrize("parallel", [True, False], ids=["parallel", "one core"])
def test_without_positions_problems_are_placed_all_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    """report, status and overdue load without positions and place a problem by reading its
    file again: every problem is where validate, which keeps them all, says it is."""
    root = _generated(tmp_path)
    (root / "data/risks/R0003.yaml").write_text("id: R0003\nid: R0004\n", "utf-8")  # duplicate
    if not parallel:
        monkeypatch.setattr(repository, "PARALLEL_FROM", 10**9)
    as_of = dt.date(2006, 1, 1)
    placed = run_rules(load_repository(root), as_of)
    unplaced_repo = load_repository(root, positions=False)
    # Nothing is placed until asked, but for the schema's problems (found while loading).
    assert set(unplaced_repo.positions) == {"data/risks/R0002.yaml"}
    unplaced = run_rules(unplaced_repo, as_of)
    assert unplaced == placed
    assert {d.code for d in placed} >= {"yaml-syntax", "schema", "unknown-reference"}
    assert any("duplicate key `id` (first at line 1)" in d.message for d in placed)
    assert set(unplaced_repo.positions) <= {d.path for d in placed}


_PARENT = os.getpid()
_PARSE = repository._parse


def _dies_in_a_worker(source: Path | bytes, positions: bool = True) -> Any:
    """repository._parse, but a worker process that meets R0300.yaml dies on the spot."""
    if os.getpid() != _PARENT and str(source).endswith("R0300.yaml"):
        os._exit(9)
    return _PARSE(source, positions)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: nothing runs in parallel")
@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
def test_a_worker_that_dies_leaves_the_rest_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed mid-load (out of memory, say) does not hang or break the load: what it
    had not sent back is parsed in the main process, and the repository is the same."""
    root = _generated(tmp_path)
    expected = _summary(load_repository(root))
    monkeypatch.setattr(repository, "_parse", _dies_in_a_worker)
    assert _summary(load_repository(root)) == expected
