"""`psstrat schema`: the JSON Schemas of psstrat.schemas, printed or written to a folder."""

from __future__ import annotations

from pathlib import Path

from psstrat.schemas import KINDS, dumps, file_name, json_schema
from psstrat.settings import Settings

__all__ = [
    "KINDS",
    "KIND_HELP",
    "check_asked",
    "dumps",
    "file_name",
    "json_schema",
    "write_schemas",
]

KIND_HELP = f"{', '.join(list(KINDS)[:-1])} or {list(KINDS)[-1]}"
"""The kinds, as `psstrat schema` lists them."""


def check_asked(kind: str | None, out: Path | None) -> None:
    """Refuse (PsstratError) a kind that is not one, or nothing to do: checked before
    anything is read."""
    from psstrat.errors import PsstratError

    if kind is not None and kind not in KINDS:
        from psstrat.messages import suggest

        raise PsstratError(
            f"no kind of file `{kind}`{suggest(kind, KINDS)}; use one of: {KIND_HELP}"
        )
    if kind is None and out is None:
        raise PsstratError(f"name a kind ({KIND_HELP}) to print its schema, or pass --out DIR")


def write_schemas(kind: str | None, out: Path | None, root: Path | None) -> list[str]:
    """The schema of ``kind`` as text, or every kind's written under ``out`` (the lines to
    say so), with the markings and categories of the repository at ``root`` (default ones
    outside a repository)."""
    from psstrat.errors import PsstratError
    from psstrat.settings import load_settings

    check_asked(kind, out)
    settings = Settings() if root is None else load_settings(root)
    if out is None:
        from psstrat.safetext import inert

        assert kind is not None  # the markings and categories come from psstrat.yaml: data
        return [inert(dumps(json_schema(kind, settings)), "json")]
    from psstrat.safefiles import write_atomically

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PsstratError(f"cannot create {out}: {exc.strerror}; choose another --out") from None
    written = []
    for name in [kind] if kind else list(KINDS):
        path = out / file_name(name)
        write_atomically(path, dumps(json_schema(name, settings)))
        written.append(f"wrote {path}\n")
    return written
