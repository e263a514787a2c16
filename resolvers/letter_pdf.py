"""The decision letter as a PDF, in Arabic (right to left, letters joined) or English.

reportlab draws the page with the Amiri font shipped in resolvers/data/fonts (SIL OFL 1.1,
see OFL.txt there), arabic-reshaper joins the Arabic letters, python-bidi orders each line for
display, and segno makes the QR code of the verification link. Blocking: run it in a thread.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import arabic_reshaper
import segno
from bidi import get_display
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from models import Language

REGULAR, BOLD = "Amiri", "Amiri-Bold"
MARGIN = 56
GREEN = HexColor("#0B6E4F")
# Directional isolates order a value (a date, a reference) inside an Arabic line; they are
# dropped once the line is laid out, as the font has no glyph for them.
ISOLATES = dict.fromkeys(range(0x2066, 0x206A))


def _isolated(value: str) -> str:
    """FSI ... PDI: the value keeps its own direction (a date stays 2026-12-01)."""
    return f"\u2068{value}\u2069"


@dataclass(frozen=True)
class LetterContent:
    language: Language
    reference_number: str
    service_name: str
    decision: str
    approved: bool
    issued_on: str
    holder_name: str
    national_id: str
    note: str | None
    verification_code: str
    verify_url: str


LABELS = {
    Language.EN: {
        "agency": "General Organization for Social Insurance",
        "title": "Decision letter",
        "reference": "Reference number",
        "service": "Service",
        "holder": "Applicant",
        "national_id": "National ID",
        "decision": "Decision",
        "date": "Date",
        "note": "Reviewer's note",
        "code": "Verification code",
        "verify": "Scan the code or open this link to check that this letter is genuine:",
    },
    Language.AR: {
        "agency": "المؤسسة العامة للتأمينات الاجتماعية",
        "title": "خطاب قرار",
        "reference": "الرقم المرجعي",
        "service": "الخدمة",
        "holder": "مقدم الطلب",
        "national_id": "رقم الهوية",
        "decision": "القرار",
        "date": "التاريخ",
        "note": "ملاحظة المراجع",
        "code": "رمز التحقق",
        "verify": "امسح الرمز أو افتح هذا الرابط للتحقق من صحة هذا الخطاب:",
    },
}


@cache
def _fonts() -> None:
    folder = Path(__file__).with_name("data") / "fonts"
    pdfmetrics.registerFont(TTFont(REGULAR, str(folder / "Amiri-Regular.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "Amiri-Bold.ttf")))


def render_letter(content: LetterContent) -> bytes:
    _fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{LABELS[content.language]['title']} {content.reference_number}")
    canvas.setAuthor(LABELS[Language.EN]["agency"])
    _Page(canvas, content).draw()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


class _Page:
    def __init__(self, canvas: Canvas, content: LetterContent) -> None:
        self.canvas = canvas
        self.content = content
        self.rtl = content.language is Language.AR
        self.labels = LABELS[content.language]
        self.width, self.height = A4
        self.y = self.height - MARGIN

    def draw(self) -> None:
        c, labels = self.content, self.labels
        self.canvas.setFillColor(GREEN)
        self.line(labels["agency"], size=17, font=BOLD)
        self.canvas.setStrokeColor(GREEN)
        self.canvas.setLineWidth(1.5)
        self.canvas.line(MARGIN, self.y + 6, self.width - MARGIN, self.y + 6)
        self.y -= 22
        self.canvas.setFillColor(HexColor("#000000"))
        self.line(labels["title"], size=22, font=BOLD)
        self.y -= 8
        for label, value in (
            ("reference", c.reference_number),
            ("date", c.issued_on),
            ("holder", c.holder_name),
            ("national_id", c.national_id),
            ("service", c.service_name),
        ):
            self.line(f"{labels[label]}: {_isolated(value)}", size=13)
        self.y -= 6
        self.canvas.setFillColor(GREEN if c.approved else HexColor("#A4161A"))
        self.line(f"{labels['decision']}: {_isolated(c.decision)}", size=16, font=BOLD)
        self.canvas.setFillColor(HexColor("#000000"))
        if c.note:
            self.y -= 6
            self.line(f"{labels['note']}:", size=13, font=BOLD)
            for part in self.wrap(c.note, size=12):
                self.line(part, size=12)
        self.y -= 20
        self.line(f"{labels['code']}: {_isolated(c.verification_code)}", size=15, font=BOLD)
        for part in self.wrap(labels["verify"], size=11):
            self.line(part, size=11)
        self.canvas.setFont(REGULAR, 10)
        self.canvas.drawString(MARGIN, self.y, c.verify_url) if not self.rtl else \
            self.canvas.drawRightString(self.width - MARGIN, self.y, c.verify_url)
        self.y -= 12
        self.qr(c.verify_url, size=110)

    def shaped(self, text: str) -> str:
        if not self.rtl:
            return text.translate(ISOLATES)
        return get_display(arabic_reshaper.reshape(text)).translate(ISOLATES)

    def line(self, text: str, *, size: float, font: str = REGULAR) -> None:
        self.canvas.setFont(font, size)
        shown = self.shaped(text)
        if self.rtl:
            self.canvas.drawRightString(self.width - MARGIN, self.y, shown)
        else:
            self.canvas.drawString(MARGIN, self.y, shown)
        self.y -= size * 1.6

    def wrap(self, text: str, *, size: float, font: str = REGULAR) -> list[str]:
        """Lines in logical order that fit the page, measured as they will be drawn."""
        room = self.width - 2 * MARGIN
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            current = ""
            for word in paragraph.split():
                trial = f"{current} {word}".strip()
                if current and pdfmetrics.stringWidth(self.shaped(trial), font, size) > room:
                    lines.append(current)
                    current = word
                else:
                    current = trial
            lines.append(current)
        return lines

    def qr(self, data: str, *, size: float) -> None:
        matrix = segno.make(data, error="m").matrix
        cell = size / len(matrix)
        left = self.width - MARGIN - size if self.rtl else MARGIN
        top = self.y
        self.canvas.setFillColor(HexColor("#000000"))
        for row, cells in enumerate(matrix):
            for column, dark in enumerate(cells):
                if dark:
                    self.canvas.rect(left + column * cell, top - (row + 1) * cell, cell, cell,
                                     stroke=0, fill=1)
        self.y = top - size - 12
