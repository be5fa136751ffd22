"""`psstrat explain [TOPIC]`: a rule, a kind of file or the whole format, from the package."""

from __future__ import annotations

from typing import Annotated

import typer


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
    from psstrat.commands.explain import explain_topic

    print(explain_topic(topic), end="")
