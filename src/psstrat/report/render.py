"""Load report templates and render a ReportContext to Markdown or HTML.

Templates run in Jinja's sandbox with StrictUndefined; HTML templates autoescape. The loader
looks first in the strategy repository's templates/ folder (or beside a `--template FILE`),
then in the templates packaged with psstrat, so a repository overrides a template, or one
partial of it, by giving a file the same name (copier's loader chain).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from psstrat.errors import PsstratError
from psstrat.report.views import ReportContext

FORMATS = {"md": "report.md.j2", "html": "report.html.j2"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")


def packaged_templates() -> Path:
    """The templates shipped with psstrat: inside the wheel, or the source tree's templates/."""
    here = Path(__file__).resolve().parent.parent
    installed = here / "templates"
    if installed.is_dir():
        return installed
    return here.parents[1] / "templates"  # an editable install runs from src/psstrat


def md_escape(value: object) -> str:
    """User text for Markdown: characters that Markdown or HTML would interpret are escaped,
    so the text is shown, never obeyed (and `&` cannot start an entity)."""
    text = str(value).replace("&", "&amp;")
    text = _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")
    return _MD_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}", text)


def render(context: ReportContext, fmt: str, root: Path, template: Path | None = None) -> str:
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    search = [str(root / "templates"), str(packaged_templates())]
    name = FORMATS[fmt]
    if template is not None:
        if not template.is_file():
            raise PsstratError(f"--template {template} is not a file; pass a Jinja template")
        search.insert(0, str(template.resolve().parent))
        name = template.name
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(search),
        undefined=jinja2.StrictUndefined,
        autoescape=fmt == "html",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    try:
        text = env.get_template(name).render(r=context)
    except jinja2.TemplateSyntaxError as exc:
        raise PsstratError(
            f"template {exc.filename or exc.name}:{exc.lineno}: {exc.message}; fix the template"
        ) from None
    except jinja2.TemplateError as exc:
        raise PsstratError(f"template {name}: {exc}; fix the template") from None
    except UnicodeDecodeError:
        raise PsstratError(f"template {name} is not UTF-8; save it as UTF-8") from None
    except OSError as exc:
        raise PsstratError(f"cannot read template {name}: {exc.strerror}") from None
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Write the whole report or nothing: a half-written paper never reaches the committee."""
    directory = path.resolve().parent
    if not directory.is_dir():
        raise PsstratError(f"cannot write {path}: folder {directory} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    except OSError as exc:
        raise PsstratError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        Path(tmp).chmod(0o666 & ~umask)  # mkstemp makes the file private; a report is not
        Path(tmp).replace(path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise PsstratError(f"cannot write {path}: {exc.strerror}") from None
