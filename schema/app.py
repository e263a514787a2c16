"""The ASGI app: the runtime, Tortoise in the lifespan, the routes and the middleware."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from tortoise import Tortoise, connections

from resolvers.database import migrate_database
from resolvers.runtime import Runtime
from resolvers.settings import Settings
from schema import build_schema
from schema.graphiql import static_app
from schema.middleware import BodySizeLimit
from schema.view import LeanGraphQLView


def create_app(settings: Settings, *, manage_database: bool = True) -> Starlette:
    """The ASGI app. Tests that prepare the database themselves pass manage_database=False."""
    runtime = Runtime.from_settings(settings)
    schema = build_schema(production=settings.production)
    graphql = LeanGraphQLView(schema, runtime)

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


