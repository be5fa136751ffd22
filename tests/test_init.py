"""`psstrat init`: a new repository that validates clean at once, wired to its schemas."""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import invoke

ROOT = Path(__file__).resolve().parents[1]
START = "2025-04-01"


def init(cli: CliRunner, where: Path, *args: str) -> tuple[int, str, str]:
    return invoke(cli, "init", str(where), "--start", START, *args)


def first_quarter(cli: CliRunner, root: Path) -> tuple[int, str]:
    """The paper for the new strategy's first quarter, in Markdown."""
    args = ["--root", str(root), "-q", "2025-Q1", "--format", "md", "--as-of", "2025-06-30"]
    code, out, _ = invoke(cli, "report", *args)
    return code, out


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_a_new_repository_validates_clean_and_reports(cli: CliRunner, tmp_path: Path) -> None:
    code, out, err = init(cli, tmp_path / "new")
    assert code == 0, err
    assert "wrote " in out and "Next: cd " in out and "<owner>/psstrat" in out
    new = tmp_path / "new"
    for rel in (
        "psstrat.yaml",
        "data/strategy.yaml",
        "data/owners.yaml",
        "data/meetings.yaml",
        "data/strands/S1.yaml",
        "data/risks/R0001.yaml",
        "data/sia/SIA-2025.yaml",
        ".github/workflows/validate-strategy.yml",
        ".pre-commit-config.yaml",
        ".vscode/settings.json",
        "README.md",
    ):
        assert (new / rel).is_file(), rel
    code, out, _ = invoke(cli, "validate", "--root", str(new), "--as-of", START)
    assert (code, out.strip()) == (0, "no problems in 6 files")
    code, out, _ = invoke(cli, "fmt", "--check", "--root", str(new))
    assert (code, out) == (0, "")  # already in the one layout
    code, out = first_quarter(cli, new)
    assert code == 0
    assert "one milestone is due next quarter" in out
    assert "holds one live risk" in out


def test_every_file_passes_the_schema_the_editor_settings_give_it(
    cli: CliRunner, tmp_path: Path
) -> None:
    assert init(cli, tmp_path)[0] == 0
    settings = json.loads((tmp_path / ".vscode/settings.json").read_text())
    data = [p for p in tmp_path.rglob("*.yaml") if ".github" not in p.parts]
    data = [p for p in data if p.name != ".pre-commit-config.yaml"]
    covered = set()
    for schema, pattern in settings["yaml.schemas"].items():
        files = [p for p in data if fnmatch.fnmatch(str(p.relative_to(tmp_path)), pattern)]
        assert files, pattern
        covered.update(files)
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "check_jsonschema",
                "--schemafile",
                str(tmp_path / schema),
                *map(str, files),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout
    assert covered == set(data)


def test_every_file_names_its_schema_for_editors_without_the_vscode_settings(
    cli: CliRunner, tmp_path: Path
) -> None:
    """The modeline (the YAML language server's: Neovim, Helix, Emacs, github.dev) of each
    file is the schema `.vscode/settings.json` gives it, by a path from the file; `new`
    writes one in each new file too."""
    assert init(cli, tmp_path)[0] == 0
    settings = json.loads((tmp_path / ".vscode/settings.json").read_text())
    data = [tmp_path / "psstrat.yaml", *sorted((tmp_path / "data").rglob("*.yaml"))]
    for path in data:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        schema = (path.parent / first.partition("=")[2]).resolve()
        assert schema.is_file()
        pattern = settings["yaml.schemas"][schema.relative_to(tmp_path).as_posix()]
        assert fnmatch.fnmatch(path.relative_to(tmp_path).as_posix(), pattern)
    args = ["new", "strand", "--title", "Vetting", "--lead", "head-of-standards"]
    code, _, err = invoke(cli, *args, "--root", str(tmp_path))
    assert code == 0, err
    strand = (tmp_path / "data/strands/S2.yaml").read_text(encoding="utf-8")
    assert strand.startswith("# yaml-language-server: $schema=../../schemas/strand.schema.json\n")


