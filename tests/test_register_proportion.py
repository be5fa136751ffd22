"""The register in proportion: a paper's lists of risks are capped at `report.list_length`
with a sentence counting the rest, and the whole register is an appendix only when asked for
(`--appendix register`). Withheld risks are neither listed nor counted in the rest."""

from __future__ import annotations

import io

import docx
from typer.testing import CliRunner

from tests.conftest import RepoBuilder, invoke

RISK = """\
    id: {id}
    title: Risk number {n}
    category: information
    owner: lead-a
    raised: 2004-11-0{n}
    inherent: {{likelihood: 4, impact: 4}}
    residual: {{likelihood: 2, impact: 2, date: 2004-11-0{n}}}
    controls:
      - description: A control
        owner: lead-b
        status: in-progress
    review_date: 2005-03-31
    {marking}
    """


def many(repo: RepoBuilder, n: int, length: int, secret: int = 0) -> None:
    repo.write("psstrat.yaml", f"report: {{list_length: {length}}}\n")
    for i in range(2, 2 + n):
        marking = "marking: secret" if i < 2 + secret else ""
        repo.write(f"data/risks/R000{i}.yaml", RISK.format(id=f"R000{i}", n=i, marking=marking))


def report(cli: CliRunner, repo: RepoBuilder, *args: str) -> str:
    code, out, err = invoke(cli, "report", "--root", str(repo.root), "--quarter", "2004-Q3", *args)
    assert code == 0, err
    return out


def test_a_long_list_is_capped_with_the_rest_counted(cli: CliRunner, repo: RepoBuilder) -> None:
    many(repo, 4, length=2)
    md = report(cli, repo)
    raised = md.split("#### Risks raised in the quarter")[1].split("####")[0]
    # R0002..R0005 were raised in the quarter (the fixture's R0001 is closed-session only).
    assert raised.count("\n- R") == 2
    assert "2 more risks are not listed here." in raised
    assert "Appendix" not in md


def test_withheld_risks_are_neither_listed_nor_counted(cli: CliRunner, repo: RepoBuilder) -> None:
    many(repo, 4, length=2, secret=2)
    raised = report(cli, repo).split("#### Risks raised in the quarter")[1].split("####")[0]
    # R0002 and R0003 are secret; R0001 is official-sensitive: open sees R0004 and R0005.
    assert raised.count("\n- R") == 2 and "more risk" not in raised


def test_the_appendix_lists_every_live_risk_in_every_format(
    cli: CliRunner, repo: RepoBuilder
) -> None:
    many(repo, 4, length=1)
    md = report(cli, repo, "--appendix", "register")
    appendix = md.split("## Appendix: the risk register")[1]
    assert [f"R000{i}" in appendix for i in range(2, 6)] == [True] * 4
    html = report(cli, repo, "--appendix", "register", "--format", "html")
    assert '<section id="appendix">' in html and html.count("Risk number") >= 4
    out = repo.root / "paper.docx"
    code, _, err = invoke(
        cli,
        "report",
        "--root",
        str(repo.root),
        "--quarter",
        "2004-Q3",
        "--appendix",
        "register",
        "-o",
        str(out),
    )
    assert code == 0, err
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(out.read_bytes())).paragraphs)
    assert "Appendix: the risk register" in text
    assert "3 more risks are not listed here." in text  # raised in the quarter: 4, 1 shown


def test_an_unknown_appendix_is_exit_2(cli: CliRunner, repo: RepoBuilder) -> None:
    code, out, err = invoke(
        cli, "report", "--root", str(repo.root), "--quarter", "2004-Q3", "--appendix", "risks"
    )
    assert (code, out) == (2, "") and "register" in err
