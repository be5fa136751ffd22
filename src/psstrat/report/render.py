"""Load report templates and render a ReportContext to Markdown or HTML.

Templates are untrusted input (a pull request can change them), so they run confined:

- Jinja's sandbox, with StrictUndefined; HTML templates autoescape, Markdown templates escape
  with the `md` filter. (The context itself holds no line break or control character from the
  data: report.context cleans every string in it.)
- The loader sees only the template folders: the strategy repository's `templates/` and the
  packaged ones. `--template FILE` loads that one file; it may include or extend only those
  folders. A template that resolves, after symlinks, outside its folder, or is not a regular
  file, is refused.
- Work is bounded: `**` and `*` refuse operands that would build huge numbers or strings, and
  so do `%` and `str.format` widths, the padding, joining and replacing filters and methods
  (report.bounds); the sandbox is immutable (no `list.append` to grow a list in a loop); the
  output is capped, a render that runs longer than RENDER_SECONDS is stopped, and on Linux one
  that maps more than bounds.RENDER_MEMORY gets a MemoryError.

Any failure is a PsstratError naming the template and line: exit 2, never a traceback.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import signal
import stat
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from functools import update_wrapper
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from jinja2.runtime import Context
from jinja2.sandbox import (
    ImmutableSandboxedEnvironment,
    SandboxedEscapeFormatter,
    SandboxedFormatter,
)
from markupsafe import Markup, escape

from psstrat import english
from psstrat.errors import PsstratError
from psstrat.report import bounds, safehtml, views
from psstrat.report.bounds import MAX_POWER, MAX_REPEAT, Growth, memory_budget
from psstrat.report.bounds import Runaway as _Runaway
from psstrat.report.views import PaperContext, ReportContext
from psstrat.safetext import inert, md_escape

FORMATS = {"md": "report.md.j2", "html": "report.html.j2"}
RENDER_SECONDS = 60.0
"""A report renders in well under a second; a template still running after this is stuck."""
MAX_OUTPUT = 64 * 1024 * 1024
"""No committee paper is 64 MiB; a template producing more is running away."""
MAX_TEMPLATE_BYTES = 1024 * 1024
ENTRY = "--template"
"""The loader's name for a `--template FILE`: a name no file in a folder can have."""


def packaged_templates() -> Path:
    """The templates shipped with psstrat: inside the wheel, or the source tree's templates/."""
    here = Path(__file__).resolve().parent.parent
    installed = here / "templates"
    if installed.is_dir():
        return installed
    return here.parents[1] / "templates"  # an editable install runs from src/psstrat


def entry_names(context: ReportContext | PaperContext, fmt: str) -> list[str]:
    """The packaged (or repository) templates a context is rendered by, first found first:
    a meeting's paper by its kind's own template, then every paper's (`paper-sia.md.j2`,
    `paper.md.j2`); a quarter's paper by `report.md.j2`."""
    if isinstance(context, PaperContext):
        return [f"{name}.{fmt}.j2" for name in context.templates]
    return [FORMATS[fmt]]


def render(
    context: ReportContext | PaperContext,
    fmt: str,
    root: Path,
    template: Path | None = None,
    seconds: float | None = None,
) -> str:
    """The report as text, rendered by the packaged templates, those in ``root``/templates,
    or ``template``."""
    folders = [repository_templates(root), packaged_templates()]
    loader = ConfinedLoader([f for f in folders if f is not None], template)
    env = environment(loader, fmt)
    names = [ENTRY] if template is not None else entry_names(context, fmt)
    shown = shown_name(fmt, template, names[0])
    try:
        # Compiling runs the template's constant expressions (Jinja folds them), so it is
        # bounded like the render.
        with bounded_work(RENDER_SECONDS if seconds is None else seconds) as check:
            compiled = env.select_template(names)
            shown = shown_name(fmt, template, compiled.name)
            text = _bounded(compiled.generate(r=context), check)
    except PsstratError:
        raise
    except Exception as exc:  # a failing template: anything Jinja or its expressions raise
        raise template_failure(exc, loader, shown) from None
    if fmt == "html":
        text = safehtml.paper(text, shown, RENDER_SECONDS if seconds is None else seconds)
    elif _MAY_BE_MARKUP.search(text) is not None:  # else it holds no HTML, link or image
        from psstrat.report import safemd

        safemd.check(text, shown)
    paper = "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
    return inert(paper, "html" if fmt == "html" else "md")  # a template is untrusted too


