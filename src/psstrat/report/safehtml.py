"""The HTML paper carries no active or remote content, whatever its template says.

A template is untrusted, and the HTML paper is opened in browsers, LibreOffice and Word, and
laid out as the PDF. So psstrat does not ship what the template wrote; it ships:

1. psstrat's own document shell: `<!DOCTYPE html>`, `<html lang>`, `<meta charset>` and a
   Content-Security-Policy that allows nothing remote and no script (for a browser, should
   anything ever get past step 2; Word and LibreOffice ignore it, hence step 2). A template's
   `<html>`, `<head>` and `<body>` tags are dropped: an attribute on them (`<body onload>`)
   is refused, since it would be silently lost; `<html lang>` is carried over.
2. The template's output cleaned by ammonia (nh3), with an allowlist of exactly the tags and
   attributes a paper needs (STRICT). It is compared with a permissive clean of the same text
   (every tag, attribute and URL scheme): where they differ, the template asked for something
   the paper may not carry (`<script>`, `onclick`, `<img src="http://...">`, `<iframe>`, an
   `<a href>` that leaves the paper) and is refused, naming the first such thing. Refusing
   rather than quietly removing it means the paper never differs from what its author sees
   in the template.
3. CSS, which ammonia does not look inside, checked with tinycss2 (as a browser tokenises it,
   escapes such as `u\\72l(` decoded): no `@import`, `expression()`, and no `url()`, `src()`,
   `image()` or `image-set()` other than a `data:` URL or a `#fragment`, in `<style>`
   elements, `style` attributes and SVG paint attributes.

A comment or an unknown tag is dropped by both cleans (it is inert), so it is not refused.
The PDF is laid out from this same cleaned HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Any

import nh3
import tinycss2

from psstrat.errors import PsstratError
from psstrat.report import engine
from psstrat.safetext import visible

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)
"""Nothing remote, no script, no frame, no form; inline CSS and `data:` images and fonts
(the only URLs the CSS check lets through)."""

LANG = "en-GB"


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


TEXT_TAGS = _names(
    "a abbr address article aside b bdi bdo blockquote br caption cite code col colgroup dd "
    "del details dfn div dl dt em figcaption figure footer h1 h2 h3 h4 h5 h6 header hgroup "
    "hr i ins kbd li main mark nav ol p pre q rp rt ruby s samp section small span strong "
    "sub summary sup table tbody td tfoot th thead time tr u ul var wbr"
)
"""Text and its structure: everything a paper's prose, lists and tables need."""
HEAD_TAGS = frozenset({"meta", "title", "style"})
SVG_TAGS = _names("svg g rect circle ellipse line polyline polygon path text tspan title desc")
"""The shapes and text of the paper's charts: no `use`, `image`, `foreignObject`, `a`,
`script`, `style`, animation or filter (each can fetch, run or re-parse something)."""

SVG_ATTRIBUTES = _names(
    "x y x1 y1 x2 y2 cx cy r rx ry width height d points transform viewBox "
    "preserveAspectRatio fill fill-opacity fill-rule stroke stroke-width stroke-dasharray "
    "stroke-opacity stroke-linecap stroke-linejoin opacity text-anchor dominant-baseline "
    "font-size font-weight font-family font-style dx dy"
)
CSS_ATTRIBUTES = frozenset({"style", "fill", "stroke"})
"""Attributes whose value is CSS, so may hold a `url()`."""
GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir", "role", "style"})

