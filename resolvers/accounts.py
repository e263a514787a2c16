"""The account lifecycle: register, activate, sign in and out, recover."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import (
    AccountStatus,
    CodePurpose,
    Language,
    Member,
    NotificationChannel,
    Role,
    SecurityEventKind,
)
from resolvers import audit, codes, second_factor, security, sessions, validation
from resolvers.codes import CodeDelivery
from resolvers.devices import Client
from resolvers.errors import DomainError, ErrorCode, ErrorCollector
from resolvers.notifications import ACTIVATION_CODE, PASSWORD_RESET_CODE
from resolvers.runtime import Runtime
from resolvers.second_factor import Challenge
from resolvers.service_requests import release_assignments
from resolvers.sessions import IssuedSession
from resolvers.throttle import (
    LOGIN_FAILURES_PER_ID,
    LOGIN_FAILURES_PER_IP,
    REGISTERED_ANSWERS_PER_IP,
    REGISTRATIONS_PER_IP,
    RESET_REQUESTS_PER_ID,
    RESET_REQUESTS_PER_ID_HOURLY,
)


@dataclass(frozen=True)
class Address:
    city: str
    district: str | None = None
    street: str | None = None
    building_number: str | None = None
    postal_code: str | None = None


@dataclass(frozen=True)
class Corrections:
    full_name: str | None = None
    date_of_birth: dt.date | None = None
    email: str | None = None
    address: Address | None = None


def clean_address(errors: ErrorCollector, field: str, address: Address) -> dict:
    parts = {
        "city": validation.bounded_text(errors, f"{field}.city", address.city, max_length=100),
        "district": validation.bounded_text(
            errors, f"{field}.district", address.district, max_length=100, required=False
        ),
        "street": validation.bounded_text(
            errors, f"{field}.street", address.street, max_length=200, required=False
        ),
        "building_number": validation.bounded_text(
            errors, f"{field}.building_number", address.building_number, max_length=10,
            required=False,
        ),
        "postal_code": validation.bounded_text(
            errors, f"{field}.postal_code", address.postal_code, max_length=10, required=False
        ),
    }
    return parts


async def register(
    *,
    runtime: Runtime,
    national_id: str,
    full_name: str,
    date_of_birth: dt.date,
    mobile: str,
    email: str | None,
    password: str,
    channel: NotificationChannel,
    preferred_language: Language | None,
    client_ip: str,
) -> tuple[Member, CodeDelivery]:
    errors = ErrorCollector()
    national_id = validation.national_id(errors, "national_id", national_id)
    full_name = validation.full_name(errors, "full_name", full_name)
    validation.date_of_birth(errors, "date_of_birth", date_of_birth, runtime.today())
    mobile = validation.mobile(errors, "mobile", mobile)
    if email is not None and email.strip():
        email = validation.email(errors, "email", email)
    else:
        email = None
        if channel is NotificationChannel.EMAIL:
            errors.add("email", ErrorCode.REQUIRED, "email_needed_for_channel")
    validation.password(
        errors, "password", password, national_id=national_id, date_of_birth=date_of_birth
    )
    errors.raise_if_any()

    if not await runtime.throttle.hit(REGISTRATIONS_PER_IP, f"register-ip:{client_ip}"):
        audit.record("registration_throttled", client_ip=client_ip)
        raise await runtime.throttle.refused((REGISTRATIONS_PER_IP, f"register-ip:{client_ip}"))

    existing = await Member.get_or_none(national_id=national_id)
    if existing is not None and existing.status is not AccountStatus.PENDING_ACTIVATION:
        # The contract tells a person they already have an account; that answer would let
        # anyone test IDs, so one address gets it a few times an hour.
        if not await runtime.throttle.hit(REGISTERED_ANSWERS_PER_IP, f"registered-ip:{client_ip}"):
            audit.record("registered_answer_throttled", client_ip=client_ip)
            raise await runtime.throttle.refused(
                (REGISTERED_ANSWERS_PER_IP, f"registered-ip:{client_ip}")
            )
        raise DomainError.single("national_id", ErrorCode.ALREADY_REGISTERED)

    data: dict[str, Any] = dict(
        residency=validation.residency_of(national_id),
        full_name=full_name,
        date_of_birth=date_of_birth,
        mobile=mobile,
        email=email,
        preferred_channel=channel,
        preferred_language=preferred_language or Language.AR,
        password_hash=await runtime.passwords.hash(password),
        status=AccountStatus.PENDING_ACTIVATION,
    )
    async with in_transaction():
        if existing is None:
            try:
                member = await Member.create(national_id=national_id, **data)
            except IntegrityError:
                raise DomainError.single("national_id", ErrorCode.ALREADY_REGISTERED) from None
        else:
            # People abandon an activation and start over: the new data replaces the pending one.
            member = existing
            updated = await Member.filter(
                id=member.id, status=AccountStatus.PENDING_ACTIVATION
            ).update(**data)
            if not updated:
                raise DomainError.single("national_id", ErrorCode.ALREADY_REGISTERED)
            await member.refresh_from_db()
        delivery = await send_activation_code(runtime=runtime, member=member, channel=channel)
    audit.record("registered", member_id=member.id, channel=channel, client_ip=client_ip,
                 replaced_pending=existing is not None)
    return member, delivery


async def send_activation_code(
    *, runtime: Runtime, member: Member, channel: NotificationChannel
) -> CodeDelivery:
    if channel is NotificationChannel.EMAIL and not member.email:
        raise DomainError.single("channel", ErrorCode.INVALID, "email_needed_for_channel")
    destination = member.email if channel is NotificationChannel.EMAIL else member.mobile
    delivery = await codes.issue(
        runtime=runtime,
        member=member,
        purpose=CodePurpose.ACTIVATION,
        channel=channel,
        destination=destination or "",
        template=ACTIVATION_CODE,
        language=member.preferred_language,
    )
    audit.record("code_sent", member_id=member.id, purpose=CodePurpose.ACTIVATION, channel=channel)
    return delivery


async def resend_activation_code(
    *, runtime: Runtime, national_id: str, channel: NotificationChannel | None
) -> CodeDelivery:
    parsed = validation.parse_national_id(national_id)
    if parsed is None:
        raise DomainError.single("national_id", ErrorCode.INVALID_NATIONAL_ID)
    member = await Member.get_or_none(national_id=parsed)
    if member is None or member.status is not AccountStatus.PENDING_ACTIVATION:
        raise DomainError.single("national_id", ErrorCode.NOT_FOUND)
    return await send_activation_code(
        runtime=runtime, member=member, channel=channel or member.preferred_channel
    )


async def activate(
    *,
    runtime: Runtime,
    national_id: str,
    code: str,
    confirm_details: bool,
    corrections: Corrections | None,
    client: Client | None = None,
) -> tuple[Member, IssuedSession]:
    errors = ErrorCollector()
    changes: dict = {}
    if not confirm_details:
        errors.add("confirm_details", ErrorCode.INVALID, "confirm_details")
    if corrections is not None:
        changes = _corrected_fields(errors, corrections, runtime.today())
    errors.raise_if_any()

    parsed = validation.parse_national_id(national_id)
    member = await Member.get_or_none(national_id=parsed) if parsed else None
    if member is not None and member.status is not AccountStatus.PENDING_ACTIVATION:
        member = None
    # Outside the transaction: a wrong guess must stay counted.
    await codes.consume(runtime=runtime, member=member, purpose=CodePurpose.ACTIVATION, code=code,
                        identity=parsed or national_id)
    assert member is not None
    async with in_transaction():
        await Member.filter(id=member.id).update(status=AccountStatus.ACTIVE, **changes)
        await member.refresh_from_db()
        issued = await security.sign_in(runtime=runtime, member=member, client=client, first=True)
    audit.record("activated", member_id=member.id, corrected=sorted(changes))
    return member, issued


def _corrected_fields(errors: ErrorCollector, corrections: Corrections, today: dt.date) -> dict:
    changes: dict = {}
    if corrections.full_name is not None:
        changes["full_name"] = validation.full_name(
            errors, "corrections.full_name", corrections.full_name
        )
    if corrections.date_of_birth is not None:
        changes["date_of_birth"] = validation.date_of_birth(
            errors, "corrections.date_of_birth", corrections.date_of_birth, today
        )
    if corrections.email is not None:
        changes["email"] = (
            validation.email(errors, "corrections.email", corrections.email)
            if corrections.email.strip()
            else None
        )
    if corrections.address is not None:
        changes["address"] = clean_address(errors, "corrections.address", corrections.address)
    return changes


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
        await sessions.end_all(runtime=runtime, member_id=member_id)
    else:
        await sessions.end_family(runtime=runtime, family=session_family)
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


async def members_by_id(member_ids: Sequence[uuid.UUID]) -> list[Member | None]:
    """Members by id, in one query for all of them (a DataLoader's batch)."""
    rows = {row.id: row for row in await Member.filter(id__in=list(member_ids))}
    return [rows.get(key) for key in member_ids]


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
            await sessions.end_all(runtime=runtime, member_id=existing.id)
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
        await sessions.end_all(runtime=runtime, member_id=member.id)
        released = await release_assignments(runtime=runtime, staff=member)
    audit.record("staff_disabled", member_id=member.id, released=released)
    return await Member.get(id=member.id)
