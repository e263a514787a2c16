"""The ORM reference: the same JSON as two GraphQL queries, the way a REST endpoint on this
stack would answer them, sharing nothing with the product.

    python -m tests.bench.orm_reference --database-url URL --port PORT --secret-key KEY

Plain Starlette routes in a process of its own (uvicorn, httptools, uvloop, one worker, no
access log), with Tortoise models of its own mapped to the product's tables. `me` is one ORM
lookup (the session by the token's digest, its member joined); the list is two queries (the
page of the token's member's requests, joined through the session, then their events).
Like the independent raw app it loads nothing of the product (check_independent), and
run.py checks its answers equal the product's before measuring.

    GET /ref/me                = { me { ...profile } }
    GET /ref/requests?first=N  = { me { requests(first: N) { edges { node {
                                   referenceNumber status service { name } history { status at }
                                 } } } } }
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tortoise import Tortoise, fields
from tortoise.models import Model

from tests.bench import independent
from tests.bench.independent import (
    MAX_PAGE_SIZE,
    SERVICE_NAMES,
    UNAUTHENTICATED,
    address_answer,
    digester,
    masked_iban,
)


class Member(Model):
    id = fields.UUIDField(primary_key=True)
    national_id = fields.CharField(max_length=10)
    residency = fields.CharField(max_length=16)
    full_name = fields.CharField(max_length=200)
    date_of_birth = fields.DateField()
    mobile = fields.CharField(max_length=16)
    email = fields.CharField(max_length=254, null=True)
    preferred_channel = fields.CharField(max_length=8)
    preferred_language = fields.CharField(max_length=4)
    address: fields.Field[dict | None] = fields.JSONField(null=True)
    iban = fields.CharField(max_length=34, null=True)
    status = fields.CharField(max_length=24)
    role = fields.CharField(max_length=8)
    created_at = fields.DatetimeField()

    class Meta:
        table = "member"


class Session(Model):
    id = fields.UUIDField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "reference.Member", related_name="sessions")
    access_token_hash = fields.CharField(max_length=64)
    access_expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "session"


class ServiceRequest(Model):
    id = fields.UUIDField(primary_key=True)
    reference_number = fields.CharField(max_length=20)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "reference.Member", related_name="service_requests")
    type = fields.CharField(max_length=24)
    status = fields.CharField(max_length=24)
    submitted_at = fields.DatetimeField()

    class Meta:
        table = "service_request"


class RequestEvent(Model):
    id = fields.UUIDField(primary_key=True)
    request: fields.ForeignKeyRelation[ServiceRequest] = fields.ForeignKeyField(
        "reference.ServiceRequest", related_name="events")
    request_id: Any
    status = fields.CharField(max_length=24)
    at = fields.DatetimeField()
    internal = fields.BooleanField()

    class Meta:
        table = "request_event"


def profile(member: Member) -> dict[str, Any]:
    return {
        "nationalId": member.national_id,
        "residency": member.residency,
        "fullName": member.full_name,
        "dateOfBirth": member.date_of_birth.isoformat(),
        "mobile": member.mobile,
        "email": member.email,
        "preferredChannel": member.preferred_channel,
        "preferredLanguage": member.preferred_language,
        "address": address_answer(member.address),
        "iban": masked_iban(member.iban),
        "status": member.status,
        "role": member.role,
        "createdAt": member.created_at.isoformat(),
    }


def build_app(*, database_url: str, secret_key: str) -> Starlette:
    digest = digester(secret_key)

    def signed_in(request: Request) -> dict[str, Any] | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return None
        return {"access_token_hash": digest(token), "revoked_at": None,
                "access_expires_at__gt": dt.datetime.now(dt.UTC)}

    async def me(request: Request) -> Response:
        session = signed_in(request)
        found = None if session is None else await Session.filter(
            **session, member__status="ACTIVE").select_related("member").first()
        if found is None:
            return Response(UNAUTHENTICATED, media_type="application/json")
        return Response(orjson.dumps({"data": {"me": profile(found.member)}}),
                        media_type="application/json")

    async def member_requests(request: Request) -> Response:
        session = signed_in(request)
        if session is None:
            return Response(UNAUTHENTICATED, media_type="application/json")
        first = max(0, min(int(request.query_params.get("first", 20)), MAX_PAGE_SIZE))
        english = request.headers.get("accept-language", "").lower().startswith("en")
        of_viewer = {f"member__sessions__{name}": value for name, value in session.items()}
        page = await ServiceRequest.filter(**of_viewer, member__status="ACTIVE") \
            .order_by("-submitted_at", "-id").limit(first)
        if not page and not await Session.exists(**session, member__status="ACTIVE"):
            return Response(UNAUTHENTICATED, media_type="application/json")
        histories: dict[Any, list[dict[str, str]]] = defaultdict(list)
        for event in await RequestEvent.filter(
                request_id__in=[row.id for row in page], internal=False).order_by("at", "id"):
            histories[event.request_id].append(
                {"status": event.status, "at": event.at.isoformat()})
        edges = [{"node": {
            "referenceNumber": row.reference_number,
            "status": row.status,
            "service": {"name": SERVICE_NAMES[row.type][0 if english else 1]},
            "history": histories[row.id],
        }} for row in page]
        return Response(orjson.dumps({"data": {"me": {"requests": {"edges": edges}}}}),
                        media_type="application/json")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await Tortoise.init(config={
            "connections": {"default": database_url.replace("postgresql://", "postgres://", 1)},
            "apps": {"reference": {"models": [__name__], "default_connection": "default"}},
            "use_tz": True,
            "timezone": "UTC",
        }, _enable_global_fallback=True)  # requests run in tasks of their own
        try:
            yield
        finally:
            await Tortoise.close_connections()

    async def ready(request: Request) -> Response:
        await Member.exists()
        return Response(b'{"status":"ok"}', media_type="application/json")

    return Starlette(
        routes=[
            Route("/ref/me", me, methods=["GET"]),
            Route("/ref/requests", member_requests, methods=["GET"]),
            Route("/readyz", ready, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def main(argv: list[str] | None = None) -> None:
    independent.main(argv, build=build_app, description=__doc__.splitlines()[0])


if __name__ == "__main__":
    main()
