"""The member's security centre: sign-ins and their devices, security events, new-device notices."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from models import Member, SecurityEvent, SecurityEventKind, Session
from resolvers.messages.notices import notify_member
from resolvers.messages.templates import NEW_DEVICE_NOTICE
from resolvers.platform import audit
from resolvers.platform.errors import DomainError, ErrorCode
from resolvers.platform.pagination import Page, paginate
from resolvers.platform.runtime import Runtime
from resolvers.security import sessions
from resolvers.security.devices import Client
from resolvers.security.sessions import IssuedSession

DEVICE_MEMORY = dt.timedelta(days=90)
STEP_UP_WINDOW = dt.timedelta(minutes=10)


def require_recent_authentication(runtime: Runtime, authenticated_at: dt.datetime | None) -> None:
    """Sensitive changes need a sign-in or reauthenticate within the last 10 minutes."""
    if authenticated_at is None or authenticated_at <= runtime.now() - STEP_UP_WINDOW:
        raise DomainError.single(None, ErrorCode.REAUTHENTICATION_REQUIRED)


async def record(
    runtime: Runtime, member_id: uuid.UUID, kind: SecurityEventKind, client: Client | None = None
) -> None:
    await SecurityEvent.create(
        member_id=member_id,
        kind=kind,
        at=runtime.now(),
        device=client.device if client else None,
        ip_address=client.ip_address if client else None,
    )


async def sign_in(
    *, runtime: Runtime, member: Member, client: Client | None, first: bool = False
) -> IssuedSession:
    """Starts a sign-in and records it; a device the member has not used in 90 days gets a
    notice (not the very first sign-in, at activation)."""
    client = client or Client(ip_address="unknown")
    now = runtime.now()
    async with in_transaction():
        known = first or await SecurityEvent.exists(
            member_id=member.id, kind=SecurityEventKind.SIGNED_IN, device=client.device,
            at__gte=now - DEVICE_MEMORY,
        )
        issued = await sessions.start(runtime=runtime, member=member, client=client)
        await record(runtime, member.id, SecurityEventKind.SIGNED_IN, client)
        if not known:
            await record(runtime, member.id, SecurityEventKind.NEW_DEVICE, client)
            await notify_member(
                runtime, member, NEW_DEVICE_NOTICE, device=client.device,
                time=(now + dt.timedelta(hours=3)).strftime("%Y-%m-%d %H:%M"),
            )
            audit.record("new_device", member_id=member.id, device=client.device)
    return issued


@dataclass(frozen=True)
class SignIn:
    """One live sign-in: the links of a refresh-token family seen as one."""

    family: uuid.UUID
    device: str
    ip_address: str
    signed_in_at: dt.datetime
    last_used_at: dt.datetime


async def live_sign_ins(*, member_id: uuid.UUID, now: dt.datetime) -> list[SignIn]:
    """Newest sign-in first."""
    rows = await Session.filter(
        member_id=member_id, revoked_at__isnull=True, refresh_expires_at__gt=now
    ).order_by("-created_at")
    families: dict[uuid.UUID, SignIn] = {}
    for row in rows:
        used = row.last_used_at or row.created_at
        seen = families.get(row.family)
        if seen is not None:
            if used > seen.last_used_at:
                families[row.family] = SignIn(seen.family, seen.device, seen.ip_address,
                                              seen.signed_in_at, used)
            continue
        families[row.family] = SignIn(
            family=row.family,
            device=row.device or "Unknown browser on unknown system",
            ip_address=row.ip_address or "unknown",
            signed_in_at=row.signed_in_at or row.created_at,
            last_used_at=used,
        )
    return sorted(families.values(), key=lambda s: s.signed_in_at, reverse=True)


async def revoke_sign_in(
    *, runtime: Runtime, member_id: uuid.UUID, family: uuid.UUID, client: Client
) -> None:
    ended = await Session.filter(
        member_id=member_id, family=family, revoked_at__isnull=True
    ).update(revoked_at=runtime.now())
    if not ended:
        raise DomainError.single("session_id", ErrorCode.NOT_FOUND)
    await record(runtime, member_id, SecurityEventKind.SESSION_REVOKED, client)
    audit.record("session_revoked", member_id=member_id, family=family)


async def member_events(
    *, member_id: uuid.UUID, viewer_id: uuid.UUID | None, first: int | None, after: str | None
) -> Page[SecurityEvent]:
    """The member's events when the member asks; for anyone else (staff too) none: where and
    from what a member signs in is theirs alone, as their sessions are."""
    owners = [member_id] if viewer_id == member_id else []
    return await paginate(
        SecurityEvent.filter(member_id__in=owners), time_field="at", first=first, after=after,
        newest_first=True,
    )
