"""A Word template, and the Word paper made from it, that fetches and runs nothing.

A .docx is a zip of XML parts tied together by relationships, and several of its features
reach outside the document when Word or LibreOffice opens it: a relationship with
TargetMode="External" (a linked image is fetched on opening; LibreOffice fetched one while
converting), an attached template, an OLE object or ActiveX control, macros, a frame or
subdocument, imported content (altChunk), a mail merge's data source, and fields such as
INCLUDEPICTURE, INCLUDETEXT, LINK and DDEAUTO. A template is untrusted, so every part of it
is inspected before docxtpl opens it, and every part of the rendered paper again after (a
template can write raw XML through Jinja's `|safe`). Anything not on the allowlists below is
refused, naming the part: relationship types, content types, and field names.

XML is parsed with a hardened lxml parser (no DTD, no entities, no network, no huge trees),
and a part with a DOCTYPE is refused outright.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from lxml import etree

from psstrat.errors import PsstratError
from psstrat.safetext import visible

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"

RELATIONSHIPS = frozenset(
    {
        "officeDocument",
        "core-properties",
        "extended-properties",
        "custom-properties",
        "thumbnail",
        "styles",
        "stylesWithEffects",
        "settings",
        "webSettings",
        "fontTable",
        "font",
        "theme",
        "numbering",
        "header",
        "footer",
        "footnotes",
        "endnotes",
        "comments",
        "commentsExtended",
        "commentsIds",
        "commentsExtensible",
        "people",
        "customXml",
        "customXmlProps",
        "image",
        "glossaryDocument",
        "printerSettings",
    }
)
"""Relationship types (the last part of the type's URI) a paper may have: its own parts and
pictures. Not attachedTemplate, oleObject, package, control, aFChunk, frame, subDocument,
vbaProject, mailMergeSource, transform, chart or anything else."""

BINARY_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/bmp",
        "image/tiff",
        "image/x-emf",
        "image/x-wmf",
        "application/vnd.openxmlformats-officedocument.obfuscatedFont",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.printerSettings",
    }
)
XML_TYPES = frozenset(
    kind.lower()
    for kind in {
        "application/xml",
        "text/xml",
        "application/vnd.openxmlformats-package.relationships+xml",
        "application/vnd.openxmlformats-package.core-properties+xml",
        "application/vnd.openxmlformats-officedocument.extended-properties+xml",
        "application/vnd.openxmlformats-officedocument.custom-properties+xml",
        "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
        "application/vnd.openxmlformats-officedocument.theme+xml",
        "application/vnd.ms-word.stylesWithEffects+xml",
    }
)
WORD_XML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
"""Word's own XML parts (document, styles, headers, notes...) are allowed by this prefix;
macro-enabled documents, VBA data and ActiveX have other types."""

ELEMENTS = {
    "mailMerge": "a mail merge (it reads a data source)",
    "attachedTemplate": "an attached template (Word fetches it)",
    "altChunk": "imported content (altChunk)",
    "subDoc": "a subdocument",
    "frameset": "frames",
    "object": "an embedded or linked object",
    "objectEmbed": "an embedded object",
    "objectLink": "a linked object",
    "control": "an ActiveX control",
    "saveThroughXslt": "a transform run on saving",
    "OLEObject": "an OLE object",
    "HyperlinkBase": "a base address for links",  # (Word writes an empty one)
}
"""Elements (by local name, in any namespace) that fetch, run or embed something."""

FIELDS = frozenset(
    {
        *("PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "TOC", "TC", "REF", "PAGEREF"),
        *("NOTEREF", "SEQ", "STYLEREF", "LISTNUM", "DATE", "TIME", "CREATEDATE", "SAVEDATE"),
        *("PRINTDATE", "TITLE", "SUBJECT", "AUTHOR", "KEYWORDS", "NUMWORDS", "NUMCHARS"),
        *("SYMBOL", "HYPERLINK"),
    }
)
"""Fields that only show what is in the document (or its date): page numbers, tables of
contents, cross-references, document properties. HYPERLINK only to a bookmark (`\\l`).
Not INCLUDEPICTURE, INCLUDETEXT, IMPORT, LINK, DDE, DDEAUTO, MACROBUTTON, DATABASE,
MERGEFIELD and the other mail-merge fields, ASK, FILLIN, IF, = or any other."""

URL = re.compile(
    r"\s*(?:(?:https?|ftps?|file|smb|webdav|mhtml|javascript|vbscript|ms-\w+|its|res):"
    r"|//|\\\\)",
    re.I,
)
"""An attribute value that names a place outside the document (UNC paths included)."""
IDENTIFIERS = frozenset(
    {
        ("Relationship", "Type"),
        ("compatSetting", "uri"),
        ("schemaRef", "uri"),
        ("graphicData", "uri"),
        ("ext", "uri"),
    }
)
"""(element, attribute) pairs whose values are namespace-like identifiers, never fetched."""

MAX_PART = 64 * 1024 * 1024


def _parser() -> Any:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
    )


class Refused(Exception):
    """A part that fetches or runs something: the message names the part and the thing."""


def check(
    docx: bytes,
    shown: str,
    rendered: bool = False,
    known: frozenset[tuple[str, bytes]] = frozenset(),
) -> frozenset[tuple[str, bytes]]:
    """Refuse a Word template (or, ``rendered``, the paper made from it) with any part that
    would fetch or run something; PsstratError names the template and the part. Returns the
    (name, SHA-256) of every part checked: passed back as ``known``, a part the paper carries
    unchanged from its template (styles, theme) is not parsed again. (Not the zip's CRC-32,
    which a template could make its rendered part match.)"""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            return _check_archive(archive, known)
    except Refused as exc:
        made = "renders to a paper whose " if rendered else ""
        raise PsstratError(f"template {shown}: {made}{exc}") from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise PsstratError(
            f"template {shown} is not a Word document ({exc}); save it from Word as .docx"
        ) from None


def _check_archive(
    archive: zipfile.ZipFile, known: frozenset[tuple[str, bytes]]
) -> frozenset[tuple[str, bytes]]:
    infos = archive.infolist()
    names = [info.filename.lower() for info in infos]
    if len(set(names)) != len(names):
        raise Refused("zip holds two parts of the same name; save it again from Word")
    types = _content_types(archive)
    checked = set()
    for info in infos:
        name = info.filename
        if name.endswith("/"):
            continue
        if info.file_size > MAX_PART:
            raise Refused(f"{name} is larger than 64 MiB; a Word template needs far less")
        data = archive.read(info)
        digest = (name, hashlib.sha256(data).digest())
        checked.add(digest)
        if digest in known:
            continue
        kind = _content_type(name, types)
        if kind in BINARY_TYPES:
            continue
        if not (kind.startswith(WORD_XML) and kind.endswith("+xml")) and kind not in XML_TYPES:
            raise Refused(
                f"{name} is a part of type {visible(kind) or 'unknown'}, not one a paper "
                "has (macros, ActiveX, embedded files and charts are refused); remove it"
            )
        _check_xml(name, _parse(name, data))
    return frozenset(checked)


def _content_types(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part name (lower case, no leading /) or `.ext` -> content type."""
    try:
        data = archive.read("[Content_Types].xml")
    except KeyError:
        raise Refused("[Content_Types].xml is missing; save it again from Word") from None
    root = _parse("[Content_Types].xml", data)
    types: dict[str, str] = {}
    for element in root.iter(f"{{{TYPES}}}Default", f"{{{TYPES}}}Override"):
        if element.tag.endswith("Default"):
            types["." + element.get("Extension", "").lower()] = element.get("ContentType", "")
        else:
            part = element.get("PartName", "").lstrip("/").lower()
            types[part] = element.get("ContentType", "")
    return types


def _content_type(name: str, types: dict[str, str]) -> str:
    """A part's content type, lower case (content types are case-insensitive)."""
    if name == "[Content_Types].xml":
        return "application/xml"
    found = types.get(name.lower())
    if found is None:  # by extension: "_rels/.rels" has the extension "rels"
        base = name.lower().rsplit("/", 1)[-1]
        found = types.get("." + base.rsplit(".", 1)[-1], "") if "." in base else ""
    return found.strip().lower()


def _parse(name: str, data: bytes) -> Any:
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise Refused(
            f"{name} is not well-formed XML ({visible(str(exc))[:80]}); save it again from Word"
        ) from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise Refused(f"{name} has a DOCTYPE, which no Word part has; save it again from Word")
    if any(isinstance(node, etree._ProcessingInstruction) for node in _around(root)):
        raise Refused(f"{name} has a processing instruction, which no Word part has; remove it")
    return root


def _around(root: Any) -> Iterator[Any]:
    yield from root.itersiblings(preceding=True)
    yield from root.iter()
    yield from root.itersiblings()


def _check_xml(name: str, root: Any) -> None:
    is_rels = name.endswith(".rels")
    for element in root.iter():
        if not isinstance(element.tag, str):  # an entity left unexpanded
            continue
        local = etree.QName(element).localname
        if is_rels and local == "Relationship":
            _check_relationship(name, element)
        what = ELEMENTS.get(local)
        if what is not None and (local != "HyperlinkBase" or (element.text or "").strip()):
            raise Refused(
                f"{name} has {what} (<{local}>); a paper fetches and runs nothing, remove it"
            )
        for attribute, value in element.attrib.items():
            key = (local, etree.QName(attribute).localname)
            if key not in IDENTIFIERS and URL.match(value):
                raise Refused(
                    f"{name} names {_short(value)} (the {key[1]} of <{local}>); "
                    "a paper fetches nothing, remove it"
                )
    for instruction in _field_instructions(root):
        _check_field(name, instruction)


def _check_relationship(name: str, element: Any) -> None:
    kind = element.get("Type", "").rsplit("/", 1)[-1]
    target = _short(element.get("Target", ""))
    if element.get("TargetMode", "Internal").strip().lower() != "internal":
        raise Refused(
            f"{name} has an external relationship ({visible(kind)} to {target}); "
            "a paper fetches nothing, remove it"
        )
    if kind not in RELATIONSHIPS:
        raise Refused(
            f"{name} has a relationship of type {visible(kind)} ({target}); a paper's parts "
            "are its text, styles, headers, footers and pictures, remove it"
        )


def _field_instructions(root: Any) -> Iterator[str]:
    """Every field's instruction: `w:fldSimple/@w:instr`, and each complex field's
    `w:instrText` runs between its `begin` and `separate` (or `end`) marks, nested fields
    each on their own. Instruction text outside any field counts as a field too."""
    stack: list[list[str]] = []
    loose: list[str] = []
    tags = (f"{{{W}}}{tag}" for tag in ("fldSimple", "fldChar", "instrText", "delInstrText"))
    for element in root.iter(*tags):
        local = etree.QName(element).localname
        if local == "fldSimple":
            yield element.get(f"{{{W}}}instr", "")
        elif local == "fldChar":
            mark = element.get(f"{{{W}}}fldCharType", "")
            if mark == "begin":
                stack.append([])
            elif mark in ("separate", "end") and stack:
                yield "".join(stack.pop())
                if mark == "separate":
                    stack.append([])  # the result: its text is not an instruction
        else:
            (stack[-1] if stack else loose).append(element.text or "")
    yield from ("".join(parts) for parts in stack)
    if loose:
        yield "".join(loose)


def _check_field(name: str, instruction: str) -> None:
    words = re.findall(r'"[^"]*"|\S+', instruction)
    if not words:
        return
    field = words[0].upper()
    if field in FIELDS and (field != "HYPERLINK" or _to_bookmark(words[1:])):
        return
    shown = visible(words[0])[:20]
    article = "an" if shown[:1].upper() in tuple("AEIOU") else "a"
    raise Refused(
        f"{name} has {article} {shown} field ({_short(instruction.strip())}); "
        "a paper fetches and runs nothing, remove it"
    )


def _to_bookmark(arguments: list[str]) -> bool:
    """A HYPERLINK field with no target but a bookmark (`\\l "name"`): a link inside."""
    words = iter(arguments)
    for word in words:
        switch = word.lower()
        if switch in ("\\l", "\\o", "\\t"):
            next(words, None)
        elif switch not in ("\\m", "\\n", "\\h"):
            return False
    return "\\l" in (a.lower() for a in arguments)


def _short(text: str) -> str:
    shown = visible(text)
    return shown if len(shown) <= 60 else shown[:57] + "..."
