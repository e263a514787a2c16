"""Opaque access and refresh tokens, stored as keyed hashes, with refresh-token rotation."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from models import AccountStatus, Member, Session
from resolvers import audit
from resolvers.errors import DomainError, ErrorCode
from resolvers.runtime import Runtime
from resolvers.tokens import new_token

ACCESS_LIFETIME = dt.timedelta(minutes=15)
REFRESH_LIFETIME = dt.timedelta(days=30)


@dataclass(frozen=True)
class IssuedSession:
    access_token: str
    access_token_expires_at: dt.datetime
    refresh_token: str
    refresh_token_expires_at: dt.datetime


async def start(
    *, runtime: Runtime, member: Member, family: uuid.UUID | None = None
) -> IssuedSession:
    now = runtime.now()
    access, refresh = new_token(), new_token()
    session = await Session.create(
        member_id=member.id,
        family=family or uuid.uuid4(),
        access_token_hash=runtime.keyring.digest(access),
        access_expires_at=now + ACCESS_LIFETIME,
        refresh_token_hash=runtime.keyring.digest(refresh),
        refresh_expires_at=now + REFRESH_LIFETIME,
    )
    return IssuedSession(access, session.access_expires_at, refresh, session.refresh_expires_at)


async def authenticate(*, runtime: Runtime, access_token: str) -> Session | None:
    """The live session behind a bearer token, with its member loaded; None otherwise."""
    session = (
        await Session.filter(
            access_token_hash=runtime.keyring.digest(access_token),
            revoked_at__isnull=True,
            access_expires_at__gt=runtime.now(),
        )
        .select_related("member")
        .first()
    )
    if session is None or session.member.status is not AccountStatus.ACTIVE:
        return None
    return session


async def by_refresh_token(*, runtime: Runtime, refresh_token: str) -> Session | None:
    """The live link a refresh token belongs to (not yet rotated, not ended)."""
    return await Session.filter(
        refresh_token_hash=runtime.keyring.digest(refresh_token),
        revoked_at__isnull=True,
        refresh_expires_at__gt=runtime.now(),
    ).first()


async def touch(*, runtime: Runtime, session: Session) -> None:
    """Placeholder until sessions record when they were last used."""
    return None


async def refresh(*, runtime: Runtime, refresh_token: str) -> tuple[Member, IssuedSession]:
    now = runtime.now()
    invalid = DomainError.single("refreshToken", ErrorCode.INVALID_CREDENTIALS, "refresh_invalid")
    current = (
        await Session.filter(refresh_token_hash=runtime.keyring.digest(refresh_token))
        .select_related("member")
        .first()
    )
    if current is None or current.revoked_at is not None and current.rotated_at is None:
        raise invalid
    if current.rotated_at is not None:
        # A rotated token came back: someone kept a copy. End the whole sign-in.
        await end_family(runtime=runtime, family=current.family)
        audit.record("refresh_token_reused", member_id=current.member_id, family=current.family)
        raise invalid
    if current.refresh_expires_at <= now or current.member.status is not AccountStatus.ACTIVE:
        raise invalid
    rotated = await Session.filter(id=current.id, rotated_at__isnull=True).update(
        rotated_at=now, revoked_at=now
    )
    if not rotated:
        await end_family(runtime=runtime, family=current.family)
        raise invalid
    issued = await start(runtime=runtime, member=current.member, family=current.family)
    return current.member, issued


async def end_family(*, runtime: Runtime, family: uuid.UUID) -> None:
    await Session.filter(family=family, revoked_at__isnull=True).update(revoked_at=runtime.now())


async def end_all(*, runtime: Runtime, member_id: uuid.UUID) -> None:
    await Session.filter(member_id=member_id, revoked_at__isnull=True).update(
        revoked_at=runtime.now()
    )
