"""The one page layout of the agency's letters and certificates.

fpdf2 draws the page: HarfBuzz (uharfbuzz) shapes every run, Arabic in an English letter
included, so marks such as the tanween of اعتبارًا are kept; the Unicode bidi algorithm runs
per paragraph with the document's base direction, so a wrapped line that starts with Latin
text stays in its paragraph's direction. Each drawn line is marked with its logical text
(ActualText), so copying, searching and screen readers get the characters as written, not
glyphs in visual order. Blocking: run it in a thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import cast

import segno
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

FONTS = Path(__file__).parents[1] / "data" / "fonts"
FONT = "Amiri"
MARGIN = 20.0
LINE = 1.5  # leading, in font sizes
GREEN = (11, 110, 79)
RED = (164, 22, 26)
GREY = (90, 90, 90)
BLACK = (0, 0, 0)
AGENCY = {"ar": "المؤسسة العامة للتأمينات الاجتماعية",
          "en": "General Organization for Social Insurance"}
PT = 25.4 / 72  # one point in millimetres
# Directional isolates keep a value (a reference, a date, a code) in its own direction inside
# a line of the other; they take no room and are left out of the text layer.
ISOLATES = dict.fromkeys(range(0x2066, 0x206A))


def isolated(value: str) -> str:
    """FSI ... PDI: the value orders itself (2026-PHY-000123 stays as written in Arabic)."""
    return f"\u2068{value}\u2069"


def logical(text: str) -> str:
    return text.translate(ISOLATES)


@dataclass(frozen=True)
class Row:
    label: str
    value: str


class Page:
    """A4 pages in one base direction, every line drawn marked with its text as written."""

    def __init__(self, *, rtl: bool, title: str, language: str) -> None:
        self.rtl = rtl
        self.pdf = FPDF(orientation="P", unit="mm", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf.add_font(FONT, "", str(FONTS / "Amiri-Regular.ttf"))
        self.pdf.add_font(FONT, "B", str(FONTS / "Amiri-Bold.ttf"))
        self.pdf.set_text_shaping(use_shaping_engine=True, direction="rtl" if rtl else "ltr")
        self.pdf.set_title(title)
        self.pdf.set_author(AGENCY["en"])
        self.pdf.set_creator(AGENCY["en"])
        self.pdf.set_lang(language)
        self.footer_room = 22.0
        self.pdf.add_page()
        self.header()

    @property
    def width(self) -> float:
        return self.pdf.w - 2 * MARGIN

    @property
    def align(self) -> str:
        return "R" if self.rtl else "L"

    def header(self) -> None:
        """Both names of the agency, its mark between them, and a rule."""
        pdf = self.pdf
        top = MARGIN - 6
        self.mark(pdf.w / 2, top + 8, 8)
        pdf.set_text_color(*GREEN)
        pdf.set_font(FONT, "B", 12)
        with pdf.local_context():
            pdf.set_text_shaping(use_shaping_engine=True, direction="rtl")
            self._line_at(AGENCY["ar"], x=pdf.w - MARGIN - 70, y=top + 4, width=70, align="R")
        with pdf.local_context():
            pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")
            self._line_at(AGENCY["en"], x=MARGIN, y=top + 4, width=70, align="L", size=10)
        pdf.set_draw_color(*GREEN)
        pdf.set_line_width(0.6)
        pdf.line(MARGIN, top + 20, pdf.w - MARGIN, top + 20)
        pdf.set_text_color(*BLACK)
        pdf.set_y(top + 26)

    def mark(self, x: float, y: float, radius: float) -> None:
        """The agency's mark: a green seal with two open hands of white."""
        pdf = self.pdf
        pdf.set_fill_color(*GREEN)
        pdf.circle(x=x, y=y, radius=radius, style="F")
        pdf.set_draw_color(255, 255, 255)
        pdf.set_line_width(0.8)
        pdf.circle(x=x, y=y, radius=radius * 0.72, style="D")
        pdf.set_fill_color(255, 255, 255)
        for side in (-1, 1):
            pdf.ellipse(x=x + side * radius * 0.28 - radius * 0.18, y=y - radius * 0.35,
                        w=radius * 0.36, h=radius * 0.8, style="F")

    def _line_at(self, text: str, *, x: float, y: float, width: float, align: str,
                 size: float | None = None) -> None:
        if size is not None:
            self.pdf.set_font_size(size)
        self.pdf.set_xy(x, y)
        self._marked(text, partial(self.pdf.cell, width, self.pdf.font_size * LINE, text,
                                   align=align))

    def _marked(self, text: str, draw: Callable[[], object]) -> None:
        """Draws a line inside a marked span whose ActualText is the line as written."""
        shown = logical(text)
        if not shown.strip():
            draw()
            return
        actual = ("\ufeff" + shown).encode("utf-16-be").hex().upper()
        self.pdf._out(f"/Span <</ActualText <{actual}>>> BDC")
        draw()
        self.pdf._out("EMC")

    def room(self, height: float) -> None:
        """A new page when `height` more would run into the footer."""
        if self.pdf.get_y() + height > self.pdf.h - MARGIN - self.footer_room:
            self.pdf.add_page()
            self.header()

    def paragraph(self, text: str, *, size: float = 12, bold: bool = False,
                  color: tuple[int, int, int] = BLACK, align: str | None = None,
                  after: float = 2.0) -> None:
        """Wrapped to the page; every wrapped line keeps the paragraph's direction."""
        pdf = self.pdf
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.set_text_color(*color)
        height = size * LINE * PT
        lines = cast(list[str], pdf.multi_cell(self.width, height, text, dry_run=True,
                                               output=MethodReturnValue.LINES))
        for line in lines:
            self.room(height)
            pdf.set_x(MARGIN)
            self._marked(line, partial(pdf.cell, self.width, height, line,
                                       align=align or self.align, new_x=XPos.LMARGIN,
                                       new_y=YPos.NEXT))
        pdf.set_text_color(*BLACK)
        pdf.set_y(pdf.get_y() + after)

    def rows(self, rows: Sequence[Row], *, size: float = 12) -> None:
        """Label and value pairs, one a line: "Reference: 2026-PHY-000123"."""
        for row in rows:
            self.paragraph(f"{row.label}: {isolated(row.value)}", size=size, after=0)
        self.space(3)

    def table(self, header: Sequence[str], body: Sequence[Sequence[str]],
              widths: Sequence[float], *, size: float = 10) -> None:
        """Columns in reading order (from the right in Arabic); a cell's lines split on "\n"."""
        pdf = self.pdf
        line = size * LINE * PT
        scale = self.width / sum(widths)
        columns = [w * scale for w in widths]
        for index, cells in enumerate([header, *body]):
            height = line * max(cell.count("\n") + 1 for cell in cells) + 1
            self.room(height)
            pdf.set_font(FONT, "B" if index == 0 else "", size)
            y = pdf.get_y()
            if index == 0:
                pdf.set_fill_color(230, 242, 237)
                pdf.rect(MARGIN, y, self.width, height, style="F")
            x = pdf.w - MARGIN if self.rtl else MARGIN
            for cell, width in zip(cells, columns, strict=True):
                left = x - width if self.rtl else x
                for number, part in enumerate(cell.split("\n")):
                    pdf.set_xy(left + 1, y + 0.5 + number * line)
                    self._marked(part, partial(pdf.cell, width - 2, line, part,
                                               align=self.align))
                x = left if self.rtl else x + width
            pdf.set_draw_color(200, 200, 200)
            pdf.set_line_width(0.2)
            pdf.line(MARGIN, y + height, pdf.w - MARGIN, y + height)
            pdf.set_y(y + height)
        self.space(4)

    def space(self, height: float) -> None:
        self.pdf.set_y(self.pdf.get_y() + height)

    def qr(self, data: str, *, size: float = 28.0) -> None:
        """The QR code of `data` at the end of the line (left in Arabic, right in English)."""
        self.room(size)
        matrix = segno.make(data, error="m").matrix
        cell = size / len(matrix)
        left = MARGIN if self.rtl else self.pdf.w - MARGIN - size
        top = self.pdf.get_y()
        self.pdf.set_fill_color(*BLACK)
        for row, cells in enumerate(matrix):
            for column, dark in enumerate(cells):
                if dark:
                    self.pdf.rect(left + column * cell, top + row * cell, cell, cell, style="F")

    def finish(self, footer: Callable[[int, int], Sequence[str]]) -> bytes:
        """Draws `footer(page, pages)` at the foot of every page and gives the PDF."""
        pdf = self.pdf
        pages = pdf.page
        size = 9
        height = size * LINE * PT
        for number in range(1, pages + 1):
            pdf.page = number
            lines = footer(number, pages)
            pdf.set_font(FONT, "", size)
            pdf.set_text_color(*GREY)
            y = pdf.h - MARGIN - height * len(lines) + 4
            pdf.set_draw_color(*GREEN)
            pdf.set_line_width(0.3)
            pdf.line(MARGIN, y - 2, pdf.w - MARGIN, y - 2)
            for line in lines:
                pdf.set_xy(MARGIN, y)
                self._marked(line, partial(pdf.cell, self.width, height, line, align="C"))
                y += height
        pdf.page = pages
        return bytes(pdf.output())
