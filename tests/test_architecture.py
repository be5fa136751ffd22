"""The house rules docs/architecture.md states, checked: each command is found by its name,
there is one error boundary, and each command's formats are registered once.

The layers themselves are import-linter's (pyproject.toml; exhaustive, so a new module must
be given a layer); what is checked here is what a layers contract cannot state.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from psstrat.cli.app import app
from tests.conftest import invoke

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "psstrat"


def commands() -> list[str]:
    """Every command the app has, as its module is named (`new`'s subcommands as one command;
    `import`, a Python keyword, as `import_`)."""
    import keyword

    group = get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return sorted(f"{n}_" if keyword.iskeyword(n) else n for n in group.commands)


@pytest.mark.parametrize("name", commands())
def test_each_command_is_found_by_its_name(name: str) -> None:
    """`psstrat X` is parsed in cli/X.py and computed in commands/X.py (a module or a
    package); what it prints, if more than a line, is laid out in output/X.py (the paper in
    report/)."""
    assert (PACKAGE / "cli" / f"{name}.py").is_file()
    assert (PACKAGE / "commands" / f"{name}.py").is_file() or (
        PACKAGE / "commands" / name / "__init__.py"
    ).is_file()


def test_every_command_module_is_a_command() -> None:
    """Nothing sits in commands/ that is not a command (shared domain code belongs in the
    layers below, where import-linter places it)."""
    found = {p.stem for p in (PACKAGE / "commands").glob("*.py") if p.stem != "__init__"}
    found |= {p.parent.name for p in (PACKAGE / "commands").glob("*/__init__.py")}
    assert found == set(commands())


CLI_FILES = sorted(p for p in (PACKAGE / "cli").glob("*.py") if p.name != "__init__.py")


@pytest.mark.parametrize("path", CLI_FILES, ids=lambda p: p.name)
def test_one_error_boundary(path: Path) -> None:
    """Command modules raise; only psstrat.cli.run turns an error into an exit status. No
    module of the command line catches PsstratError (or everything), or exits with 2."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler):
            caught = ast.unparse(node.type) if node.type is not None else "everything"
            assert not any(
                name in caught for name in ("PsstratError", "Exception", "everything")
            ), f"{path.name}:{node.lineno} catches {caught}"
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("Exit"):
            codes = [ast.unparse(a) for a in node.args]
            assert codes in ([], ["1"]), f"{path.name}:{node.lineno} exits {codes}"


COMMAND_FILES = sorted((PACKAGE / "commands").rglob("*.py"))


@pytest.mark.parametrize("path", COMMAND_FILES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_commands_return_values(path: Path) -> None:
    """A command's domain code returns values and raises; it never prints or exits, so the
    command line decides what is shown and with which status."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            called = ast.unparse(node.func)
            assert called not in ("print", "sys.exit", "exit"), f"{path.name}:{node.lineno}"
        if isinstance(node, ast.Attribute):
            assert ast.unparse(node) not in ("sys.stdout", "sys.stderr"), (
                f"{path.name}:{node.lineno}"
            )


FORMATTED = {
    "validate": ("psstrat.output.validate", ["auto"]),
    "status": ("psstrat.output.status", []),
    "overdue": ("psstrat.output.overdue", []),
    "plan": ("psstrat.output.plan", []),
    "changes": ("psstrat.output.changes", []),
    "history": ("psstrat.output.history", []),
    "report": ("psstrat.report.paper", []),
}


@pytest.mark.parametrize("name", sorted(FORMATTED))
def test_formats_are_registered_once(name: str, cli: CliRunner) -> None:
    """`--format` takes exactly the names the command's presenter registers: a format added
    to FORMATS is offered, and one offered is made."""
    module, extra = FORMATTED[name]
    formats = [*extra, *importlib.import_module(module).FORMATS]
    args = ["report", "-q", "2004-Q3"] if name == "report" else [name]
    if name == "history":
        args.append("R0001")
    code, _, err = invoke(cli, *args, "--format", "no-such-format")
    assert code == 2
    assert f"use one of: {', '.join(formats)}" in " ".join(err.split())
