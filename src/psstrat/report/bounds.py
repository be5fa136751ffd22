"""Bounds on what one template operation may build, and on a render's memory.

A sandboxed template cannot reach a file, but it can ask Python for gigabytes in one step:
`"%3000000000d" % 1`, `"x".center(3000000000)`, `"{:{}}".format(1, 3000000000)`,
`(1).to_bytes(3000000000)`, `[1] | batch(3000000000, 0)`. Each is a single C call, so the
render's time limit never fires and the output cap never sees it. So every operation whose
result can exceed its input by more than a constant factor is checked before it runs: it may
add at most MAX_REPEAT characters or items beyond its input. A string used several times in
one operation (`"{0}{0}{0}".format(big)`, `[big] * 1000 | join`) counts as input once; each
further use counts as added.

What no check on one operation can see (a string doubled in a loop, a list grown item by
item) is stopped by the time limit, by an immutable sandbox (no `list.append`), and on Linux by
a memory budget for the whole render: `memory_budget` lowers the process's address-space
limit for the render's duration, so running out is a MemoryError (exit 2), not the machine's
out-of-memory killer.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

MAX_POWER = 1024
"""The largest exponent `**` takes, and the largest base when the exponent is over 64."""
MAX_REPEAT = 1_000_000
"""The most characters or items one operation may add beyond its input (a paper's longest
paragraph is a few thousand characters; a whole paper of 10,000 risks is 1 MB of HTML)."""
MAX_JSON_INDENT = 16
RENDER_MEMORY = 1024**3
"""The address space a render may add (Linux). The 10,000-risk paper renders within 10 MiB
more (HTML and Word); the largest output allowed, 64 MiB of text, needs a few hundred."""


class Runaway(Exception):
    """A template that does too much work: too long, too large, or a huge operand."""


def _too_much(what: str) -> Runaway:
    return Runaway(f"{what} would build more than 1 million characters or items")


class Growth:
    """What one operation adds beyond its input, checked as it is counted."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.added = 0
        self._seen: set[int] = set()

    def add(self, n: int) -> None:
        self.added += max(n, 0)
        if self.added > MAX_REPEAT:
            raise _too_much(self.what)

    def use(self, value: Any) -> None:
        """A value copied into the result: its length counts as added from its second use."""
        if isinstance(value, str | bytes | bytearray):
            if id(value) in self._seen:
                self.add(len(value))
            self._seen.add(id(value))


_DIGITS = frozenset("0123456789")  # what `%` and `format` read as a number (not "²")


def _digits(text: str) -> int:
    """A width or precision written in a format: a number too long to read is too large."""
    text = text.lstrip("0") or "0"  # "" (none written) is 0
    return int(text) if len(text) <= 9 else MAX_REPEAT + 1


def _star(args: Any, index: int) -> int:
    value = args[index] if isinstance(args, tuple) and index < len(args) else 0
    return abs(value) if isinstance(value, int) else 0


def check_percent(template: str, args: Any) -> None:
    """`template % args`: the widths and precisions of its conversions, `*` ones included,
    and the arguments used more than once."""
    growth = Growth(f"`%` formatting of {_short(template)}")
    index = 0
    for key, numbers, kind in _conversions(template):
        for number in numbers:
            if number == "*":
                growth.add(_star(args, index))
                index += 1
            else:
                growth.add(_digits(number))
        if kind == "%":
            continue
        if key is not None:
            growth.use(args.get(key) if isinstance(args, Mapping) else None)
        elif isinstance(args, tuple):
            growth.use(args[index] if index < len(args) else None)
            index += 1
        else:
            growth.use(args)


def _conversions(template: str) -> Iterator[tuple[str | None, tuple[str, str], str]]:
    """Each conversion of a `%` format: its mapping key, its width and precision as written
    (digits, `*` or empty) and its type. Scanned as CPython's `%` scans, nested parentheses
    in a mapping key included."""
    i, n = 0, len(template)
    while (i := template.find("%", i)) >= 0:
        key, i = _mapping_key(template, i + 1)
        while i < n and template[i] in "-+ #0":
            i += 1
        width, i = _number(template, i)
        precision = ""
        if i < n and template[i] == ".":
            precision, i = _number(template, i + 1)
        while i < n and template[i] in "hlL":
            i += 1
        yield key, (width, precision), template[i : i + 1]
        i += 1


def _mapping_key(template: str, i: int) -> tuple[str | None, int]:
    if i >= len(template) or template[i] != "(":
        return None, i
    depth, start = 1, i + 1
    while i + 1 < len(template) and depth:
        i += 1
        depth += {"(": 1, ")": -1}.get(template[i], 0)
    return template[start:i], i + 1


