"""Notices to a member: every one goes through `notify_member`, by the member's channel and
in their language, and lands in their inbox too. Call it inside the transaction of the change
it tells of: the notice exists if and only if the change does."""

from __future__ import annotations

import uuid
from typing import Any

from models import Language, Member, Notification, NotificationChannel, NotificationKind
from resolvers.messages.templates import Template
from resolvers.platform.live import hub
from resolvers.platform.runtime import Runtime

TITLE_MAX = 200


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
    kind: NotificationKind | None = None,
    request_id: uuid.UUID | None = None,
    question_id: uuid.UUID | None = None,
    channel: NotificationChannel | None = None,
    language: Language | None = None,
    **params: Any,
) -> Notification:
    """Sends `template` to the member: to `channel` when given (e.g. the other contact), in
    `language` when given (a language being changed in the same step). Writes the inbox
    `Notification` (of `kind`, by default the template's), linked to the request or question
    it is about, and raises its live event."""
    inbox_kind = kind or template.kind
    if inbox_kind is None:
        raise ValueError("a notice needs a NotificationKind: pass kind= or set the template's")
    subject, body = template.render(language or member.preferred_language, **params)
    notification = await Notification.create(
        member_id=member.id,
        kind=inbox_kind,
        title=subject[:TITLE_MAX],
        body=body,
        request_id=request_id,
        question_id=question_id,
        created_at=runtime.now(),
    )
    hub.notification_created(runtime.live, notification)
    if channel is None:
        channel, destination = preferred_destination(member)
    else:
        destination = member.email if channel is NotificationChannel.EMAIL else member.mobile
    if destination:
        await runtime.outbox.enqueue(channel=channel, destination=destination, subject=subject, body=body)
    return notification
