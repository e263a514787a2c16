"""A member's page of requests and a page's histories, read as plain values.

Both reads are statements written once per engine and shape (like the session lookup):
through the ORM, building the query, a model per row and a converter call per value took
most of a page's time. The values are the ORM's own: the models' fields convert them, with
the three dearest conversions (enums, times, ids) made direct.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import uuid
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from tortoise import connections, timezone
from tortoise.fields import DatetimeField, Field, UUIDField
from tortoise.fields.data import CharEnumFieldInstance, parse_datetime
from tortoise.models import Model

from models import Actor, RequestEvent, RequestStatus, ServiceRequest, ServiceType
from resolvers.platform.pagination import Page, decode_cursor, page_of, page_size


class RequestRow(NamedTuple):
    """What a list shows of a request; what it stated is parsed only when asked."""

    id: uuid.UUID
    reference_number: str
    member_id: uuid.UUID
    assignee_id: uuid.UUID | None
    type: ServiceType
    status: RequestStatus
    submitted_at: dt.datetime
    updated_at: dt.datetime
    stored_details: Any
    stored_eligibility: Any

    @property
    def details(self) -> dict:
        return _json("details")(self.stored_details)

    @property
    def eligibility_at_submission(self) -> dict | None:
        return _json("eligibility_at_submission")(self.stored_eligibility)


# Read from the table; the member's id is the one asked for.
READ_COLUMNS = ("id", "reference_number", "assignee_id", "type", "status", "submitted_at",
                "updated_at", "details", "eligibility_at_submission")


class HistoryStep(NamedTuple):
    """What a request's history shows of an event."""

    request_id: uuid.UUID
    status: RequestStatus
    note: str | None
    actor: Actor
    at: dt.datetime
    internal: bool
    remark: str | None
    remark_name: str | None


async def member_page(
    *,
    member_id: uuid.UUID,
    status: RequestStatus | None,
    type: ServiceType | None,
    first: int | None,
    after: str | None,
    matching: Callable[[], Any],
) -> Page[RequestRow]:
    """One member's requests, newest first, keyset-paginated as `paginate` does."""
    size = page_size(first)
    cursor = decode_cursor(after) if after else None
    connection = connections.get("default")
    statement = _member_page_statement(
        connection.capabilities.dialect, status is not None, type is not None, cursor is not None
    )
    params = [_db_value("member_id", member_id)]
    params += [_db_value("status", value) for value in (status,) if value is not None]
    params += [_db_value("type", value) for value in (type,) if value is not None]
    if cursor is not None:
        at = _db_value("submitted_at", cursor[0])
        params += [at, at, _db_value("id", cursor[1])]
    _, found = await connection.execute_query(statement, [*params, size + 1])
    key, reference, assignee, kind, state, submitted, updated = _converters(
        ServiceRequest, READ_COLUMNS[:-2]
    )
    rows = [
        RequestRow(key(row_id), reference_number, member_id, assignee(assignee_id), kind(type_),
                   state(status_), submitted(submitted_at), updated(updated_at),
                   details, eligibility)
        for row_id, reference_number, assignee_id, type_, status_, submitted_at, updated_at,
        details, eligibility in found
    ]
    return page_of(rows, size=size, after=after, matching=matching,
                   cursor=lambda row: (row.submitted_at, row.id))


async def events_of(request_ids: Sequence[uuid.UUID]) -> list[list[HistoryStep]]:
    """The events of each request, oldest first, in one statement for all of them."""
    if not request_ids:
        return []
    connection = connections.get("default")
    statement = _events_statement(connection.capabilities.dialect, len(request_ids))
    stored = [_db_value("id", key) for key in request_ids]
    _, found = await connection.execute_query(statement, stored)
    # Grouped by the id as stored, so that no event needs a UUID of its own.
    steps: dict[str, list[HistoryStep]] = {str(key): [] for key in stored}
    keys = {str(value): key for value, key in zip(stored, request_ids, strict=True)}
    _, state, note_, actor_, moment, internal_, remark_, name_ = _converters(
        RequestEvent, HistoryStep._fields
    )
    for request_id, status, note, actor, at, internal, remark, remark_name in found:
        request = str(request_id)
        steps[request].append(HistoryStep(
            keys[request], state(status), note_(note), actor_(actor), moment(at),
            internal_(internal), remark_(remark), name_(remark_name),
        ))
    return [steps[str(key)] for key in stored]


def _marks(dialect: str) -> Callable[[], str]:
    numbers = itertools.count(1)
    return (lambda: f"${next(numbers)}") if dialect == "postgres" else (lambda: "?")


def _columns(model: type[Model], names: Sequence[str]) -> str:
    projection = model._meta.fields_db_projection
    return ", ".join(f'"{projection[name]}"' for name in names)


@functools.cache
def _member_page_statement(dialect: str, status: bool, type: bool, after: bool) -> str:
    mark = _marks(dialect)
    where = [f'"member_id" = {mark()}']
    if status:
        where.append(f'"status" = {mark()}')
    if type:
        where.append(f'"type" = {mark()}')
    if after:
        # As in `paginate`: the first condition alone is an index range; the OR trims it.
        where.append(f'"submitted_at" <= {mark()}')
        where.append(f'("submitted_at" < {mark()} OR "id" < {mark()})')
    return (
        f"SELECT {_columns(ServiceRequest, READ_COLUMNS)} "
        f'FROM "{ServiceRequest._meta.db_table}" WHERE {" AND ".join(where)} '
        f'ORDER BY "submitted_at" DESC, "id" DESC LIMIT {mark()}'
    )


@functools.cache
def _events_statement(dialect: str, requests: int) -> str:
    mark = _marks(dialect)
    return (
        f"SELECT {_columns(RequestEvent, HistoryStep._fields)} "
        f'FROM "{RequestEvent._meta.db_table}" '
        f'WHERE "request_id" IN ({", ".join(mark() for _ in range(requests))}) '
        f'ORDER BY "at", "id"'
    )


@functools.cache
def _converters(model: type[Model], names: Sequence[str]) -> tuple[Callable[[Any], Any], ...]:
    return tuple(_converter(model._meta.fields_map[name]) for name in names)


def _converter(field: Field) -> Callable[[Any], Any]:
    """The field's `to_python_value`, its result unchanged, with its dearest steps made
    direct: an enum by a dictionary lookup, a time parsed then moved to the ORM's zone (the
    ORM asks for its settings on every value), an id as it is when the driver gives a UUID."""
    convert = field.to_python_value
    if isinstance(field, CharEnumFieldInstance):
        members = field.enum_type._value2member_map_

        def member(value: Any) -> Any:
            found = members.get(value)
            return found if found is not None else convert(value)

        return member
    if isinstance(field, DatetimeField) and timezone.get_use_tz():
        zone = timezone.get_default_timezone()

        def moment(value: Any) -> Any:
            if isinstance(value, str):
                value = parse_datetime(value)
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                return value.astimezone(zone)
            return convert(value)

        return moment
    if isinstance(field, UUIDField):
        return lambda value: uuid.UUID(value) if isinstance(value, str) else convert(value)
    return convert


@functools.cache
def _json(name: str) -> Callable[[Any], Any]:
    return ServiceRequest._meta.fields_map[name].to_python_value


def _db_value(name: str, value: Any) -> Any:
    return ServiceRequest._meta.fields_map[name].to_db_value(value, ServiceRequest)
