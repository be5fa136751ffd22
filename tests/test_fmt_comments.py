"""`psstrat fmt` keeps every comment at its place or leaves the file as it is, and never
crashes on a file psstrat reads.

Three sources of files: risk and strand files generated with comments in every position
(and trailing tabs, tabs in plain text, CRLF, a BOM, document markers); every case of the
YAML test suite that psstrat reads (vendored in tests/data/yaml-test-suite/, no network);
and the cases users reported, through the command line. For each, fmt either gives a file
with the same values and the same comments (same text, same anchor: yamlio.comments) or
refuses it with one line naming where, never raises and never loses a comment silently.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from typer.testing import CliRunner

from psstrat.commands.fmt import format_bytes, shape_of
from psstrat.model.risk import Risk
from psstrat.model.strand import Strand
from psstrat.yamlio import (
    YamlProblem,
    already_canonical,
    canonical_yaml,
    comments,
    decode,
    parse_yaml,
    unkept,
)
from tests.conftest import RepoBuilder, invoke

T = TypeVar("T")
SUITE = Path(__file__).parent / "data" / "yaml-test-suite" / "cases.json"


class Free(BaseModel):
    """A model that orders nothing: fmt on an arbitrary mapping."""


# --- The property every file must have ---------------------------------------------------------


def check(rel: str, raw: bytes, model: type[BaseModel], texts: Sequence[str] = ()) -> str:
    """fmt on one file: "unparsed" (psstrat does not read it), "formatted" (same values, same
    comments in the same places, stable) or "refused" (one line, naming where). ``texts``
    are comments known to be in the file, counted independently of yamlio.comments."""
    try:
        before = parse_yaml(raw, empty_ok=True)
    except YamlProblem:
        return "unparsed"
    result = format_bytes(rel, raw, model)  # never raises
    text = decode(raw)
    if result.problem is None:
        after = result.after
        assert after is not None
        assert parse_yaml(after.encode(), empty_ok=True).data == before.data
        if before.data:  # the same comments, each with a reading of its anchor in common
            old, new = comments(text), comments(after)
            assert len(old) == len(new) and unkept(old, new) is None, after
        for comment in texts:
            assert after.count(comment) == text.count(comment) == 1, (comment, after)
        again = format_bytes(rel, after.encode(), model)
        assert again.problem is None and again.after == after, "a second run changes more"
        for laid_out in (raw, after.encode()):  # the fast check never disagrees
            if already_canonical(laid_out, shape_of(model)):
                assert canonical_yaml(laid_out, shape_of(model)) == decode(laid_out)
        return "formatted"
    where, finding = result.problem.location, result.problem
    lines = text.split("\n")
    assert 1 <= where.line <= len(lines), finding
    assert "\n" not in finding.message + finding.help
    if finding.message.startswith("not formatted: the comment"):  # named at its `#`
        assert lines[where.line - 1][where.column - 1 :].startswith("#"), (finding, text)
    return "refused"


# --- Generated files ---------------------------------------------------------------------------


class Choices:
    """Where a generated file's choices come from: hypothesis (which shrinks a failure to a
    small file) or a seeded random.Random (a fixed, fast sweep)."""

    def __init__(self, draw: Callable[[int, int], int]) -> None:
        self.draw = draw

    def chance(self, percent: int) -> bool:
        return self.draw(0, 99) >= 100 - percent  # shrinks towards "no"

    def pick(self, options: Sequence[T]) -> T:
        return options[self.draw(0, len(options) - 1)]


WORDS = ["risk", "control", "owner", "code", "review", "note", "paper", "see", "why", "later", "ok"]


@dataclass
class Writer:
    """One file's lines, with comments everywhere; ``texts`` are the comments written."""

    choose: Choices
    tricky: bool = True
    texts: list[str] = field(default_factory=list)

    def comment(self) -> str:
        words = " ".join(self.choose.pick(WORDS) for _ in range(self.choose.draw(1, 3)))
        text = f"# c{len(self.texts) + 1} {words}"
        self.texts.append(text)
        return text

    def end_of_line(self, percent: int = 20) -> str:
        return "  " + self.comment() if self.choose.chance(percent) else ""

    def blanks(self) -> str:
        """Spaces or tabs after a plain value, as editors leave them."""
        if self.tricky and self.choose.chance(8):
            return self.choose.pick(["\t", " ", "  \t", "\t "])
        return ""

    def above(self, indent: int) -> list[str]:
        """Whole-line comments (at the indent, or at column 0) and blank lines."""
        lines = []
        while self.choose.chance(20):
            lines.append(" " * self.choose.pick([indent, indent, 0]) + self.comment())
        if self.choose.chance(15):
            lines.append("")
        return lines

    def text(self) -> str:
        words = " ".join(self.choose.pick(WORDS) for _ in range(self.choose.draw(1, 4)))
        if self.tricky and self.choose.chance(8):
            return "a\tb " + words  # a tab in plain text
        if self.choose.chance(10):
            return f'"{words} # not a comment"'
        return words.capitalize()

    def scalar(self, indent: int, key: str, value: str) -> list[str]:
        pad = " " * indent
        if self.tricky and self.choose.chance(4):  # a comment between key and value
            return [f"{pad}{key}:  {self.comment()}", f"{pad}  {value}"]
        return [f"{pad}{key}: {value}{self.blanks()}{self.end_of_line()}"]

    def block(self, indent: int, key: str) -> list[str]:
        pad = " " * (indent + 2)
        header = f"{' ' * indent}{key}: {self.choose.pick(['>-', '|', '|-'])}"
        return [header, f"{pad}{self.text()}", f"{pad}# not a comment: text", f"{pad}end"]

    def ids(self, indent: int, key: str) -> list[str]:
        items = [self.choose.pick(["S1", "S2", "S2.1", "R0001"]) for _ in range(3)]
        items = items[: self.choose.draw(1, 3)]
        pad = " " * indent
        if self.tricky and self.choose.chance(10):  # a comment inside [ ]
            return [f"{pad}{key}: [{items[0]},  {self.comment()}", f"{pad}  {', '.join(items)}]"]
        if self.choose.chance(50):
            return [f"{pad}{key}: [{', '.join(items)}]{self.blanks()}{self.end_of_line()}"]
        lines = [f"{pad}{key}:{self.end_of_line()}"]
        dash = indent + self.choose.pick([2, 2, 0])
        for item in items:
            lines += self.above(dash)
            lines.append(f"{' ' * dash}- {item}{self.blanks()}{self.end_of_line()}")
        return lines

    def score(self, indent: int, key: str) -> list[str]:
        pad = " " * indent
        if self.choose.chance(50):
            flow = self.choose.pick(["{impact: 3, likelihood: 4}", "{likelihood: 4, impact: 3}"])
            return [f"{pad}{key}: {flow}{self.end_of_line()}"]
        return [
            f"{pad}{key}:{self.end_of_line()}",
            *self.mapping(indent + 2, {"impact": Int, "likelihood": Int}),
        ]

    def items(self, indent: int, key: str, spec: Spec) -> list[str]:
        lines = [f"{' ' * indent}{key}:{self.end_of_line()}"]
        dash = indent + self.choose.pick([2, 2, 0])
        for _ in range(self.choose.draw(1, 3)):
            lines += self.above(dash)  # above the first item too
            lines += self.mapping(dash + 2, spec, dash)
        return lines

    def mapping(self, indent: int, spec: Spec, dash: int | None = None) -> list[str]:
        """A block mapping of some of ``spec``'s keys in any order; a list item with ``dash``."""
        keys = list(spec)
        order = sorted(keys, key=lambda _: self.choose.draw(0, 1000))
        lines: list[str] = []
        for n, key in enumerate(order[: self.choose.draw(1, len(keys))]):
            if n or dash is None:
                lines += self.above(indent)
            entry = spec[key].write(self, indent, key)
            if n == 0 and dash is not None:
                entry[0] = f"{' ' * dash}- {entry[0][indent:]}"
            lines += entry
        return lines

    def document(self, spec: Spec) -> bytes:
        lines: list[str] = []
        if self.choose.chance(30):
            lines += [self.comment() for _ in range(self.choose.draw(1, 2))]
            directive = self.choose.chance(20)
            if directive:
                lines.append("%YAML 1.2")
            if directive or self.choose.chance(50):
                lines.append("---" + (" " + self.comment() if self.choose.chance(30) else ""))
        elif self.choose.chance(15):
            lines.append("---")
        lines += self.mapping(0, spec)
        if self.choose.chance(20):
            lines.append("..." + (" " + self.comment() if self.choose.chance(30) else ""))
        while self.choose.chance(30):
            lines.append(self.choose.pick(["", "  ", "    "]) + self.comment())
        text = "\n".join(lines) + "\n"
        if self.tricky and self.choose.chance(10):
            text = text.replace("\n", "\r\n")
        raw = text.encode()
        return b"\xef\xbb\xbf" + raw if self.tricky and self.choose.chance(10) else raw