def test_a_setting_changed_without_the_schemas_is_reported(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Add a category and use it: validate says the editor's schema is stale, and how to
    refresh it; after `psstrat schema --out schemas`, nothing."""
    assert init(cli, tmp_path)[0] == 0
    monkeypatch.chdir(tmp_path)
    settings = tmp_path / "psstrat.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("people, information]", "people, information, vetting]"))
    risk = tmp_path / "data/risks/R0001.yaml"
    risk.write_text(re.sub(r"category: \w+", "category: vetting", risk.read_text()))
    code, out, _ = invoke(cli, "validate", "--root", str(tmp_path), "--as-of", START)
    assert code == 0
    assert out.splitlines()[0] == (
        "schemas/risk.schema.json: warning[stale-schema] the schema is out of date: `psstrat "
        "schema` writes it differently now (psstrat.yaml's markings or categories, or psstrat "
        "itself, changed), so editors check against the old format; run "
        "`psstrat schema --out schemas` in the folder that holds psstrat.yaml, and commit the "
        "result"
    )
    assert (
        invoke(cli, "schema", "--root", str(tmp_path), "--out", str(tmp_path / "schemas"))[0] == 0
    )
    code, out, _ = invoke(cli, "validate", "--root", str(tmp_path), "--as-of", START)
    assert (code, out.strip()) == (0, "no problems in 6 files")


def test_schemas_are_what_psstrat_schema_writes(cli: CliRunner, tmp_path: Path) -> None:
    assert init(cli, tmp_path / "new")[0] == 0
    assert (
        invoke(cli, "schema", "--root", str(tmp_path / "new"), "--out", str(tmp_path / "s"))[0] == 0
    )
    assert tree(tmp_path / "s") == tree(tmp_path / "new" / "schemas")


def test_it_never_overwrites(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("our own notes\n")
    before = tree(tmp_path)
    code, _, err = init(cli, tmp_path)
    assert code == 2
    assert "README.md already exists" in err and "never overwrites" in err
    assert tree(tmp_path) == before  # nothing written at all
    (tmp_path / "file").write_text("")
    code, _, err = init(cli, tmp_path / "file")
    assert code == 2 and "is a file" in err


def test_the_same_arguments_give_the_same_bytes(cli: CliRunner, tmp_path: Path) -> None:
    assert init(cli, tmp_path / "a")[0] == 0
    assert init(cli, tmp_path / "b")[0] == 0
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_workflow_and_pins_are_the_documented_ones(cli: CliRunner, tmp_path: Path) -> None:
    code, out, _ = init(cli, tmp_path, "--source", "my-force/psstrat")
    assert code == 0 and "<owner>" not in out
    shipped = (ROOT / ".github/workflows/validate-strategy.yml").read_text()
    written = (tmp_path / ".github/workflows/validate-strategy.yml").read_text()
    assert written == shipped.replace("<owner>/psstrat", "my-force/psstrat")
    readme = (ROOT / "README.md").read_text()
    precommit = (tmp_path / ".pre-commit-config.yaml").read_text()
    rev = precommit.split("rev: ")[1].split()[0]
    assert f"psstrat@{rev}" in readme and f"rev: {rev}" in readme
    assert "repo: https://github.com/my-force/psstrat" in precommit
    assert "id: psstrat-validate" in precommit and "id: psstrat-fmt" in precommit


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--source", "not a repo"], "is not OWNER/REPOSITORY"),
        (["--title", "Bad\x1b[31m title"], "must be one line of visible text"),
        (["--start", "2025-13-01"], "is not a date"),
    ],
)
def test_bad_arguments_are_refused(
    cli: CliRunner, tmp_path: Path, args: list[str], words: str
) -> None:
    code, _, err = invoke(cli, "init", str(tmp_path / "x"), *args)
    assert code == 2 and words in err
    assert not (tmp_path / "x").exists()


def test_awkward_titles_stay_text(cli: CliRunner, tmp_path: Path) -> None:
    title = "Standards: the #1 priority, 2025-2030"
    assert init(cli, tmp_path, "--title", title, "--committee", "Audit & Risk: Committee")[0] == 0
    code, out, _ = invoke(cli, "validate", "--root", str(tmp_path), "--as-of", START)
    assert code == 0, out
    code, out = first_quarter(cli, tmp_path)
    assert f"# {title}: progress report" in out
    assert "Audit &amp; Risk: Committee" in out  # Markdown shows it as &
