"""The entry point: settings from the environment, the ASGI app, and the command line.

    python server.py                                   serve (migrating first)
    python server.py create-staff NATIONAL_ID --name "NAME" [--mobile 05XXXXXXXX]
    python server.py migrate | export-schema
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import json
import logging
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import strawberry
from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET
from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate as run_migrations

from resolvers import accounts
from resolvers.delivery import Outbox, senders_for
from resolvers.errors import DomainError
from resolvers.passwords import Passwords
from resolvers.runtime import Runtime
from resolvers.settings import ConfigurationError, Settings
from resolvers.throttle import Throttle
from resolvers.tokens import Keyring
from schema import build_schema
from schema.context import Context
from schema.graphiql import graphiql_html, static_app

MAX_BODY_BYTES = 100 * 1024
GRAPHQL_RESPONSE = "application/graphql-response+json"
SCHEMA_EXPORT = Path(__file__).parent / "schema" / "schema.graphql"

log = logging.getLogger("gosi.server")


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line; `extra` fields become keys."""

    _standard = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({k: v for k, v in vars(record).items() if k not in self._standard})
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def build_runtime(settings: Settings) -> Runtime:
    keyring = Keyring(settings.secret_key)
    return Runtime(
        settings=settings,
        keyring=keyring,
        passwords=Passwords(
            memory_kib=settings.argon2_memory_kib,
            time_cost=settings.argon2_time_cost,
            parallelism=settings.argon2_parallelism,
            concurrency=settings.hashing_concurrency,
        ),
        throttle=Throttle(settings.redis_url),
        outbox=Outbox(keyring=keyring, senders=senders_for(settings)),
    )


class GraphQLView(GraphQL):
    def __init__(self, schema: strawberry.Schema, runtime: Runtime) -> None:
        production = runtime.settings.production
        super().__init__(schema, graphql_ide=None if production else "graphiql")
        self.runtime = runtime
        self.timeout = runtime.settings.execution_timeout_seconds

    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        return Context(request=request, response=response, runtime=self.runtime)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(graphiql_html())

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        # Strict JSON: a lone surrogate ("\ud800") is refused with the other malformed bodies
        # (400) instead of reaching the rules as text no database or hash can encode.
        return orjson.loads(data)

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        try:
            async with asyncio.timeout(self.timeout):
                return await super().execute_operation(*args, **kwargs)
        except TimeoutError:
            log.warning("operation exceeded %.1fs and was cancelled", self.timeout)
            return ExecutionResult(
                data=None,
                errors=[GraphQLError("The request took too long.", extensions={"code": "TIMEOUT"})],
            )

    async def process_result(self, request: Request, result: ExecutionResult) -> Any:
        data = await super().process_result(request, result)
        # A request error (the document never ran) has no `data` under graphql-response+json.
        if (
            wants_graphql_response(request)
            and result.data is None
            and result.errors
            and all(error.path is None for error in result.errors)
        ):
            data.pop("data", None)
            request.state.graphql_request_error = True
        return data

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        response = await super().run(request, context, root_value)
        if (
            isinstance(response, Response)
            and response.media_type == "application/json"
            and wants_graphql_response(request)
        ):
            response.headers["content-type"] = GRAPHQL_RESPONSE
            if getattr(request.state, "graphql_request_error", False):
                response.status_code = 400
        return response


def _quality(accept: str, media_type: str) -> float:
    best = 0.0
    for part in accept.split(","):
        name, *params = (piece.strip() for piece in part.split(";"))
        if name.lower() != media_type:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        best = max(best, quality)
    return best


def wants_graphql_response(request: Request) -> bool:
    """The client prefers application/graphql-response+json (GraphQL over HTTP)."""
    accept = request.headers.get("accept", "")
    if GRAPHQL_RESPONSE not in accept:
        return False
    preference = _quality(accept, GRAPHQL_RESPONSE)
    return preference > 0 and preference >= _quality(accept, "application/json")


