"""`psstrat fmt`: one layout, every comment kept, no value ever changed."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from psstrat.commands.fmt import format_bytes
from psstrat.model.strand import Strand
from psstrat.yamlio import parse_yaml
from tests.conftest import RepoBuilder, call, invoke

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402


def values(root: Path) -> dict[str, object]:
    """Every YAML file's values as psstrat's own loader reads them."""
    return {
        str(p.relative_to(root)): parse_yaml(p.read_bytes(), empty_ok=True).data
        for p in sorted(root.rglob("*.yaml"))
        if p.parts[-2:] != (".github", "workflows") and p.name != ".pre-commit-config.yaml"
    }


def texts(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*.yaml"))}


def comments(text: str) -> list[str]:
    """The comments of a file (outside quoted and block text: our fixtures keep # out of it)."""
    return [m.group(0).strip() for m in re.finditer(r"#[^\n]*", text)]


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    generate(tmp_path / "gen", 3, 3, 40)
    return tmp_path / "gen"


@pytest.mark.parametrize("source", ["data", "example", "init", "generated"])
def test_values_never_change_and_a_second_run_changes_nothing(
    cli: CliRunner, tmp_path: Path, generated: Path, source: str
) -> None:
    root = tmp_path / "repo"
    if source == "data":
        shutil.copytree(ROOT / "data", root / "data")
        shutil.copy(ROOT / "psstrat.yaml", root / "psstrat.yaml")
    elif source == "example":
        shutil.copytree(ROOT / "examples" / "pss-2006", root)
    elif source == "init":
        assert invoke(cli, "init", str(root), "--start", "2025-04-01")[0] == 0
    else:
        root = generated
    before = values(root)
    before_comments = {rel: comments(t) for rel, t in texts(root).items()}
    code, _, err = invoke(cli, "fmt", "--root", str(root))
    assert code == 0, err
    assert values(root) == before
    assert {rel: comments(t) for rel, t in texts(root).items()} == before_comments
    once = texts(root)
    code, _, err = invoke(cli, "fmt", "--check", "--root", str(root))
    assert code == 0, err
    assert "no files would be reformatted" in err
    assert invoke(cli, "fmt", "--root", str(root))[0] == 0
    assert texts(root) == once


def test_the_shipped_files_are_already_formatted(cli: CliRunner) -> None:
    for root in (ROOT, ROOT / "examples" / "pss-2006"):
        code, out, err = invoke(cli, "fmt", "--check", "--root", str(root))
        assert (code, out) == (0, ""), err


SHUFFLED = """\
# Strand 1: a header comment.
work_elements:
  # the first element
  - title: Publish a code   # what it delivers
    id: S1.1
    milestones:
      - due: "2004-11-30"
        id: S1.1.M1
        title: "2004-11-30"
      # the second milestone


      - id: S1.1.M2
        title: Code implemented
        due: 2005-06-30
    lead:
  - id: S1.2
    title: Second
lead: lead-a
id: S1
x-notes: kept where it was written
title: Security of information   # the strand's name
purpose: >-
  To keep information safe.

  A second paragraph.
"""

EXPECTED = """\
# Strand 1: a header comment.
id: S1
title: Security of information   # the strand's name
purpose: >-
  To keep information safe.

  A second paragraph.
lead: lead-a
work_elements:
  # the first element
  - id: S1.1
    title: Publish a code   # what it delivers
    lead: null
    milestones:
      - id: S1.1.M1
        title: "2004-11-30"
        due: 2004-11-30

      # the second milestone
      - id: S1.1.M2
        title: Code implemented
        due: 2005-06-30

  - id: S1.2
    title: Second
x-notes: kept where it was written
"""


def test_one_layout_keeping_comments() -> None:
    result = format_bytes("data/strands/S1.yaml", SHUFFLED.encode(), Strand)
    assert result.problem is None
    assert result.after == EXPECTED
    assert parse_yaml(EXPECTED.encode()).data == parse_yaml(SHUFFLED.encode()).data


def formatted(cli: CliRunner, repo: RepoBuilder) -> RepoBuilder:
    assert invoke(cli, "fmt", "--root", str(repo.root))[0] == 0
    return repo


def test_check_shows_a_diff_and_writes_nothing(cli: CliRunner, repo: RepoBuilder) -> None:
    formatted(cli, repo)
    repo.edit("data/strands/S1.yaml", "lead: lead-a\n", "")
    repo.edit("data/strands/S1.yaml", "id: S1\n", "id: S1\nlead: lead-a\n")
    before = repo.read("data/strands/S1.yaml")
    code, out, err = invoke(cli, "fmt", "--check", "--root", str(repo.root))
    assert code == 1
    assert out.startswith("--- a/data/strands/S1.yaml\n+++ b/data/strands/S1.yaml\n")
    assert "-lead: lead-a\n" in out and "+lead: lead-a\n" in out
    assert "one file would be reformatted" in err and "run `psstrat fmt`" in err
    assert repo.read("data/strands/S1.yaml") == before
    code, out, err = invoke(cli, "fmt", "--root", str(repo.root))
    assert (code, out) == (0, "formatted data/strands/S1.yaml\n")
    assert invoke(cli, "fmt", "--check", "--root", str(repo.root))[0] == 0


def test_a_file_that_does_not_parse_is_reported_and_never_rewritten(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    formatted(cli, repo)
    broken = "id: R0001\ntitle: [unclosed\n  lead: a\n"
    repo.write("data/risks/R0001.yaml", broken)
    repo.write("data/risks/R0002.yaml", "title: Second\nid: R0002\n")
    code, out, err = invoke(cli, "fmt", "--root", str(repo.root))
    assert code == 1
    assert re.search(r"data/risks/R0001\.yaml:\d+:\d+: not formatted: ", out)
    assert "one file not formatted" in err
    assert repo.read("data/risks/R0001.yaml") == broken
    assert repo.read("data/risks/R0002.yaml") == "id: R0002\ntitle: Second\n"
    repo.write("data/risks/R0001.yaml", "a: &x [1]\nb: *x\n")
    code, out, _ = invoke(cli, "fmt", "--root", str(repo.root))
    assert code == 1 and "not formatted: anchor `&x` is not allowed" in out
    assert repo.read("data/risks/R0001.yaml") == "a: &x [1]\nb: *x\n"


def test_fmt_dash_formats_stdin_to_stdout_for_an_editor(cli: CliRunner, repo: RepoBuilder) -> None:
    """`fmt - --stdin-filename PATH` (format-on-save): the buffer in, its layout out, as `fmt`
    would write that file; nothing on the disk read as the text or written."""
    before = repo.read("data/strands/S1.yaml")
    path = str(repo.root / "data/strands/S1.yaml")  # as an editor gives it: absolute
    args = ["fmt", "-", "--stdin-filename", path, "--root", str(repo.root)]
    ran = call(cli, args, input=SHUFFLED)
    assert (ran.exit_code, ran.stdout, ran.stderr) == (0, EXPECTED, "")
    assert repo.read("data/strands/S1.yaml") == before
    ran = call(cli, [*args[:1], "--check", *args[1:]], input=SHUFFLED)
    assert ran.exit_code == 1 and ran.stdout.startswith("--- a/data/strands/S1.yaml\n")
    assert call(cli, [*args[:1], "--check", *args[1:]], input=EXPECTED).exit_code == 0
    # The settings file is laid out as the settings (whose keys are not a strand's).
    settings = "# spelt out\nyear_start_month: 4  # April\ndue_soon_days: 30\n"
    ran = call(
        cli,
        ["fmt", "-", "--stdin-filename", str(repo.root / "psstrat.yaml"), "--root", str(repo.root)],
        input=settings,
    )
    assert (ran.exit_code, ran.stdout) == (0, settings), ran.stderr


def test_fmt_dash_gives_back_what_it_cannot_lay_out(cli: CliRunner, repo: RepoBuilder) -> None:
    """A buffer that does not parse comes back unchanged on stdout (an editor that takes
    stdout whatever the status keeps its text), the problem on stderr, exit 1."""
    broken = "id: R0001\ntitle: [unclosed\n  lead: a\n"
    path = str(repo.root / "data/risks/R0001.yaml")
    args = ["fmt", "-", "--stdin-filename", path, "--root", str(repo.root)]
    ran = call(cli, args, input=broken)
    assert (ran.exit_code, ran.stdout) == (1, broken)
    assert re.fullmatch(r"data/risks/R0001\.yaml:\d+:\d+: not formatted: .*\n", ran.stderr)
    huge = "id: R0001\ntitle: " + "x" * (1024 * 1024) + "\n"
    ran = call(cli, args, input=huge)
    assert ran.exit_code == 1 and "larger than 1024 KiB" in ran.stderr
    assert ran.stdout == huge  # all of it back, the part past the limit passed through
    for text in (broken, huge):  # --check reports, as for files; it never echoes the text
        ran = call(cli, [*args, "--check"], input=text)
        assert ran.exit_code == 1 and ran.stdout == "" and "not formatted" in ran.stderr


@pytest.mark.parametrize(
    ("closed", "says"),
    [
        ("<&-", "standard input, which is closed; pipe the file in"),
        (">&-", "standard output, which is closed; give it somewhere to go"),
    ],
)
def test_fmt_dash_with_a_stream_closed_is_one_line(
    repo: RepoBuilder, closed: str, says: str
) -> None:
    """Started with standard input or output closed (`<&-`, `>&-`: Python's sys.stdin or
    sys.stdout is None), `fmt -` says so in one line, exit 2, rather than failing inside."""
    path = str(repo.root / "data/risks/R0001.yaml")
    cmd = [sys.executable, "-m", "psstrat", "fmt", "-", "--stdin-filename", path]
    ran = subprocess.run(
        ["sh", "-c", f'"$@" {closed}', "sh", *cmd, "--root", str(repo.root)],
        input=repo.read("data/risks/R0001.yaml"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 2, ran.stderr
    assert says in ran.stderr
    assert len(ran.stderr.splitlines()) == 1 and ran.stdout == ""


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["fmt", "-"], "`fmt -` needs --stdin-filename PATH"),
        (["fmt", "-", "data"], "`-` (standard input) is given alone"),
        (["fmt", "--stdin-filename", "data/risks/R0001.yaml"], "is given alone"),
        (["fmt", "-", "--stdin-filename", "notes.txt"], "notes.txt is not part of the format"),
    ],
)
def test_fmt_dash_misuse_is_one_line(
    cli: CliRunner, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch, args: list[str], says: str
) -> None:
    monkeypatch.chdir(repo.root)  # relative paths are from where the user stands
    ran = call(cli, [*args, "--root", str(repo.root)], input="id: R0001\n")
    assert ran.exit_code == 2 and says in ran.stderr and "Traceback" not in ran.stderr


def test_paths_choose_the_files(cli: CliRunner, repo: RepoBuilder, tmp_path: Path) -> None:
    formatted(cli, repo)
    for rel in ("data/strands/S1.yaml", "data/risks/R0001.yaml"):
        repo.write(rel, repo.read(rel) + "\n\n\n")
    s1 = repo.root / "data/strands/S1.yaml"
    code, out, _ = invoke(cli, "fmt", "--root", str(repo.root), str(s1))
    assert (code, out) == (0, "formatted data/strands/S1.yaml\n")
    assert repo.read("data/risks/R0001.yaml").endswith("\n\n\n")
    code, out, _ = invoke(cli, "fmt", "--root", str(repo.root), str(repo.root / "data/risks"))
    assert (code, out) == (0, "formatted data/risks/R0001.yaml\n")
    code, _, err = invoke(cli, "fmt", "--root", str(tmp_path))
    assert code == 2 and "holds no strategy" in err
    (tmp_path / "elsewhere.yaml").write_text("a: 1\n")
    code, _, err = invoke(cli, "fmt", "--root", str(repo.root), str(tmp_path / "elsewhere.yaml"))
    assert code == 2 and "outside the strategy repository" in err
    repo.write("data/notes.txt", "x")
    code, _, err = invoke(cli, "fmt", "--root", str(repo.root), str(repo.root / "data/notes.txt"))
    assert code == 2 and "not part of the format" in err


def test_hostile_text_in_a_diff_is_shown_not_obeyed(cli: CliRunner, repo: RepoBuilder) -> None:
    formatted(cli, repo)
    repo.write("data/risks/R0002.yaml", "title: red \u202eder\nid: R0002\n")  # raw, as pasted
    code, out, _ = invoke(cli, "fmt", "--check", "--root", str(repo.root))
    assert code == 1
    assert "\u202e" not in out
    assert " title: red \\u202eder" in out


_text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    max_size=30,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_text, purpose=_text, extra=_text)
def test_any_text_survives_formatting(title: str, purpose: str, extra: str) -> None:
    """Whatever the strings (quotes, colons, #, dates, newlines, unicode), the values after
    formatting are the values before, and formatting twice changes nothing more."""

    def quote(text: str) -> str:  # YAML double quotes, every character escaped but ASCII
        def one(ch: str) -> str:
            if " " <= ch <= "~" and ch not in '"\\':
                return ch
            return f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}"

        return '"' + "".join(map(one, text)) + '"'

    source = (
        f"purpose: {quote(purpose)}\ntitle: {quote(title)}\nid: S1\nx-extra: {quote(extra)}\n"
    ).encode()
    first = format_bytes("data/strands/S1.yaml", source, Strand)
    assert first.problem is None and first.after is not None
    assert parse_yaml(first.after.encode()).data == parse_yaml(source).data
    second = format_bytes("data/strands/S1.yaml", first.after.encode(), Strand)
    assert second.after == first.after


