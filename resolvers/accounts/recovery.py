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
from resolvers.messages.templates import PASSWORD_RESET_CODE
from resolvers.platform import audit
from resolvers.platform.errors import DomainError, ErrorCode, ErrorCollector
from resolvers.platform.runtime import Runtime
from resolvers.platform.throttle import (
    RESET_REQUESTS_PER_ID,
    RESET_REQUESTS_PER_ID_HOURLY,
)
from resolvers.security import codes, sessions
from resolvers.security import events as security
from resolvers.security.codes import CodeDelivery
from resolvers.security.devices import Client


async def request_password_reset(
    *, runtime: Runtime, national_id: str, channel: NotificationChannel | None
) -> CodeDelivery:
    """Answers alike whether or not the account exists: a code goes only to a real one."""
    parsed = validation.parse_national_id(national_id)
    if parsed is None:
        raise DomainError.single("national_id", ErrorCode.INVALID_NATIONAL_ID)
    key = f"reset-id:{parsed}"
    # Each hit is the limiter's atomic check-and-count: concurrent asks get one through.
    if not await runtime.throttle.hit(
        RESET_REQUESTS_PER_ID, key
    ) or not await runtime.throttle.hit(RESET_REQUESTS_PER_ID_HOURLY, key):
        raise await runtime.throttle.refused(
            (RESET_REQUESTS_PER_ID, key), (RESET_REQUESTS_PER_ID_HOURLY, key)
        )

    member = await Member.get_or_none(national_id=parsed, status=AccountStatus.ACTIVE)
    wanted = channel or NotificationChannel.SMS
    if member is None:
        audit.record("password_reset_requested", known=False)
        return _placeholder_delivery(runtime, parsed, wanted)
    chosen = wanted if wanted is NotificationChannel.SMS or member.email else (
        NotificationChannel.SMS
    )
    destination = member.email if chosen is NotificationChannel.EMAIL else member.mobile
    if chosen is not wanted:
        # No email on the account: the code goes to the mobile, but the answer looks like
        # the one for an unknown ID, so asking by email does not tell who has no email.
        await _send_reset_code(runtime, member, chosen, destination or "")
        return _placeholder_delivery(runtime, parsed, wanted)
    return await _send_reset_code(runtime, member, chosen, destination or "")


async def _send_reset_code(
    runtime: Runtime, member: Member, chosen: NotificationChannel, destination: str
) -> CodeDelivery:
    delivery = await codes.issue(
        runtime=runtime,
        member=member,
        purpose=CodePurpose.PASSWORD_RESET,
        channel=chosen,
        destination=destination,
        template=PASSWORD_RESET_CODE,
        language=member.preferred_language,
    )
    audit.record("code_sent", member_id=member.id, purpose=CodePurpose.PASSWORD_RESET,
                 channel=chosen)
    return delivery


def _placeholder_delivery(
    runtime: Runtime, national_id: str, channel: NotificationChannel
) -> CodeDelivery:
    """Stable per ID, so asking twice does not tell a real account from a missing one."""
    seed = runtime.keyring.digest(f"placeholder:{national_id}")
    now = runtime.now()
    if channel is NotificationChannel.SMS:
        shown = f"+9665{int(seed[:8], 16) % 10**8:08d}"
    else:
        letters = "abcdefghijklmnopqrstuvwxyz"
        domains = ("gmail.com", "hotmail.com", "outlook.com", "yahoo.com")
        shown = f"{letters[int(seed[:2], 16) % 26]}{seed[2:9]}@{domains[int(seed[9], 16) % 4]}"
    return CodeDelivery(
        channel=channel,
        destination=codes.mask_destination(channel, shown),
        expires_at=now + codes.CODE_LIFETIME,
        resend_available_at=now + codes.RESEND_INTERVAL,
    )


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
    await codes.spend(runtime=runtime, code=used)
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
    await sessions.end_all(runtime=runtime, member_id=member.id)

