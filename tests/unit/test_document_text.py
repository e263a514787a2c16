"""Every kind of PDF gives back its text as written: the names and notes exactly, Arabic in an
English letter included, with the short vowel marks and without presentation forms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from models import Language
from resolvers.letters.certificate import CertificateContent, Period, Wage, render_certificate
from resolvers.letters.decision import LetterContent, render_letter
from tests.pdf_text import actual_lines, glyph_boxes, glyph_text, presentation_forms

NAME = "سارة عبدالله الحربي"
MIXED_NOTE_EN = "Approved for twelve sessions; المراجع: تمت الموافقة على اثنتي عشرة جلسة in Riyadh."
# Long enough to wrap, and the wrapped line starts with Latin text.
MIXED_NOTE_AR = ("يصرف المبلغ اعتبارًا من 1 محرم، بواقع 3000 ريالًا شهريًا. أرفق تقرير الطبيب "
                 "المعالج ثم MRI scan report from King Fahd Hospital.")
TANWEEN = "\u064b"


def letter(language: Language, note: str) -> bytes:
    return render_letter(content(language, note))


def content(language: Language, note: str) -> LetterContent:
    return LetterContent(
        language=language, reference_number="2026-PHY-000123",
        service_name="Physiotherapy" if language is Language.EN else "العلاج الطبيعي",
        decision="Approved" if language is Language.EN else "مقبول", approved=True,
        issued_on=dt.date(2026, 12, 4), holder_name=NAME, national_id="1012345678", note=note,
        verification_code="7KQ2-M9XD-4TPA", public_url="https://my.gosi.gov.sa",
    )


def certificate(language: Language) -> bytes:
    return render_certificate(CertificateContent(
        language=language, number="CC-2026-7KQ2M9", issued_on=dt.date(2026, 12, 4),
        holder_name=NAME, national_id="1012345678",
        periods=[Period("شركة المراعي", "100234", dt.date(2015, 3, 1), dt.date(2019, 2, 28), 48),
                 Period("Saudi Aramco", "100987", dt.date(2019, 3, 1), None, 93)],
        contribution_months=141, current_employer="Saudi Aramco",
        employed_since=dt.date(2019, 3, 1),
        current_wage=Wage(Decimal("10000.00"), Decimal("2500.00")),
        verification_code="7KQ2-M9XD-4TPA", public_url="https://my.gosi.gov.sa",
    ))


def wrapped(lines: list[str], text: str) -> str:
    """The lines from the one `text` starts with, joined by spaces up to `text`'s length: a
    wrapped paragraph as written."""
    first = next(index for index, line in enumerate(lines) if text.startswith(line))
    joined = lines[first]
    for line in lines[first + 1:]:
        if len(joined) >= len(text):
            break
        joined = f"{joined} {line}"
    return joined


CASES: list[tuple[str, Callable[[], bytes], list[str]]] = [
    ("an Arabic-name member's English letter", lambda: letter(Language.EN, MIXED_NOTE_EN), [
        f"To: {NAME}",
        f"Dear {NAME},",
        "We have reviewed your request for Physiotherapy (reference 2026-PHY-000123) and approved it.",
        MIXED_NOTE_EN,
        "Date: 24 Jumada al-Akhirah 1448 AH (Umm al-Qura), 4 December 2026",
        "To check this letter, open https://my.gosi.gov.sa/verify and enter the code 7KQ2-M9XD-4TPA.",
        "Page 1 of 1",
    ]),
    ("an Arabic letter with a mixed note", lambda: letter(Language.AR, MIXED_NOTE_AR), [
        f"المكرم: {NAME}",
        "التاريخ: 24 جمادى الآخرة 1448 هـ الموافق 4 ديسمبر 2026م",
        "الرقم المرجعي: 2026-PHY-000123",
        "القرار: مقبول",
        MIXED_NOTE_AR,
        "للتحقق من هذا الخطاب افتح https://my.gosi.gov.sa/verify وأدخل الرمز 7KQ2-M9XD-4TPA.",
        "صفحة 1 من 1",
    ]),
    ("an Arabic certificate", lambda: certificate(Language.AR), [
        "شهادة اشتراكات",
        "إلى من يهمه الأمر",
        f"تشهد المؤسسة العامة للتأمينات الاجتماعية بأن {NAME}، رقم الهوية 1012345678، مسجل لديها، "
        "وأن اشتراكاته مسجلة عن 141 شهرًا على النحو الآتي:",
        "شركة المراعي",
        "1436-05-10 هـ",
        "صاحب العمل الحالي: Saudi Aramco، منذ 24 جمادى الآخرة 1440 هـ الموافق 1 مارس 2019م.",
        "الأجر الشهري الحالي: 12,500.00 ريال (الأساسي 10,000.00، السكن 2,500.00).",
    ]),
    ("an English certificate", lambda: certificate(Language.EN), [
        "Certificate of contributions",
        f"The General Organization for Social Insurance certifies that {NAME}, national ID "
        "1012345678, is registered with it and that contributions have been recorded for 141 "
        "months, as follows:",
        "شركة المراعي",
        "Current monthly wage: 12,500.00 SAR (basic 10,000.00, housing 2,500.00).",
        "Current employer: Saudi Aramco, since 24 Jumada al-Akhirah 1440 AH (Umm al-Qura), "
        "1 March 2019.",
    ]),
]


@pytest.mark.parametrize(("kind", "render", "expected"), CASES, ids=[case[0] for case in CASES])
def test_the_text_layer_gives_back_the_text_as_written(kind, render, expected) -> None:
    pdf = render()
    lines = actual_lines(pdf)
    for text in expected:
        assert text in lines or wrapped(lines, text) == text, (kind, text, lines)
    assert presentation_forms("".join(lines)) == []
    # The glyphs themselves map back to real characters too (the fonts' ToUnicode maps).
    glyphs = glyph_text(pdf)
    assert presentation_forms(glyphs) == []
    assert glyphs.count(TANWEEN) == "".join(lines).count(TANWEEN)


def test_short_vowel_marks_are_kept() -> None:
    lines = actual_lines(letter(Language.AR, MIXED_NOTE_AR))
    note = wrapped(lines, MIXED_NOTE_AR)
    assert "اعتبارًا" in note and "ريالًا شهريًا" in note


def test_a_wrapped_line_that_starts_with_latin_text_keeps_the_letters_direction() -> None:
    pdf = letter(Language.AR, MIXED_NOTE_AR)
    lines = actual_lines(pdf)
    first = lines.index(next(line for line in lines if line.startswith("يصرف المبلغ")))
    assert lines[first + 1] == "Fahd Hospital."
    # As drawn: set from the right like the rest of the letter, its full stop at the left end.
    boxes = glyph_boxes(pdf)
    baseline = next(box[3] for box in boxes if box[0] == "F")
    line = [box for box in boxes if box[3] == baseline]
    full_stop = next(box for box in line if box[0] == ".")
    assert full_stop[1] == min(box[1] for box in line)
    right_edge = max(box[2] for box in boxes)
    assert max(box[2] for box in line) == pytest.approx(right_edge, abs=2)
