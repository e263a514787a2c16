"""The independent raw app: the same JSON as two GraphQL queries, sharing nothing with the product.

    python -m tests.bench.independent --database-url URL --port PORT --secret-key KEY

Plain Starlette routes with no middleware, in a process of its own (uvicorn, httptools, uvloop,
one worker, no access log), over the product's database through Tortoise's own connection with
hand-written SQL. It imports nothing from schema/, resolvers/, models/ or server.py (nor from
the benchmark modules that do): it refuses to start if any of them got loaded, and
tests/test_bench_independent.py checks its imports. What it knows of the product (the token
digest, the tables, the service names) it states itself, and run.py checks its answers equal
the product's before measuring.

    GET /raw/me                = { me { ...profile } }
    GET /raw/requests?first=N  = { me { requests(first: N) { edges { node {
                                   referenceNumber status service { name } history { status at }
                                 } } } } }

One statement per request for `me` (the session joined to its member by the token's digest,
on the session's unique index) and two for the list (the same join for the member's id, then
the page joined with its events).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import hashlib
import hmac
import operator
import sys
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import orjson
import strawberry
import uvicorn
from graphql import DocumentNode, GraphQLError, execute, parse, validate
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry.schema.config import StrawberryConfig
from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

FORBIDDEN = ("schema", "resolvers", "models", "server", "tests.bench.baseline",
             "tests.bench.launcher", "tests.bench.run", "tests.bench.seed", "tests.support")
"""Modules (and their submodules) of the product that this app must not load."""

MAX_PAGE_SIZE = 100

SERVICE_NAMES = {
    "RETIREMENT_PENSION": ("Retirement pension", "معاش التقاعد"),
    "DISABILITY_PENSION": ("Disability pension", "معاش العجز"),
    "HEALTH_INSURANCE": ("Health insurance for pensioners", "التأمين الصحي للمتقاعدين"),
    "PHYSIOTHERAPY": ("Physiotherapy", "العلاج الطبيعي"),
    "WORK_INJURY": ("Work injury", "إصابة العمل"),
    "UNEMPLOYMENT_BENEFIT": ("SANED unemployment benefit", "ساند - التعويض عن التعطل"),
}
"""(English, Arabic) name of each service, as the product's catalog words them."""

MEMBER_COLUMNS = (
    "m.id, m.national_id, m.residency, m.full_name, m.date_of_birth, m.mobile, m.email, "
    "m.preferred_channel, m.preferred_language, m.address, m.iban, m.status, m.role, m.created_at"
)
VIEWER = (
    f"SELECT {MEMBER_COLUMNS} FROM session s JOIN member m ON m.id = s.member_id "
    "WHERE s.access_token_hash = {0} AND s.revoked_at IS NULL AND s.access_expires_at > {1} "
    "AND m.status = 'ACTIVE'"
)
VIEWER_ID = (
    "SELECT s.member_id FROM session s JOIN member m ON m.id = s.member_id "
    "WHERE s.access_token_hash = {0} AND s.revoked_at IS NULL AND s.access_expires_at > {1} "
    "AND m.status = 'ACTIVE'"
)
PAGE = (
    "SELECT r.id, r.reference_number, r.status, r.type, e.status AS event_status, e.at "
    "FROM (SELECT id, reference_number, status, type, submitted_at FROM service_request "
    "WHERE member_id = {0} ORDER BY submitted_at DESC, id DESC LIMIT {1}) r "
    "LEFT JOIN request_event e ON e.request_id = r.id "
    "ORDER BY r.submitted_at DESC, r.id DESC, e.at, e.id"
)
UNAUTHENTICATED = orjson.dumps({"data": {"me": None}})


def masked_iban(iban: str | None) -> str | None:
    """As the product shows an IBAN: only its last four characters, in printed groups of four."""
    if not iban:
        return None
    masked = "*" * (len(iban) - 4) + iban[-4:]
    return " ".join(masked[i:i + 4] for i in range(0, len(masked), 4))


def check_independent() -> None:
    """Refuses to run when any module of the product was loaded into this process."""
    loaded = sorted(
        name for name in sys.modules
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    )
    if loaded:
        raise SystemExit(f"the independent app loaded product modules: {', '.join(loaded)}")


class Statements:
    """The SQL in the engine's own placeholders; datetimes as the engine stores them."""

    def __init__(self, database_url: str) -> None:
        self.sqlite = database_url.startswith("sqlite")
        marks = ("?", "?") if self.sqlite else ("$1", "$2")
        self.viewer = VIEWER.format(*marks)
        self.viewer_id = VIEWER_ID.format(*marks)
        self.page = PAGE.format(*marks)

    def now(self) -> Any:
        now = dt.datetime.now(dt.UTC)
        return now.isoformat(" ") if self.sqlite else now

    def datetime(self, value: Any) -> str:
        if isinstance(value, str):
            return dt.datetime.fromisoformat(value).isoformat()
        return value.isoformat()

    def date(self, value: Any) -> str:
        return value if isinstance(value, str) else value.isoformat()


