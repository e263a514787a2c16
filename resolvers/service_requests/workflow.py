"""Service requests: submission, the review workflow, cancellation, and who sees what."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import (
    Actor,
    DocumentKind,
    InformationRequest,
    Language,
    Member,
    NotificationKind,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
)
from resolvers import documents, validation
from resolvers.documents import Upload
from resolvers.letters import decision as letters
from resolvers.messages.notices import notify_member
from resolvers.messages.templates import REQUEST_STATUS_CHANGED
from resolvers.platform import audit
from resolvers.platform.errors import DomainError, ErrorCode, ErrorCollector
from resolvers.platform.i18n import label
from resolvers.platform.live import hub
from resolvers.platform.references import next_reference
from resolvers.platform.runtime import Runtime
from resolvers.record import submission
from resolvers.service_requests.actions import (
    OPEN_STATUSES,
    RequestAction,
    approvable,
    member_may,
    review_move_allowed,
)
from resolvers.service_requests.details import (
    KINDS,
    SERVICE_TYPE_OF,
    Details,
    RetirementPension,
    UnemploymentBenefit,
    _clean,
    _to_json,
)
from resolvers.service_requests.loaders import HistoryStep
from resolvers.service_requests.search import saudi_midnight

REFERENCE_PREFIX = "SR"
IDEMPOTENCY_KEY_MAX = 100
NOTE_MAX = 2000
RESPOND_BY_DEFAULT = dt.timedelta(days=14)
RESPOND_BY_MAX = dt.timedelta(days=90)
DECISIONS = frozenset({RequestStatus.APPROVED, RequestStatus.REJECTED})

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
    details = await _with_last_employer(details, member)
    cleaned = _clean(errors, details, today=runtime.today(), born=member.date_of_birth)
    key = validation.bounded_text(
        errors, "idempotency_key", idempotency_key, max_length=IDEMPOTENCY_KEY_MAX, required=False
    )
    files = await documents.check_uploads(errors, uploads)
    errors.raise_if_any()

    if key and (earlier := await _by_idempotency_key(member.id, key)):
        return earlier
    now = runtime.now()
    checked = await submission.check_at_submission(
        member=member, service=service_type, details=cleaned,
        details_path=f"details.{KINDS[service_type][1]}",
    )
    try:
        async with documents.stored(runtime, files) as kept, in_transaction():
            reference = await next_reference(REFERENCE_PREFIX, runtime.today().year)
            request = await ServiceRequest.create(
                reference_number=reference,
                member_id=member.id,
                type=service_type,
                status=RequestStatus.SUBMITTED,
                details=_to_json(cleaned),
                eligibility_at_submission=checked,
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
            hub.request_changed(runtime.live, request)
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


async def _with_last_employer(details: Details, member: Member) -> Details:
    """`lastEmployer` left out: the employer the insurance record knows on the request's date."""
    if not isinstance(details, RetirementPension | UnemploymentBenefit) or details.last_employer:
        return details
    day = details.retirement_date if isinstance(details, RetirementPension) else details.last_working_day
    return dataclasses.replace(details, last_employer=await submission.last_employer(member=member, day=day))


async def _by_idempotency_key(member_id: uuid.UUID, key: str) -> ServiceRequest | None:
    return await ServiceRequest.get_or_none(member_id=member_id, idempotency_key=key)


async def review_request(
    *,
    runtime: Runtime,
    staff: Member,
    request_id: uuid.UUID,
    status: RequestStatus,
    note: str | None,
    requested_documents: Sequence[DocumentKind] | None = None,
    respond_by: dt.date | None = None,
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
    hub.request_changed(runtime.live, request)


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
