"""Service requests: submission, the review workflow, cancellation, and who sees what."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models import (
    AccessPurpose,
    AccountStatus,
    Actor,
    DocumentKind,
    InformationRequest,
    Language,
    Member,
    NotificationKind,
    RequestEvent,
    RequestStatus,
    Role,
    ServiceRequest,
    ServiceType,
)
from resolvers import audit, documents, letters, live, validation
from resolvers.access_log import record_access
from resolvers.documents import Upload
from resolvers.errors import DomainError, ErrorCode, ErrorCollector
from resolvers.i18n import label
from resolvers.notices import notify_member
from resolvers.notifications import REQUEST_STATUS_CHANGED
from resolvers.pagination import Page, grouped, paginate
from resolvers.references import next_reference
from resolvers.request_actions import (
    OPEN_STATUSES,
    RequestAction,
    approvable,
    member_may,
    review_move_allowed,
    staff_may,
)
from resolvers.runtime import Runtime

REFERENCE_PREFIX = "SR"
IDEMPOTENCY_KEY_MAX = 100
NOTE_MAX = 2000
RESPOND_BY_DEFAULT = dt.timedelta(days=14)
RESPOND_BY_MAX = dt.timedelta(days=90)
DECISIONS = frozenset({RequestStatus.APPROVED, RequestStatus.REJECTED})


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

# Each kind of details, its service type and its field's name in SubmitRequestInput.details.
KINDS: dict[ServiceType, tuple[type[Details], str]] = {
    ServiceType.RETIREMENT_PENSION: (RetirementPension, "retirement_pension"),
    ServiceType.DISABILITY_PENSION: (DisabilityPension, "disability_pension"),
    ServiceType.HEALTH_INSURANCE: (HealthInsurance, "health_insurance"),
    ServiceType.PHYSIOTHERAPY: (Physiotherapy, "physiotherapy"),
    ServiceType.WORK_INJURY: (WorkInjury, "work_injury"),
    ServiceType.UNEMPLOYMENT_BENEFIT: (UnemploymentBenefit, "unemployment_benefit"),
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
MULTILINE_TEXT = {"diagnosis", "description"}
NUMBER_RANGES = {"dependents": (0, 20), "sessions_requested": (1, 60)}
DATE_FIELDS = {"retirement_date", "disability_date", "injury_date", "last_working_day"}

NOTE_LINE = {Language.EN: " Note: {note}", Language.AR: " ملاحظة: {note}"}
RESPOND_BY_LINE = {
    Language.EN: " Please answer by {date}: sign in and open the request.",
    Language.AR: " يرجى الرد قبل {date}: سجّل الدخول وافتح الطلب.",
}
# Staff-only remarks in the history, worded in the reader's language.
ASSIGNED = "ASSIGNED"
REVIEWED_WHILE_ASSIGNED = "REVIEWED_WHILE_ASSIGNED"
RELEASED = "RELEASED"
REMARKS: dict[str, dict[Language, str]] = {
    ASSIGNED: {Language.EN: "Assigned to {name}.", Language.AR: "أُسند إلى {name}."},
    REVIEWED_WHILE_ASSIGNED: {
        Language.EN: "Reviewed while assigned to {name}.",
        Language.AR: "رُوجع وهو مُسند إلى {name}.",
    },
    RELEASED: {
        Language.EN: "No longer assigned to {name}: the staff role ended.",
        Language.AR: "لم يعد مُسندًا إلى {name}: انتهى دوره موظفًا.",
    },
}
SAUDI_TIME = dt.timezone(dt.timedelta(hours=3))
NOBODY = uuid.UUID(int=0)  # a member id no row has: a search that can match nothing


async def submit_request(
    *,
    runtime: Runtime,
    member: Member,
    details: Details,
    idempotency_key: str | None,
    uploads: Sequence[Upload] = (),
) -> ServiceRequest:
    """A new request, or the member's earlier one sent with the same idempotency key. The
    request and all its files are stored, or none of them."""
    errors = ErrorCollector()
    service_type = SERVICE_TYPE_OF[type(details)]
    cleaned = _clean(errors, details, today=runtime.today(), born=member.date_of_birth)
    key = validation.bounded_text(
        errors, "idempotency_key", idempotency_key, max_length=IDEMPOTENCY_KEY_MAX, required=False
    )
    files = await documents.check_uploads(errors, uploads)
    errors.raise_if_any()

    if key and (earlier := await _by_idempotency_key(member.id, key)):
        return earlier
    now = runtime.now()
    try:
        async with documents.stored(runtime, files) as kept, in_transaction():
            reference = await next_reference(REFERENCE_PREFIX, runtime.today().year)
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
            )
            await RequestEvent.create(
                request_id=request.id,
                status=RequestStatus.SUBMITTED,
                actor=Actor.MEMBER,
                actor_member_id=member.id,
                at=now,
            )
            await documents.record(
                kept, request_id=request.id, actor=Actor.MEMBER, uploader_id=member.id, now=now,
            )
            live.request_changed(runtime.live, request)
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
        path = f"details.{input_name}.{name}"
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
                required=name not in OPTIONAL_TEXT, multiline=name in MULTILINE_TEXT,
            )
        values[name] = value
    return dataclasses.replace(details, **values)


def _to_json(details: Details) -> dict:
    return {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in dataclasses.asdict(details).items()
    }


def details_of(request: ServiceRequest) -> Details:
    kind, _ = KINDS[request.type]
    values: dict[str, Any] = {
        name: dt.date.fromisoformat(value) if name in DATE_FIELDS else value
        for name, value in request.details.items()
    }
    return kind(**values)


async def review_request(
    *,
    runtime: Runtime,
    staff: Member,
    request_id: uuid.UUID,
    status: RequestStatus,
    note: str | None,
    requested_documents: Sequence[DocumentKind] | None = None,
    respond_by: dt.date | None = None,
    verify_url: str = "",
) -> ServiceRequest:
    """Staff move a request along the workflow; the applicant is told of every move.
    NEEDS_INFORMATION records what is asked for; a decision issues its letter."""
    errors = ErrorCollector()
    note = validation.bounded_text(
        errors, "note", note, max_length=NOTE_MAX, required=False, multiline=True
    )
    errors.raise_if_any()
    request = await ServiceRequest.filter(id=request_id).select_related("member").first()
    if request is None:
        raise DomainError.single("request_id", ErrorCode.NOT_FOUND)
    if not review_move_allowed(request.status, status):
        raise DomainError.single("status", ErrorCode.INVALID_TRANSITION, "review_move_not_allowed")
    today = runtime.today()
    if status is RequestStatus.NEEDS_INFORMATION:
        if note is None:
            errors.add("note", ErrorCode.REQUIRED)
        respond_by = respond_by or today + RESPOND_BY_DEFAULT
        if not today < respond_by <= today + RESPOND_BY_MAX:
            errors.add("respond_by", ErrorCode.INVALID, "respond_by_range",
                       max=RESPOND_BY_MAX.days)
        errors.raise_if_any()
    if status is RequestStatus.APPROVED:
        missing = documents.missing_kinds(request, await documents.documents_of_one(request.id))
        if not approvable(missing):
            raise DomainError.single("status", ErrorCode.DOCUMENTS_MISSING, kinds=missing)
    remark: dict[str, str] = {}
    if request.assignee_id is not None and request.assignee_id != staff.id:
        # Allowed (a colleague may be away), but the history says so.
        assignee = await Member.get_or_none(id=request.assignee_id)
        remark = {"remark": REVIEWED_WHILE_ASSIGNED,
                  "remark_name": assignee.full_name if assignee else "?"}
    now = runtime.now()
    letter = None
    if status in DECISIONS:
        # Rendered off the event loop and stored before the transaction that records it.
        letter = await letters.prepare(
            runtime, request=request, decision=status, note=note, issued_at=now,
            verify_url=verify_url,
        )
    async with letters.kept(runtime, letter), in_transaction():
        await _move(
            runtime, request, status, actor=Actor.STAFF, actor_member=staff, note=note, now=now,
            field="status", **remark,
        )
        if status is RequestStatus.NEEDS_INFORMATION:
            assert note is not None and respond_by is not None
            await InformationRequest.create(
                request_id=request.id, note=note,
                documents=[kind.value for kind in dict.fromkeys(requested_documents or ())],
                respond_by=respond_by, requested_at=now,
            )
            # Overdue once the answer-by day has ended, Saudi time; kept on the request so the
            # staff's `overdue` search is one index range.
            await ServiceRequest.filter(id=request.id).update(
                respond_by=saudi_midnight(respond_by + dt.timedelta(days=1))
            )
        if letter is not None:
            await letters.record(runtime, letter)
        # In the same transaction: the notice goes out if and only if the move happened.
        await _notify_member(runtime, request, note, respond_by=respond_by)
    audit.record("request_reviewed", request_id=request.id, staff_id=staff.id, status=status)
    return request


async def attach_documents(
    *, runtime: Runtime, member: Member, request_id: uuid.UUID, uploads: Sequence[Upload]
) -> ServiceRequest:
    """More files for one of the member's own requests while it is open."""
    request = await ServiceRequest.get_or_none(id=request_id, member_id=member.id)
    if request is None:
        raise DomainError.single("request_id", ErrorCode.NOT_FOUND)
    if not member_may(RequestAction.ATTACH_DOCUMENTS, request.status):
        raise DomainError.single("request_id", ErrorCode.INVALID_TRANSITION, "request_not_open")
    errors = ErrorCollector()
    if not uploads:
        errors.add("documents", ErrorCode.REQUIRED)
    files = await documents.check_uploads(
        errors, uploads, already=await documents.count_of(request.id)
    )
    errors.raise_if_any()
    now = runtime.now()
    async with documents.stored(runtime, files) as kept, in_transaction():
        still_open = await ServiceRequest.filter(
            id=request.id, status__in=list(OPEN_STATUSES)
        ).exists()
        if not still_open:
            raise DomainError.single("request_id", ErrorCode.INVALID_TRANSITION, "request_not_open")
        await documents.record(
            kept, request_id=request.id, actor=Actor.MEMBER, uploader_id=member.id, now=now,
        )
    audit.record("documents_attached", request_id=request.id, member_id=member.id,
                 count=len(kept))
    return request


