"""Render the first page of the committee paper as PDF and as Word to PNGs in docs/.

    python tools/render_docs_images.py

Needs pdftoppm (poppler-utils) and LibreOffice (for the Word file), as .ci/run installs them.
The pictures show the shipped data's paper for Q3 2004/05, closed session, so that a reader of
the README sees what a committee receives; rerun this after changing a template.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from psstrat.provenance import Source
from psstrat.report.context import build_context
from psstrat.report.paper import produce
from psstrat.report.scope import Paper
from psstrat.repository import load_repository
from psstrat.schedule import Quarter

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    context = build_context(
        load_repository(ROOT),
        Paper(Quarter(2004, 3), dt.date(2004, 12, 31), "closed", None),
        Source(None, False, "docs"),
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for fmt in ("pdf", "docx"):
            data = produce(context, fmt, ROOT)
            assert isinstance(data, bytes)
            (work / f"report.{fmt}").write_bytes(data)
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", "word", "report.docx"],
            cwd=work,
            env={**os.environ, "HOME": tmp},
            check=True,
            capture_output=True,
        )
        for source, name in ((work / "report.pdf", "pdf"), (work / "word" / "report.pdf", "docx")):
            target = ROOT / "docs" / f"report-{name}-page1"
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "70",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    source,
                    target,
                ],
                check=True,
            )
            sys.stdout.write(f"wrote {target}.png\n")


if __name__ == "__main__":
    main()
