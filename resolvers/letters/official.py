"""What every official document prints: its verification code, dates in both calendars, the
opening (title, date, reference, addressee) and the closing (signature block, code and QR
code, and a footer with the page number and how to verify it)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from models import Language
from resolvers.letters.layout import AGENCY, GREEN, Page, Row, isolated
from resolvers.record.hijri import formatted, to_hijri

# No 0/O, 1/I/L: a code read aloud or typed from paper is not mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS, CODE_GROUP_LENGTH = 3, 4
RIYADH = dt.timezone(dt.timedelta(hours=3))
MONTHS = {
    Language.EN: ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"),
    Language.AR: ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس",
                  "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"),
}
WORDS = {
    Language.EN: {
        "date": "Date", "reference": "Reference", "to": "To", "national_id": "National ID",
        "closing": "Yours sincerely,", "department": "Member Services Department",
        "agency": AGENCY["en"],
        "signed": "Signed electronically: no handwritten signature or stamp is needed.",
        "code": "Verification code", "page": "Page {page} of {pages}",
    },
    Language.AR: {
        "date": "التاريخ", "reference": "الرقم المرجعي", "to": "المكرم", "national_id": "رقم الهوية",
        "closing": "وتقبلوا خالص التحية،", "department": "إدارة خدمات المشتركين",
        "agency": AGENCY["ar"],
        "signed": "وُقِّع إلكترونيًا: لا يحتاج إلى توقيع بخط اليد أو ختم.",
        "code": "رمز التحقق", "page": "صفحة {page} من {pages}",
    },
}


def new_code() -> str:
    """12 characters from CODE_ALPHABET, shown as 7KQ2-M9XD-4TPA."""
    groups = ("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
              for _ in range(CODE_GROUPS))
    return "-".join(groups)


def normalize_code(code: str) -> str | None:
    """What was typed, as printed: case and separators do not matter; None if it cannot be one."""
    compact = "".join(char for char in code.upper() if char not in " -")
    if len(compact) != CODE_GROUPS * CODE_GROUP_LENGTH or any(
        char not in CODE_ALPHABET for char in compact
    ):
        return None
    return "-".join(compact[i:i + CODE_GROUP_LENGTH]
                    for i in range(0, len(compact), CODE_GROUP_LENGTH))


def mask_name(full_name: str) -> str:
    """Sara Abdullah Alharbi -> S*** A*** A***"""
    return " ".join(f"{word[0]}***" for word in full_name.split())


def saudi_date(moment: dt.datetime) -> dt.date:
    """The day printed on a document: the day in Riyadh (UTC+3, no daylight saving)."""
    return moment.astimezone(RIYADH).date() if moment.tzinfo else (moment + dt.timedelta(hours=3)).date()


def gregorian(day: dt.date, language: Language) -> str:
    """4 December 2026 / 4 ديسمبر 2026م"""
    suffix = "م" if language is Language.AR else ""
    return f"{day.day} {MONTHS[language][day.month - 1]} {day.year}{suffix}"


def hijri(day: dt.date, language: Language) -> str:
    """24 Jumada al-Akhirah 1448 AH / 24 جمادى الآخرة 1448 هـ (Umm al-Qura)."""
    return formatted(to_hijri(day), language)


def both_calendars(day: dt.date, language: Language) -> str:
    joiner = " الموافق " if language is Language.AR else " (Umm al-Qura), "
    return f"{isolated(hijri(day, language))}{joiner}{isolated(gregorian(day, language))}"


def verify_page(public_url: str) -> str:
    return f"{public_url.rstrip('/')}/verify"


def verify_link(public_url: str, code: str) -> str:
    return f"{verify_page(public_url)}?code={quote(code)}"


@dataclass(frozen=True)
class Heading:
    """The parts at the top of every document."""

    language: Language
    title: str
    issued_on: dt.date
    reference: str
    # The lines under "To:", the first in bold: a name and national ID, or "whom it may concern".
    addressee: tuple[str, ...]


def addressee(language: Language, *, name: str, national_id: str) -> tuple[str, ...]:
    words = WORDS[language]
    return (f"{words['to']}: {isolated(name)}", f"{words['national_id']}: {isolated(national_id)}")


@dataclass(frozen=True)
class Closing:
    verification_code: str
    public_url: str
    # "To check this letter, open {url} and enter the code {code}." in the document's language.
    how_to_verify: str


def page(heading: Heading) -> Page:
    """A new page with the document's title, date, reference and addressee."""
    words = WORDS[heading.language]
    rtl = heading.language is Language.AR
    sheet = Page(rtl=rtl, title=f"{heading.title} {heading.reference}",
                 language=heading.language.value.lower())
    sheet.paragraph(heading.title, size=18, bold=True, color=GREEN, after=3)
    sheet.rows([
        Row(words["date"], both_calendars(heading.issued_on, heading.language)),
        Row(words["reference"], heading.reference),
    ], size=11)
    first, *rest = heading.addressee
    sheet.paragraph(first, size=12, bold=True, after=0)
    for line in rest:
        sheet.paragraph(line, size=12, after=0)
    sheet.space(4)
    return sheet


def close(sheet: Page, language: Language, closing: Closing) -> bytes:
    """The signature block, the code and its QR code, the footers; the finished PDF."""
    words = WORDS[language]
    sheet.space(4)
    sheet.room(40)
    sheet.paragraph(words["closing"], size=12, after=0)
    sheet.paragraph(words["department"], size=12, bold=True, after=0)
    sheet.paragraph(words["agency"], size=12, bold=True, after=0)
    sheet.paragraph(words["signed"], size=10, after=6)
    link = verify_link(closing.public_url, closing.verification_code)
    sheet.room(34)
    top = sheet.pdf.get_y()
    sheet.qr(link)
    sheet.pdf.set_y(top)
    sheet.paragraph(f"{words['code']}: {isolated(closing.verification_code)}", size=14,
                    bold=True, align="R" if sheet.rtl else "L", after=0)

    def footer(number: int, pages: int) -> list[str]:
        return [closing.how_to_verify, words["page"].format(page=number, pages=pages)]

    return sheet.finish(footer)
