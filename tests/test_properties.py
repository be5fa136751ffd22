"""Property tests: whatever a file holds, loading and validating never crash."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psstrat.commands.validate import validate
from psstrat.yamlio import YamlProblem, parse_yaml
from tests.conftest import AS_OF, GOOD, RepoBuilder

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["2004-10-07", "2004-02-30", "S1", "R0001", "official", "lead-a", ""]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*at, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*at, i))
    return out


def _replace(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        return {k: (_replace(v, rest, value) if k == head else v) for k, v in node.items()}
    return [(_replace(v, rest, value) if i == head else v) for i, v in enumerate(node)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rel=st.sampled_from(sorted(GOOD)),
    choice=st.integers(min_value=0, max_value=10_000),
    value=values,
)
def test_any_value_in_any_field_never_crashes(rel: str, choice: int, value: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = RepoBuilder(Path(tmp))
        data = parse_yaml(repo.read(rel).encode()).data
        paths = _paths(data)
        mutated = _replace(data, paths[choice % len(paths)], value)
        # JSON is YAML 1.2, so this writes any structure without a YAML library.
        repo.write(rel, json.dumps(mutated, indent=1))
        result = validate(repo.root, AS_OF)
        for d in result.diagnostics:
            assert d.path and d.message
            assert d.line >= 0 and d.column >= 0
            assert "pydantic" not in d.message.lower() and "Input should" not in d.message
            assert "has an invalid value" not in d.message  # every error type has words
        if mutated == data:
            assert result.diagnostics == []


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_bytes_parse_or_give_a_yaml_problem(raw: bytes) -> None:
    try:
        doc = parse_yaml(raw)
    except YamlProblem as problem:
        assert problem.line >= 1 and problem.column >= 1 and problem.message
    else:
        assert isinstance(doc.data, dict)
