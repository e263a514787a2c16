"""Registration: register, send and resend the activation code, activate."""

from __future__ import annotations

import datetime as dt
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
)
from resolvers import validation
from resolvers.accounts import alike
from resolvers.messages.templates import ACTIVATION_CODE
from resolvers.platform import audit
from resolvers.platform.errors import DomainError, ErrorCode, ErrorCollector
from resolvers.platform.runtime import Runtime
from resolvers.platform.throttle import (
    REGISTERED_ANSWERS_PER_IP,
    REGISTRATIONS_PER_IP,
    RESENDS_PER_ID,
    RESENDS_PER_ID_HOURLY,
)
from resolvers.record.hijri import HijriDay, date_of_birth_given
from resolvers.security import codes
from resolvers.security import events as security
from resolvers.security.codes import CodeDelivery
from resolvers.security.devices import Client
from resolvers.security.sessions import IssuedSession


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
    date_of_birth_hijri: HijriDay | None = None
    email: str | None = None
    address: Address | None = None


def _date_of_birth(
    errors: ErrorCollector, prefix: str, gregorian: dt.date | None, hijri: HijriDay | None,
    today: dt.date, *, required: bool,
) -> dt.date | None:
    born = date_of_birth_given(errors, prefix=prefix, gregorian=gregorian, hijri=hijri, required=required)
    if born is not None:
        field = f"{prefix}date_of_birth_hijri" if hijri is not None else f"{prefix}date_of_birth"
        validation.date_of_birth(errors, field, born, today)
    return born


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
    date_of_birth: dt.date | None,
    mobile: str,
    email: str | None,
    password: str,
    channel: NotificationChannel,
    preferred_language: Language | None,
    client_ip: str,
    date_of_birth_hijri: HijriDay | None = None,
) -> tuple[Member, CodeDelivery]:
    """A new account waiting for activation; the date of birth in one calendar or the other."""
    errors = ErrorCollector()
    national_id = validation.national_id(errors, "national_id", national_id)
    full_name = validation.full_name(errors, "full_name", full_name)
    date_of_birth = _date_of_birth(errors, "", date_of_birth, date_of_birth_hijri, runtime.today(),
                                   required=True)
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
    """A pending account gets a new code; any other ID gets the same answer, a delivery to
    nobody held to the same limits, so resending does not tell who registered."""
    parsed = validation.parse_national_id(national_id)
    if parsed is None:
        raise DomainError.single("national_id", ErrorCode.INVALID_NATIONAL_ID)
    member = await Member.get_or_none(national_id=parsed)
    if member is None or member.status is not AccountStatus.PENDING_ACTIVATION:
        key = f"resend-id:{parsed}"
        if not await runtime.throttle.hit(RESENDS_PER_ID, key):
            wait = await runtime.throttle.retry_after(RESENDS_PER_ID, key)
            raise DomainError.rate_limited(wait, "resend_too_soon", seconds=wait)
        if not await runtime.throttle.hit(RESENDS_PER_ID_HOURLY, key):
            raise DomainError.rate_limited(
                await runtime.throttle.retry_after(RESENDS_PER_ID_HOURLY, key), "codes_per_hour"
            )
        return await alike.placeholder(runtime, parsed, channel or NotificationChannel.SMS)
    wanted = channel or member.preferred_channel
    if wanted is NotificationChannel.EMAIL and not member.email:
        # The code goes to the mobile; the answer is the one any ID gets by email.
        await send_activation_code(runtime=runtime, member=member, channel=NotificationChannel.SMS)
        return await alike.placeholder(runtime, parsed, wanted)
    return await send_activation_code(runtime=runtime, member=member, channel=wanted)


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
    born = _date_of_birth(errors, "corrections.", corrections.date_of_birth,
                          corrections.date_of_birth_hijri, today, required=False)
    if born is not None:
        changes["date_of_birth"] = born
    if corrections.email is not None:
        changes["email"] = (
            validation.email(errors, "corrections.email", corrections.email)
            if corrections.email.strip()
            else None
        )
    if corrections.address is not None:
        changes["address"] = clean_address(errors, "corrections.address", corrections.address)
    return changes