def _number(template: str, i: int) -> tuple[str, int]:
    if template[i : i + 1] == "*":
        return "*", i + 1
    start = i
    while i < len(template) and template[i] in _DIGITS:
        i += 1
    return template[start:i], i


def check_format_spec(spec: str, value: Any, growth: Growth) -> None:
    """One `{...:spec}` of `str.format`: every number in the spec counts as a width (a fill
    character that is a digit only overcounts), and a repeated value as added."""
    run = ""
    for char in spec + " ":
        if char in _DIGITS:
            run += char
        elif run:
            growth.add(_digits(run))
            run = ""
    growth.use(value)


def check_call(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """A call of a method of a built-in value that can build far more than its input."""
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    if isinstance(owner, str | bytes | bytearray):
        check = _STRING_METHODS.get(name)
        if check is not None:
            check(owner, args, kwargs, Growth(f"`{name}()`"))
    elif isinstance(owner, int) and name == "to_bytes":
        length = args[0] if args else kwargs.get("length", 1)
        if isinstance(length, int) and length > MAX_REPEAT:
            raise _too_much("`to_bytes()`")


def _arg(args: tuple[Any, ...], kwargs: dict[str, Any], i: int, name: str, default: Any) -> Any:
    return args[i] if len(args) > i else kwargs.get(name, default)


def _pad(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any], growth: Growth) -> None:
    width = _arg(args, kwargs, 0, "width", 0)
    if isinstance(width, int):
        growth.add(width - len(owner))


def _expandtabs(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any], g: Growth) -> None:
    size = _arg(args, kwargs, 0, "tabsize", 8)
    if isinstance(size, int):
        tab = "\t" if isinstance(owner, str) else b"\t"
        g.add(owner.count(tab) * size)


def _replace(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any], g: Growth) -> None:
    old, new = _arg(args, kwargs, 0, "old", ""), _arg(args, kwargs, 1, "new", "")
    count = _arg(args, kwargs, 2, "count", -1)
    replaced(owner, old, new, count if isinstance(count, int) else -1, g)


def replaced(s: Any, old: Any, new: Any, count: int, growth: Growth) -> None:
    """`s.replace(old, new, count)`: each replacement adds the new text."""
    if not isinstance(new, str | bytes | bytearray):
        return
    try:
        times = s.count(old) if len(old) else len(s) + 1
    except TypeError:  # mismatched types: the call itself will say so
        return
    growth.add((times if count < 0 else min(times, count)) * len(new))


def _join(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any], g: Growth) -> None:
    items = _arg(args, kwargs, 0, "iterable", ())
    if isinstance(items, list | tuple):
        joined(items, owner, g)


def joined(items: list[Any] | tuple[Any, ...], separator: Any, growth: Growth) -> None:
    """Joining items: the separators, and every item used more than once."""
    growth.add((len(items) - 1) * len(separator))
    for item in items:
        growth.use(item)


def _translate(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any], g: Growth) -> None:
    table = _arg(args, kwargs, 0, "table", None)
    if isinstance(table, dict):
        longest = max((len(v) for v in table.values() if isinstance(v, str)), default=1)
        g.add(len(owner) * (longest - 1))


_STRING_METHODS: dict[str, Callable[[Any, tuple[Any, ...], dict[str, Any], Growth], None]] = {
    "center": _pad,
    "ljust": _pad,
    "rjust": _pad,
    "zfill": _pad,
    "expandtabs": _expandtabs,
    "replace": _replace,
    "join": _join,
    "translate": _translate,
}


