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
from psstrat.progress import waiting
from psstrat.report import engine

if TYPE_CHECKING:
    from psstrat.report.views import AnyContext

EXTENSION = ".typ"
IMAGES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})
"""What the compiler's root holds from each template folder besides Typst files: images (a
force's crest) a template may place."""
MAX_TEMPLATE_BYTES = 1024 * 1024
MAX_IMAGE_BYTES = 16 * 1024 * 1024
MAX_FILES = 1_000
MAX_DEPTH = 8
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._ -]*")
"""What a `--template` file may be called: its name is the compiler's entry."""
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
    if isinstance(value, str):
        return _breakable(value) if len(value) > LONG_WORD else value
    if isinstance(value, int | float | bool) or value is None:
        return value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    names = _FIELDS.get(type(value))
    if names is None:
        if not dataclasses.is_dataclass(value):
            return str(value)
        names = _FIELDS[type(value)] = tuple(f.name for f in dataclasses.fields(value))
    if type(value).__name__ == "Provenance":  # a commit id is copied out whole, never broken
        return {name: getattr(value, name) for name in names}
    return {name: _plain(getattr(value, name)) for name in names}


LONG_WORD = 30
_LONG = re.compile(rf"[^\s\u200b]{{{LONG_WORD},}}")


def _breakable(text: str) -> str:
    """``text`` with a zero-width space every 15 characters of each word longer than
    LONG_WORD (a reference, a path, a run of letters): the PDF may break the word there rather
    than run it out of its table cell or off the page. The space is invisible, and other
    formats wrap such words themselves."""
    return _LONG.sub(
        lambda m: "\u200b".join(m[0][i : i + 15] for i in range(0, len(m[0]), 15)), text
    )


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
    from psstrat.safefiles import cleanup_on_sigterm

    with cleanup_on_sigterm(), tempfile.TemporaryDirectory(prefix="psstrat-typst-") as work:
        folder = Path(work) / "templates"
        folder.mkdir()
        copier = _Copier()
        copier.tree(packaged_templates(), folder, trusted=True)
        repository = repository_templates(root)
        if repository is not None:
            copier.tree(repository, folder)
        skipped = copier.skipped
        if template is not None:
            entry, shown = _copy_entry(template, folder), str(template)
        else:
            entry = next((n for n in names if (folder / n).is_file()), names[-1])
            shown = entry
            if not (folder / entry).is_file():
                why = f": {skipped[entry]}" if entry in skipped else ""
                raise PsstratError(
                    f"template {entry} is not in templates/ or psstrat's own templates{why}"
                )
        packages = Path(work) / "packages"
        packages.mkdir()
        job = {
            "root": str(folder),
            "entry": entry,
            "packages": str(packages),
            "context": context_json(context),
            "timestamp": _timestamp(context),
            "skipped": skipped,
        }
        said: list[str] = []
        try:
            with waiting("Laying out the PDF with Typst"):
                pdf = engine.run("typst", json.dumps(job).encode("utf-8"), shown, limits, said)
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


@dataclasses.dataclass
class _Copier:
    """Copies the Typst files and images of template folders, subfolders included, into the
    compiler's root. What cannot be copied safely (a link leading out of its folder, a file
    with other hard links, a FIFO, a file too large) is left out and noted in ``skipped``, so
    that a template that uses it is told why."""

    skipped: dict[str, str] = dataclasses.field(default_factory=dict)
    copied: int = 0

    def tree(self, source: Path, folder: Path, trusted: bool = False, prefix: str = "") -> None:
        """Copy ``source`` into ``folder``; psstrat's own folder is ``trusted`` (an installer
        may hard-link its files)."""
        try:
            entries = sorted(os.scandir(source), key=lambda e: e.name)
        except OSError as exc:
            raise PsstratError(
                f"cannot read templates/: {exc.strerror}; check its permissions"
            ) from None
        for entry in entries:
            rel, path, target = f"{prefix}{entry.name}", Path(entry.path), folder / entry.name
            if entry.is_dir(follow_symlinks=False):
                if target.is_file():  # a folder named like one of psstrat's templates
                    self.skipped[rel] = f"templates/{rel} is a folder, not a file"
                    target.unlink()
                elif len(prefix.split("/")) <= MAX_DEPTH:
                    target.mkdir(exist_ok=True)
                    self.tree(path, target, trusted, f"{rel}/")
                continue
            suffix = path.suffix.lower()
            if suffix != EXTENSION and suffix not in IMAGES:
                continue
            self.copied += 1
            if self.copied > MAX_FILES:
                raise PsstratError(
                    f"templates/ holds more than {MAX_FILES:,} Typst files and images; keep "
                    "only the templates there"
                )
            try:
                target.write_bytes(_read_template(path, f"templates/{rel}", trusted))
            except _Skip as why:
                self.skipped[rel] = str(why)
                target.unlink(missing_ok=True)  # nor psstrat's own of that name