async def provide_information(
    *,
    runtime: Runtime,
    member: Member,
    request_id: uuid.UUID,
    message: str,
    uploads: Sequence[Upload] = (),
) -> ServiceRequest:
    """The member answers NEEDS_INFORMATION: the request goes back to UNDER_REVIEW."""
    errors = ErrorCollector()
    cleaned = validation.bounded_text(errors, "message", message, max_length=NOTE_MAX)
    request = await ServiceRequest.get_or_none(id=request_id, member_id=member.id)
    if request is None:
        errors.raise_if_any()
        raise DomainError.single("request_id", ErrorCode.NOT_FOUND)
    if not member_may(RequestAction.PROVIDE_INFORMATION, request.status):
        errors.raise_if_any()
        raise DomainError.single(
            "request_id", ErrorCode.INVALID_TRANSITION, "information_not_requested"
        )
    files = await documents.check_uploads(
        errors, uploads, already=await documents.count_of(request.id)
    )
    errors.raise_if_any()
    now = runtime.now()
    async with documents.stored(runtime, files) as kept, in_transaction():
        await _move(
            runtime, request, RequestStatus.UNDER_REVIEW, actor=Actor.MEMBER, actor_member=member,
            note=cleaned, now=now, field="request_id",
        )
        await InformationRequest.filter(request_id=request.id, answered_at__isnull=True).update(
            answered_at=now
        )
        await documents.record(
            kept, request_id=request.id, actor=Actor.MEMBER, uploader_id=member.id, now=now,
        )
    audit.record("information_provided", request_id=request.id, member_id=member.id,
                 documents=len(kept))
    return request


