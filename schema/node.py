"""`node(id:)`: refetch any object by its global ID, showing each caller only what is theirs."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry

from models import AccessPurpose, Role
from models import Member as MemberModel
from schema import documents, questions, record
from schema import inbox as notifications
from schema.base import Node, from_global_id
from schema.context import Info
from schema.member import Member
from schema.service_requests import types

Loader = Callable[[Info, uuid.UUID], Awaitable[Node | None]]


async def load_member(info: Info, key: uuid.UUID) -> Member | None:
    viewer = await info.context.viewer()
    if viewer is None or (viewer.id != key and viewer.role is not Role.STAFF):
        return None
    row = viewer if viewer.id == key else await MemberModel.get_or_none(id=key)
    if row is None:
        return None
    if row.id != viewer.id:
        info.context.runtime.access_log.record(staff=viewer, member_id=row.id,
                      purpose=AccessPurpose.MEMBER_LOOKUP, subject=row.national_id, thing=row.id)
    return Member.from_model(row)


def loaders() -> dict[str, Loader]:
    return {
        "Member": load_member,
        "ServiceRequest": types.load_service_request,
        "Question": questions.load_question,
        "Document": documents.load_document,
        "Notification": notifications.load_notification,
        "ContributionPeriod": record.load_contribution_period,
    }


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Any object by its global ID: your own records, or anyone's for staff; "
        "null when there is no such object or it is not yours to see."
    )
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global ID from any `id` field.")],
    ) -> Node | None:
        await info.context.require_member()
        decoded = from_global_id(id)
        if decoded is None:
            return None
        type_name, key = decoded
        loader = loaders().get(type_name)
        return await loader(info, key) if loader else None


QUERIES = (NodeQuery,)
MUTATIONS: tuple[type, ...] = ()
