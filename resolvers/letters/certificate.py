"""The certificate of contributions: what it says, on the shared layout of official documents.

The document people hand a bank or a landlord: the member's employers and periods, the months
counted, the current employer and wage, dated in both calendars."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from hijridate import Gregorian

from models import Language
from resolvers.letters import official
from resolvers.letters.layout import isolated

WORDS = {
    Language.EN: {
        "title": "Certificate of contributions",
        "to": "To whom it may concern",
        "body": "The General Organization for Social Insurance certifies that {name}, national "
                "ID {national_id}, is registered with it and that contributions have been "
                "recorded for {months} months, as follows:",
        "columns": ("Employer", "Registration no.", "From", "To", "Months"),
        "ongoing": "ongoing",
        "current": "Current employer: {employer}, since {since}.",
        "wage": "Current monthly wage: {total} SAR (basic {basic}, housing {housing}).",
        "none": "No current employer is recorded.",
        "liability": "Issued at the holder's request, without liability on the agency.",
        "verify": "To check this certificate, open {url} and enter the code {code} "
                  "and the holder's national ID.",
    },
    Language.AR: {
        "title": "شهادة اشتراكات",
        "to": "إلى من يهمه الأمر",
        "body": "تشهد المؤسسة العامة للتأمينات الاجتماعية بأن {name}، رقم الهوية {national_id}، "
                "مسجل لديها، وأن اشتراكاته مسجلة عن {months} شهرًا على النحو الآتي:",
        "columns": ("صاحب العمل", "رقم الاشتراك", "من", "إلى", "الأشهر"),
        "ongoing": "مستمر",
        "current": "صاحب العمل الحالي: {employer}، منذ {since}.",
        "wage": "الأجر الشهري الحالي: {total} ريال (الأساسي {basic}، السكن {housing}).",
        "none": "لا يوجد صاحب عمل حالي مسجل.",
        "liability": "أُعطيت هذه الشهادة بناءً على طلبه دون أدنى مسؤولية على المؤسسة.",
        "verify": "للتحقق من هذه الشهادة افتح {url} وأدخل الرمز {code} ورقم هوية صاحبها.",
    },
}
COLUMN_WIDTHS = (40, 18, 20, 20, 10)


@dataclass(frozen=True)
class Period:
    employer: str
    registration_number: str
    start: dt.date
    end: dt.date | None
    months: int


@dataclass(frozen=True)
class Wage:
    basic: Decimal
    housing: Decimal

    @property
    def total(self) -> Decimal:
        return self.basic + self.housing


@dataclass(frozen=True)
class CertificateContent:
    language: Language
    number: str
    issued_on: dt.date
    holder_name: str
    national_id: str
    periods: Sequence[Period]
    contribution_months: int
    current_employer: str | None
    employed_since: dt.date | None
    current_wage: Wage | None
    verification_code: str
    public_url: str


def short_date(day: dt.date, language: Language) -> str:
    """2019-03-01 over 1440-06-24 AH: a table cell in both calendars."""
    date = Gregorian(day.year, day.month, day.day).to_hijri()
    notation = date.notation("ar" if language is Language.AR else "en")
    return f"{day.isoformat()}\n{isolated(f'{date.year}-{date.month:02d}-{date.day:02d}')} {notation}"


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def render_certificate(content: CertificateContent) -> bytes:
    """The unsigned PDF. Blocking: run it in a thread."""
    language = content.language
    words = WORDS[language]
    sheet = official.page(official.Heading(
        language=language, title=words["title"], issued_on=content.issued_on,
        reference=content.number, addressee=(words["to"],),
    ))
    sheet.paragraph(words["body"].format(
        name=isolated(content.holder_name), national_id=isolated(content.national_id),
        months=isolated(str(content.contribution_months)),
    ), after=3)
    rows = [
        (period.employer, period.registration_number, short_date(period.start, language),
         short_date(period.end, language) if period.end else words["ongoing"],
         str(period.months))
        for period in content.periods
    ]
    sheet.table(words["columns"], rows, COLUMN_WIDTHS, size=9)
    if content.current_employer and content.employed_since:
        since = official.both_calendars(content.employed_since, language)
        sheet.paragraph(words["current"].format(employer=isolated(content.current_employer),
                                                since=since), after=0)
    else:
        sheet.paragraph(words["none"], after=0)
    if content.current_wage is not None:
        wage = content.current_wage
        sheet.paragraph(words["wage"].format(
            total=isolated(money(wage.total)), basic=isolated(money(wage.basic)),
            housing=isolated(money(wage.housing)),
        ), after=3)
    sheet.paragraph(words["liability"], size=10, after=0)
    how = words["verify"].format(url=isolated(official.verify_page(content.public_url)),
                                 code=isolated(content.verification_code))
    return official.close(sheet, language, official.Closing(
        verification_code=content.verification_code, public_url=content.public_url,
        how_to_verify=how,
    ))
