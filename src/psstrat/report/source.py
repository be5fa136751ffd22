"""The paper's source, as its session sees it: the commit, and whether the paper is made from
uncommitted changes.

A change to the templates or settings always makes a paper a draft. A change to the data does
only if the session sees it (with today's marking governing both sides, as `changes` compares):
an uncommitted edit of a withheld item leaves an open paper exactly as if it had never been
made.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from psstrat.errors import PsstratError
from psstrat.provenance import Source, source_commit


def paper_source(root: Path, session: str, today: dt.date) -> Source:
    from psstrat.commands.changes import differs
    from psstrat.snapshots import pair

    source = source_commit(root)
    if not source.dirty or source.commit is None or session == "all":
        return source
    if source_commit(root, ("templates", "psstrat.yaml")).dirty:
        return source
    try:
        if differs(pair(root, "HEAD", None, today, session), session):
            return source
    except PsstratError:
        return source  # it cannot be told: the paper is not called clean
    return dataclasses.replace(source, dirty=False)