class _Skip(Exception):
    """Why a file of a template folder is not given to the compiler."""


def _read_template(path: Path, shown: str, trusted: bool = False) -> bytes:
    """The bytes of a regular file of a template folder: not through a symbolic link (a link to
    a file in the same folder is read as that file), not a file with other hard links (it
    could be a data file by another name), at most 1 MiB for Typst, 16 MiB for an image."""
    real = path
    if path.is_symlink():
        real = path.resolve()
        if not real.is_relative_to(path.parent.resolve()):
            raise _Skip(f"{shown} is a symbolic link leading out of its folder")
    limit = MAX_TEMPLATE_BYTES if path.suffix.lower() == EXTENSION else MAX_IMAGE_BYTES
    # Non-blocking, not through a link swapped in, and checked once open: a FIFO is never
    # waited on, and what is read is what was checked.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        raise _Skip(f"{shown} cannot be read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _Skip(f"{shown} is not a regular file")
        if info.st_nlink > 1 and not trusted:
            raise _Skip(f"{shown} has other hard links, so it may be another file by that name")
        raw = fh.read(limit + 1)
    if len(raw) > limit:
        raise _Skip(f"{shown} is larger than {limit // 2**20} MiB")
    return raw


def _copy_entry(template: Path, folder: Path) -> str:
    """Copy the `--template` file into the compiler's root; its name there."""
    if not SAFE_NAME.fullmatch(template.name):
        raise PsstratError(
            f"--template {template!s}: name the file with letters, digits, spaces, '-', '_' "
            "and '.' only, e.g. my-paper.typ"
        )
    try:
        template.lstat()
    except OSError as exc:
        raise PsstratError(
            f"cannot read template {template}: {exc.strerror}; check the path"
        ) from None
    if template.is_symlink():
        raise PsstratError(f"template {template} is a symbolic link; pass the file it points to")
    try:
        raw = _read_template(template, str(template))
    except _Skip as why:
        raise PsstratError(f"template {why}; pass a Typst file of your own") from None
    (folder / template.name).write_bytes(raw)
    return template.name


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
        input=str(Path(job["root"]) / job["entry"]),
        root=job["root"],
        font_paths=[],
        ignore_system_fonts=True,
        package_path=job["packages"],
        package_cache_path=job["packages"],
    )
    pdf, warnings, replaced = _compile(typst, compiler, job)
    if replaced:
        shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in replaced[:3])
        more = f" and {len(replaced) - 3} more" if len(replaced) > 3 else ""
        engine.warn(
            f"the PDF's fonts cannot show {shown}{more} from the data, so it prints their code "
            "points, [U+...], instead; the md, html and docx papers show them"
        )
    for warning in warnings:
        engine.warn(_said(warning, job["root"], job["skipped"]))
    _refuse_what_leaves_the_paper(compiler)
    assert isinstance(pdf, bytes)
    if page_count(pdf) > max_pages:
        raise engine.PageLimit(max_pages)
    return pdf


def _compile(typst: Any, compiler: Any, job: dict[str, Any]) -> tuple[bytes, list[Any], list[str]]:
    """The PDF, the compiler's warnings, and the characters of the data no font of the paper
    has (a CJK character, an emoji): PDF/UA-1 refuses to draw them, so where they come from
    the data their code points are printed instead, and the paper is compiled again."""
    context: str = job["context"]
    replaced: list[str] = []
    for attempt in range(3):
        try:
            pdf, warnings = compiler.compile_with_warnings(
                format="pdf",
                sys_inputs={"context": context},
                pdf_standards=[STANDARD],
                timestamp=job["timestamp"],
            )
            return pdf, warnings, replaced
        except typst.TypstError as exc:
            missing = [c for c in _undrawable(str(exc.diagnostic)) if c in context]
            if not missing or attempt == 2:
                raise engine.Refused(_said(exc, job["root"], job["skipped"])) from None
            for character in missing:
                context = context.replace(character, f"[U+{ord(character):04X}]")
            replaced += missing
    raise AssertionError("unreachable")


