"""The committee paper as PDF: laid out by Typst from a house-style template, fed the same
frozen context as the other formats, in a child process bounded in time, memory and pages
(report.engine).

- **Data is text.** The context goes to the template as JSON in `sys.inputs.context`, read
  with `json(...)`: every string in it prints as written, never as Typst markup, so there is
  no escaping layer to get wrong.
- **The compiler sees only templates.** Its root is a fresh folder holding copies of the
  template folders' `.typ` files (psstrat's own, then the repository's `templates/`, which
  override them, then a `--template` file): no data/, nothing outside, no symbolic link.
  Packages are refused (an empty package folder, and every download goes to a proxy that is
  not there), so a template reaches no network. System fonts are ignored: the paper is set in
  the fonts inside the Typst compiler, so it is the same on every machine.
- **Accessible and reproducible.** PDF/UA-1 (tagged, with title, language and alt text; the
  compiler refuses a paper that breaks it), with the paper's as-of date as its timestamp, so
  the same data and date give the same bytes.

The parent process never imports Typst: `paper_pdf` hands the compile to the engine's
process, where `typst_pdf` runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from psstrat.errors import PsstratError
from psstrat.report import engine

if TYPE_CHECKING:
    from psstrat.report.views import AnyContext

EXTENSION = ".typ"
COPIED = frozenset({EXTENSION, ".png", ".jpg", ".jpeg", ".gif", ".svg"})
"""What the compiler's root holds from each template folder: Typst files, and images (a
force's crest) a template may place."""
MAX_TEMPLATE_BYTES = 1024 * 1024
STANDARD: Final = "ua-1"
"""The PDF standard every paper is written to: PDF/UA-1, the accessible PDF."""
NOWHERE = "http://127.0.0.1:9"
"""The proxy every download of the compiler is sent to: nothing listens there, so a template
that imports a package fails at once, without a request leaving the machine."""
FAILED_PACKAGE = re.compile(r"failed to download package|package not found|packages\.typst")


def entry_names(context: AnyContext) -> list[str]:
    """The templates a context is laid out by, first found first: `paper-sia.typ`,
    `paper.typ` for a meeting's paper; `report.typ` for a quarter's."""
    names = getattr(context, "templates", ("report",))
    return [f"{name}{EXTENSION}" for name in names]


def context_json(context: AnyContext) -> str:
    """The context as the template reads it: every field of every view, in order; tuples are
    arrays, None is `none`."""
    data = _plain(context)
    assert isinstance(data, dict)
    data["format"] = "paper" if hasattr(context, "templates") else "report"
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    names = _FIELDS.get(type(value))
    if names is None:
        if not dataclasses.is_dataclass(value):
            return str(value)
        names = _FIELDS[type(value)] = tuple(f.name for f in dataclasses.fields(value))
    return {name: _plain(getattr(value, name)) for name in names}


_FIELDS: dict[type, tuple[str, ...]] = {}
"""Each view's field names, looked up once (a 10,000-risk paper has 60,000 views)."""


def paper_pdf(
    context: AnyContext,
    root: Path,
    template: Path | None = None,
    warnings: list[str] | None = None,
    limits: engine.Limits | None = None,
) -> bytes:
    """The paper as PDF/UA-1, laid out by the packaged Typst templates, those in
    ``root``/templates, or ``template``; the compiler's warnings, one line each, are added
    to ``warnings``."""
    from psstrat.report.render import packaged_templates, repository_templates

    if template is not None and template.suffix.lower() != EXTENSION:
        raise PsstratError(
            f"--template {template}: a PDF is laid out by a Typst template (.typ), such as "
            "psstrat's own templates/report.typ; pass one, or choose --format html"
        )
    names = entry_names(context)
    with tempfile.TemporaryDirectory(prefix="psstrat-typst-") as work:
        folder = Path(work) / "templates"
        folder.mkdir()
        for source in (packaged_templates(), repository_templates(root)):
            if source is not None:
                _copy_templates(source, folder)
        if template is not None:
            entry, shown = _copy_one(template, folder, str(template)), str(template)
        else:
            entry = next((n for n in names if (folder / n).is_file()), names[-1])
            shown = entry
            if not (folder / entry).is_file():
                raise PsstratError(
                    f"template {entry} is not in templates/ or psstrat's own templates"
                )
        packages = Path(work) / "packages"
        packages.mkdir()
        job = {
            "root": str(folder),
            "entry": entry,
            "packages": str(packages),
            "context": context_json(context),
            "timestamp": _timestamp(context),
        }
        said: list[str] = []
        try:
            pdf = engine.run("typst", json.dumps(job).encode("utf-8"), shown, limits, warnings=said)
        except engine.EngineMissing as exc:
            raise PsstratError(
                f"PDF output needs the typst package ({exc}); reinstall psstrat, e.g. "
                "`pip install --force-reinstall psstrat`"
            ) from None
    if warnings is not None:
        warnings.extend(f"template {shown}: {line}" for line in said)
    return pdf


