"""Counts in a committee paper's English: "no milestones", "one milestone", "3 milestones".

A paper never says "milestone(s)". Numbers up to one are words; the rest are figures, as the
committee papers write them.
"""

from __future__ import annotations

import datetime as dt

_IRREGULAR = {"is": "are", "was": "were", "has": "have", "does": "do"}


def plural(noun: str) -> str:
    """The plural of the nouns psstrat counts (all regular, except "-y" after a consonant)."""
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def count(n: int, noun: str) -> str:
    """`count(0, "milestone")` -> "no milestones"; 1 -> "one milestone"; 3 -> "3 milestones".
    Only the last word of ``noun`` is made plural ("live risk" -> "live risks")."""
    head, _, last = noun.rpartition(" ")
    word = last if n == 1 else plural(last)
    words = f"{head} {word}" if head else word
    return f"{'no' if n == 0 else 'one' if n == 1 else n} {words}"


def verb(n: int, singular: str) -> str:
    """The verb agreeing with a count: `verb(1, "is")` -> "is", `verb(3, "is")` -> "are"."""
    return singular if n == 1 else _IRREGULAR.get(singular, singular)


def said(code: str) -> str:
    """A status or state as a paper says it: `on-track` -> "on track"."""
    return code.replace("-", " ")


def listed(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def sentence(text: str) -> str:
    """The first letter upper case: "no milestones were..." -> "No milestones were..."."""
    return text[:1].upper() + text[1:]


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: dt.date) -> str:
    """`31 December 2004`, the committee papers' style, independent of the locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