_MAY_BE_MARKUP = re.compile(r"<|\]\s*[(:\[]")
"""What raw HTML, a link or an image needs in Markdown: a `<`, or `]` followed by `(`, `[` or
`:` (a reference). Text from the data has these escaped, but a template might not."""


def shown_name(fmt: str, template: Path | None = None, name: str | None = None) -> str:
    """The template's name in messages: the `--template` file as given, else the packaged
    name (which a file in the repository's templates/ overrides)."""
    if template is not None:
        return str(template)
    return name if name is not None and name != ENTRY else FORMATS[fmt]


def template_failure(exc: BaseException, loader: ConfinedLoader, shown: str) -> PsstratError:
    """What went wrong in a template, as one line naming the template and line."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = loader.display(exc.filename, exc.name or shown)
        return PsstratError(f"template {where}:{exc.lineno}: {exc.message}; fix the template")
    if isinstance(exc, jinja2.TemplateNotFound):
        return PsstratError(
            f"template {exc.name} is not in templates/ or psstrat's own templates; "
            "templates may include only files from those folders"
        )
    if isinstance(exc, UnicodeDecodeError):
        return PsstratError(f"template {shown} is not UTF-8; save it as UTF-8")
    where = loader.where(exc, shown)
    if isinstance(exc, _Runaway):
        return PsstratError(f"template {where}: {exc}; simplify the template")
    if isinstance(exc, RecursionError | MemoryError):
        what = "recursed too deeply" if isinstance(exc, RecursionError) else "ran out of memory"
        return PsstratError(f"template {where} {what}; simplify the template")
    message = str(exc) or type(exc).__name__
    return PsstratError(f"template {where}: {message}; fix the template")


def repository_templates(root: Path) -> Path | None:
    folder = root / "templates"
    try:
        info = folder.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PsstratError(
            f"cannot read templates/: {exc.strerror}; check its permissions"
        ) from None
    if stat.S_ISLNK(info.st_mode):
        raise PsstratError(
            "templates/ is a symbolic link; psstrat reads templates only from a real folder "
            "in the repository, so replace the link with the folder"
        )
    if not stat.S_ISDIR(info.st_mode):
        raise PsstratError("templates is not a folder; move it away or make it a folder")
    return folder.resolve()


class ConfinedLoader(jinja2.BaseLoader):
    """A Jinja loader that reads only regular files inside its folders (after symlinks),
    plus the one ``--template`` file under the name ENTRY."""

    def __init__(self, folders: list[Path], entry: Path | None) -> None:
        self.folders = folders
        self.entry = entry
        self.files: dict[str, str] = {}
        """Filename Jinja knows a template by -> the name shown to people."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = self.locate(template)
        return self._read(path, str(path) if template == ENTRY else template)

    def locate(self, template: str) -> Path:
        """The file a template name means: the ``--template`` file for ENTRY, else the first
        folder's regular file of that name that stays inside the folder after symlinks."""
        if template == ENTRY and self.entry is not None:
            _require_regular(self.entry, str(self.entry), "--template")
            return self.entry
        for folder in self.folders:
            candidate = folder.joinpath(*split_template_path(template))
            try:
                candidate.lstat()
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise PsstratError(f"cannot read template {template}: {exc.strerror}") from None
            real = candidate.resolve()
            if not real.is_relative_to(folder):
                raise PsstratError(
                    f"template {template} leads outside its folder {folder.name}/ (a symbolic "
                    "link); templates may use only files inside the template folders"
                )
            _require_regular(real, template, "template")
            return real
        raise jinja2.TemplateNotFound(template)

    def _read(self, path: Path, shown: str) -> tuple[str, str, Callable[[], bool]]:
        # Non-blocking: a FIFO swapped in after the lstat check is not waited on.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
        with os.fdopen(os.open(path, flags), "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise PsstratError(f"template {shown} is not a regular file")
            raw = fh.read(MAX_TEMPLATE_BYTES + 1)
        if len(raw) > MAX_TEMPLATE_BYTES:
            raise PsstratError(f"template {shown} is larger than 1 MiB; no template needs that")
        filename = str(path)
        self.files[filename] = shown
        return raw.decode("utf-8"), filename, lambda: False

    def display(self, filename: str | None, fallback: str) -> str:
        return self.files.get(filename or "", fallback)

    def where(self, exc: BaseException, fallback: str) -> str:
        """`name:line` of the innermost template frame of the exception (Jinja rewrites
        tracebacks so that template frames carry the template's file and line)."""
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename in self.files:
                return f"{self.files[frame.filename]}:{frame.lineno}"
        return fallback


def _require_regular(path: Path, shown: str, what: str) -> None:
    try:
        info = path.lstat()
    except OSError as exc:
        raise PsstratError(f"cannot read {what} {shown}: {exc.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise PsstratError(f"{what} {shown} is a symbolic link; pass the file it points to")
    if not stat.S_ISREG(info.st_mode):
        raise PsstratError(f"{what} {shown} is not a regular file; pass a Jinja template file")


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, immutable (the templates never change a list: a list grown in a
    loop would escape every bound on one operation), with every operation that can build far
    more than its input checked first (report.bounds)."""

    # Intercepting also stops Jinja folding `10 ** 10 ** 10` at compile time.
    intercepted_binops = frozenset({"**", "*", "%"})

    def getattr(self, obj: Any, attribute: str) -> Any:
        """On the context's own views, only their fields: an allowlist looked up once per
        type (a paper of 10,000 risks reads 40,000 of them); anything else as Jinja's sandbox
        decides. A view's fields are data (text, numbers, tuples, views), never callables."""
        fields = _VIEW_FIELDS.get(type(obj))
        if fields is None:
            return super().getattr(obj, attribute)
        if attribute in fields:
            return getattr(obj, attribute)
        if hasattr(obj, attribute):
            return self.unsafe_undefined(obj, attribute)
        return self.undefined(obj=obj, name=attribute)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(
        __self,  # Jinja's own signature
        __context: Context,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        bounds.check_call(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """`str.format` and `format_map` as Jinja's sandbox runs them, with every field's
        width counted (nested `{:{}}` fields are resolved before a field is formatted)."""
        if super().wrap_str_format(value) is None:
            return None
        owner: str = value.__self__
        name: str = value.__name__

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if name == "format_map":
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                mapping = args[0]
                args, kwargs = (), mapping
            growth = Growth(f"`{name}()`")
            formatter: SandboxedFormatter
            if isinstance(owner, Markup):
                formatter = _BoundedEscapeFormatter(self, growth, escape=owner.escape)
            else:
                formatter = _BoundedFormatter(self, growth)
            return type(owner)(formatter.vformat(owner, args, kwargs))

        return update_wrapper(wrapper, value)


class _Counted:
    def __init__(self, env: jinja2.Environment, growth: Growth, **kwargs: Any) -> None:
        self.growth = growth
        super().__init__(env, **kwargs)  # type: ignore[call-arg]

    def format_field(self, value: Any, format_spec: str) -> Any:
        bounds.check_format_spec(format_spec, value, self.growth)
        return super().format_field(value, format_spec)  # type: ignore[misc]


class _BoundedFormatter(_Counted, SandboxedFormatter):
    pass


class _BoundedEscapeFormatter(_Counted, SandboxedEscapeFormatter):
    pass


_VIEW_FIELDS: dict[type, frozenset[str]] = {
    cls: frozenset(f.name for f in dataclasses.fields(cls))
    for cls in vars(views).values()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls)
}


def _md_tag(marking: object) -> str:
    return f" [{marking}]" if _marking(marking) else ""


def _html_tag(marking: object) -> Markup:
    if not _marking(marking):
        return Markup("")
    return Markup(' <span class="tag">[') + escape(marking) + Markup("]</span>")


def _docx_tag(marking: object) -> Markup:
    return Markup(" [") + escape(marking) + Markup("]") if _marking(marking) else Markup("")


def _marking(marking: object) -> bool:
    """Whether there is a marking to show (a StrictUndefined raises here, as in `{% if %}`)."""
    if not marking:
        return False
    if not isinstance(marking, str):
        raise TypeError(
            f"the tag filter takes an item's marking, not a {type(marking).__name__}: write "
            "{{ item.marking | tag }}"
        )
    return True


TAGS: dict[str, Callable[[object], str]] = {"md": _md_tag, "html": _html_tag, "docx": _docx_tag}
"""The `tag` filter of each format: `{{ item.marking | tag }}` shows an item's marking after
it, as the format writes it (` [OFFICIAL-SENSITIVE]`; in HTML in a `<span class="tag">`),
escaped as the format escapes (HTML and Word: the marking is escaped; Markdown: as it is, like
the rest of a Markdown template's own text); nothing when the item has none (it is not above
the open session)."""


def environment(loader: ConfinedLoader, fmt: str) -> _Sandbox:
    """The sandbox a template of ``fmt`` (`md`, `html`, or `docx` for the Word template's
    text) runs in: HTML and Word autoescape, Markdown escapes with the `md` filter."""
    tag = TAGS[fmt]
    env = _Sandbox(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=fmt != "md",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_BYTECODE,
    )
    env.filters = bounds.bounded_filters(env.filters)
    env.globals.pop("lipsum", None)  # lorem ipsum of any length: no paper needs it
    env.concat = _capped_concat  # type: ignore[method-assign]
    env.filters["md"] = md_escape
    env.filters["plural"] = english.count
    env.filters["verb"] = english.verb
    env.filters["sentence"] = english.sentence
    env.filters["tag"] = tag
    return env


def _check_binop(operator: str, left: Any, right: Any) -> None:
    numbers = (int, float)
    if operator == "**":
        if not (isinstance(left, numbers) and isinstance(right, numbers)):
            return
        if abs(right) > MAX_POWER or (abs(right) > 64 and abs(left) > MAX_POWER):
            raise _Runaway(f"`{_short(left)} ** {_short(right)}` is too large to compute")
    elif operator == "*":
        for seq, n in ((left, right), (right, left)):
            repeats = isinstance(seq, str | bytes | bytearray | list | tuple)
            if repeats and isinstance(n, int) and len(seq) * n > MAX_REPEAT:
                raise _Runaway(f"repeating a value {n} times builds more than 1 million items")
    elif operator == "%" and isinstance(left, str | bytes | bytearray):
        text = left if isinstance(left, str) else left.decode("latin-1")
        bounds.check_percent(text, right)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 20 else text[:17] + "..."


def _capped_concat(chunks: Iterable[str]) -> str:
    """Jinja's join of a template's, macro's or block's output, stopped at MAX_OUTPUT (what
    docxtpl renders goes through here, not through `_bounded`)."""
    parts, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise _Runaway(f"output passed {MAX_OUTPUT // (1024 * 1024)} MiB")
        parts.append(chunk)
    return "".join(parts)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[Callable[[], None]]:
    """Stop the work inside after ``seconds`` with a _Runaway.

    The limit is a timer signal (it interrupts even a loop that prints nothing), where signals
    can be used: in the main thread of a POSIX process. Elsewhere, and in any case, the caller
    may call the yielded check between steps.
    """
    deadline = time.monotonic() + seconds
    message = f"rendering took more than {seconds:g} s"

    def check() -> None:
        if time.monotonic() > deadline:
            raise _Runaway(message)

    main = threading.current_thread() is threading.main_thread()
    if not (main and hasattr(signal, "setitimer")):
        yield check
        return

    def on_timer(signum: int, frame: Any) -> None:
        raise _Runaway(message)

    previous = signal.signal(signal.SIGALRM, on_timer)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield check
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def bounded_work(seconds: float) -> Iterator[Callable[[], None]]:
    """The time limit and the memory budget of a render, together."""
    with time_limit(seconds) as check, memory_budget():
        yield check


def _bounded(chunks: Iterator[str], check: Callable[[], None]) -> str:
    """A template's output, stopped at MAX_OUTPUT characters (or when ``check`` says the
    time is up)."""
    parts, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise _Runaway(f"output passed {MAX_OUTPUT // (1024 * 1024)} MiB")
        check()
        parts.append(chunk)
    return "".join(parts)


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process, keyed by file and source checksum
    (Jinja's own bucket keys), so rendering the same template again skips compiling it. A
    cache, not state: what it returns depends only on the template's name and source."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.store.get(f"{bucket.key}:{bucket.checksum}")
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[f"{bucket.key}:{bucket.checksum}"] = bucket.bytecode_to_string()


_BYTECODE = _MemoryBytecodeCache()
