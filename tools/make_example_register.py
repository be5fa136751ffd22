"""Writes examples/spreadsheet/register.xlsx: an illustrative risk register in the layout a
force keeps today (its own references, words for impact, a score and a RAG worked out by
formulas, bulleted controls, dates both as date cells and as typed text).

    python tools/make_example_register.py          # write it
    python tools/make_example_register.py --check  # exit 1 if the file is not what this makes

The same bytes every run (XlsxWriter dates zip entries 1980-01-01; the creation date is fixed),
so tests/test_import.py checks the committed file is this script's."""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import xlsxwriter

TARGET = Path(__file__).resolve().parents[1] / "examples" / "spreadsheet" / "register.xlsx"
HEADINGS = [
    "Risk Ref",
    "Risk",
    "Category",
    "Risk Owner",
    "Date Identified",
    "Likelihood",
    "Impact",
    "Risk Score",
    "RAG",
    "Existing Controls",
    "Escalated To",
    "Next Review",
    "Status",
]
IMPACT = {"Very high": 5, "High": 4, "Medium": 3, "Low": 2}
# Risk ref, risk, category, owner (a role or a name, as people write them), identified (a date
# cell, or text as it was typed), likelihood, impact (a word), controls, escalated, review.
ROWS: list[tuple[object, ...]] = [
    ("PSR-01", "Leakage of operational intelligence to criminals", "information",
     "Head of Professional Standards", dt.date(2025, 4, 7), 4, "Very high",
     "• Vetting of staff with access to intelligence\n• Audit of searches on force systems\n"
     "• Information security training for new staff", "Force Risk Register", "07/10/2025"),
    ("PSR-02", "Inappropriate associations with criminals go undeclared", "people",
     "Jane Smith", "14/04/2025", 3, "High",
     "Annual declaration of associations; supervisors' reviews", None, dt.date(2025, 10, 14)),
    ("PSR-03", "Vetting backlog delays clearances for posts that need them", "people",
     "Head of Vetting", dt.date(2025, 4, 22), 3, "Medium",
     "1. Weekly backlog review\n2. Priority list agreed with HR", None, dt.date(2025, 9, 30)),
    ("PSR-04", "Misuse of force credit cards", "financial",
     "Head of Counter Corruption", "2 May 2025", 2, "Medium",
     "- Monthly reconciliation by Finance\n- Spending limits per card", None, "30/11/2025"),
    ("PSR-05", "Loss of public confidence after a misconduct case is reported", "reputational",
     "Head of Professional Standards", dt.date(2025, 5, 12), 2, "High",
     "Media strategy for misconduct hearings", None, dt.date(2025, 11, 12)),
]  # fmt: skip


def register() -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties(
        {
            "title": "DPS Planning and Risk Register (illustrative)",
            "author": "Directorate of Professional Standards",
            "created": dt.datetime(2025, 6, 1),
        }
    )
    sheet = book.add_worksheet("Risk Register")
    bold = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    day = book.add_format({"num_format": "dd/mm/yyyy", "align": "left"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for column, heading in enumerate(HEADINGS):
        sheet.write_string(0, column, heading, bold)
    for r, (
        ref,
        risk,
        category,
        owner,
        identified,
        likelihood,
        impact,
        controls,
        escalated,
        review,
    ) in enumerate(ROWS, start=1):
        line = r + 1
        score = int(likelihood) * IMPACT[str(impact)]  # type: ignore[call-overload]
        rag = "Red" if score >= 15 else "Amber" if score >= 8 else "Green"
        sheet.write_string(r, 0, str(ref))
        sheet.write_string(r, 1, str(risk))
        sheet.write_string(r, 2, str(category))
        sheet.write_string(r, 3, str(owner))
        _date(sheet, r, 4, identified, day)
        sheet.write_number(r, 5, int(likelihood))  # type: ignore[call-overload]
        sheet.write_string(r, 6, str(impact))
        impact_score = f'IF(G{line}="Very high",5,IF(G{line}="High",4,IF(G{line}="Medium",3,2)))'
        sheet.write_formula(r, 7, f"=F{line}*{impact_score}", None, score)
        sheet.write_formula(
            r, 8, f'=IF(H{line}>=15,"Red",IF(H{line}>=8,"Amber","Green"))', None, rag
        )
        sheet.write_string(r, 9, str(controls), wrap)
        if escalated:
            sheet.write_string(r, 10, str(escalated))
        _date(sheet, r, 11, review, day)
        sheet.write_string(r, 12, "Open")
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 1, 48)
    sheet.set_column(2, 8, 14)
    sheet.set_column(9, 9, 52)
    sheet.set_column(10, 12, 16)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(ROWS), len(HEADINGS) - 1)
    book.close()
    return out.getvalue()


def _date(sheet: object, row: int, column: int, value: object, style: object) -> None:
    if isinstance(value, dt.date):
        sheet.write_datetime(row, column, dt.datetime.combine(value, dt.time()), style)  # type: ignore[attr-defined]
    else:
        sheet.write_string(row, column, str(value))  # type: ignore[attr-defined]


if __name__ == "__main__":
    made = register()
    if sys.argv[1:] == ["--check"]:
        if not TARGET.is_file() or TARGET.read_bytes() != made:
            print(f"{TARGET} is not what {Path(__file__).name} makes; run it", file=sys.stderr)
            raise SystemExit(1)
    else:
        TARGET.write_bytes(made)
        print(f"wrote {TARGET}")
