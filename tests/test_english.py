"""Counts in proper English, as a committee paper writes them."""

from __future__ import annotations

import pytest

from psstrat.english import count, sentence, verb


@pytest.mark.parametrize(
    ("n", "noun", "text"),
    [
        (0, "milestone", "no milestones"),
        (1, "milestone", "one milestone"),
        (3, "milestone", "3 milestones"),
        (1, "live risk", "one live risk"),
        (2, "live risk", "2 live risks"),
        (2, "SIA progress note", "2 SIA progress notes"),
        (5, "day", "5 days"),
        (2, "strategy", "2 strategies"),
    ],
)
def test_count(n: int, noun: str, text: str) -> None:
    assert count(n, noun) == text


def test_verb_and_sentence() -> None:
    assert verb(1, "is") == "is" and verb(0, "is") == "are" and verb(2, "was") == "were"
    assert sentence("no milestones were completed") == "No milestones were completed"
