"""Changes a member makes to their own data."""

from __future__ import annotations

import uuid

from models import CodePurpose, OneTimeCode
from resolvers.delivery import utcnow


async def pending_contact_change(*, member_id: uuid.UUID) -> OneTimeCode | None:
    """The live code of a mobile or email change, which holds the new destination."""
    return (
        await OneTimeCode.filter(
            member_id=member_id,
            purpose=CodePurpose.CONTACT_CHANGE,
            consumed_at__isnull=True,
            voided_at__isnull=True,
            expires_at__gt=utcnow(),
        )
        .order_by("-created_at")
        .first()
    )
