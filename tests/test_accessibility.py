"""The papers against the public sector's accessibility duties (docs/accessibility.md): the
Word paper's language, dates and properties read back from its XML; the HTML paper checked by
axe-core in Chromium (WCAG 2.2 AA)."""

from __future__ import annotations

import datetime as dt
import html as markup
import io
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from psstrat.provenance import Source
from psstrat.report.context import build_context
from psstrat.report.paper import produce
from psstrat.report.papers import build_paper
from psstrat.report.scope import Paper
from psstrat.repository import load_repository
from psstrat.schedule import Quarter
from tests.conftest import RepoBuilder, invoke

ROOT = Path(__file__).resolve().parents[1]
NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}
W_VAL = f"{{{NS['w']}}}val"


def quarter_paper(fmt: str, session: str = "open") -> bytes | str:
    context = build_context(
        load_repository(ROOT),
        Paper(Quarter(2004, 3), dt.date(2004, 12, 31), session, None),
        Source("GOLDEN", False),
    )
    return produce(context, fmt, ROOT)


def meeting_paper(fmt: str, day: dt.date, session: str = "open") -> bytes | str:
    context = build_paper(load_repository(ROOT), day, None, session, Source("GOLDEN", False))
    return produce(context, fmt, ROOT)


def parts(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def languages(docx: bytes) -> dict[str, str | None]:
    """Where a Word document says its language: the styles' default run language (in both
    style parts), the theme fonts' language, and the core properties'."""
    found = parts(docx)
    said: dict[str, str | None] = {}
    for name in ("word/styles.xml", "word/stylesWithEffects.xml"):
        lang = ET.fromstring(found[name]).find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
        said[name] = None if lang is None else lang.get(W_VAL)
    theme = ET.fromstring(found["word/settings.xml"]).find("w:themeFontLang", NS)
    said["word/settings.xml"] = None if theme is None else theme.get(W_VAL)
    said["docProps/core.xml"] = ET.fromstring(found["docProps/core.xml"]).findtext(
        "dc:language", namespaces=NS
    )
    return said


def core(docx: bytes) -> ET.Element:
    return ET.fromstring(parts(docx)["docProps/core.xml"])


# -- Word -----------------------------------------------------------------------------------


def test_the_word_paper_is_in_british_english_dated_from_its_data() -> None:
    docx = quarter_paper("docx")
    assert isinstance(docx, bytes)
    assert set(languages(docx).values()) == {"en-GB"}, languages(docx)
    props = core(docx)
    # The paper's as-of date (the quarter's last day), as the PDF's: not the template's
    # 2000-01-01, not the clock.
    assert props.findtext("dcterms:created", namespaces=NS) == "2004-12-31T00:00:00Z"
    assert props.findtext("dcterms:modified", namespaces=NS) == "2004-12-31T00:00:00Z"
    # No part of the document says en-US any more.
    assert not {n for n, b in parts(docx).items() if b'w:val="en-US"' in b}


def test_a_meeting_paper_is_dated_its_meeting() -> None:
    docx = meeting_paper("docx", dt.date(2004, 1, 12))
    assert isinstance(docx, bytes)
    assert core(docx).findtext("dcterms:created", namespaces=NS) == "2004-01-12T00:00:00Z"
    assert set(languages(docx).values()) == {"en-GB"}


def test_the_word_paper_takes_its_language_from_the_settings(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path
) -> None:
    repo.write("psstrat.yaml", "report:\n  language: cy-GB\n")
    out = tmp_path / "paper.docx"
    code, _, err = invoke(
        cli, "report", "--root", str(repo.root), "--quarter", "2004-Q3", "-o", str(out)
    )
    assert code == 0, err
    assert set(languages(out.read_bytes()).values()) == {"cy-GB"}
    html = tmp_path / "paper.html"
    code, _, err = invoke(
        cli, "report", "--root", str(repo.root), "--quarter", "2004-Q3", "-o", str(html)
    )
    assert code == 0, err
    assert '<html lang="cy-GB">' in html.read_text(encoding="utf-8")


def test_the_word_papers_properties_are_escaped_once(
    cli: CliRunner, repo: RepoBuilder, tmp_path: Path
) -> None:
    repo.edit("data/strategy.yaml", "title: Test Strategy", "title: Ethics & <Standards>")
    out = tmp_path / "paper.docx"
    code, _, err = invoke(
        cli, "report", "--root", str(repo.root), "--quarter", "2004-Q3", "-o", str(out)
    )
    assert code == 0, err
    raw = parts(out.read_bytes())["docProps/core.xml"].decode("utf-8")
    assert "Ethics &amp; &lt;Standards&gt;: progress report" in raw
    assert "&amp;amp;" not in raw and "&amp;lt;" not in raw
    title = core(out.read_bytes()).findtext("dc:title", namespaces=NS)
    assert title == "Ethics & <Standards>: progress report, Q3 2004/05"


# -- HTML: axe-core in Chromium -------------------------------------------------------------

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
AXE_CORE = os.environ.get("AXE_CORE")
"""axe.min.js from the npm package axe-core@4, which .ci/run installs into a temporary folder
and names here (the tests fetch nothing)."""
WCAG = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
"""axe-core's tags for WCAG 2.2 level AA: every level A and AA success criterion of 2.0,
2.1 and 2.2 that it checks."""

needs_axe = pytest.mark.skipif(
    (BROWSER is None or not AXE_CORE or not Path(AXE_CORE).is_file()) and not os.environ.get("CI"),
    reason="no chromium or no AXE_CORE (the path of axe-core's axe.min.js) on this machine; "
    ".ci/run installs both, and CI never skips",
)
RUN_AXE = """
axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]})
  .then((r) => r, (e) => ({error: String(e)}))
  .then((r) => {
    const out = document.createElement("pre");
    out.id = "result";
    out.textContent = JSON.stringify(r.error ? r : {
      violations: r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => ({target: n.target, html: n.html.slice(0, 200),
                                    summary: n.failureSummary}))})),
      passes: r.passes.map((v) => v.id),
      incomplete: r.incomplete.map((v) => v.id),
      version: axe.version,
    });
    document.body.appendChild(out);
  });
"""


def in_browser(page: str, folder: Path, *scripts: str) -> dict[str, object]:
    """What ``scripts`` (files in ``folder``) write into ``page``'s `<pre id="result">` as
    JSON, run in headless Chromium. The paper's policy lets no script run
    (report.safehtml.CSP), so they run in a copy of the page without it, which Chromium
    then dumps."""
    from psstrat.report.safehtml import CSP

    assert BROWSER is not None, "chromium is required in CI: .ci/run installs it"
    policy = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
    assert policy in page
    tags = "".join(f'<script src="{name}"></script>' for name in scripts)
    html = folder / "paper.html"
    html.write_text(page.replace(policy, "").replace("</html>", f"{tags}\n</html>"), "utf-8")
    ran = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={folder / 'profile'}",
            "--window-size=1280,1024",
            "--virtual-time-budget=30000",
            "--dump-dom",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
    )
    found = re.search(r'<pre id="result">(.*?)</pre>', ran.stdout, re.S)
    assert found, f"the page's script did not report: {ran.stderr[-500:]}"
    result: dict[str, object] = json.loads(markup.unescape(found.group(1)))
    assert "error" not in result, result
    return result


