"""The Word paper's language and dates, from the settings and the data, never the template's.

Word, its proofing tools and screen readers read a document's language from its styles'
defaults (`w:lang` in `w:docDefaults`), and Word picks theme fonts by the settings'
`w:themeFontLang`; a template built by python-docx, or saved from a copy of Word set up in
the US, says en-US, so a screen reader would read British English with American rules. A
records system files a document by its core properties' created and modified dates, and
docxtpl leaves the template's (2000-01-01). So every Word paper, whatever template it is made
from, is given the language of `report.language` (psstrat.yaml, default en-GB) in its styles,
settings and core properties, and the paper's as-of date as its created and modified dates,
as the PDF is (report.pdf): from the data, never the clock, so the same data gives the same
bytes. A run whose language a template sets itself (a phrase in Welsh) keeps it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from lxml import etree

from psstrat.report.safedocx import W, _parser

STYLES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
        "application/vnd.ms-word.styleswitheffects+xml",
    }
)
"""The parts that hold styles: Word's, and the copy Word 2010 keeps for itself."""
SETTINGS = "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"
AFTER_LANG = ("eastAsianLayout", "specVanish", "oMath")
"""What follows `w:lang` in a run's properties (the schema's order)."""


def describe(document: Any, language: str, as_of: str) -> frozenset[tuple[str, bytes]]:
    """Give a rendered python-docx ``document`` the paper's ``language`` (a BCP 47 tag, as
    the settings' pattern allows) and its as-of date (ISO) as its created and modified
    dates. Returns the (name, SHA-256) of the style and settings parts as edited: parts the
    template's check passed, changed only in a language attribute, so the check of the
    paper need not parse their 800 kB again (report.safedocx's ``known``)."""
    core = document.core_properties
    core.language = language
    day = dt.date.fromisoformat(as_of)
    core.created = core.modified = dt.datetime(day.year, day.month, day.day)
    edited = set()
    for part in document.part.package.iter_parts():
        kind = part.content_type.lower()
        if kind in STYLES:
            _edit(part, lambda root: _style_language(root, language))
        elif kind == SETTINGS:
            _edit(part, lambda root: _theme_language(root, language))
        else:
            continue
        edited.add((part.partname.lstrip("/"), hashlib.sha256(part.blob).digest()))
    return frozenset(edited)


def _edit(part: Any, change: Any) -> None:
    """Change a part's XML in place: python-docx's own element for the parts it knows
    (styles, settings: it writes them on saving), else the part's bytes (stylesWithEffects,
    which python-docx carries as bytes)."""
    element = getattr(part, "element", None)
    if element is not None:
        change(element)
        return
    root = etree.fromstring(part.blob, _parser())
    change(root)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _style_language(styles: Any, language: str) -> None:
    """The default language of every run (`w:docDefaults/w:rPrDefault/w:rPr/w:lang`),
    created where the template has none, and every style that names a language of its own."""
    defaults = _child(styles, "docDefaults", first=True)
    run = _child(_child(defaults, "rPrDefault", first=True), "rPr")
    lang = run.find(f"{{{W}}}lang")
    if lang is None:
        lang = run.makeelement(f"{{{W}}}lang", {})
        later = [run.find(f"{{{W}}}{name}") for name in AFTER_LANG]
        found = [e for e in later if e is not None]
        if found:
            found[0].addprevious(lang)
        else:
            run.append(lang)
    lang.set(f"{{{W}}}val", language)
    for other in styles.iter(f"{{{W}}}lang"):
        if other.get(f"{{{W}}}val") is not None:
            other.set(f"{{{W}}}val", language)


def _theme_language(settings: Any, language: str) -> None:
    for element in settings.iter(f"{{{W}}}themeFontLang"):
        element.set(f"{{{W}}}val", language)


def _child(parent: Any, name: str, first: bool = False) -> Any:
    """``parent``'s child ``w:name``, added (first of its children, or last) if missing."""
    found = parent.find(f"{{{W}}}{name}")
    if found is None:
        found = parent.makeelement(f"{{{W}}}{name}", {})
        if first:
            parent.insert(0, found)
        else:
            parent.append(found)
    return found
