"""Pydantic validation errors in the user's words, with the position of what they are about.

Users never see pydantic's own wording or Python type names: each error type is rephrased
here, and custom checks in psstrat.model.common already raise messages in these words.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from psstrat.model.common import held_model
from psstrat.yamlio import Positions, YamlPath, describe


@dataclass(frozen=True)
class SchemaProblem:
    line: int
    column: int
    message: str
    help: str


def suggest(value: str, candidates: Iterable[str], note: str = "") -> str:
    """` (did you mean `X`?)` for the nearest candidate, or nothing; ``note`` follows the id
    (`, Head of Professional Standards`)."""
    close = Candidates(candidates).nearest(value)
    return did_you_mean(close, note) if close else ""


def did_you_mean(close: str, note: str = "") -> str:
    return f" (did you mean `{close}`{note}?)"


SCAN_ALL = 300
"""Up to this many candidates difflib compares the value with every one; above it, only with
the candidates one edit away (a typo), found by lookup: a did-you-mean over 10,000 risk ids
would otherwise cost 60 ms per dangling reference."""


class Candidates:
    """The ids a value may have meant, made once for many lookups."""

    def __init__(self, candidates: Iterable[str]) -> None:
        self.known = frozenset(candidates)
        self._letters: frozenset[str] | None = None

    def nearest(self, value: str) -> str | None:
        """The candidate difflib finds closest to ``value`` (ratio 0.6 or more), or None."""
        pool: Iterable[str] = self.known
        if len(self.known) > SCAN_ALL:
            pool = [edit for edit in self._one_edit(value) if edit in self.known]
        close = difflib.get_close_matches(value, sorted(pool), n=1, cutoff=0.6)
        return close[0] if close else None

    def _one_edit(self, value: str) -> set[str]:
        """Every string one deletion, transposition, substitution or insertion from
        ``value``, with only the characters the candidates use (no other could match)."""
        if self._letters is None:
            self._letters = frozenset().union(*self.known)
        letters = self._letters
        splits = [(value[:i], value[i:]) for i in range(len(value) + 1)]
        edits = {a + b[1:] for a, b in splits if b}
        edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        edits |= {a + c + b[1:] for a, b in splits if b for c in letters}
        edits |= {a + c + b for a, b in splits for c in letters}
        edits.discard(value)
        return edits


def schema_problems(
    exc: ValidationError, model: type[BaseModel], data: Any, positions: Positions
) -> Iterator[SchemaProblem]:
    """One problem per pydantic error, pointing at the offending key or value."""
    for error in exc.errors(include_url=False):
        path, tail = _data_path(data, error["loc"])
        kind = error["type"]
        if kind == "missing" and tail:
            line, column = positions.value(path)
            field = str(tail[0])
            yield SchemaProblem(
                line,
                column,
                f"{_label(data, path, field)}: required key `{field}` is missing",
                f"add `{field}:` here (`psstrat explain format` prints the format reference)",
            )
            continue
        if kind == "extra_forbidden":
            key = str(path[-1]) if path else str(tail[0] if tail else "")
            line, column = positions.key(path)
            allowed = _fields_at(model, path[:-1])
            hint = suggest(key, allowed)
            yield SchemaProblem(
                line,
                column,
                f"{_label(data, path[:-1], key)}: unknown key `{key}`{hint}",
                f"allowed keys here: {', '.join(sorted(allowed))}; "
                "prefix a key with `x-` to keep your own data",
            )
            continue
        line, column = positions.value(path)
        message, help = _wording(kind, error, error.get("input"))
        label = _label(data, path)
        yield SchemaProblem(line, column, f"{label}: {message}" if label else message, help)


_TYPE_ERRORS: dict[str, tuple[str, str]] = {
    "string_type": ("must be text", "put the value in quotes if it looks like a number"),
    "int_type": ("must be a whole number", "write a number such as 3, without quotes"),
    "bool_type": ("must be true or false", "write `true` or `false`"),
    "list_type": ("must be a list", "write `[a, b]`, or one `- item` per line"),
    "dict_type": ("must be a mapping of keys", "write `key: value` pairs, indented"),
}
"""A value of the wrong type: what it must be (`, not <what it is>` follows), and the fix."""
_SAME_TYPE = {
    "int_parsing": "int_type",
    "int_from_float": "int_type",
    "int_parsing_size": "int_type",
    "bool_parsing": "bool_type",
    "model_type": "dict_type",
    "model_attributes_type": "dict_type",
}
_OWN_WORDS: dict[str, str] = {
    "id_format": "fix the id, and rename the file to match if it is a file's id",
    "score_range": "score likelihood and impact from 1 (lowest) to 5 (highest)",
    "choice": "use a listed value, or add it to the list in psstrat.yaml",
    "closed_date": "add `closed: YYYY-MM-DD`, or set `status: open`",
    "illustrative_field": "name only this item's own fields in `illustrative:`",
}
"""psstrat's own checks (psstrat.model.common), already worded: the fix for each."""


