"""The parser every module here reads with: libyaml's events for a text, and what an unquoted
scalar means under the YAML 1.2 core schema (``no`` is a string).

Working from events rather than composed nodes is several times faster (the C composer calls
back into Python to resolve every scalar), and nothing is ever constructed from them.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from ruamel.yaml.nodes import ScalarNode as _ScalarNode

try:  # pragma: no branch
    from _ruamel_yaml import CParser as _CParser

    BACKEND = "libyaml (C)"
except ImportError:  # pragma: no cover - only without ruamel.yaml.clib
    _CParser = None
    BACKEND = "pure Python (install ruamel.yaml.clib for speed)"


def events(text: str) -> Any:
    """An iterator over the parser's events for ``text``."""
    if _CParser is not None:
        parser = _CParser(text)
        return iter(parser.get_event, None)
    from ruamel.yaml import YAML  # pragma: no cover

    return YAML(typ="safe", pure=True).parse(text)  # pragma: no cover


@functools.lru_cache(maxsize=8192)
def plain_scalar(value: str) -> Any:
    """The value of an unquoted scalar under the YAML 1.2 core schema."""
    tag = str(_resolver().resolve(_ScalarNode, value, (True, False)))
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return value.lower() == "true"
    if tag.endswith(":int"):
        return _to_int(value)
    if tag.endswith(":float"):
        return _to_float(value)
    return value


def _to_int(value: str) -> int | str:
    text = value.replace("_", "")
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    base = {"0x": 16, "0o": 8, "0b": 2}.get(digits[:2].lower(), 10)
    if base != 10:
        digits = digits[2:]
    try:
        return sign * int(digits, base)
    except ValueError:  # e.g. more digits than Python converts
        return value


def _to_float(value: str) -> float | str:
    lowered = value.lower().replace("_", "")
    if lowered.endswith(".inf"):
        return -math.inf if lowered.startswith("-") else math.inf
    if lowered.endswith(".nan"):
        return math.nan
    try:
        return float(lowered)
    except ValueError:
        return value


@functools.cache
def resolvable_starts() -> frozenset[str]:
    """First characters with which a plain scalar may resolve to something other than text,
    read from ruamel's own YAML 1.2 resolver table (a value starting otherwise is text)."""
    table = _resolver().versioned_resolver
    if table.get(None):  # pragma: no cover - a resolver for any first character
        return frozenset(chr(i) for i in range(0x110000))
    return frozenset(k for k in table if k) | {""}


@functools.cache
def _resolver() -> Any:
    from ruamel.yaml.resolver import VersionedResolver

    return VersionedResolver(version=(1, 2))
