"""The access log: every time staff opened a member's data, as the member reads it."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TypeAlias

import strawberry

from models import AccessEvent as AccessEventModel
from models import enums
from resolvers.security import access_log
from schema.connections import Connection
from schema.context import Info

AccessPurpose: TypeAlias = enums.AccessPurpose
strawberry.enum(AccessPurpose, description="Why staff opened a member's data.")


@strawberry.type(description="Staff opened this member's data.")
class AccessEvent:
    at: dt.datetime = strawberry.field(description="When.")
    staff_name: str = strawberry.field(description="The staff member's name.")
    purpose: AccessPurpose = strawberry.field(description="Why: the kind of work it was for.")
    subject: str = strawberry.field(
        description="What was opened, e.g. SR-2026-000042 or a document's kind."
    )

    @classmethod
    def from_model(cls, row: AccessEventModel) -> AccessEvent:
        return cls(at=row.at, staff_name=row.staff_name, purpose=row.purpose, subject=row.subject)


@strawberry.type(name="AccessEventConnection", description="A page of the access log.")
class AccessEventConnection(Connection[AccessEvent]):
    pass


async def member_access_log(
    info: Info, *, member_id: uuid.UUID, first: int | None, after: str | None
) -> AccessEventConnection:
    """Member.accessLog: the Member object was already shown only to its owner or to staff."""
    page = access_log.member_access_log(
        info.context.runtime.access_log, member_id=member_id, first=first, after=after
    )
    return AccessEventConnection.from_page(await info.context.page(page), AccessEvent.from_model)
