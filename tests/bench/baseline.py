"""The in-app raw baseline: the GraphQL queries' answers, from plain Starlette endpoints
mounted in the product's own app (tests/bench/independent.py is the one that shares nothing).

Each endpoint makes the same session check (resolvers.sessions.authenticate with the
bearer token) and the same reads with the same Tortoise models as the GraphQL query it
stands for, and returns the same JSON; only GraphQL itself is left out.

    GET /bench/raw/me                 = { me { ...profile } }
    GET /bench/raw/requests?first=N   = { me { requests(first: N) { edges { node { ... } } } } }
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from models import Member, RequestEvent, ServiceRequest
from resolvers.platform.i18n import negotiate_language
from resolvers.platform.pagination import MAX_PAGE_SIZE
from resolvers.platform.runtime import Runtime
from resolvers.security import sessions
from resolvers.service_requests import catalog
from tests.bench.independent import masked_iban

ME_QUERY = """query Me { me {
  nationalId residency fullName dateOfBirth mobile email preferredChannel preferredLanguage
  address { city district street buildingNumber postalCode }
  iban status role createdAt
} }"""

REQUESTS_QUERY = """query Requests($first: Int) { me { requests(first: $first) { edges { node {
  referenceNumber status service { name } history { status at }
} } } } }"""

UNAUTHENTICATED = orjson.dumps({"data": {"me": None}})


def routes(runtime: Runtime) -> list[Route]:
    async def viewer(request: Request) -> Member | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        found = await sessions.authenticate(runtime=runtime, access_token=token.strip())
        return found.member if found else None

    async def me(request: Request) -> Response:
        member = await viewer(request)
        if member is None:
            return _json_bytes(UNAUTHENTICATED)
        return _json({"data": {"me": profile(member)}})

    async def member_requests(request: Request) -> Response:
        member = await viewer(request)
        if member is None:
            return _json_bytes(UNAUTHENTICATED)
        first = max(0, min(int(request.query_params.get("first", 20)), MAX_PAGE_SIZE))
        language = negotiate_language(request.headers.get("accept-language"))
        # The same statements as the GraphQL path: the page (+1 to know if more follow) and
        # every event of the page in one query; no count, as the query asks for no totalCount.
        query = ServiceRequest.filter(member_id=member.id)
        rows = (await query.order_by("-submitted_at", "-id").limit(first + 1))[:first]
        events: dict[Any, list[RequestEvent]] = defaultdict(list)
        if rows:
            for event in await RequestEvent.filter(
                request_id__in=[row.id for row in rows]
            ).order_by("at", "id"):
                events[event.request_id].append(event)
        edges = [
            {
                "node": {
                    "referenceNumber": row.reference_number,
                    "status": row.status.name,
                    "service": {"name": catalog.service(row.type, language).name},
                    "history": [
                        {"status": event.status.name, "at": _datetime(event.at)}
                        for event in events[row.id]
                    ],
                }
            }
            for row in rows
        ]
        return _json({"data": {"me": {"requests": {"edges": edges}}}})

    return [
        Route("/bench/raw/me", me, methods=["GET"]),
        Route("/bench/raw/requests", member_requests, methods=["GET"]),
    ]


def profile(member: Member) -> dict[str, Any]:
    return {
        "nationalId": member.national_id,
        "residency": member.residency.name,
        "fullName": member.full_name,
        "dateOfBirth": member.date_of_birth.isoformat(),
        "mobile": member.mobile,
        "email": member.email,
        "preferredChannel": member.preferred_channel.name,
        "preferredLanguage": member.preferred_language.name,
        "address": _address(member.address),
        "iban": masked_iban(member.iban),
        "status": member.status.name,
        "role": member.role.name,
        "createdAt": _datetime(member.created_at),
    }


def _address(data: dict | None) -> dict[str, Any] | None:
    if not data or not data.get("city"):
        return None
    return {
        "city": data["city"],
        "district": data.get("district"),
        "street": data.get("street"),
        "buildingNumber": data.get("building_number"),
        "postalCode": data.get("postal_code"),
    }


def _datetime(value: dt.datetime) -> str:
    return value.isoformat()


def _json(data: Any) -> Response:
    return _json_bytes(orjson.dumps(data))


def _json_bytes(body: bytes) -> Response:
    return Response(body, media_type="application/json")
