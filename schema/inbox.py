"""The inbox: the Notification type, its list, the unread count, and marking as read."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TypeAlias

import strawberry

from models import Notification as NotificationModel
from models import Role, enums
from resolvers.messages import inbox
from schema.base import Node, UserError, decode_global_id, to_global_id
from schema.connections import Connection
from schema.context import Info
from schema.payloads import errors_field, mutation
from schema.questions import Question, load_question
from schema.service_requests.types import ServiceRequest, load_service_request

NotificationKind: TypeAlias = enums.NotificationKind
strawberry.enum(NotificationKind, description="What a notification is about.")


@strawberry.type(description="A notice in the member's inbox; every SMS or email notice also lands here.")
class Notification(Node):
    kind: NotificationKind = strawberry.field(description="What the notice is about.")
    title: str = strawberry.field(description="In the member's language.")
    body: str = strawberry.field(description="The notice's text, in the member's language.")
    created_at: dt.datetime = strawberry.field(description="When the notice was sent.")
    read_at: dt.datetime | None = strawberry.field(description="When it was marked read; null while unread.")
    pk: strawberry.Private[uuid.UUID]
    request_id: strawberry.Private[uuid.UUID | None]
    question_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_model(cls, row: NotificationModel) -> Notification:
        return cls(
            id=to_global_id("Notification", row.id),
            pk=row.id,
            kind=row.kind,
            title=row.title,
            body=row.body,
            created_at=row.created_at,
            read_at=row.read_at,
            request_id=row.request_id,
            question_id=row.question_id,
        )

    @strawberry.field(description="The service request the notice is about, if any.")
    async def request(
        self, info: Info
    ) -> ServiceRequest | None:
        if self.request_id is None:
            return None
        return await load_service_request(info, self.request_id)

    @strawberry.field(description="The question the notice is about, if any.")
    async def question(self, info: Info) -> Question | None:
        if self.question_id is None:
            return None
        return await load_question(info, self.question_id)


@strawberry.type(name="NotificationConnection", description="A page of notifications.")
class NotificationConnection(Connection[Notification]):
    pass


async def member_notifications(
    info: Info, *, member_id: uuid.UUID, unread_only: bool, first: int | None, after: str | None
) -> NotificationConnection:
    """Member.notifications: the Member object was already shown only to its owner or to staff."""
    page = await info.context.page(
        inbox.member_notifications(member_id=member_id, unread_only=unread_only, first=first, after=after)
    )
    return NotificationConnection.from_page(page, Notification.from_model)


async def load_notification(info: Info, key: uuid.UUID) -> Notification | None:
    viewer = await info.context.viewer()
    if viewer is None:
        return None
    query = NotificationModel.filter(id=key)
    if viewer.role is not Role.STAFF:
        query = query.filter(member_id=viewer.id)
    row = await query.first()
    return Notification.from_model(row) if row else None


@strawberry.input(description="Which notifications to mark read.")
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="These notifications; all of them when absent."
    )


@strawberry.type(description="The result of markNotificationsRead.")
class MarkNotificationsReadPayload:
    unread_count: int = strawberry.field(description="Unread notifications left.")
    errors: list[UserError] = errors_field()


@strawberry.type
class NotificationMutation:
    @mutation(description="Mark some of your notifications read, or all of them; answers the unread count.")
    async def mark_notifications_read(
        self, info: Info, input: MarkNotificationsReadInput | None = None
    ) -> MarkNotificationsReadPayload:
        member = await info.context.require_member()
        ids = input.ids if input else None
        if ids is not None and len(ids) > inbox.MARK_MAX:
            raise info.context.error("BAD_USER_INPUT", "too_many_ids")
        count = await inbox.mark_read(
            member=member,
            notification_ids=None if ids is None else [decode_global_id(i, "Notification") for i in ids],
            now=info.context.runtime.now(),
        )
        return MarkNotificationsReadPayload(unread_count=count)


QUERIES: tuple[type, ...] = ()
MUTATIONS = (NotificationMutation,)
