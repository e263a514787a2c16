"""Sign-in: log in and out, and members by id for loaders."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence

from models import (
    AccountStatus,
    Member,
    SecurityEventKind,
)
from resolvers import validation
from resolvers.platform import audit
from resolvers.platform.errors import DomainError, ErrorCode
from resolvers.platform.runtime import Runtime
from resolvers.platform.throttle import (
    LOGIN_FAILURES_PER_ID,
    LOGIN_FAILURES_PER_IP,
)
from resolvers.security import events as security
from resolvers.security import second_factor, sessions
from resolvers.security.devices import Client
from resolvers.security.second_factor import Challenge
from resolvers.security.sessions import IssuedSession


async def login(
    *, runtime: Runtime, national_id: str, password: str, client: Client
) -> tuple[Member, IssuedSession | Challenge]:
    """A session; or, when the account has a second factor, the challenge asking for it."""
    valid_id = validation.parse_national_id(national_id)
    parsed = valid_id or national_id.strip()[:20]
    client_ip = client.ip_address
    id_key, ip_key = f"login-id:{parsed}", f"login-ip:{client_ip}"
    throttle = runtime.throttle
    # The ID's attempt is counted before its password is checked, in the limiter's own
    # atomic step: ten concurrent guesses cannot all pass a check made before any was
    # counted (a success clears the count). The address counts failures only, so an office
    # behind one address can sign in all day; a failure over its limit is answered as such.
    if not await throttle.allows(LOGIN_FAILURES_PER_IP, ip_key) or not await throttle.hit(
        LOGIN_FAILURES_PER_ID, id_key
    ):
        audit.record("login_refused_throttled", national_id_hash=_pseudonym(parsed),
                     client_ip=client_ip)
        raise await throttle.refused((LOGIN_FAILURES_PER_IP, ip_key), (LOGIN_FAILURES_PER_ID, id_key))

    # What is not a national ID matches nobody, and would not fit the column to look it up.
    member = await Member.get_or_none(national_id=valid_id) if valid_id else None
    # Same error for an unknown ID and a wrong password, after the same hashing work.
    verified = await runtime.passwords.verify(member.password_hash if member else None, password)
    if not verified or member is None:
        within_address_limit = await throttle.hit(LOGIN_FAILURES_PER_IP, ip_key)
        locked_out = not await throttle.allows(LOGIN_FAILURES_PER_ID, id_key)
        audit.record("login_failed", national_id_hash=_pseudonym(parsed), client_ip=client_ip,
                     known=member is not None)
        if locked_out:
            audit.record("login_locked_out", national_id_hash=_pseudonym(parsed),
                         client_ip=client_ip, minutes=15)
        if member is not None:
            await security.record(runtime, member.id, SecurityEventKind.SIGN_IN_FAILED, client)
            if locked_out:
                await security.record(runtime, member.id, SecurityEventKind.LOCKED_OUT, client)
        if not within_address_limit:
            raise await throttle.refused((LOGIN_FAILURES_PER_IP, ip_key))
        raise DomainError.single(None, ErrorCode.INVALID_CREDENTIALS)

    if member.status is AccountStatus.PENDING_ACTIVATION:
        raise DomainError.single(None, ErrorCode.ACCOUNT_NOT_ACTIVE)
    if member.status is not AccountStatus.ACTIVE:
        raise DomainError.single(None, ErrorCode.ACCOUNT_LOCKED)
    if runtime.passwords.needs_rehash(member.password_hash):
        member.password_hash = await runtime.passwords.hash(password)
        await member.save(update_fields=["password_hash"])
        audit.record("password_rehashed", member_id=member.id)
    if await second_factor.methods_of(member):
        # The ID's failure count stays until the second factor is shown: wrong proofs add
        # to it, and a known password cannot reset it for unlimited guesses.
        challenge = await second_factor.open_challenge(runtime=runtime, member=member)
        audit.record("login_second_factor_asked", member_id=member.id, client_ip=client_ip)
        return member, challenge
    await throttle.clear(LOGIN_FAILURES_PER_ID, id_key)
    issued = await security.sign_in(runtime=runtime, member=member, client=client)
    audit.record("login_succeeded", member_id=member.id, client_ip=client_ip)
    return member, issued


def _pseudonym(national_id: str) -> str:
    """Failed sign-ins are logged without the ID typed, which may be someone else's."""
    return hashlib.sha256(national_id.encode()).hexdigest()[:16]


async def logout(
    *,
    runtime: Runtime,
    session_family: uuid.UUID,
    member_id: uuid.UUID,
    everywhere: bool,
    client: Client | None = None,
) -> None:
    await security.record(runtime, member_id, SecurityEventKind.SIGNED_OUT, client)
    if everywhere:
        await sessions.end_all(member_id=member_id, now=runtime.now())
    else:
        await sessions.end_family(family=session_family, now=runtime.now())
    audit.record("logged_out", member_id=member_id, everywhere=everywhere)


async def logout_with_refresh_token(
    *, runtime: Runtime, refresh_token: str, everywhere: bool, client: Client | None = None
) -> None:
    """Ends the sign-in a refresh token belongs to; an unknown token ends nothing, quietly."""
    session = await sessions.by_refresh_token(runtime=runtime, refresh_token=refresh_token)
    if session is None:
        return
    await logout(runtime=runtime, session_family=session.family, member_id=session.member_id,
                 everywhere=everywhere, client=client)


async def members_by_id(member_ids: Sequence[uuid.UUID]) -> list[Member | None]:
    """Members by id, in one query for all of them (a DataLoader's batch)."""
    rows = {row.id: row for row in await Member.filter(id__in=list(member_ids))}
    return [rows.get(key) for key in member_ids]
