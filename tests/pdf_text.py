"""What a PDF gives back to copy, search and screen readers, read with pdfminer.six.

`actual_lines` reads the text layer as Acrobat and screen readers do: a marked span's
ActualText stands for the glyphs inside it, and glyphs outside any span count as they are.
`glyph_text` is the glyphs alone through the fonts' ToUnicode maps, in drawing order.
"""

from __future__ import annotations

import io

from pdfminer.high_level import extract_text
from pdfminer.pdfdevice import PDFDevice
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

PRESENTATION_FORMS = range(0xFB50, 0xFF00)


class _ActualText(PDFDevice):
    def __init__(self, resources: PDFResourceManager) -> None:
        super().__init__(resources)
        self.spans: list[str] = []
        self.open: list[bool] = []

    def begin_tag(self, tag, props=None) -> None:  # type: ignore[no-untyped-def]
        actual = props.get("ActualText") if isinstance(props, dict) else None
        if isinstance(actual, bytes):
            text = (actual[2:].decode("utf-16-be") if actual.startswith(b"\xfe\xff")
                    else actual.decode("latin-1"))
            self.spans.append(text)
        self.open.append(actual is not None)


def actual_lines(pdf: bytes) -> list[str]:
    resources = PDFResourceManager()
    device = _ActualText(resources)
    interpreter = PDFPageInterpreter(resources, device)
    for page in PDFPage.get_pages(io.BytesIO(pdf)):
        interpreter.process_page(page)
    return device.spans


def glyph_text(pdf: bytes) -> str:
    return extract_text(io.BytesIO(pdf))


def presentation_forms(text: str) -> list[str]:
    return [char for char in text if ord(char) in PRESENTATION_FORMS]


def glyph_boxes(pdf: bytes) -> list[tuple[str, float, float, float]]:
    """Each glyph of the first page as (text, left, right, baseline) in points, as drawn."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTComponent

    found: list[tuple[str, float, float, float]] = []

    def walk(item: LTComponent) -> None:
        if isinstance(item, LTChar):
            found.append((item.get_text(), item.x0, item.x1, round(item.y0, 1)))
        for child in getattr(item, "_objs", []):
            walk(child)

    for page in extract_pages(io.BytesIO(pdf), maxpages=1):
        walk(page)
    return found