@dataclass(frozen=True)
class Kind:
    """How one key's value is written."""

    write: Callable[[Writer, int, str], list[str]]


def _items(spec: Spec) -> Kind:
    return Kind(lambda w, indent, key: w.items(indent, key, spec))


Spec = dict[str, Kind]
Text = Kind(lambda w, indent, key: w.scalar(indent, key, w.text()))
Int = Kind(lambda w, indent, key: w.scalar(indent, key, w.choose.pick(["3", "4"])))
Date = Kind(
    lambda w, indent, key: w.scalar(indent, key, w.choose.pick(["2004-10-07", '"2005-01-10"']))
)
Id = Kind(lambda w, indent, key: w.scalar(indent, key, "X1"))
Block = Kind(Writer.block)
Ids = Kind(Writer.ids)
Score = Kind(Writer.score)

CONTROL: Spec = {"description": Text, "owner": Text, "status": Text, "due": Date}
RISK: Spec = {
    "id": Id,
    "title": Text,
    "description": Block,
    "category": Text,
    "raised": Date,
    "strands": Ids,
    "inherent": Score,
    "residual": Score,
    "controls": _items(CONTROL),
    "status": Text,
    "x-note": Text,
}
MILESTONE: Spec = {"id": Id, "title": Text, "due": Date, "completed": Date}
WORK: Spec = {"id": Id, "title": Text, "lead": Text, "risks": Ids, "milestones": _items(MILESTONE)}
STRAND: Spec = {
    "id": Id,
    "title": Text,
    "purpose": Block,
    "lead": Text,
    "outcomes": Ids,
    "work_elements": _items(WORK),
    "x-note": Text,
}
KINDS: list[tuple[str, type[BaseModel], Spec]] = [
    ("data/risks/R0001.yaml", Risk, RISK),
    ("data/strands/S1.yaml", Strand, STRAND),
]


