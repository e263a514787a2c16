"""The ASGI app: the runtime, Tortoise in the lifespan, the routes and the middleware."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from typing import Any

import strawberry
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from tortoise import connections
from tortoise.contrib.starlette import RegisterTortoise

from resolvers.platform import jobs, metrics
from resolvers.platform.database import migrate_database
from resolvers.platform.retention import run_retention
from resolvers.platform.runtime import Runtime
from resolvers.platform.settings import Settings
from schema import build_schema
from schema.http import tracing
from schema.http.downloads import download, verify_page
from schema.http.graphiql import static_app
from schema.http.metrics import scrape
from schema.http.middleware import REQUEST_ID_HEADER, Envelope, GraphQLLane
from schema.http.view import GraphQLView

_frozen = False


def freeze_start_up() -> None:
    """What start-up built (modules, the schema, the runtime) lives as long as the process:
    out of the cyclic collector's sight, so its full passes no longer walk ~150,000 objects
    while requests wait. Under load they ran every second or so and took up to 430 ms, the
    whole of the p99's tail (tests/bench/stalls.py). Once per process: a test run's later
    apps are left to the collector."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


def create_app(
    settings: Settings, *, manage_database: bool = True, span_exporter: Any = None,
    schema: strawberry.Schema | None = None,
) -> Starlette:
    """The ASGI app. Tests that prepare the database themselves pass manage_database=False,
    and may pass an OpenTelemetry span exporter to read the traces. A test suite that makes
    many apps may pass the schema it built once (`build_schema(production=...)` for these
    settings); with tracing on, the app builds its own."""
    runtime = Runtime.from_settings(settings)
    tracer_provider = tracing.tracer_provider_for(settings, span_exporter)
    if schema is None or tracer_provider is not None:
        schema = build_schema(production=settings.production, tracer_provider=tracer_provider)
    graphql = GraphQLView(schema, runtime)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            if manage_database:
                await migrate_database(settings)
                await stack.enter_async_context(RegisterTortoise(app, config=settings.tortoise_config()))
            await runtime.store.open()
            worker = asyncio.create_task(runtime.outbox.run(), name="outbox")
            retention = asyncio.create_task(run_retention(runtime), name="retention")
            scheduled = asyncio.create_task(jobs.run(runtime), name="jobs")
            await runtime.live.start()
            freeze_start_up()
            try:
                yield
            finally:
                await runtime.live.stop()
                for task in (retention, scheduled):
                    task.cancel()
                # The messages in hand are sent (or their lease runs out); nothing new is claimed.
                await runtime.deferred.drain()  # codes not yet handed to the outbox
                runtime.outbox.stop()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(worker, settings.shutdown_timeout_seconds)
                for task in (retention, scheduled):
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                await runtime.outbox.aclose()
                await runtime.store.aclose()
                await runtime.access_log.aclose()
                if tracer_provider is not None:
                    tracer_provider.shutdown()  # sends the spans still batched
                if settings.prometheus_multiproc_dir:
                    metrics.process_ended(settings.prometheus_multiproc_dir)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        parts = {"database": "up"}
        try:
            await asyncio.wait_for(connections.get("default").execute_query("SELECT 1"), 2)
        except Exception:
            parts["database"] = "down"
        try:
            await asyncio.wait_for(runtime.store.ping(), 2)
            parts["documentStore"] = "up"
        except Exception:
            parts["documentStore"] = "down"
        if runtime.throttle.shared:
            # Without Redis the limits still hold, per process: the instance serves, but an
            # operator (and the load balancer) must know.
            parts["redis"] = "up" if await runtime.throttle.check() else "down"
        if "down" in parts.values():
            return JSONResponse({"status": "unavailable", **parts}, status_code=503)
        return JSONResponse({"status": "ok", **parts})

    async def metrics_endpoint(request: Request) -> Response:
        return await scrape(runtime, request)

    graphql_route = Route("/graphql", graphql, methods=["GET", "POST"])
    app = Starlette(
        routes=[
            graphql_route,
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
            Route("/files/{token}", download, methods=["GET"]),
            Route("/verify", verify_page, methods=["GET"]),
            Mount("/graphiql/static", app=static_app(), name="graphiql-static"),
        ],
        middleware=[
            # Outermost: CORS preflights and 413s get the headers too.
            Middleware(Envelope, https=settings.https, cors={
                "allow_origins": list(settings.cors_origins),
                "allow_methods": ["GET", "POST"],
                "allow_headers": list(settings.cors_allow_headers),
                "expose_headers": [REQUEST_ID_HEADER, "WWW-Authenticate", "Retry-After"],
                "max_age": 600,
            }),
            Middleware(GraphQLLane, route=graphql_route),
        ],
        lifespan=lifespan,
    )
    if tracer_provider is not None:
        tracing.instrument(app, tracer_provider)
    app.state.runtime = runtime
    app.state.schema = schema
    return app


