"""No text in the data becomes a GitHub Actions workflow command (issue 17, item 7).

The runner obeys `::cmd::` after leading white space and `##[cmd]` anywhere in a line of a
step's stdout or stderr (tests/actions_runner.py ports its parsers). Every line psstrat prints
is checked against that port: hostile strings go into the data, every line-oriented output is
made from them, and no line may parse as a command, but for `validate --format github`, whose
every line must parse as exactly the command psstrat meant, with the data in the message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import shutil
import subprocess
import tempfile
import textwrap
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from psstrat.cli import run
from psstrat.cli.validate import _base
from psstrat.commands.validate import validate
from psstrat.output import to_json
from psstrat.output.validate import annotated, as_seen_from, more_problems
from psstrat.safetext import LINE_BREAKS, Style, inert, md_escape, visible
from tests import actions_runner as runner
from tests.conftest import RepoBuilder

ROOT = Path(__file__).resolve().parents[1]
S1 = "data/strands/S1.yaml"
AS_OF = "2005-12-31"
STYLES: tuple[Style, ...] = ("text", "json", "md", "html")

# -- the port itself, against the runner's own tests (src/Test/L0/Worker/ActionCommandL0.cs) ----

DO = frozenset({"do-something"})


@pytest.mark.parametrize(
    ("line", "properties", "data"),
    [
        ("##[do-something k1=v1;]msg", {"k1": "v1"}, "msg"),
        ("##[do-something]", {}, ""),
        ("##[do-something k1=%3B=%0D=%0A=%5D;]%3B-%0D-%0A-%5D", {"k1": ";=\r=\n=]"}, ";-\r-\n-]"),
        (
            "##[do-something k1=%253B=%250D=%250A=%255D;]%253B-%250D-%250A-%255D",
            {"k1": "%3B=%0D=%0A=%5D"},
            "%3B-%0D-%0A-%5D",
        ),
        ("##[do-something k1=;k2=;]", {}, ""),
        (">>>   ##[do-something k1=v1;]msg", {"k1": "v1"}, "msg"),
    ],
)
def test_the_legacy_parser_reads_what_the_runner_reads(
    line: str, properties: dict[str, str], data: str
) -> None:
    command = runner.try_parse(line, DO)
    assert command is not None
    assert (command.name, command.properties, command.data) == ("do-something", properties, data)


@pytest.mark.parametrize(
    ("line", "properties", "data"),
    [
        ("::do-something k1=v1,::msg", {"k1": "v1"}, "msg"),
        ("::do-something::", {}, ""),
        (
            "::do-something k1=;=%2C=%0D=%0A=]=%3A,::;-%0D-%0A-]-:-,",
            {"k1": ";=,=\r=\n=]=:"},
            (";-\r-\n-]-:-,"),
        ),
        (
            "::do-something k1=;=%252C=%250D=%250A=]=%253A,::;-%250D-%250A-]-:-,",
            {"k1": ";=%2C=%0D=%0A=]=%3A"},
            ";-%0D-%0A-]-:-,",
        ),
        ("::do-something k1=,k2=,::", {}, ""),
        ("::do-something k1=v1::", {"k1": "v1"}, ""),
        ("   ::do-something k1=v1,::msg", {"k1": "v1"}, "msg"),
        ("\u00a0\u2003\u3000::do-something::msg", {}, "msg"),  # TrimStart: all white space
    ],
)
def test_the_v2_parser_reads_what_the_runner_reads(
    line: str, properties: dict[str, str], data: str
) -> None:
    command = runner.try_parse_v2(line, DO)
    assert command is not None
    assert (command.name, command.properties, command.data) == ("do-something", properties, data)


@pytest.mark.parametrize(
    "line",
    ["   >>>   ::do-something k1=v1,::msg", "::do-nothing::msg", "\u200b::do-something::x"],
)
def test_what_the_runner_does_not_obey(line: str) -> None:
    assert runner.command_in(line, DO) is None


def test_lines_end_where_the_runners_do() -> None:
    assert runner.lines("a\nb\r\nc\rd\u2028e\x85f\x0bg\n") == ["a", "b", "c", "d\u2028e\x85f\x0bg"]
    assert runner.split("file=a=b", "=", 2) == ["file", "a=b"]
    assert runner.split("k==v", "=", 2) == ["k", "v"]


# -- inert: the one escaping step --------------------------------------------------------------

PIECES = [
    "::",
    ":",
    "##[",
    "#",
    "[",
    "]",
    "error",
    "add-mask",
    "stop-commands",
    " file=README.md,line=1",
    ",",
    "=",
    "%0A",
    "%25",
    "x",
    " ",
    "\t",
    "\u00a0",
    "\u2000",
    "\u3000",
    "\u200b",
    "\ufeff",
    "\u2028",
    "\x85",
    "\r",
    "\n",
    "\r\n",
    "\x0b",
    "\x1b[2J",
    "é",
    '"',
    "\\",
]
hostile = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=12).map("".join),
    st.text(max_size=30),
)


@settings(max_examples=400, deadline=None)
@given(hostile)
@example("::error file=README.md::forged")
@example(" \u3000::add-mask::x")
@example("x ##[error]forged")
@example("###[error]forged")
def test_no_line_of_inert_text_is_a_command(text: str) -> None:
    for style in STYLES:
        assert runner.commands_in(inert(text, style)) == []
    assert runner.commands_in(inert(visible(text))) == []


@settings(max_examples=300, deadline=None)
@given(st.recursive(hostile, lambda inner: st.lists(inner) | st.dictionaries(hostile, inner)))
@example({"title": "::error::x", "lines": ["a\u2028  ::warning::y", "##[error]z"]})
def test_inert_json_reads_back_exactly(value: Any) -> None:
    """JSON's own escapes: json.loads gives back exactly the original value."""
    for indent in (2, None):
        text = inert(json.dumps(value, indent=indent, ensure_ascii=False), "json")
        assert json.loads(text) == value
        assert runner.commands_in(text) == []
    assert json.loads(to_json(value)) == value
    assert runner.commands_in(to_json(value)) == []


