"""Finding requests: a member's own, and the staff search over all of them."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from tortoise.queryset import QuerySet

from models import (
    AccessPurpose,
    Member,
    RequestStatus,
    Role,
    ServiceRequest,
    ServiceType,
)
from resolvers import validation
from resolvers.platform.errors import ErrorCollector
from resolvers.platform.pagination import Page, paginate
from resolvers.platform.runtime import Runtime
from resolvers.service_requests import rows
from resolvers.service_requests.rows import RequestRow

SAUDI_TIME = dt.timezone(dt.timedelta(hours=3))
NOBODY = uuid.UUID(int=0)  # a member id no row has: a search that can match nothing


def can_see(viewer: Member, request: ServiceRequest | RequestRow) -> bool:
    """A member sees their own requests; staff see everyone's."""
    return viewer.role is Role.STAFF or request.member_id == viewer.id


async def member_requests(
    *,
    member_id: uuid.UUID,
    status: RequestStatus | None,
    type: ServiceType | None,
    first: int | None,
    after: str | None,
) -> Page[RequestRow]:
    """One member's requests, newest first."""
    return await rows.member_page(
        member_id=member_id, status=status, type=type, first=first, after=after,
        matching=lambda: _filtered(ServiceRequest.filter(member_id=member_id), status=status, type=type),
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
    """Dates staff search by are Saudi calendar days. In UTC, as the times are stored: SQLite
    compares them as text, so 00:00+03:00 would sort after 21:30+00:00 of the day before."""
    return dt.datetime.combine(day, dt.time(), tzinfo=SAUDI_TIME).astimezone(dt.UTC)


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
    runtime.access_log.record(staff=staff, member_id=member.id, purpose=AccessPurpose.MEMBER_LOOKUP,
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

