"""Write src/psstrat/report/fontmetrics.py: the advance widths of the fonts the timeline's
labels are set in, measured from the fonts themselves.

    python tools/make_font_widths.py           # write it
    python tools/make_font_widths.py --check   # exit 1 if it is not what the fonts give

The timeline (report/register.py) cuts each label to the room beside its marker, so it must
know how wide a label is before any browser or Typst lays it out. The HTML's chart is set in
Arial (in Liberation Sans where Arial is not installed: a font made to Arial's metrics, so the
same advances), the PDF's in Libertinus Serif, one of the fonts inside the Typst compiler that
lays out every PDF (ignoring system fonts). Both are measured here by Typst itself, one
character at a time at 1000 pt (`measure`, with no fallback font), so a width is the font's
own advance in thousandths of an em, rounded up. Liberation Sans comes from Debian's
fonts-liberation (.ci/run installs it); the check runs in CI, and skips locally without it.

The table holds printable ASCII, Latin-1, Latin Extended-A (Welsh ŵ and ŷ, most European
names) and the punctuation a title uses; psstrat needs no font at run time.
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "psstrat" / "report" / "fontmetrics.py"
LIBERATION = Path("/usr/share/fonts/truetype/liberation")
FONTS = {"ARIAL": "Liberation Sans", "LIBERTINUS_SERIF": "Libertinus Serif"}
"""The table's name in the module -> the family Typst measures."""
RANGES = ((0x20, 0x7F), (0xA0, 0xAD), (0xAE, 0x180))
"""Printable ASCII; Latin-1 (but the soft hyphen, which is not seen) and Latin Extended-A."""
PUNCTUATION = (
    "\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014"
    "\u2026\u2022\u2020\u2021\u2032\u2033\u20ac\u2122"
)
"""Quotation marks, dashes, the ellipsis, the bullet, daggers, primes, the euro, trade mark."""
CHARACTERS = [chr(c) for start, end in RANGES for c in range(start, end)] + list(PUNCTUATION)
MEASURE = """
#let chars = json(bytes(sys.inputs.chars))
#let fonts = json(bytes(sys.inputs.fonts))
#context {
  let out = (:)
  for f in fonts {
    let w = (:)
    for c in chars {
      w.insert(c, measure(text(font: f, fallback: false, size: 1000pt, c)).width / 1pt)
    }
    out.insert(f, w)
  }
  [#metadata(out) <widths>]
}
"""
PER_LINE = 16


def measured() -> dict[str, dict[str, int]]:
    """Each table's name -> character -> advance in thousandths of an em."""
    import typst

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "measure.typ").write_text(MEASURE, encoding="utf-8")
        compiler = typst.Compiler(
            str(Path(folder) / "measure.typ"),
            root=folder,
            font_paths=[str(LIBERATION)],
            ignore_system_fonts=True,
            sys_inputs={
                "chars": json.dumps(CHARACTERS),
                "fonts": json.dumps(list(FONTS.values())),
            },
        )
        widths = json.loads(compiler.query("<widths>", field="value", one=True))
    return {
        name: {c: math.ceil(widths[family][c] - 1e-6) for c in CHARACTERS}
        for name, family in FONTS.items()
    }


def module(tables: dict[str, dict[str, int]]) -> str:
    lines = [
        '"""Advance widths, in thousandths of an em, of the fonts the timeline\'s labels are set',
        "in: written by tools/make_font_widths.py from the fonts themselves (do not edit; its",
        "docstring says how they are measured, and tests/test_label_widths.py checks this file",
        'against it)."""',
        "",
        f"RANGES = {RANGES!r}",
        "PUNCTUATION = (",
        f"    {json.dumps(PUNCTUATION[:8])}",
        f"    {json.dumps(PUNCTUATION[8:])}",
        ")",
        "CHARACTERS = [chr(c) for start, end in RANGES for c in range(start, end)]"
        " + list(PUNCTUATION)",
        '"""The characters measured, in the order of the widths below."""',
        "",
        "# fmt: off",
    ]
    for name, table in tables.items():
        widths = list(table.values())
        lines.append(f"{name}: dict[str, int] = dict(zip(CHARACTERS, (")
        for start in range(0, len(widths), PER_LINE):
            lines.append("    " + " ".join(f"{w}," for w in widths[start : start + PER_LINE]))
        lines.append("), strict=True))")
    lines += [
        "# fmt: on",
        "",
        "WIDEST = max(max(table.values()) for table in (ARIAL, LIBERTINUS_SERIF))",
        '"""The width taken for a character the tables do not hold: the widest they do."""',
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not (LIBERATION / "LiberationSans-Regular.ttf").is_file():
        print(f"no Liberation Sans in {LIBERATION}: install Debian's fonts-liberation")
        return 2
    text = module(measured())
    if "--check" in argv:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.name} is not what the fonts give: run python tools/make_font_widths.py")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