def test_the_escapes_are_visible_and_minimal() -> None:
    assert inert("  ::error::x\n##[error]y") == "  \\x3a:error::x\n#\\x23[error]y"
    assert inert('"::x ##[y"', "json") == '"::x #\\u0023[y"'  # mid-line `::` is left alone
    assert inert("\u2028::x", "json") == "\u2028\\u003a:x"
    assert inert(" ::x ##[y", "md") == " \\::x #\\#[y"
    assert inert(" ::x ##[y", "html") == " &#58;:x #&#35;[y"
    assert inert("a::b: c #[x] # [y]") == "a::b: c #[x] # [y]"  # nothing else changes


@settings(max_examples=300, deadline=None)
@given(hostile)
def test_markdown_text_never_starts_a_line_with_a_colon_or_holds_hash_hash_bracket(
    text: str,
) -> None:
    escaped = md_escape(text)
    assert "##[" not in escaped
    assert not escaped.lstrip().startswith(":")
    assert not any(b in escaped for b in LINE_BREAKS)
    for lead in ("", "  ", "- "):
        assert runner.commands_in(f"{lead}{escaped}\n") == []


# -- every output, from hostile data -------------------------------------------------------------

HAS_GIT = shutil.which("git") is not None


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
    )


def _q(text: str) -> str:
    """A YAML double-quoted scalar holding exactly ``text``: what a file may not hold raw
    (controls, line breaks, invisible characters) as YAML's escapes."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs"):
            out.append(f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


@contextlib.contextmanager
def _hostile_repository(strings: list[str], line: str, name: str) -> Iterator[Path]:
    """The test repository, committed, then edited so every string reaches some output: a
    milestone title, an owner's role, a risk title, a strand lead (an unknown reference
    quoted by validate), a new milestone and a new risk (listed by changes), a line of a
    block scalar beside a line fmt changes (in its diff), a file name, a category."""
    with tempfile.TemporaryDirectory() as tmp:
        repo = RepoBuilder(Path(tmp) / "strategy")
        root = repo.root
        repo.write("psstrat.yaml", f"categories: [information, {_q(strings[0])}]\n")
        if HAS_GIT:
            _git(root, "init", "-q", "-b", "main")
            _git(root, "add", "-A")
            _git(root, "commit", "-qm", "start")
        a, b, c, d, e, f = strings
        repo.edit(S1, "title: Code implemented", f"title: {_q(a)}")
        repo.edit(S1, "lead: lead-a", f"lead: {_q(b)}")
        repo.edit(
            S1,
            "      - date: 2004-12-01\n        text: Code agreed by the committee.",
            f"      - date: '2004-12-01'\n        text: |\n          Fine.\n          {line}",
        )
        repo.edit(
            S1,
            "        due: 2005-06-30\n",
            f"        due: 2005-06-30\n      - id: S1.1.M3\n        title: {_q(c)}\n"
            "        due: 2005-01-31\n",
        )
        repo.edit("data/owners.yaml", "role: Deputy Director, DPS", f"role: {_q(d)}")
        repo.edit("data/risks/R0001.yaml", "title: Information leakage", f"title: {_q(e)}")
        risk = repo.read("data/risks/R0001.yaml").replace("id: R0001", "id: R0002")
        repo.write("data/risks/R0002.yaml", risk.replace(_q(e), _q(f)))
        with contextlib.suppress(OSError):  # a name the file system refuses
            (root / "data/risks" / f"{name}.yaml").write_text(risk, encoding="utf-8")
        yield root


def _psstrat(*args: str) -> tuple[int, str, str]:
    """psstrat through its real entry point and error boundary, in this process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(args))
    return code, out.getvalue(), err.getvalue()