def bounded_filters(filters: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """Jinja's filters that can build far more than their input, each checked first. The
    others are linear in their input (`escape`, `upper`, `list`, ...); `truncate`'s result is
    at most its input and its `end`."""
    bounded = dict(filters)
    for name, check in _FILTER_CHECKS.items():
        bounded[name] = _checked(filters[name], check)
    bounded["join"] = _join_filter(filters["join"])
    bounded["sum"] = _sum_filter(filters["sum"])
    return bounded


def _checked(inner: Callable[..., Any], check: Callable[..., None]) -> Callable[..., Any]:
    # Jinja passes the environment or the eval context first to a filter marked so (every
    # filter with an async variant is); the checks take only the filter's own arguments.
    passed = hasattr(inner, "jinja_pass_arg")

    def bounded(*args: Any, **kwargs: Any) -> Any:
        check(*args[passed:], **kwargs)
        return inner(*args, **kwargs)

    if passed:
        bounded.jinja_pass_arg = inner.jinja_pass_arg  # type: ignore[attr-defined]
    return bounded


def _center(value: Any, width: int = 80) -> None:
    if isinstance(width, int):
        Growth("`center`").add(width - len(str(value)))


def _indent(s: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> None:
    prefix = width if isinstance(width, int) else len(str(width))
    Growth("`indent`").add((len(str(s).splitlines()) + 1) * prefix)


def _replace_filter(s: Any, old: Any, new: Any, count: int | None = None) -> None:
    times = -1 if count is None else count
    replaced(str(s), str(old), str(new), times, Growth("`replace`"))


def _format(value: Any, *args: Any, **kwargs: Any) -> None:
    check_percent(str(value), kwargs or args)


def _batch(value: Any, linecount: int, fill_with: Any = None) -> None:
    if fill_with is not None and isinstance(linecount, int):
        Growth("`batch`").add(linecount)  # the last batch is filled up to linecount


def _slice(value: Any, slices: int, fill_with: Any = None) -> None:
    if isinstance(slices, int):
        Growth("`slice`").add(slices)  # one list per slice, however few the items


def _wordwrap(s: Any, width: int = 79, *args: Any, **kwargs: Any) -> None:
    """At most a line per word, per newline and per `width` characters, each joined by the
    wrap string."""
    wrapstring = args[1] if len(args) > 1 else kwargs.get("wrapstring")
    text, joint = str(s), "\n" if wrapstring is None else str(wrapstring)
    step = width if isinstance(width, int) and width > 0 else 1
    lines = len(text.split()) + text.count("\n") + len(text) // step + 1
    Growth("`wordwrap`").add(lines * len(joint))


def _urlize(value: Any, *args: Any, **kwargs: Any) -> None:
    """Every word may become a link carrying the `target` and `rel` given."""
    extra = sum(len(v) for v in (*args, *kwargs.values()) if isinstance(v, str))
    Growth("`urlize`").add(len(str(value).split()) * extra)


def _tojson(value: Any, indent: Any = None) -> None:
    if isinstance(indent, int) and indent > MAX_JSON_INDENT:
        raise Runaway(f"`tojson` indents by at most {MAX_JSON_INDENT}")


_FILTER_CHECKS: dict[str, Callable[..., None]] = {
    "center": _center,
    "indent": _indent,
    "replace": _replace_filter,
    "format": _format,
    "batch": _batch,
    "slice": _slice,
    "wordwrap": _wordwrap,
    "urlize": _urlize,
    "tojson": _tojson,
}


def _taken(env: Any, value: Iterable[Any], attribute: Any) -> list[Any]:
    """The items a filter works on, read once (a generator cannot be read twice)."""
    from jinja2.filters import make_attrgetter

    items = list(value)
    return items if attribute is None else list(map(make_attrgetter(env, attribute), items))


def _join_filter(inner: Callable[..., Any]) -> Callable[..., Any]:
    from jinja2.utils import pass_eval_context

    @pass_eval_context
    def join(ctx: Any, value: Iterable[Any], d: str = "", attribute: Any = None) -> Any:
        items = _taken(ctx.environment, value, attribute)
        joined(items, str(d), Growth("`join`"))
        return inner(ctx, items, d)

    return join


def _sum_filter(inner: Callable[..., Any]) -> Callable[..., Any]:
    from jinja2.utils import pass_environment

    @pass_environment
    def total(env: Any, iterable: Iterable[Any], attribute: Any = None, start: Any = 0) -> Any:
        items = _taken(env, iterable, attribute)
        if not isinstance(start, int | float):  # summing lists copies every item
            growth = Growth("`sum`")
            for item in items:
                growth.add(len(item) if hasattr(item, "__len__") else 0)
        return inner(env, items, start=start)

    return total


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 20 else text[:17] + "..."


def _address_space() -> int | None:
    """The process's mapped address space in bytes (Linux), else None."""
    try:
        pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[0])
    except (OSError, ValueError, IndexError):
        return None
    import resource

    return pages * resource.getpagesize()


@contextlib.contextmanager
def memory_budget(extra: int | None = None) -> Iterator[None]:
    """Let the work inside map at most ``extra`` (default RENDER_MEMORY) more bytes (Linux),
    so a template that accumulates memory gets a MemoryError, not the out-of-memory killer.

    The soft RLIMIT_AS is lowered to what is mapped now plus ``extra`` and put back after;
    a limit already lower is kept. Only the main thread renders, and no thread or process
    is started inside, so the process-wide limit stops only the render.
    """
    in_use = _address_space() if sys.platform.startswith("linux") else None
    if in_use is None:
        yield
        return
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = in_use + (RENDER_MEMORY if extra is None else extra)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY and soft <= limit:
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
