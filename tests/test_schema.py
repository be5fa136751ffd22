"""JSON Schema for editors: generated from the models, described in the format reference's words,
checked here by a third-party validator (check-jsonschema)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from typer.testing import CliRunner

from psstrat.schemas import KINDS, json_schema
from psstrat.settings import Settings, load_settings
from tests.conftest import RepoBuilder, invoke

ROOT = Path(__file__).resolve().parents[1]
CHECK = [sys.executable, "-m", "check_jsonschema"]

FILES = {
    "strategy": ["data/strategy.yaml"],
    "owners": ["data/owners.yaml"],
    "meetings": ["data/meetings.yaml"],
    "strand": ["data/strands/*.yaml"],
    "risk": ["data/risks/*.yaml"],
    "sia": ["data/sia/*.yaml"],
    "settings": ["psstrat.yaml"],
}


def check(schema_dir: Path, kind: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CHECK, "--schemafile", str(schema_dir / f"{kind}.schema.json"), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )


def write_schemas(cli: CliRunner, root: Path, out: Path) -> None:
    code, stdout, stderr = invoke(cli, "schema", "--root", str(root), "--out", str(out))
    assert code == 0, stderr
    assert stdout.count("wrote ") == len(KINDS)


@pytest.mark.parametrize("root", [ROOT, ROOT / "examples" / "pss-2006"], ids=["data", "example"])
def test_every_shipped_file_passes_its_schema(cli: CliRunner, root: Path, tmp_path: Path) -> None:
    write_schemas(cli, root, tmp_path)
    checked = 0
    for kind, patterns in FILES.items():
        files = [f for pattern in patterns for f in sorted(root.glob(pattern))]
        if not files:
            continue
        result = check(tmp_path, kind, *files)
        assert result.returncode == 0, result.stdout + result.stderr
        checked += len(files)
    assert checked >= 7


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("status: on-track", "status: finished", "'finished' is not one of"),
        ("id: S1.1\n", "id: S1.x\n", "does not match"),
        ("purpose: To keep", "purpos: To keep", "'purpos' does not match any of the regexes"),
        ("  - id: S1.1\n", "  - id: S1.1\n    marking: top-secret\n", "'top-secret' is not one of"),
        ("due: 2005-06-30", "due: 30/06/2005", "does not match"),
    ],
    ids=["wrong-enum", "bad-id", "unknown-key", "unknown-marking", "bad-date"],
)
def test_a_wrong_file_fails_its_schema(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path, old: str, new: str, words: str
) -> None:
    write_schemas(cli, repo.root, tmp_path / "schema")
    strand = repo.root / "data/strands/S1.yaml"
    assert check(tmp_path / "schema", "strand", strand).returncode == 0
    repo.edit("data/strands/S1.yaml", old, new)
    result = check(tmp_path / "schema", "strand", strand)
    assert result.returncode == 1
    assert words in result.stdout + result.stderr


def test_extension_keys_pass(cli: CliRunner, repo: RepoBuilder, tmp_path: Path) -> None:
    write_schemas(cli, repo.root, tmp_path)
    repo.edit("data/strands/S1.yaml", "purpose: To", "x-notes: checked with the SIO\npurpose: To")
    assert check(tmp_path, "strand", repo.root / "data/strands/S1.yaml").returncode == 0


def test_markings_and_categories_come_from_the_settings(repo: RepoBuilder) -> None:
    repo.write(
        "psstrat.yaml",
        "markings: [public, restricted]\nopen_session_max: public\nclosed_session_max: restricted\n"
        "categories: [conduct, vetting]\n",
    )
    schema = json_schema("risk", load_settings(repo.root))
    properties = schema["properties"]
    assert properties["category"] == {
        "description": properties["category"]["description"],
        "enum": ["conduct", "vetting"],
    }
    marking = properties["marking"]["anyOf"][0]
    assert marking == {"enum": ["public", "restricted"]}
    rules = json_schema("settings", Settings())["properties"]["rules"]
    assert "vacant-lead" in rules["propertyNames"]["enum"]


def _properties(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    found = []
    if isinstance(node, dict):
        for name, value in node.get("properties", {}).items():
            found.append((f"{path}.{name}", value))
        for key, value in node.items():
            found.extend(_properties(value, f"{path}/{key}"))
    elif isinstance(node, list):
        for item in node:
            found.extend(_properties(item, path))
    return found


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_field_is_described_and_the_schema_is_valid(kind: str) -> None:
    schema = json_schema(kind, Settings())
    Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"  # editors' best
    text = json.dumps(schema)
    assert "$defs" not in text and "prefixItems" not in text  # nothing of 2019-09 and later
    fields = _properties(schema)
    assert fields
    undescribed = [path for path, value in fields if not value.get("description")]
    assert not undescribed
    assert "x-psstrat-choice" not in json.dumps(schema)


def test_ids_carry_their_pattern_and_an_example() -> None:
    strand = json_schema("strand", Settings())
    milestone = strand["definitions"]["Milestone"]["properties"]["id"]
    assert milestone["pattern"] == r"^S[1-9][0-9]*\.[1-9][0-9]*\.M[1-9][0-9]*$"
    assert milestone["examples"] == ["S5.1.M1"]
    assert milestone["patternErrorMessage"] == "not a valid id; ids here look like `S5.1.M1`"


def _patterned(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [found for item in node for found in _patterned(item)]
    if not isinstance(node, dict):
        return []
    here = [node] if isinstance(node.get("pattern"), str) else []
    return here + [found for value in node.values() for found in _patterned(value)]


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_pattern_says_what_it_wants_in_words(kind: str) -> None:
    """An editor shows `patternErrorMessage` (the YAML language server and VS Code) instead
    of the raw regular expression: every pattern has one, with no regex in it."""
    patterned = _patterned(json_schema(kind, Settings()))
    assert patterned
    for node in patterned:
        said = node.get("patternErrorMessage", "")
        assert said and node["pattern"] not in said and "[0-9]" not in said, node


def test_refs_with_words_beside_them_keep_the_words_in_draft_07() -> None:
    """draft-07 ignores every keyword beside a `$ref`: such refs are wrapped in allOf."""

    def refs(node: Any) -> list[dict[str, Any]]:
        if isinstance(node, list):
            return [found for item in node for found in refs(item)]
        if not isinstance(node, dict):
            return []
        here = [node] if "$ref" in node else []
        return here + [found for value in node.values() for found in refs(value)]

    found = [ref for kind in KINDS for ref in refs(json_schema(kind, Settings()))]
    assert found and all(list(ref) == ["$ref"] for ref in found)
    assert all(ref["$ref"].startswith("#/definitions/") for ref in found)


def test_the_format_reference_says_what_the_schema_says() -> None:
    """One source for the words: the reference's comments are written from the models."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "sync_format_reference.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    reference = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    described = json_schema("risk", Settings())["properties"]["review_date"]["description"]
    assert f"review_date: 2005-04-10             # {described}\n" in reference


def test_schema_command_errors_and_determinism(cli: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke(cli, "schema", "--root", str(ROOT))
    assert code == 2 and "name a kind" in err
    code, _, err = invoke(cli, "schema", "rsk", "--root", str(ROOT))
    assert code == 2 and "did you mean `risk`" in err
    code, first, _ = invoke(cli, "schema", "strand", "--root", str(ROOT))
    assert code == 0
    assert json.loads(first)["title"] == "psstrat strand file (data/strands/*.yaml)"
    assert invoke(cli, "schema", "strand", "--root", str(ROOT))[1] == first
    (tmp_path / "taken").write_text("")
    code, _, err = invoke(cli, "schema", "--out", str(tmp_path / "taken"), "--root", str(ROOT))
    assert code == 2 and "taken" in err