COMMANDS = [
    ["validate", "--format", "text"],
    ["validate", "--format", "json"],
    ["validate", "--format", "sarif"],
    # Session all: everything in the data reaches these outputs (open is the default).
    ["overdue", "--format", "table", "--allow-errors", "--session", "all"],
    ["overdue", "--format", "csv", "--allow-errors", "--session", "all"],
    ["overdue", "--format", "json", "--allow-errors", "--session", "all"],
    ["overdue", "--session", "all"],  # refused: the errors listed on stderr
    ["plan", "--format", "table", "--allow-errors", "--session", "all"],
    ["plan", "--format", "csv", "--allow-errors", "--session", "all"],
    ["overdue", "--kind", "all", "--format", "csv", "--allow-errors", "--session", "all"],
    ["status", "--allow-errors", "--session", "all"],
    ["status", "--format", "json", "--allow-errors", "--session", "all"],
    ["history", "R0001", "--session", "all"],
    ["history", "R0001", "--format", "json", "--session", "all"],
    ["changes", "--since", "HEAD", "--session", "all"],
    ["changes", "--since", "HEAD", "--format", "md", "--session", "all"],
    ["changes", "--since", "HEAD", "--format", "json", "--session", "all"],
    ["changes", "--since", "HEAD", "--format", "md"],
    ["fmt", "--check"],
    ["report", "--quarter", "2005-Q3", "--allow-errors"],
    ["report", "--quarter", "2005-Q3", "--allow-errors", "--format", "html"],
    ["schema", "risk"],
]


def _check_every_output(root: Path, git: bool = True) -> dict[str, str]:
    """Every line-oriented output made from the repository at ``root``: none holds a line the
    runner would obey, and the GitHub format holds exactly psstrat's own commands."""
    seen = {}
    for args in COMMANDS:
        if not git and args[0] in ("history", "changes"):
            continue
        code, out, err = _psstrat(*args, "--root", str(root), *_as_of(args))
        assert code in (0, 1), (args, err)
        assert runner.commands_in(out) == [], (args, out)
        assert runner.commands_in(err) == [], (args, err)
        seen[" ".join(args)] = out + err
    _check_github_format(root)
    return seen


