"""Staff accounts and the work queue: create, promote and disable staff; assign and release requests."""

from __future__ import annotations

import datetime as dt
import uuid

from tortoise.transactions import in_transaction

from models import (
    AccountStatus,
    Actor,
    Language,
    Member,
    NotificationChannel,
    RequestEvent,
    Role,
    ServiceRequest,
)
from resolvers import validation
from resolvers.platform import audit
from resolvers.platform.errors import DomainError, ErrorCode, ErrorCollector
from resolvers.platform.runtime import Runtime
from resolvers.security import sessions
from resolvers.service_requests.actions import OPEN_STATUSES, RequestAction, staff_may
from resolvers.service_requests.workflow import ASSIGNED, RELEASED


async def create_staff(
    *,
    runtime: Runtime,
    national_id: str,
    full_name: str,
    password: str,
    mobile: str | None = None,
) -> tuple[Member, bool]:
    """Creates an active staff account, or promotes an existing one. True when created."""
    errors = ErrorCollector()
    national_id = validation.national_id(errors, "national_id", national_id)
    full_name = validation.full_name(errors, "full_name", full_name)
    validation.password(errors, "password", password, national_id=national_id, date_of_birth=None)
    if mobile:
        mobile = validation.mobile(errors, "mobile", mobile)
    errors.raise_if_any()
    password_hash = await runtime.passwords.hash(password)
    existing = await Member.get_or_none(national_id=national_id)
    if existing is not None:
        changes: dict = {"role": Role.STAFF, "full_name": full_name, "password_hash": password_hash}
        if mobile:
            changes["mobile"] = mobile
        # A pending account becomes usable; a LOCKED or DISABLED one stays as it is: whoever
        # locked or disabled it had a reason, and promoting is not the way to undo it.
        if existing.status is AccountStatus.PENDING_ACTIVATION:
            changes["status"] = AccountStatus.ACTIVE
        async with in_transaction():
            await Member.filter(id=existing.id).update(**changes)
            await sessions.end_all(member_id=existing.id, now=runtime.now())
        audit.record("staff_promoted", member_id=existing.id)
        return await Member.get(id=existing.id), False
    member = await Member.create(
        national_id=national_id,
        residency=validation.residency_of(national_id),
        full_name=full_name,
        date_of_birth=dt.date(1970, 1, 1),
        mobile=mobile or "",
        preferred_channel=NotificationChannel.SMS,
        preferred_language=Language.AR,
        password_hash=password_hash,
        status=AccountStatus.ACTIVE,
        role=Role.STAFF,
    )
    audit.record("staff_created", member_id=member.id)
    return member, True


async def disable_staff(*, runtime: Runtime, national_id: str) -> Member:
    """Ends the staff role and every session of the account at once; the requests it held
    go back to the unassigned queue."""
    errors = ErrorCollector()
    national_id = validation.national_id(errors, "national_id", national_id)
    errors.raise_if_any()
    member = await Member.get_or_none(national_id=national_id)
    if member is None:
        raise DomainError.single("national_id", ErrorCode.NOT_FOUND)
    if member.role is not Role.STAFF:
        raise DomainError.single("national_id", ErrorCode.INVALID, "not_staff")
    async with in_transaction():
        await Member.filter(id=member.id).update(role=Role.MEMBER)
        await sessions.end_all(member_id=member.id, now=runtime.now())
        released = await release_assignments(runtime=runtime, staff=member)
    audit.record("staff_disabled", member_id=member.id, released=released)
    return await Member.get(id=member.id)



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