async def cancel_request(
    *, runtime: Runtime, member: Member, request_id: uuid.UUID, reason: str | None
) -> ServiceRequest:
    errors = ErrorCollector()
    reason = validation.bounded_text(
        errors, "reason", reason, max_length=NOTE_MAX, required=False, multiline=True
    )
    errors.raise_if_any()
    # Someone else's request is "not found", exactly like one that does not exist.
    request = await ServiceRequest.get_or_none(id=request_id, member_id=member.id)
    if request is None:
        raise DomainError.single("request_id", ErrorCode.NOT_FOUND)
    if not member_may(RequestAction.CANCEL, request.status):
        raise DomainError.single(
            "request_id", ErrorCode.INVALID_TRANSITION, "request_not_cancellable"
        )
    async with in_transaction():
        await _move(
            runtime, request, RequestStatus.CANCELLED, actor=Actor.MEMBER, actor_member=member,
            note=reason, now=runtime.now(), field="request_id",
        )
    audit.record("request_cancelled", request_id=request.id, member_id=member.id)
    return request


async def _move(
    runtime: Runtime,
    request: ServiceRequest,
    status: RequestStatus,
    *,
    actor: Actor,
    actor_member: Member,
    note: str | None,
    now: dt.datetime,
    field: str,
    remark: str | None = None,
    remark_name: str | None = None,
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
        actor_member_id=actor_member.id, at=now, remark=remark, remark_name=remark_name,
    )
    request.status, request.open_type, request.updated_at = status, open_type, now
    live.request_changed(runtime.live, request)