def digester(secret_key: str) -> Callable[[str], str]:
    """The product's keyed token digest: HMAC-SHA256 under a key derived from SECRET_KEY."""
    key = hmac.new(secret_key.encode(), b"token-hash", hashlib.sha256).digest()

    def digest(token: str) -> str:
        return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()

    return digest


def build_app(*, database_url: str, secret_key: str) -> Starlette:
    sql = Statements(database_url)
    digest = digester(secret_key)
    database: dict[str, BaseDBAsyncClient] = {}  # the connection, opened by the lifespan

    def token_of(request: Request) -> str | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        return token if scheme.lower() == "bearer" and token else None

    async def viewer(token: str | None, statement: str) -> dict[str, Any] | None:
        if token is None:
            return None
        rows = await database["default"].execute_query_dict(statement, [digest(token), sql.now()])
        return rows[0] if rows else None

    async def requests_of(member_id: Any, first: int, english: bool) -> dict[str, Any]:
        edges: list[dict[str, Any]] = []
        current: Any = None
        history: list[dict[str, str]] = []
        rows = await database["default"].execute_query_dict(sql.page, [member_id, first])
        for row in rows:
            if row["id"] != current:
                current = row["id"]
                history = []
                names = SERVICE_NAMES[row["type"]]
                edges.append({"node": {
                    "referenceNumber": row["reference_number"],
                    "status": row["status"],
                    "service": {"name": names[0] if english else names[1]},
                    "history": history,
                }})
            if row["event_status"] is not None:
                history.append({"status": row["event_status"], "at": sql.datetime(row["at"])})
        return {"edges": edges}

    async def me(request: Request) -> Response:
        row = await viewer(token_of(request), sql.viewer)
        if row is None:
            return Response(UNAUTHENTICATED, media_type="application/json")
        return Response(
            orjson.dumps({"data": {"me": profile(row, sql)}}), media_type="application/json"
        )

    async def member_requests(request: Request) -> Response:
        row = await viewer(token_of(request), sql.viewer_id)
        if row is None:
            return Response(UNAUTHENTICATED, media_type="application/json")
        first = max(0, min(int(request.query_params.get("first", 20)), MAX_PAGE_SIZE))
        english = request.headers.get("accept-language", "").lower().startswith("en")
        page = await requests_of(row["member_id"], first, english)
        return Response(
            orjson.dumps({"data": {"me": {"requests": page}}}), media_type="application/json"
        )

    floor = Floor(viewer=viewer, requests_of=requests_of, sql=sql)

    async def floor_graphql(request: Request) -> Response:
        body = orjson.loads(await request.body())
        english = request.headers.get("accept-language", "").lower().startswith("en")
        answer = await floor.execute(body["query"], body.get("variables"), {
            "token": token_of(request), "english": english})
        return Response(orjson.dumps(answer), media_type="application/json")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        url = database_url.replace("postgresql://", "postgres://", 1)
        with warnings.catch_warnings():
            # Tortoise wants an app; this one has no models, only the connection.
            warnings.simplefilter("ignore", RuntimeWarning)
            tortoise = await Tortoise.init(config={
                "connections": {"default": url},
                "apps": {"raw": {"models": [__name__], "default_connection": "default"}},
            })
        database["default"] = tortoise.connections.get("default")
        try:
            yield
        finally:
            await tortoise.close_connections()

    async def ready(request: Request) -> Response:
        await database["default"].execute_query("SELECT 1")
        return Response(b'{"status":"ok"}', media_type="application/json")

    return Starlette(
        routes=[
            Route("/raw/me", me, methods=["GET"]),
            Route("/raw/requests", member_requests, methods=["GET"]),
            Route("/floor/graphql", floor_graphql, methods=["POST"]),
            Route("/readyz", ready, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def address_answer(address: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored address as the schema shows it; none without a city."""
    if not address or not address.get("city"):
        return None
    return {
        "city": address["city"],
        "district": address.get("district"),
        "street": address.get("street"),
        "buildingNumber": address.get("building_number"),
        "postalCode": address.get("postal_code"),
    }


def profile(row: dict[str, Any], sql: Statements) -> dict[str, Any]:
    address = row["address"]
    if isinstance(address, str | bytes):
        address = orjson.loads(address)
    return {
        "nationalId": row["national_id"],
        "residency": row["residency"],
        "fullName": row["full_name"],
        "dateOfBirth": sql.date(row["date_of_birth"]),
        "mobile": row["mobile"],
        "email": row["email"],
        "preferredChannel": row["preferred_channel"],
        "preferredLanguage": row["preferred_language"],
        "address": address_answer(address),
        "iban": masked_iban(row["iban"]),
        "status": row["status"],
        "role": row["role"],
        "createdAt": sql.datetime(row["created_at"]),
    }


# ------------------------------------------------------------------ the floor
# The same statements and the same JSON through GraphQL as this stack runs it at its
# leanest: a Strawberry schema of plain fields over dicts (strings for enums and dates),
# each document parsed and validated once, graphql-core's execute, no middleware and no
# view. Nothing built on Strawberry and graphql-core can answer these queries for less, so
# floor/independent is the ceiling of the product's ratio.


@strawberry.type(name="Address")
class FloorAddress:
    city: str
    district: str | None
    street: str | None
    buildingNumber: str | None  # noqa: N815  # the JSON's names, resolved from dicts
    postalCode: str | None  # noqa: N815


@strawberry.type(name="Service")
class FloorService:
    name: str


@strawberry.type(name="RequestEvent")
class FloorStep:
    status: str
    at: str


@strawberry.type(name="ServiceRequest")
class FloorRequest:
    referenceNumber: str  # noqa: N815
    status: str
    service: FloorService
    history: list[FloorStep]


@strawberry.type(name="ServiceRequestEdge")
class FloorEdge:
    node: FloorRequest


@strawberry.type(name="ServiceRequestConnection")
class FloorConnection:
    edges: list[FloorEdge]


@strawberry.type(name="Member")
class FloorMember:
    nationalId: str  # noqa: N815
    residency: str
    fullName: str  # noqa: N815
    dateOfBirth: str  # noqa: N815
    mobile: str
    email: str | None
    preferredChannel: str  # noqa: N815
    preferredLanguage: str  # noqa: N815
    address: FloorAddress | None
    iban: str | None
    status: str
    role: str
    createdAt: str  # noqa: N815

    @strawberry.field
    async def requests(self, info: strawberry.Info, first: int | None = 20) -> FloorConnection:
        floor: Floor = info.context["floor"]
        first = max(0, min(first if first is not None else 20, MAX_PAGE_SIZE))
        return await floor.requests_of(  # type: ignore[return-value]
            self["id"], first, info.context["english"])  # type: ignore[index]


@strawberry.type
class FloorQuery:
    @strawberry.field
    async def me(self, info: strawberry.Info) -> FloorMember | None:
        floor: Floor = info.context["floor"]
        row = await floor.viewer(info.context["token"], floor.sql.viewer)
        return None if row is None else {**profile(row, floor.sql), "id": row["id"]}  # type: ignore[return-value]


FLOOR_SCHEMA = strawberry.Schema(
    query=FloorQuery,
    config=StrawberryConfig(auto_camel_case=False, default_resolver=operator.getitem),
)


class Floor:
    def __init__(self, *, viewer: Callable[..., Any], requests_of: Callable[..., Any],
                 sql: Statements) -> None:
        self.viewer = viewer
        self.requests_of = requests_of
        self.sql = sql

    @functools.lru_cache(maxsize=64)  # noqa: B019  # one Floor per process
    def prepared(self, query: str) -> tuple[DocumentNode, list[GraphQLError]]:
        document = parse(query)
        return document, validate(FLOOR_SCHEMA._schema, document)

    async def execute(self, query: str, variables: dict[str, Any] | None,
                      context: dict[str, Any]) -> dict[str, Any]:
        document, errors = self.prepared(query)
        if errors:
            return {"errors": [error.formatted for error in errors]}
        result = execute(FLOOR_SCHEMA._schema, document, variable_values=variables,
                         context_value={**context, "floor": self})
        if isinstance(result, Awaitable):
            result = await result
        return result.formatted  # type: ignore[union-attr]


def main(argv: list[str] | None = None, *, build: Callable[..., Starlette] | None = None,
         description: str | None = None) -> None:
    """Serves this app, or another bench app of its kind (`build`), with the launcher's options."""
    parser = argparse.ArgumentParser(description=description or __doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret-key", required=True)
    args, _ = parser.parse_known_args(argv)  # the product's launcher options are ignored
    check_independent()
    # As tests.bench.serving runs the product's server; not imported from there, to stay apart.
    uvicorn.run((build or build_app)(database_url=args.database_url, secret_key=args.secret_key),
                host="127.0.0.1", port=args.port, access_log=False, log_config=None,
                http="httptools", loop="uvloop", lifespan="on")


if __name__ == "__main__":
    main()