class BodySizeLimit:
    """Refuses bodies over the limit with 413 before the GraphQL layer reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await PlainTextResponse("Request body too large.", status_code=413)(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except BodyTooLarge:
            await PlainTextResponse("Request body too large.", status_code=413)(scope, receive, send)


class BodyTooLarge(Exception):
    pass


MIGRATION_LOCK = 7_240_511  # any constant: the PostgreSQL advisory lock key for migrations


async def migrate_database(settings: Settings) -> None:
    """Applies pending migrations; several processes starting at once take turns."""
    if not settings.database_url.startswith(("postgres://", "postgresql://")):
        await run_migrations(config=settings.tortoise_config())
        await Tortoise.close_connections()
        return
    import asyncpg

    lock = await asyncpg.connect(settings.database_url.replace("postgres://", "postgresql://", 1))
    try:
        await lock.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
        await run_migrations(config=settings.tortoise_config())
        await Tortoise.close_connections()
    finally:
        await lock.close()


def create_app(settings: Settings, *, manage_database: bool = True) -> Starlette:
    """The ASGI app. Tests that prepare the database themselves pass manage_database=False."""
    runtime = build_runtime(settings)
    schema = build_schema(production=settings.production)
    graphql = GraphQLView(schema, runtime)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        tortoise = None
        if manage_database:
            await migrate_database(settings)
            tortoise = await Tortoise.init(
                config=settings.tortoise_config(), _enable_global_fallback=True
            )
        worker = asyncio.create_task(runtime.outbox.run(), name="outbox")
        try:
            yield
        finally:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
            await runtime.outbox.aclose()
            if tortoise is not None:
                await tortoise.close_connections()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            await asyncio.wait_for(connections.get("default").execute_query("SELECT 1"), 2)
        except Exception:
            return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "up"})

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Mount("/graphiql/static", app=static_app(), name="graphiql-static"),
        ],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "Accept-Language"],
                max_age=600,
            ),
            Middleware(BodySizeLimit),
        ],
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.schema = schema
    return app


def app() -> Starlette:
    """For `uvicorn server:app --factory --workers N`: each worker builds its app from the environment."""
    return create_app(Settings.from_environ(os.environ))


def export_schema() -> str:
    return str(build_schema(production=False)) + "\n"


async def create_staff_command(settings: Settings, args: argparse.Namespace, password: str) -> int:
    await migrate_database(settings)
    await Tortoise.init(config=settings.tortoise_config())
    try:
        member, created = await accounts.create_staff(
            runtime=build_runtime(settings),
            national_id=args.national_id,
            full_name=args.name,
            password=password,
            mobile=args.mobile,
        )
    except DomainError as error:
        for item in error.errors:
            print(f"{item.field}: {item.code.value}", file=sys.stderr)
        return 1
    finally:
        await connections.close_all()
    print(f"{'created' if created else 'promoted'} staff account {member.national_id}")
    return 0


def read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Repeat: ") != first:
            raise SystemExit("the passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


def __getattr__(name: str) -> Any:
    """`tortoise -c server.TORTOISE_ORM makemigrations` reads the configuration from here."""
    if name == "TORTOISE_ORM":
        return Settings.from_environ(os.environ).tortoise_config()
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="server.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve the API (the default)")
    commands.add_parser("migrate", help="apply database migrations and exit")
    commands.add_parser("export-schema", help="write schema/schema.graphql")
    staff = commands.add_parser("create-staff", help="create or promote a staff account")
    staff.add_argument("national_id")
    staff.add_argument("--name", required=True)
    staff.add_argument("--mobile", default=None)
    args = parser.parse_args(argv)

    configure_logging()
    if args.command == "export-schema":
        SCHEMA_EXPORT.write_text(export_schema(), encoding="utf-8")
        print(f"wrote {SCHEMA_EXPORT}")
        return 0
    try:
        settings = Settings.from_environ(os.environ)
    except ConfigurationError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    if args.command == "migrate":
        asyncio.run(migrate_database(settings))
        return 0
    if args.command == "create-staff":
        return asyncio.run(create_staff_command(settings, args, read_password()))

    import uvicorn

    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        access_log=False,
        log_config=None,
        http="httptools",
        loop="uvloop",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
