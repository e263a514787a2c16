"""Loaders' batches: requests, their history and open information requests by id."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from models import InformationRequest, ServiceRequest
from resolvers.service_requests.rows import HistoryStep as HistoryStep
from resolvers.service_requests.rows import events_of as events_of


async def requests_by_id(request_ids: Sequence[uuid.UUID]) -> list[ServiceRequest | None]:
    rows = {row.id: row for row in await ServiceRequest.filter(id__in=list(request_ids))}
    return [rows.get(key) for key in request_ids]




async def open_requests(keys: Sequence[tuple[uuid.UUID, str]]) -> list[ServiceRequest | None]:
    """Each (member, service type)'s open request, if any, in one query for all of them."""
    rows = await ServiceRequest.filter(
        member_id__in=list({member_id for member_id, _ in keys}), open_type__isnull=False
    )
    found = {(row.member_id, row.open_type): row for row in rows}
    return [found.get(key) for key in keys]


async def open_information_requests(
    request_ids: Sequence[uuid.UUID],
) -> list[InformationRequest | None]:
    """What each request is waiting for from its member, if anything."""
    rows = await InformationRequest.filter(
        request_id__in=list(request_ids), answered_at__isnull=True
    ).order_by("requested_at")
    latest = {row.request_id: row for row in rows}
    return [latest.get(key) for key in request_ids]

