"""A cell's value as a field's: text, dates, scores, lists, controls, owners.

Each reader takes the cell's value (psstrat.sheets.Value) and gives the field's value, or
raises Unreadable with what is wrong and the remedy; the caller adds the cell's name."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from psstrat.sheets import Value


class Unreadable(ValueError):
    """A cell that cannot be read as its field: the message says why and what to write."""


def text(value: Value) -> str | None:
    """One line of text (a spreadsheet's line breaks as spaces, runs of spaces kept)."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    out = " ".join(str(value).split("\n")).strip()
    return out or None


def multiline(value: Value) -> str | None:
    """Text that may hold several paragraphs: lines kept, each stripped at its end."""
    if value is None:
        return None
    if not isinstance(value, str):
        return text(value)
    lines = [line.rstrip() for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out = "\n".join(lines).strip("\n").strip()
    return out or None


_MONTHS = {
    name: n
    for n, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_NUMERIC = re.compile(r"(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})")
_WORDS = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([A-Za-z]+)\.?,?[\s\-]+(\d{4})")
_DATE_FORMS = "2004-09-30, 30/09/2004 or 30 Sep 2004"


def date(value: Value, day_first: bool = True) -> dt.date | None:
    """A date cell, or text in the forms spreadsheets hold: 2004-09-30, 30/09/2004 (day first
    unless ``day_first`` is false: 09/30/2004), 30.09.2004, 30-09-04, 30 Sep 2004, 30 September
    2004. Never a guess from the clock: a date without a year is unreadable."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise Unreadable(f"`{value}` is not a date; write {_DATE_FORMS}")
    if isinstance(value, int | float):
        raise Unreadable(
            f"`{_short(value)}` is a number, not a date; format the cell as a date, or write "
            f"{_DATE_FORMS}"
        )
    if isinstance(value, dt.date):
        return _in_range(value)
    said = value.strip()
    if not said:
        return None
    try:
        day = _date_text(said, day_first)
    except ValueError:
        raise Unreadable(f"`{_short(said)}` is not a date; write {_DATE_FORMS}") from None
    return _in_range(day)


FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(9998, 12, 31)
"""The dates psstrat takes anywhere (its command-line options take the same)."""


def _in_range(day: dt.date) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Unreadable(f"{day.isoformat()} is out of range; give a date from 1900 to 9998")
    return day


def _short(value: object) -> str:
    """A cell's value for a message: at most 40 characters."""
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _date_text(said: str, day_first: bool) -> dt.date:
    if m := _NUMERIC.fullmatch(said):
        a, b, c = m[1], m[2], m[3]
        if len(a) == 4:  # 2004-09-30: year first is always year, month, day
            return dt.date(int(a), int(b), int(c))
        if len(c) not in (2, 4):
            raise ValueError(c)
        day, month = (int(a), int(b)) if day_first else (int(b), int(a))
        year = int(c) if len(c) == 4 else _two_digit_year(int(c))
        return dt.date(year, month, day)
    if m := _WORDS.fullmatch(said):
        named = _MONTHS.get(m[2].lower())
        if named is None:
            raise ValueError(said)
        return dt.date(int(m[3]), named, int(m[1]))
    raise ValueError(said)


def _two_digit_year(year: int) -> int:
    """04 -> 2004, 99 -> 1999: the convention spreadsheets use (a fixed pivot, no clock)."""
    return 2000 + year if year < 50 else 1900 + year


_PAIR = re.compile(r"\s*([1-5])\s*[xX*\u00d7]\s*([1-5])\s*")  # 4x5, 4 X 5, 4*5, 4\u00d75


def score(value: Value, words: Mapping[str, Any] | None = None) -> int | None:
    """A likelihood or an impact: 1 to 5, as a number or as a word the mapping's `values:`
    gives (High: 4)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise Unreadable(f"`{value}` is not a score; give a whole number from 1 to 5")
    if isinstance(value, str):
        said = value.strip()
        for word, number in (words or {}).items():
            if said.lower() == str(word).strip().lower():
                return score(number)
        try:
            value = float(said)
        except ValueError:
            known = f", or one of {', '.join(map(str, words))}" if words else ""
            raise Unreadable(
                f"`{said}` is not a score; give a whole number from 1 to 5{known} (words such "
                "as High are read through the mapping's `values:`)"
            ) from None
    if isinstance(value, dt.date) or not float(value).is_integer() or not 1 <= value <= 5:
        raise Unreadable(f"`{value}` is not a score; give a whole number from 1 to 5")
    return int(value)


def pair(value: Value) -> tuple[int, int] | None:
    """A likelihood and an impact in one cell: `4x5`, `4 x 5`, `4*5`, or with the
    multiplication sign (U+00D7) between."""
    if value is None:
        return None
    m = _PAIR.fullmatch(str(value))
    if m is None:
        raise Unreadable(
            f"`{value}` is not a likelihood and an impact; write them as 4x5 (likelihood 4, "
            "impact 5), or map them to two columns"
        )
    return int(m[1]), int(m[2])


_SPLIT = re.compile(r"[,;\n]")


def ids(value: Value) -> list[str]:
    """Ids in one cell, split at commas, semicolons and line breaks: `S2, S2.2`."""
    if value is None:
        return []
    return [part.strip() for part in _SPLIT.split(str(value)) if part.strip()]


_BULLET = re.compile(r"^\s*(?:[-*•·▪◦‣]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")


def controls(value: Value) -> list[str]:
    """Free-text controls as one control each: one per line, a bullet or number at the start
    of a line taken off (`- `, `• `, `1. `, `a) `); one line holding several, separated by
    semicolons, is split there."""
    if value is None:
        return []
    lines = [line for line in str(value).replace("\r", "\n").split("\n") if line.strip()]
    if len(lines) == 1:
        lines = [part for part in lines[0].split(";") if part.strip()]
    out = []
    for line in lines:
        said = " ".join(_BULLET.sub("", line).split())
        if said:
            out.append(said)
    return out


def choice(
    value: Value, allowed: tuple[str, ...], words: Mapping[str, Any] | None = None
) -> str | None:
    """One of ``allowed``, matched without regard to case, spaces or hyphens (`In progress` is
    in-progress), or through the mapping's `values:`."""
    said = text(value)
    if said is None:
        return None
    for word, meant in (words or {}).items():
        if said.lower() == str(word).strip().lower():
            said = str(meant)
            break
    wanted = _folded(said)
    for option in allowed:
        if _folded(option) == wanted:
            return option
    raise Unreadable(
        f"`{said}` is not one of {', '.join(allowed)}; write one of them, or map the word to "
        "one with the mapping's `values:`"
    )


def _folded(word: str) -> str:
    return re.sub(r"[\s_\-]+", "", word.lower())


class UnknownOwner(Unreadable):
    """An owner data/owners.yaml does not have: ``said`` is how the sheet names them."""

    def __init__(self, message: str, said: str) -> None:
        super().__init__(message)
        self.said = said


def owner_command(said: str) -> str:
    """The command that adds an owner the sheet names (a proposal: psstrat never adds one)."""
    return f"psstrat new owner --role {_quoted(said)}"


class Ambiguous(Unreadable):
    """Words that name more than one owner."""


class Owners:
    """Owners as people write them in a sheet: the id, the role, the name, or `role (name)`,
    without regard to case or spacing."""

    def __init__(self, owners: Mapping[str, Mapping[str, Any]]) -> None:
        self.ids = set(owners)
        self._by: dict[str, set[str]] = {}
        for owner_id, owner in owners.items():
            role, name = owner.get("role"), owner.get("name")
            said = [owner_id, role, name]
            if isinstance(role, str) and isinstance(name, str):
                said.append(f"{role} ({name})")
            for word in said:
                if isinstance(word, str) and word.strip():
                    self._by.setdefault(_key(word), set()).add(owner_id)

    def find(self, value: Value, current: str | None = None) -> str | None:
        """The owner's id (`vacant`: None); Unreadable for one data/owners.yaml does not have
        (with the command that adds it) or for words that name more than one, unless one of
        them is the item's ``current`` owner (the sheet then says what is so)."""
        said = text(value)
        if said is None or _key(said) == "vacant":
            return None
        if said in self.ids:  # an id is exact, whatever roles say
            return said
        found = self._by.get(_key(said), set())
        if len(found) == 1:
            return next(iter(found))
        if current in found:
            return current
        if found:
            raise Ambiguous(
                f"`{said}` names more than one owner ({', '.join(sorted(found))}); write the "
                "owner's id"
            )
        raise UnknownOwner(
            f"`{said}` is not in data/owners.yaml; add them first ({owner_command(said)}), "
            "or correct the cell",
            said,
        )


def _key(word: str) -> str:
    return " ".join(word.lower().split())


def _quoted(word: str) -> str:
    return "'" + word.replace("'", "'\\''") + "'"