def test_a_seeded_sweep_of_generated_files() -> None:
    """400 generated files (a fixed seed): each formatted with every comment in its place,
    or refused naming a comment's line; both happen, and most files are formatted (what is
    refused is a comment inside [ ] or { }, or between a key and its value)."""
    seen: Counter[str] = Counter()
    for seed in range(400):
        rng = random.Random(seed)
        rel, model, spec = KINDS[seed % 2]
        writer = Writer(Choices(rng.randint), tricky=seed % 3 != 0)
        raw = writer.document(spec)
        seen[check(rel, raw, model, writer.texts)] += 1
    assert seen["unparsed"] == 0, seen
    assert seen["formatted"] > 280 and seen["refused"] > 40, seen


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), kind=st.sampled_from(KINDS))
def test_any_generated_file_keeps_its_comments_or_is_refused(
    data: st.DataObject, kind: tuple[str, type[BaseModel], Spec]
) -> None:
    """The same files drawn by hypothesis (derandomized: the same examples every run), which
    shrinks a failure to the smallest file that shows it."""
    rel, model, spec = kind
    writer = Writer(Choices(lambda low, high: data.draw(st.integers(low, high))))
    check(rel, writer.document(spec), model, writer.texts)


# --- The YAML test suite -----------------------------------------------------------------------


def _suite() -> list[dict[str, str]]:
    cases: list[dict[str, str]] = json.loads(SUITE.read_text(encoding="utf-8"))["cases"]
    return cases


def test_the_vendored_suite_is_what_psstrat_reads() -> None:
    cases = _suite()
    assert len(cases) == 75 and len({c["id"] for c in cases}) == 75
    for case in cases:
        assert isinstance(parse_yaml(case["yaml"].encode()).data, dict), case["id"]
    assert "MIT License" in (SUITE.parent / "License").read_text(encoding="utf-8")