def axe(page: str, folder: Path) -> dict[str, object]:
    """axe-core's findings on ``page`` (WCAG 2.2 AA), in headless Chromium."""
    assert AXE_CORE, "AXE_CORE is required in CI: .ci/run installs axe-core"
    shutil.copyfile(AXE_CORE, folder / "axe.min.js")
    (folder / "run-axe.js").write_text(RUN_AXE % json.dumps(list(WCAG)), encoding="utf-8")
    return in_browser(page, folder, "axe.min.js", "run-axe.js")


PAPERS = {
    "quarter-open": lambda: quarter_paper("html", "open"),
    "quarter-closed": lambda: quarter_paper("html", "closed"),
    "meeting-2004-01-12-open": lambda: meeting_paper("html", dt.date(2004, 1, 12)),
    "meeting-2004-10-07-closed": lambda: meeting_paper("html", dt.date(2004, 10, 7), "closed"),
}


@needs_axe
@pytest.mark.parametrize("name", sorted(PAPERS))
def test_the_html_paper_has_no_wcag_22_aa_violations(name: str, tmp_path: Path) -> None:
    page = PAPERS[name]()
    assert isinstance(page, str)
    result = axe(page, tmp_path)
    assert result["violations"] == [], json.dumps(result["violations"], indent=1)
    # axe did look: the rules a paper exercises ran and passed.
    passes = result["passes"]
    assert isinstance(passes, list)
    assert {"html-has-lang", "html-lang-valid", "document-title", "color-contrast"} <= set(
        passes
    ), passes


@needs_axe
def test_axe_finds_what_a_paper_must_not_have(tmp_path: Path) -> None:
    """The check can fail: the open paper with its language taken away and a grey on white
    below 4.5:1 is reported."""
    page = quarter_paper("html", "open")
    assert isinstance(page, str)
    broken = page.replace('<html lang="en-GB">', "<html>").replace(
        "</style>", "body { color: #aaaaaa; }\n</style>", 1
    )
    result = axe(broken, tmp_path)
    found = {v["id"] for v in result["violations"]}  # type: ignore[attr-defined]
    assert {"html-has-lang", "color-contrast"} <= found, found


LIBERATION = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")
MEASURE_LABELS = """
const svg = document.querySelector("figure.timeline svg");
const out = document.createElement("pre");
out.id = "result";
out.textContent = JSON.stringify({
  width: svg.viewBox.baseVal.width,
  labels: [...svg.querySelectorAll("text.tl-label")].map((t) => {
    const box = t.getBBox();
    return {text: t.textContent, left: box.x, right: box.x + box.width};
  }),
});
document.body.appendChild(out);
"""


@pytest.mark.skipif(
    (BROWSER is None or not LIBERATION.is_file()) and not os.environ.get("CI"),
    reason="no chromium or no Liberation Sans (Arial's metrics; Debian's fonts-liberation) "
    "on this machine; .ci/run installs both, and CI never skips",
)
def test_the_timeline_labels_fit_as_a_browser_lays_them_out(tmp_path: Path) -> None:
    """Chromium's own widths of the labels, set in Arial's metrics: each inside the chart, and
    within a few units of what psstrat measured (so labels are cut where they must be, not
    early as with the old estimate)."""
    from psstrat.report.register import label_width

    page = quarter_paper("html", "closed")
    assert isinstance(page, str)
    (tmp_path / "measure.js").write_text(MEASURE_LABELS, encoding="utf-8")
    found = in_browser(page, tmp_path, "measure.js")
    width = found["width"]
    labels = found["labels"]
    assert isinstance(width, float | int) and isinstance(labels, list) and len(labels) == 9
    for label in labels:
        assert label["left"] >= 0 and label["right"] <= width, label
        text = label["text"]
        if "[" in text:  # a marking, shown by the marker: not part of the cut label
            continue
        laid_out = label["right"] - label["left"]
        assert laid_out - 1 <= label_width(text) <= laid_out + 6, (text, laid_out)
