"""Realistic rows for the benchmark: members, requests with their histories, questions.

Rows are made as tuples in each table's column order, a chunk of members at a time, and
written with asyncpg COPY on PostgreSQL or with Tortoise's bulk_create on SQLite. Every
row keeps the rules the API keeps: one open request per member and service, a SUBMITTED
event first, events in time order, valid national IDs and IBANs, one password hash.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import asyncpg
import orjson
from tortoise.models import Model

from models import (
    AccountStatus,
    Actor,
    Language,
    Member,
    NotificationChannel,
    Question,
    QuestionCategory,
    QuestionMessage,
    QuestionStatus,
    ReferenceCounter,
    RequestEvent,
    RequestStatus,
    Residency,
    Role,
    ServiceRequest,
    ServiceType,
)
from tests.support import STRONG_PASSWORD, with_check_digit

PASSWORD = STRONG_PASSWORD


@dataclass(frozen=True)
class Table:
    name: str
    model: type[Model]
    columns: tuple[str, ...]
    json_columns: tuple[int, ...] = ()


MEMBER = Table(
    "member",
    Member,
    ("id", "national_id", "residency", "full_name", "date_of_birth", "mobile", "email",
     "preferred_channel", "preferred_language", "address", "iban", "password_hash", "status",
     "role", "created_at", "updated_at"),
    json_columns=(9,),
)
SERVICE_REQUEST = Table(
    "service_request",
    ServiceRequest,
    ("id", "reference_number", "member_id", "type", "status", "details", "open_type",
     "idempotency_key", "submitted_at", "updated_at", "assignee_id", "respond_by"),
    json_columns=(5,),
)
REQUEST_EVENT = Table(
    "request_event",
    RequestEvent,
    ("id", "request_id", "status", "note", "actor", "actor_member_id", "at"),
)
QUESTION = Table(
    "question",
    Question,
    ("id", "reference_number", "member_id", "subject", "category", "status",
     "related_request_id", "created_at", "updated_at"),
)
QUESTION_MESSAGE = Table(
    "question_message",
    QuestionMessage,
    ("id", "question_id", "actor", "actor_member_id", "body", "created_at"),
)
REFERENCE_COUNTER = Table("reference_counter", ReferenceCounter, ("prefix", "year", "value"))
# Parents before children.
TABLES = (MEMBER, SERVICE_REQUEST, REQUEST_EVENT, QUESTION, QUESTION_MESSAGE)

Batch = dict[str, list[tuple]]


@dataclass(frozen=True)
class Plan:
    members: int
    """Ordinary members, after the special ones."""
    requests: int
    """Requests of the ordinary members, skewed: most have a few, some have dozens."""
    questions: int
    special: tuple[int, ...] = ()
    """Request counts of the special members: ACTIVE, every profile field filled, first."""
    staff: int = 3
    chunk: int = 10_000
    """Members per batch written."""


@dataclass(frozen=True)
class SeededMember:
    id: uuid.UUID
    national_id: str
    requests: int


@dataclass
class Seeded:
    special: list[SeededMember] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))


FIRST_NAMES = (
    "Abdullah", "Mohammed", "Fahad", "Khalid", "Saud", "Faisal", "Turki", "Nasser", "Omar",
    "Yousef", "Ibrahim", "Sultan", "Majed", "Badr", "Hamad", "Sara", "Nora", "Reem", "Haya",
    "Lama", "Maha", "Amal", "Dana", "Layla", "Hessa", "Jawaher", "Munira", "Abeer", "Noura",
)
FATHER_NAMES = (
    "Abdullah", "Mohammed", "Abdulaziz", "Abdulrahman", "Saleh", "Ali", "Hassan", "Ahmed",
    "Sulaiman", "Hamad", "Nasser", "Saad", "Fahad", "Othman", "Ibrahim",
)
FAMILY_NAMES = (
    "Alharbi", "Alqahtani", "Alghamdi", "Alzahrani", "Aldosari", "Alotaibi", "Alshehri",
    "Almutairi", "Alanazi", "Alshammari", "Alsubaie", "Alrashidi", "Albalawi", "Aljohani",
    "Alamri", "Alyami", "Alsaud", "Alsharif", "Binladen", "Alrajhi",
)
CITIES = {
    "Riyadh": ("Al Olaya", "Al Malaz", "Al Nakheel", "Al Yasmin", "Al Sulimaniyah", "Hittin"),
    "Jeddah": ("Al Rawdah", "Al Safa", "Al Hamra", "Al Zahra", "Obhur"),
    "Dammam": ("Al Faisaliyah", "Al Shati", "Al Mazruiyah"),
    "Makkah": ("Al Aziziyah", "Al Awali", "Al Shawqiyah"),
    "Madinah": ("Quba", "Al Aziziyah", "Al Khalidiyah"),
    "Khobar": ("Al Aqrabiyah", "Al Thuqbah", "Al Rakah"),
    "Abha": ("Al Mansak", "Al Khashaa"),
    "Tabuk": ("Al Muruj", "Al Rawdah"),
    "Buraidah": ("Al Rayyan", "Al Safra"),
}
STREETS = (
    "King Fahd Road", "Prince Sultan Street", "King Abdulaziz Road", "Olaya Street",
    "Tahlia Street", "Prince Mohammed bin Abdulaziz Road", "Makkah Road", "Al Madinah Road",
)
EMPLOYERS = (
    "Saudi Aramco", "SABIC", "Al Rajhi Bank", "stc", "Saudi Electricity Company", "Almarai",
    "Ma'aden", "Saudi Binladin Group", "Panda Retail", "Nesma & Partners", "Jarir Bookstore",
    "Savola Group", "Saudi Airlines", "Riyad Bank", "Al Muhaidib Group",
)
HOSPITALS = (
    "King Faisal Specialist Hospital", "Dr. Sulaiman Al Habib Hospital", "Dallah Hospital",
    "Saudi German Hospital", "King Fahad Medical City", "Mouwasat Hospital",
)
DIAGNOSES = (
    "Lumbar disc herniation", "Rotator cuff tear", "Anterior cruciate ligament reconstruction",
    "Frozen shoulder", "Ankle fracture rehabilitation", "Chronic neck pain",
)
INJURIES = (
    "Fell from scaffolding while installing ceiling panels.",
    "Hand caught in a conveyor belt during the night shift.",
    "Back injury lifting cement bags at the warehouse.",
    "Slipped on a wet floor in the plant's loading area.",
    "Struck by a forklift reversing in the yard.",
)
REVIEW_NOTES = (
    "Please attach the end-of-service letter.",
    "The medical report is illegible; please upload a clearer copy.",
    "Please confirm the IBAN belongs to you.",
    "The employer's stamp is missing from the letter.",
)
REJECTION_NOTES = (
    "The contribution period does not meet the requirement.",
    "The medical committee did not confirm the disability.",
    "A benefit for the same period has already been paid.",
)
CANCEL_REASONS = ("Submitted by mistake.", "I found a new job.", "Will apply again later.", None)
SUBJECTS = {
    QuestionCategory.GENERAL: ("Office opening hours", "How do I update my address?"),
    QuestionCategory.REGISTRATION: ("Activation code not received", "Wrong date of birth"),
    QuestionCategory.PENSION: ("When is the pension paid?", "Pension amount seems low"),
    QuestionCategory.PAYMENT: ("Payment not received this month", "Change of bank account"),
    QuestionCategory.COMPLAINT: ("No answer to my request", "Rude treatment at the branch"),
    QuestionCategory.TECHNICAL: ("Cannot upload documents", "The app logs me out"),
}
ANSWERS = (
    "Thank you for contacting us. Your request has been forwarded to the competent department.",
    "Payments are made on the first working day of each month.",
    "Please update your data from the profile page and try again.",
)
BANKS = ("10", "15", "20", "30", "40", "45", "50", "55", "60", "65", "80")

TYPE_WEIGHTS = {
    ServiceType.RETIREMENT_PENSION: 15,
    ServiceType.DISABILITY_PENSION: 5,
    ServiceType.HEALTH_INSURANCE: 20,
    ServiceType.PHYSIOTHERAPY: 20,
    ServiceType.WORK_INJURY: 15,
    ServiceType.UNEMPLOYMENT_BENEFIT: 25,
}
STATUS_WEIGHTS = {
    RequestStatus.SUBMITTED: 8,
    RequestStatus.UNDER_REVIEW: 8,
    RequestStatus.NEEDS_INFORMATION: 4,
    RequestStatus.APPROVED: 50,
    RequestStatus.REJECTED: 15,
    RequestStatus.CANCELLED: 15,
}
OPEN = frozenset({RequestStatus.SUBMITTED, RequestStatus.UNDER_REVIEW,
                  RequestStatus.NEEDS_INFORMATION})
CLOSED = (RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.CANCELLED)
QUESTION_STATUS_WEIGHTS = {QuestionStatus.OPEN: 3, QuestionStatus.ANSWERED: 4,
                           QuestionStatus.CLOSED: 3}

DAY = dt.timedelta(days=1)


class Generator:
    def __init__(self, *, password_hash: str, now: dt.datetime, seed: int = 2026) -> None:
        self.rng = random.Random(seed)
        # The staff desk's columns draw from their own stream: the other rows stay the same.
        self.desk_rng = random.Random(seed + 1)
        self.now = now
        self.password_hash = password_hash
        self.staff_ids: list[uuid.UUID] = []
        self.serial = 0
        self.references: dict[tuple[str, int], int] = defaultdict(int)
        self.seeded = Seeded()
        self._types = list(TYPE_WEIGHTS)
        self._type_weights = list(TYPE_WEIGHTS.values())
        self._statuses = list(STATUS_WEIGHTS)
        self._status_weights = list(STATUS_WEIGHTS.values())

    def batches(self, plan: Plan) -> Iterator[Batch]:
        rng = self.rng
        batch: Batch = defaultdict(list)
        for _ in range(plan.staff):
            self.staff_ids.append(self._member(batch, full=True, role=Role.STAFF)[0])
        for count in plan.special:
            member_id, national_id, born, created = self._member(batch, full=True)
            self._requests(batch, member_id, born, created, count)
            self.seeded.special.append(SeededMember(member_id, national_id, count))
        yield batch

        per_member = [0] * plan.members
        for _ in range(plan.requests):
            # Skewed: the density falls like x^(-1/6), so the busiest member has a few dozen.
            per_member[int(plan.members * rng.random() ** 1.2)] += 1
        asked = [0] * plan.members
        for _ in range(plan.questions):
            asked[rng.randrange(plan.members)] += 1
        for start in range(0, plan.members, plan.chunk):
            batch = defaultdict(list)
            for index in range(start, min(start + plan.chunk, plan.members)):
                member_id, _, born, created = self._member(batch, full=False)
                requests = self._requests(batch, member_id, born, created, per_member[index])
                self._questions(batch, member_id, created, asked[index], requests)
            yield batch

    def counter_rows(self) -> list[tuple]:
        return [(prefix, year, value) for (prefix, year), value in sorted(self.references.items())]

    def _reference(self, prefix: str, at: dt.datetime) -> str:
        key = (prefix, at.year)
        self.references[key] += 1
        return f"{prefix}-{at.year}-{self.references[key]:06d}"

    def _member(
        self, batch: Batch, *, full: bool, role: Role = Role.MEMBER
    ) -> tuple[uuid.UUID, str, dt.date, dt.datetime]:
        rng = self.rng
        self.serial += 1
        citizen = full or rng.random() < 0.8
        national_id = with_check_digit(f"{'1' if citizen else '2'}{self.serial:08d}")
        first, father, family = (rng.choice(FIRST_NAMES), rng.choice(FATHER_NAMES),
                                 rng.choice(FAMILY_NAMES))
        born = dt.date(1955, 1, 1) + dt.timedelta(days=rng.randrange(48 * 365))
        email = (f"{first.lower()}.{family.lower()}{self.serial}@example.com"
                 if full or rng.random() < 0.7 else None)
        created = self.now - dt.timedelta(days=30 + rng.randrange(10 * 365),
                                          seconds=rng.randrange(86_400))
        status = AccountStatus.ACTIVE
        if not full:
            roll = rng.random()
            status = (AccountStatus.PENDING_ACTIVATION if roll < 0.04
                      else AccountStatus.LOCKED if roll < 0.05 else AccountStatus.ACTIVE)
        member_id = uuid.uuid4()
        batch[MEMBER.name].append((
            member_id,
            national_id,
            (Residency.CITIZEN if citizen else Residency.RESIDENT).value,
            f"{first} {father} {family}",
            born,
            f"+9665{rng.randrange(10**8):08d}",
            email,
            (NotificationChannel.EMAIL if email and rng.random() < 0.3
             else NotificationChannel.SMS).value,
            (Language.AR if rng.random() < 0.75 else Language.EN).value,
            self._address(full),
            self._iban() if full or rng.random() < 0.6 else None,
            self.password_hash,
            status.value,
            role.value,
            created,
            created + dt.timedelta(days=rng.randrange(30)),
        ))
        self.seeded.counts["members"] += 1
        return member_id, national_id, born, created

    def _address(self, full: bool) -> dict[str, Any] | None:
        rng = self.rng
        if not full and rng.random() < 0.2:
            return None
        city = rng.choice(list(CITIES))
        partial = not full and rng.random() < 0.3
        return {
            "city": city,
            "district": None if partial else rng.choice(CITIES[city]),
            "street": None if partial else rng.choice(STREETS),
            "building_number": None if partial else f"{rng.randrange(1000, 9999)}",
            "postal_code": f"{rng.randrange(11000, 34999)}",
        }

    def _iban(self) -> str:
        bban = f"{self.rng.choice(BANKS)}{self.rng.randrange(10**18):018d}"
        check = 98 - int(bban + "281000") % 97  # "SA00" moved to the end, S=28, A=10
        return f"SA{check:02d}{bban}"

    def _requests(
        self, batch: Batch, member_id: uuid.UUID, born: dt.date, created: dt.datetime, count: int
    ) -> list[tuple[uuid.UUID, dt.datetime]]:
        rng = self.rng
        made: list[tuple[uuid.UUID, dt.datetime]] = []
        open_types: set[ServiceType] = set()
        earliest = max(created, self.now - 3 * 365 * DAY)
        window = (self.now - dt.timedelta(hours=1) - earliest).total_seconds()
        for _ in range(count):
            kind = rng.choices(self._types, self._type_weights)[0]
            status = rng.choices(self._statuses, self._status_weights)[0]
            if status in OPEN and kind in open_types:
                status = rng.choice(CLOSED)
            if status in OPEN:
                open_types.add(kind)
            submitted = earliest + dt.timedelta(seconds=rng.random() * window)
            request_id = uuid.uuid4()
            updated = self._history(batch, request_id, member_id, status, submitted)
            batch[SERVICE_REQUEST.name].append((
                request_id,
                self._reference("SR", submitted),
                member_id,
                kind.value,
                status.value,
                self._details(kind, born, submitted),
                kind.value if status in OPEN else None,
                uuid.uuid4().hex if rng.random() < 0.4 else None,
                submitted,
                updated,
                *self._desk(status, updated),
            ))
            made.append((request_id, submitted))
        self.seeded.counts["requests"] += count
        return made

    def _desk(
        self, status: RequestStatus, updated: dt.datetime
    ) -> tuple[uuid.UUID | None, dt.datetime | None]:
        """Who handles the request (closed ones were handled; 60% of open ones are taken)
        and, while it needs information, the date to answer by (two weeks)."""
        rng = self.desk_rng
        assignee = (rng.choice(self.staff_ids)
                    if status not in OPEN or rng.random() < 0.6 else None)
        respond_by = (updated + 14 * DAY if status is RequestStatus.NEEDS_INFORMATION else None)
        return assignee, respond_by

    def _history(
        self,
        batch: Batch,
        request_id: uuid.UUID,
        member_id: uuid.UUID,
        status: RequestStatus,
        submitted: dt.datetime,
    ) -> dt.datetime:
        rng = self.rng
        S, UR, NI = (RequestStatus.SUBMITTED, RequestStatus.UNDER_REVIEW,  # noqa: N806
                     RequestStatus.NEEDS_INFORMATION)
        if status in (RequestStatus.APPROVED, RequestStatus.REJECTED):
            path = [S, UR, *((NI, UR) if rng.random() < 0.2 else ()), status]
        elif status is RequestStatus.CANCELLED:
            path = [S, *rng.choice(((), (UR,), (UR, NI))), status]
        else:
            path = [S, UR, NI][: [S, UR, NI].index(status) + 1]
        gaps = [rng.uniform(3_600, 10 * 86_400) for _ in path[1:]]
        room = (self.now - dt.timedelta(minutes=1) - submitted).total_seconds()
        if sum(gaps) > room:
            gaps = [max(1.0, gap * room / sum(gaps)) for gap in gaps]
        at = submitted
        staff = rng.choice(self.staff_ids)
        events = batch[REQUEST_EVENT.name]
        for step, moved_to in enumerate(path):
            if step:
                at += dt.timedelta(seconds=gaps[step - 1])
            by_member = moved_to in (S, RequestStatus.CANCELLED)
            note = None
            if moved_to is NI:
                note = rng.choice(REVIEW_NOTES)
            elif moved_to is RequestStatus.REJECTED:
                note = rng.choice(REJECTION_NOTES)
            elif moved_to is RequestStatus.CANCELLED:
                note = rng.choice(CANCEL_REASONS)
            events.append((
                uuid.uuid4(),
                request_id,
                moved_to.value,
                note,
                (Actor.MEMBER if by_member else Actor.STAFF).value,
                member_id if by_member else staff,
                at,
            ))
        self.seeded.counts["events"] += len(path)
        return at

    def _details(self, kind: ServiceType, born: dt.date, submitted: dt.datetime) -> dict:
        rng = self.rng
        day = submitted.date()

        def before(max_days: int) -> str:
            earliest = max(born + dt.timedelta(days=18 * 365), day - dt.timedelta(days=max_days))
            span = max(0, (day - earliest).days)
            return (earliest + dt.timedelta(days=rng.randrange(span + 1))).isoformat()

        if kind is ServiceType.RETIREMENT_PENSION:
            return {"retirement_date": before(180), "last_employer": rng.choice(EMPLOYERS)}
        if kind is ServiceType.DISABILITY_PENSION:
            return {"disability_date": before(720),
                    "medical_report_number": f"MR-{rng.randrange(10**7):07d}"}
        if kind is ServiceType.HEALTH_INSURANCE:
            return {"dependents": rng.randrange(8),
                    "preferred_hospital": rng.choice(HOSPITALS) if rng.random() < 0.6 else None}
        if kind is ServiceType.PHYSIOTHERAPY:
            return {"injury_date": before(365), "diagnosis": rng.choice(DIAGNOSES),
                    "sessions_requested": rng.randrange(4, 31),
                    "preferred_city": rng.choice(list(CITIES))}
        if kind is ServiceType.WORK_INJURY:
            return {"injury_date": before(90), "employer": rng.choice(EMPLOYERS),
                    "description": rng.choice(INJURIES)}
        return {"last_working_day": before(60), "last_employer": rng.choice(EMPLOYERS)}

    def _questions(
        self,
        batch: Batch,
        member_id: uuid.UUID,
        created: dt.datetime,
        count: int,
        requests: list[tuple[uuid.UUID, dt.datetime]],
    ) -> None:
        rng = self.rng
        earliest = max(created, self.now - 2 * 365 * DAY)
        window = (self.now - dt.timedelta(hours=1) - earliest).total_seconds()
        for _ in range(count):
            category = rng.choice(list(SUBJECTS))
            status = rng.choices(list(QUESTION_STATUS_WEIGHTS),
                                 list(QUESTION_STATUS_WEIGHTS.values()))[0]
            asked = earliest + dt.timedelta(seconds=rng.random() * window)
            related = None
            if requests and rng.random() < 0.3:
                related_id, related_at = rng.choice(requests)
                if related_at <= asked:
                    related = related_id
            question_id = uuid.uuid4()
            staff = rng.choice(self.staff_ids)
            messages = [(Actor.MEMBER, member_id, f"{rng.choice(SUBJECTS[category])}: "
                         "could you please tell me what I should do?")]
            if status is not QuestionStatus.OPEN:
                messages.append((Actor.STAFF, staff, rng.choice(ANSWERS)))
            if status is QuestionStatus.CLOSED and rng.random() < 0.5:
                messages.append((Actor.MEMBER, member_id, "Thank you."))
            at = asked
            room = (self.now - asked).total_seconds() / (len(messages) + 1)
            for actor, actor_id, body in messages:
                batch[QUESTION_MESSAGE.name].append(
                    (uuid.uuid4(), question_id, actor.value, actor_id, body, at)
                )
                at += dt.timedelta(seconds=rng.uniform(1, room))
            batch[QUESTION.name].append((
                question_id,
                self._reference("Q", asked),
                member_id,
                rng.choice(SUBJECTS[category]),
                category.value,
                status.value,
                related,
                asked,
                at,
            ))
            self.seeded.counts["questions"] += 1
            self.seeded.counts["question messages"] += len(messages)


class Writer(Protocol):
    async def write(self, table: Table, rows: list[tuple]) -> None: ...


class CopyWriter:
    """PostgreSQL: COPY, with foreign-key triggers off for the load (the rows keep them)."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def start(self) -> None:
        await self.connection.execute("SET session_replication_role = replica")

    async def write(self, table: Table, rows: list[tuple]) -> None:
        if table.json_columns:
            rows = [_with_json(row, table.json_columns) for row in rows]
        await self.connection.copy_records_to_table(
            table.name, records=rows, columns=list(table.columns)
        )


def _with_json(row: tuple, columns: tuple[int, ...]) -> tuple:
    values = list(row)
    for index in columns:
        if values[index] is not None:
            values[index] = orjson.dumps(values[index]).decode()
    return tuple(values)


class TortoiseWriter:
    """Any engine, through the models: slower, for the small SQLite data set."""

    async def write(self, table: Table, rows: list[tuple]) -> None:
        objects = [table.model(**dict(zip(table.columns, row, strict=True))) for row in rows]
        await table.model.bulk_create(objects, batch_size=500)


async def seed(writer: Writer, plan: Plan, *, password_hash: str, now: dt.datetime) -> Seeded:
    """Writes the plan's rows; the next batch is made in a thread while one is written."""
    generator = Generator(password_hash=password_hash, now=now)
    batches = generator.batches(plan)
    pending = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
    while (batch := await pending) is not None:
        pending = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
        for table in TABLES:
            if batch.get(table.name):
                await writer.write(table, batch[table.name])
    await writer.write(REFERENCE_COUNTER, generator.counter_rows())
    return generator.seeded
