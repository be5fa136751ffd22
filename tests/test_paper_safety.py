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