def _wording(kind: str, error: Any, value: Any) -> tuple[str, str]:
    got = describe(value)
    ctx = error.get("ctx", {})
    kind = _SAME_TYPE.get(kind, kind)
    if kind in _TYPE_ERRORS:
        must, fix = _TYPE_ERRORS[kind]
        return f"{must}, not {got}", fix
    if kind in _OWN_WORDS:
        return error["msg"], _OWN_WORDS[kind]
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "`")
        return f"must be {expected} (got {got})", "use one of the values listed"
    if kind in ("greater_than_equal", "less_than_equal"):
        word = "at least" if kind == "greater_than_equal" else "at most"
        return f"must be {word} {ctx.get('ge', ctx.get('le'))} (got {got})", "correct the number"
    if kind == "string_pattern_mismatch":
        return (
            f"does not have the expected form (got {got})",
            "`psstrat explain format` shows the expected form",
        )
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length', 1)} item(s)", "add the missing item"
    if kind in ("date_format", "date_invalid"):
        return f"{error['msg']} (got {got})", "write the date as YYYY-MM-DD, e.g. 2004-10-07"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, "), "correct the value"
    return (
        f"has an invalid value {got}",
        "correct the value (`psstrat explain format` lists the values)",
    )


def _data_path(data: Any, loc: Sequence[int | str]) -> tuple[YamlPath, YamlPath]:
    """Split pydantic's loc into the part that exists in the data and the rest.

    Segments that are not in the data (pydantic's names for union members) are skipped.
    """
    path: list[int | str] = []
    node = data
    rest = list(loc)
    while rest:
        seg = rest[0]
        found, child = _child(node, seg)
        if found:
            node = child
        elif isinstance(node, dict) and len(rest) == 1:
            break  # a missing key
        else:
            rest.pop(0)
            continue
        path.append(seg)
        rest.pop(0)
    return tuple(path), tuple(rest)


def _child(node: Any, seg: int | str) -> tuple[bool, Any]:
    if isinstance(node, dict) and seg in node:
        return True, node[seg]
    if isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node):
        return True, node[seg]
    return False, None


def _label(data: Any, path: YamlPath, last: str | None = None) -> str:
    """`work_elements[S5.1].milestones[S5.1.M1].due`: list items named by their id."""
    parts: list[str] = []
    node = data
    for seg in path:
        if isinstance(seg, int):
            node = node[seg]
            ident = node.get("id") if isinstance(node, dict) else None
            parts[-1:] = [
                f"{parts[-1] if parts else ''}[{ident if isinstance(ident, str) else seg}]"
            ]
        else:
            node = node[seg]
            parts.append(seg)
    if last is not None and last not in parts[-1:]:
        parts.append(last)
    return ".".join(parts)


def _fields_at(model: type[BaseModel], path: YamlPath) -> list[str]:
    """The keys the model allows at ``path`` (a path through the data)."""
    cls: type[BaseModel] | None = model
    for seg in path:
        if isinstance(seg, int):
            continue
        if cls is None or seg not in cls.model_fields:
            return []
        cls = held_model(cls, seg)
    return list(cls.model_fields) if cls is not None else []
