"""The HTML report printed to PDF by a real browser: A4 pages, marked top and bottom."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from psstrat.report.context import build_context
from psstrat.report.render import render
from psstrat.report.scope import Paper
from psstrat.repository import load_repository
from psstrat.schedule import Quarter

ROOT = Path(__file__).resolve().parents[1]
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")

needs_browser = pytest.mark.skipif(
    BROWSER is None and not os.environ.get("CI"),
    reason="no chromium on this machine (.ci/run installs Debian's chromium; CI never skips)",
)


def print_to_pdf(html: Path, pdf: Path, profile: Path) -> None:
    assert BROWSER is not None, "chromium is required in CI: .ci/run installs it"
    subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


@needs_browser
@pytest.mark.parametrize(
    ("session", "marking"), [("open", "OFFICIAL"), ("closed", "OFFICIAL-SENSITIVE")]
)
def test_printed_report_is_marked_on_first_and_last_page(
    tmp_path: Path, session: str, marking: str
) -> None:
    from pypdf import PdfReader

    context = build_context(
        load_repository(ROOT), Paper(Quarter(2004, 3), dt.date(2004, 12, 31), session)
    )
    html = tmp_path / "report.html"
    html.write_text(render(context, "html", ROOT), encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    print_to_pdf(html, pdf, tmp_path / "profile")
    pages = PdfReader(pdf).pages
    assert 3 <= len(pages) <= 30
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    first, last = pages[0].extract_text(), pages[-1].extract_text()
    for text in (first, last):
        lines = [line.strip() for line in text.splitlines()]
        assert any(line.startswith(marking) for line in lines), text[:200]
        if session == "open":
            assert "OFFICIAL-SENSITIVE" not in text
    assert "progress report" in first
    assert "Produced by psstrat" in last


@needs_browser
def test_the_papers_policy_stops_a_browser_fetching(tmp_path: Path) -> None:
    """The second layer: should active or remote content ever get past the cleaning, the
    paper's Content-Security-Policy stops Chromium running or fetching it. The same page
    without the policy does fetch (so the test server does see what a browser sends)."""
    import http.server
    import threading

    from psstrat.report.safehtml import CSP, shell

    seen: list[str] = []

    class Record(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(204)
            self.end_headers()

        def do_POST(self) -> None:
            self.do_GET()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Record)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    body = (
        f'<title>t</title><link rel="stylesheet" href="{base}/css">'
        f"<style>p {{ background: url({base}/background) }}</style>"
        f'<p>paper</p><img src="{base}/img">'
        f'<script>fetch("{base}/script", {{method: "POST", body: document.body.innerHTML}})'
        "</script>\n"
    )
    try:
        for name, page in (("guarded", shell(body)), ("bare", shell(body).replace(CSP, ""))):
            html = tmp_path / f"{name}.html"
            html.write_text(page, encoding="utf-8")
            assert BROWSER is not None
            subprocess.run(
                [
                    BROWSER,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    f"--user-data-dir={tmp_path / name}",
                    "--virtual-time-budget=3000",
                    "--dump-dom",
                    html.as_uri(),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            if name == "guarded":
                assert seen == [], seen
        assert {"/img", "/script", "/css"} <= set(seen), seen  # the bare page did fetch
    finally:
        server.shutdown()
        server.server_close()