MUTATIONS = [
    ("\n", "\n\n"),  # a blank line more
    (": ", ":  "),  # two spaces after a key
    ("  - ", "- "),  # list items at their key's indent
    ("id: ", "'id': "),  # a quoted key
    ("title: ", "title: '"),  # (a broken quote: must not parse, or not be canonical)
    ("null", "~"),
    ("true", "yes"),
    ("[", "[ "),
    (", ", ","),
    ("{", "{ "),
    (">-", "|-"),
    (">-", ">"),
    ("    ", "     "),
    ("# ", "#"),
    ("2004-", "'2004-"),
    ("\n  ", "\n    "),
]


def _variants(text: str) -> list[str]:
    out: list[str] = []
    for old, new in MUTATIONS:
        at = text.find(old)
        while at >= 0 and len(out) < 120:
            out.append(text[:at] + new + text[at + len(old) :])
            at = text.find(old, at + len(old) + 200)
    return out


def test_the_fast_check_never_disagrees_with_the_round_trip(tmp_path: Path) -> None:
    """`fmt --check` skips the round trip for files it can prove canonical from libyaml's
    events; on every shipped file and hundreds of near-misses, it never says canonical when
    the round trip would change the file."""
    from psstrat.commands.fmt import shape_of
    from psstrat.repository import file_kind, model_of
    from psstrat.settings import Settings
    from psstrat.yamlio import YamlProblem, already_canonical, canonical_yaml

    files = [
        (ROOT, p)
        for root in (ROOT, ROOT / "examples" / "pss-2006")
        for p in [*sorted(root.glob("data/**/*.yaml")), root / "psstrat.yaml"]
    ]
    checked = fast = 0
    for root, path in files:
        rel = str(path.relative_to(root)) if path.is_relative_to(root) else path.name
        kind = file_kind(rel)
        model = Settings if path.name == "psstrat.yaml" else model_of(kind or "strands")
        shape = shape_of(model)
        for text in [path.read_text(), *_variants(path.read_text())]:
            raw = text.encode()
            try:
                parse_yaml(raw)
            except YamlProblem:
                continue
            checked += 1
            if already_canonical(raw, shape):
                fast += 1
                assert canonical_yaml(raw, shape) == text, (path, text)
    assert checked > 500 and fast > 20
