"""The certificate of contributions, the document people hand a bank or a landlord: the
member's employers and periods, the months counted, the current employer and wage, dated in
both calendars, signed, and verifiable by anyone holding its code and the holder's national ID,
revealing no more than it shows."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hmac
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from models import ContributionCertificate, Engagement, Language, Member
from resolvers.letters import official
from resolvers.letters.layout import isolated
from resolvers.platform import audit
from resolvers.platform.errors import DomainError, ErrorCode
from resolvers.platform.runtime import Runtime
from resolvers.platform.signing import Signer
from resolvers.platform.store import StoreUnavailable
from resolvers.record import counting
from resolvers.record.hijri import to_hijri
from resolvers.validation import parse_national_id

CERTIFICATES_PREFIX = "certificates"

WORDS = {
    Language.EN: {
        "title": "Certificate of contributions",
        "to": "To whom it may concern",
        "body": "The General Organization for Social Insurance certifies that {name}, national "
                "ID {national_id}, is registered with it and that contributions have been "
                "recorded for {months} months, as follows:",
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
        "ongoing": "مستمر",
        "current": "صاحب العمل الحالي: {employer}، منذ {since}.",
        "wage": "الأجر الشهري الحالي: {total} ريال (الأساسي {basic}، السكن {housing}).",
        "none": "لا يوجد صاحب عمل حالي مسجل.",
        "liability": "أُعطيت هذه الشهادة بناءً على طلبه دون أدنى مسؤولية على المؤسسة.",
        "verify": "للتحقق من هذه الشهادة افتح {url} وأدخل الرمز {code} ورقم هوية صاحبها.",
    },
}
COLUMNS = {
    Language.EN: ("Employer", "Registration no.", "From", "To", "Months"),
    Language.AR: ("صاحب العمل", "رقم الاشتراك", "من", "إلى", "الأشهر"),
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
    date = to_hijri(day)
    notation = "هـ" if language is Language.AR else "AH"
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
    sheet.table(COLUMNS[language], rows, COLUMN_WIDTHS, size=9)
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


@dataclass(frozen=True)
class Record:
    """What a certificate states of the insurance record on the day it is issued."""

    periods: list[Period]
    contribution_months: int
    current_employer: str | None
    employed_since: dt.date | None
    current_wage: Wage | None


def as_period(row: Engagement) -> counting.Period:
    wages = tuple(counting.Wage(effective_from=dt.date.fromisoformat(entry["from"]),
                                basic=Decimal(entry["basic"]), housing=Decimal(entry["housing"]))
                  for entry in row.wages)
    return counting.Period(start=row.start_date, end=row.end_date, branches=frozenset(row.branches),
                           wages=wages, employer_name_ar=row.employer_name_ar,
                           employer_name_en=row.employer_name_en)


def summarize(engagements: Sequence[Engagement], *, today: dt.date, language: Language) -> Record:
    """Periods oldest first, counted as the record counts them (resolvers/record/counting.py):
    annuities months up to today, a month two employers share counted once."""
    rows = sorted((row for row in engagements if row.start_date <= today),
                  key=lambda row: row.start_date)
    periods: list[Period] = []
    current: Engagement | None = None
    for row in rows:
        name = row.employer_name_ar if language is Language.AR else row.employer_name_en
        months = len(counting.covered_months(as_period(row), until=today))
        periods.append(Period(name, row.employer_registration_number, row.start_date,
                              row.end_date, months))
        if row.end_date is None or row.end_date >= today:
            current = row
    counted = counting.contribution_months([as_period(row) for row in rows],
                                           branch=counting.ANNUITIES, until=today)
    wage = None
    if current is not None and current.wages:
        paid = counting.wage_on(as_period(current), today)
        wage = Wage(paid.basic, paid.housing)
    return Record(
        periods=periods, contribution_months=len(counted),
        current_employer=(current.employer_name_ar if language is Language.AR
                          else current.employer_name_en) if current else None,
        employed_since=current.start_date if current else None, current_wage=wage,
    )


@dataclass(frozen=True)
class Verification:
    issued_at: dt.datetime
    holder_name: str
    contribution_months: int
    current_employer: str | None
    employed_since: dt.date | None
    current_wage: Decimal | None


def rendered_and_signed(signer: Signer, content: CertificateContent) -> bytes:
    """Blocking: run it in a thread."""
    return signer.sign(render_certificate(content), reason=WORDS[Language.EN]["title"])


async def issue(runtime: Runtime, *, member: Member, language: Language | None) -> ContributionCertificate:
    """Renders, signs, stores (sealed) and records a certificate of the member's record today."""
    language = language or member.preferred_language
    issued_at = runtime.now()
    issued_on = official.saudi_date(issued_at)
    record = summarize(await Engagement.filter(national_id=member.national_id),
                       today=issued_on, language=language)
    certificate_id = uuid.uuid4()
    code = official.new_code()
    content = CertificateContent(
        language=language, number=f"CC-{issued_on.year}-{certificate_id.hex[:8].upper()}",
        issued_on=issued_on, holder_name=member.full_name, national_id=member.national_id,
        periods=record.periods, contribution_months=record.contribution_months,
        current_employer=record.current_employer, employed_since=record.employed_since,
        current_wage=record.current_wage, verification_code=code,
        public_url=runtime.settings.public_url,
    )
    pdf = await asyncio.to_thread(rendered_and_signed, runtime.signer, content)
    storage_key = f"{CERTIFICATES_PREFIX}/{certificate_id}"
    try:
        await runtime.store.put(storage_key, runtime.cipher.seal(pdf))
    except StoreUnavailable:
        audit.record("document_store_unavailable", operation="put")
        raise DomainError.single(None, ErrorCode.STORE_UNAVAILABLE) from None
    try:
        row = await ContributionCertificate.create(
            id=certificate_id, member_id=member.id,
            code_hash=runtime.keyring.digest(code), code_sealed=runtime.keyring.seal(code),
            language=language, storage_key=storage_key, size=len(pdf), issued_at=issued_at,
            contribution_months=record.contribution_months,
            current_employer=record.current_employer, employed_since=record.employed_since,
            current_wage=record.current_wage.total if record.current_wage else None,
        )
    except BaseException:
        with contextlib.suppress(Exception):
            await runtime.store.delete(storage_key)
        raise
    audit.record("certificate_issued", member_id=member.id, certificate_id=certificate_id)
    return row


async def verify(runtime: Runtime, *, code: str, national_id: str) -> Verification | None:
    """None unless both the code and the holder's national ID match: nothing tells which."""
    normalized, holder = official.normalize_code(code), parse_national_id(national_id)
    if normalized is None or holder is None:
        return None
    row = await ContributionCertificate.get_or_none(
        code_hash__in=runtime.keyring.digests(normalized)
    ).select_related("member")
    if row is None or not hmac.compare_digest(row.member.national_id, holder):
        return None
    return Verification(
        issued_at=row.issued_at, holder_name=official.mask_name(row.member.full_name),
        contribution_months=row.contribution_months, current_employer=row.current_employer,
        employed_since=row.employed_since, current_wage=row.current_wage,
    )


async def certificates_of(member_id: uuid.UUID) -> list[ContributionCertificate]:
    return await ContributionCertificate.filter(member_id=member_id).order_by("-issued_at", "-id")


def code_of(runtime: Runtime, row: ContributionCertificate) -> str:
    return runtime.keyring.open(row.code_sealed) or ""
