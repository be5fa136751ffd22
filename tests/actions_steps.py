"""The steps of a composite action (action.yml), run as GitHub's runner runs them, for tests.

Each `run:` step is run with bash in its own process, with its `env:` and its `if:` worked out
from the inputs, the event and the outputs of the steps before it (written to $GITHUB_OUTPUT,
as on GitHub). A `uses:` step is not run (setup-python, the cache, the SARIF upload: they are
GitHub's): it is recorded with its `with:` worked out, so a test can see what it was given.
The expressions are the small part of GitHub's language action.yml uses: names (`inputs.x`,
`steps.id.outputs.y`, `steps.id.outcome`, `github.event_name`), quoted strings, `==`, `!=`,
`&&`, `||`, `!`, parentheses and the status functions; comparison is of text, case-insensitive,
and a name that is not there is empty text, as GitHub has them.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_TOKEN = re.compile(
    r"\s*(\(|\)|==|!=|&&|\|\||!|'(?:[^']|'')*'|[A-Za-z_][\w.-]*\(\)|[A-Za-z_][\w.-]*)"
)


@dataclass
class Ran:
    """What the action did: each step's outcome and outputs, the `uses:` steps it reached
    (with their `with:`), and everything the `run:` steps printed."""

    outcomes: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    used: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""

    @property
    def failed(self) -> bool:
        return "failure" in self.outcomes.values()


def run_action(
    action: dict[str, Any],
    inputs: dict[str, str],
    github: dict[str, str],
    env: dict[str, str],
    cwd: Path,
    work: Path,
) -> Ran:
    """Run ``action``'s steps with ``inputs`` (the rest take their defaults) in ``cwd``."""
    given = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    given |= inputs
    ran = Ran()
    for number, step in enumerate(action["runs"]["steps"]):
        sid = step.get("id", f"step{number}")
        names = _names(given, github, ran)
        condition = step.get("if", "success()")
        if not _truthy(evaluate(condition, names, ran.failed)):
            ran.outcomes[sid] = "skipped"
            continue
        if "uses" in step:
            with_ = {
                k: substitute(str(v), names, ran.failed) for k, v in step.get("with", {}).items()
            }
            ran.used.append((step["uses"], with_))
            ran.outcomes[sid] = "success"
            continue
        output = work / f"output-{number}"
        output.write_text("", encoding="utf-8")
        step_env = {
            k: substitute(str(v), names, ran.failed) for k, v in step.get("env", {}).items()
        }
        done = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", step["run"]],
            cwd=cwd,
            env={**env, **step_env, "GITHUB_OUTPUT": str(output)},
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        ran.stdout += done.stdout
        ran.stderr += done.stderr
        ran.outcomes[sid] = "success" if done.returncode == 0 else "failure"
        ran.outputs[sid] = dict(
            line.split("=", 1)
            for line in output.read_text(encoding="utf-8").splitlines()
            if "=" in line
        )
    return ran


def _names(inputs: dict[str, str], github: dict[str, str], ran: Ran) -> dict[str, str]:
    names = {f"inputs.{k}": v for k, v in inputs.items()}
    names |= {f"github.{k}": v for k, v in github.items()}
    for sid, outcome in ran.outcomes.items():
        names[f"steps.{sid}.outcome"] = outcome
        names[f"steps.{sid}.conclusion"] = outcome
    for sid, outputs in ran.outputs.items():
        names |= {f"steps.{sid}.outputs.{k}": v for k, v in outputs.items()}
    return names


def substitute(text: str, names: dict[str, str], failed: bool) -> str:
    return EXPRESSION.sub(lambda m: _text(evaluate(m[1], names, failed)), text)


def evaluate(text: str, names: dict[str, str], failed: bool) -> Any:
    """The value of one expression (without `${{ }}`)."""
    tokens = _TOKEN.findall(text)
    assert "".join(tokens) == re.sub(r"\s+", "", text), f"cannot read {text!r}"
    value, rest = _or(tokens, names, failed)
    assert not rest, f"cannot read {text!r}"
    return value


def _or(tokens: list[str], names: dict[str, str], failed: bool) -> tuple[Any, list[str]]:
    value, tokens = _and(tokens, names, failed)
    while tokens and tokens[0] == "||":
        other, tokens = _and(tokens[1:], names, failed)
        value = value if _truthy(value) else other
    return value, tokens


def _and(tokens: list[str], names: dict[str, str], failed: bool) -> tuple[Any, list[str]]:
    value, tokens = _compare(tokens, names, failed)
    while tokens and tokens[0] == "&&":
        other, tokens = _compare(tokens[1:], names, failed)
        value = other if _truthy(value) else value
    return value, tokens


def _compare(tokens: list[str], names: dict[str, str], failed: bool) -> tuple[Any, list[str]]:
    value, tokens = _unary(tokens, names, failed)
    while tokens and tokens[0] in ("==", "!="):
        op = tokens[0]
        other, tokens = _unary(tokens[1:], names, failed)
        same = _text(value).lower() == _text(other).lower()
        value = same if op == "==" else not same
    return value, tokens


def _unary(tokens: list[str], names: dict[str, str], failed: bool) -> tuple[Any, list[str]]:
    head, rest = tokens[0], tokens[1:]
    if head == "!":
        value, rest = _unary(rest, names, failed)
        return not _truthy(value), rest
    if head == "(":
        value, rest = _or(rest, names, failed)
        assert rest and rest[0] == ")"
        return value, rest[1:]
    if head.startswith("'"):
        return head[1:-1].replace("''", "'"), rest
    if head in ("always()", "cancelled()", "success()", "failure()"):
        return {
            "always()": True,
            "cancelled()": False,
            "success()": not failed,
            "failure()": failed,
        }[head], rest
    if head in ("true", "false"):
        return head == "true", rest
    return names.get(head, ""), rest


def _truthy(value: Any) -> bool:
    return bool(value)  # as GitHub has it: only false, 0 and empty text are false


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def runner_env(python_bin: Path, **more: str) -> dict[str, str]:
    """The process environment of a runner whose Python is ``python_bin``'s."""
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["PATH"] = f"{python_bin}{os.pathsep}{env['PATH']}"
    env["GITHUB_ACTIONS"] = "true"
    return env | more
