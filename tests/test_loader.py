"""Malformed and hostile YAML is reported as a problem: nothing executed, expanded or lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from psstrat import yamlio
from psstrat.yamlio import YamlProblem, parse_yaml
from tests.conftest import RepoBuilder, as_json, invoke

R1 = "data/risks/R0001.yaml"

BILLION_LAUGHS = b"""\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

HOSTILE = {
    "syntax error": (b"id: R0001\ntitle: [unclosed\n", (3, 1)),
    "alias bomb": (BILLION_LAUGHS, (1, 4)),
    "alias": (b"id: R0001\ntitle: *x\n", (2, 8)),
    "python tag": (b"id: !!python/object/apply:os.system ['touch PWNED']\n", (1, 5)),
    "local tag": (b"id: R0001\ntitle: !foo bar\n", (2, 8)),
    "latin-1 bytes": ("id: R0001\ntitle: Café\n".encode("latin-1"), (2, 11)),
    "utf-16": ("id: R0001\n".encode("utf-16"), (1, 1)),
    "tab indentation": (b"id: R0001\ncontrols:\n\t- description: x\n", (3, 1)),
    "duplicate key": (b"id: R0001\nid: R0002\n", (2, 1)),
    "two documents": (b"id: R0001\n---\nid: R0002\n", (2, 1)),
    "empty file": (b"", (1, 1)),
    "only a comment": (b"# nothing here\n", (1, 1)),
    "a list at the top": (b"- id: R0001\n", (1, 1)),
    "a scalar at the top": (b"just text\n", (1, 1)),
    "complex key": (b"? [a, b]\n: c\n", (1, 3)),
    "binary": (b"\x00\x01\x02\x03", (1, 1)),
    "deep nesting": (b"id: R0001\ntitle: " + b"[" * 200_000 + b"]" * 200_000 + b"\n", (2, 71)),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_one_yaml_syntax_problem(
    repo: RepoBuilder, cli: CliRunner, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, (line, column) = HOSTILE[name]
    repo.write(R1, raw)
    monkeypatch.chdir(repo.root)
    code, out, err = invoke(cli, "validate", "--as-of", "2004-12-31", "--format", "json")
    assert code == 1
    problems = as_json(out)
    assert isinstance(problems, list)
    mine = [p for p in problems if p["path"] == R1]
    assert [(p["code"], p["line"], p["column"]) for p in mine] == [("yaml-syntax", line, column)]
    assert "Traceback" not in out + err
    assert not (repo.root / "PWNED").exists()
    code, out, _ = invoke(cli, "validate", "--as-of", "2004-12-31")
    assert code == 1
    assert f"{R1}:{line}:{column}: error[yaml-syntax]" in out


def test_other_files_are_still_checked_when_one_is_broken(repo: RepoBuilder) -> None:
    repo.write(R1, BILLION_LAUGHS)
    repo.edit("data/strands/S1.yaml", "lead: lead-a", "lead: nobody")
    codes = {d.code for d in repo.diagnostics()}
    assert {"yaml-syntax", "unknown-reference"} <= codes


def test_file_over_one_mebibyte_is_refused_unread(repo: RepoBuilder) -> None:
    repo.write(R1, b"id: R0001\ndescription: " + b"x" * (yamlio.MAX_BYTES + 10) + b"\n")
    [problem] = [d for d in repo.diagnostics() if d.path == R1]
    assert problem.code == "yaml-syntax"
    assert "larger than 1024 KiB" in problem.message


def test_alias_bomb_is_never_expanded() -> None:
    with pytest.raises(YamlProblem) as info:
        parse_yaml(BILLION_LAUGHS * 1)
    assert "anchor `&a`" in info.value.message


def test_yaml_1_2_scalars() -> None:
    doc = parse_yaml(b"a: no\nb: yes\nc: 012\nd: 0x1f\ne: ~\nf: true\ng: '5'\nh: 2004-10-07\n")
    assert doc.data == {
        "a": "no",
        "b": "yes",
        "c": 12,
        "d": 31,
        "e": None,
        "f": True,
        "g": "5",
        "h": "2004-10-07",
    }


def test_positions_of_keys_and_values() -> None:
    doc = parse_yaml(b"id: R0001\ncontrols:\n  - description: x\n    owner: lead-a\n")
    assert doc.positions.key(("controls", 0, "owner")) == (4, 5)
    assert doc.positions.value(("controls", 0, "owner")) == (4, 12)
    assert doc.positions.value(("controls", 0, "missing")) == (3, 5)


def test_byte_order_mark_is_accepted() -> None:
    assert parse_yaml(b"\xef\xbb\xbfid: R0001\n").data == {"id": "R0001"}


def test_unreadable_file_is_a_problem_not_a_crash(repo: RepoBuilder) -> None:
    path: Path = repo.root / R1
    path.unlink()
    path.symlink_to(repo.root / "nowhere.yaml")  # a dangling link: reading it fails
    problems = [d for d in repo.diagnostics() if d.path == R1]
    assert [d.code for d in problems] == ["unsafe-path"]


def test_schema_problems_are_capped_per_file(repo: RepoBuilder) -> None:
    repo.write("data/strands/S1.yaml", "id: S1\ntitle: t\nwork_elements:\n" + "  - 1\n" * 500)
    problems = [d for d in repo.diagnostics() if d.path == "data/strands/S1.yaml"]
    assert len(problems) == 51
    assert problems[0].message == "and 450 more schema problem(s) in this file, not listed"
