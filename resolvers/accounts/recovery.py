"""Recovery and password changes: request a reset, reset with a code, change a known password."""

from __future__ import annotations

from models import (
    AccountStatus,
    CodePurpose,
    Member,
    NotificationChannel,
    SecurityEventKind,
)
from resolvers import validation
from resolvers.accounts import alike
from resolvers.messages.templates import PASSWORD_RESET_CODE
from resolvers.platform import audit
from resolvers.platform.errors import DomainError, ErrorCode, ErrorCollector
from resolvers.platform.runtime import Runtime
from resolvers.platform.throttle import (
    RESET_REQUESTS_PER_ID,
    RESET_REQUESTS_PER_ID_HOURLY,
    RESET_REQUESTS_PER_IP,
)
from resolvers.security import codes, sessions
from resolvers.security import events as security
from resolvers.security.codes import CodeDelivery
from resolvers.security.devices import Client


async def request_password_reset(
    *, runtime: Runtime, national_id: str, channel: NotificationChannel | None, client_ip: str
) -> CodeDelivery:
    """Answers alike whether or not the account exists, with the same work: the answer is
    made for every ID, and a real account's code is written and handed to the outbox after
    it (runtime.deferred). One address asks for a few resets an hour, as sign-ins are limited."""
    parsed = validation.parse_national_id(national_id)
    if parsed is None:
        raise DomainError.single("national_id", ErrorCode.INVALID_NATIONAL_ID)
    key = f"reset-id:{parsed}"
    # Each hit is the limiter's atomic check-and-count: concurrent asks get one through.
    if not await runtime.throttle.hit(RESET_REQUESTS_PER_IP, f"reset-ip:{client_ip}") or (
        not await runtime.throttle.hit(RESET_REQUESTS_PER_ID, key)
    ) or not await runtime.throttle.hit(RESET_REQUESTS_PER_ID_HOURLY, key):
        raise await runtime.throttle.refused(
            (RESET_REQUESTS_PER_ID, key), (RESET_REQUESTS_PER_ID_HOURLY, key)
        )

    member = await Member.get_or_none(national_id=parsed, status=AccountStatus.ACTIVE)
    wanted = channel or NotificationChannel.SMS
    answer = await alike.placeholder(runtime, parsed, wanted)
    if member is None:
        audit.record("password_reset_requested", known=False)
        return answer
    reachable = {NotificationChannel.SMS: member.mobile, NotificationChannel.EMAIL: member.email}
    # No email (or, for staff, no mobile): the code goes to the other one, but the answer is
    # the placeholder, so asking by one channel does not tell who lacks it.
    chosen = wanted if reachable[wanted] else next(
        (other for other, destination in reachable.items() if destination), None)
    if chosen is None:
        audit.record("password_reset_requested", known=True, member_id=member.id, reachable=False)
        return answer
    destination = reachable[chosen] or ""
    runtime.deferred.spawn(_send_reset_code(runtime, member, chosen, destination),
                           name="password-reset-code")
    return alike.delivery_to(runtime, chosen, destination) if chosen is wanted else answer


async def _send_reset_code(
    runtime: Runtime, member: Member, chosen: NotificationChannel, destination: str
) -> None:
    try:
        await codes.issue(
            runtime=runtime,
            member=member,
            purpose=CodePurpose.PASSWORD_RESET,
            channel=chosen,
            destination=destination,
            template=PASSWORD_RESET_CODE,
            language=member.preferred_language,
        )
    except DomainError:
        # The member's own code limits (a minute apart, five an hour): the answer was given
        # alike already; the owner asks again later.
        audit.record("code_not_sent", member_id=member.id, purpose=CodePurpose.PASSWORD_RESET,
                     reason="rate_limited")
        return
    audit.record("code_sent", member_id=member.id, purpose=CodePurpose.PASSWORD_RESET,
                 channel=chosen)


async def reset_password(
    *, runtime: Runtime, national_id: str, code: str, new_password: str,
    client: Client | None = None,
) -> None:
    parsed = validation.parse_national_id(national_id)
    member = (
        await Member.get_or_none(national_id=parsed, status=AccountStatus.ACTIVE)
        if parsed
        else None
    )
    # The code first: only its holder may learn anything about the account, even that the
    # new password is too weak for it.
    used = await codes.check(
        runtime=runtime, member=member, purpose=CodePurpose.PASSWORD_RESET, code=code,
        identity=parsed or national_id,
    )
    assert member is not None
    errors = ErrorCollector()
    validation.password(errors, "new_password", new_password, national_id=member.national_id,
                        date_of_birth=member.date_of_birth)
    errors.raise_if_any()
    await codes.spend(code=used, now=runtime.now())
    await _set_password(runtime, member, new_password)
    await security.record(runtime, member.id, SecurityEventKind.PASSWORD_RESET, client)
    audit.record("password_reset", member_id=member.id)


async def change_password(
    *, runtime: Runtime, member: Member, current_password: str, new_password: str,
    client: Client | None = None,
) -> None:
    if not await runtime.passwords.verify(member.password_hash, current_password):
        audit.record("password_change_failed", member_id=member.id)
        raise DomainError.single(
            "current_password", ErrorCode.INVALID_CREDENTIALS, "current_password_wrong"
        )
    errors = ErrorCollector()
    validation.password(errors, "new_password", new_password, national_id=member.national_id,
                        date_of_birth=member.date_of_birth)
    errors.raise_if_any()
    await _set_password(runtime, member, new_password)
    await security.record(runtime, member.id, SecurityEventKind.PASSWORD_CHANGED, client)
    audit.record("password_changed", member_id=member.id)


async def _set_password(runtime: Runtime, member: Member, password: str) -> None:
    member.password_hash = await runtime.passwords.hash(password)
    await member.save(update_fields=["password_hash", "updated_at"])
    await sessions.end_all(member_id=member.id, now=runtime.now())