async def assign_request(
    *, runtime: Runtime, staff: Member, request_id: uuid.UUID, assignee_id: uuid.UUID | None
) -> ServiceRequest:
    """Gives an open request to a staff member (the caller when `assignee_id` is None)."""
    assignee = staff
    if assignee_id is not None and assignee_id != staff.id:
        found = await Member.get_or_none(id=assignee_id)
        if found is None or found.role is not Role.STAFF or found.status is not AccountStatus.ACTIVE:
            raise DomainError.single("assignee_id", ErrorCode.INVALID, "assignee_not_staff")
        assignee = found
    request = await ServiceRequest.get_or_none(id=request_id)
    if request is None:
        raise DomainError.single("request_id", ErrorCode.NOT_FOUND)
    if not staff_may(RequestAction.ASSIGN, request.status):
        raise DomainError.single("request_id", ErrorCode.INVALID_TRANSITION, "request_closed")
    if request.assignee_id == assignee.id:
        return request
    now = runtime.now()
    async with in_transaction():
        # Only while still open and held by whoever held it when read: no lost update.
        moved = await ServiceRequest.filter(
            id=request.id, status__in=list(OPEN_STATUSES), assignee_id=request.assignee_id
        ).update(assignee_id=assignee.id)
        if not moved:
            raise DomainError.single(
                "request_id", ErrorCode.INVALID_TRANSITION, "assignment_changed"
            )
        await RequestEvent.create(
            request_id=request.id, status=request.status, actor=Actor.STAFF,
            actor_member_id=staff.id, at=now, internal=True, remark=ASSIGNED,
            remark_name=assignee.full_name,
        )
    request.assignee_id = assignee.id
    audit.record("request_assigned", request_id=request.id, staff_id=staff.id,
                 assignee_id=assignee.id)
    return request


async def release_assignments(*, runtime: Runtime, staff: Member) -> int:
    """The open requests `staff` held go back to the unassigned queue, each with an event."""
    held = await ServiceRequest.filter(
        assignee_id=staff.id, status__in=list(OPEN_STATUSES)
    ).values_list("id", "status")
    if not held:
        return 0
    now = runtime.now()
    await ServiceRequest.filter(id__in=[key for key, _ in held]).update(assignee_id=None)
    await RequestEvent.bulk_create([
        RequestEvent(request_id=key, status=status, actor=Actor.SYSTEM, at=now, internal=True,
                     remark=RELEASED, remark_name=staff.full_name)
        for key, status in held
    ])
    return len(held)


# A decision comes with its letter: the inbox says so.
NOTICE_KINDS = {
    RequestStatus.NEEDS_INFORMATION: NotificationKind.INFORMATION_REQUESTED,
    RequestStatus.APPROVED: NotificationKind.DECISION_LETTER_ISSUED,
    RequestStatus.REJECTED: NotificationKind.DECISION_LETTER_ISSUED,
}


async def _notify_member(
    runtime: Runtime, request: ServiceRequest, note: str | None, *, respond_by: dt.date | None
) -> None:
    member: Member = request.member
    language = member.preferred_language
    line = NOTE_LINE[language].format(note=note) if note else ""
    if request.status is RequestStatus.NEEDS_INFORMATION and respond_by is not None:
        line += RESPOND_BY_LINE[language].format(date=respond_by.isoformat())
    await notify_member(
        runtime,
        member,
        REQUEST_STATUS_CHANGED,
        kind=NOTICE_KINDS.get(request.status, NotificationKind.REQUEST_STATUS_CHANGED),
        request_id=request.id,
        reference=request.reference_number,
        status=label(request.status, language),
        note=line,
    )


def remark_text(event: RequestEvent | HistoryStep, language: Language) -> str | None:
    if event.remark is None:
        return None
    return REMARKS[event.remark][language].format(name=event.remark_name)


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


@dataclass(frozen=True)
class RequestSearch:
    """What staff narrow their queue by; every criterion given must hold."""

    status: RequestStatus | None = None
    type: ServiceType | None = None
    reference_number: str | None = None
    national_id: str | None = None
    assigned_to_me: bool = False
    unassigned: bool = False
    overdue: bool = False
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None