def _refuse_what_leaves_the_paper(compiler: Any) -> None:
    """A paper carries no link out of itself (a URL, `mailto:`) and no attached file, as the
    HTML and Word papers carry none: asked of the compiled document (the answers come from
    the compile just done, in milliseconds)."""
    for dest in json.loads(compiler.query("link", field="dest")):
        if isinstance(dest, str):
            raise engine.Refused(
                f"the paper would carry active or remote content (a link to {dest[:80]}); "
                "papers carry none, remove it from the template"
            )
    for selector in ("pdf.attach", "pdf.embed"):
        try:
            attached = json.loads(compiler.query(selector))
        except Exception:  # not an element of this Typst: nothing to find
            continue
        if attached:
            raise engine.Refused(
                "the paper would carry active or remote content (an attached file); papers "
                "carry none, remove it from the template"
            )


_UNDRAWABLE = re.compile(r'the text `"(.+?)"` could not be displayed with font')


def _undrawable(diagnostic: str) -> list[str]:
    """The characters beyond ASCII of each text the compiler could not draw, first seen first."""
    found: dict[str, None] = {}
    for text in _UNDRAWABLE.findall(diagnostic):
        for character in text:
            if ord(character) > 127:
                found[character] = None
    return list(found)


def _said(diagnostic: Any, root: str, skipped: dict[str, str] | None = None) -> str:
    """A compiler error or warning in one line: what, where, and the first hint (the
    compiler's temporary folder said as `templates`)."""
    message = " ".join(str(getattr(diagnostic, "message", diagnostic)).split())
    message = message.replace(root, "templates")
    if FAILED_PACKAGE.search(message):
        return (
            "imports a Typst package, and papers are laid out offline from the template "
            "folders alone; copy what it needs into templates/"
        )
    for rel, why in (skipped or {}).items():
        if f"templates/{rel})" in message:
            where = _where(str(getattr(diagnostic, "diagnostic", "")))
            return f"{where}{why}, so psstrat does not give it to the compiler"[:300]
    if "file not found" in message:
        message += "; a template may use only files in templates/ and psstrat's own templates"
    where = _where(str(getattr(diagnostic, "diagnostic", "")))
    hints = list(getattr(diagnostic, "hints", None) or [])
    hint = f" (hint: {' '.join(hints[0].split())})" if hints else ""
    return f"{where}{message}{hint}"[:300]


_LOCATION = re.compile(r"┌─ (?:[^\n:]*/)?([^\n/:]+\.typ):(\d+):(\d+)")


def _where(diagnostic: str) -> str:
    """`report.typ:12:3: ` from the compiler's diagnostic text, when it says where."""
    found = _LOCATION.search(diagnostic)
    return f"{found[1]}:{found[2]}:{found[3]}: " if found else ""


_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_TRAILER = re.compile(
    rb"trailer\s*<<.*?/Root\s+(\d+)\s+0\s+R.*?startxref\s+(\d+)\s+%%EOF\s*$", re.S
)


def page_count(pdf: bytes) -> int:
    """The number of pages in a PDF the compiler wrote: the /Count of its page tree, found
    through the trailer and the cross-reference table (tests/test_pdf.py checks it against
    pypdf). Should the file not be laid out so, every page object is counted instead, which
    text in the paper can only make more, never fewer."""
    try:
        trailer = _TRAILER.search(pdf, max(0, len(pdf) - 4096))
        assert trailer is not None
        offsets = _xref(pdf, int(trailer[2]))
        catalog = _object(pdf, offsets[int(trailer[1])])
        pages = re.search(rb"/Pages\s+(\d+)\s+0\s+R", catalog)
        assert pages is not None
        count = re.search(rb"/Count\s+(\d+)", _object(pdf, offsets[int(pages[1])]))
        assert count is not None
        return int(count[1])
    except (AssertionError, KeyError, ValueError, IndexError):
        return len(_PAGE.findall(pdf))


def _xref(pdf: bytes, at: int) -> dict[int, int]:
    """Object number -> byte offset, from a classic cross-reference table at ``at``."""
    lines = pdf[at : at + 64].split(b"\n", 2)
    assert lines[0].strip() == b"xref"
    offsets: dict[int, int] = {}
    position = at + len(lines[0]) + 1
    while True:
        header = pdf[position : pdf.index(b"\n", position)]
        parts = header.split()
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            return offsets
        first, count = int(parts[0]), int(parts[1])
        position += len(header) + 1
        for n in range(count):
            entry = pdf[position + 20 * n : position + 20 * n + 18].split()
            if entry[2] == b"n":
                offsets[first + n] = int(entry[0])
        position += 20 * count


def _object(pdf: bytes, at: int) -> bytes:
    """The text of the object at ``at``, to its `endobj`."""
    end = pdf.index(b"endobj", at)
    return pdf[at:end]