def _as_of(args: list[str]) -> list[str]:
    return ["--as-of", AS_OF] if args[0] in ("validate", "overdue", "status", "plan") else []


def _check_github_format(root: Path) -> None:
    args = ["validate", "--format", "github", "--root", str(root), "--as-of", AS_OF]
    code, out, err = _psstrat(*args)
    assert code in (0, 1)
    assert runner.commands_in(err) == []
    expected = []
    diagnostics = validate(root, dt.date.fromisoformat(AS_OF)).diagnostics
    shown, left = annotated(as_seen_from(diagnostics, root, _base("github", root)))
    for d in shown:
        properties = {"file": inert(visible(d.path))}
        if d.line:
            properties |= {"line": str(d.line), "col": str(d.column)}
        properties["title"] = f"psstrat {d.code}"
        message = d.message + (f" ({d.help})" if d.help else "")
        expected.append((d.severity.value, properties, inert(visible(message))))
    if left:  # the one notice counting what GitHub would not show
        expected.append(("notice", {"title": "psstrat: more problems"}, more_problems(left)))
    parsed = [runner.command_in(line) for line in runner.lines(out)]
    assert all(parsed), out
    assert [(c.name, c.properties, c.data) for c in parsed if c] == expected


single_line = hostile.map(lambda s: s if s.strip() else s + "x")
_PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Zl", "Zp", "Co", "Cn"))
block_line = st.lists(
    _PRINTABLE | st.sampled_from(["::", "##[", " ", "\u3000", "\u00a0", "error", "add-mask::x"]),
    max_size=12,
).map("".join)
"""A line of a block scalar: anything YAML lets a file hold raw."""
file_name = (
    st.lists(
        st.characters(codec="utf-8", blacklist_characters="/\x00")
        | st.sampled_from(["::", "##[", "\n"]),
        min_size=1,
        max_size=12,
    )
    .map("".join)
    .filter(lambda s: not s.startswith(".") and len(s.encode()) < 200)
)


