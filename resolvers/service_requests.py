"""Service requests: submission, the review workflow, cancellation, and who sees what."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import (
    Actor,
    Language,
    Member,
    RequestEvent,
    RequestStatus,
    Role,
    ServiceRequest,
    ServiceType,
)
from resolvers import audit, validation
from resolvers.errors import DomainError, ErrorCode, ErrorCollector
from resolvers.notices import notify_member
from resolvers.notifications import REQUEST_STATUS_CHANGED
from resolvers.pagination import Page, paginate
from resolvers.references import next_reference
from resolvers.runtime import Runtime

REFERENCE_PREFIX = "SR"
IDEMPOTENCY_KEY_MAX = 100
NOTE_MAX = 2000


@dataclass(frozen=True)
class RetirementPension:
    retirement_date: dt.date
    last_employer: str


@dataclass(frozen=True)
class DisabilityPension:
    disability_date: dt.date
    medical_report_number: str


@dataclass(frozen=True)
class HealthInsurance:
    dependents: int
    preferred_hospital: str | None = None


@dataclass(frozen=True)
class Physiotherapy:
    injury_date: dt.date
    diagnosis: str
    sessions_requested: int
    preferred_city: str


@dataclass(frozen=True)
class WorkInjury:
    injury_date: dt.date
    employer: str
    description: str


@dataclass(frozen=True)
class UnemploymentBenefit:
    last_working_day: dt.date
    last_employer: str


Details = (
    RetirementPension
    | DisabilityPension
    | HealthInsurance
    | Physiotherapy
    | WorkInjury
    | UnemploymentBenefit
)

# Each kind of details, its service type and its member's name in SubmitRequestInput.details.
KINDS: dict[ServiceType, tuple[type[Details], str]] = {
    ServiceType.RETIREMENT_PENSION: (RetirementPension, "retirementPension"),
    ServiceType.DISABILITY_PENSION: (DisabilityPension, "disabilityPension"),
    ServiceType.HEALTH_INSURANCE: (HealthInsurance, "healthInsurance"),
    ServiceType.PHYSIOTHERAPY: (Physiotherapy, "physiotherapy"),
    ServiceType.WORK_INJURY: (WorkInjury, "workInjury"),
    ServiceType.UNEMPLOYMENT_BENEFIT: (UnemploymentBenefit, "unemploymentBenefit"),
}
SERVICE_TYPE_OF: dict[type, ServiceType] = {kind: t for t, (kind, _) in KINDS.items()}

TEXT_LIMITS = {
    "last_employer": 200,
    "employer": 200,
    "medical_report_number": 50,
    "preferred_hospital": 200,
    "preferred_city": 100,
    "diagnosis": 1000,
    "description": 2000,
}
OPTIONAL_TEXT = {"preferred_hospital"}
NUMBER_RANGES = {"dependents": (0, 20), "sessions_requested": (1, 60)}
DATE_FIELDS = {"retirement_date", "disability_date", "injury_date", "last_working_day"}

# What staff may do next from each status; a member may only cancel an open request.
REVIEW_MOVES: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.SUBMITTED: frozenset({RequestStatus.UNDER_REVIEW}),
    RequestStatus.UNDER_REVIEW: frozenset(
        {RequestStatus.NEEDS_INFORMATION, RequestStatus.APPROVED, RequestStatus.REJECTED}
    ),
    RequestStatus.NEEDS_INFORMATION: frozenset({RequestStatus.UNDER_REVIEW}),
}
OPEN_STATUSES = frozenset(REVIEW_MOVES)

STATUS_NAMES: dict[RequestStatus, dict[Language, str]] = {
    RequestStatus.SUBMITTED: {Language.EN: "Submitted", Language.AR: "مُقدَّم"},
    RequestStatus.UNDER_REVIEW: {Language.EN: "Under review", Language.AR: "قيد المراجعة"},
    RequestStatus.NEEDS_INFORMATION: {
        Language.EN: "Information needed",
        Language.AR: "بحاجة إلى معلومات إضافية",
    },
    RequestStatus.APPROVED: {Language.EN: "Approved", Language.AR: "مقبول"},
    RequestStatus.REJECTED: {Language.EN: "Rejected", Language.AR: "مرفوض"},
    RequestStatus.CANCELLED: {Language.EN: "Cancelled", Language.AR: "ملغى"},
}
NOTE_LINE = {Language.EN: " Note: {note}", Language.AR: " ملاحظة: {note}"}


async def submit_request(
    *, runtime: Runtime, member: Member, details: Details, idempotency_key: str | None
) -> ServiceRequest:
    """A new request, or the member's earlier one sent with the same idempotency key."""
    errors = ErrorCollector()
    service_type = SERVICE_TYPE_OF[type(details)]
    cleaned = _clean(errors, details, today=runtime.today(), born=member.date_of_birth)
    key = validation.bounded_text(
        errors, "idempotencyKey", idempotency_key, max_length=IDEMPOTENCY_KEY_MAX, required=False
    )
    errors.raise_if_any()

    if key and (earlier := await _by_idempotency_key(member.id, key)):
        return earlier
    now = runtime.now()
    try:
        async with in_transaction() as connection:
            reference = await next_reference(
                REFERENCE_PREFIX, runtime.today().year, connection=connection
            )
            request = await ServiceRequest.create(
                reference_number=reference,
                member_id=member.id,
                type=service_type,
                status=RequestStatus.SUBMITTED,
                details=_to_json(cleaned),
                open_type=service_type.value,
                idempotency_key=key,
                submitted_at=now,
                updated_at=now,
                using_db=connection,
            )
            await RequestEvent.create(
                request_id=request.id,
                status=RequestStatus.SUBMITTED,
                actor=Actor.MEMBER,
                actor_member_id=member.id,
                at=now,
                using_db=connection,
            )
    except IntegrityError:
        # The transaction has been rolled back by now (PostgreSQL would refuse any further
        # statement in it): find out, outside it, which concurrent submission won.
        if key and (winner := await _by_idempotency_key(member.id, key)):
            return winner
        # Otherwise the open request of this type won; it may even be closed again by now.
        raise DomainError.single("details", ErrorCode.DUPLICATE_REQUEST) from None
    audit.record("request_submitted", member_id=member.id, request_id=request.id,
                 type=service_type)
    return request


