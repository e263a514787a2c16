"""Demo data for a development database: members under each pension regime with their records,
requests in every status with documents and letters, questions, notices and a staff account.

Everything goes through the same rules the API runs (the import, submission, review, questions),
so the data is what real use would leave behind. Members are created active: their activation
codes would go to phones that do not exist."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from models import AccountStatus, Language, Member, NotificationChannel, QuestionCategory, RequestStatus
from resolvers import questions, staff, validation
from resolvers.documents import Upload
from resolvers.platform.errors import ErrorCollector
from resolvers.platform.runtime import Runtime
from resolvers.record.importer import import_contributions
from resolvers.service_requests import catalog, workflow
from resolvers.service_requests.details import (
    SERVICE_TYPE_OF,
    Details,
    HealthInsurance,
    Physiotherapy,
    WorkInjury,
)

# A one-page PDF: enough for the document checks, opened by any viewer.
PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
       b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
       b"trailer << /Root 1 0 R >>\n%%EOF\n")


@dataclass(frozen=True)
class DemoPerson:
    national_id: str
    full_name: str
    password: str
    mobile: str
    email: str
    born: dt.date
    language: Language
    regime: str


def with_check_digit(first_nine: str) -> str:
    return next(first_nine + digit for digit in "0123456789"
                if validation.luhn_valid(first_nine + digit))


STAFF = DemoPerson(with_check_digit("100000090"), "Noura Saleh Alzahrani", "Desk-Juniper-7315",
                   "0500000090", "noura.staff@example.com", dt.date(1985, 2, 3), Language.EN, "staff")
MEMBERS = (
    DemoPerson(with_check_digit("100000091"), "Abdullah Saad Alqahtani", "Palm-Harbor-4821",
               "0500000091", "abdullah@example.com", dt.date(1968, 5, 10), Language.AR, "PREVIOUS_LAW"),
    DemoPerson(with_check_digit("100000092"), "Sara Abdullah Alharbi", "Amber-Falcon-9034",
               "0500000092", "sara@example.com", dt.date(1980, 4, 12), Language.EN, "TRANSITIONAL"),
    DemoPerson(with_check_digit("100000093"), "Fahad Nasser Alotaibi", "Cedar-Dune-5567",
               "0500000093", "fahad@example.com", dt.date(1999, 9, 20), Language.EN, "LAW_2024"),
)


def engagement(engagement_id: str, person: DemoPerson, employer: tuple[str, str, str], start: str,
               end: str | None, wages: list[tuple[str, str, str]], occupation: str) -> bytes:
    number, name_ar, name_en = employer
    return json.dumps({
        "engagementId": engagement_id, "nationalId": person.national_id,
        "employer": {"registrationNumber": number, "nameAr": name_ar, "nameEn": name_en},
        "startDate": start, "endDate": end, "occupation": occupation,
        "branches": ["ANNUITIES", "OCCUPATIONAL_HAZARDS", "UNEMPLOYMENT"],
        "wages": [{"from": since, "basic": basic, "housing": housing} for since, basic, housing in wages],
    }, ensure_ascii=False).encode()


ARAMCO = ("1-10001", "شركة الزيت العربية", "Arabian Oil Company")
NOOR = ("1-20002", "شركة النور للتجارة", "Al Noor Trading Company")
RIYADH_BUILD = ("1-30003", "مؤسسة الرياض للمقاولات", "Riyadh Contracting Est.")
OASIS = ("1-40004", "شركة الواحة للتقنية", "Oasis Technology Co.")


def engagements() -> list[bytes]:
    previous, transitional, law_2024 = MEMBERS
    return [
        engagement("DEMO-1", previous, ARAMCO, "1992-01-01", "2009-12-31",
                   [("1992-01-01", "6000.00", "1500.00"), ("2000-01-01", "9000.00", "2250.00")], "Engineer"),
        engagement("DEMO-2", previous, NOOR, "2010-02-01", None,
                   [("2010-02-01", "14000.00", "3500.00"), ("2018-01-01", "18000.00", "4500.00")], "Manager"),
        engagement("DEMO-3", transitional, RIYADH_BUILD, "2008-06-01", "2015-12-31",
                   [("2008-06-01", "5000.00", "1250.00")], "Accountant"),
        engagement("DEMO-4", transitional, NOOR, "2016-01-01", None,
                   [("2016-01-01", "9000.00", "2250.00"), ("2022-07-01", "11000.00", "2750.00")],
                   "Senior Accountant"),
        engagement("DEMO-5", law_2024, OASIS, "2024-09-01", None,
                   [("2024-09-01", "7000.00", "1750.00")], "Software Developer"),
    ]


class _File:
    """An uploaded file as the document checks read it."""

    filename: str | None

    def __init__(self, name: str, content: bytes) -> None:
        self.filename = name
        self._content = content
        self._offset = 0

    async def read(self, size: int = -1) -> bytes:
        end = len(self._content) if size < 0 else self._offset + size
        chunk = self._content[self._offset:end]
        self._offset += len(chunk)
        return chunk

    async def seek(self, offset: int) -> None:
        self._offset = offset


async def seed(runtime: Runtime) -> bool:
    """Fills the database; False when the demo data is there already."""
    if await Member.exists(national_id=STAFF.national_id):
        return False
    reviewer, _ = await staff.create_staff(runtime=runtime, national_id=STAFF.national_id,
                                           full_name=STAFF.full_name, password=STAFF.password,
                                           mobile=STAFF.mobile)
    members = [await _member(runtime, person) for person in MEMBERS]
    await import_contributions(runtime=runtime, lines=engagements(), on_refused=_refused)
    previous, transitional, law_2024 = members
    today = runtime.today()

    async def request(member: Member, details: Details, *moves: RequestStatus) -> None:
        kinds = catalog.required_kinds(SERVICE_TYPE_OF[type(details)])
        submitted = await workflow.submit_request(
            runtime=runtime, member=member, details=details, idempotency_key=None,
            uploads=[Upload(kind=kind, file=_File(f"{kind.value.lower()}.pdf", PDF)) for kind in kinds],
        )
        for status in moves:
            if status is RequestStatus.CANCELLED:
                await workflow.cancel_request(runtime=runtime, member=member, request_id=submitted.id,
                                              reason="Submitted by mistake.")
                continue
            await workflow.review_request(
                runtime=runtime, staff=reviewer, request_id=submitted.id, status=status,
                note=NOTES.get(status),
            )

    review, more, approve, reject = (RequestStatus.UNDER_REVIEW, RequestStatus.NEEDS_INFORMATION,
                                     RequestStatus.APPROVED, RequestStatus.REJECTED)
    await request(previous, HealthInsurance(dependents=3, preferred_hospital="King Fahad Hospital"),
                  review, approve)
    await request(previous, WorkInjury(injury_date=today - dt.timedelta(days=40), employer=NOOR[2],
                                       description="Fell from a ladder in the warehouse."), review, more)
    await request(transitional, Physiotherapy(injury_date=today - dt.timedelta(days=90),
                                              diagnosis="Lower back strain", sessions_requested=12,
                                              preferred_city="Riyadh"), review)
    await request(transitional, HealthInsurance(dependents=5), review, reject)
    await request(transitional, WorkInjury(injury_date=today - dt.timedelta(days=10), employer=NOOR[2],
                                           description="Cut on the hand at the office."))
    await request(law_2024, HealthInsurance(dependents=0), RequestStatus.CANCELLED)
    await request(law_2024, Physiotherapy(injury_date=today - dt.timedelta(days=20), diagnosis="Wrist sprain",
                                          sessions_requested=6, preferred_city="Jeddah"))

    answered = await questions.ask_question(
        runtime=runtime, member=previous, subject="When can I retire?",
        body="I was born in 1968. At what age can I retire under my regime?",
        category=QuestionCategory.PENSION, related_request_id=None)
    await questions.answer_question(
        runtime=runtime, staff=reviewer, question_id=answered.id, close=False,
        body="Your record started before July 2024 with more than 240 months: the previous law "
             "applies, with retirement at 60 Hijri years. See your insurance record for the date.")
    await questions.ask_question(
        runtime=runtime, member=transitional, subject="My new employer is missing",
        body="I started with a new employer last month; it is not in my record yet.",
        category=QuestionCategory.REGISTRATION, related_request_id=None)
    return True


NOTES = {
    RequestStatus.UNDER_REVIEW: None,
    RequestStatus.NEEDS_INFORMATION: "Please attach the sick leave certificate from the hospital.",
    RequestStatus.APPROVED: "Approved: coverage starts next month.",
    RequestStatus.REJECTED: "Dependents above the plan's limit; please apply again with the family record.",
}


async def _member(runtime: Runtime, person: DemoPerson) -> Member:
    return await Member.create(
        national_id=person.national_id, residency=validation.residency_of(person.national_id),
        full_name=person.full_name, date_of_birth=person.born,
        mobile=validation.mobile(ErrorCollector(), "mobile", person.mobile), email=person.email,
        preferred_channel=NotificationChannel.SMS, preferred_language=person.language,
        password_hash=await runtime.passwords.hash(person.password), status=AccountStatus.ACTIVE,
    )


def _refused(number: int, reason: str) -> None:
    raise AssertionError(f"demo engagement {number} refused: {reason}")
