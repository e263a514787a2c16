"""The GraphQL and HTTP side of /metrics: operations, outcomes, requests in flight, and the
scrape itself (who may read it, and the numbers read from the database at scrape time)."""

from __future__ import annotations

import ipaddress
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send
from tortoise import connections

from resolvers.platform import metrics
from resolvers.platform.delivery import pending_messages
from resolvers.platform.runtime import Runtime

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def operation_label(execution_context: Any) -> str:
    """`mutation login`: the operation type and its first root field.

    Bounded by the schema, unlike the operation names clients choose.
    """
    document = execution_context.graphql_document
    if document is None:
        return "invalid"
    wanted = execution_context.operation_name
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if wanted is not None and (definition.name is None or definition.name.value != wanted):
            continue
        selections = definition.selection_set.selections
        field = getattr(selections[0], "name", None) if selections else None
        name = field.value if field is not None else "fragment"
        return f"{definition.operation.value} {name}"
    return "invalid"


def observe_operation(
    execution_context: Any, seconds: float, errors: list[GraphQLError], masked: int
) -> None:
    request = getattr(execution_context.context, "request", None)
    if masked:
        outcome = "masked_error"
        metrics.MASKED_ERRORS.inc(masked)
    elif errors:
        outcome = "error"
    elif request is not None and getattr(request.state, "payload_error", False):
        outcome = "payload_error"
    else:
        outcome = "ok"
    operation = operation_label(execution_context)
    metrics.GRAPHQL_REQUESTS.labels(operation=operation, outcome=outcome).inc()
    metrics.GRAPHQL_LATENCY.labels(operation=operation, outcome=outcome).observe(seconds)


def observe_payload_errors(context: Any, codes: list[str]) -> None:
    for code in codes:
        metrics.PAYLOAD_ERRORS.labels(code=code).inc()
    request = getattr(context, "request", None)
    if request is not None:
        request.state.payload_error = True


class RequestsInFlight:
    """Counts the HTTP requests being answered (gosi_http_requests_in_progress)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        metrics.HTTP_IN_PROGRESS.inc()
        try:
            await self.app(scope, receive, send)
        finally:
            metrics.HTTP_IN_PROGRESS.dec()


def may_scrape(runtime: Runtime, request: Request) -> bool:
    """Everyone outside production; in production only the addresses in METRICS_ALLOW."""
    if not runtime.settings.production:
        return True
    host = request.client.host if request.client else None
    if host is None or not runtime.settings.metrics_allow:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(allowed, strict=False)
               for allowed in runtime.settings.metrics_allow)


async def scrape(runtime: Runtime, request: Request) -> Response:
    if not may_scrape(runtime, request):
        return PlainTextResponse("Not Found", status_code=404)
    try:
        depth, oldest = await pending_messages(runtime.outbox.clock())
    except Exception:  # the database is away: /readyz says so; the rest is still worth reading
        pass
    else:
        metrics.OUTBOX_DEPTH.set(depth)
        metrics.OUTBOX_OLDEST_AGE.set(oldest)
    pool = getattr(connections.get("default"), "_pool", None)
    if pool is not None:
        size = pool.get_size()
        metrics.DATABASE_POOL_SIZE.set(size)
        metrics.DATABASE_POOL_IN_USE.set(size - pool.get_idle_size())
    body = metrics.exposition(runtime.settings.prometheus_multiproc_dir)
    return Response(body, media_type=CONTENT_TYPE)