async def _by_idempotency_key(member_id: uuid.UUID, key: str) -> ServiceRequest | None:
    return await ServiceRequest.get_or_none(member_id=member_id, idempotency_key=key)


def _clean(errors: ErrorCollector, details: Details, *, today: dt.date, born: dt.date) -> Details:
    _, input_name = KINDS[SERVICE_TYPE_OF[type(details)]]
    values = {}
    for item in dataclasses.fields(details):
        name, value = item.name, getattr(details, item.name)
        path = f"details.{input_name}.{_camel(name)}"
        if name in DATE_FIELDS:
            validation.past_date(errors, path, value, today)
            if value < born and not errors.has(path):
                errors.add(path, ErrorCode.INVALID, "date_before_birth")
        elif name in NUMBER_RANGES:
            low, high = NUMBER_RANGES[name]
            validation.int_range(errors, path, value, low=low, high=high)
        else:
            value = validation.bounded_text(
                errors, path, value, max_length=TEXT_LIMITS[name],
                required=name not in OPTIONAL_TEXT,
            )
        values[name] = value
    return dataclasses.replace(details, **values)


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


def _to_json(details: Details) -> dict:
    return {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in dataclasses.asdict(details).items()
    }


def details_of(request: ServiceRequest) -> Details:
    kind, _ = KINDS[request.type]
    return kind(
        **{
            name: dt.date.fromisoformat(value) if name in DATE_FIELDS else value
            for name, value in request.details.items()
        }
    )


async def review_request(
    *,
    runtime: Runtime,
    staff: Member,
    request_id: uuid.UUID,
    status: RequestStatus,
    note: str | None,
) -> ServiceRequest:
    """Staff move a request along the workflow; the applicant is told of every move."""
    errors = ErrorCollector()
    note = validation.bounded_text(errors, "note", note, max_length=NOTE_MAX, required=False)
    errors.raise_if_any()
    request = await ServiceRequest.filter(id=request_id).select_related("member").first()
    if request is None:
        raise DomainError.single("requestId", ErrorCode.NOT_FOUND)
    if status not in REVIEW_MOVES.get(request.status, frozenset()):
        raise DomainError.single("status", ErrorCode.INVALID_TRANSITION, "review_move_not_allowed")
    async with in_transaction():
        await _move(
            request, status, actor=Actor.STAFF, actor_member=staff, note=note, now=runtime.now(),
            field="status",
        )
        # In the same transaction: the notice goes out if and only if the move happened.
        await _notify_member(runtime, request, note)
    audit.record("request_reviewed", request_id=request.id, staff_id=staff.id, status=status)
    return request