async def all_requests(
    *,
    runtime: Runtime,
    staff: Member,
    search: RequestSearch,
    first: int | None,
    after: str | None,
) -> Page[ServiceRequest]:
    """Every member's requests matching `search`, oldest first: the staff's work queue.

    Each criterion has an index that leads a page straight to its rows: the reference
    number's unique index, (member_id, submitted_at, id) for a national ID,
    (assignee_id, submitted_at, id) and (status, assignee_id, submitted_at, id) for the
    assignment, (status, submitted_at, id) for overdue, (submitted_at, id) for the dates.
    """
    query = _filtered(ServiceRequest.all(), status=search.status, type=search.type)
    if search.reference_number is not None:
        query = query.filter(reference_number=exact_reference(search.reference_number))
    if search.national_id is not None:
        member_id = await lookup_member(
            runtime=runtime, staff=staff, national_id=search.national_id,
            field="filter.national_id",
        )
        query = query.filter(member_id=member_id or NOBODY)
    if search.assigned_to_me:
        query = query.filter(assignee_id=staff.id)
    if search.unassigned:
        query = query.filter(assignee_id__isnull=True)
    if search.overdue:
        query = query.filter(status=RequestStatus.NEEDS_INFORMATION, respond_by__lt=runtime.now())
    # The first and last days a calendar has are no bound at all (and would overflow in UTC).
    if search.submitted_from is not None and search.submitted_from > dt.date.min:
        query = query.filter(submitted_at__gte=saudi_midnight(search.submitted_from))
    if search.submitted_to is not None and search.submitted_to < dt.date.max:
        query = query.filter(
            submitted_at__lt=saudi_midnight(search.submitted_to + dt.timedelta(days=1))
        )
    return await paginate(
        query, time_field="submitted_at", first=first, after=after, newest_first=False
    )


def exact_reference(value: str) -> str:
    """A reference number as stored (SR-2026-000042); what cannot be one matches nothing."""
    reference = validation.normalize_digits(value).strip().upper()
    if len(reference) > 20 or not reference.isascii() or not reference.isprintable():
        return ""
    return reference


def saudi_midnight(day: dt.date) -> dt.datetime:
    """Dates staff search by are Saudi calendar days."""
    return dt.datetime.combine(day, dt.time(), tzinfo=SAUDI_TIME)


async def lookup_member(
    *, runtime: Runtime, staff: Member, national_id: str, field: str
) -> uuid.UUID | None:
    """The member with this national ID (Arabic-Indic digits accepted), if any; the lookup
    goes into their access log."""
    errors = ErrorCollector()
    cleaned = validation.national_id(errors, field, national_id.strip())
    errors.raise_if_any()
    member = await Member.get_or_none(national_id=cleaned)
    if member is None:
        return None
    record_access(runtime, staff=staff, member_id=member.id, purpose=AccessPurpose.MEMBER_LOOKUP,
                  subject=cleaned, thing=member.id)
    return member.id


def _filtered(
    query: QuerySet[ServiceRequest], *, status: RequestStatus | None, type: ServiceType | None
) -> QuerySet[ServiceRequest]:
    if status is not None:
        query = query.filter(status=status)
    if type is not None:
        query = query.filter(type=type)
    return query


class HistoryStep(NamedTuple):
    """What a request's history shows of an event: read as plain values, because building
    a model for each of a page's events was a quarter of the page's time."""

    request_id: uuid.UUID
    status: RequestStatus
    note: str | None
    actor: Actor
    at: dt.datetime
    internal: bool
    remark: str | None
    remark_name: str | None


async def events_of(request_ids: Sequence[uuid.UUID]) -> list[list[HistoryStep]]:
    """The events of each request, oldest first, in one query for all of them."""
    rows = await RequestEvent.filter(request_id__in=list(request_ids)).order_by(
        "at", "id"
    ).values_list(*HistoryStep._fields)
    return grouped([HistoryStep(*row) for row in rows], request_ids,
                   key=lambda step: step.request_id)


async def requests_by_id(request_ids: Sequence[uuid.UUID]) -> list[ServiceRequest | None]:
    rows = {row.id: row for row in await ServiceRequest.filter(id__in=list(request_ids))}
    return [rows.get(key) for key in request_ids]




async def open_information_requests(
    request_ids: Sequence[uuid.UUID],
) -> list[InformationRequest | None]:
    """What each request is waiting for from its member, if anything."""
    rows = await InformationRequest.filter(
        request_id__in=list(request_ids), answered_at__isnull=True
    ).order_by("requested_at")
    latest = {row.request_id: row for row in rows}
    return [latest.get(key) for key in request_ids]
