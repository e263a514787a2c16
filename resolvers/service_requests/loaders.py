"""Loaders' batches: requests, their history and open information requests by id."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import NamedTuple

from models import (
    Actor,
    InformationRequest,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
)
from resolvers.platform.pagination import grouped


class HistoryStep(NamedTuple):
    """What a request's history shows of an event: read as plain values, because building
    a model for each of a page's events was a quarter of the page's time."""

    request_id: uuid.UUID
    status: RequestStatus
    note: str | None
    actor: Actor
    at: dt.datetime
    internal: bool
    remark: str | None
    remark_name: str | None


async def events_of(request_ids: Sequence[uuid.UUID]) -> list[list[HistoryStep]]:
    """The events of each request, oldest first, in one query for all of them."""
    rows = await RequestEvent.filter(request_id__in=list(request_ids)).order_by(
        "at", "id"
    ).values_list(*HistoryStep._fields)
    return grouped([HistoryStep(*row) for row in rows], request_ids,
                   key=lambda step: step.request_id)


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