async def cancel_request(
    *, runtime: Runtime, member: Member, request_id: uuid.UUID, reason: str | None
) -> ServiceRequest:
    errors = ErrorCollector()
    reason = validation.bounded_text(errors, "reason", reason, max_length=NOTE_MAX, required=False)
    errors.raise_if_any()
    # Someone else's request is "not found", exactly like one that does not exist.
    request = await ServiceRequest.get_or_none(id=request_id, member_id=member.id)
    if request is None:
        raise DomainError.single("requestId", ErrorCode.NOT_FOUND)
    if request.status not in OPEN_STATUSES:
        raise DomainError.single(
            "requestId", ErrorCode.INVALID_TRANSITION, "request_not_cancellable"
        )
    async with in_transaction():
        await _move(
            request, RequestStatus.CANCELLED, actor=Actor.MEMBER, actor_member=member,
            note=reason, now=runtime.now(), field="requestId",
        )
    audit.record("request_cancelled", request_id=request.id, member_id=member.id)
    return request


async def _move(
    request: ServiceRequest,
    status: RequestStatus,
    *,
    actor: Actor,
    actor_member: Member,
    note: str | None,
    now: dt.datetime,
    field: str,
) -> None:
    """Changes the status only if nobody changed it since `request` was read."""
    open_type = request.type.value if status in OPEN_STATUSES else None
    moved = await ServiceRequest.filter(id=request.id, status=request.status).update(
        status=status, open_type=open_type, updated_at=now
    )
    if not moved:
        raise DomainError.single(field, ErrorCode.INVALID_TRANSITION, "request_status_changed")
    await RequestEvent.create(
        request_id=request.id, status=status, note=note, actor=actor,
        actor_member_id=actor_member.id, at=now,
    )
    request.status, request.open_type, request.updated_at = status, open_type, now


async def _notify_member(runtime: Runtime, request: ServiceRequest, note: str | None) -> None:
    member: Member = request.member
    language = member.preferred_language
    await notify_member(
        runtime,
        member,
        REQUEST_STATUS_CHANGED,
        reference=request.reference_number,
        status=STATUS_NAMES[request.status][language],
        note=NOTE_LINE[language].format(note=note) if note else "",
    )


def can_see(viewer: Member, request: ServiceRequest) -> bool:
    """A member sees their own requests; staff see everyone's."""
    return viewer.role is Role.STAFF or request.member_id == viewer.id


async def member_requests(
    *,
    member_id: uuid.UUID,
    status: RequestStatus | None,
    type: ServiceType | None,
    first: int | None,
    after: str | None,
) -> Page[ServiceRequest]:
    """One member's requests, newest first."""
    query = _filtered(ServiceRequest.filter(member_id=member_id), status=status, type=type)
    return await paginate(
        query, time_field="submitted_at", first=first, after=after, newest_first=True
    )


async def all_requests(
    *,
    status: RequestStatus | None,
    type: ServiceType | None,
    first: int | None,
    after: str | None,
) -> Page[ServiceRequest]:
    """Every member's requests, oldest first: the staff's work queue."""
    query = _filtered(ServiceRequest.all(), status=status, type=type)
    return await paginate(
        query, time_field="submitted_at", first=first, after=after, newest_first=False
    )


def _filtered(query, *, status: RequestStatus | None, type: ServiceType | None):
    if status is not None:
        query = query.filter(status=status)
    if type is not None:
        query = query.filter(type=type)
    return query


async def histories(request_ids: Sequence[uuid.UUID]) -> list[list[RequestEvent]]:
    """The events of each request, oldest first, in one query for all of them."""
    events = await RequestEvent.filter(request_id__in=list(request_ids)).order_by("at", "id")
    by_request: dict[uuid.UUID, list[RequestEvent]] = defaultdict(list)
    for event in events:
        by_request[event.request_id].append(event)
    return [by_request[key] for key in request_ids]


@dataclass(frozen=True, slots=True)
class Step:
    """One event of a request's history, as a page shows it (no ORM object)."""

    status: RequestStatus
    note: str | None
    actor: Actor
    at: dt.datetime


async def history_steps(request_ids: Sequence[uuid.UUID]) -> list[list[Step]]:
    """`histories` for a page: the same one query, read as plain values (building an ORM
    object per event was a fifth of a page's time)."""
    rows = await RequestEvent.filter(request_id__in=list(request_ids)).order_by(
        "at", "id"
    ).values_list("request_id", "status", "note", "actor", "at")
    by_request: dict[uuid.UUID, list[Step]] = defaultdict(list)
    for request_id, status, note, actor, at in rows:
        by_request[request_id].append(Step(status, note, actor, at))
    return [by_request[key] for key in request_ids]


async def requests_by_id(request_ids: Sequence[uuid.UUID]) -> list[ServiceRequest | None]:
    rows = {row.id: row for row in await ServiceRequest.filter(id__in=list(request_ids))}
    return [rows.get(key) for key in request_ids]


