"""Changes a member makes to their own data."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from models import (
    CodePurpose,
    Language,
    Member,
    NotificationChannel,
    OneTimeCode,
    SecurityEventKind,
)
from resolvers import validation
from resolvers.accounts.registration import Address, clean_address
from resolvers.messages.notices import notify_member
from resolvers.messages.templates import (
    CONTACT_CHANGE_CODE,
    CONTACT_CHANGE_NOTICE,
    CONTACT_KIND,
    IBAN_CHANGED,
)
from resolvers.platform import audit
from resolvers.platform.errors import DomainError, ErrorCode, ErrorCollector
from resolvers.platform.runtime import Runtime
from resolvers.security import codes
from resolvers.security import events as security
from resolvers.security.codes import CodeDelivery
from resolvers.security.devices import Client


@dataclass(frozen=True)
class ProfileChanges:
    """What the member asks to change; None leaves a field as it is."""

    full_name: str | None = None
    mobile: str | None = None
    email: str | None = None
    address: Address | None = None
    iban: str | None = None
    preferred_channel: NotificationChannel | None = None
    preferred_language: Language | None = None


@dataclass(frozen=True)
class ContactChange:
    channel: NotificationChannel
    destination: str


async def pending_contact_change(*, member_id: uuid.UUID, now: dt.datetime) -> OneTimeCode | None:
    """The live code of a mobile or email change, which holds the new destination."""
    return (
        await OneTimeCode.filter(
            member_id=member_id,
            purpose=CodePurpose.CONTACT_CHANGE,
            consumed_at__isnull=True,
            voided_at__isnull=True,
            expires_at__gt=now,
        )
        .order_by("-created_at")
        .first()
    )


async def update_profile(
    *,
    runtime: Runtime,
    member: Member,
    changes: ProfileChanges,
    client: Client | None = None,
    authenticated_at: dt.datetime | None = None,
) -> tuple[Member, CodeDelivery | None]:
    """Applies the direct changes and starts a contact change; all or nothing.

    A new mobile or email is only applied by confirm_contact_change, with the code sent to it.
    """
    errors = ErrorCollector()
    updates = _direct_updates(errors, member, changes)
    contact = _contact_change(errors, member, changes)
    channel = updates.get("preferred_channel", member.preferred_channel)
    if channel is NotificationChannel.EMAIL and not member.email:
        errors.add("preferred_channel", ErrorCode.INVALID, "email_needed_for_channel")
    errors.raise_if_any()
    if "iban" in updates or contact is not None:
        # Who takes over a session redirects the pension first: a recent proof is needed.
        security.require_recent_authentication(runtime, authenticated_at)

    language = updates.get("preferred_language", member.preferred_language)
    new_iban = updates.get("iban")
    delivery = None
    async with in_transaction():
        if updates:
            await Member.filter(id=member.id).update(**updates)
        if contact is not None:
            # Issued inside the transaction: when codes are rate limited, nothing else changes.
            delivery = await _start_contact_change(runtime, member, contact, language)
        if new_iban:
            # Someone who takes over an account redirects the payments first: tell the owner.
            await notify_member(
                runtime, member, IBAN_CHANGED, channel=channel, language=language, last4=new_iban[-4:]
            )
            await security.record(runtime, member.id, SecurityEventKind.IBAN_CHANGED, client)
    if updates:
        await member.refresh_from_db()
    audit.record(
        "profile_updated",
        member_id=member.id,
        fields=sorted(updates),
        contact_change=contact.channel if contact else None,
    )
    return member, delivery


def _direct_updates(errors: ErrorCollector, member: Member, changes: ProfileChanges) -> dict:
    updates: dict = {}
    if changes.full_name is not None:
        updates["full_name"] = validation.full_name(errors, "full_name", changes.full_name)
    if changes.address is not None:
        updates["address"] = clean_address(errors, "address", changes.address)
    if changes.iban is not None:
        iban = validation.iban(errors, "iban", changes.iban)
        if iban != member.iban:
            updates["iban"] = iban
    if changes.preferred_channel is not None:
        updates["preferred_channel"] = changes.preferred_channel
    if changes.preferred_language is not None:
        updates["preferred_language"] = changes.preferred_language
    return updates


def _contact_change(
    errors: ErrorCollector, member: Member, changes: ProfileChanges
) -> ContactChange | None:
    wanted: list[ContactChange] = []
    if changes.mobile is not None:
        mobile = validation.mobile(errors, "mobile", changes.mobile)
        if mobile != member.mobile:
            wanted.append(ContactChange(NotificationChannel.SMS, mobile))
    if changes.email is not None:
        if not changes.email.strip():
            errors.add("email", ErrorCode.REQUIRED)
        else:
            email = validation.email(errors, "email", changes.email)
            if email.lower() != (member.email or "").lower():
                wanted.append(ContactChange(NotificationChannel.EMAIL, email))
    if len(wanted) > 1:
        # Each change is confirmed with its own code; one code at a time keeps that simple.
        errors.add("email", ErrorCode.INVALID, "one_contact_change")
    return wanted[0] if len(wanted) == 1 else None


async def _start_contact_change(
    runtime: Runtime, member: Member, contact: ContactChange, language: Language
) -> CodeDelivery:
    delivery = await codes.issue(
        runtime=runtime,
        member=member,
        purpose=CodePurpose.CONTACT_CHANGE,
        channel=contact.channel,
        destination=contact.destination,
        template=CONTACT_CHANGE_CODE,
        language=language,
    )
    kind = "mobile" if contact.channel is NotificationChannel.SMS else "email"
    old_channel = contact.channel if kind == "mobile" or member.email else NotificationChannel.SMS
    await notify_member(
        runtime,
        member,
        CONTACT_CHANGE_NOTICE,
        channel=old_channel,
        language=language,
        what=CONTACT_KIND[kind][language],
        destination=codes.mask_destination(contact.channel, contact.destination),
    )
    audit.record("code_sent", member_id=member.id, purpose=CodePurpose.CONTACT_CHANGE,
                 channel=contact.channel)
    return delivery


async def confirm_contact_change(
    *, runtime: Runtime, member: Member, code: str, client: Client | None = None
) -> Member:
    waiting = await OneTimeCode.exists(
        member_id=member.id,
        purpose=CodePurpose.CONTACT_CHANGE,
        consumed_at__isnull=True,
        voided_at__isnull=True,
    )
    if not waiting:
        raise DomainError.single(None, ErrorCode.NOT_FOUND, "nothing_pending")
    used = await codes.consume(
        runtime=runtime, member=member, purpose=CodePurpose.CONTACT_CHANGE, code=code
    )
    field = "mobile" if used.channel is NotificationChannel.SMS else "email"
    await Member.filter(id=member.id).update(**{field: used.destination})
    await security.record(runtime, member.id, SecurityEventKind.CONTACT_CHANGED, client)
    await member.refresh_from_db()
    audit.record("contact_changed", member_id=member.id, channel=used.channel)
    return member
