"""Notices to a member: every one goes through `notify_member`, by the member's channel and
in their language. Call it inside the transaction of the change it tells of."""

from __future__ import annotations

from typing import Any

from models import Language, Member, NotificationChannel
from resolvers.notifications import Template
from resolvers.runtime import Runtime


def preferred_destination(member: Member) -> tuple[NotificationChannel, str | None]:
    """Email when the member chose it and has one; the mobile otherwise."""
    if member.preferred_channel is NotificationChannel.EMAIL and member.email:
        return NotificationChannel.EMAIL, member.email
    return NotificationChannel.SMS, member.mobile


async def notify_member(
    runtime: Runtime,
    member: Member,
    template: Template,
    *,
    channel: NotificationChannel | None = None,
    language: Language | None = None,
    **params: Any,
) -> None:
    """Sends `template` to the member: to `channel` when given (e.g. the other contact), in
    `language` when given (a language being changed in the same step)."""
    if channel is None:
        channel, destination = preferred_destination(member)
    else:
        destination = member.email if channel is NotificationChannel.EMAIL else member.mobile
    if not destination:
        return
    subject, body = template.render(language or member.preferred_language, **params)
    await runtime.outbox.enqueue(channel=channel, destination=destination, subject=subject, body=body)