STRICT_ATTRIBUTES: dict[str, set[str]] = {
    "*": set(GLOBAL_ATTRIBUTES),
    "meta": {"name", "content"},
    "a": {"href"},
    "th": {"scope", "colspan", "rowspan", "headers", "abbr"},
    "td": {"colspan", "rowspan", "headers"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "details": {"open"},
    **{tag: set(SVG_ATTRIBUTES) for tag in SVG_TAGS},
}

ALL_TAGS = _names(
    "a abbr acronym address applet area article aside audio b base basefont bdi bdo "
    "bgsound big blink blockquote body br button canvas caption center cite code col "
    "colgroup data datalist dd del details dfn dialog dir div dl dt em embed fieldset "
    "figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header "
    "hgroup hr html i iframe image img input ins isindex kbd keygen label legend li link "
    "listing main map mark marquee math menu menuitem meta meter multicol nav nextid nobr "
    "noembed noframes noscript object ol optgroup option output p param picture "
    "plaintext portal pre progress q rb rp rt rtc ruby s samp script search section "
    "select slot small source spacer span strike strong style sub summary sup table "
    "tbody td template textarea tfoot th thead time title tr track tt u ul var video "
    "wbr xmp "
    "animate animateMotion animateTransform circle clipPath defs desc discard ellipse "
    "feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix "
    "feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA "
    "feFuncB feFuncG feFuncR feGaussianBlur feImage feMerge feMergeNode feMorphology "
    "feOffset fePointLight feSpecularLighting feSpotLight feTile feTurbulence filter "
    "foreignObject g line linearGradient marker mask metadata mpath path pattern "
    "polygon polyline radialGradient rect set stop svg switch symbol text textPath "
    "tspan use view "
    "maction annotation annotation-xml menclose merror mfenced mfrac mglyph mi "
    "mlabeledtr mmultiscripts mn mo mover mpadded mphantom mroot mrow ms mspace msqrt "
    "mstyle msub msubsup msup mtable mtd mtext mtr munder munderover semantics"
)
"""Every HTML, SVG and MathML element, current and obsolete: the permissive clean's tags
(and their lower-case forms, as HTML parsing may give them)."""

ALL_SCHEMES = _names(
    "http https ftp ftps file data javascript vbscript blob filesystem mailto tel sms "
    "ws wss about chrome cid mid news nntp sftp smb ssh telnet webcal ms-word ms-excel "
    "ms-powerpoint ms-its mhtml res view-source jar"
)

_SHELL_TAG = re.compile(r"<(html|head|body)(?=[\s/>])([^>]*)>", re.I)
_LANG = re.compile(r"""\s*lang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))\s*""", re.I)
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*\Z")
_STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.S)
"""A `<style>` element of the cleaned HTML: html5ever writes `<` in text and attributes as
`&lt;`, so `<style>` there is always the element, and its text cannot hold `</style>`."""

URL_FUNCTIONS = frozenset({"url", "src"})
IMAGE_FUNCTIONS = frozenset({"image", "image-set", "-webkit-image-set", "cross-fade"})
"""CSS functions whose strings are URLs."""
ACTIVE_FUNCTIONS = frozenset({"expression"})


class _Refused(Exception):
    """What the paper may not carry, in words for the one-line error."""


IN_PROCESS = 64 * 1024
"""Output up to this many characters is cleaned in psstrat's own process (at worst about a
second); more is cleaned in a child process bounded in time and memory (report.engine),
since parsing deeply nested tags takes time quadratic in their depth (100,000 nested `div`s
took 80 s) and memory that a Rust allocation failure would answer by aborting."""


def paper(text: str, shown: str, seconds: float = 60.0) -> str:
    """The HTML paper for a template's output ``text``: psstrat's shell around the strict
    clean, or a PsstratError naming the template ``shown`` and what it asked for (a large
    output is cleaned in a child process stopped after ``seconds``)."""
    if len(text) > IN_PROCESS:
        limits = engine.Limits(seconds, engine.CLEAN_MEMORY, 0)
        return engine.run("clean-html", text.encode("utf-8"), shown, limits).decode("utf-8")
    try:
        return clean(text)
    except engine.Refused as exc:
        raise PsstratError(f"template {shown}: {exc}") from None


def clean_bytes(data: bytes, pages: int) -> bytes:
    """`clean` as an engine (report.engine) runs it, in its child process."""
    return clean(data.decode("utf-8")).encode("utf-8")


def clean(text: str) -> str:
    """The paper for ``text``, or engine.Refused saying what it may not carry."""
    try:
        lang = _shell_language(text)
        problems: list[str] = []
        strict = _strict(problems).clean(text)
        if problems:
            raise _Refused(problems[0])
        if strict != _PERMISSIVE.clean(text):
            raise _Refused(first_difference(strict, _PERMISSIVE.clean(text)))
        for css in _STYLE_ELEMENT.findall(strict):
            check_css(css)
            check_css(html.unescape(css))  # as a browser reads it inside an <svg>
    except _Refused as exc:
        raise engine.Refused(
            f"the paper would carry active or remote content ({exc}); "
            "papers carry none, remove it from the template"
        ) from None
    except _Shell as exc:
        raise engine.Refused(
            f"psstrat writes the paper's <html>, <head> and <body> (found {exc}); "
            "put attributes on an element inside them"
        ) from None
    return shell(strict, lang)


def shell(body: str, lang: str = LANG) -> str:
    """psstrat's document around cleaned content. The template's `<meta>`, `<title>` and
    `<style>` come first in it, so HTML parsing puts them in the head (the head and body
    tags may be left out), then the first other element starts the body."""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f"{body.lstrip()}"
        f"{'' if body.endswith(chr(10)) else chr(10)}</html>\n"
    )


class _Shell(Exception):
    """An attribute on the template's own <html>, <head> or <body>."""