@pytest.mark.parametrize("model", [Risk, Free], ids=["risk", "free"])
def test_every_case_of_the_yaml_test_suite(model: type[BaseModel]) -> None:
    """Every case of the suite psstrat reads: formatted keeping its comments and values, or
    refused with a line; never a crash (six of them once raised in ruamel)."""
    seen = Counter(check("data/risks/R0001.yaml", c["yaml"].encode(), model) for c in _suite())
    assert seen["unparsed"] == 0 and seen["formatted"] >= 65, seen


# --- The reported cases, through the command line ----------------------------------------------

RISK_FILE = "data/risks/R0001.yaml"
HEAD = "id: R0001\ntitle: Information leakage\n"

KEPT = {
    "a header comment above ---": (
        "# Risk 1: from the SIA.\n---\ntitle: Information leakage\nid: R0001\n",
        "# Risk 1: from the SIA.\nid: R0001\ntitle: Information leakage\n",
    ),
    "comments after ...": (
        "title: Information leakage\nid: R0001\n... # the end\n# really\n",
        f"{HEAD}# the end\n# really\n",
    ),
    "a comment above the first list item": (
        "id: R0001\ncontrols:  # what is done\n  # the first\n  - description: Code\n"
        "title: Information leakage\n",
        f"{HEAD}controls:  # what is done\n  # the first\n  - description: Code\n",
    ),
    "a trailing tab": (
        f"{HEAD}category: information\t\n",
        f"{HEAD}category: information\n",
    ),
    "a tab inside plain text": (
        "id: R0001\ntitle: Information\tleakage\n",
        'id: R0001\ntitle: "Information\\tleakage"\n',
    ),
    "a comment above a key fmt puts first": (
        "title: Information leakage\n# the id\nid: R0001\n",
        "# the id\nid: R0001\ntitle: Information leakage\n",
    ),
    "a comment above a list item's key fmt puts first": (
        "id: R0001\ncontrols:\n  - description: Code\n    # who\n    owner: lead-a\n"
        "  - owner: lead-b\n    # what\n    description: Vetting\n",
        "id: R0001\ncontrols:\n  - description: Code\n    # who\n    owner: lead-a\n"
        "    # what\n  - description: Vetting\n    owner: lead-b\n",
    ),
    "CRLF and a BOM": (
        "\ufefftitle: Information leakage  # the name\r\nid: R0001\r\n",
        "id: R0001\ntitle: Information leakage  # the name\n",
    ),
    # review (helper 23): a `#` inside a comment was taken for a second comment (exit 3)
    "a comment holding a #": (
        "# Raised in issue #12\ntitle: Information leakage\nid: R0001\n",
        f"# Raised in issue #12\n{HEAD}",
    ),
    "a comment holding a # above a key fmt puts first": (
        "title: Information leakage\n# see #12\nid: R0001\n",
        "# see #12\nid: R0001\ntitle: Information leakage\n",
    ),
    # review: the first layout left the comment indented, the second moved it (not idempotent)
    "a comment after block text at the end": (
        "id: R0001\ntitle: Information leakage\nupdates:\n  - text: >-\n      Owned.\n"
        "    date: 2004-01-01\n    # end of update\n",
        "id: R0001\ntitle: Information leakage\nupdates:\n  - date: 2004-01-01\n    text: >-\n"
        "      Owned.\n# end of update\n",
    ),
}


@pytest.mark.parametrize("case", list(KEPT))
def test_reported_cases_that_fmt_now_formats(cli: CliRunner, repo: RepoBuilder, case: str) -> None:
    source, expected = KEPT[case]
    repo.write(RISK_FILE, source.encode("utf-8"))
    code, _, err = invoke(cli, "fmt", "--root", str(repo.root), str(repo.root / RISK_FILE))
    assert code == 0, err
    assert (repo.root / RISK_FILE).read_bytes().decode() == expected
    code, out, err = invoke(
        cli, "fmt", "--check", "--root", str(repo.root), str(repo.root / RISK_FILE)
    )
    assert (code, out) == (0, ""), err  # the layout of the layout is itself


