"""`psstrat explain [TOPIC]`: a rule, a kind of file or the whole format, from the package."""

from __future__ import annotations

from typing import Annotated

import typer

from psstrat.cli.options import fail
from psstrat.errors import PsstratError


def command(
    topic: Annotated[
        str | None,
        typer.Argument(
            help="A rule code (vacant-lead), a kind of file (strand, risk, sia, strategy, "
            "owners, meetings, settings), or `format` for the whole reference.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Explain a rule, a kind of file, or the whole format; without a topic, list them all."""
    try:
        print(explain_topic(topic), end="")
    except PsstratError as exc:
        fail(exc)


def explain_topic(topic: str | None) -> str:
    from psstrat.commands.explain import KINDS, format_reference, section
    from psstrat.rules import RULES, explain

    if topic is None or topic == "all":
        kinds = ", ".join(["format", *KINDS])
        return explain("all") + f"\nTopics: {kinds}; `psstrat explain TOPIC` prints one.\n"
    if topic == "format":
        return format_reference()
    if topic in KINDS:
        return section(topic)
    if topic in RULES:
        return explain(topic)
    from psstrat.messages import suggest

    known = ["format", *KINDS, *RULES]
    raise PsstratError(
        f"nothing to explain as `{topic}`{suggest(topic, known)}; `psstrat explain` lists the "
        "rules and topics"
    )