def _shell_language(text: str) -> str:
    """The language of the template's `<html lang>` (else en-GB); refused: any other
    attribute on `<html>`, `<head>` or `<body>`, which psstrat writes itself."""
    lang = LANG
    for match in _SHELL_TAG.finditer(text):
        name, attributes = match.group(1).lower(), match.group(2)
        given = _LANG.fullmatch(attributes) if name == "html" else None
        if given:
            value = next(g for g in given.groups() if g is not None)
            if _LANGUAGE_TAG.match(value):
                lang = value
                continue
        if attributes.strip(" \t\n\r\f/"):
            raise _Shell(_safe(match.group(0)))
    return lang


def _strict(problems: list[str]) -> nh3.Cleaner:
    """The allowlist clean; what its filter drops is noted in ``problems``."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href" and not value.startswith("#"):
            problems.append(_safe(f'<a href="{value}">'))
            return None
        if attribute in CSS_ATTRIBUTES:
            try:
                check_css(value)
            except _Refused as exc:
                problems.append(f"{exc} in the {attribute} of <{tag}>")
                return None
        return value

    return nh3.Cleaner(
        tags=TEXT_TAGS | HEAD_TAGS | SVG_TAGS,
        clean_content_tags=set(),
        attributes=STRICT_ATTRIBUTES,
        attribute_filter=keep,
        generic_attribute_prefixes={"aria-"},
        tag_attribute_values={
            "meta": {"charset": {"utf-8", "UTF-8"}},
            "svg": {"xmlns": {"http://www.w3.org/2000/svg"}},
        },
        link_rel=None,
        url_schemes=set(),
        url_relative="pass_through",  # the filter allows `#fragment`s only
        strip_comments=True,
    )


_PERMISSIVE = nh3.Cleaner(
    tags=ALL_TAGS | {t.lower() for t in ALL_TAGS},
    clean_content_tags=set(),
    attributes={},
    generic_attribute_prefixes={""},  # every attribute
    link_rel=None,
    url_schemes=set(ALL_SCHEMES),
    url_relative="pass_through",
    strip_comments=True,
)


def first_difference(strict: str, permissive: str) -> str:
    """The first thing the permissive clean kept and the strict one did not, shown as a
    tag with the attribute that differs: `<script>`, `<div onclick="...">`. The strict clean
    only removes tags and attributes (never text), so its start tags are those of the
    permissive one, some left out and some with fewer attributes."""
    kept = _start_tags(strict)
    j = 0
    for tag, attributes in _start_tags(permissive):
        if j < len(kept) and kept[j] == (tag, attributes):
            j += 1
            continue
        if j < len(kept) and kept[j][0] == tag:
            allowed = dict(kept[j][1])
            extra = [(k, v) for k, v in attributes if k not in allowed or allowed[k] != v]
            return _safe(_tag(tag, extra[:1]))
        return _safe(_tag(tag, attributes))
    return "markup a paper may not carry"


def _tag(name: str, attributes: Iterable[tuple[str, str | None]]) -> str:
    attrs = "".join(f' {k}="{v}"' if v is not None else f" {k}" for k, v in attributes)
    return f"<{name}{attrs}>"


def _start_tags(text: str) -> list[tuple[str, tuple[tuple[str, str | None], ...]]]:
    """Every start tag of cleaned HTML, with its attributes, in order."""
    found: list[tuple[str, tuple[tuple[str, str | None], ...]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, tuple(attrs)))

    parser = Collect(convert_charrefs=True)
    parser.feed(text)
    parser.close()
    return found


def check_css(css: str) -> None:
    """Refuse CSS that fetches or runs anything: `@import`, `expression()`, and a URL that
    is not `data:` or a `#fragment` (in `url()`, `src()`, `image()`, `image-set()`...).

    Every token is checked, nested blocks and functions included, as tokens rather than
    rules: nothing a parser's error recovery would skip can hide a URL from the check."""
    _check_tokens(tinycss2.parse_component_value_list(css, skip_comments=True), urls=False)


def _check_tokens(tokens: Iterable[Any], urls: bool) -> None:
    for token in tokens:
        kind = token.type
        if kind == "at-keyword" and token.lower_value == "import":
            raise _Refused("@import in CSS")
        if kind == "url" or (kind == "string" and urls):
            _check_url(token.value)
        elif kind == "function":
            if token.lower_name in ACTIVE_FUNCTIONS:
                raise _Refused(f"{token.lower_name}() in CSS")
            inner = token.lower_name in URL_FUNCTIONS | IMAGE_FUNCTIONS
            _check_tokens(token.arguments, urls=urls or inner)
        elif kind in ("() block", "[] block", "{} block"):
            _check_tokens(token.content, urls)


def _check_url(url: str) -> None:
    stripped = url.strip()
    if stripped.startswith("#") or stripped[:5].lower() == "data:":
        return
    raise _Refused(_safe(f"url({stripped}) in CSS"))


def _safe(text: str, limit: int = 80) -> str:
    """Untrusted markup shown in an error: on one line, escapes visible, not too long."""
    shown = visible(" ".join(text.split()))
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."