@pytest.mark.skipif(not HAS_GIT, reason="git is not installed")
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(single_line, min_size=6, max_size=6), block_line, file_name)
@example(
    [
        "##[error]forged\n::error file=README.md::forged",
        "x ##[error]forged",
        "  ::add-mask::secret",
        "\u3000::warning::forged",
        "a ##[group]b",
        "::stop-commands::tok",
    ],
    "::error file=README.md::forged ##[error]again",
    "x\n  ::error::named ##[warning]file",
)
def test_no_output_made_from_hostile_data_is_obeyed(
    monkeypatch: pytest.MonkeyPatch, strings: list[str], line: str, name: str
) -> None:
    for variable in ("GITHUB_ACTIONS", "GITHUB_WORKSPACE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    with _hostile_repository(strings, line, name) as root:
        _check_every_output(root)


# -- the defects of issue 17, each on its own -------------------------------------------------

FORGED_V2 = "  ::error file=README.md::forged"
FORGED_LEGACY = "see ##[error]forged"


@pytest.fixture
def forged(tmp_path: Path) -> Path:
    """The test repository with both forms of command in the data where each output shows it."""
    repo = RepoBuilder(tmp_path / "strategy")
    repo.edit(S1, "        completed: 2004-11-13\n", "")  # S1.1.M1 is overdue
    repo.edit(S1, "title: Code agreed", f"title: {_q(FORGED_LEGACY)}")
    repo.edit(S1, "lead: lead-a", f"lead: {_q(FORGED_LEGACY)}")  # quoted by validate
    repo.edit(
        S1,
        "      - date: 2004-12-01\n        text: Code agreed by the committee.",
        f"      - date: '2004-12-01'\n        text: |\n          Fine.\n        {FORGED_V2}",
    )
    return repo.root


def _lines_obeyed(*args: str) -> list[str]:
    code, out, err = _psstrat(*args)
    assert code in (0, 1), err
    return [line for line, _ in runner.commands_in(out + "\n" + err)]


def test_validate_text_cannot_forge_a_legacy_command(forged: Path) -> None:
    """`##[error]` anywhere in a line was obeyed: a lead quoted by validate made one."""
    out = _psstrat("validate", "--root", str(forged), "--as-of", AS_OF)[1]
    assert "#\\x23[error]forged" in out
    assert _lines_obeyed("validate", "--root", str(forged), "--as-of", AS_OF) == []


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_overdue_cannot_forge_a_command(forged: Path, fmt: str) -> None:
    args = ["overdue", "--root", str(forged), "--as-of", AS_OF, "-f", fmt, "--allow-errors"]
    assert _lines_obeyed(*args) == []
    if fmt == "json":  # JSON's own escape: the value reads back as it is
        rows = json.loads(_psstrat(*args)[1])
        assert rows[0]["title"] == FORGED_LEGACY


def test_fmt_check_diff_cannot_forge_a_command(forged: Path) -> None:
    """A diff's context line is the file's line after a space: `  ::error` in a block scalar
    was a command."""
    code, out, _ = _psstrat("fmt", "--check", "--root", str(forged))
    assert code == 1 and "\\x3a:error file=README.md::forged" in out
    assert _lines_obeyed("fmt", "--check", "--root", str(forged)) == []


@pytest.mark.skipif(not HAS_GIT, reason="git is not installed")
def test_changes_text_cannot_forge_a_command(forged: Path) -> None:
    _git(forged, "init", "-q", "-b", "main")
    _git(forged, "add", "-A")
    _git(forged, "commit", "-qm", "start")
    text = (forged / S1).read_text(encoding="utf-8")
    title = f"{FORGED_V2.strip()} {FORGED_LEGACY}"
    new = textwrap.indent(f"- id: S1.1.M3\n  title: {_q(title)}\n  due: 2005-01-31\n", " " * 6)
    (forged / S1).write_text(
        text.replace("        due: 2005-06-30\n", "        due: 2005-06-30\n" + new)
    )
    for fmt in ("text", "md", "json"):
        args = ["changes", "--since", "HEAD", "--root", str(forged), "-f", fmt]
        out = _psstrat(*args)[1]
        assert "S1.1.M3" in out
        assert _lines_obeyed(*args) == []


def test_an_error_message_quoting_the_data_cannot_forge_a_command(tmp_path: Path) -> None:
    repo = RepoBuilder(tmp_path / "strategy")
    repo.write("psstrat.yaml", f"open_session_max: {_q(FORGED_LEGACY)}\n")
    code, _, err = _psstrat("validate", "--root", str(repo.root))
    assert code == 2 and "#\\x23[error]forged" in err
    assert runner.commands_in(err) == []


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_template_cannot_forge_a_command_either(tmp_path: Path, fmt: str) -> None:
    """A template in the repository is untrusted like the data: the paper printed in CI is
    made inert as a whole, in its own format's escapes."""
    repo = RepoBuilder(tmp_path / "strategy")
    repo.write(f"templates/report.{fmt}.j2", "  ::error file=README.md::forged\nsee ##[error]x\n")
    code, out, _ = _psstrat("report", "--root", str(repo.root), "--quarter", "2004-Q3", "-f", fmt)
    assert code == 0 and runner.commands_in(out) == []
    escaped = {"md": "  \\::error file=README.md::forged\nsee #\\#[error]x\n"}
    # The HTML paper is the template's output inside psstrat's own document shell.
    body = "&#58;:error file=README.md::forged\nsee #&#35;[error]x\n"
    assert out == escaped["md"] if fmt == "md" else out.endswith(body + "</html>\n"), out


def test_the_github_format_is_exactly_psstrats_commands(forged: Path) -> None:
    _check_github_format(forged)


def test_ordinary_data_is_shown_as_it_was() -> None:
    """The shipped strategy holds neither form: the escape changes nothing in its outputs."""
    seen = _check_every_output(ROOT, git=False)
    assert not any("\\x3a" in text or "\\x23" in text for text in seen.values())
