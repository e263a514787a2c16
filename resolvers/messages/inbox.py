"""The member's inbox: every notice they were sent, newest first, read or unread."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from models import Member, Notification
from resolvers.platform.pagination import Page, paginate

MARK_MAX = 100


async def member_notifications(
    *, member_id: uuid.UUID, unread_only: bool, first: int | None, after: str | None
) -> Page[Notification]:
    query = Notification.filter(member_id=member_id)
    if unread_only:
        query = query.filter(read_at__isnull=True)
    return await paginate(query, time_field="created_at", first=first, after=after,
                          newest_first=True)


async def unread_count(*, member_id: uuid.UUID) -> int:
    return await Notification.filter(member_id=member_id, read_at__isnull=True).count()


async def mark_read(
    *, member: Member, notification_ids: Sequence[uuid.UUID | None] | None, now: dt.datetime
) -> int:
    """Marks these notifications read (all of the member's when None); the new unread count.
    Marking is idempotent: an ID that is not one of the member's notifications changes nothing
    and, like a wrong one, reveals nothing."""
    query = Notification.filter(member_id=member.id, read_at__isnull=True)
    if notification_ids is not None:
        query = query.filter(id__in=[key for key in notification_ids[:MARK_MAX] if key is not None])
    await query.update(read_at=now)
    return await unread_count(member_id=member.id)
