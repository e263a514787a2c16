"""One-time codes: issued, delivered through the outbox, checked, consumed."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import dataclass

from limits import parse
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models import CodePurpose, Language, Member, NotificationChannel, OneTimeCode
from resolvers.messages.templates import Template
from resolvers.platform.errors import DomainError, ErrorCode
from resolvers.platform.runtime import Runtime
from resolvers.platform.tokens import new_code
from resolvers.validation import normalize_digits

CODE_LIFETIME = dt.timedelta(minutes=10)
RESEND_INTERVAL = dt.timedelta(seconds=60)
CODES_PER_HOUR = 5
MAX_ATTEMPTS = 5
GUESSES_WITHOUT_ACCOUNT = parse(f"{MAX_ATTEMPTS} per {int(CODE_LIFETIME.total_seconds())} seconds")


@dataclass(frozen=True)
class CodeDelivery:
    channel: NotificationChannel
    destination: str
    expires_at: dt.datetime
    resend_available_at: dt.datetime


def mask_destination(channel: NotificationChannel, destination: str) -> str:
    """+966512345678 -> +9665******78; ahmed@example.com -> a*****@example.com (always five
    stars: the length of the name is not shown)."""
    if channel is NotificationChannel.SMS:
        return destination[:5] + "*" * max(len(destination) - 7, 0) + destination[-2:]
    local, _, domain = destination.rpartition("@")
    return local[:1] + "*****" + "@" + domain


async def issue(
    *,
    runtime: Runtime,
    member: Member,
    purpose: CodePurpose,
    channel: NotificationChannel,
    destination: str,
    template: Template,
    language: Language,
) -> CodeDelivery:
    """Sends a new code, voiding the member's earlier ones for the same purpose.

    The limits are checked and the code written under a lock on the member's row, so ten
    concurrent asks send one code (inside the caller's transaction when there is one)."""
    async with in_transaction():
        await Member.filter(id=member.id).select_for_update().only("id")
        now = runtime.now()
        await _within_limits(member_id=member.id, purpose=purpose, now=now)
        await OneTimeCode.filter(
            member_id=member.id, purpose=purpose, consumed_at__isnull=True, voided_at__isnull=True
        ).update(voided_at=now)
        code = new_code()
        row = OneTimeCode(
            member_id=member.id,
            purpose=purpose,
            channel=channel,
            destination=destination,
            code_hash="",
            expires_at=now + CODE_LIFETIME,
            created_at=now,
        )
        # The hash covers the row's id: a code is bound to its account, purpose and channel.
        row.code_hash = runtime.keyring.digest(f"{row.id}:{code}")
        await row.save()
        subject, body = template.render(language, code=code)
        await runtime.outbox.enqueue(
            channel=channel, destination=destination, subject=subject, body=body,
            expires_at=row.expires_at,
        )
        return CodeDelivery(
            channel=channel,
            destination=mask_destination(channel, destination),
            expires_at=row.expires_at,
            resend_available_at=now + RESEND_INTERVAL,
        )


async def _within_limits(*, member_id: uuid.UUID, purpose: CodePurpose, now: dt.datetime) -> None:
    recent = await (
        OneTimeCode.filter(member_id=member_id, created_at__gte=now - dt.timedelta(hours=1))
        .order_by("-created_at")
        .values_list("created_at", "purpose")
    )
    last_of_purpose = next((at for at, kind in recent if kind == purpose), None)
    if last_of_purpose is not None and last_of_purpose > now - RESEND_INTERVAL:
        wait = math.ceil((last_of_purpose + RESEND_INTERVAL - now).total_seconds())
        raise DomainError.rate_limited(wait, "resend_too_soon", seconds=wait)
    if len(recent) >= CODES_PER_HOUR:
        oldest = recent[CODES_PER_HOUR - 1][0]
        wait = int((oldest + dt.timedelta(hours=1) - now).total_seconds()) + 1
        raise DomainError.rate_limited(wait, "codes_per_hour")


async def consume(
    *, runtime: Runtime, member: Member | None, purpose: CodePurpose, code: str, field: str = "code",
    identity: str = "",
) -> OneTimeCode:
    """The member's live code for `purpose` if `code` matches it, used up; each call spends
    one attempt."""
    current = await check(runtime=runtime, member=member, purpose=purpose, code=code, field=field,
                          identity=identity)
    await spend(code=current, now=runtime.now(), field=field)
    return current


async def check(
    *, runtime: Runtime, member: Member | None, purpose: CodePurpose, code: str, field: str = "code",
    identity: str = "",
) -> OneTimeCode:
    """Like consume, but the code stays usable: for a step that may still fail on other input.
    `identity` (what the caller typed to name the account) counts guesses for no account."""
    if member is None:
        # Tries left count down as for a real code, so they do not tell who has an account.
        key = f"code-guess:{purpose.value}:{identity}"
        if not await runtime.throttle.hit(GUESSES_WITHOUT_ACCOUNT, key):
            raise DomainError.single(field, ErrorCode.TOO_MANY_ATTEMPTS)
        left = await runtime.throttle.remaining(GUESSES_WITHOUT_ACCOUNT, key)
        raise DomainError.wrong(field, ErrorCode.INVALID_CODE, left)
    now = runtime.now()
    current = (
        await OneTimeCode.filter(
            member_id=member.id, purpose=purpose, consumed_at__isnull=True, voided_at__isnull=True
        )
        .order_by("-created_at")
        .first()
    )
    if current is None or current.expires_at <= now:
        raise DomainError.single(field, ErrorCode.CODE_EXPIRED)
    # Counting the attempt is one conditional UPDATE, so concurrent guesses cannot
    # get more than MAX_ATTEMPTS evaluations between them.
    counted = await OneTimeCode.filter(
        id=current.id, attempts__lt=MAX_ATTEMPTS, consumed_at__isnull=True, voided_at__isnull=True
    ).update(attempts=F("attempts") + 1)
    if not counted:
        await current.refresh_from_db(fields=["attempts"])
        if current.attempts >= MAX_ATTEMPTS:
            raise DomainError.single(field, ErrorCode.TOO_MANY_ATTEMPTS)
        raise DomainError.single(field, ErrorCode.CODE_EXPIRED)
    candidate = normalize_digits(code.strip())
    if not runtime.keyring.matches(f"{current.id}:{candidate}", current.code_hash):
        raise DomainError.wrong(field, ErrorCode.INVALID_CODE, MAX_ATTEMPTS - current.attempts - 1)
    return current


async def spend(*, code: OneTimeCode, now: dt.datetime, field: str = "code") -> None:
    """Uses a checked code up; only one of concurrent callers succeeds."""
    spent = await OneTimeCode.filter(
        id=code.id, consumed_at__isnull=True, voided_at__isnull=True
    ).update(consumed_at=now)
    if not spent:
        raise DomainError.single(field, ErrorCode.CODE_EXPIRED)
