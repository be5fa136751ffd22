"""yamlio.editing, the text edits behind `psstrat record`, `set` and `remove`: over every
key, list and list item of every shipped file (full of comments, flow and block styles, block
scalars), each edit gives exactly the values asked for and changes no other line."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from psstrat.yamlio import YamlPath, parse_yaml
from psstrat.yamlio.editing import CannotEdit, Change, apply, edit_bytes, edit_text

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = sorted(DATA.rglob("*.yaml"))


def walk(node: Any, path: YamlPath = ()) -> Iterator[tuple[YamlPath, Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, (*path, index))


def diff(before: str, after: str) -> tuple[list[str], list[str]]:
    lines = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return (
        [x[2:] for x in lines if x.startswith("- ")],
        [x[2:] for x in lines if x.startswith("+ ")],
    )


def comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def check(text: str, change: Change) -> str | None:
    """The edited text, checked: its values are the change made, and every whole-line
    comment is still there (None when the engine refuses, which it may, never silently)."""
    try:
        edited = edit_text(text, [change])
    except CannotEdit:
        return None
    data = parse_yaml(text.encode()).data
    assert parse_yaml(edited.text.encode()).data == apply(data, change)
    # where it landed; for a removal, where the item was
    shown = text if change.op == "remove" else edited.text
    assert 1 <= edited.lines[0] <= len(shown.splitlines()) + 1
    if change.op != "remove":
        assert comment_lines(edited.text) == comment_lines(text)
    return edited.text


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_setting_any_scalar_changes_its_lines_only(path: Path) -> None:
    text = path.read_text()
    data = parse_yaml(text.encode()).data
    refused = done = 0
    for where, value in walk(data):
        if not where or not isinstance(where[-1], str) or isinstance(value, dict | list):
            continue
        after = check(text, Change("set", where, "Changed value"))
        if after is None:
            refused += 1
            continue
        done += 1
        gone, added = diff(text, after)
        assert len(added) == 1 and f"{where[-1]}: Changed value" in added[0], (where, added)
        assert len(gone) >= 1  # a block scalar's lines go with it
    assert done and refused == 0, (done, refused)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_adding_a_key_or_an_item_only_adds_lines(path: Path) -> None:
    text = path.read_text()
    data = parse_yaml(text.encode()).data
    for where, value in walk(data):
        if isinstance(value, dict) and value:
            after = check(text, Change("set", (*where, "x-added"), "new", before=tuple(value)))
            assert after is not None, where
            gone, added = diff(text, after)
            # a new line, or (a flow mapping) its one line written again
            assert ([a.strip() for a in added] == ["x-added: new"] and gone == []) or (
                len(gone) == len(added) == 1 and "x-added: new}" in added[0]
            ), (where, added)
        if isinstance(value, list) and where and isinstance(where[-1], str):
            item = {"date": dt.date(2030, 1, 1), "text": "Added"}
            after = check(text, Change("append", where, item))
            if after is None:
                continue  # `[a, b]` of mappings: refused, never rewritten wrongly
            gone, added = diff(text, after)
            # new lines, or a flow collection's one line written again (in block, when a
            # mapping now holds a list of mappings)
            assert gone == [] or (len(gone) == 1 and ("{" in gone[0] or "[" in gone[0])), (
                where,
                gone,
            )


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_removing_an_item_removes_its_lines_only(path: Path) -> None:
    text = path.read_text()
    data = parse_yaml(text.encode()).data
    for where, value in walk(data):
        if not where or not isinstance(where[-1], int) or not isinstance(value, dict):
            continue
        after = check(text, Change("remove", where))
        if after is None:
            continue  # it held comments: refused, not lost
        gone, added = diff(text, after)
        assert added == [] and gone, where
        assert comment_lines(after) == comment_lines(text)


def test_line_endings_and_the_bom_are_kept() -> None:
    text = (DATA / "owners.yaml").read_text()
    raw = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
    change = Change("set", ("owners", 0, "name"), "Jane Smith", before=("id", "role"))
    out, _ = edit_bytes(raw, [change])
    assert out.startswith(b"\xef\xbb\xbf") and out.count(b"\n") == out.count(b"\r\n")
    assert out[3:].decode().replace("\r\n", "\n") == edit_text(text, [change]).text


def test_mixed_line_endings_keep_each_line_its_own() -> None:
    out, _ = edit_bytes(b"a: 1\r\nb: 2\n", [Change("set", ("a",), 2)])
    assert out == b"a: 2\r\nb: 2\n"


def test_an_end_of_line_comment_keeps_its_column() -> None:
    text = "a: in-progress   # why\nb: x\n"
    assert edit_text(text, [Change("set", ("a",), "done")]).text == "a: done          # why\nb: x\n"
    assert edit_text(text, [Change("set", ("a",), "a" * 20)]).text.startswith(
        "a: " + "a" * 20 + " # why\n"
    )


def test_a_key_goes_where_the_layout_puts_it_before_the_comments_of_the_next() -> None:
    text = "id: S1\ntitle: T\n# about the lead\nlead: x\n"
    edited = edit_text(text, [Change("set", ("summary",), "S", before=("id", "title"))])
    assert edited.text == "id: S1\ntitle: T\nsummary: S\n# about the lead\nlead: x\n"
    assert edited.lines == (3,)


def test_a_null_value_is_set_keeping_its_comment() -> None:
    text = "a:   # none yet\nb: 1\n"
    assert edit_text(text, [Change("set", ("a",), 5)]).text == "a: 5   # none yet\nb: 1\n"


def test_a_flow_mapping_item_is_written_again_in_flow() -> None:
    text = "u:\n  - {date: 2004-01-01, status: planned}\n"
    edited = edit_text(text, [Change("set", ("u", 0, "status"), "in-place")])
    assert edited.text == "u:\n  - {date: 2004-01-01, status: in-place}\n"