REFUSED = {  # the file, the line and column named (0: of the line's `#`), what is said
    "a comment inside [ ]": (f"{HEAD}strands: [S1,  # the first\n  S1.1]\n", 3, 0, "inside"),
    "a comment inside { }": (
        f"{HEAD}inherent: {{likelihood: 5,  # high\n  impact: 4}}\n",
        3,
        0,
        "inside",
    ),
    "a comment between a key and its value": (
        f"{HEAD}category:  # which\n  information\n",
        3,
        0,
        "between a key and its value",
    ),
    # review: a comment after a directive crashed fmt (exit 3); the directive is not kept
    "a comment after a directive": (
        "%YAML 1.2 # version\n---\ntitle: Information leakage\nid: R0001\n",
        1,
        0,
        "would be lost",
    ),
    # review: a comment straight after a closing quote was not seen, then lost in flow
    "a comment straight after a quote, in [ ]": (
        f"{HEAD}strands: ['S1'#the strand\n  , S1.1]\n",
        3,
        0,
        "inside",
    ),
    "spec example 6.11 (overlap in comment)": (
        "key:    # Comment\n        # lines\n  value\n\n\n",
        1,
        0,
        "between a key and its value",
    ),
    "spec example 8.17 (explicit keys)": (
        "? explicit key # Empty value\n? |\n  block key\n: - one # Explicit compact\n"
        "  - two # block value\n",
        1,
        1,
        "fmt cannot lay out this file",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_reported_cases_that_fmt_refuses_with_a_line(
    cli: CliRunner, repo: RepoBuilder, case: str
) -> None:
    source, line, column, words = REFUSED[case]
    column = column or source.split("\n")[line - 1].index("#") + 1
    repo.write(RISK_FILE, source.encode("utf-8"))
    for check_only in (True, False):
        args = ["fmt", "--root", str(repo.root), *(["--check"] if check_only else [])]
        code, out, err = invoke(cli, *args, str(repo.root / RISK_FILE))
        assert code == 1, err
        assert out.startswith(f"{RISK_FILE}:{line}:{column}: not formatted: "), out
        assert words in out and out.count("\n") == 1, out
        assert "one file not formatted" in err
        assert (repo.root / RISK_FILE).read_bytes() == source.encode("utf-8")


CRASHED = ["DC7X", "DK95/05", "J3BT", "NB6Z", "P94K", "UV7Q"]
"""The suite's cases on which the round trip once raised (ruamel's ScannerError on tabs, and
NotImplementedError "overlap in comment"), so fmt exited 3."""


@pytest.mark.parametrize("case", CRASHED)
def test_the_suite_cases_that_crashed_fmt(cli: CliRunner, repo: RepoBuilder, case: str) -> None:
    source = next(c["yaml"] for c in _suite() if c["id"] == case)
    repo.write(RISK_FILE, source.encode("utf-8"))
    code, out, err = invoke(cli, "fmt", "--root", str(repo.root), str(repo.root / RISK_FILE))
    after = (repo.root / RISK_FILE).read_bytes()
    if case == "P94K":  # `key:    # Comment` above the value: refused, with its line
        assert code == 1 and out.startswith(f"{RISK_FILE}:1:9: not formatted: "), out
        assert after == source.encode("utf-8")
    else:
        assert (code, out) == (0, f"formatted {RISK_FILE}\n"), err
        assert parse_yaml(after).data == parse_yaml(source.encode()).data


def test_one_file_refused_the_others_written(cli: CliRunner, repo: RepoBuilder) -> None:
    """A repository where one file cannot be formatted: the others are written, that one is
    reported and left as it is, exit 1."""
    refused = f"{HEAD}strands: [S1,  # the first\n  S1.1]\n"
    repo.write(RISK_FILE, refused)
    repo.write("data/risks/R0002.yaml", "title: Second\nid: R0002\n")
    code, out, err = invoke(cli, "fmt", "--root", str(repo.root))
    assert code == 1, err
    assert re.search(rf"^{re.escape(RISK_FILE)}:3:16: not formatted: ", out, re.M)
    assert "formatted data/risks/R0002.yaml" in out
    assert repo.read(RISK_FILE) == refused
    assert repo.read("data/risks/R0002.yaml") == "id: R0002\ntitle: Second\n"


# --- Symbolic links ----------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_link_to_a_data_file_is_formatted_once_as_its_target(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    """data/risks/R0002.yaml -> R0003.yaml: the file is formatted once, as itself; the link
    is never written through, and nothing stops half-way."""
    repo.write("data/risks/R0003.yaml", "title: Third\nid: R0003\n")
    (repo.root / "data/risks/R0002.yaml").symlink_to("R0003.yaml")
    repo.write("data/risks/R0004.yaml", "title: Fourth\nid: R0004\n")
    code, out, err = invoke(cli, "fmt", "--root", str(repo.root))
    assert code == 0, (out, err)
    assert out.count("formatted data/risks/R0003.yaml") == 1 and "R0002" not in out
    assert (repo.root / "data/risks/R0002.yaml").is_symlink()
    assert repo.read("data/risks/R0003.yaml") == "id: R0003\ntitle: Third\n"
    assert repo.read("data/risks/R0004.yaml") == "id: R0004\ntitle: Fourth\n"
    assert invoke(cli, "fmt", "--check", "--root", str(repo.root))[0] == 0


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_link_to_a_file_fmt_does_not_format_is_reported(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    """data/risks/R0002.yaml -> shared/R2.yaml (in the repository, not a data file): the
    link is reported, naming its target, and neither is written; the other files are."""
    repo.write("shared/R2.yaml", "title: Second\nid: R0002\n")
    (repo.root / "data/risks/R0002.yaml").symlink_to("../../shared/R2.yaml")
    repo.write("data/risks/R0004.yaml", "title: Fourth\nid: R0004\n")
    for args in (["--check"], []):
        code, out, err = invoke(cli, "fmt", *args, "--root", str(repo.root))
        assert code == 1, err
        assert (
            "data/risks/R0002.yaml:1:1: not formatted: data/risks/R0002.yaml is a symbolic "
            "link to shared/R2.yaml; fmt does not write through a link; replace the link"
        ) in out
    assert repo.read("shared/R2.yaml") == "title: Second\nid: R0002\n"
    assert (repo.root / "data/risks/R0002.yaml").is_symlink()
    assert repo.read("data/risks/R0004.yaml") == "id: R0004\ntitle: Fourth\n"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_link_to_a_data_file_not_chosen_names_the_file(cli: CliRunner, repo: RepoBuilder) -> None:
    repo.write("data/strands/S2.yaml", "title: Second\nid: S2\n")
    (repo.root / "data/risks/R0002.yaml").symlink_to("../strands/S2.yaml")
    code, out, _ = invoke(cli, "fmt", "--root", str(repo.root), str(repo.root / "data/risks"))
    assert code == 1
    assert "format the file it points to instead (psstrat fmt data/strands/S2.yaml)" in out
    assert repo.read("data/strands/S2.yaml") == "title: Second\nid: S2\n"


def test_a_folder_fmt_cannot_write_in_is_known_before_any_write(
    cli: CliRunner, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every write is checked before the first: a file in a folder fmt may not write in is
    reported (not a stop half-way, exit 2), and the others are written. (The folder is made
    unwritable by asking os.access, which also holds when the tests run as root.)"""
    repo.write("data/risks/R0002.yaml", "title: Second\nid: R0002\n")
    repo.write("data/strands/S2.yaml", "title: Second\nid: S2\n")
    access = os.access
    monkeypatch.setattr(os, "access", lambda p, m: Path(p).name != "strands" and access(p, m))
    code, out, err = invoke(cli, "fmt", "--root", str(repo.root))
    assert code == 1, err
    assert "data/strands/S2.yaml:1:1: not formatted: cannot write in data/strands/" in out
    assert repo.read("data/risks/R0002.yaml") == "id: R0002\ntitle: Second\n"
    assert repo.read("data/strands/S2.yaml") == "title: Second\nid: S2\n"


@pytest.mark.parametrize(
    "text",
    [
        f"{HEAD}description: ...\n",  # `...` reads as a marker: the round trip quotes it
        f"{HEAD}x-a:\n  =: 1\n",
        f"{HEAD}x-a:\n  True: 1\n",
        f"{HEAD}x-a:\n  é: 1\n",
        f"{HEAD}inherent: {{likelihood: 5, impact: 5}}#c\n",
        f"{HEAD}description: 'x'#c\n",
    ],
)
def test_the_fast_path_leaves_to_the_round_trip_what_it_would_change(text: str) -> None:
    """Regression (review): `already_canonical` said yes to these, which the round trip
    writes otherwise, so `fmt --check` passed files `fmt` would change."""
    raw = text.encode("utf-8")
    assert not already_canonical(raw, shape_of(Risk))