def _timestamp(context: AnyContext) -> int:
    """The PDF's creation date: the paper's as-of date, at midnight UTC (never the clock)."""
    day = dt.date.fromisoformat(context.provenance.as_of)
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def _copy_templates(source: Path, folder: Path) -> None:
    """Copy the Typst files and images of a template folder (its top level) into the
    compiler's root."""
    for path in sorted(source.iterdir()):
        if path.suffix.lower() in COPIED:
            _copy_one(path, folder, f"templates/{path.name}")


def _copy_one(path: Path, folder: Path, shown: str) -> str:
    """Copy one regular file (not a link, at most 1 MiB) into ``folder``; its name there."""
    try:
        info = path.lstat()
    except OSError as exc:
        raise PsstratError(f"cannot read template {shown}: {exc.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise PsstratError(
            f"template {shown} is a symbolic link; a Typst template must be a real file in "
            "the template folder, so replace the link with the file"
        )
    if not stat.S_ISREG(info.st_mode):
        raise PsstratError(f"template {shown} is not a regular file; pass a Typst file")
    # Non-blocking, and checked again once open: a FIFO swapped in is never waited on.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    with os.fdopen(os.open(path, flags), "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise PsstratError(f"template {shown} is not a regular file; pass a Typst file")
        raw = fh.read(MAX_TEMPLATE_BYTES + 1)
    if len(raw) > MAX_TEMPLATE_BYTES:
        raise PsstratError(f"template {shown} is larger than 1 MiB; no template needs that")
    (folder / path.name).write_bytes(raw)
    return path.name


def typst_pdf(data: bytes, max_pages: int) -> bytes:
    """In the engine's process: compile the job (paper_pdf's JSON) to PDF/UA-1, refusing a
    paper of more than ``max_pages`` pages and any package import."""
    job = json.loads(data)
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy"):
        os.environ[name] = NOWHERE
    for name in ("NO_PROXY", "no_proxy"):
        os.environ.pop(name, None)
    try:
        import typst
    except ImportError as exc:
        raise engine.EngineMissing(str(exc)) from None
    compiler = typst.Compiler(
        root=job["root"],
        font_paths=[],
        ignore_system_fonts=True,
        package_path=job["packages"],
        package_cache_path=job["packages"],
    )
    try:
        pdf, warnings = compiler.compile_with_warnings(
            input=str(Path(job["root"]) / job["entry"]),
            format="pdf",
            sys_inputs={"context": job["context"]},
            pdf_standards=[STANDARD],
            timestamp=job["timestamp"],
        )
    except typst.TypstError as exc:
        raise engine.Refused(_said(exc, job["root"])) from None
    for warning in warnings:
        engine.warn(_said(warning, job["root"]))
    assert isinstance(pdf, bytes)
    if page_count(pdf) > max_pages:
        raise engine.PageLimit(max_pages)
    return pdf


def _said(diagnostic: Any, root: str) -> str:
    """A compiler error or warning in one line: what, where, and the first hint (the
    compiler's temporary folder said as `templates`)."""
    message = " ".join(str(getattr(diagnostic, "message", diagnostic)).split())
    message = message.replace(root, "templates")
    if FAILED_PACKAGE.search(message):
        return (
            "imports a Typst package, and papers are laid out offline from the template "
            "folders alone; copy what it needs into templates/"
        )
    where = _where(str(getattr(diagnostic, "diagnostic", "")))
    hints = list(getattr(diagnostic, "hints", None) or [])
    hint = f" (hint: {' '.join(hints[0].split())})" if hints else ""
    return f"{where}{message}{hint}"[:300]


_LOCATION = re.compile(r"┌─ (?:[^\s:]*/)?([^\s/:]+\.typ):(\d+):(\d+)")


def _where(diagnostic: str) -> str:
    """`report.typ:12:3: ` from the compiler's diagnostic text, when it says where."""
    found = _LOCATION.search(diagnostic)
    return f"{found[1]}:{found[2]}:{found[3]}: " if found else ""


_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def page_count(pdf: bytes) -> int:
    """The number of pages in a PDF the compiler wrote (its page objects are plain objects;
    tests/test_pdf.py checks this against pypdf)."""
    return len(_PAGE.findall(pdf))
